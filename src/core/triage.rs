//! Triage decisions applied to the findings: which decision in force covers which finding.
//!
//! Decisions come from two places — made in this browser (the explorer) and read from files
//! (VEX documents, Posture's own export) — and hold until they expire. The engine applies them
//! to every loaded snapshot before each analysis: an open finding a decision covers becomes
//! `Suppressed` with the decision's triage beside it, so every KPI, metric and history reads
//! it as excluded, the way a tool's own suppression is (not fixed; no SLA; not reopened when the
//! decision lapses: the finding simply counts again, its first sight kept).

pub mod file;
pub mod openvex;

use super::hash::{FxHashMap, FxHashSet};
use super::model::{
    Asset, Category, Decision, Finding, Fingerprint, Snapshot, Status, Target, Triage,
};
use super::time::Timestamp;

/// The decisions in force, indexed for a lookup per finding without allocating.
pub struct Decisions<'a> {
    list: Vec<&'a Decision>,
    /// Rule id (ASCII case folded, hashed) → decisions naming it.
    by_rule: FxHashMap<u64, Vec<u32>>,
    /// A vulnerability's identity (id and package, `Fingerprint::vulnerability`) → decisions:
    /// a VEX statement on a CVE covers Grype's finding listed under its GHSA.
    by_identity: FxHashMap<u64, Vec<u32>>,
    /// Decisions naming no rule (one finding by fingerprint).
    by_fingerprint: FxHashMap<u64, Vec<u32>>,
}

/// What applying the decisions did: the findings each decision covers, in the order given —
/// each once, however many scans of its asset report it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub covered: Vec<u64>,
}

