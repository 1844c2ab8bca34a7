//! SARIF 2.1.0 from any producer: CodeQL, Semgrep, Checkov, Gitleaks, Grype, Trivy…
//!
//! What a result is depends on the tool: Gitleaks and other secret scanners give secrets;
//! Checkov, tfsec, KICS give IaC misconfigurations; Grype gives vulnerabilities; Trivy says by its
//! rules' tags; everything else is a code finding. Vulnerabilities from Trivy and Grype SARIF
//! carry the same identity as the tools' JSON, so the two line up.

use std::collections::HashMap;

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, AssetKind, Category, Coverage, Fingerprint, Severity, Snapshot, Status, Tool,
};
use crate::core::severity::{severity_of_score, severity_word};
use crate::core::sniff::{Shape, Sniff};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "sarif",
    label: "SARIF 2.1.0",
    command: "any SARIF producer: `codeql … --format=sarif-latest`, `semgrep --sarif`, `checkov -o sarif`, \
              `gitleaks --report-format sarif`, `grype -o sarif`, `trivy -f sarif`",
    severity_mapping: "the rule's `security-severity` (a score: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low; or a word), \
                       else `level` of the result, then of the rule: error → high, warning → medium, note → low, \
                       none → info; else medium (high for a secret)",
    feeds: "code findings, secrets (Gitleaks…), IaC misconfigurations (Checkov…), vulnerabilities (Grype, Trivy); \
            suppressed and absent results are not open; results of kind pass, notApplicable, informational are not findings",
    kinds: &[
        SourceKind::CodeScan,
        SourceKind::SecretScan,
        SourceKind::IacScan,
        SourceKind::VulnerabilityScan,
    ],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    root.get("version").and_then(|v| v.as_str()) == Some("2.1.0") && root.has("runs")
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(borrow)]
    runs: Option<Vec<Run<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    #[serde(borrow)]
    tool: Option<ToolInfo<'a>>,
    #[serde(borrow)]
    results: Option<Vec<SarifResult<'a>>>,
    #[serde(borrow)]
    invocations: Option<Vec<Invocation<'a>>>,
    #[serde(borrow)]
    properties: Option<RunProperties<'a>>,
    #[serde(borrow)]
    version_control_provenance: Option<Vec<Provenance<'a>>>,
    #[serde(borrow)]
    original_uri_base_ids: Option<HashMap<Str<'a>, BaseUri<'a>>>,
}

#[derive(Deserialize)]
struct ToolInfo<'a> {
    #[serde(borrow)]
    driver: Option<Component<'a>>,
    #[serde(borrow)]
    extensions: Option<Vec<Component<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Component<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    semantic_version: Option<Str<'a>>,
    #[serde(borrow)]
    rules: Option<Vec<Rule<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    short_description: Option<Message<'a>>,
    #[serde(borrow)]
    default_configuration: Option<Configuration<'a>>,
    #[serde(borrow)]
    properties: Option<RuleProperties<'a>>,
}

#[derive(Deserialize)]
struct Configuration<'a> {
    #[serde(borrow)]
    level: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RuleProperties<'a> {
    #[serde(rename = "security-severity", borrow)]
    security_severity: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    tags: Option<Vec<MaybeStr<'a>>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    text: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(borrow)]
    rule_id: Option<Str<'a>>,
    rule_index: Option<i64>,
    #[serde(borrow)]
    rule: Option<RuleReference<'a>>,
    #[serde(borrow)]
    level: Option<Str<'a>>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
    #[serde(borrow)]
    locations: Option<Vec<ResultLocation<'a>>>,
    #[serde(borrow)]
    partial_fingerprints: Option<HashMap<Str<'a>, MaybeStr<'a>>>,
    #[serde(borrow)]
    fingerprints: Option<HashMap<Str<'a>, MaybeStr<'a>>>,
    #[serde(borrow)]
    suppressions: Option<Vec<Suppression<'a>>>,
    #[serde(borrow)]
    baseline_state: Option<Str<'a>>,
    /// `fail` when absent; `pass`, `notApplicable` and `informational` are not problems.
    #[serde(borrow)]
    kind: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleReference<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    index: Option<i64>,
    tool_component: Option<ComponentReference>,
}

