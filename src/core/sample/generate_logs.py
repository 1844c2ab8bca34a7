#!/usr/bin/env python3
"""Writes the sample set's logs and incident export (deterministic; run from this folder).

Made-up events shaped exactly as the tools write them: a Kubernetes audit log (audit.k8s.io/v1,
one Event per line), Falco `json_output` alerts, a CloudTrail log file, and a Jira issue CSV of
security incidents. They span 2026-10-12 to 2026-11-18 like the sample scans, with fewer
unauthorized attempts and incidents in November than in October, so comparisons have a story.
"""
import csv, io, json, random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261118)
START = datetime(2026, 10, 12, 8, 30, tzinfo=timezone.utc)
DAYS = 37


def ts(t, micros=True):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micros else "%Y-%m-%dT%H:%M:%SZ")


def at(day, hour, minute=0):
    return START.replace(hour=0, minute=0) + timedelta(days=day, hours=hour, minutes=minute)


# --- Kubernetes audit log -------------------------------------------------------------------
audit = []
n = 0


def event(t, verb, uri, user, obj, code, message=None, decision="allow", stage="ResponseComplete"):
    global n
    n += 1
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
         "auditID": f"6c1f{n:04x}-3b7a-4d2e-9f10-5a8c2e7b{n:04x}", "stage": stage,
         "requestURI": uri, "verb": verb,
         "user": {"username": user, "groups": ["system:authenticated"]},
         "sourceIPs": ["10.20.4.%d" % (10 + n % 200)], "userAgent": "kubectl/v1.31.2 (linux/amd64)",
         "objectRef": obj, "responseStatus": {"metadata": {}, "code": code},
         "requestReceivedTimestamp": ts(t), "stageTimestamp": ts(t + timedelta(milliseconds=42)),
         "annotations": {"authorization.k8s.io/decision": decision,
                         "authorization.k8s.io/reason": "" if decision == "forbid" else "RBAC: allowed by ClusterRoleBinding \"ci-deployers\""}}
    if message:
        e["responseStatus"].update({"status": "Failure", "message": message, "reason": "Forbidden"})
    audit.append((t, json.dumps(e, separators=(",", ":"))))


apps = ["payments-api", "payments-worker", "ledger", "web-frontend"]
for day in range(DAYS):
    for k in range(rng.randint(2, 4)):
        app = rng.choice(apps)
        t = at(day, rng.randint(7, 19), rng.randint(0, 59))
        verb = rng.choice(["patch", "patch", "update", "create"])
        uri = f"/apis/apps/v1/namespaces/payments/deployments/{app}" if verb != "create" else "/apis/apps/v1/namespaces/payments/deployments"
        event(t, verb, uri, "system:serviceaccount:ci:deployer",
              {"resource": "deployments", "namespace": "payments", "name": app, "apiGroup": "apps", "apiVersion": "v1"},
              201 if verb == "create" else 200)
    # Reads: counted as records, kept by nothing.
    for k in range(1):
        t = at(day, rng.randint(0, 23), rng.randint(0, 59))
        event(t, "list", "/api/v1/namespaces/payments/pods", "system:serviceaccount:monitoring:prometheus",
              {"resource": "pods", "namespace": "payments", "apiVersion": "v1"}, 200)

denials = [
    (2, "alice@acme.example", "payments-api", 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}'),
    (5, "alice@acme.example", "payments-api", 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}'),
    (9, "system:serviceaccount:ci:deployer", "ledger", 'admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Deployment/payments/ledger was blocked due to the following policies\n\nrequire-requests-limits:\n  validate-resources: validation error: CPU and memory resource requests and limits are required'),
    (14, "bob@acme.example", "debug-shell", 'pods "debug-shell" is forbidden: violates PodSecurity "restricted:latest": privileged (container "debug" must not set securityContext.privileged=true)'),
    (19, "system:serviceaccount:ci:deployer", "payments-worker", 'admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container <worker> has an invalid image repo <docker.io/library/busybox>'),
    (23, "system:serviceaccount:ci:deployer", "ledger", 'admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Deployment/payments/ledger was blocked due to the following policies\n\nrequire-requests-limits:\n  validate-resources: validation error: CPU and memory resource requests and limits are required'),
    (30, "alice@acme.example", "web-frontend", 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}'),
    (35, "system:serviceaccount:ci:deployer", "payments-worker", 'admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container <worker> has an invalid image repo <docker.io/library/busybox>'),
]
for day, user, name, message in denials:
    pod = name == "debug-shell"
    obj = ({"resource": "pods", "namespace": "payments", "name": name, "apiVersion": "v1"} if pod else
           {"resource": "deployments", "namespace": "payments", "name": name, "apiGroup": "apps", "apiVersion": "v1"})
    uri = "/api/v1/namespaces/payments/pods" if pod else "/apis/apps/v1/namespaces/payments/deployments"
    event(at(day, 11, 20), "create", uri, user, obj, 403, message)

