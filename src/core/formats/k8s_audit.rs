//! Kubernetes API server audit logs: audit.k8s.io/v1 (and v1beta1) `Event`s, one per line as
//! the log backend writes them, or an `EventList`; older logs with only `timestamp`.
//!
//! A request is logged at several stages (RequestReceived, ResponseStarted, ResponseComplete)
//! under one `auditID`: it counts once, from the first stage with a response. Only what the
//! metrics need is kept:
//! - unauthorized attempts: 401, and 403 refused by authorization (`authorization.k8s.io/decision:
//!   forbid`, or RBAC's "User … cannot …" message);
//! - workload create/update/patch requests (pods, deployments, replicasets, statefulsets,
//!   daemonsets, jobs, cronjobs, replicationcontrollers), denied by an admission policy
//!   (Gatekeeper, Kyverno, Pod Security, ValidatingAdmissionPolicy, any webhook that "denied the
//!   request") or admitted — the deployment block rate. An admission denial is a policy block,
//!   not an unauthorized attempt;
//! - exec and attach sessions into pods.

use serde::Deserialize;

use super::collect::{EventCollector, NewEvent};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::ErrorKind;
use crate::core::json::{self, Str, text};
use crate::core::model::{
    Asset, AssetKind, EventKind, EventLog, Evidence, Fingerprint, Severity, SourceKind, Tool,
};
use crate::core::sniff::{Node, Shape, Sniff};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "k8s-audit",
    label: "Kubernetes audit log",
    command: "the API server's audit log (`--audit-log-path`, JSON), or an `EventList`",
    severity_mapping: "none: events have no severity",
    feeds: "unauthorized attempts (401, RBAC 403), admission denials of workloads → \
            `deployment_block_rate`, exec sessions",
    kinds: &[SourceKind::KubernetesAudit],
    detect,
    parse,
    stream: None,
};

fn is_event(r: &Node) -> bool {
    let audit_api = r
        .get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with("audit.k8s.io/"));
    let kind = r.get("kind").and_then(Node::as_str);
    (audit_api && matches!(kind, Some("Event" | "EventList")))
        // Some captures drop `apiVersion`: the audit fields tell.
        || (r.has("auditID") && r.has("verb") && r.has("stage"))
}

fn detect(sniff: &Sniff) -> bool {
    matches!(sniff.shape, Shape::Object | Shape::JsonLines | Shape::Array)
        && sniff.record().is_some_and(is_event)
}

#[derive(Deserialize)]
struct AuditEvent<'a> {
    #[serde(rename = "auditID", borrow)]
    audit_id: Option<Str<'a>>,
    #[serde(borrow)]
    verb: Option<Str<'a>>,
    #[serde(rename = "requestURI", borrow)]
    uri: Option<Str<'a>>,
    #[serde(borrow)]
    user: Option<User<'a>>,
    #[serde(rename = "impersonatedUser", borrow)]
    impersonated: Option<User<'a>>,
    #[serde(rename = "objectRef", borrow)]
    object: Option<ObjectRef<'a>>,
    #[serde(rename = "responseStatus", borrow)]
    response: Option<Status<'a>>,
    #[serde(rename = "requestReceivedTimestamp", borrow)]
    received: Option<Str<'a>>,
    #[serde(borrow)]
    timestamp: Option<Str<'a>>,
    #[serde(rename = "stageTimestamp", borrow)]
    stage_time: Option<Str<'a>>,
    #[serde(borrow)]
    metadata: Option<Metadata<'a>>,
    #[serde(borrow)]
    annotations: Option<Annotations<'a>>,
}

#[derive(Deserialize)]
struct User<'a> {
    #[serde(borrow)]
    username: Option<Str<'a>>,
}

#[derive(Deserialize, Default)]
struct ObjectRef<'a> {
    #[serde(borrow)]
    resource: Option<Str<'a>>,
    #[serde(borrow)]
    subresource: Option<Str<'a>>,
    #[serde(borrow)]
    namespace: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    code: Option<i64>,
    #[serde(borrow)]
    message: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(rename = "creationTimestamp", borrow)]
    created: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Annotations<'a> {
    #[serde(rename = "authorization.k8s.io/decision", borrow)]
    decision: Option<Str<'a>>,
    /// ValidatingAdmissionPolicy denials (Kubernetes 1.28+): a JSON list naming the policy.
    #[serde(
        rename = "validation.policy.admission.k8s.io/validation_failure",
        borrow
    )]
    policy_failure: Option<Str<'a>>,
}

