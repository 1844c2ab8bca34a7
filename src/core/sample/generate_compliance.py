#!/usr/bin/env python3
"""Writes the sample set's compliance audits, container events and metrics CSV (deterministic;
run from this folder). Made-up results shaped exactly as the tools write them: kube-bench --json,
Kyverno PolicyReports as `kubectl get polr -A -o yaml` prints them (two weekly audits of one
cluster, fewer failures the second week), Gatekeeper constraints (`kubectl get constraints -o
json`), AWS Config's compliance summary, Security Hub findings (CIS AWS Foundations) and
`ctr -n k8s.io events` lines.
"""
import json, random
from datetime import datetime, timezone

rng = random.Random(20261118)
T = lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())

# --- kube-bench ------------------------------------------------------------------------------
def result(n, desc, status, scored=True):
    return {"test_number": n, "test_desc": desc, "audit": "", "AuditEnv": "", "AuditConfig": "", "type": "",
            "remediation": "See the CIS Kubernetes Benchmark.", "test_info": [], "status": status,
            "actual_value": "", "scored": scored, "IsMultiple": False, "expected_result": ""}
sections = [
    ("master", "1", "Control Plane Security Configuration", [
        ("1.1", "Control Plane Node Configuration Files", [("1.1.1", "Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)", "PASS"),
                                                           ("1.1.2", "Ensure that the API server pod specification file ownership is set to root:root (Automated)", "PASS"),
                                                           ("1.1.12", "Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)", "FAIL")]),
        ("1.2", "API Server", [("1.2.1", "Ensure that the --anonymous-auth argument is set to false (Manual)", "WARN"),
                               ("1.2.5", "Ensure that the --kubelet-certificate-authority argument is set as appropriate (Automated)", "FAIL"),
                               ("1.2.7", "Ensure that the --authorization-mode argument includes Node (Automated)", "PASS"),
                               ("1.2.8", "Ensure that the --authorization-mode argument includes RBAC (Automated)", "PASS"),
                               ("1.2.16", "Ensure that the --audit-log-path argument is set (Automated)", "PASS"),
                               ("1.2.17", "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate (Automated)", "FAIL")]),
    ]),
    ("node", "4", "Worker Node Security Configuration", [
        ("4.1", "Worker Node Configuration Files", [("4.1.1", "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)", "PASS"),
                                                    ("4.1.5", "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)", "PASS")]),
        ("4.2", "Kubelet", [("4.2.1", "Ensure that the --anonymous-auth argument is set to false (Automated)", "PASS"),
                            ("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)", "PASS"),
                            ("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true (Automated)", "FAIL"),
                            ("4.2.9", "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)", "WARN"),
                            ("4.2.13", "Ensure that a limit is set on pod PIDs (Manual)", "PASS")]),
    ]),
]
controls = []
totals = {"total_pass": 0, "total_fail": 0, "total_warn": 0, "total_info": 0}
for node, cid, text, secs in sections:
    tests = []
    counts = {"PASS": 0, "FAIL": 0, "WARN": 0, "INFO": 0}
    for sid, desc, checks in secs:
        res = [result(n, d, s, "(Automated)" in d) for n, d, s in checks]
        c = {k: sum(r["status"] == k for r in res) for k in counts}
        for k in counts: counts[k] += c[k]
        tests.append({"section": sid, "type": "", "pass": c["PASS"], "fail": c["FAIL"], "warn": c["WARN"], "info": c["INFO"], "desc": desc, "results": res})
    controls.append({"id": cid, "version": "cis-1.8", "detected_version": "1.8", "text": text, "node_type": node, "tests": tests,
                     "total_pass": counts["PASS"], "total_fail": counts["FAIL"], "total_warn": counts["WARN"], "total_info": counts["INFO"]})
    for k in counts: totals["total_" + k.lower()] += counts[k]
open("payments-cluster-kube-bench-2026-11-18.json", "w").write(json.dumps({"Controls": controls, "Totals": totals}, indent=1))

