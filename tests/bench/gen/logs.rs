//! Kubernetes audit log lines and CloudTrail log files, deterministic: the same bytes on every
//! machine (`cargo bench --bench logs`, `--bench many`).

#![allow(dead_code)]

use std::fmt::Write as _;

use crate::common::pick;
use crate::rng::Rng;

/// A UUID-shaped id.
pub fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next(), rng.next());
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        0x4000 | (a & 0x0fff),
        0x8000 | (b >> 50),
        b & 0xffff_ffff_ffff
    )
}

/// An RFC 3339 time with microseconds, `micros` after 2026-11-09T00:00:00Z (within November).
pub fn k8s_time(micros: u64) -> String {
    let seconds = micros / 1_000_000;
    let day = 9 + seconds / 86_400;
    let s = seconds % 86_400;
    format!(
        "2026-11-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3_600,
        s % 3_600 / 60,
        s % 60,
        micros % 1_000_000
    )
}

const NAMESPACES: &[&str] = &[
    "shop",
    "payments",
    "search",
    "monitoring",
    "ingress-nginx",
    "kube-system",
    "cert-manager",
    "data",
];
const APPS: &[&str] = &[
    "web", "api", "worker", "cart", "checkout", "indexer", "redis", "postgres", "exporter",
];
const READ_RESOURCES: &[(&str, &str)] = &[
    ("pods", ""),
    ("configmaps", ""),
    ("secrets", ""),
    ("endpoints", ""),
    ("services", ""),
    ("nodes", ""),
    ("leases", "coordination.k8s.io"),
    ("deployments", "apps"),
    ("replicasets", "apps"),
    ("endpointslices", "discovery.k8s.io"),
    ("events", "events.k8s.io"),
];
const READERS: &[&str] = &[
    "system:kube-controller-manager",
    "system:kube-scheduler",
    "system:node:ip-10-0-1-17.eu-west-1.compute.internal",
    "system:node:ip-10-0-2-41.eu-west-1.compute.internal",
    "system:serviceaccount:kube-system:coredns",
    "system:serviceaccount:monitoring:prometheus",
    "system:serviceaccount:ingress-nginx:ingress-nginx",
    "system:serviceaccount:cert-manager:cert-manager",
    "system:apiserver",
];
const WRITERS: &[&str] = &[
    "alice@example.com",
    "bob@example.com",
    "system:serviceaccount:argocd:argocd-application-controller",
    "system:serviceaccount:kube-system:deployment-controller",
    "system:serviceaccount:kube-system:replicaset-controller",
    "system:serviceaccount:ci:deployer",
];
const WORKLOADS: &[(&str, &str)] = &[
    ("deployments", "apps"),
    ("replicasets", "apps"),
    ("statefulsets", "apps"),
    ("daemonsets", "apps"),
    ("jobs", "batch"),
    ("cronjobs", "batch"),
    ("pods", ""),
];
const AGENTS: &[&str] = &[
    "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:deployment-controller",
    "kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46",
    "kubectl/v1.31.0 (darwin/arm64) kubernetes/9edcffc",
    "argocd-application-controller/v2.12.4",
    "Prometheus/2.54.1",
    "kube-scheduler/v1.31.2 (linux/amd64) kubernetes/5864a46/leader-election",
];

