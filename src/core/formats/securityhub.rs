//! AWS Security Finding Format (ASFF, `SchemaVersion` 2018-10-08): `aws securityhub get-findings`
//! (`{"Findings": [...], "NextToken"?}`, also Trivy's ASFF template) and bare arrays (Prowler).
//!
//! A finding with vulnerabilities (Inspector, Trivy) is one vulnerability per id and package,
//! fingerprinted as any scanner's so the same CVE on the same image lines up. A finding with a
//! `Compliance.Status` is a compliance check: FAILED open, PASSED passed, WARNING warned,
//! NOT_AVAILABLE and Prowler's INFOED skipped (the last two are no finding). Anything else
//! (GuardDuty, Macie: threats, not checks) is left out, and the note says how many.
//!
//! Time: an archived record (`RecordState` ARCHIVED) is no longer current; it is kept as fixed,
//! so an export that archives it closes its lifecycle, and counts in no check or resource. A
//! workflow RESOLVED on a failed check or a vulnerability is fixed too; SUPPRESSED is suppressed.

mod names;
mod record;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::hash::FxHashMap;
use crate::core::json::{self, text};
use crate::core::model::{
    Asset, AssetKind, Category, Checks, Coverage, Evidence, Fingerprint, PassFail, Snapshot,
    SourceKind, Status, Tool,
};
use crate::core::sniff::{Node, Shape, Sniff};
use crate::core::time::Timestamp;
use record::Finding;

pub const FORMAT: Format = Format {
    id: "securityhub",
    label: "AWS Security Hub findings (ASFF)",
    command: "`aws securityhub get-findings` (also Prowler's and Trivy's ASFF output)",
    severity_mapping: "`Severity.Label` CRITICAL, HIGH, MEDIUM, LOW as they are, INFORMATIONAL → info; without \
                       one, `Severity.Normalized` 90–100 critical, 70–89 high, 40–69 medium, 1–39 low, 0 info; \
                       then `FindingProviderFields.Severity.Label`",
    feeds: "compliance checks by standard (CIS, PCI DSS, AWS Foundational…), cloud resources compliant and not, \
            vulnerabilities (Inspector, Trivy) that line up with other scanners'",
    kinds: &[SourceKind::CloudPosture],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record() else {
        return false;
    };
    match sniff.shape {
        // A bare array's first finding is recorded with its values.
        Shape::Array => {
            root.get("SchemaVersion").and_then(|v| v.as_str()) == Some("2018-10-08")
                && root.has("ProductArn")
                && root.has("AwsAccountId")
        }
        // Under `Findings`, only the keys of the first finding are recorded; an empty page is
        // known by having nothing but `Findings` and `NextToken`.
        Shape::Object => match (root, root.get("Findings")) {
            (_, Some(Node::Array(Some(first)))) => {
                ["SchemaVersion", "ProductArn", "AwsAccountId", "GeneratorId"]
                    .iter()
                    .all(|k| first.has(k))
            }
            (Node::Object(keys), Some(Node::Array(None))) => keys
                .iter()
                .all(|(k, _)| k == "Findings" || k == "NextToken"),
            _ => false,
        },
        _ => false,
    }
}

/// The outcome of a compliance check, and how it counts.
#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Passed,
    Failed,
    Warned,
    Skipped,
}

fn outcome(raw: &str) -> Outcome {
    match raw {
        "PASSED" => Outcome::Passed,
        "FAILED" => Outcome::Failed,
        "WARNING" => Outcome::Warned,
        // NOT_AVAILABLE (the check could not run), INFOED (Prowler's informational results).
        _ => Outcome::Skipped,
    }
}

