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
    /// holds. Counts the findings each decision covers, in the snapshots marked to be counted
    /// (those of the group in view). Each snapshot comes with its asset's name as Posture gave
    /// it (decisions name assets so, whatever the user renamed them to).
    pub fn apply<'s>(
        &self,
        snapshots: impl Iterator<Item = (&'s mut Snapshot, &'s str, bool)>,
    ) -> Applied {
        // (decision, asset, finding): a finding in two scans of its asset is one.
        let mut seen: FxHashSet<(u32, u64, u64)> = FxHashSet::default();
        let mut applied = Applied {
            covered: vec![0; self.list.len()],
        };
        for (snapshot, asset, counted) in snapshots {
            let asset_key = Fingerprint::of(&[asset]).0;
            for finding in &mut snapshot.findings {
                let decision = if finding.reported == Status::Open && !self.is_empty() {
                    self.covering(asset, finding)
                } else {
                    None
                };
                match decision {
                    Some(i) => {
                        if counted && seen.insert((i, asset_key, finding.fingerprint.0)) {
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

/// Counts one more statement that decides nothing Posture counts, by why (a VEX status, "naming no
/// product Posture reads"), for a `DecisionLog`'s `undecided`, in the order first seen.
pub fn count_undecided(undecided: &mut Vec<(String, u64)>, why: &str) {
    match undecided.iter_mut().find(|(w, _)| w == why) {
        Some((_, n)) => *n += 1,
        None => undecided.push((why.to_string(), 1)),
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
    target.assets.is_empty()
        || target
            .assets
            .iter()
            .any(|a| asset_matches(a, asset, target.exact_assets))
}

/// A package named in a decision against a finding's: the same name in any case, or the same
/// artifact whichever side names a Maven group (`org.apache.logging.log4j:log4j-core` is
/// Grype's `log4j-core`).
pub fn package_matches(named: &str, package: &str) -> bool {
    let artifact = |name: &str| name.rsplit(':').next().unwrap_or(name).trim().to_string();
    let named = named.trim();
    package.eq_ignore_ascii_case(named) || artifact(package).eq_ignore_ascii_case(&artifact(named))
}

/// An asset named in a decision against Posture's name for an asset: the same, or the same image
/// without its tag or digest. A VEX product that gives only an image's name (`pkg:oci/api`, as
/// Trivy allows) names it on any registry: `exact` is false for those.
pub fn asset_matches(named: &str, asset: &str, exact: bool) -> bool {
    let named = named.trim();
    let image = Asset::image(named).name;
    if named.eq_ignore_ascii_case(asset)
        || image.eq_ignore_ascii_case(asset)
        || docker_hub(&image).eq_ignore_ascii_case(docker_hub(asset))
    {
        return true;
    }
    !exact
        && !named.contains('/')
        && asset
            .rsplit('/')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case(named))
}

/// A Docker Hub image by its short name: `index.docker.io/library/alpine` is `alpine`.
fn docker_hub(name: &str) -> &str {
    let short = ["index.docker.io/", "docker.io/", "registry-1.docker.io/"]
        .iter()
        .find_map(|host| name.strip_prefix(host))
        .unwrap_or(name);
    short.strip_prefix("library/").unwrap_or(short)
}

/// A purl, read by its grammar: `pkg:type/namespace/name@version?qualifiers#subpath`.
struct Purl {
    kind: String,
    namespace: Vec<String>,
    name: String,
    qualifiers: Vec<(String, String)>,
}

fn purl(id: &str) -> Option<Purl> {
    let rest = id.trim().strip_prefix("pkg:")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    // The version is what follows the `@` after the last `/`: an npm scope's `@` is not one.
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let path = match path[last_slash..].find('@') {
        Some(at) => &path[..last_slash + at],
        None => path,
    };
    let mut segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decoded)
        .collect();
    if segments.len() < 2 {
        return None;
    }
    let kind = segments.remove(0).to_ascii_lowercase();
    let name = segments.pop().unwrap_or_default();
    let qualifiers = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), percent_decoded(v)))
        .collect();
    Some(Purl {
        kind,
        namespace: segments,
        name,
        qualifiers,
    })
}

/// Whether a VEX product's id names a whole thing (an image, a repository, a product) rather
/// than a package in it: a purl of a package ecosystem names a package.
pub fn names_a_package(id: &str) -> bool {
    purl(id).is_some_and(|p| !matches!(p.kind.as_str(), "oci" | "docker" | "github" | "generic"))
}

/// The names a VEX product goes by, for [`asset_matches`]: an image purl's repository
/// (`pkg:oci/api@sha256:…?repository_url=ghcr.io/acme/api` → `ghcr.io/acme/api`; Grype's
/// `repository_url=ghcr.io/acme` too), or its bare name when it gives no repository (any
/// registry); a repository URL without its scheme; anything else as written.
pub fn product_names(id: &str) -> Vec<String> {
    let id = id.trim();
    let Some(p) = purl(id) else {
        let plain = id
            .strip_prefix("https://")
            .or_else(|| id.strip_prefix("http://"))
            .unwrap_or(id)
            .trim_end_matches(".git");
        return vec![plain.to_string()];
    };
    let repository = p
        .qualifiers
        .iter()
        .find(|(k, _)| k == "repository_url")
        .map(|(_, v)| v.trim_end_matches('/').to_string());
    let path = p
        .namespace
        .iter()
        .chain(std::iter::once(&p.name))
        .cloned()
        .collect::<Vec<_>>()
        .join("/");
    let name = match (p.kind.as_str(), repository) {
        // Docker's purl puts the namespace in the path and the registry in the query.
        ("docker", Some(url)) => format!("{url}/{path}"),
        (_, Some(url)) if url == p.name || url.ends_with(&format!("/{}", p.name)) => url,
        (_, Some(url)) => format!("{url}/{}", p.name),
        ("github", None) => format!("github.com/{path}"),
        (_, None) => path,
    };
    vec![Asset::image(&name).name]
}

/// A package's name from a purl, as scanners name packages: `pkg:deb/debian/zlib1g@1.2.13` →
/// `zlib1g`, `pkg:npm/%40babel/core@7` → `@babel/core`, `pkg:maven/org.apache.logging.log4j/
/// log4j-core@2.14.1` → `org.apache.logging.log4j:log4j-core`, `pkg:golang/golang.org/x/net`
/// → `golang.org/x/net`; the text as written when it is no purl.
pub fn package_name(id: &str) -> String {
    let Some(p) = purl(id) else {
        return id.trim().to_string();
    };
    match p.kind.as_str() {
        "maven" if !p.namespace.is_empty() => format!("{}:{}", p.namespace.join("."), p.name),
        "npm" | "golang" | "composer" | "swift" | "github" | "cocoapods" | "bitbucket"
            if !p.namespace.is_empty() =>
        {
            format!("{}/{}", p.namespace.join("/"), p.name)
        }
        _ => p.name,
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
        // Trivy's image purl (the whole repository) and Grype's (without the image's name).
        assert_eq!(
            product_names("pkg:oci/api@sha256%3Aabc?arch=amd64&repository_url=ghcr.io/acme/api"),
            ["ghcr.io/acme/api"]
        );
        assert_eq!(
            product_names("pkg:oci/api@sha256:abc?repository_url=ghcr.io%2Facme"),
            ["ghcr.io/acme/api"]
        );
        assert_eq!(product_names("pkg:oci/api"), ["api"]);
        assert_eq!(
            product_names("pkg:docker/acme/api@1.4?repository_url=registry.example.com"),
            ["registry.example.com/acme/api"]
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
        assert_eq!(package_name("pkg:npm/@babel/traverse"), "@babel/traverse");
        assert_eq!(
            package_name("pkg:golang/golang.org/x/net@v0.12.0"),
            "golang.org/x/net"
        );
        assert_eq!(
            package_name("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            "org.apache.logging.log4j:log4j-core"
        );
        assert!(names_a_package("pkg:npm/lodash"));
        assert!(!names_a_package("pkg:oci/api"));
        // Maven artifacts match whichever side names the group.
        assert!(package_matches(
            "log4j-core",
            "org.apache.logging.log4j:log4j-core"
        ));
        assert!(package_matches(
            "org.apache.logging.log4j:log4j-core",
            "log4j-core"
        ));
        assert!(asset_matches(
            "ghcr.io/acme/api:1.4",
            "ghcr.io/acme/api",
            true
        ));
        assert!(asset_matches("api", "ghcr.io/acme/api", false));
        assert!(asset_matches(
            "index.docker.io/library/alpine",
            "alpine",
            true
        ));
        assert!(asset_matches("docker.io/acme/api", "acme/api", true));
        assert!(
            !asset_matches("api", "billing/api", true),
            "a decision made here is exact"
        );
        assert!(!asset_matches("acme/web", "ghcr.io/acme/api", false));
    }
}
