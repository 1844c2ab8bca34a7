//! A Kubernetes object inventory: `kubectl get deployments,daemonsets,statefulsets,pods,namespaces
//! -A -o json` (a `List`), dropped beside Gatekeeper constraints. Gatekeeper lists only the
//! objects that violate a constraint; the inventory says how many it evaluated, so that
//! "compliant ÷ evaluated" exists for it. Only each object's kind and namespace are kept.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Format, Input, ParseError, Parsed, kube};
use crate::core::json::{self, Str, text};
use crate::core::model::{Evidence, Inventory, SourceKind, Tool};
use crate::core::sniff::Sniff;

pub const FORMAT: Format = Format {
    id: "k8s-inventory",
    label: "Kubernetes object inventory (for Gatekeeper)",
    command: "`kubectl get deployments,daemonsets,statefulsets,pods,namespaces -A -o json` (or `-o yaml`)",
    severity_mapping: "none: objects, not findings",
    feeds: "the objects Gatekeeper constraints evaluate: their compliant share in the compliance score",
    kinds: &[SourceKind::ClusterPolicy],
    detect,
    parse,
    stream: None,
};

/// Kinds an inventory for Gatekeeper holds; a List of anything else is not one.
const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Namespace",
    "Service",
    "Ingress",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "PersistentVolumeClaim",
];

fn detect(sniff: &Sniff) -> bool {
    // Only a List: a single object is a manifest, not an inventory.
    let listed = sniff
        .record()
        .and_then(|r| r.get("items"))
        .is_some_and(|items| items.first().is_some());
    listed && kube::first_object(sniff, |_, kind| KINDS.contains(&kind))
}

#[derive(Deserialize)]
struct Object<'a> {
    #[serde(borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    metadata: Option<Metadata<'a>>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(borrow)]
    namespace: Option<Str<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut objects: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut records = 0;
    json::each_element(input.text, Some("items"), |object: Object| {
        records += 1;
        let kind = text(&object.kind).unwrap_or("").to_string();
        let namespace = object
            .metadata
            .as_ref()
            .and_then(|m| text(&m.namespace))
            .unwrap_or("")
            .to_string();
        *objects.entry((kind, namespace)).or_default() += 1;
    })?;
    Ok(Parsed {
        evidence: Evidence::Inventory(Inventory {
            format: FORMAT.id,
            tool: Tool {
                name: "kubectl".into(),
                version: None,
            },
            objects,
            records,
        }),
        warnings: Vec::new(),
    })
}
