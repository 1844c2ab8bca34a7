//! Event logs: things that happened. Logs add up and never supersede one another; a missing
//! event is not "fixed"; the same event in two files (by its key) counts once.

use super::{Asset, Severity, Text, Tool};
use crate::core::model::SourceKind;
use crate::core::time::Timestamp;

/// What an event says happened. Parsers keep only events of these kinds: a 500 MB audit log is
/// mostly reads, which no metric needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// Refused by authentication or authorization: HTTP 401, a 403 from RBAC, CloudTrail
    /// `AccessDenied` and its kin. Admission denials are not this: they are policy blocks.
    Unauthorized,
    /// A workload create/update/patch refused by an admission policy.
    WorkloadDenied,
    /// A workload create/update/patch that admission let through.
    WorkloadAdmitted,
    /// A controller's pod creation refused by an admission policy (Pod Security refusing a
    /// ReplicaSet's pods): a workload whose pods cannot start. Its retries count once a day.
    ControllerDenied,
    /// An interactive session into a running container: `kubectl exec`/`attach`, `ctr` exec.
    ExecSession,
    /// A runtime sensor's alert (Falco).
    RuntimeAlert,
    /// A failed console sign-in.
    FailedLogin,
    /// An `AssumeRole*` call that succeeded.
    RoleAssumption,
    /// Anything done as the cloud account's root user.
    RootUse,
    /// A container task that started, exited or was deleted (containerd).
    ContainerTask,
    /// A process started in a running container (containerd's exec): a person's shell or, far
    /// more often, the kubelet's exec probes.
    ProcessExec,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::Unauthorized,
        EventKind::WorkloadDenied,
        EventKind::WorkloadAdmitted,
        EventKind::ControllerDenied,
        EventKind::ExecSession,
        EventKind::RuntimeAlert,
        EventKind::FailedLogin,
        EventKind::RoleAssumption,
        EventKind::RootUse,
        EventKind::ContainerTask,
        EventKind::ProcessExec,
    ];

    /// Its id, as the events table writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Unauthorized => "unauthorized",
            EventKind::WorkloadDenied => "workload_denied",
            EventKind::WorkloadAdmitted => "workload_admitted",
            EventKind::ControllerDenied => "controller_denied",
            EventKind::ExecSession => "exec_session",
            EventKind::RuntimeAlert => "runtime_alert",
            EventKind::FailedLogin => "failed_login",
            EventKind::RoleAssumption => "role_assumption",
            EventKind::RootUse => "root_use",
            EventKind::ContainerTask => "container_task",
            EventKind::ProcessExec => "process_exec",
        }
    }

    /// "3 unauthorized attempts".
    pub fn noun(self, n: usize) -> String {
        let (one, many) = match self {
            EventKind::Unauthorized => ("unauthorized attempt", "unauthorized attempts"),
            EventKind::WorkloadDenied => ("admission denial", "admission denials"),
            EventKind::WorkloadAdmitted => ("workload write admitted", "workload writes admitted"),
            EventKind::ControllerDenied => (
                "controller pod creation refused",
                "controller pod creations refused",
            ),
            EventKind::ExecSession => ("exec session", "exec sessions"),
            EventKind::RuntimeAlert => ("runtime alert", "runtime alerts"),
            EventKind::FailedLogin => ("failed console login", "failed console logins"),
            EventKind::RoleAssumption => ("role assumption", "role assumptions"),
            EventKind::RootUse => ("root account call", "root account calls"),
            EventKind::ContainerTask => ("container task change", "container task changes"),
            EventKind::ProcessExec => ("process exec", "process execs"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// What a runtime alert is about, from its tags and rule name (mapping in README.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ThreatCategory {
    ContainerEscape,
    PrivilegeEscalation,
    ShellInContainer,
    SensitiveFileAccess,
    AbnormalSyscall,
    Other,
}

impl ThreatCategory {
    pub const ALL: [ThreatCategory; 6] = [
        ThreatCategory::ContainerEscape,
        ThreatCategory::PrivilegeEscalation,
        ThreatCategory::ShellInContainer,
        ThreatCategory::SensitiveFileAccess,
        ThreatCategory::AbnormalSyscall,
        ThreatCategory::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ThreatCategory::ContainerEscape => "container escape",
            ThreatCategory::PrivilegeEscalation => "privilege escalation",
            ThreatCategory::ShellInContainer => "shell in container",
            ThreatCategory::SensitiveFileAccess => "sensitive file access",
            ThreatCategory::AbnormalSyscall => "abnormal syscalls",
            ThreatCategory::Other => "other",
        }
    }
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: Timestamp,
    pub kind: EventKind,
    /// Who: a user, a service account, an IAM principal.
    pub actor: Text,
    /// What it acted on: `pods/default/web-1`, `s3:GetObject`, a container.
    pub target: Text,
    /// Where: a namespace, a region, a host; empty when the source says nothing.
    pub scope: Text,
    /// Why it is an event: the alert rule, the admission policy, the error code.
    pub rule: Text,
    /// More about it: the container of an exec session, the role assumed, the error message.
    pub detail: Text,
    /// Runtime alerts: the sensor's priority mapped onto severities; `Info` for other kinds.
    pub priority: Severity,
    pub category: Option<ThreatCategory>,
    pub tags: Vec<Text>,
    /// The same event read twice (two overlapping exports, two stages of one request) has
    /// the same key and counts once.
    pub key: u64,
}

/// One log file's events.
#[derive(Clone, Debug, PartialEq)]
pub struct EventLog {
    pub format: &'static str,
    pub tool: Tool,
    /// The cluster, account or host the log is from; the file name when it does not say.
    pub source: Asset,
    pub kind: SourceKind,
    /// Events kept, in file order, one per key.
    pub events: Vec<Event>,
    /// Records read, kept or not.
    pub records: u64,
    /// The first and last time of any record read, kept or not: what the log covers.
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// What else the file says about its records, for the Sources view.
    pub note: Option<String>,
}

impl EventLog {
    pub fn new(format: &'static str, tool: Tool, source: Asset, kind: SourceKind) -> EventLog {
        EventLog {
            format,
            tool,
            source,
            kind,
            events: Vec::new(),
            records: 0,
            first: None,
            last: None,
            note: None,
        }
    }

    /// Widens the covered span to a record's time.
    pub fn saw(&mut self, at: Timestamp) {
        self.first = Some(self.first.map_or(at, |t| t.min(at)));
        self.last = Some(self.last.map_or(at, |t| t.max(at)));
    }

    pub fn count(&self, kind: EventKind) -> usize {
        self.events.iter().filter(|e| e.kind == kind).count()
    }
}