# --- Kyverno: two weekly audits --------------------------------------------------------------
def report(name, ns, kind, res, at):
    results = []
    for policy, rule, outcome, severity, message in res:
        r = {"message": message, "policy": policy, "result": outcome, "rule": rule, "scored": True,
             "source": "kyverno", "timestamp": {"nanos": 0, "seconds": T(at)}}
        if severity:
            r["severity"] = severity
            r["category"] = "Pod Security Standards (Restricted)"
        results.append(r)
    summary = {k: sum(x["result"] == k for x in results) for k in ("error", "fail", "pass", "skip", "warn")}
    return {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
            "metadata": {"name": name, "namespace": ns, "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
            "results": results, "scope": {"apiVersion": "apps/v1", "kind": kind, "name": name.split("-", 1)[1], "namespace": ns},
            "summary": summary}
def week(at, failing):
    reps = []
    for app in ["payments-api", "payments-worker", "ledger", "web-frontend"]:
        res = [("require-requests-limits", "validate-resources", "pass", "medium", "validation rule 'validate-resources' passed."),
               ("disallow-latest-tag", "validate-image-tag", "pass", "medium", "validation rule 'validate-image-tag' passed."),
               ("require-run-as-nonroot", "run-as-non-root", "pass", "medium", "validation rule 'run-as-non-root' passed."),
               ("disallow-privilege-escalation", "privilege-escalation", "pass", "medium", "validation rule 'privilege-escalation' passed.")]
        for i, (policy, rule, message) in enumerate(failing.get(app, [])):
            res = [r for r in res if r[0] != policy] + [(policy, rule, "fail", "high" if i == 0 else "medium", message)]
        reps.append(report("deploy-" + app, "payments", "Deployment", res, at))
    return reps
fails = {
    "payments-worker": [("require-run-as-nonroot", "run-as-non-root", "validation error: Running as root is not allowed. rule run-as-non-root failed at path /spec/template/spec/containers/0/securityContext/runAsNonRoot/"),
                        ("disallow-privilege-escalation", "privilege-escalation", "validation error: Privilege escalation is disallowed. rule privilege-escalation failed at path /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation/")],
    "ledger": [("require-requests-limits", "validate-resources", "validation error: CPU and memory resource requests and limits are required. rule validate-resources failed at path /spec/template/spec/containers/0/resources/limits/")],
    "web-frontend": [("disallow-latest-tag", "validate-image-tag", "validation error: Using a mutable image tag e.g. 'latest' is not allowed. rule validate-image-tag failed at path /spec/template/spec/containers/0/image/"),
                     ("require-run-as-nonroot", "run-as-non-root", "validation error: Running as root is not allowed. rule run-as-non-root failed at path /spec/template/spec/containers/0/securityContext/runAsNonRoot/")],
}
def yaml_of(value, indent=0):
    pad = "  " * indent
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n{yaml_of(v, indent + 1)}")
            else:
                out.append(f"{pad}{k}: {scalar(v)}")
        return "\n".join(out)
    out = []
    for v in value:
        if isinstance(v, dict):
            inner = yaml_of(v, indent + 1).splitlines()
            first = inner[0].strip()
            out.append(f"{pad}- {first}")
            out.extend(inner[1:])
        else:
            out.append(f"{pad}- {scalar(v)}")
    return "\n".join(out)
def scalar(v):
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, (int, float)): return str(v)
    if isinstance(v, (dict, list)): return "{}" if isinstance(v, dict) else "[]"
    # Plain, as kubectl prints it, unless YAML would read it as something else.
    import re
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ._/()'-]*", v) and v not in ("true", "false", "null", "yes", "no")
    return v if plain and not v.endswith(" ") else json.dumps(v)
for day, failing in [("2026-11-11", fails), ("2026-11-18", {k: v[:1] for k, v in fails.items() if k != "ledger"})]:
    doc = {"apiVersion": "v1", "items": week(f"{day}T06:00:00Z", failing), "kind": "List", "metadata": {"resourceVersion": ""}}
    open(f"payments-cluster-kyverno-{day}.yaml", "w").write(yaml_of(doc) + "\n")