# RBAC refusals: nine in October, four in November.
for day, user, res, name in [(1, "dev-intern", "secrets", "db-password"), (3, "dev-intern", "secrets", "db-password"),
                             (4, "system:serviceaccount:payments:default", "secrets", "stripe-key"),
                             (8, "contractor-ext", "pods", None), (10, "contractor-ext", "pods", None),
                             (11, "system:serviceaccount:payments:default", "secrets", "stripe-key"),
                             (13, "dev-intern", "clusterroles", None), (15, "contractor-ext", "nodes", None),
                             (17, "dev-intern", "secrets", "db-password"),
                             (22, "contractor-ext", "pods", None), (26, "dev-intern", "secrets", "db-password"),
                             (31, "system:serviceaccount:payments:default", "secrets", "stripe-key"),
                             (34, "contractor-ext", "nodes", None)]:
    ns = None if res in ("clusterroles", "nodes") else "payments"
    obj = {k: v for k, v in {"resource": res, "namespace": ns, "name": name, "apiVersion": "v1"}.items() if v}
    verb = "get" if name else "list"
    where = f' in the namespace "{ns}"' if ns else " at the cluster scope"
    message = f'{res}{" " + chr(34) + name + chr(34) if name else ""} is forbidden: User "{user}" cannot {verb} resource "{res}" in API group ""{where}'
    event(at(day, 15, 5), verb, f"/api/v1/{'namespaces/' + ns + '/' if ns else ''}{res}{'/' + name if name else ''}", user, obj, 403, message, decision="forbid")

for day, user, pod, container in [(6, "oncall-sre", "payments-api-7d9f-x2k", "api"), (18, "oncall-sre", "ledger-0", "ledger"),
                                  (27, "bob@acme.example", "payments-api-7d9f-q8z", "api"), (33, "oncall-sre", "payments-worker-5c-9hk", "worker")]:
    uri = f"/api/v1/namespaces/payments/pods/{pod}/exec?command=sh&container={container}&stdin=true&stdout=true&tty=true"
    obj = {"resource": "pods", "namespace": "payments", "name": pod, "subresource": "exec", "apiVersion": "v1"}
    event(at(day, 21, 40), "create", uri, user, obj, 101, stage="ResponseStarted")
    n -= 1  # the same request's ResponseComplete has the same auditID
    event(at(day, 21, 40), "create", uri, user, obj, 101)

audit.sort(key=lambda x: x[0])
open("payments-cluster-audit-2026-11-18.jsonl", "w").write("\n".join(line for _, line in audit) + "\n")