#[derive(Default)]
struct Reading<'a> {
    c: Collector,
    checks: Vec<Checks>,
    /// Resource id → named by a current, unsuppressed failed check.
    resources: FxHashMap<&'a str, bool>,
    latest: Option<Timestamp>,
    /// Vulnerable images, accounts of compliance checks, tools: to name the asset and tool.
    images: Vec<String>,
    accounts: Vec<&'a str>,
    tools: Vec<&'a str>,
    version: Option<&'a str>,
    /// Any compliance check, current or not.
    has_checks: bool,
    infoed: usize,
    unknown: usize,
    left_out: usize,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let key = (!input.text.trim_start().starts_with('[')).then_some("Findings");
    let mut all: Vec<Finding> = Vec::new();
    json::each_element(input.text, key, |f| all.push(f))?;
    let mut r = Reading::default();
    for f in &all {
        r.survey(f);
    }
    // One image and nothing else: the snapshot is that image's scan, and its vulnerabilities
    // line up with Trivy's or Grype's of the image. Otherwise the account is the asset and each
    // vulnerability keeps its image in its identity.
    r.images.sort();
    r.images.dedup();
    r.accounts.sort_unstable();
    r.accounts.dedup();
    let single_image = r
        .images
        .first()
        .filter(|_| !r.has_checks && r.images.len() == 1)
        .cloned();
    for (i, f) in all.iter().enumerate() {
        let path = match key {
            Some(k) => format!("{k}[{i}]"),
            None => format!("[{i}]"),
        };
        if !f.vulnerabilities(&mut r.c, single_image.is_none(), &path) {
            r.check(f, &path);
        }
    }
    let covers = [
        (Category::Vulnerability, !r.images.is_empty()),
        (Category::Compliance, r.has_checks),
    ]
    .into_iter()
    .filter(|(_, yes)| *yes)
    .fold(Coverage::default(), |c, (category, _)| c.with(category));
    let asset = match (&single_image, r.accounts.as_slice()) {
        (Some(image), _) => Asset::image(image),
        (None, []) => Asset::file(input.name),
        (None, accounts) => Asset {
            kind: AssetKind::Other,
            name: format!("AWS account {}", accounts.join(", ")),
        },
    };
    r.tools.sort_unstable();
    r.tools.dedup();
    let tool = match r.tools.as_slice() {
        [one] => one.to_string(),
        _ => "Security Hub".to_string(),
    };
    let failed = r.resources.values().filter(|f| **f).count() as u64;
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: tool,
            version: r.version.map(str::to_string),
        },
        asset,
        reference: None,
        taken_at: r.latest,
        covers,
        by_fingerprint: Default::default(),
        findings: r.c.findings,
        iac_checks: None,
        compliance: r.checks,
        cloud_resources: (!r.resources.is_empty()).then(|| PassFail {
            passed: r.resources.len() as u64 - failed,
            failed,
        }),
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: note(r.infoed, r.unknown, r.left_out),
    };
    Ok(Parsed {
        evidence: Evidence::Findings(snapshot),
        warnings: r.c.warnings,
    })
}