/// A Deployment manifest as a RequestResponse-level event carries it (`requestObject`).
pub fn workload_object(rng: &mut Rng, resource: &str, ns: &str, app: &str) -> String {
    let kind = match resource {
        "deployments" => "Deployment",
        "replicasets" => "ReplicaSet",
        "statefulsets" => "StatefulSet",
        "daemonsets" => "DaemonSet",
        "jobs" => "Job",
        "cronjobs" => "CronJob",
        _ => "Pod",
    };
    let mut env = String::new();
    for e in 0..4 + rng.below(16) {
        if e > 0 {
            env.push(',');
        }
        let _ = write!(
            env,
            r#"{{"name":"{}_SETTING_{e}","value":"{:x}"}}"#,
            app.to_uppercase(),
            rng.next()
        );
    }
    format!(
        r#"{{"kind":"{kind}","apiVersion":"apps/v1","metadata":{{"name":"{app}","namespace":"{ns}","labels":{{"app.kubernetes.io/name":"{app}","app.kubernetes.io/part-of":"{ns}","owner":"team-{ns}"}},"annotations":{{"kubectl.kubernetes.io/last-applied-configuration":"{{\"apiVersion\":\"apps/v1\",\"kind\":\"{kind}\",\"metadata\":{{\"name\":\"{app}\"}}}}\n"}}}},"spec":{{"replicas":{},"selector":{{"matchLabels":{{"app.kubernetes.io/name":"{app}"}}}},"template":{{"metadata":{{"labels":{{"app.kubernetes.io/name":"{app}"}}}},"spec":{{"serviceAccountName":"{app}","securityContext":{{"runAsNonRoot":true,"seccompProfile":{{"type":"RuntimeDefault"}}}},"containers":[{{"name":"{app}","image":"registry.example.com/{ns}/{app}:2026.11.{}","ports":[{{"containerPort":8080,"protocol":"TCP"}}],"env":[{env}],"resources":{{"requests":{{"cpu":"250m","memory":"256Mi"}},"limits":{{"memory":"512Mi"}}}},"livenessProbe":{{"httpGet":{{"path":"/healthz","port":8080}},"periodSeconds":10}},"securityContext":{{"allowPrivilegeEscalation":false,"capabilities":{{"drop":["ALL"]}},"readOnlyRootFilesystem":true}}}}]}}}},"strategy":{{"type":"RollingUpdate","rollingUpdate":{{"maxUnavailable":"25%","maxSurge":"25%"}}}}}}}}"#,
        1 + rng.below(6),
        rng.below(30),
    )
}

