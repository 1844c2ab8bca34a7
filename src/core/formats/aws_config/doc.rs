//! The AWS CLI's AWS Config outputs, naming only the fields Posture reads.

use serde::Deserialize;

use crate::core::json::{MaybeStr, Str};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Doc<'a> {
    #[serde(borrow)]
    pub compliance_summaries_by_resource_type: Option<Vec<Summary<'a>>>,
    #[serde(borrow)]
    pub compliance_by_config_rules: Option<Vec<ByRule<'a>>>,
    #[serde(borrow)]
    pub compliance_by_resources: Option<Vec<ByResource<'a>>>,
    #[serde(borrow)]
    pub evaluation_results: Option<Vec<Evaluation<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary<'a> {
    #[serde(borrow)]
    pub resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub compliance_summary: Option<ComplianceSummary<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ComplianceSummary<'a> {
    pub compliant_resource_count: Option<Count>,
    pub non_compliant_resource_count: Option<Count>,
    /// Epoch seconds (AWS CLI v1) or an ISO 8601 string (v2).
    #[serde(borrow)]
    pub compliance_summary_timestamp: Option<MaybeStr<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Count {
    pub capped_count: Option<u64>,
    pub cap_exceeded: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compliance<'a> {
    #[serde(borrow)]
    pub compliance_type: Option<Str<'a>>,
    pub compliance_contributor_count: Option<Count>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByRule<'a> {
    #[serde(borrow)]
    pub config_rule_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub compliance: Option<Compliance<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByResource<'a> {
    #[serde(borrow)]
    pub resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub resource_id: Option<Str<'a>>,
    #[serde(borrow)]
    pub compliance: Option<Compliance<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Evaluation<'a> {
    #[serde(borrow)]
    pub evaluation_result_identifier: Option<Identifier<'a>>,
    #[serde(borrow)]
    pub compliance_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub result_recorded_time: Option<MaybeStr<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identifier<'a> {
    #[serde(borrow)]
    pub evaluation_result_qualifier: Option<Qualifier<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Qualifier<'a> {
    #[serde(borrow)]
    pub config_rule_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub resource_id: Option<Str<'a>>,
}