#[derive(Deserialize)]
struct ComponentReference {
    index: Option<i64>,
}

#[derive(Deserialize)]
struct Suppression<'a> {
    /// SARIF 2.1.0 says `status`; drafts said `state`.
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    state: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    #[serde(borrow)]
    physical_location: Option<PhysicalLocation<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    #[serde(borrow)]
    artifact_location: Option<BaseUri<'a>>,
    region: Option<Region>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: Option<i64>,
}

#[derive(Deserialize)]
struct BaseUri<'a> {
    #[serde(borrow)]
    uri: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    #[serde(borrow)]
    start_time_utc: Option<Str<'a>>,
    #[serde(borrow)]
    end_time_utc: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Provenance<'a> {
    #[serde(borrow)]
    repository_uri: Option<Str<'a>>,
}

/// Trivy names the image it scanned here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    #[serde(borrow)]
    image_name: Option<MaybeStr<'a>>,
}

/// The category a tool's results belong to, from its name (Trivy says per rule).
fn tool_category(tool: &str) -> Option<Category> {
    let tool = tool.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| tool.contains(w));
    if has(&["gitleaks", "trufflehog", "detect-secrets", "secret"]) {
        Some(Category::Secret)
    } else if has(&["snykcode", "snyk code"]) {
        Some(Category::Code)
    } else if has(&[
        "checkov",
        "tfsec",
        "kics",
        "terrascan",
        "kube-linter",
        "kubesec",
    ]) {
        Some(Category::Misconfiguration)
    } else if has(&["grype", "dependency-check", "snyk", "osv"]) {
        Some(Category::Vulnerability)
    } else if has(&["trivy"]) {
        None
    } else {
        Some(Category::Code)
    }
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let log: Log = json::parse(input.text)?;
    let mut c = Collector::default();
    let mut covers = Coverage::default();
    let mut tools: Vec<&str> = Vec::new();
    let mut version = None;
    let mut times = Vec::new();
    let mut not_problems = 0usize;
    for (r, run) in log.runs.iter().flatten().enumerate() {
        let driver = run.tool.as_ref().and_then(|t| t.driver.as_ref());
        let tool = driver.and_then(|d| text(&d.name)).unwrap_or("");
        if !tool.is_empty() && !tools.contains(&tool) {
            tools.push(tool);
        }
        version = version.or_else(|| {
            driver.and_then(|d| text(&d.version).or_else(|| text(&d.semantic_version)))
        });
        times.extend(
            run.invocations
                .iter()
                .flatten()
                .filter_map(|i| text(&i.start_time_utc).or_else(|| text(&i.end_time_utc))),
        );
        let rules = Rules::of(run);
        let by_tool = tool_category(tool);
        // A run of a known kind looked for that kind, whatever it found.
        if let Some(category) = by_tool {
            covers = covers.with(category);
        }
        for (i, result) in run.results.iter().flatten().enumerate() {
            let path = format!("runs[{r}].results[{i}]");
            let rule = rules.find(result);
            let category = by_tool.unwrap_or_else(|| trivy_category(rule));
            covers = covers.with(category);
            if matches!(
                text(&result.kind),
                Some("pass" | "notApplicable" | "informational")
            ) {
                not_problems += 1;
                continue;
            }
            add_result(&mut c, result, rule, category, &path);
        }
    }
    let taken_at = times
        .iter()
        .filter_map(|t| Timestamp::parse_rfc3339(t))
        .min();
    let asset = asset(log.runs.as_deref().unwrap_or_default(), input.name);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: if tools.is_empty() {
                "SARIF".into()
            } else {
                tools.join(", ")
            },
            version: version.map(str::to_string),
        },
        asset,
        reference: None,
        taken_at,
        covers,
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: (not_problems > 0).then(|| {
            format!("{not_problems} results of kind pass, notApplicable or informational are not findings")
        }),
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

