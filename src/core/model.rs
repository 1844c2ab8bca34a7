//! The normalised model every format parses into: [`Evidence`] of one of three kinds, each with its
//! own rules over time. A [`Snapshot`] of one asset holds [`Finding`]s (a newer one supersedes it);
//! an [`EventLog`] holds [`Event`]s (logs add up); an [`IncidentLog`] holds [`Incident`]s (keyed
//! by id, the latest record wins).
//!
//! Plain data with public fields. Nothing here is serialisable: the types that cross the worker
//! boundary or leave as exports live in `protocol` and `scorecard`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::{Add, AddAssign};
use std::sync::{Arc, OnceLock};

use super::time::Timestamp;

mod asset;
mod decision;
mod event;
mod incident;
mod kind;
mod measure;

pub use asset::{Asset, AssetKind};
pub use decision::{Decision, DecisionLog, Target, Triage};
pub use event::{Event, EventKind, EventLog, ThreatCategory};
pub use incident::{Incident, IncidentLog, Verdict};
pub use kind::SourceKind;
pub use measure::{Inventory, Measurements, Point};

/// What one file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    Findings(Snapshot),
    Events(EventLog),
    Incidents(IncidentLog),
    /// Values of metrics without a parser of their own: shown, never made into a KPI.
    Measurements(Measurements),
    /// A cluster's objects: what Gatekeeper's constraints evaluate.
    Inventory(Inventory),
    /// Triage decisions (VEX): what the KPIs leave out while they hold.
    Decisions(DecisionLog),
}

impl Evidence {
    pub fn format(&self) -> &'static str {
        match self {
            Evidence::Findings(s) => s.format,
            Evidence::Events(l) => l.format,
            Evidence::Incidents(l) => l.format,
            Evidence::Measurements(m) => m.format,
            Evidence::Inventory(i) => i.format,
            Evidence::Decisions(d) => d.format,
        }
    }

    pub fn tool(&self) -> &Tool {
        match self {
            Evidence::Findings(s) => &s.tool,
            Evidence::Events(l) => &l.tool,
            Evidence::Incidents(l) => &l.tool,
            Evidence::Measurements(m) => &m.tool,
            Evidence::Inventory(i) => &i.tool,
            Evidence::Decisions(d) => &d.tool,
        }
    }

    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Evidence::Findings(s) => Some(s),
            _ => None,
        }
    }

    pub fn into_snapshot(self) -> Option<Snapshot> {
        match self {
            Evidence::Findings(s) => Some(s),
            _ => None,
        }
    }

    pub fn events(&self) -> Option<&EventLog> {
        match self {
            Evidence::Events(l) => Some(l),
            _ => None,
        }
    }

    pub fn measurements(&self) -> Option<&Measurements> {
        match self {
            Evidence::Measurements(m) => Some(m),
            _ => None,
        }
    }

    pub fn inventory(&self) -> Option<&Inventory> {
        match self {
            Evidence::Inventory(i) => Some(i),
            _ => None,
        }
    }

    pub fn incidents(&self) -> Option<&IncidentLog> {
        match self {
            Evidence::Incidents(l) => Some(l),
            _ => None,
        }
    }

    pub fn decisions(&self) -> Option<&DecisionLog> {
        match self {
            Evidence::Decisions(d) => Some(d),
            _ => None,
        }
    }

    /// The source kinds this evidence shows to be present, for `log_coverage`.
    pub fn kinds(&self) -> Vec<SourceKind> {
        match self {
            Evidence::Findings(s) => Evidence::kinds_of(s, s.covers),
            Evidence::Events(l) => vec![l.kind],
            Evidence::Incidents(_) => vec![SourceKind::Incidents],
            // A number of anything: no kind of evidence a KPI expects.
            Evidence::Measurements(_) => Vec::new(),
            Evidence::Inventory(_) => vec![SourceKind::ClusterPolicy],
            // Decisions about findings, not a source of them.
            Evidence::Decisions(_) => Vec::new(),
        }
    }

    /// The kinds of scan a snapshot is: what it looked for (`covers`: its own coverage, or what
    /// the other scans of its asset confirm of it, `evidence::items`).
    pub fn kinds_of(snapshot: &Snapshot, covers: Coverage) -> Vec<SourceKind> {
        covers
            .categories()
            .map(|c| match c {
                Category::Vulnerability => SourceKind::VulnerabilityScan,
                Category::Misconfiguration => SourceKind::IacScan,
                Category::Secret => SourceKind::SecretScan,
                Category::Code => SourceKind::CodeScan,
                Category::Policy => SourceKind::ClusterPolicy,
                // Cloud posture formats check accounts, not clusters.
                Category::Compliance if matches!(snapshot.format, "aws-config" | "securityhub") => {
                    SourceKind::CloudPosture
                }
                Category::Compliance => SourceKind::ClusterBenchmark,
            })
            .collect()
    }

    /// How many records the file held, for the scorecard's `sources[].records`.
    pub fn records(&self) -> u64 {
        match self {
            Evidence::Findings(s) => s.findings.len() as u64,
            Evidence::Events(l) => l.records,
            Evidence::Incidents(l) => l.records,
            Evidence::Measurements(m) => m.records,
            Evidence::Inventory(i) => i.records,
            Evidence::Decisions(d) => d.records,
        }
    }
}