# --- Falco -----------------------------------------------------------------------------------
falco = []
def alert(t, priority, rule, output, tags, fields):
    falco.append((t, json.dumps({"hostname": "ip-10-20-4-17", "output": t.strftime("%H:%M:%S.%f000: ") + priority + " " + output,
                                 "output_fields": fields, "priority": priority, "rule": rule, "source": "syscall",
                                 "tags": tags, "time": t.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")}, separators=(",", ":"))))

def fields(pod, container, cmd, user="root"):
    return {"container.id": "%012x" % rng.getrandbits(48), "container.image.repository": f"ghcr.io/acme/{container}",
            "container.name": container, "evt.time": 0, "k8s.ns.name": "payments", "k8s.pod.name": pod,
            "proc.cmdline": cmd, "user.name": user}

alert(at(6, 21, 41), "Notice", "Terminal shell in container", "A shell was spawned in a container with an attached terminal (user=root k8s.ns=payments k8s.pod=payments-api-7d9f-x2k container=api shell=sh)", ["container", "shell", "mitre_execution", "T1059"], fields("payments-api-7d9f-x2k", "api", "sh"))
alert(at(7, 3, 12), "Critical", "Terminal shell in container", "A shell was spawned in a container with an attached terminal (user=root k8s.ns=payments k8s.pod=payments-worker-5c-2mm container=worker shell=bash)", ["container", "shell", "mitre_execution", "T1059"], fields("payments-worker-5c-2mm", "worker", "bash -i"))
alert(at(7, 3, 15), "Warning", "Read sensitive file untrusted", "Sensitive file opened for reading by non-trusted program (file=/etc/shadow program=cat)", ["filesystem", "mitre_credential_access", "T1555"], fields("payments-worker-5c-2mm", "worker", "cat /etc/shadow"))
alert(at(7, 3, 19), "Error", "Detect release_agent File Container Escapes", "Detect an attempt to exploit a container escape using release_agent file (file=/sys/fs/cgroup/rdma/release_agent)", ["container", "mitre_privilege_escalation", "T1611"], fields("payments-worker-5c-2mm", "worker", "sh -c echo $host_path/cmd > release_agent"))
for day in [2, 4, 9, 12, 16, 21, 25, 28, 32, 36]:
    alert(at(day, 2, 30), "Notice", "Contact K8S API Server From Container", "Unexpected connection to K8s API Server from container (connection=10.20.4.17:43122->10.96.0.1:443)", ["network", "k8s", "container", "mitre_discovery", "T1565"], fields("ledger-0", "ledger", "python3 sync.py", "app"))
for day in [10, 24, 29]:
    alert(at(day, 14, 5), "Warning", "Drop and execute new binary in container", "Executing binary not part of base image (proc_exepath=/tmp/xmrig)", ["container", "process", "mitre_persistence", "TA0003"], fields("web-frontend-6b-qq1", "web", "/tmp/xmrig -o pool"))
alert(at(29, 14, 9), "Error", "Outbound Connection to C2 Servers", "Outbound connection to C2 server (connection=10.20.4.17:51002->203.0.113.50:4444)", ["network", "mitre_command_and_control", "TA0011"], fields("web-frontend-6b-qq1", "web", "/tmp/xmrig -o pool"))
alert(at(33, 21, 41), "Notice", "Terminal shell in container", "A shell was spawned in a container with an attached terminal (user=root k8s.ns=payments k8s.pod=payments-worker-5c-9hk container=worker shell=sh)", ["container", "shell", "mitre_execution", "T1059"], fields("payments-worker-5c-9hk", "worker", "sh"))
falco.sort(key=lambda x: x[0])
open("payments-falco-2026-11-18.jsonl", "w").write("\n".join(line for _, line in falco) + "\n")

# --- CloudTrail ------------------------------------------------------------------------------
records = []
def rec(t, name, source, identity, error=None, message=None, request=None, response=None, event_type="AwsApiCall"):
    r = {"eventVersion": "1.09", "userIdentity": identity, "eventTime": ts(t, micros=False), "eventSource": source,
         "eventName": name, "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.%d" % rng.randint(2, 250),
         "userAgent": "aws-cli/2.17.5 Python/3.11.9", "requestParameters": request, "responseElements": response,
         "requestID": "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)),
         "eventID": "%08x-%04x-4%03x-9%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)),
         "readOnly": name.startswith(("Get", "List", "Describe")), "eventType": event_type, "managementEvent": True,
         "recipientAccountId": "111122223333", "eventCategory": "Management"}
    if error:
        r["errorCode"] = error
        r["errorMessage"] = message
    records.append(r)

def user(name):
    return {"type": "IAMUser", "principalId": "AIDA" + name.upper()[:8].ljust(8, "X") + "EXAMPLE", "arn": f"arn:aws:iam::111122223333:user/{name}",
            "accountId": "111122223333", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": name}

ci = {"type": "AssumedRole", "principalId": "AROAEXAMPLEID:gha-run", "arn": "arn:aws:sts::111122223333:assumed-role/github-actions/gha-run",
      "accountId": "111122223333", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEID",
      "arn": "arn:aws:iam::111122223333:role/github-actions", "accountId": "111122223333", "userName": "github-actions"}}}
for day in range(0, DAYS, 3):
    rec(at(day, 9, 0), "DescribeInstances", "ec2.amazonaws.com", user("ops-bot"))
    rec(at(day, 9, 5), "AssumeRole", "sts.amazonaws.com", ci, request={"roleArn": "arn:aws:iam::111122223333:role/deploy", "roleSessionName": "deploy"})
for k in range(58):
    rec(at(20, 10, k), "AssumeRole", "sts.amazonaws.com", ci, request={"roleArn": "arn:aws:iam::111122223333:role/deploy", "roleSessionName": f"retry-{k}"})
for day, name, action, source in [(1, "contractor-ext", "GetObject", "s3.amazonaws.com"), (4, "contractor-ext", "ListBuckets", "s3.amazonaws.com"),
                                  (9, "dev-intern", "CreateAccessKey", "iam.amazonaws.com"), (13, "contractor-ext", "GetSecretValue", "secretsmanager.amazonaws.com"),
                                  (27, "dev-intern", "RunInstances", "ec2.amazonaws.com")]:
    code = "Client.UnauthorizedOperation" if action == "RunInstances" else ("AccessDenied" if source != "secretsmanager.amazonaws.com" else "AccessDeniedException")
    rec(at(day, 16, 12), action, source, user(name), code, f"User: arn:aws:iam::111122223333:user/{name} is not authorized to perform: {source.split('.')[0]}:{action}")
for day, outcome, name in [(3, "Failure", "alice"), (3, "Failure", "alice"), (3, "Success", "alice"), (24, "Failure", "HIDDEN_DUE_TO_SECURITY_REASONS"), (30, "Success", "bob")]:
    ident = user(name)
    if name.startswith("HIDDEN"):
        ident = {"type": "IAMUser", "principalId": "", "accountId": "111122223333", "accessKeyId": "", "userName": name}
    rec(at(day, 8, 44), "ConsoleLogin", "signin.amazonaws.com", ident, None if outcome == "Success" else None,
        "Failed authentication" if outcome == "Failure" else None, None, {"ConsoleLogin": outcome}, event_type="AwsConsoleSignIn")
rec(at(16, 23, 2), "CreateUser", "iam.amazonaws.com", {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333", "accessKeyId": ""},
    request={"userName": "break-glass"})
records.sort(key=lambda r: r["eventTime"])
for r in records:
    if r.get("errorMessage") is None:
        r.pop("errorMessage", None)
open("aws-cloudtrail-2026-11-18.json", "w").write(json.dumps({"Records": records}, separators=(",", ":")))

# --- Jira incidents --------------------------------------------------------------------------
def jira(t):
    return t.strftime("%d/%b/%y %-I:%M %p")

rows = []
incidents = [
    # day, priority, summary, start offset h, detect h, contain h (or None), resolve h, resolution, status
    (0, "High", "Credential stuffing against the customer login", -20, 20, 6, 30, "Done"),
    (3, "Medium", "Console login failures for alice from a new country", -2, 2, 3, 26, "False Positive"),
    (7, "Highest", "Interactive shell and container escape attempt in payments-worker", -0.2, 0.2, 1.5, 12, "Done"),
    (8, "Medium", "Phishing mail reported by finance", -5, 5, 2, 48, "Done"),
    (11, "Low", "Port scan from partner range", -1, 1, 4, 20, "False Positive"),
    (13, "High", "Secrets Manager read attempts by contractor", -26, 26, 8, 72, "Done"),
    (15, "Medium", "Malware on developer laptop", -10, 10, 3, 40, "Done"),
    (17, "Low", "Expired TLS certificate on staging", -3, 3, 20, 30, "Done"),
    (24, "Medium", "Failed console logins with unknown user names", -1, 1, 2, 10, "Done"),
    (29, "Highest", "Cryptominer in web-frontend", -0.5, 0.5, 2, 30, "Done"),
    (33, "Medium", "Unexpected exec into payments-worker", -0.3, 0.3, None, None, ""),
    (35, "Low", "Stale admin session token", -30, 30, 12, 20, "Done"),
]
header = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Priority", "Resolution",
          "Assignee", "Reporter", "Created", "Updated", "Resolved", "Labels", "Labels", "Description",
          "Custom field (Incident start)", "Custom field (Contained)", "Custom field (Time to first response)", "Status Category"]
for i, (day, priority, summary, start, detect, contain, resolve, resolution) in enumerate(incidents):
    created = at(day, 9, 0) + timedelta(minutes=17 * i)
    started = created + timedelta(hours=start)
    contained = created + timedelta(hours=contain) if contain else None
    resolved = created + timedelta(hours=resolve) if resolve else None
    done = resolved is not None
    rows.append([summary, f"SEC-{212 + i}", str(10412 + i), "Incident", "Done" if done else "In Progress", "SEC", "Security Incidents",
                 priority, resolution, "sre-oncall", "soc-analyst", jira(created), jira(resolved or created + timedelta(hours=1)),
                 jira(resolved) if resolved else "", "security", "incident" if i % 2 else "",
                 f"Raised by the SOC.\nSee runbook \"IR-{i + 1}\".", jira(started), jira(contained) if contained else "",
                 "0:30" if i % 3 else "-1:15", "Done" if done else "In Progress"])
out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(header)
w.writerows(rows)
open("security-incidents-jira-2026-11-18.csv", "w", newline="").write(out.getvalue())
print(len(audit), "audit lines,", len(falco), "alerts,", len(records), "CloudTrail records,", len(rows), "incidents")
