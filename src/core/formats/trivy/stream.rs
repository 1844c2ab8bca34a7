//! A Trivy report read while it arrives (see `json::feed`), for the reports that reach hundreds
//! of MB: the walk below follows the report's structure and hands each record to the same
//! [`Builder`] as the whole parse, in the same order. It expects Trivy's own key order (a
//! result's `Target` before its findings; vulnerabilities, misconfigurations, then secrets; a
//! resource's name before its results; the report's lists in the order the whole parse takes
//! them) and anything else — keys sorted by `jq -S`, a duplicate field, broken JSON — stops
//! it, and the file is read whole. The bytes must be UTF-8: `formats::Loader` checks them.

use serde::Deserialize;

use super::build::{Builder, Head, ResultScope, resource_name};
use super::{Misconfiguration, Secret, Vulnerability};
use crate::core::formats::Streamed;
use crate::core::json::feed::{Cursor, Feed, Stop, one};
use crate::core::json::non_empty;

pub fn stream(feed: Feed, name: String) -> Streamed {
    Box::pin(async move {
        let mut c = Cursor::new(feed);
        let mut out = Builder::default();
        let mut head = Head::default();
        let mut root = c.object().await?.ok_or(Stop)?;
        let mut seen = Seen::default();
        // The whole parse takes the lists in this order; findings must come in it too.
        let mut stage = 0;
        while let Some(key) = c.key(&mut root).await? {
            seen.once(&key, ROOT_FIELDS)?;
            let order = [
                "Results",
                "Resources",
                "Vulnerabilities",
                "Misconfigurations",
            ]
            .iter()
            .position(|k| *k == key);
            if let Some(order) = order {
                if order < stage {
                    return Err(Stop);
                }
                stage = order;
            }
            match key.as_str() {
                "SchemaVersion" => head.schema_version = c.value().await?,
                "CreatedAt" => head.created_at = c.value().await?,
                "ArtifactName" => head.artifact_name = c.value().await?,
                "ArtifactType" => head.artifact_type = c.value().await?,
                "Metadata" => head.metadata = c.value().await?,
                "Trivy" => {
                    let trivy: Option<TrivyInfo> = c.value().await?;
                    head.version = trivy.and_then(|t| t.version);
                }
                "ClusterName" => head.cluster_name = c.value().await?,
                "Results" => head.results = results(&mut c, &mut out, None, "Results").await?,
                "Resources" => head.resources = resources(&mut c, &mut out, &key).await?,
                "Vulnerabilities" => {
                    head.vulnerable_resources = resources(&mut c, &mut out, &key).await?;
                }
                "Misconfigurations" => {
                    head.misconfigured_resources = resources(&mut c, &mut out, &key).await?;
                }
                "Findings" => {
                    head.summary_findings = c.peek().await? != b'n';
                    c.skip().await?;
                }
                _ => c.skip().await?,
            }
        }
        c.end().await?;
        // An error here (a summary-only k8s report) is the whole parser's to say.
        out.finish(head, &name).map_err(|_| Stop)
    })
}

#[derive(Deserialize)]
struct TrivyInfo {
    #[serde(rename = "Version")]
    version: Option<String>,
}

const ROOT_FIELDS: &[&str] = &[
    "SchemaVersion",
    "CreatedAt",
    "ArtifactName",
    "ArtifactType",
    "Metadata",
    "Trivy",
    "ClusterName",
    "Results",
    "Resources",
    "Vulnerabilities",
    "Misconfigurations",
    "Findings",
];
const RESULT_FIELDS: &[&str] = &[
    "Target",
    "Class",
    "Vulnerabilities",
    "Misconfigurations",
    "MisconfSummary",
    "Secrets",
    "Licenses",
];
const RESOURCE_FIELDS: &[&str] = &["Namespace", "Kind", "Name", "Results", "Error"];

/// The known fields an object has had: serde refuses a known field given twice, so the stream
/// stops there and the whole parser says so.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn once(&mut self, key: &str, fields: &[&str]) -> Result<(), Stop> {
        let Some(i) = fields.iter().position(|f| *f == key) else {
            return Ok(());
        };
        let bit = 1 << i;
        if self.0 & bit != 0 {
            return Err(Stop);
        }
        self.0 |= bit;
        Ok(())
    }
}

/// A `Results` list; how many results it had, `None` for null.
async fn results(
    c: &mut Cursor,
    out: &mut Builder,
    resource: Option<&str>,
    path: &str,
) -> Result<Option<usize>, Stop> {
    let Some(mut items) = c.array().await? else {
        return Ok(None);
    };
    let mut n = 0;
    while c.next(&mut items).await? {
        result(c, out, resource, &format!("{path}[{n}]")).await?;
        n += 1;
    }
    Ok(Some(n))
}