/// Normalised severity, most severe first. Parsers keep the original string beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
        Severity::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
            Severity::Unknown => "unknown",
        }
    }

    pub fn from_id(id: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == id)
    }

    /// True when `self` is `gate` or more severe. `Unknown` never reaches a gate: a finding whose
    /// severity nobody knows does not fail a build by itself.
    pub fn at_least(self, gate: Severity) -> bool {
        self != Severity::Unknown && self <= gate
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Vulnerability,
    Misconfiguration,
    Secret,
    Code,
    Policy,
    Compliance,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Vulnerability,
        Category::Misconfiguration,
        Category::Secret,
        Category::Code,
        Category::Policy,
        Category::Compliance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Vulnerability => "vulnerability",
            Category::Misconfiguration => "misconfiguration",
            Category::Secret => "secret",
            Category::Code => "code",
            Category::Policy => "policy",
            Category::Compliance => "compliance",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Where a finding stands in its snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    /// A check that ran and passed (IaC and compliance checks).
    Passed,
    /// Present but excluded by the tool or its data: a suppression, an exception, "not affected".
    Suppressed,
    Fixed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Passed,
        Status::Suppressed,
        Status::Fixed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Passed => "passed",
            Status::Suppressed => "suppressed",
            Status::Fixed => "fixed",
        }
    }
}

/// A stable identity for "the same problem": the same rule on the same thing in the same place.
/// Built from text with FNV-1a (64 bit), which, unlike `std`'s hasher, never changes between builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    pub fn of(parts: &[&str]) -> Fingerprint {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0100_0000_01b3;
        let mut hash = OFFSET;
        for part in parts {
            for &byte in part.as_bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
            }
            // A separator that cannot occur in UTF-8 keeps ("ab","c") apart from ("a","bc").
            hash = (hash ^ 0xff).wrapping_mul(PRIME);
        }
        Fingerprint(hash)
    }

    /// The identity of a vulnerability, the same whichever tool reports it: its id (a CVE when
    /// one is known: pass aliases as well, and the first CVE among them wins over a GHSA or
    /// distro id), the package name without regard to case (and, for Maven's `group:artifact`,
    /// without the group), and a scope (a Kubernetes resource,
    /// or "" for the whole asset).
    pub fn vulnerability<'i>(
        scope: &str,
        ids: impl IntoIterator<Item = &'i str>,
        package: &str,
    ) -> Fingerprint {
        let mut first = None;
        let mut cve = None;
        for id in ids {
            first.get_or_insert(id);
            let is_cve =
                id.len() > 4 && id.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("CVE-"));
            if cve.is_none() && is_cve {
                cve = Some(id);
            }
        }
        // Ids and packages are nearly always written in the case they are compared in: a
        // copy is made only when one is not (a quarter of aggregation's allocations otherwise).
        let id = cve.or(first).unwrap_or("");
        let id = match id.bytes().any(|b| b.is_ascii_lowercase()) {
            true => Cow::Owned(id.to_ascii_uppercase()),
            false => Cow::Borrowed(id),
        };
        // Maven packages: Trivy names them `group:artifact`, Grype and others by the artifact.
        let package = package.rsplit(':').next().unwrap_or(package);
        let package = match package.is_ascii() && !package.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Borrowed(package),
            false => Cow::Owned(package.to_lowercase()),
        };
        Fingerprint::of(&["vulnerability", scope, &id, &package])
    }
}

/// Text of a finding, shared: a target, a CVE id, a title or a package name repeats across
/// thousands of findings, and is stored once per snapshot (see [`Interner`]).
pub type Text = Arc<str>;

/// Hands out one shared [`Text`] per distinct string while a file is parsed.
#[derive(Default)]
pub struct Interner(HashMap<Arc<str>, (), super::hash::FxBuild>);

