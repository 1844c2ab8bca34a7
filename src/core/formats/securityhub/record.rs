//! One ASFF finding, naming only the fields Posture reads, and what they say.

use serde::Deserialize;

use super::names;
use crate::core::json::{Str, text};
use crate::core::model::Severity;
use crate::core::severity::severity_word;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding<'a> {
    #[serde(borrow)]
    pub id: Option<Str<'a>>,
    #[serde(borrow)]
    generator_id: Option<Str<'a>>,
    #[serde(borrow)]
    product_arn: Option<Str<'a>>,
    #[serde(borrow)]
    product_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub aws_account_id: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<SeverityField<'a>>,
    #[serde(borrow)]
    finding_provider_fields: Option<ProviderFields<'a>>,
    #[serde(borrow)]
    pub title: Option<Str<'a>>,
    #[serde(borrow)]
    resources: Option<Vec<Resource<'a>>>,
    #[serde(borrow)]
    compliance: Option<Compliance<'a>>,
    #[serde(borrow)]
    product_fields: Option<ProductFields<'a>>,
    #[serde(borrow)]
    workflow: Option<Workflow<'a>>,
    #[serde(borrow)]
    record_state: Option<Str<'a>>,
    #[serde(borrow)]
    pub updated_at: Option<Str<'a>>,
    #[serde(borrow)]
    pub last_observed_at: Option<Str<'a>>,
    #[serde(borrow)]
    vulnerabilities: Option<Vec<Vulnerability<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SeverityField<'a> {
    #[serde(borrow)]
    label: Option<Str<'a>>,
    normalized: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProviderFields<'a> {
    #[serde(borrow)]
    severity: Option<SeverityField<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Resource<'a> {
    #[serde(rename = "Type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    details: Option<Details<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Details<'a> {
    #[serde(borrow)]
    container: Option<Container<'a>>,
    #[serde(borrow)]
    aws_ecr_container_image: Option<EcrImage<'a>>,
    /// Trivy's ASFF template puts the package here.
    #[serde(borrow)]
    other: Option<TrivyOther<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Container<'a> {
    #[serde(borrow)]
    image_name: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EcrImage<'a> {
    #[serde(borrow)]
    repository_name: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct TrivyOther<'a> {
    #[serde(rename = "CVE ID", borrow)]
    cve: Option<Str<'a>>,
    #[serde(rename = "PkgName", borrow)]
    package: Option<Str<'a>>,
    #[serde(rename = "Installed Package", borrow)]
    installed: Option<Str<'a>>,
    #[serde(rename = "Patched Package", borrow)]
    patched: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Compliance<'a> {
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    security_control_id: Option<Str<'a>>,
    #[serde(borrow)]
    associated_standards: Option<Vec<Standard<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Standard<'a> {
    #[serde(borrow)]
    standards_id: Option<Str<'a>>,
}

/// Security Hub's own fields, and what Prowler and Trivy write there.
#[derive(Deserialize)]
struct ProductFields<'a> {
    #[serde(rename = "StandardsArn", borrow)]
    standards_arn: Option<Str<'a>>,
    #[serde(rename = "StandardsGuideArn", borrow)]
    standards_guide_arn: Option<Str<'a>>,
    #[serde(rename = "ControlId", borrow)]
    control_id: Option<Str<'a>>,
    #[serde(rename = "RuleId", borrow)]
    rule_id: Option<Str<'a>>,
    #[serde(rename = "ProviderName", borrow)]
    provider_name: Option<Str<'a>>,
    #[serde(rename = "ProviderVersion", borrow)]
    provider_version: Option<Str<'a>>,
    #[serde(rename = "Product Name", borrow)]
    product_name: Option<Str<'a>>,
    #[serde(rename = "aws/securityhub/ProductName", borrow)]
    securityhub_product_name: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Workflow<'a> {
    #[serde(borrow)]
    status: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vulnerability<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    vulnerable_packages: Option<Vec<Package<'a>>>,
    #[serde(borrow)]
    fix_available: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    fixed_in_version: Option<Str<'a>>,
}

/// A vulnerable package as one finding.
pub struct Vulnerable<'t> {
    pub id: &'t str,
    pub name: &'t str,
    pub installed: Option<&'t str>,
    pub fixed: Option<&'t str>,
}