fn note(infoed: usize, unknown: usize, left_out: usize) -> Option<String> {
    let parts: Vec<String> = [
        (
            infoed,
            "INFOED (Prowler's informational result) counted as skipped",
        ),
        (
            unknown,
            "with no known Compliance.Status counted as skipped",
        ),
        (
            left_out,
            "neither a compliance check nor a vulnerability left out",
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl<'a> Reading<'a> {
    /// What the whole file says before any finding is made: times, images, accounts, tools.
    fn survey(&mut self, f: &'a Finding<'a>) {
        for t in [&f.updated_at, &f.last_observed_at] {
            let at = text(t).and_then(Timestamp::parse_rfc3339);
            self.latest = self.latest.max(at);
        }
        if let Some(tool) = f.tool() {
            self.tools.push(tool);
        }
        self.version = self.version.or_else(|| f.provider_version());
        if let Some(account) = text(&f.aws_account_id) {
            self.accounts.push(account);
        }
        if f.is_vulnerability() {
            self.images.push(f.image());
        } else if f.compliance_status().is_some() {
            self.has_checks = true;
        }
    }

    /// A compliance check: a finding unless skipped or warned, counted in each of its
    /// frameworks and for each resource it names.
    fn check(&mut self, f: &'a Finding<'a>, path: &str) {
        let Some(raw) = f.compliance_status() else {
            self.left_out += 1;
            return;
        };
        let outcome = outcome(raw);
        match raw {
            "PASSED" | "FAILED" | "WARNING" | "NOT_AVAILABLE" => {}
            "INFOED" => self.infoed += 1,
            _ => self.unknown += 1,
        }
        let workflow = f.workflow_status();
        let status = match outcome {
            _ if f.archived() => Status::Fixed,
            Outcome::Passed => Status::Passed,
            Outcome::Failed if workflow == Some("SUPPRESSED") => Status::Suppressed,
            Outcome::Failed if workflow == Some("RESOLVED") => Status::Fixed,
            Outcome::Failed => Status::Open,
            Outcome::Warned | Outcome::Skipped => {
                self.count(f, outcome);
                return;
            }
        };
        if status != Status::Fixed {
            // A suppressed failure is an accepted risk: skipped, not failed.
            let counted = match status {
                Status::Suppressed => Outcome::Skipped,
                _ => outcome,
            };
            self.count(f, counted);
            for id in f.resource_ids() {
                *self.resources.entry(id).or_default() |= status == Status::Open;
            }
        }
        let rule = f.rule_id().unwrap_or("");
        let (severity, severity_raw) = f.severity();
        let location = f.location();
        let fingerprint = match text(&f.id) {
            Some(id) => self.c.distinct(&["securityhub", id]),
            None => self.c.distinct(&["securityhub", rule, &location]),
        };
        if rule.is_empty() {
            self.c.warn("a check without Id or GeneratorId", path);
        }
        self.c.add(NewFinding {
            category: Category::Compliance,
            severity,
            severity_raw: &severity_raw,
            rule_id: rule,
            title: text(&f.title).unwrap_or(""),
            location: &location,
            package: None,
            status,
            fingerprint,
        });
    }

    /// Counts an outcome once, in the first framework the finding belongs to: a control that
    /// maps to several standards (Prowler lists CIS, PCI and NIST for one check) is one check,
    /// and the frameworks' counts add up to the file's.
    fn count(&mut self, f: &Finding, outcome: Outcome) {
        if let Some(framework) = f.frameworks().into_iter().next() {
            let i = match self.checks.iter().position(|c| c.framework == framework) {
                Some(i) => i,
                None => {
                    self.checks.push(Checks {
                        framework,
                        ..Checks::default()
                    });
                    self.checks.len() - 1
                }
            };
            let checks = &mut self.checks[i];
            match outcome {
                Outcome::Passed => checks.passed += 1,
                Outcome::Failed => checks.failed += 1,
                Outcome::Warned => checks.warned += 1,
                Outcome::Skipped => checks.skipped += 1,
            }
        }
    }
}

impl Finding<'_> {
    /// Adds one vulnerability per id and package (name and version); false when the finding
    /// is not about vulnerabilities.
    fn vulnerabilities(&self, c: &mut Collector, scoped: bool, path: &str) -> bool {
        if !self.is_vulnerability() {
            return false;
        }
        let image = self.image();
        let scope = if scoped { image.as_str() } else { "" };
        let (severity, severity_raw) = self.severity();
        let status = match self.workflow_status() {
            _ if self.archived() => Status::Fixed,
            Some("RESOLVED") => Status::Fixed,
            Some("SUPPRESSED") => Status::Suppressed,
            _ => Status::Open,
        };
        let location = self.location();
        let packages = self.packages();
        if packages.is_empty() {
            c.warn("a vulnerability without id or package was skipped", path);
        }
        for p in packages {
            let title = match text(&self.title) {
                Some(t) => t.to_string(),
                None => format!("{} in {}", p.id, p.name),
            };
            c.add(NewFinding {
                category: Category::Vulnerability,
                severity,
                severity_raw: &severity_raw,
                rule_id: p.id,
                title: &title,
                location: &location,
                package: Some((p.name, p.installed, p.fixed)),
                status,
                fingerprint: Fingerprint::vulnerability(scope, [p.id], p.name),
            });
        }
        true
    }
}