const WORKLOADS: &[&str] = &[
    "pods",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "replicationcontrollers",
];

/// What the API server decided about a request, as far as the metrics care.
#[derive(Debug, PartialEq)]
enum Outcome {
    Unauthorized(&'static str),
    Denied(String),
    /// A validating webhook could not be called (`failurePolicy: Fail`): refused, but by an
    /// outage, not by a policy.
    WebhookFailed,
    Other,
}

/// Controllers and nodes act on behalf of a workload someone else wrote: a ReplicaSet creating
/// the pods of a Deployment, retrying each refused one.
fn is_controller(actor: &str) -> bool {
    actor.starts_with("system:serviceaccount:kube-system:")
        || actor.starts_with("system:node:")
        || actor == "system:kube-controller-manager"
}

/// The workload a controller's refused pod belongs to: `pods "web-7d9f8c6b5-x2k9q" is
/// forbidden` → `web` (the ReplicaSet hash and the pod suffix dropped), so its retries are one.
fn owner_of(message: &str, name: &str) -> String {
    let pod = if name.is_empty() {
        message
            .split_once("pods \"")
            .and_then(|(_, r)| r.split('"').next())
            .unwrap_or("")
    } else {
        name
    };
    let lower = |part: &str| {
        part.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let mut parts: Vec<&str> = pod.split('-').collect();
    // The pod's random suffix, then its ReplicaSet's hash or its Job's schedule time.
    if parts.len() > 1 && parts.last().is_some_and(|p| p.len() == 5 && lower(p)) {
        parts.pop();
        let hash = |p: &&str| {
            (6..=10).contains(&p.len()) && lower(p) && p.chars().any(|c| c.is_ascii_digit())
        };
        if parts.len() > 1 && parts.last().is_some_and(hash) {
            parts.pop();
        }
    }
    parts.join("-")
}

/// The admission policy that denied a request, from the response message (or the
/// ValidatingAdmissionPolicy annotation), or `None` when no policy did.
fn admission_policy(message: &str, annotations: Option<&Annotations>) -> Option<String> {
    if let Some(failure) = annotations.and_then(|a| text(&a.policy_failure)) {
        #[derive(Deserialize)]
        struct Failure<'a> {
            #[serde(borrow)]
            policy: Option<Str<'a>>,
        }
        let policy = serde_json::from_str::<Vec<Failure>>(failure)
            .ok()
            .and_then(|f| f.into_iter().find_map(|f| f.policy))
            .map_or_else(
                || "ValidatingAdmissionPolicy".to_string(),
                |p| format!("ValidatingAdmissionPolicy {}", p.as_str()),
            );
        return Some(policy);
    }
    if let Some(rest) = message.split_once("admission webhook \"").map(|(_, r)| r) {
        if !message.contains("denied the request") {
            return None;
        }
        let webhook = rest.split('"').next().unwrap_or("");
        // Gatekeeper names the constraint: `denied the request: [must-have-owner] …`.
        let constraint = message
            .split_once("denied the request: [")
            .and_then(|(_, r)| r.split(']').next())
            .filter(|c| !c.is_empty() && !c.contains(' '));
        return Some(match constraint {
            Some(c) => format!("{webhook} [{c}]"),
            None => webhook.to_string(),
        });
    }
    if let Some(rest) = message
        .split_once("violates PodSecurity \"")
        .map(|(_, r)| r)
    {
        return Some(format!(
            "PodSecurity {}",
            rest.split('"').next().unwrap_or("")
        ));
    }
    if let Some(rest) = message
        .split_once("ValidatingAdmissionPolicy '")
        .map(|(_, r)| r)
    {
        return Some(format!(
            "ValidatingAdmissionPolicy {}",
            rest.split('\'').next().unwrap_or("")
        ));
    }
    None
}

fn outcome(event: &AuditEvent, code: i64) -> Outcome {
    let message = event
        .response
        .as_ref()
        .and_then(|r| text(&r.message))
        .unwrap_or("");
    let decision = event.annotations.as_ref().and_then(|a| text(&a.decision));
    if code == 401 {
        return Outcome::Unauthorized("401 Unauthorized");
    }
    if decision == Some("forbid") {
        return Outcome::Unauthorized("403 Forbidden (RBAC)");
    }
    // Only a refused request was denied: a ValidatingAdmissionPolicy in Audit mode annotates
    // requests it lets through.
    if code >= 400
        && let Some(policy) = admission_policy(message, event.annotations.as_ref())
    {
        return Outcome::Denied(policy);
    }
    if code >= 500 && message.contains("failed calling webhook") {
        return Outcome::WebhookFailed;
    }
    // RBAC's words when the decision annotation is absent (older API servers).
    if code == 403 && message.contains("User \"") && message.contains(" cannot ") {
        return Outcome::Unauthorized("403 Forbidden (RBAC)");
    }
    Outcome::Other
}

/// When the request was received; older logs say only `timestamp`, or only the metadata's.
fn time_of(event: &AuditEvent) -> Option<Timestamp> {
    let created = event.metadata.as_ref().and_then(|m| text(&m.created));
    [
        text(&event.received),
        text(&event.timestamp),
        created,
        text(&event.stage_time),
    ]
    .into_iter()
    .flatten()
    .find_map(Timestamp::parse_rfc3339)
}

/// The `container=` of an exec or attach request's URI.
fn container_of(uri: &str) -> &str {
    uri.split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .find_map(|p| p.strip_prefix("container="))
        .unwrap_or("")
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let log = EventLog::new(
        FORMAT.id,
        Tool {
            name: "Kubernetes API server".into(),
            version: None,
        },
        Asset {
            kind: AssetKind::Cluster,
            ..Asset::file(input.name)
        },
        SourceKind::KubernetesAudit,
    );
    let mut c = EventCollector::new(log);
    let mut bad = json::BadRecords::default();
    let mut pending = 0;
    let mut webhook_failed = 0;
    let mut read = |line: usize, event: AuditEvent| {
        let at = time_of(&event);
        c.record(at);
        let Some(code) = event.response.as_ref().and_then(|r| r.code) else {
            // RequestReceived: the outcome is in a later stage of the same request.
            pending += 1;
            return;
        };
        let Some(at) = at else {
            c.warn("audit event skipped: it has no time", line);
            return;
        };
        let none = ObjectRef::default();
        let object = event.object.as_ref().unwrap_or(&none);
        let resource = text(&object.resource).unwrap_or("");
        let subresource = text(&object.subresource);
        let namespace = text(&object.namespace).unwrap_or("");
        let name = text(&object.name).unwrap_or("");
        let verb = text(&event.verb).unwrap_or("");
        let uri = text(&event.uri).unwrap_or("");
        // The effective identity: the impersonated user when there is one.
        let actor = event
            .impersonated
            .as_ref()
            .and_then(|u| text(&u.username))
            .or_else(|| event.user.as_ref().and_then(|u| text(&u.username)))
            .unwrap_or("");
        let target = match (namespace, name) {
            ("", "") => resource.to_string(),
            ("", name) => format!("{resource}/{name}"),
            (ns, name) => format!("{resource}/{ns}/{name}")
                .trim_end_matches('/')
                .to_string(),
        };
        let key = match text(&event.audit_id) {
            Some(id) => Fingerprint::of(&["k8s-audit", id]),
            None => Fingerprint::of(&["k8s-audit", &at.to_string(), verb, uri, actor]),
        };
        let workload_write = matches!(verb, "create" | "update" | "patch")
            && WORKLOADS.contains(&resource)
            && subresource.is_none()
            && !uri.contains("dryRun=");
        let exec = resource == "pods" && matches!(subresource, Some("exec" | "attach"));
        let success = (200..300).contains(&code);
        let controller = is_controller(actor);
        let message = event
            .response
            .as_ref()
            .and_then(|r| text(&r.message))
            .unwrap_or("");
        let mut key = key;
        let (kind, rule) = match outcome(&event, code) {
            Outcome::Unauthorized(why) => (EventKind::Unauthorized, why.to_string()),
            Outcome::Denied(policy) if workload_write && controller => {
                // One a day per namespace, workload and policy, however often it retries.
                let owner = owner_of(message, name);
                key = Fingerprint::of(&["k8s-audit pods", namespace, &owner, &policy, &at.day()]);
                (EventKind::ControllerDenied, policy)
            }
            Outcome::Denied(policy) if workload_write => (EventKind::WorkloadDenied, policy),
            Outcome::WebhookFailed if workload_write => {
                webhook_failed += 1;
                return;
            }
            // A controller's writes follow from a workload someone wrote: that one counts.
            _ if workload_write && success && !controller => {
                (EventKind::WorkloadAdmitted, String::new())
            }
            _ if exec && (code == 101 || success) => (
                EventKind::ExecSession,
                format!("{verb} {}", subresource.unwrap_or("")),
            ),
            _ => return,
        };
        let detail = match kind {
            EventKind::ExecSession => container_of(uri),
            _ => message,
        };
        c.add(NewEvent {
            at,
            kind,
            actor,
            target: &target,
            scope: namespace,
            rule: &rule,
            detail,
            priority: Severity::Info,
            category: None,
            tags: &[],
            key,
        });
    };
    // The skim that recognised the file, again: an `EventList` is one document, not lines.
    let list = crate::core::sniff::sniff(input.text.as_bytes())
        .record()
        .and_then(|r| r.get("kind"))
        .and_then(Node::as_str)
        == Some("EventList");
    let array = input.text.trim_start().starts_with('[');
    if list || array {
        // One document, read an event at a time: a 500 MB `EventList` is never a list in memory.
        let key = list.then_some("items");
        let mut read_any = false;
        let done = json::each_element(input.text, key, |event: AuditEvent| {
            read_any = true;
            read(0, event);
        });
        match done {
            Ok(()) => {}
            // Broken after some events: those load, and the break is a warning saying where.
            Err(error) if read_any => {
                let why = match &error.kind {
                    ErrorKind::Truncated => "the file ends early".to_string(),
                    ErrorKind::Syntax { detail } => format!("invalid JSON: {detail}"),
                    ErrorKind::Shape { detail } => format!("unexpected content: {detail}"),
                    other => format!("{other:?}"),
                };
                c.warn_at(
                    format!("{why}; the events before it are loaded, none after"),
                    error.location,
                );
            }
            Err(error) => return Err(error),
        }
    } else {
        json::each_record(input.text, &mut bad, read);
    }
    if c.log.records == 0
        && let Some((_, error)) = bad.first.first()
    {
        return Err(error.clone());
    }
    let mut warnings = bad.warnings("line");
    warnings.extend(c.take_warnings());
    let mut notes = Vec::new();
    if pending > 0 {
        notes.push(format!(
            "{pending} RequestReceived stages without an outcome (their request is counted at its response)"
        ));
    }
    if webhook_failed > 0 {
        notes.push(format!(
            "{webhook_failed} workload requests refused because an admission webhook could not \
             be called (not a policy decision)"
        ));
    }
    if bad.text_lines > 0 {
        notes.push(format!(
            "{} lines that are not JSON skipped",
            bad.text_lines
        ));
    }
    c.log.note = (!notes.is_empty()).then(|| notes.join(", "));
    Ok(Parsed {
        evidence: Evidence::Events(c.log),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_policies_are_named_from_their_messages() {
        let cases = [
            (
                r#"admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}"#,
                Some("validation.gatekeeper.sh [must-have-owner]"),
            ),
            (
                r#"admission webhook "validate.kyverno.svc-fail" denied the request: policy Deployment/default/nginx for resource violation"#,
                Some("validate.kyverno.svc-fail"),
            ),
            (
                r#"pods "web" is forbidden: violates PodSecurity "restricted:latest": privileged (container "web" must not set securityContext.privileged=true)"#,
                Some("PodSecurity restricted:latest"),
            ),
            (
                r#"deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: failed expression"#,
                Some("ValidatingAdmissionPolicy replica-limit"),
            ),
            (
                r#"pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default""#,
                None,
            ),
        ];
        for (message, policy) in cases {
            assert_eq!(
                admission_policy(message, None).as_deref(),
                policy,
                "{message}"
            );
        }
    }

    #[test]
    fn a_controllers_refused_pods_belong_to_their_workload() {
        let message =
            r#"pods "web-7d9f8c6b5-x2k9q" is forbidden: violates PodSecurity "restricted:latest""#;
        assert_eq!(owner_of(message, ""), "web");
        assert_eq!(owner_of("", "payments-api-5c4b9d7f8-abcde"), "payments-api");
        assert_eq!(owner_of("", "ledger-0"), "ledger-0");
        assert_eq!(owner_of("", "backup-28871234-q2x7z"), "backup");
        assert!(is_controller(
            "system:serviceaccount:kube-system:replicaset-controller"
        ));
        assert!(!is_controller("system:serviceaccount:ci:deployer"));
    }

    #[test]
    fn exec_requests_name_their_container() {
        assert_eq!(
            container_of(
                "/api/v1/namespaces/default/pods/x/exec?command=bash&container=nginx1&stdin=true"
            ),
            "nginx1"
        );
        assert_eq!(container_of("/api/v1/namespaces/default/pods/x/exec"), "");
    }
}