# --- Gatekeeper ------------------------------------------------------------------------------
def constraint(kind, name, action, severity, violations, total):
    return {"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": kind,
            "metadata": {"name": name, "labels": {"severity": severity}},
            "spec": {"enforcementAction": action, "match": {"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}], "namespaces": ["payments"]}},
            "status": {"auditTimestamp": "2026-11-18T06:10:00Z", "byPod": [], "totalViolations": total,
                       "violations": [{"enforcementAction": action, "group": "apps", "kind": "Deployment", "message": m, "name": n, "namespace": "payments", "version": "v1"} for n, m in violations]}}
gk = {"apiVersion": "v1", "kind": "List", "items": [
    constraint("K8sRequiredLabels", "must-have-owner", "deny", "error", [("web-frontend", 'you must provide labels: {"owner"}')], 1),
    constraint("K8sAllowedRepos", "allowed-repos", "dryrun", "warning", [("payments-worker", "container <worker> has an invalid image repo <docker.io/library/busybox>, allowed repos are [\"ghcr.io/acme/\"]"),
                                                                        ("ledger", "container <ledger> has an invalid image repo <quay.io/acme/ledger>, allowed repos are [\"ghcr.io/acme/\"]")], 2),
], "metadata": {"resourceVersion": ""}}
open("payments-cluster-gatekeeper-2026-11-18.json", "w").write(json.dumps(gk, indent=2))

# --- AWS Config ------------------------------------------------------------------------------
summary = {"ComplianceSummariesByResourceType": [
    {"ResourceType": t, "ComplianceSummary": {"CompliantResourceCount": {"CappedCount": c, "CapExceeded": False},
                                              "NonCompliantResourceCount": {"CappedCount": n, "CapExceeded": False},
                                              "ComplianceSummaryTimestamp": "2026-11-18T05:00:00+00:00"}}
    for t, c, n in [("AWS::EC2::Instance", 18, 1), ("AWS::S3::Bucket", 11, 1), ("AWS::IAM::Role", 24, 0), ("AWS::RDS::DBInstance", 3, 1)]]}
open("aws-config-summary-2026-11-18.json", "w").write(json.dumps(summary, indent=2))

# --- Security Hub ----------------------------------------------------------------------------
controls = [("1.4", "Ensure no root account access key exists", "CRITICAL", "PASSED", "AwsAccount", "AWS::::Account:111122223333"),
            ("1.5", "Ensure MFA is enabled for the root account", "CRITICAL", "PASSED", "AwsAccount", "AWS::::Account:111122223333"),
            ("1.10", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password", "MEDIUM", "FAILED", "AwsIamUser", "arn:aws:iam::111122223333:user/contractor-ext"),
            ("2.1.5", "Ensure that S3 Buckets are configured with 'Block public access'", "HIGH", "FAILED", "AwsS3Bucket", "arn:aws:s3:::acme-payments-exports"),
            ("2.1.1", "Ensure all S3 buckets employ encryption-at-rest", "MEDIUM", "PASSED", "AwsS3Bucket", "arn:aws:s3:::acme-payments-exports"),
            ("3.1", "Ensure CloudTrail is enabled in all regions", "HIGH", "PASSED", "AwsAccount", "AWS::::Account:111122223333"),
            ("3.4", "Ensure CloudTrail trails are integrated with CloudWatch Logs", "LOW", "FAILED", "AwsCloudTrailTrail", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"),
            ("4.1", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports", "HIGH", "PASSED", "AwsEc2SecurityGroup", "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d"),
            ("5.1", "Ensure the default security group of every VPC restricts all traffic", "HIGH", "FAILED", "AwsEc2SecurityGroup", "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-default01")]
findings = []
for cid, title, sev, status, rtype, rid in controls:
    arn = f"arn:aws:securityhub:eu-west-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.4.0/{cid}/finding/{rng.getrandbits(64):016x}"
    findings.append({"SchemaVersion": "2018-10-08", "Id": arn, "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
                     "GeneratorId": f"cis-aws-foundations-benchmark/v/1.4.0/{cid}", "AwsAccountId": "111122223333",
                     "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"],
                     "FirstObservedAt": "2026-10-20T03:11:09.000Z", "LastObservedAt": "2026-11-18T03:12:40.000Z",
                     "CreatedAt": "2026-10-20T03:11:09.000Z", "UpdatedAt": "2026-11-18T03:12:40.000Z",
                     "Severity": {"Label": sev if status == "FAILED" else "INFORMATIONAL", "Original": sev},
                     "Title": f"{cid} {title}",
                     "ProductFields": {"StandardsArn": "arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0", "ControlId": cid},
                     "Resources": [{"Type": rtype, "Id": rid, "Partition": "aws", "Region": "eu-west-1"}],
                     "Compliance": {"Status": status}, "WorkflowState": "NEW", "Workflow": {"Status": "RESOLVED" if status == "PASSED" else "NEW"},
                     "RecordState": "ACTIVE"})
open("aws-securityhub-2026-11-18.json", "w").write(json.dumps({"Findings": findings}, indent=2))

# --- containerd events -----------------------------------------------------------------------
cid = "9c1f0e3b7a2d4c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
lines = [
    ("2026-11-17 02:14:03.118213904 +0000 UTC", "/tasks/start", {"container_id": cid, "pid": 48211}),
    ("2026-11-17 21:40:12.500118 +0000 UTC", "/tasks/exec-added", {"container_id": cid, "exec_id": "f3b2a1"}),
    ("2026-11-17 21:40:12.512004 +0000 UTC", "/tasks/exec-started", {"container_id": cid, "exec_id": "f3b2a1", "pid": 51007}),
    ("2026-11-18 01:02:44.903 +0000 UTC", "/tasks/oom", {"container_id": cid}),
    ("2026-11-18 01:02:45.110412 +0000 UTC", "/tasks/exit", {"container_id": cid, "id": cid, "pid": 48211, "exit_status": 137, "exited_at": {"seconds": T("2026-11-18T01:02:45Z"), "nanos": 110412000}}),
    ("2026-11-18 01:02:45.301 +0000 UTC", "/tasks/delete", {"container_id": cid, "pid": 48211, "exit_status": 137}),
    ("2026-11-18 01:02:47.884 +0000 UTC", "/tasks/start", {"container_id": cid, "pid": 48977}),
]
open("payments-node-ctr-events-2026-11-18.log", "w").write("".join(f"{t} k8s.io {topic} {json.dumps(p, separators=(',', ':'))}\n" for t, topic, p in lines))

# --- metrics CSV -----------------------------------------------------------------------------
rows = ["date,metric,value,source"]
for i, (day, blocked, failed) in enumerate([("2026-10-19", 412, 131), ("2026-10-26", 388, 126), ("2026-11-02", 455, 140), ("2026-11-09", 402, 118), ("2026-11-16", 366, 97)]):
    rows.append(f"{day},phishing emails blocked,{blocked},Microsoft Defender for Office 365")
    rows.append(f"{day},failed sign-ins,{failed},Okta")
rows.append("2026-11-16,patch compliance,96.5 %,Intune")
open("security-metrics-2026-11-18.csv", "w").write("\n".join(rows) + "\n")
print("written")

# --- the cluster's objects, for Gatekeeper -----------------------------------------------------
objects = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}, "status": {"phase": "Active"}}
           for ns in ["default", "kube-system", "payments", "monitoring"]]
objects += [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": "payments"},
             "spec": {"replicas": 2}, "status": {"readyReplicas": 2}}
            for app in ["payments-api", "payments-worker", "ledger", "web-frontend"]]
open("payments-cluster-inventory-2026-11-18.json", "w").write(json.dumps({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}}, indent=2))
