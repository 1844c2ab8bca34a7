//! Measurements: values of metrics Posture has no parser for (phishing emails blocked, failed
//! logins from an identity provider), by date, from a `date,metric,value[,source]` CSV. They are
//! shown as they are, with their trend; no KPI is made from them.

use super::{Text, Tool};
use crate::core::time::Timestamp;

#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub at: Timestamp,
    pub metric: Text,
    pub value: f64,
    /// Where the number comes from, when the file says.
    pub source: Text,
}

/// One file's measurements, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurements {
    pub format: &'static str,
    pub tool: Tool,
    pub points: Vec<Point>,
    /// Rows read.
    pub records: u64,
}

/// A cluster's objects by kind and namespace (`""` for cluster-scoped ones): what Gatekeeper's
/// constraints evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Inventory {
    pub format: &'static str,
    pub tool: Tool,
    /// (kind, namespace) → objects.
    pub objects: std::collections::BTreeMap<(String, String), u64>,
    pub records: u64,
}

impl Inventory {
    /// Objects a constraint matches.
    pub fn matched(&self, scope: &super::PolicyScope) -> u64 {
        self.objects
            .iter()
            .filter(|((kind, namespace), _)| scope.matches(kind, namespace))
            .map(|(_, n)| n)
            .sum()
    }
}