/// A run's rules: the driver's, by index and by id, and the extensions', by id.
struct Rules<'r, 'a> {
    driver: &'r [Rule<'a>],
    extensions: Vec<&'r [Rule<'a>]>,
    by_id: HashMap<&'r str, &'r Rule<'a>>,
}

impl<'r, 'a> Rules<'r, 'a> {
    fn of(run: &'r Run<'a>) -> Rules<'r, 'a> {
        let tool = run.tool.as_ref();
        let driver = tool
            .and_then(|t| t.driver.as_ref())
            .and_then(|d| d.rules.as_deref())
            .unwrap_or_default();
        let extensions: Vec<&[Rule]> = tool
            .and_then(|t| t.extensions.as_ref())
            .into_iter()
            .flatten()
            .map(|e| e.rules.as_deref().unwrap_or_default())
            .collect();
        let mut by_id = HashMap::new();
        for rule in extensions.iter().flat_map(|e| e.iter()).chain(driver) {
            if let Some(id) = text(&rule.id) {
                by_id.insert(id, rule);
            }
        }
        Rules {
            driver,
            extensions,
            by_id,
        }
    }

    fn find(&self, result: &SarifResult) -> Option<&'r Rule<'a>> {
        let at = |rules: &'r [Rule<'a>], index: Option<i64>| {
            usize::try_from(index?).ok().and_then(|i| rules.get(i))
        };
        let reference = result.rule.as_ref();
        let component = reference
            .and_then(|r| r.tool_component.as_ref())
            .and_then(|c| c.index);
        let in_component = component
            .and_then(|c| usize::try_from(c).ok())
            .and_then(|c| self.extensions.get(c).copied());
        at(self.driver, result.rule_index)
            .or_else(|| {
                at(
                    in_component.unwrap_or(self.driver),
                    reference.and_then(|r| r.index),
                )
            })
            .or_else(|| {
                text(&result.rule_id)
                    .or_else(|| reference.and_then(|r| text(&r.id)))
                    .and_then(|id| self.by_id.get(id).copied())
            })
    }
}

/// Trivy's SARIF tells vulnerabilities, secrets and misconfigurations apart by rule tags.
fn trivy_category(rule: Option<&Rule>) -> Category {
    let tags = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.tags.as_ref());
    let has = |tag: &str| {
        tags.into_iter()
            .flatten()
            .filter_map(MaybeStr::non_empty)
            .any(|t| t.eq_ignore_ascii_case(tag))
    };
    if has("vulnerability") {
        Category::Vulnerability
    } else if has("secret") {
        Category::Secret
    } else {
        Category::Misconfiguration
    }
}