impl<'a> Decisions<'a> {
    /// The decisions of `all` in force at `now`; `all` keeps its order (for `Applied`).
    pub fn new(all: &[&'a Decision], now: Timestamp) -> Decisions<'a> {
        let mut d = Decisions {
            list: all.to_vec(),
            by_rule: FxHashMap::default(),
            by_identity: FxHashMap::default(),
            by_fingerprint: FxHashMap::default(),
        };
        for (i, decision) in all.iter().enumerate() {
            if !decision.in_force(now) {
                continue;
            }
            let i = i as u32;
            let target = &decision.target;
            let mut keys: FxHashSet<u64> = FxHashSet::default();
            for rule in &target.rules {
                keys.insert(folded(rule));
            }
            for key in keys {
                d.by_rule.entry(key).or_default().push(i);
            }
            if target.category.is_none_or(|c| c == Category::Vulnerability) {
                for package in &target.packages {
                    let identity = Fingerprint::vulnerability(
                        "",
                        target.rules.iter().map(String::as_str),
                        package,
                    );
                    d.by_identity.entry(identity.0).or_default().push(i);
                }
            }
            if target.rules.is_empty()
                && let Some(fingerprint) = target.fingerprint
            {
                d.by_fingerprint.entry(fingerprint).or_default().push(i);
            }
        }
        d
    }

    pub fn is_empty(&self) -> bool {
        self.by_rule.is_empty() && self.by_fingerprint.is_empty()
    }

    /// The first decision in force that covers `finding` on the asset Posture named `asset`.
    pub fn covering(&self, asset: &str, finding: &Finding) -> Option<u32> {
        let candidates = [
            self.by_rule.get(&folded(&finding.rule_id)),
            self.by_identity.get(&finding.fingerprint.0),
            self.by_fingerprint.get(&finding.fingerprint.0),
        ];
        candidates
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .filter(|&i| covers(&self.list[i as usize].target, asset, finding))
            .min()
    }

    pub fn triage(&self, index: u32) -> Triage {
        self.list[index as usize].triage
    }

    /// Marks the open findings of `snapshots` that a decision covers; clears what no longer
    /// holds. Counts the findings each decision covers. Each snapshot comes with its asset's
    /// name as Posture gave it (decisions name assets so, whatever the user renamed them to).
    pub fn apply<'s>(
        &self,
        snapshots: impl Iterator<Item = (&'s mut Snapshot, &'s str)>,
    ) -> Applied {
        // (decision, asset, finding): a finding in two scans of its asset is one.
        let mut seen: FxHashSet<(u32, u64, u64)> = FxHashSet::default();
        let mut applied = Applied {
            covered: vec![0; self.list.len()],
        };
        for (snapshot, asset) in snapshots {
            let asset_key = Fingerprint::of(&[asset]).0;
            for finding in &mut snapshot.findings {
                let decision = if finding.reported == Status::Open && !self.is_empty() {
                    self.covering(asset, finding)
                } else {
                    None
                };
                match decision {
                    Some(i) => {
                        if seen.insert((i, asset_key, finding.fingerprint.0)) {
                            applied.covered[i as usize] += 1;
                        }
                        finding.decision = Some(self.triage(i));
                        finding.status = Status::Suppressed;
                    }
                    None => {
                        finding.decision = None;
                        finding.status = finding.reported;
                    }
                }
            }
        }
        applied
    }
}

/// A hash of the text with ASCII letters in one case: `cve-2024-1` names `CVE-2024-1`.
fn folded(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.trim().bytes() {
        hash = (hash ^ u64::from(byte.to_ascii_uppercase())).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Whether `target` covers `finding` on `asset`: every list it gives must match.
pub fn covers(target: &Target, asset: &str, finding: &Finding) -> bool {
    if target.category.is_some_and(|c| c != finding.category) {
        return false;
    }
    if target
        .fingerprint
        .is_some_and(|f| f != finding.fingerprint.0)
    {
        return false;
    }
    let rule_named = target.rules.is_empty()
        || target
            .rules
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case(&finding.rule_id));
    let package = finding.package.as_ref().map(|p| &*p.name);
    let package_named = target.packages.is_empty()
        || package.is_some_and(|p| target.packages.iter().any(|t| package_matches(t, p)));
    // A VEX statement names a CVE; the tool may list the finding under its GHSA, with the
    // CVE in its identity.
    let identity_named = package.is_some_and(|p| {
        target.packages.iter().any(|t| package_matches(t, p))
            && Fingerprint::vulnerability("", target.rules.iter().map(String::as_str), p)
                == finding.fingerprint
    });
    if !((rule_named && package_named) || identity_named) {
        return false;
    }
    target.assets.is_empty() || target.assets.iter().any(|a| asset_matches(a, asset))
}

/// A package named in a decision against a finding's: the same name in any case, or the
/// finding's name after a Maven group (`org.apache.logging.log4j:log4j-core`) or an npm scope.
pub fn package_matches(named: &str, package: &str) -> bool {
    let named = named.trim();
    package.eq_ignore_ascii_case(named)
        || package
            .rsplit(':')
            .next()
            .is_some_and(|p| p.eq_ignore_ascii_case(named))
}

/// An asset named in a decision (a product) against Posture's name for an asset: the same, the
/// same image without its tag or digest, or the last part of its name when the product gives
/// only that (`pkg:oci/api` names `ghcr.io/acme/api`).
pub fn asset_matches(named: &str, asset: &str) -> bool {
    let named = named.trim();
    if named.eq_ignore_ascii_case(asset) || Asset::image(named).name.eq_ignore_ascii_case(asset) {
        return true;
    }
    !named.contains('/')
        && asset
            .rsplit('/')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case(named))
}

/// The names a VEX product or component goes by, for [`asset_matches`] and [`package_matches`]:
/// a purl's name and, for images, its repository (`pkg:oci/api@sha256:…?repository_url=
/// ghcr.io/acme/api` → `ghcr.io/acme/api`, `api`); anything else as written (an image
/// reference, a repository URL without its scheme).
pub fn product_names(id: &str) -> Vec<String> {
    let id = id.trim();
    let Some(purl) = id.strip_prefix("pkg:") else {
        let plain = id
            .strip_prefix("https://")
            .or_else(|| id.strip_prefix("http://"))
            .unwrap_or(id)
            .trim_end_matches(".git");
        return vec![plain.to_string()];
    };
    let (path, query) = purl.split_once('?').unwrap_or((purl, ""));
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    let path = path.split_once('@').map_or(path, |(p, _)| p);
    let mut parts = path.split('/');
    let kind = parts.next().unwrap_or("");
    let rest: Vec<String> = parts.map(percent_decoded).collect();
    let name = rest.last().cloned().unwrap_or_default();
    let mut names = Vec::new();
    for pair in query.split('&') {
        if let Some(url) = pair.strip_prefix("repository_url=") {
            let url = percent_decoded(url);
            // Docker's purl puts the namespace in the path and the registry in the query.
            let full = if kind == "docker" && rest.len() > 1 {
                format!("{url}/{}", rest.join("/"))
            } else if url.ends_with(&format!("/{name}")) || url == name {
                url
            } else {
                format!("{url}/{name}")
            };
            names.push(Asset::image(&full).name);
        }
    }
    if kind == "docker" && rest.len() > 1 {
        names.push(rest.join("/"));
    }
    if kind == "github" && rest.len() > 1 {
        names.push(format!("github.com/{}", rest.join("/")));
    }
    if !name.is_empty() {
        names.push(name);
    }
    names.dedup();
    names
}

/// A package's name from a purl (`pkg:deb/debian/zlib1g@1.2.13?arch=amd64` → `zlib1g`;
/// `pkg:npm/%40babel/core@7` → `@babel/core`), or the text as written when it is no purl.
pub fn package_name(id: &str) -> String {
    let id = id.trim();
    let Some(purl) = id.strip_prefix("pkg:") else {
        return id.to_string();
    };
    let path = purl.split(['?', '#']).next().unwrap_or(purl);
    let path = path.rsplit_once('@').map_or(path, |(p, _)| p);
    let mut parts: Vec<String> = path.split('/').skip(1).map(percent_decoded).collect();
    let name = parts.pop().unwrap_or_default();
    match parts.last() {
        Some(scope) if scope.starts_with('@') => format!("{scope}/{name}"),
        _ => name,
    }
}

/// Text with its `%XX` escapes decoded (purls, BOM-Links).
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_packages_by_their_names() {
        assert_eq!(
            product_names("pkg:oci/api@sha256:abc?repository_url=ghcr.io%2Facme%2Fapi&tag=1.4"),
            ["ghcr.io/acme/api", "api"]
        );
        assert_eq!(
            product_names("pkg:docker/acme/api@1.4?repository_url=registry.example.com"),
            ["registry.example.com/acme/api", "acme/api", "api"]
        );
        assert_eq!(
            product_names("ghcr.io/acme/api:1.4"),
            ["ghcr.io/acme/api:1.4"]
        );
        assert_eq!(
            product_names("https://github.com/acme/infra.git"),
            ["github.com/acme/infra"]
        );
        assert_eq!(
            package_name("pkg:deb/debian/zlib1g@1.2.13?arch=amd64"),
            "zlib1g"
        );
        assert_eq!(package_name("pkg:npm/%40babel/core@7.0.0"), "@babel/core");
        assert_eq!(
            package_name("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            "log4j-core"
        );
        assert!(package_matches(
            "log4j-core",
            "org.apache.logging.log4j:log4j-core"
        ));
        assert!(asset_matches("ghcr.io/acme/api:1.4", "ghcr.io/acme/api"));
        assert!(asset_matches("api", "ghcr.io/acme/api"));
        assert!(!asset_matches("acme/web", "ghcr.io/acme/api"));
    }
}