impl<'a> Finding<'a> {
    fn fields(&self) -> Option<&ProductFields<'a>> {
        self.product_fields.as_ref()
    }

    fn resources(&self) -> impl Iterator<Item = &Resource<'a>> {
        self.resources.iter().flatten()
    }

    /// The product that found it: Prowler, Trivy, Inspector, Security Hub (its controls)…
    pub fn tool(&self) -> Option<&str> {
        let fields = self.fields();
        fields
            .and_then(|p| text(&p.provider_name))
            .or_else(|| fields.and_then(|p| text(&p.product_name)))
            .or_else(|| text(&self.product_name))
            .or_else(|| fields.and_then(|p| text(&p.securityhub_product_name)))
            .or_else(|| text(&self.product_arn).and_then(names::product_of_arn))
    }

    pub fn provider_version(&self) -> Option<&str> {
        self.fields().and_then(|p| text(&p.provider_version))
    }

    /// Inspector's `Vulnerabilities[]`, or Trivy's package under `Details.Other`.
    pub fn is_vulnerability(&self) -> bool {
        self.vulnerabilities.as_ref().is_some_and(|v| !v.is_empty())
            || self.trivy().is_some_and(|o| text(&o.package).is_some())
    }

    fn trivy(&self) -> Option<&TrivyOther<'a>> {
        self.resources()
            .find_map(|r| r.details.as_ref().and_then(|d| d.other.as_ref()))
    }

    /// The image a vulnerability is in: an ECR image by its repository's pull address, a
    /// container by its image name (Trivy's "name (os version)" without the os).
    pub fn image(&self) -> String {
        for r in self.resources() {
            let details = r.details.as_ref();
            match text(&r.kind) {
                Some("AwsEcrContainerImage") => {
                    let repository = details
                        .and_then(|d| d.aws_ecr_container_image.as_ref())
                        .and_then(|e| text(&e.repository_name));
                    if let Some(image) = text(&r.id)
                        .and_then(names::ecr_image)
                        .or_else(|| repository.map(str::to_string))
                    {
                        return image;
                    }
                }
                Some("Container") => {
                    let name = details
                        .and_then(|d| d.container.as_ref())
                        .and_then(|c| text(&c.image_name))
                        .or_else(|| text(&r.id));
                    if let Some(name) = name {
                        return names::without_os(name).to_string();
                    }
                }
                _ => {}
            }
        }
        self.resources()
            .find_map(|r| text(&r.id))
            .unwrap_or("")
            .to_string()
    }

    pub fn compliance_status(&self) -> Option<&str> {
        self.compliance.as_ref().and_then(|c| text(&c.status))
    }

    pub fn workflow_status(&self) -> Option<&str> {
        self.workflow.as_ref().and_then(|w| text(&w.status))
    }

    pub fn archived(&self) -> bool {
        text(&self.record_state) == Some("ARCHIVED")
    }

    pub fn resource_ids(&self) -> impl Iterator<Item = &str> {
        self.resources().filter_map(|r| text(&r.id))
    }

    /// The control or check: Security Hub's control id, else the generator (Prowler's check).
    pub fn rule_id(&self) -> Option<&str> {
        let fields = self.fields();
        self.compliance
            .as_ref()
            .and_then(|c| text(&c.security_control_id))
            .or_else(|| fields.and_then(|p| text(&p.control_id)))
            .or_else(|| fields.and_then(|p| text(&p.rule_id)))
            .or_else(|| text(&self.generator_id))
            .or_else(|| text(&self.id))
    }

    /// The label, else the normalized score, else the provider's label; and the text kept.
    pub fn severity(&self) -> (Severity, String) {
        let label = |s: &Option<SeverityField>| {
            let raw = s.as_ref().and_then(|s| text(&s.label))?;
            Some((severity_word(raw), raw.to_string())).filter(|(s, _)| *s != Severity::Unknown)
        };
        let normalized = self
            .severity
            .as_ref()
            .and_then(|s| s.normalized)
            .map(|n| (names::severity_of_normalized(n), n.to_string()));
        let provider = self
            .finding_provider_fields
            .as_ref()
            .and_then(|p| label(&p.severity));
        label(&self.severity)
            .or(normalized)
            .or(provider)
            .unwrap_or((Severity::Unknown, String::new()))
    }

    /// The first resource, as `Type/Id`.
    pub fn location(&self) -> String {
        self.resources()
            .next()
            .map(|r| {
                let kind = text(&r.kind).unwrap_or("");
                let id = text(&r.id).unwrap_or("");
                if kind.is_empty() {
                    id.to_string()
                } else {
                    format!("{kind}/{id}")
                }
            })
            .unwrap_or_default()
    }

    /// The standards a check belongs to, readable; without any, the product that ran it.
    pub fn frameworks(&self) -> Vec<String> {
        let associated = self
            .compliance
            .as_ref()
            .and_then(|c| c.associated_standards.as_ref());
        let mut names: Vec<String> = associated
            .into_iter()
            .flatten()
            .filter_map(|s| text(&s.standards_id))
            .map(names::framework)
            .collect();
        if names.is_empty() {
            let fields = self.fields();
            let arn = fields
                .and_then(|p| text(&p.standards_arn))
                .or_else(|| fields.and_then(|p| text(&p.standards_guide_arn)));
            names.extend(arn.map(names::framework));
        }
        if names.is_empty() {
            names.push(self.tool().unwrap_or("Security Hub").to_string());
        }
        names.dedup();
        names
    }

    /// One per vulnerability id and package name and version.
    pub fn packages(&self) -> Vec<Vulnerable<'_>> {
        let mut out: Vec<Vulnerable> = Vec::new();
        for v in self.vulnerabilities.iter().flatten() {
            let Some(id) = text(&v.id) else { continue };
            let no_fix = text(&v.fix_available) == Some("NO");
            for p in v.vulnerable_packages.iter().flatten() {
                let Some(name) = text(&p.name) else { continue };
                let installed = text(&p.version);
                if out
                    .iter()
                    .any(|o| (o.id, o.name, o.installed) == (id, name, installed))
                {
                    continue;
                }
                let fixed = text(&p.fixed_in_version)
                    .filter(|f| !no_fix && !f.eq_ignore_ascii_case("NotAvailable"));
                out.push(Vulnerable {
                    id,
                    name,
                    installed,
                    fixed,
                });
            }
        }
        if let Some(other) = self.trivy()
            && let Some(name) = text(&other.package)
        {
            let id = text(&other.cve)
                .or_else(|| text(&self.generator_id).map(|g| g.trim_start_matches("Trivy/")))
                .unwrap_or("");
            if !id.is_empty() {
                out.push(Vulnerable {
                    id,
                    name,
                    installed: text(&other.installed),
                    fixed: text(&other.patched),
                });
            }
        }
        out
    }
}