fn add_result(
    c: &mut Collector,
    result: &SarifResult,
    rule: Option<&Rule>,
    category: Category,
    path: &str,
) {
    let message = result
        .message
        .as_ref()
        .and_then(|m| text(&m.text))
        .unwrap_or("");
    let Some(rule_id) = text(&result.rule_id)
        .or_else(|| result.rule.as_ref().and_then(|r| text(&r.id)))
        .or_else(|| rule.and_then(|r| text(&r.id)))
        .or_else(|| gitleaks_rule(message))
    else {
        c.warn("a result without a rule was skipped", path);
        return;
    };
    let (severity, raw) = severity(result, rule, category);
    let physical = result
        .locations
        .iter()
        .flatten()
        .find_map(|l| l.physical_location.as_ref());
    let uri = physical
        .and_then(|p| p.artifact_location.as_ref())
        .and_then(|a| text(&a.uri))
        .unwrap_or("");
    let line = physical
        .and_then(|p| p.region.as_ref())
        .and_then(|r| r.start_line)
        .filter(|l| *l > 0);
    let location = match line {
        Some(line) => format!("{uri}:{line}"),
        None => uri.to_string(),
    };
    let status = if result.suppressions.iter().flatten().any(|s| {
        matches!(
            text(&s.status).or_else(|| text(&s.state)),
            None | Some("accepted")
        )
    }) {
        Status::Suppressed
    } else if text(&result.baseline_state) == Some("absent") {
        Status::Fixed
    } else {
        Status::Open
    };
    let rule_title = rule
        .and_then(|r| r.short_description.as_ref())
        .and_then(|m| text(&m.text));
    if category == Category::Vulnerability {
        let (id, package, installed, fixed) = vulnerability(rule_id, message);
        // Without a package the advisory alone would merge every place it was found.
        let fingerprint = if package.is_empty() {
            c.distinct(&["sarif", "vulnerability", id, &location])
        } else {
            Fingerprint::vulnerability("", [id], package)
        };
        c.add(NewFinding {
            category,
            severity,
            severity_raw: &raw,
            rule_id: id,
            title: rule_title.unwrap_or(id),
            location: uri,
            package: (!package.is_empty()).then_some((package, installed, fixed)),
            status,
            fingerprint,
        });
        return;
    }
    // A producer's own fingerprints (with the file) identify a finding across runs even when
    // lines move; without them, the rule, the file and the line do. Secrets are not keyed by commit.
    let prints = result
        .partial_fingerprints
        .iter()
        .chain(&result.fingerprints)
        .flatten();
    let mut prints: Vec<(&str, &str)> = prints
        .filter_map(|(k, v)| Some((k.as_str(), v.non_empty()?)))
        .collect();
    prints.sort_unstable();
    let fingerprint = if category != Category::Secret && !prints.is_empty() {
        // The file too: CodeQL's `primaryLocationLineHash` is of the line's text alone.
        let mut parts = vec!["sarif", rule_id, uri];
        parts.extend(prints.iter().flat_map(|(k, v)| [*k, *v]));
        c.distinct(&parts)
    } else {
        c.distinct(&["sarif", category.as_str(), rule_id, &location])
    };
    c.add(NewFinding {
        category,
        severity,
        severity_raw: &raw,
        rule_id,
        title: rule_title.unwrap_or(if message.is_empty() { rule_id } else { message }),
        location: &location,
        package: None,
        status,
        fingerprint,
    });
}

/// Severity, and the words it was read from.
fn severity(result: &SarifResult, rule: Option<&Rule>, category: Category) -> (Severity, String) {
    let declared = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.security_severity.as_ref())
        .and_then(MaybeStr::non_empty);
    if let Some(raw) = declared {
        let severity = match raw.parse::<f64>() {
            Ok(score) => severity_of_score(score),
            Err(_) => severity_word(raw),
        };
        if severity != Severity::Unknown {
            return (severity, format!("security-severity {raw}"));
        }
    }
    let level = |level: Option<&str>| match level? {
        "error" => Some(Severity::High),
        "warning" => Some(Severity::Medium),
        "note" => Some(Severity::Low),
        "none" => Some(Severity::Info),
        _ => None,
    };
    if let Some(severity) = level(text(&result.level)) {
        return (
            severity,
            format!("level {}", text(&result.level).unwrap_or("")),
        );
    }
    let default = rule
        .and_then(|r| r.default_configuration.as_ref())
        .and_then(|d| text(&d.level));
    if let Some(severity) = level(default) {
        return (severity, format!("rule level {}", default.unwrap_or("")));
    }
    // SARIF's default level is warning; a secret nobody rated is still a secret.
    if category == Category::Secret {
        (Severity::High, String::new())
    } else {
        (Severity::Medium, String::new())
    }
}

/// Gitleaks 7 writes no rule id; its message says "<rule> secret detected".
fn gitleaks_rule(message: &str) -> Option<&str> {
    message
        .strip_suffix(" secret detected")
        .filter(|r| !r.is_empty())
}

