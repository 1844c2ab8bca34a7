// End to end, in Debian's Chromium, against the built app (`dist/`) served at a sub-path.
// Everything goes through the SPEC §9 hooks. Expected numbers are counted here, in plain
// JavaScript, straight from the files — never read back from Posture's own code.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { launch, PosturePage } from "./page.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const real = resolve(repo, "../shared/fixtures/real");
const realTrivy = join(real, "trivy");
const own = join(repo, "tests/fixtures/trivy");
const sampleDir = join(repo, "src/core/sample");
const artifacts = join(here, "artifacts");

const KPI_IDS = [
  "mttd", "mttr", "vuln_sla_compliance", "vuln_mttr", "resolved_vulns_pct", "critical_open",
  "critical_high_reduction", "compliance_score", "iac_policy_pass_rate", "cloud_misconfig_rate",
  "deployment_block_rate", "sast_sca_pass_rate", "secrets_exposed", "unauthorized_api_attempts",
  "runtime_threats", "false_positive_rate", "log_coverage", "incident_rate_change", "policy_drift",
];

/** Every object in a JSON document. */
function* objects(value) {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === "object") {
    yield value;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/** Counts straight from Trivy files, independently of Posture. */
async function trueCounts(paths) {
  const c = { criticalVulns: 0, secrets: 0, passed: 0, failed: 0, bySeverity: {} };
  for (const path of paths) {
    const doc = JSON.parse(await readFile(path, "utf8"));
    for (const o of objects(doc)) {
      const open = o.Status !== "not_affected";
      if ("VulnerabilityID" in o && open) {
        if (o.Severity === "CRITICAL") c.criticalVulns += 1;
        c.bySeverity[o.Severity] = (c.bySeverity[o.Severity] ?? 0) + 1;
      }
      if ("RuleID" in o && "Match" in o) {
        c.secrets += 1;
        c.bySeverity[o.Severity] = (c.bySeverity[o.Severity] ?? 0) + 1;
      }
      if ("CauseMetadata" in o && o.Status === "FAIL") c.bySeverity[o.Severity] = (c.bySeverity[o.Severity] ?? 0) + 1;
      if ("Successes" in o) {
        c.passed += o.Successes;
        c.failed += o.Failures;
      }
    }
  }
  return c;
}

let server;
let browser;

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await serve(dist);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("Posture in Chromium", () => {
  test("the app loads within its budget: first render ≤ 250 KB, everything ≤ 1 MB gzipped (SPEC §10)", async () => {
    const files = (await readdir(dist)).filter((n) => n.endsWith(".wasm") || n.endsWith(".js"));
    assert.ok(files.some((n) => n.endsWith(".wasm")), `no Wasm in ${dist}`);
    let total = 0;
    let page = 0;
    for (const name of files) {
      const size = gzipSync(await readFile(join(dist, name)), { level: 9 }).length;
      total += size;
      // The worker (and every parser in it) starts after the first render.
      if (!name.startsWith("worker")) page += size;
    }
    assert.ok(page <= 250 * 1024, `the page's Wasm + JS is ${(page / 1024).toFixed(0)} KB gzipped`);
    assert.ok(total <= 1024 * 1024, `Wasm + JS is ${(total / 1024).toFixed(0)} KB gzipped`);
  });

  test("the start page offers a drop zone, pickers, the sample and the privacy line", async () => {
    const p = await PosturePage.open(browser, server.url);
    const inputs = await p.page.$$eval("input[type=file]", (els) => els.map((e) => e.multiple));
    assert.deepEqual(inputs, [true], "one multiple file input");
    assert.ok(await p.page.getByRole("button", { name: "Try with sample data" }).isVisible());
    assert.ok(await p.page.getByRole("button", { name: "a folder" }).isVisible());
    assert.match(await p.page.innerText(".drop-zone"), /Files never leave this computer/);
    for (const id of KPI_IDS) {
      const kpi = await p.kpi(id);
      assert.equal(kpi.status, "no_data", id);
      assert.equal(kpi.value, "", id);
      assert.match(kpi.text, /no data — drop /, id);
    }
    // Posture's incident template, for trackers it does not read.
    const template = await p.download('[data-action="download-incident-template"]');
    assert.equal(template.name, "posture-incidents.csv");
    assert.match(template.text, /^id,title,severity,source,event_time,alert_time,contained_time,resolved_time,false_positive,status\n/);
    await p.page.screenshot({ path: join(artifacts, "start.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });

  test("a drop of 120 files goes to the worker in parts and every file counts once", async () => {
    // 120 image scans, each with one critical vulnerability of its own: posted 50 at a time
    // (three messages), parsed by the pool, shown once all are in.
    const dir = join(artifacts, "many-small");
    await mkdir(dir, { recursive: true });
    const paths = [];
    for (let i = 0; i < 120; i += 1) {
      const report = {
        SchemaVersion: 2,
        CreatedAt: "2026-11-30T06:00:00Z",
        ArtifactName: `registry.example/team/app-${i}:1.0`,
        ArtifactType: "container_image",
        Results: [{ Target: "app", Class: "os-pkgs", Vulnerabilities: [
          { VulnerabilityID: `CVE-2026-${10000 + i}`, PkgName: "openssl", Severity: "CRITICAL" },
        ] }],
      };
      const path = join(dir, `app-${String(i).padStart(3, "0")}.json`);
      await writeFile(path, JSON.stringify(report));
      paths.push(path);
    }
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    assert.equal(Number((await p.kpi("critical_open")).value), 120);
    assert.ok(p.page.workers().length > 1, "the pool's helpers run");
    await p.goto("sources");
    const rows = await p.sources();
    assert.equal(rows.length, 120);
    assert.ok(rows.every((r) => r.format === "trivy" && r.error === null));
    assert.deepEqual(p.errors, []);
  });

  test("real Trivy files give the scorecard their true counts; a bad file gets its own error", async () => {
    const names = (await readdir(realTrivy)).filter((n) => n.endsWith(".json")).sort();
    const paths = names.map((n) => join(realTrivy, n));
    const truth = await trueCounts(paths);
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles([...paths, join(own, "truncated.json"), join(own, "other-json.json"), join(own, "binary.png")]);
    // Several files are read and parsed by the pool: the worker started helpers of its own, and
    // what they could not read (the three bad files) the worker read itself, as below.
    assert.ok(p.page.workers().length > 1, `${p.page.workers().length} workers`);

    const critical = await p.kpi("critical_open");
    assert.equal(Number(critical.value), truth.criticalVulns);
    assert.equal(critical.status, truth.criticalVulns === 0 ? "on_track" : "off_track");
    const secrets = await p.kpi("secrets_exposed");
    assert.equal(Number(secrets.value), truth.secrets);
    assert.equal(secrets.status, truth.secrets === 0 ? "on_track" : "off_track");
    const iac = await p.kpi("iac_policy_pass_rate");
    const rate = (100 * truth.passed) / (truth.passed + truth.failed);
    assert.ok(Math.abs(Number(iac.value) - rate) < 1e-9, `${iac.value} vs ${rate}`);
    assert.equal(iac.status, rate >= 95 ? "on_track" : rate >= 85.5 ? "at_risk" : "off_track");
    for (const id of ["mttd", "mttr", "deployment_block_rate", "vuln_mttr"]) {
      assert.equal((await p.kpi(id)).status, "no_data", id);
    }
    await p.page.screenshot({ path: join(artifacts, "scorecard.png"), fullPage: true });

    await p.goto("sources");
    const rows = await p.sources();
    assert.equal(rows.length, paths.length + 3);
    for (const name of names) {
      const row = rows.find((r) => r.name === name);
      assert.equal(row?.format, "trivy", name);
      assert.equal(row?.error, null, name);
    }
    const truncated = rows.find((r) => r.name === "truncated.json");
    assert.equal(truncated.format, "trivy");
    assert.equal(truncated.error, "the file ends too early; it looks truncated (line 9, column 22, at Results[0].Target)");
    const other = rows.find((r) => r.name === "other-json.json");
    assert.equal(other.format, "");
    assert.match(other.error, /^not recognised: .*supported: Trivy JSON/);
    assert.match(rows.find((r) => r.name === "binary.png").error, /binary file/);
    assert.match(rows.find((r) => r.name === "trivy-image-alpine-3.10-vulns.json").text, /4 vulnerabilities/);
    await p.page.screenshot({ path: join(artifacts, "sources.png"), fullPage: true });

    const { name, json } = await p.exportScorecard();
    assert.match(name, /^posture-scorecard-all-data-\d{4}-\d{2}-\d{2}\.json$/);
    assert.equal(json.schema, "posture.scorecard.v1");
    assert.deepEqual(Object.keys(json), [
      "schema",
      "generated_at",
      "posture_version",
      "period",
      "overall",
      "sources",
      "kpis",
      "metrics",
      "settings",
    ]);
    // The settings it was computed with, as a profile that imports back: the defaults here.
    assert.equal(json.settings.schema, "posture.profile.v1");
    assert.equal(json.settings.sla_days.critical, 7);
    assert.deepEqual(json.kpis.map((k) => k.id), KPI_IDS);
    const exported = Object.fromEntries(json.kpis.map((k) => [k.id, k]));
    assert.equal(exported.critical_open.value, truth.criticalVulns);
    assert.equal(exported.secrets_exposed.value, truth.secrets);
    assert.equal(exported.iac_policy_pass_rate.numerator, truth.passed);
    assert.equal(exported.iac_policy_pass_rate.denominator, truth.passed + truth.failed);
    assert.equal(exported.mttd.value, null);
    assert.equal(exported.mttd.status, "no_data");
    const sev = json.metrics.findings_by_severity;
    for (const [upper, count] of Object.entries(truth.bySeverity)) {
      assert.equal(sev[upper.toLowerCase()], count, upper);
    }
    assert.equal(json.sources.length, paths.length + 3);
    assert.equal(json.sources.find((s) => s.name === "truncated.json").records, 0);
    assert.match(json.sources.find((s) => s.name === "truncated.json").error, /truncated/);

    assert.deepEqual(p.outbound, [], "no request left the origin");
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });

  test("one real file of every format, dropped at once, gives the scorecard their true counts", async () => {
    // One file per format (format id → file in ../shared/fixtures/real/<id>/), on distinct assets.
    const picks = {
      trivy: "trivy-image-alpine-3.10-vulns.json",
      grype: "grype-0.94.0-image-epss.json",
      "osv-scanner": "osv-scanner-yarn-one-vuln.json",
      "npm-audit": "npm-audit-v2-npm7.json",
      sarif: "codeql-2.5.4.sarif",
      semgrep: "semgrep-1.84.1.json",
      bandit: "bandit-one-result.json",
      checkov: "checkov-2.0.209-terraform-dockerfile.json",
      gitleaks: "gitleaks-v8-json-simple.json",
      trufflehog: "trufflehog-v3-git.jsonl",
      "detect-secrets": "detect-secrets-many-findings.json",
      "k8s-audit": "audit2rbac-demo-v1.jsonl",
      falco: "falco-syscall-terminal-shell-docs.jsonl",
    };
    const paths = Object.entries(picks).map(([format, file]) => join(real, format, file));
    const load = async (format) => {
      const text = await readFile(join(real, format, picks[format]), "utf8");
      return format === "trufflehog" ? text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)) : JSON.parse(text);
    };

    // Open criticals, each (advisory, package) once per file.
    const critical = new Set();
    for (const v of (await load("trivy")).Results.flatMap((r) => r.Vulnerabilities ?? [])) {
      if (v.Severity === "CRITICAL" && v.Status !== "not_affected") critical.add(`trivy ${v.VulnerabilityID} ${v.PkgName}`);
    }
    for (const m of (await load("grype")).matches) {
      if (m.vulnerability.severity === "Critical") critical.add(`grype ${m.vulnerability.id} ${m.artifact.name}`);
    }
    for (const [name, v] of Object.entries((await load("npm-audit")).vulnerabilities)) {
      for (const via of v.via) if (typeof via === "object" && via.severity === "critical") critical.add(`npm ${via.source} ${name}`);
    }
    // The OSV record (malware) carries no severity at all: unknown, not critical.
    const osv = JSON.stringify(await load("osv-scanner"));
    assert.ok(!/"severity"|max_severity":"\d/.test(osv), "the OSV pick has no severity");
    // SARIF, Semgrep and Bandit are code findings: they do not count as critical vulnerabilities.
    assert.ok(critical.size > 0, "the picks hold a critical vulnerability");

    // Secrets: every Gitleaks leak, TruffleHog line and detect-secrets entry, each secret once.
    const secrets = new Set();
    for (const l of await load("gitleaks")) secrets.add(`gitleaks ${l.RuleID} ${l.File} ${l.Secret}`);
    for (const l of await load("trufflehog")) {
      const git = l.SourceMetadata.Data.Git;
      secrets.add(`trufflehog ${l.DetectorName} ${git.repository} ${git.file} ${l.Raw}`);
    }
    for (const [file, list] of Object.entries((await load("detect-secrets")).results)) {
      // An audited false positive (`is_secret: false`) is not exposed.
      for (const x of list) if (x.is_secret !== false) secrets.add(`detect-secrets ${x.type} ${file} ${x.hashed_secret}`);
    }

    // IaC: Checkov's passed and failed checks over its reports (a list, one per framework).
    const checkov = [await load("checkov")].flat();
    const passed = checkov.reduce((n, r) => n + r.results.passed_checks.length, 0);
    const failed = checkov.reduce((n, r) => n + r.results.failed_checks.length, 0);

    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    assert.equal(Number((await p.kpi("critical_open")).value), critical.size);
    assert.equal(Number((await p.kpi("secrets_exposed")).value), secrets.size);
    const iac = Number((await p.kpi("iac_policy_pass_rate")).value);
    assert.ok(Math.abs(iac - (100 * passed) / (passed + failed)) < 1e-9, `${iac} vs ${passed}/${passed + failed}`);
    // The gate judges every vulnerability and code scan: Trivy, Grype, OSV, npm, CodeQL SARIF,
    // Semgrep, Bandit.
    const { json } = await p.exportScorecard();
    const gate = json.kpis.find((k) => k.id === "sast_sca_pass_rate");
    assert.equal(gate.denominator, 7);
    // Vulnerability, code, secret and IaC scans, an audit log and runtime alerts are present;
    // container events, CloudTrail and incident records (no real file of theirs here) are not.
    const coverage = json.kpis.find((k) => k.id === "log_coverage");
    assert.deepEqual([coverage.numerator, coverage.denominator], [6, 12]);
    await p.page.screenshot({ path: join(artifacts, "all-formats-scorecard.png"), fullPage: true });

    await p.goto("sources");
    const rows = await p.sources();
    assert.equal(rows.length, paths.length);
    for (const [format, file] of Object.entries(picks)) {
      const row = rows.find((r) => r.name === file);
      assert.equal(row?.format, format, file);
      assert.equal(row?.error, null, file);
    }
    await p.page.screenshot({ path: join(artifacts, "all-formats-sources.png"), fullPage: true });
    await p.goto("metrics");
    const tools = await p.page.innerText("main");
    for (const tool of ["Trivy", "Grype", "OSV-Scanner", "Semgrep", "Bandit", "Checkov", "Gitleaks", "TruffleHog"]) {
      assert.ok(tools.includes(tool), `metrics name ${tool}`);
    }
    await p.page.screenshot({ path: join(artifacts, "all-formats-metrics.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });

  test("one file of each detection and response source, dropped at once, gives the right tiles", async () => {
    const fixtures = join(repo, "tests/fixtures");
    const files = {
      audit: join(fixtures, "k8s-audit/admission-and-access.jsonl"),
      falco: join(fixtures, "falco/alerts-with-startup-lines.jsonl"),
      cloudtrail: join(fixtures, "cloudtrail/records.json"),
      containerd: join(fixtures, "containerd/ctr-events.log"),
      incidents: join(fixtures, "incidents/template.csv"),
    };
    const text = async (k) => readFile(files[k], "utf8");
    // JSON lines that parse; a broken or cut line is skipped (and a warning in Sources).
    const lines = (t) =>
      t.split("\n").flatMap((l) => {
        try {
          return l.trim().startsWith("{") ? [JSON.parse(l)] : [];
        } catch {
          return [];
        }
      });
    const times = [];

    // Kubernetes audit: one request per auditID, at its first stage with a response.
    const WORKLOADS = ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"];
    const seen = new Set();
    let denied = 0;
    let admitted = 0;
    const unauthorized = [];
    const accessTimes = [];
    for (const e of lines(await text("audit"))) {
      const at = Date.parse(e.requestReceivedTimestamp ?? e.timestamp);
      times.push(at);
      accessTimes.push(at);
      if (!e.responseStatus?.code || seen.has(e.auditID)) continue;
      seen.add(e.auditID);
      const code = e.responseStatus.code;
      const message = e.responseStatus.message ?? "";
      const o = e.objectRef ?? {};
      if (code === 401 || e.annotations?.["authorization.k8s.io/decision"] === "forbid") {
        unauthorized.push(at);
        continue;
      }
      const write = ["create", "update", "patch"].includes(e.verb) && WORKLOADS.includes(o.resource) && !o.subresource;
      if (!write || e.requestURI.includes("dryRun=")) continue;
      if (/denied the request|violates PodSecurity/.test(message)) denied += 1;
      else admitted += 1;
    }
    assert.deepEqual([denied, admitted], [3, 3]);

    // Falco: alerts after Falco's own log lines; the same alert twice (by uuid, or by time,
    // rule and output) once; Critical, Alert, Emergency and Error are threats.
    const alerts = new Map();
    for (const a of lines(await text("falco"))) {
      times.push(a.time ? Date.parse(a.time) : Math.floor(a.output_fields["evt.time"] / 1e6));
      alerts.set(a.uuid ?? `${a.time} ${a.rule} ${a.output}`, a);
    }
    const threats = [...alerts.values()].filter((a) => ["Emergency", "Alert", "Critical", "Error"].includes(a.priority));

    // CloudTrail: refused calls by error code.
    for (const r of JSON.parse(await text("cloudtrail")).Records) {
      times.push(Date.parse(r.eventTime));
      accessTimes.push(Date.parse(r.eventTime));
      if (/AccessDenied|UnauthorizedOperation/.test(r.errorCode ?? "")) unauthorized.push(Date.parse(r.eventTime));
    }

    // containerd: Go's `2026-11-18 08:00:00.5 +0000 UTC` before the namespace and topic.
    for (const l of (await text("containerd")).split("\n")) {
      const m = l.match(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d) /);
      if (m) times.push(Date.parse(`${m[1]}T${m[2]}${(m[3] ?? "").slice(0, 4)}${m[4]}:${m[5]}`));
    }

    // Incidents (Posture's template): times without a zone are UTC.
    const [header, ...rows] = (await text("incidents")).trim().split("\n").map((r) => r.split(","));
    const col = (row, name) => row[header.indexOf(name)];
    const time = (v) => (v && /^\d{4}-/.test(v) ? Date.parse(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`) : null);
    const incidents = rows
      .filter((r) => col(r, "id"))
      .map((r) => ({
        event: time(col(r, "event_time")),
        alert: time(col(r, "alert_time")),
        contained: time(col(r, "contained_time")),
        fp: { true: true, yes: true, false: false, no: false }[col(r, "false_positive")] ?? null,
      }));
    for (const r of rows) for (const c of ["event_time", "alert_time", "contained_time", "resolved_time"]) {
      const t = time(col(r, c));
      if (t !== null && !Number.isNaN(t)) times.push(t);
    }
    const real = incidents.filter((i) => i.fp !== true);
    const hours = (pairs) => pairs.filter(([a, b]) => a !== null && b !== null && !Number.isNaN(a)).map(([a, b]) => (b - a) / 3.6e6);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const detect = hours(real.map((i) => [i.event, i.alert]));
    const respond = hours(real.map((i) => [i.alert, i.contained]));
    const reviewed = incidents.filter((i) => i.fp !== null);

    // All data spans the earliest to the latest time in every file; comparisons take its
    // later half against its earlier half.
    const from = Math.min(...times);
    const to = Math.max(...times);
    const weeks = (ms) => Math.max(ms / (7 * 864e5), 1);

    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(Object.values(files));
    const { json } = await p.exportScorecard();
    const kpi = (id) => json.kpis.find((k) => k.id === id);
    const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

    assert.equal(json.period.from, new Date(from).toISOString().replace(".000Z", "Z"));
    assert.equal(json.period.to, new Date(to).toISOString().replace(".000Z", "Z"));
    const block = kpi("deployment_block_rate");
    assert.deepEqual([block.value, block.numerator, block.denominator, block.status], [50, 3, 6, "off_track"]);
    // Unauthorized attempts compare the later half of what the audit log and CloudTrail cover
    // with the earlier half; rates per week of each half, at least a week.
    const accessFrom = Math.min(...accessTimes);
    const accessTo = Math.max(...accessTimes);
    const accessMiddle = accessFrom + Math.floor((accessTo - accessFrom) / 2);
    const later = unauthorized.filter((t) => t >= accessMiddle).length;
    const earlier = unauthorized.filter((t) => t < accessMiddle).length;
    const u = kpi("unauthorized_api_attempts");
    assert.equal(u.numerator, later);
    close(u.denominator, weeks(accessTo - accessMiddle), "weeks in the later half");
    close(u.value, later / weeks(accessTo - accessMiddle), "unauthorized per week");
    close(u.target, earlier / weeks(accessMiddle - 1 - accessFrom), "the earlier half's rate");
    // Here every refusal falls in the later half: against none before, off track.
    assert.deepEqual([earlier, u.status], [0, "off_track"]);
    // Runtime threats per week of what the Falco log covers, at least a week.
    const falcoTimes = [...alerts.values()].map((a) => (a.time ? Date.parse(a.time) : Math.floor(a.output_fields["evt.time"] / 1e6)));
    const r = kpi("runtime_threats");
    assert.equal(r.numerator, threats.length);
    close(r.denominator, weeks(Math.max(...falcoTimes) - Math.min(...falcoTimes)), "weeks of Falco data");
    close(r.value, threats.length / r.denominator, "threats per week");
    const mttd = kpi("mttd");
    close(mttd.value, mean(detect), "MTTD");
    assert.equal(mttd.denominator, detect.length);
    close(kpi("mttr").value, mean(respond), "MTTR");
    const fp = kpi("false_positive_rate");
    assert.deepEqual([fp.numerator, fp.denominator], [reviewed.filter((i) => i.fp).length, reviewed.length]);
    for (const id of ["mttd", "mttr", "false_positive_rate", "deployment_block_rate", "unauthorized_api_attempts", "runtime_threats"]) {
      const tile = await p.kpi(id);
      close(Number(tile.value), kpi(id).value, `${id} tile`);
      assert.equal(tile.status, kpi(id).status, id);
    }
    // A formula, numerator and denominator a reader can check, on the tile.
    await p.page.locator('[data-kpi="deployment_block_rate"] summary').click();
    const blockTile = await p.page.locator('[data-kpi="deployment_block_rate"]').innerText();
    assert.match(blockTile, /3 of 6/);
    assert.match(blockTile, /denied by admission policy/);
    await p.page.screenshot({ path: join(artifacts, "detection-scorecard.png"), fullPage: true });

    await p.goto("sources");
    const sources = await p.sources();
    const formats = Object.fromEntries(sources.map((s) => [s.name, s.format]));
    assert.deepEqual(Object.values(formats).sort(), ["cloudtrail", "containerd-events", "falco", "incidents", "k8s-audit"]);
    assert.ok(sources.every((s) => s.error === null));
    // The broken line and the cut last line of the audit log are warnings; the rest counted.
    const audit = sources.find((s) => s.format === "k8s-audit").text;
    assert.match(audit, /line skipped: invalid JSON.*line 13/);
    assert.match(audit, /line skipped: it is cut off.*line 15/);
    await p.page.screenshot({ path: join(artifacts, "detection-sources.png"), fullPage: true });

    await p.goto("metrics");
    for (const section of ["identity", "admission", "runtime", "incidents"]) {
      assert.ok(await p.page.locator(`[data-section="${section}"]`).isVisible(), section);
    }
    assert.equal(await p.page.locator('[data-section="admission"] [data-figure="admission-denials"] .figure-value').innerText(), "3");
    assert.equal(await p.page.locator('[data-section="runtime"] [data-figure="runtime-alerts"] .figure-value').innerText(), String(alerts.size));
    await p.page.screenshot({ path: join(artifacts, "detection-metrics.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });

  test("one real file of each compliance source, dropped at once, gives the compliance tiles", async () => {
    const files = {
      "kube-bench": join(real, "kube-bench/kube-bench-cis-1.6-full-run.json"),
      kyverno: join(real, "kyverno/openreports-list-image-scanner.json"),
      gatekeeper: join(real, "gatekeeper/constraints-list-gkoutdatedimagebases.json"),
      "aws-config": join(real, "aws-config/get-compliance-summary-by-resource-type-all.json"),
      securityhub: join(real, "securityhub/get-findings-cli-pci-dss-example.json"),
    };
    const json = async (k) => JSON.parse(await readFile(files[k], "utf8"));
    // Checks: kube-bench PASS and FAIL results; the reports' pass and fail results; Security Hub
    // PASSED and FAILED controls. Gatekeeper lists violations only, AWS Config's summary counts
    // resources only.
    let passed = 0;
    let failed = 0;
    for (const c of (await json("kube-bench")).Controls) {
      for (const t of c.tests) for (const r of t.results) {
        if (r.status === "PASS") passed += 1;
        if (r.status === "FAIL") failed += 1;
      }
    }
    for (const report of (await json("kyverno")).items) for (const r of report.results) {
      if (r.result === "pass") passed += 1;
      if (r.result === "fail") failed += 1;
    }
    // An archived finding is no longer current: not counted (the CLI example is archived).
    const hub = (await json("securityhub")).Findings.filter((f) => f.RecordState !== "ARCHIVED");
    passed += hub.filter((f) => f.Compliance?.Status === "PASSED").length;
    failed += hub.filter((f) => f.Compliance?.Status === "FAILED").length;
    // Cloud resources: AWS Config's compliant and non-compliant counts, Security Hub's resources.
    const summary = (await json("aws-config")).ComplianceSummariesByResourceType[0].ComplianceSummary;
    let compliant = summary.CompliantResourceCount.CappedCount;
    let noncompliant = summary.NonCompliantResourceCount.CappedCount;
    const resources = new Map();
    for (const f of hub.filter((f) => f.Compliance)) for (const r of f.Resources) {
      resources.set(r.Id, (resources.get(r.Id) ?? false) || f.Compliance.Status === "FAILED");
    }
    for (const bad of resources.values()) bad ? (noncompliant += 1) : (compliant += 1);

    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(Object.values(files));
    const { json: card } = await p.exportScorecard();
    const kpi = (id) => card.kpis.find((k) => k.id === id);
    assert.deepEqual([kpi("compliance_score").numerator, kpi("compliance_score").denominator], [passed, passed + failed]);
    assert.deepEqual(
      [kpi("cloud_misconfig_rate").numerator, kpi("cloud_misconfig_rate").denominator],
      [noncompliant, compliant + noncompliant],
    );
    for (const id of ["compliance_score", "cloud_misconfig_rate"]) {
      const tile = await p.kpi(id);
      assert.ok(Math.abs(Number(tile.value) - kpi(id).value) < 1e-9, id);
      assert.match(kpi(id).formula, /compliant|non-compliant/, id);
    }
    await p.goto("sources");
    const rows = await p.sources();
    assert.deepEqual(rows.map((r) => r.format).sort(), ["aws-config", "gatekeeper", "kube-bench", "kyverno", "securityhub"]);
    assert.ok(rows.every((r) => r.error === null));
    await p.goto("metrics");
    assert.ok(await p.page.locator('[data-section="compliance"]').isVisible());
    await p.page.screenshot({ path: join(artifacts, "compliance-metrics.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(p.errors, []);
  });

  test("compressed and archived reports open, each member on its own", async () => {
    const p = await PosturePage.open(browser, server.url);
    const archives = join(repo, "tests/fixtures/archives");
    await p.page.setInputFiles(
      "input[type=file]",
      ["config.json.gz", "ci-artifacts.zip", "scans.tar.gz"].map((n) => join(archives, n)),
    );
    // The gzip file is its report; each archive's row gives way to one row per member. The
    // zip and the tar hold the very report the gzip file does (md5sum agrees): the first of the
    // three loaded counts, the two others say they are copies of it.
    const same = ["config.json.gz", "ci-artifacts.zip/reports/config.json", "scans.tar.gz/scans/b/config.json"];
    const expected = {
      "ci-artifacts.zip/reports/k8s.json.gz": "trivy",
      "ci-artifacts.zip/reports/image.json": "trivy",
      "ci-artifacts.zip/reports/notes.txt": null,
      "scans.tar.gz/scans/a/image-clean.json": "trivy",
    };
    await p.settled(Object.keys(expected).length + same.length);
    await p.goto("sources");
    const rows = await p.sources();
    assert.deepEqual(rows.map((r) => r.name).sort(), [...Object.keys(expected), ...same].sort());
    const copies = rows.filter((r) => same.includes(r.name));
    const loaded = copies.filter((r) => r.format === "trivy");
    assert.equal(loaded.length, 1, "one of the three counts");
    for (const copy of copies.filter((r) => r !== loaded[0])) {
      assert.ok(copy.text.includes(`the same content as ${loaded[0].name}, already loaded: counted once`), copy.name);
    }
    for (const row of rows.filter((r) => !same.includes(r.name))) {
      assert.equal(row.format || null, expected[row.name], row.name);
      assert.equal(row.error === null, expected[row.name] !== null, `${row.name}: ${row.error}`);
    }
    assert.match(rows.find((r) => r.name.endsWith("notes.txt")).error, /^not JSON: it starts with /);
    assert.deepEqual(p.errors, []);
  });

  test("a chosen folder loads every file in it, named by its path", async () => {
    const p = await PosturePage.open(browser, server.url);
    const [chooser] = await Promise.all([
      p.page.waitForEvent("filechooser"),
      p.page.getByRole("button", { name: "a folder" }).click(),
    ]);
    await chooser.setFiles(realTrivy);
    const expected = (await readdir(realTrivy)).filter((n) => n.endsWith(".json")).map((n) => `trivy/${n}`).sort();
    await p.settled(expected.length);
    await p.goto("sources");
    const names = (await p.sources()).map((r) => r.name).sort();
    assert.deepEqual(names, expected);
  });

  test("one small old scan gives a provisional score, and what it did not scan is not green", async () => {
    // Trivy's own 2021 test report of alpine 3.10: 4 vulnerabilities, no secrets listed.
    const file = join(realTrivy, "trivy-image-alpine-3.10-vulns.json");
    const report = JSON.parse(await readFile(file, "utf8"));
    const vulns = report.Results.flatMap((r) => r.Vulnerabilities ?? []);
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles([file]);
    const overall = p.page.locator("[data-overall]");
    assert.equal(await overall.getAttribute("data-overall-state"), "provisional");
    assert.match(await overall.innerText(), /Based on 3 of 19 KPIs/);
    assert.match(await overall.innerText(), /Provisional: 3 of 19 KPIs measured, all on stale evidence/);
    const secrets = await p.kpi("secrets_exposed");
    assert.equal(secrets.status, "no_data");
    assert.equal(secrets.value, "");
    // Folded away (the KPIs without data): its text is in the page, not on screen.
    assert.match(await p.page.textContent('[data-kpi="secrets_exposed"]'), /Not scanned/);
    const critical = await p.kpi("critical_open");
    assert.equal(Number(critical.value), vulns.filter((v) => v.Severity === "CRITICAL").length);
    assert.match(critical.text, /As of 25 Aug 2021, [\d,]+ days old/);
    assert.equal(await p.page.getAttribute('[data-kpi="critical_open"]', "data-stale"), "true");
    // The 16 KPIs without data fold into one line.
    assert.match(await p.page.innerText("details.waiting > summary"), /^Not measured yet \(16\)$/);
    await p.page.screenshot({ path: join(artifacts, "one-old-scan.png"), fullPage: true });
    assert.deepEqual(p.errors, []);
  });

  test("the same files dropped twice count once; failed files come first, a shared reason said once", async () => {
    const p = await PosturePage.open(browser, server.url);
    const sample = p.page.getByRole("button", { name: "Try with sample data" });
    await sample.click();
    await p.settled(23);
    const critical = (await p.kpi("critical_open")).value;
    await sample.click();
    await p.settled(46);
    assert.equal((await p.kpi("critical_open")).value, critical, "the second load counts nothing again");
    await p.goto("sources");
    assert.equal(await p.page.locator("tr.row-duplicate").count(), 23);
    assert.match(await p.page.innerText(".sources-summary"), /46 files · 23 loaded · 23 dropped again, counted once · 0 could not be read/);
    // Two JSON files of no format Posture knows: listed first, their shared reason said once.
    const unknown = [join(artifacts, "unknown-a.json"), join(artifacts, "unknown-b.json")];
    await writeFile(unknown[0], '{"tool": "in-house", "items": [1]}');
    await writeFile(unknown[1], '{"tool": "in-house", "items": [2]}');
    await p.addFiles(unknown);
    const order = await p.page.$$eval("tbody tr[data-source]", (rows) => rows.map((r) => r.dataset.source));
    assert.deepEqual(order.slice(0, 2), ["unknown-a.json", "unknown-b.json"]);
    assert.equal(await p.page.locator('[data-shared-failure="2"]').count(), 1);
    assert.match(await p.page.innerText('[data-shared-failure="2"]'), /^2 files: not recognised: this JSON is not a supported format/);
    await p.page.screenshot({ path: join(artifacts, "sources-duplicates.png"), fullPage: true });
    assert.deepEqual(p.errors, []);
  });

  test("big reports are parsed as they are read; one in another key order is read again, whole", async () => {
    // Above 4 MiB a Trivy report is parsed while the browser streams it. Four of them: one in
    // Trivy's own layout, the same one under another name (dropped again), one whose results
    // name their target after their findings (which the stream leaves to the whole parser) and
    // one cut short.
    const severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
    const report = (image, count) => ({
      SchemaVersion: 2,
      ArtifactName: image,
      ArtifactType: "container_image",
      Results: [{
        Target: `${image} (debian 12)`,
        Class: "os-pkgs",
        Vulnerabilities: Array.from({ length: count }, (_, i) => ({
          VulnerabilityID: `CVE-2026-${i}`,
          PkgName: `pkg${i % 50}`,
          InstalledVersion: "1.0",
          Severity: severities[i % 4],
          Title: `flaw ${i} "quoted"`,
          Description: "a long description of the flaw, as Trivy's database gives it. ".repeat(12),
          References: [`https://nvd.nist.gov/vuln/detail/CVE-2026-${i}`],
        })),
      }],
    });
    const targetLast = (doc) => ({
      ...doc,
      Results: doc.Results.map(({ Target, Class, ...findings }) => ({ ...findings, Target, Class })),
    });
    const big = JSON.stringify(report("big:1", 7001), null, 2);
    const files = {
      "big.json": big,
      "big-copy.json": big,
      "big-target-last.json": JSON.stringify(targetLast(report("other:1", 6003)), null, 2),
      "big-cut.json": JSON.stringify(report("cut:1", 6000), null, 2).slice(0, -200),
    };
    const paths = [];
    for (const [name, text] of Object.entries(files)) {
      assert.ok(text.length > 4 << 20, `${name} is ${text.length} bytes`);
      paths.push(join(artifacts, name));
      await writeFile(paths.at(-1), text);
    }
    // Critical: every fourth vulnerability, counted once for the copy.
    const critical = Math.ceil(7001 / 4) + Math.ceil(6003 / 4);
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    assert.equal(Number((await p.kpi("critical_open")).value), critical);
    await p.goto("sources");
    const rows = await p.sources();
    // Which of the two copies came first is the browser's order; the other is counted once.
    const copies = rows.filter((r) => r.name.startsWith("big.") || r.name.startsWith("big-copy."));
    assert.deepEqual(copies.map((r) => r.error), [null, null]);
    assert.equal(copies.filter((r) => /7001 vulnerabilities/.test(r.text)).length, 1);
    assert.equal(copies.filter((r) => /already loaded: counted once/.test(r.text)).length, 1);
    const other = rows.find((r) => r.name === "big-target-last.json");
    assert.equal(other.error, null);
    assert.match(other.text, /6003 vulnerabilities/);
    assert.match(rows.find((r) => r.name === "big-cut.json").error, /^the file ends too early; it looks truncated \(line \d+, column \d+, at Results\[0\]\.Vulnerabilities\[\d+\]/);
    const { json } = await p.exportScorecard();
    const bySeverity = json.metrics.findings_by_severity;
    assert.equal(bySeverity.high, Math.ceil((7001 - 1) / 4) + Math.ceil((6003 - 1) / 4));
    assert.equal(bySeverity.low, Math.floor(7001 / 4) + Math.floor(6003 / 4));
    assert.deepEqual(p.errors, []);
  });

  test("files dropped on the page load", async () => {
    const p = await PosturePage.open(browser, server.url);
    const text = await readFile(join(realTrivy, "trivy-repo-secrets.json"), "utf8");
    await p.page.evaluate((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], "dropped-secrets.json", { type: "application/json" }));
      const target = document.querySelector("main");
      for (const type of ["dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, text);
    await p.settled(1);
    assert.equal((await p.kpi("secrets_exposed")).status, "off_track");
  });

  test("text from files is shown as text, never as markup", async () => {
    const p = await PosturePage.open(browser, server.url);
    let dialogs = 0;
    p.page.on("dialog", async (d) => {
      dialogs += 1;
      await d.dismiss();
    });
    await p.addFiles([join(own, "image-mixed.json"), join(own, "markup-in-names.json")]);
    await p.goto("metrics");
    for (const text of ["<img src=x onerror=alert(1)>", "<b onmouseover=alert(4)>bold</b>"]) {
      assert.ok(await p.page.getByText(text, { exact: true }).first().isVisible(), text);
    }
    // The asset name is drawn into the chart's SVG: escaped there by the SVG writer.
    const svg = await p.page.innerHTML('[data-chart="severity-by-asset"] .svg');
    assert.match(svg, /&lt;img src=x onerror=alert\(1\)&gt;/);
    await p.goto("sources");
    assert.match((await p.sources()).find((r) => r.name === "markup-in-names.json").text, /<img src=x onerror=alert\(1\)>/);
    for (const tag of ["img", "script", "b"]) {
      assert.equal(await p.page.locator(`main ${tag}`).count(), 0, tag);
    }
    assert.equal(await p.page.locator("main svg svg").count(), 0);
    assert.equal(dialogs, 0);
    assert.deepEqual(p.errors, []);
  });

  test("nothing can reach another origin, from the page or from its worker", async () => {
    // A live server on another port: had the CSP let a request through, it would log it here.
    const decoy = await serve(dist, "/");
    try {
      const target = `${decoy.origin}/collect`;
      const p = await PosturePage.open(browser, server.url);
      const fromPage = await p.page.evaluate(
        (url) => fetch(url, { method: "POST", body: "x" }).then(() => "sent", (e) => `refused: ${e}`),
        target,
      );
      assert.match(fromPage, /^refused/);
      assert.ok((await p.cspViolations()).some((v) => v.startsWith("connect-src")));

      const workers = p.page.workers();
      assert.equal(workers.length, 1, "the ingestion worker runs");
      const fromWorker = await workers[0].evaluate(
        (url) =>
          new Promise((resolve) => {
            const seen = [];
            self.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
            const done = (result) => setTimeout(() => resolve({ result, seen }), 100);
            fetch(url).then(() => done("sent"), (e) => done(`refused: ${e}`));
          }),
        target,
      );
      assert.match(fromWorker.result, /^refused/);
      assert.deepEqual(fromWorker.seen, ["connect-src"], "the worker is bound by the page's CSP");
      assert.deepEqual(decoy.requests, [], "nothing reached the other origin");
      assert.deepEqual(p.outbound.filter((u) => !u.startsWith(decoy.origin)), []);
    } finally {
      await decoy.close();
    }
  });

  test("the sample set lights up history, metrics and charts", async () => {
    const p = await PosturePage.open(browser, server.url);
    await p.page.getByRole("button", { name: "Try with sample data" }).click();
    await p.settled(23);
    // Every one of the 19 tiles has a value.
    for (const id of KPI_IDS) assert.notEqual((await p.kpi(id)).value, "", id);
    // Counted here from the sample files: the latest Trivy scan of each image (repository without
    // tag) and of each repository speaks; Grype's scan of the same image adds what Trivy did not
    // list, a GHSA counting as its CVE.
    const scans = (await readdir(sampleDir)).filter((n) => n.endsWith(".json") && !n.includes("cloudtrail"));
    const docs = await Promise.all(scans.map(async (n) => JSON.parse(await readFile(join(sampleDir, n), "utf8"))));
    const latest = new Map();
    for (const doc of docs.filter((d) => d.SchemaVersion)) {
      const asset = doc.ArtifactType === "container_image" ? doc.ArtifactName.replace(/:[^/:]*$/, "") : doc.ArtifactName;
      const key = `${asset} ${(doc.Results ?? []).some((r) => r.Class === "secret") ? "secrets" : "scan"}`;
      if (!latest.has(key) || latest.get(key).CreatedAt < doc.CreatedAt) latest.set(key, doc);
    }
    const open = (doc, pick) => [...objects(doc)].filter(pick);
    const critical = new Set();
    const secrets = new Set();
    for (const doc of latest.values()) {
      for (const v of open(doc, (o) => o.VulnerabilityID && o.Severity === "CRITICAL" && o.Status !== "not_affected")) {
        critical.add(`${doc.ArtifactName.replace(/:[^/:]*$/, "")} ${v.VulnerabilityID} ${v.PkgName}`);
      }
      for (const x of open(doc, (o) => o.RuleID && o.Match)) secrets.add(`${doc.ArtifactName} ${x.RuleID} ${x.Match}`);
    }
    for (const doc of docs.filter((d) => d.matches)) {
      const image = doc.source.target.userInput.replace(/:[^/:]*$/, "");
      for (const m of doc.matches.filter((m) => m.vulnerability.severity === "Critical")) {
        const cve = [m.vulnerability, ...m.relatedVulnerabilities].map((v) => v.id).find((id) => id.startsWith("CVE-"));
        critical.add(`${image} ${cve ?? m.vulnerability.id} ${m.artifact.name}`);
      }
    }
    assert.ok(critical.size > 0, "the sample has an open critical");
    assert.equal(Number((await p.kpi("critical_open")).value), critical.size);
    assert.equal(Number((await p.kpi("secrets_exposed")).value), secrets.size);
    for (const id of ["critical_open", "vuln_mttr", "resolved_vulns_pct", "iac_policy_pass_rate", "secrets_exposed"]) {
      assert.notEqual((await p.kpi(id)).value, "", id);
    }
    // The executive scorecard prints on one page (A4 landscape, the print stylesheet); the audit
    // appendix follows on the next pages.
    await p.page.emulateMedia({ media: "print" });
    const pages = async () =>
      (await p.page.pdf({ format: "A4", landscape: true, printBackground: true }))
        .toString("latin1")
        .match(/\/Type\s*\/Page[^s]/g)?.length;
    await p.page.$eval(".audit", (e) => (e.style.display = "none"));
    assert.equal(await pages(), 1, "pages in the printed scorecard");
    await p.page.$eval(".audit", (e) => (e.style.display = ""));
    assert.ok((await pages()) > 1, "the audit appendix prints after the scorecard");
    await p.page.emulateMedia({ media: "screen" });
    await p.goto("metrics");
    // Severity by asset and by category always; top vulnerabilities only when one of them is open
    // on more than one asset (its bars count assets, and bars all at 1 say nothing the table does not).
    const assetsOf = new Map();
    for (const key of critical) {
      const [asset, id] = key.split(" ");
      assetsOf.set(id, (assetsOf.get(id) ?? new Set()).add(asset));
    }
    for (const doc of latest.values()) {
      for (const v of open(doc, (o) => o.VulnerabilityID && o.Status !== "not_affected")) {
        const asset = doc.ArtifactName.replace(/:[^/:]*$/, "");
        assetsOf.set(v.VulnerabilityID, (assetsOf.get(v.VulnerabilityID) ?? new Set()).add(asset));
      }
    }
    const widespread = [...assetsOf.values()].some((assets) => assets.size > 1);
    assert.equal(await p.page.locator(".metrics > .charts figure.chart .svg svg").count(), widespread ? 3 : 2);
    // The CVE that Trivy and Grype both list on payments-api is one finding, reported by both.
    const zlib = p.page.locator("tr", { has: p.page.locator("td.rule-id", { hasText: /^CVE-2023-45853$/ }) });
    assert.deepEqual((await zlib.locator("td.tools").innerText()).split(", ").sort(), ["Grype", "Trivy"]);
    assert.equal(await zlib.locator("td.num").first().innerText(), "1");
    await p.page.screenshot({ path: join(artifacts, "metrics.png"), fullPage: true });
    await p.goto("sources");
    const rows = await p.sources();
    assert.equal(rows.length, 23);
    assert.ok(rows.every((r) => r.error === null));
    assert.deepEqual(
      [...new Set(rows.map((r) => r.format))].sort(),
      [
        "aws-config", "checkov", "cloudtrail", "containerd-events", "falco", "gatekeeper", "grype", "incidents", "k8s-audit", "k8s-inventory",
        "kube-bench", "kyverno", "metrics-csv", "securityhub", "semgrep", "trivy",
      ],
    );
    // Removing the newer secret scan lets the older one speak again: its 3 secrets (aws-access-key-id
    // and slack-web-hook in deploy/ci.env, github-pat in release.yml) instead of 1.
    await p.goto("scorecard");
    assert.equal((await p.kpi("secrets_exposed")).value, "1");
    await p.goto("sources");
    const before = await p.page.locator("[data-source]").count();
    await p.page.locator('[data-source="sample/payments-api-secrets-2026-11-18.json"] button').click();
    await p.settled(before - 1);
    assert.equal(await p.page.locator("[data-source]").count(), before - 1);
    await p.goto("scorecard");
    assert.equal((await p.kpi("secrets_exposed")).value, "3");
    assert.deepEqual(p.errors, []);
  });
});