impl Interner {
    pub fn text(&mut self, s: &str) -> Text {
        if let Some((known, ())) = self.0.get_key_value(s) {
            return Arc::clone(known);
        }
        let text: Text = Arc::from(s);
        self.0.insert(Arc::clone(&text), ());
        text
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub name: Text,
    pub installed: Option<Text>,
    pub fixed: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub category: Category,
    pub severity: Severity,
    /// The severity exactly as the tool wrote it.
    pub severity_raw: Text,
    /// CVE, check id or rule id.
    pub rule_id: Text,
    pub title: Text,
    /// Where in the asset: a file and line, an image layer's target, a Kubernetes resource.
    pub location: Text,
    pub package: Option<Package>,
    /// Where it stands for the KPIs: as reported, unless a triage decision in force excludes
    /// an open finding (then `Suppressed`, and `decision` says why).
    pub status: Status,
    /// As the tool reported it.
    pub reported: Status,
    pub decision: Option<Triage>,
    pub fingerprint: Fingerprint,
}

impl Finding {
    /// A vulnerability with a fixed version to move to.
    pub fn fixable(&self) -> bool {
        self.package.as_ref().is_some_and(|p| p.fixed.is_some())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    pub name: String,
    pub version: Option<String>,
}

/// Checks that ran, passed and failed. The identity of `Add` is `Default`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassFail {
    pub passed: u64,
    pub failed: u64,
}

impl PassFail {
    pub fn evaluated(self) -> u64 {
        self.passed + self.failed
    }
}

impl Add for PassFail {
    type Output = PassFail;
    fn add(self, other: PassFail) -> PassFail {
        PassFail {
            passed: self.passed + other.passed,
            failed: self.failed + other.failed,
        }
    }
}

impl AddAssign for PassFail {
    fn add_assign(&mut self, other: PassFail) {
        *self = *self + other;
    }
}

/// Checks of one framework or engine: passed and failed, and the outcomes that are neither
/// (kube-bench's WARN and INFO, Kyverno's warn, error and skip) kept as such, outside the score.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// "CIS Kubernetes Benchmark 1.6", "Kyverno", "Gatekeeper", "AWS Config".
    pub framework: String,
    pub passed: u64,
    pub failed: u64,
    pub warned: u64,
    pub errored: u64,
    pub skipped: u64,
}

impl Checks {
    pub fn evaluated(&self) -> u64 {
        self.passed + self.failed
    }
}

/// What a Gatekeeper constraint matches (`spec.match`) and how many objects violate it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyScope {
    /// `K8sRequiredLabels/must-have-owner`.
    pub constraint: String,
    /// Kinds matched; empty matches every kind.
    pub kinds: Vec<String>,
    /// Namespaces matched; empty matches every namespace.
    pub namespaces: Vec<String>,
    pub excluded_namespaces: Vec<String>,
    /// `totalViolations`, else the violations listed.
    pub violations: u64,
}

impl PolicyScope {
    /// Whether an object of this kind in this namespace ("" for cluster-scoped) is matched.
    pub fn matches(&self, kind: &str, namespace: &str) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind || k == "*");
        let namespaced = !namespace.is_empty();
        let in_namespaces = self.namespaces.is_empty()
            || (namespaced && self.namespaces.iter().any(|n| n == namespace));
        let excluded = namespaced && self.excluded_namespaces.iter().any(|n| n == namespace);
        kind_ok && in_namespaces && !excluded
    }
}

/// The categories a snapshot looked for. A category it covers and reports nothing in is clean;
/// one it does not cover says nothing, so an older snapshot still speaks for it.
///
/// Some reports do not say what ran: Trivy's does not say whether its secret scanner did. Such a
/// category is *assumed*, not covered: a lone report proves nothing about it (a vulnerability
/// scan is not a clean secret scan), and it counts as covered once a scan of the same asset by
/// the same tool shows the scanner ran — by reporting one (`Loaded` in `analysis` decides).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Coverage {
    sure: u8,
    assumed: u8,
}

impl Coverage {
    pub fn with(self, category: Category) -> Coverage {
        Coverage {
            sure: self.sure | category.bit(),
            ..self
        }
    }

    /// Looked for by the tool's defaults, as far as the report lets anyone tell.
    pub fn assuming(self, category: Category) -> Coverage {
        Coverage {
            assumed: self.assumed | category.bit(),
            ..self
        }
    }

    pub fn covers(self, category: Category) -> bool {
        self.sure & category.bit() != 0
    }

    pub fn assumes(self, category: Category) -> bool {
        self.assumed & category.bit() != 0 && !self.covers(category)
    }

    pub fn categories(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.covers(*c))
    }

    /// The categories covered and assumed, as bits (`1 << category`): for `wire`.
    pub fn bits(self) -> (u8, u8) {
        (self.sure, self.assumed)
    }

    pub fn from_bits(sure: u8, assumed: u8) -> Coverage {
        Coverage { sure, assumed }
    }
}