/// One audit `Event` line. `extra` goes after `responseStatus` (the objects).
#[allow(clippy::too_many_arguments)]
pub fn audit_line(
    out: &mut String,
    level: &str,
    id: &str,
    stage: &str,
    uri: &str,
    verb: &str,
    user: &str,
    agent: &str,
    object: &str,
    received: &str,
    staged: &str,
    status: Option<&str>,
    annotations: &str,
    extra: &str,
) {
    let groups = if user.starts_with("system:serviceaccount:") {
        r#"["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]"#
    } else if user.starts_with("system:node:") {
        r#"["system:nodes","system:authenticated"]"#
    } else if user.starts_with("system:") {
        r#"["system:authenticated"]"#
    } else {
        r#"["system:authenticated","oidc:platform-team"]"#
    };
    let _ = write!(
        out,
        r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"{level}","auditID":"{id}","stage":"{stage}","requestURI":"{uri}","verb":"{verb}","user":{{"username":"{user}","groups":{groups}}},"sourceIPs":["10.0.{}.{}"],"userAgent":"{agent}","objectRef":{object},"#,
        id.len() % 4,
        10 + id.len(),
    );
    if let Some(status) = status {
        let _ = write!(out, r#""responseStatus":{status},"#);
    }
    out.push_str(extra);
    let _ = writeln!(
        out,
        r#""requestReceivedTimestamp":"{received}","stageTimestamp":"{staged}","annotations":{annotations}}}"#
    );
}

/// Writes audit log lines until `target` bytes.
pub fn generate_audit(target: usize, out: &mut impl std::io::Write) {
    generate_audit_seeded(target, 0xa0d1_7109, out);
}

/// An audit log of `target` bytes whose events come from `seed`.
pub fn generate_audit_seeded(target: usize, seed: u64, out: &mut impl std::io::Write) {
    let mut rng = Rng(seed);
    let mut written = 0;
    let mut line = String::with_capacity(16 << 10);
    // Two weeks of requests, one every ~2.8 ms on average would be a busy cluster; these are
    // spread evenly over 14 days whatever their count.
    let span_us: u64 = 14 * 86_400 * 1_000_000;
    let expected_requests = (target / 2_000) as u64;
    let step = span_us / expected_requests.max(1);
    let mut clock: u64 = 0;
    while written < target {
        line.clear();
        clock += step / 2 + rng.next() % step;
        let received = k8s_time(clock.min(span_us - 1));
        let staged = k8s_time((clock + 1_000 + rng.next() % 60_000).min(span_us - 1));
        let id = uuid(&mut rng);
        let ns = pick(&mut rng, NAMESPACES);
        let app = pick(&mut rng, APPS);
        let allow = r#"{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"system:controller:generic\" of ClusterRole \"system:controller:generic\" to ServiceAccount \"generic/kube-system\""}"#;
        let roll = rng.below(1_000);
        if roll < 820 {
            // Reads: get, list, watch by controllers, nodes and operators.
            let (resource, group) = READ_RESOURCES[rng.below(READ_RESOURCES.len())];
            let verb = pick(&mut rng, &["get", "get", "list", "watch"]);
            let user = pick(&mut rng, READERS);
            let agent = pick(&mut rng, AGENTS);
            let prefix = if group.is_empty() {
                "/api/v1".to_string()
            } else {
                format!("/apis/{group}/v1")
            };
            let (uri, object) = if verb == "get" {
                (
                    format!(
                        "{prefix}/namespaces/{ns}/{resource}/{app}-{:x}",
                        rng.next() % 0xf_ffff
                    ),
                    format!(
                        r#"{{"resource":"{resource}","namespace":"{ns}","name":"{app}","apiGroup":"{group}","apiVersion":"v1"}}"#
                    ),
                )
            } else {
                (
                    format!(
                        "{prefix}/namespaces/{ns}/{resource}?{}resourceVersion={}&timeout=7m31s&timeoutSeconds=451",
                        if verb == "watch" {
                            "allowWatchBookmarks=true&"
                        } else {
                            "limit=500&"
                        },
                        rng.next() % 100_000_000
                    ),
                    format!(
                        r#"{{"resource":"{resource}","namespace":"{ns}","apiGroup":"{group}","apiVersion":"v1"}}"#
                    ),
                )
            };
            for stage in ["RequestReceived", "ResponseComplete"] {
                let status =
                    (stage == "ResponseComplete").then_some(r#"{"metadata":{},"code":200}"#);
                audit_line(
                    &mut line, "Metadata", &id, stage, &uri, verb, user, agent, &object, &received,
                    &staged, status, allow, "",
                );
            }
        } else if roll < 900 {
            // Leader-election lease renewals: writes, but not workloads.
            let user = pick(&mut rng, READERS);
            let uri = format!(
                "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{}",
                user.rsplit(':').next().unwrap_or("lease")
            );
            let object = r#"{"resource":"leases","namespace":"kube-system","name":"kube-controller-manager","apiGroup":"coordination.k8s.io","apiVersion":"v1"}"#;
            for stage in ["RequestReceived", "ResponseComplete"] {
                let status =
                    (stage == "ResponseComplete").then_some(r#"{"metadata":{},"code":200}"#);
                audit_line(
                    &mut line, "Metadata", &id, stage, &uri, "update", user, AGENTS[5], object,
                    &received, &staged, status, allow, "",
                );
            }
        } else if roll < 985 {
            // Workload writes reaching admission: mostly admitted, a few denied by a policy.
            let (resource, group) = WORKLOADS[rng.below(WORKLOADS.len())];
            let verb = pick(&mut rng, &["create", "patch", "patch", "update"]);
            let user = pick(&mut rng, WRITERS);
            let agent = pick(&mut rng, AGENTS);
            let prefix = if group.is_empty() {
                "/api/v1".to_string()
            } else {
                format!("/apis/{group}/v1")
            };
            let uri = if verb == "create" {
                format!(
                    "{prefix}/namespaces/{ns}/{resource}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"
                )
            } else {
                format!("{prefix}/namespaces/{ns}/{resource}/{app}?fieldManager=argocd-controller")
            };
            let object = format!(
                r#"{{"resource":"{resource}","namespace":"{ns}","name":"{app}","apiGroup":"{group}","apiVersion":"v1"}}"#
            );
            let denial = rng.below(100);
            let status = if denial < 12 {
                let message = match denial % 3 {
                    0 => format!(
                        r#"admission webhook \"validation.gatekeeper.sh\" denied the request: [{}] you must provide labels: {{\"owner\"}}"#,
                        pick(
                            &mut rng,
                            &["must-have-owner", "allowed-repos", "container-limits"]
                        )
                    ),
                    1 => format!(
                        r#"admission webhook \"validate.kyverno.svc-fail\" denied the request: \n\npolicy {resource}/{ns}/{app} for resource violation: \n\n{}:\n  autogen-check: validation error: the rule failed. rule autogen-check failed at path /spec/template/spec/containers/0/"#,
                        pick(
                            &mut rng,
                            &[
                                "disallow-latest-tag",
                                "require-requests-limits",
                                "restrict-image-registries"
                            ]
                        )
                    ),
                    _ => format!(
                        r#"pods \"{app}\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"{app}\" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container \"{app}\" must set securityContext.runAsNonRoot=true)"#
                    ),
                };
                format!(
                    r#"{{"metadata":{{}},"status":"Failure","message":"{message}","reason":"Forbidden","details":{{"name":"{app}","kind":"{resource}"}},"code":403}}"#
                )
            } else if verb == "create" {
                r#"{"metadata":{},"code":201}"#.to_string()
            } else {
                r#"{"metadata":{},"code":200}"#.to_string()
            };
            // A few at RequestResponse level, carrying the object (and the answer when admitted).
            let (level, extra) = if rng.below(10) < 3 {
                let body = workload_object(&mut rng, resource, ns, app);
                let response = if denial < 12 {
                    String::new()
                } else {
                    format!(r#""responseObject":{body},"#)
                };
                (
                    "RequestResponse",
                    format!(r#""requestObject":{body},{response}"#),
                )
            } else {
                ("Metadata", String::new())
            };
            for stage in ["RequestReceived", "ResponseComplete"] {
                let (status, extra) = if stage == "ResponseComplete" {
                    (Some(status.as_str()), extra.as_str())
                } else {
                    (None, "")
                };
                audit_line(
                    &mut line, level, &id, stage, &uri, verb, user, agent, &object, &received,
                    &staged, status, allow, extra,
                );
            }
        } else if roll < 995 {
            // Refused by RBAC (403 forbid) or unauthenticated (401).
            let user = pick(
                &mut rng,
                &[
                    "system:serviceaccount:shop:default",
                    "system:serviceaccount:data:etl",
                    "mallory@example.com",
                    "system:anonymous",
                ],
            );
            let resource = pick(&mut rng, &["secrets", "clusterroles", "nodes", "pods"]);
            let uri = format!("/api/v1/namespaces/{ns}/{resource}");
            let object =
                format!(r#"{{"resource":"{resource}","namespace":"{ns}","apiVersion":"v1"}}"#);
            let (status, annotations) = if roll < 993 {
                (
                    format!(
                        r#"{{"metadata":{{}},"status":"Failure","message":"{resource} is forbidden: User \"{user}\" cannot list resource \"{resource}\" in API group \"\" in the namespace \"{ns}\"","reason":"Forbidden","details":{{"kind":"{resource}"}},"code":403}}"#
                    ),
                    r#"{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}"#,
                )
            } else {
                (
                    r#"{"metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#.to_string(),
                    "{}",
                )
            };
            audit_line(
                &mut line,
                "Metadata",
                &id,
                "ResponseComplete",
                &uri,
                "list",
                user,
                AGENTS[2],
                &object,
                &received,
                &staged,
                Some(&status),
                annotations,
                "",
            );
        } else {
            // Exec sessions into pods.
            let container = pick(&mut rng, APPS);
            let uri = format!(
                "/api/v1/namespaces/{ns}/pods/{app}-7d9f{:x}/exec?command=%2Fbin%2Fsh&container={container}&stdin=true&stdout=true&tty=true",
                rng.next() % 0xffff
            );
            let object = format!(
                r#"{{"resource":"pods","namespace":"{ns}","name":"{app}","apiVersion":"v1","subresource":"exec"}}"#
            );
            let user = pick(&mut rng, &["alice@example.com", "bob@example.com"]);
            for stage in ["RequestReceived", "ResponseStarted", "ResponseComplete"] {
                let status =
                    (stage != "RequestReceived").then_some(r#"{"metadata":{},"code":101}"#);
                audit_line(
                    &mut line, "Metadata", &id, stage, &uri, "create", user, AGENTS[2], &object,
                    &received, &staged, status, allow, "",
                );
            }
        }
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
    }
}

const REGIONS: &[&str] = &["eu-west-1", "eu-central-1", "us-east-1"];
const ROLES: &[&str] = &[
    "arn:aws:iam::111122223333:role/eks-node-group",
    "arn:aws:iam::111122223333:role/ci-deployer",
    "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
    "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
    "arn:aws:iam::111122223333:role/datadog-integration",
];
const READ_CALLS: &[(&str, &str)] = &[
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("ec2.amazonaws.com", "DescribeSecurityGroups"),
    ("ec2.amazonaws.com", "DescribeVolumes"),
    ("s3.amazonaws.com", "GetBucketAcl"),
    ("s3.amazonaws.com", "ListBuckets"),
    ("iam.amazonaws.com", "GetRole"),
    ("iam.amazonaws.com", "ListAttachedRolePolicies"),
    ("kms.amazonaws.com", "Decrypt"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("eks.amazonaws.com", "DescribeCluster"),
    ("logs.amazonaws.com", "DescribeLogGroups"),
];

/// A CloudTrail log file as delivered to S3: its name and its JSON (minified, like the real ones).
pub fn generate_cloudtrail_file(rng: &mut Rng, index: usize) -> (String, String) {
    let region = REGIONS[index % REGIONS.len()];
    // 1,000 files, five minutes apart: about 3.5 days from 2026-11-16.
    let start_s = index as u64 * 300;
    let stamp = |s: u64| {
        let day = 16 + s / 86_400;
        let t = s % 86_400;
        (day, t / 3_600, t % 3_600 / 60, t % 60)
    };
    let (d, h, m, _) = stamp(start_s);
    let name = format!(
        "111122223333_CloudTrail_{region}_202611{d:02}T{h:02}{m:02}Z_{:016X}.json.gz",
        rng.next()
    );
    let count = 100 + rng.below(201);
    let mut out = String::with_capacity(count * 1_600 + 16);
    out.push_str(r#"{"Records":["#);
    for r in 0..count {
        if r > 0 {
            out.push(',');
        }
        let (d, h, m, s) = stamp(start_s + rng.next() % 300);
        let time = format!("2026-11-{d:02}T{h:02}:{m:02}:{s:02}Z");
        let event_id = uuid(rng);
        let request_id = uuid(rng);
        let role = pick(rng, ROLES);
        let role_name = role.rsplit('/').next().unwrap_or("role");
        let session = format!("{:x}", rng.next() % 0xffff_ffff);
        let assumed = format!(
            r#"{{"type":"AssumedRole","principalId":"AROAEXAMPLE{:08X}:{session}","arn":"arn:aws:sts::111122223333:assumed-role/{role_name}/{session}","accountId":"111122223333","accessKeyId":"ASIA{:016X}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAEXAMPLE{:08X}","arn":"{role}","accountId":"111122223333","userName":"{role_name}"}},"attributes":{{"creationDate":"{time}","mfaAuthenticated":"false"}}}}}}"#,
            rng.next() % 0xffff_ffff,
            rng.next(),
            rng.next() % 0xffff_ffff,
        );
        let tls = r#""tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}"#;
        let roll = rng.below(1_000);
        let (identity, source, event, agent, error, request, response, read_only) = if roll < 830 {
            let (source, event) = READ_CALLS[rng.below(READ_CALLS.len())];
            let request = match event {
                "DescribeInstances" => format!(
                    r#"{{"instancesSet":{{"items":[{{"instanceId":"i-{:017x}"}}]}},"filterSet":{{}}}}"#,
                    rng.next() >> 4
                ),
                "Decrypt" => r#"{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:ebs:id":"vol-0a1b2c3d4e5f67890"}}"#.to_string(),
                "GetBucketAcl" => format!(r#"{{"bucketName":"logs-{:x}","Host":"s3.{region}.amazonaws.com","acl":""}}"#, rng.next() % 999),
                _ => "null".to_string(),
            };
            (
                assumed,
                source,
                event,
                "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0",
                String::new(),
                request,
                "null".to_string(),
                "true",
            )
        } else if roll < 930 {
            // Role assumptions by services and CI.
            let target_role = pick(rng, ROLES);
            let request = format!(
                r#"{{"roleArn":"{target_role}","roleSessionName":"{session}","durationSeconds":3600}}"#
            );
            let response = format!(
                r#"{{"credentials":{{"accessKeyId":"ASIA{:016X}","sessionToken":"IQoJb3JpZ2luX2VjE{:x}{:x}{:x}","expiration":"Nov 16, 2026, 11:00:00 AM"}},"assumedRoleUser":{{"assumedRoleId":"AROAEXAMPLE:{session}","arn":"arn:aws:sts::111122223333:assumed-role/{role_name}/{session}"}}}}"#,
                rng.next(),
                rng.next(),
                rng.next(),
                rng.next()
            );
            let identity = if rng.below(2) == 0 {
                r#"{"type":"AWSService","invokedBy":"eks.amazonaws.com"}"#.to_string()
            } else {
                assumed
            };
            (
                identity,
                "sts.amazonaws.com",
                "AssumeRole",
                "aws-sdk-java/2.25.60 Linux/6.1 OpenJDK_64-Bit_Server_VM/17.0.11",
                String::new(),
                request,
                response,
                "true",
            )
        } else if roll < 970 {
            // Write calls, some refused.
            let (source, event) = pick_write(rng);
            let error = if rng.below(3) == 0 {
                r#""errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::111122223333:assumed-role/ci-deployer/build is not authorized to perform: iam:PutRolePolicy on resource: role admin because no identity-based policy allows the iam:PutRolePolicy action","#.to_string()
            } else {
                String::new()
            };
            let request = format!(
                r#"{{"roleName":"{role_name}","policyName":"inline-{:x}"}}"#,
                rng.next() % 999
            );
            (
                assumed,
                source,
                event,
                "Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1",
                error,
                request,
                "null".to_string(),
                "false",
            )
        } else if roll < 985 {
            // Unauthorized EC2 calls.
            (assumed, "ec2.amazonaws.com", "RunInstances", "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1", r#""errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/datadog-integration/x is not authorized to perform: ec2:RunInstances","#.to_string(), r#"{"instanceType":"p4d.24xlarge","minCount":1,"maxCount":1}"#.to_string(), "null".to_string(), "false")
        } else if roll < 997 {
            // Console logins, some failed.
            let failed = rng.below(3) == 0;
            let identity = if failed {
                r#"{"type":"IAMUser","principalId":"111122223333","accountId":"111122223333","accessKeyId":"","userName":"HIDDEN_DUE_TO_SECURITY_REASONS"}"#.to_string()
            } else {
                r#"{"type":"IAMUser","principalId":"AIDAEXAMPLEALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}"#.to_string()
            };
            let (error, response) = if failed {
                (
                    r#""errorMessage":"Failed authentication","#.to_string(),
                    r#"{"ConsoleLogin":"Failure"}"#,
                )
            } else {
                (String::new(), r#"{"ConsoleLogin":"Success"}"#)
            };
            (
                identity,
                "signin.amazonaws.com",
                "ConsoleLogin",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
                error,
                "null".to_string(),
                response.to_string(),
                "false",
            )
        } else {
            // The root account, rarely.
            (r#"{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""}"#.to_string(), "iam.amazonaws.com", "ListAccessKeys", "aws-internal/3 aws-sdk-java/1.12.720", String::new(), "null".to_string(), "null".to_string(), "true")
        };
        let _ = write!(
            out,
            r#"{{"eventVersion":"1.10","userIdentity":{identity},"eventTime":"{time}","eventSource":"{source}","eventName":"{event}","awsRegion":"{region}","sourceIPAddress":"{}.{}.{}.{}","userAgent":"{agent}",{error}"requestParameters":{request},"responseElements":{response},"requestID":"{request_id}","eventID":"{event_id}","readOnly":{read_only},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",{tls}}}"#,
            10 + rng.below(200),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254),
        );
    }
    out.push_str("]}");
    (name, out)
}

pub fn pick_write(rng: &mut Rng) -> (&'static str, &'static str) {
    const WRITES: &[(&str, &str)] = &[
        ("iam.amazonaws.com", "PutRolePolicy"),
        ("s3.amazonaws.com", "PutBucketPolicy"),
        ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
        ("ec2.amazonaws.com", "CreateTags"),
        ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
    ];
    WRITES[rng.below(WRITES.len())]
}

/// A gzip file (RFC 1952) of `data`: header, deflate stream, CRC-32 and size.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    // ID1 ID2, deflate, no flags, no mtime, default compression (XFL 0), Unix.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// CRC-32 (IEEE), as gzip stores it.
pub fn crc32(data: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}