async fn result(
    c: &mut Cursor,
    out: &mut Builder,
    resource: Option<&str>,
    path: &str,
) -> Result<(), Stop> {
    let mut members = c.object().await?.ok_or(Stop)?;
    let mut seen = Seen::default();
    let mut target: Option<String> = None;
    let mut scope: Option<ResultScope> = None;
    // Findings come vulnerabilities, misconfigurations, secrets, as Trivy writes them.
    let mut stage = 0;
    let (mut class, mut summary, mut licenses) = (None, None, 0);
    while let Some(key) = c.key(&mut members).await? {
        seen.once(&key, RESULT_FIELDS)?;
        let order = match key.as_str() {
            "Vulnerabilities" => 1,
            "Misconfigurations" => 2,
            "Secrets" => 3,
            _ => 0,
        };
        if order > 0 {
            if order < stage {
                return Err(Stop);
            }
            stage = order;
        }
        let new_scope = || ResultScope::new(resource, target.as_deref().and_then(non_empty), path);
        match key.as_str() {
            "Target" if scope.is_some() => return Err(Stop),
            "Target" => target = c.value().await?,
            "Class" => class = c.value().await?,
            "MisconfSummary" => summary = c.value::<Option<super::MisconfSummary>>().await?,
            "Vulnerabilities" => {
                let scope = scope.get_or_insert_with(new_scope);
                let listed = c
                    .records(|b, j| one(b, |v: Vulnerability| out.vulnerability(scope, &v, j)))
                    .await?;
                scope.vulnerabilities = listed;
            }
            "Misconfigurations" => {
                let scope = scope.get_or_insert_with(new_scope);
                c.records(|b, j| one(b, |m: Misconfiguration| out.misconfiguration(scope, &m, j)))
                    .await?;
            }
            "Secrets" => {
                let scope = scope.get_or_insert_with(new_scope);
                let listed = c
                    .records(|b, j| one(b, |s: Secret| out.secret(scope, &s, j)))
                    .await?;
                scope.secrets = listed;
            }
            "Licenses" => {
                if let Some(mut items) = c.array().await? {
                    while c.next(&mut items).await? {
                        c.skip().await?;
                        licenses += 1;
                    }
                }
            }
            _ => c.skip().await?,
        }
    }
    let mut scope = scope
        .unwrap_or_else(|| ResultScope::new(resource, target.as_deref().and_then(non_empty), path));
    scope.class = class;
    scope.summary = summary.map(|s: super::MisconfSummary| (s.successes, s.failures));
    scope.licenses = licenses;
    out.end_result(scope);
    Ok(())
}

/// A list of Kubernetes resources; whether it was there (not null).
async fn resources(c: &mut Cursor, out: &mut Builder, key: &str) -> Result<bool, Stop> {
    let Some(mut items) = c.array().await? else {
        return Ok(false);
    };
    let mut i = 0;
    while c.next(&mut items).await? {
        let path = format!("{key}[{i}]");
        let mut members = c.object().await?.ok_or(Stop)?;
        let mut seen = Seen::default();
        let mut name: [Option<String>; 3] = Default::default();
        let mut error: Option<String> = None;
        let mut prefix: Option<String> = None;
        while let Some(field) = c.key(&mut members).await? {
            seen.once(&field, RESOURCE_FIELDS)?;
            let part = ["Namespace", "Kind", "Name"]
                .iter()
                .position(|p| *p == field);
            match (field.as_str(), part) {
                // The name must be whole before the findings are placed under it.
                (_, Some(_)) if prefix.is_some() => return Err(Stop),
                (_, Some(k)) => name[k] = c.value().await?,
                ("Results", _) => {
                    let resource = prefix.insert(resource_name(
                        [&name[0], &name[1], &name[2]].map(|p| p.as_deref().and_then(non_empty)),
                    ));
                    results(c, out, Some(resource), &format!("{path}.Results")).await?;
                }
                ("Error", _) => error = c.value().await?,
                _ => c.skip().await?,
            }
        }
        let resource = prefix.unwrap_or_else(|| {
            resource_name([&name[0], &name[1], &name[2]].map(|p| p.as_deref().and_then(non_empty)))
        });
        out.resource_error(&resource, error.as_deref().and_then(non_empty), &path);
        i += 1;
    }
    Ok(true)
}