/// One source file's view of one asset at one time.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The registry id of the format it was parsed from.
    pub format: &'static str,
    pub tool: Tool,
    pub asset: Asset,
    /// The artifact exactly as the file names it, when that says more than the asset name (an
    /// image's tag or digest).
    pub reference: Option<String>,
    /// When the scan ran, if the file says; otherwise the engine falls back to the file's time.
    pub taken_at: Option<Timestamp>,
    pub covers: Coverage,
    /// The findings' order by fingerprint, made when first needed: the analysis merges and
    /// compares snapshots by fingerprint for every period it evaluates.
    pub by_fingerprint: ByFingerprint,
    pub findings: Vec<Finding>,
    /// IaC checks (passed and failed), when the tool reports them.
    pub iac_checks: Option<PassFail>,
    /// Compliance checks by framework or engine (kube-bench's CIS benchmark, Kyverno, AWS
    /// Config…), when the tool reports them: what `compliance_score` pools.
    pub compliance: Vec<Checks>,
    /// Cloud resources compliant and not (AWS Config, Security Hub): `cloud_misconfig_rate`.
    pub cloud_resources: Option<PassFail>,
    /// Policy violations in all, when the file lists fewer than it counts (Gatekeeper's
    /// `totalViolations`): what policy drift counts.
    pub policy_violations: Option<u64>,
    /// What each Gatekeeper constraint applies to, and how many objects violate it: with an
    /// inventory of the cluster's objects, the constraint's compliant share.
    pub policy_scopes: Vec<PolicyScope>,
    /// What else the file says about its records, for the Sources view ("15 vulnerable packages").
    pub note: Option<String>,
}

/// A snapshot's findings in fingerprint order, once made ([`Snapshot::by_fingerprint`]). Equal
/// snapshots are equal whether or not they have made it yet.
#[derive(Clone, Default)]
pub struct ByFingerprint(OnceLock<(Vec<u32>, bool)>);

impl PartialEq for ByFingerprint {
    fn eq(&self, _: &ByFingerprint) -> bool {
        true
    }
}

impl std::fmt::Debug for ByFingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("ByFingerprint")
    }
}

/// What keeps series of snapshots of one asset apart: the format and the tool. The tool too:
/// every SARIF file is `sarif`, and CodeQL's scan does not replace Semgrep's.
pub type SeriesKey<'a> = (&'static str, &'a str);

impl Snapshot {
    pub fn series(&self) -> SeriesKey<'_> {
        (self.format, &self.tool.name)
    }

    /// The findings' indices sorted by fingerprint, then by index; whether no two findings
    /// share a fingerprint. Fingerprints never change once parsed (a triage decision changes a
    /// status), so this is made once.
    pub fn by_fingerprint(&self) -> (&[u32], bool) {
        let order = self.by_fingerprint.0.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.findings.len() as u32).collect();
            order.sort_unstable_by_key(|&k| (self.findings[k as usize].fingerprint, k));
            let unique = order.windows(2).all(|pair| {
                let [a, b] = [pair[0], pair[1]].map(|k| self.findings[k as usize].fingerprint);
                a != b
            });
            (order, unique)
        });
        debug_assert_eq!(
            order.0.len(),
            self.findings.len(),
            "findings added after the order"
        );
        (&order.0, order.1)
    }

    /// Records in the file that became findings, by category, in `Category::ALL` order.
    pub fn counts_by_category(&self) -> [usize; 6] {
        let mut counts = [0; 6];
        for finding in &self.findings {
            counts[finding.category as usize] += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_their_parts() {
        // Pinned: a change here would break history across Posture versions.
        // Computed outside Rust with a five-line Python FNV-1a.
        assert_eq!(
            Fingerprint::of(&["CVE-2019-1549", "libssl1.1"]).0,
            0x7694_c4d8_7be4_40a1
        );
        assert_ne!(Fingerprint::of(&["ab", "c"]), Fingerprint::of(&["a", "bc"]));
    }

    #[test]
    fn vulnerabilities_line_up_across_tools() {
        // Grype reports GHSA-v6rh-hp5x-86rv with related CVE-2021-44420 for "Django"; Trivy
        // reports CVE-2021-44420 for "django": one problem.
        let grype =
            Fingerprint::vulnerability("", ["GHSA-v6rh-hp5x-86rv", "CVE-2021-44420"], "Django");
        let trivy = Fingerprint::vulnerability("", ["CVE-2021-44420"], "django");
        assert_eq!(grype, trivy);
        assert_ne!(
            trivy,
            Fingerprint::vulnerability("ns/Deployment/a", ["CVE-2021-44420"], "django")
        );
        assert_eq!(
            Fingerprint::vulnerability("", ["GHSA-1", "PYSEC-2"], "x"),
            Fingerprint::vulnerability("", ["ghsa-1"], "X")
        );
    }

    #[test]
    fn unknown_severity_never_reaches_a_gate() {
        assert!(Severity::Critical.at_least(Severity::High));
        assert!(Severity::High.at_least(Severity::High));
        assert!(!Severity::Medium.at_least(Severity::High));
        assert!(!Severity::Unknown.at_least(Severity::Low));
    }
}