/// The vulnerability id, package, installed and fixed versions of a Trivy or Grype result.
/// Trivy: the rule is the id, the message says "Package: …\nInstalled Version: …\nFixed
/// Version: …". Grype: the rule is "<id>-<package>", the message "… reports <package> at version
/// <version> …".
fn vulnerability<'m>(
    rule_id: &'m str,
    message: &'m str,
) -> (&'m str, &'m str, Option<&'m str>, Option<&'m str>) {
    let field = |name: &str| {
        message
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(package) = field("Package:") {
        return (
            rule_id,
            package,
            field("Installed Version:"),
            field("Fixed Version:"),
        );
    }
    let id_len = vulnerability_id_len(rule_id);
    let id = &rule_id[..id_len];
    let from_rule = rule_id[id_len..].strip_prefix('-').unwrap_or("");
    let (package, version) = match message
        .split_once(" reports ")
        .and_then(|(_, rest)| rest.split_once(" at version "))
    {
        Some((package, rest)) => (package.trim(), rest.split_whitespace().next()),
        None => (from_rule, None),
    };
    (id, package, version, None)
}

/// The length of the CVE or GHSA id at the start of `rule`, or of the whole rule.
fn vulnerability_id_len(rule: &str) -> usize {
    if let Some(rest) = rule.strip_prefix("CVE-") {
        let year = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number = rest
            .get(year + 1..)
            .map_or(0, |n| n.bytes().take_while(u8::is_ascii_digit).count());
        if year == 4 && rest.as_bytes().get(4) == Some(&b'-') && number > 0 {
            return 4 + year + 1 + number;
        }
    }
    if rule.starts_with("GHSA-") && rule.len() >= 19 && rule.is_char_boundary(19) {
        return 19;
    }
    rule.len()
}

/// Trivy's image name; the repository under version control; the source root; else the file.
fn asset(runs: &[Run], file: &str) -> Asset {
    for run in runs {
        if let Some(image) = run
            .properties
            .as_ref()
            .and_then(|p| p.image_name.as_ref())
            .and_then(MaybeStr::non_empty)
        {
            return Asset::image(image);
        }
        if let Some(repository) = run
            .version_control_provenance
            .iter()
            .flatten()
            .find_map(|p| text(&p.repository_uri))
        {
            return Asset {
                kind: AssetKind::Repository,
                name: repository.to_string(),
            };
        }
        let roots = run.original_uri_base_ids.iter().flatten();
        if let Some(root) = roots
            .filter(|(k, _)| matches!(k.as_str(), "SRCROOT" | "PROJECTROOT"))
            .find_map(|(_, v)| text(&v.uri))
        {
            return Asset {
                kind: AssetKind::Filesystem,
                name: root.to_string(),
            };
        }
    }
    Asset::file(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vulnerability_ids_come_off_the_front_of_grype_rules() {
        assert_eq!(
            vulnerability_id_len("CVE-2008-0732-geronimo-j2ee-management_1.1_spec"),
            13
        );
        assert_eq!(vulnerability_id_len("GHSA-v6rh-hp5x-86rv-django"), 19);
        assert_eq!(vulnerability_id_len("CVE-2019-1549"), 13);
        assert_eq!(vulnerability_id_len("CVE-é"), "CVE-é".len());
        assert_eq!(vulnerability_id_len("py/empty-except"), 15);
        let (id, package, version, fixed) = vulnerability(
            "CVE-2008-0732-geronimo-j2ee-management_1.1_spec",
            "The path lib/x.jar reports geronimo-j2ee-management_1.1_spec at version 1.0.1  which would …",
        );
        assert_eq!(
            (id, package, version, fixed),
            (
                "CVE-2008-0732",
                "geronimo-j2ee-management_1.1_spec",
                Some("1.0.1"),
                None
            )
        );
    }
}
