// End to end in Chromium: a quarter of weekly scans (history, SLA, deltas, ageing), the
// findings explorer, and settings that survive a reload. Expected numbers come from
// quarter.mjs, worked out from the generated scans independently of Posture.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { launch, PosturePage } from "./page.mjs";
import { serve } from "./server.mjs";
import { DAY, expected, quarter } from "./quarter.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");
const scansDir = join(here, "artifacts/quarter");

// The period the test picks: 2026-10-16 to 2026-11-30, whole days; the previous period is the
// 46 days before.
const FROM = Date.UTC(2026, 9, 16);
const TO = Date.UTC(2026, 10, 30) + DAY - 1;
// Both ends included: the previous period holds as many instants.
const LENGTH = TO - FROM + 1;

let server;
let browser;
let paths;
const { scans } = quarter();

before(async () => {
  await rm(scansDir, { recursive: true, force: true });
  await mkdir(scansDir, { recursive: true });
  paths = [];
  for (const scan of scans) {
    const path = join(scansDir, scan.name);
    await writeFile(path, scan.text);
    paths.push(path);
  }
  server = await serve(dist);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const close = (actual, wanted, what) => {
  if (wanted === null) assert.equal(actual, "", `${what}: no value`);
  else assert.ok(Math.abs(Number(actual) - wanted) < 1e-6, `${what}: ${actual} ≠ ${wanted}`);
};

async function pickRange(p, from, to) {
  await p.page.selectOption('[data-action="period"]', "custom");
  await p.page.fill('[data-action="period-from"]', from);
  await p.page.fill('[data-action="period-to"]', to);
  await p.page.click('[data-action="period-apply"]');
  await p.idle();
}

describe("Time and targets in Chromium", () => {
  test("a quarter of weekly scans gives history, SLA, deltas and ageing that match the files", async () => {
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    await pickRange(p, "2026-10-16", "2026-11-30");
    const now = expected(scans, FROM, TO);
    const then = expected(scans, FROM - LENGTH, FROM - 1);
    for (const [id, key] of [
      ["vuln_sla_compliance", "sla"],
      ["vuln_mttr", "mttr"],
      ["critical_high_reduction", "reduction"],
    ]) {
      const kpi = await p.kpi(id);
      close(kpi.value, now[key], id);
      close(kpi.previous, then[key], `${id} in the previous period`);
    }
    // Every tile carries data-previous.
    assert.equal(await p.page.locator("[data-kpi]:not([data-previous])").count(), 0);
    await p.page.screenshot({ path: join(artifacts, "quarter-scorecard.png"), fullPage: true });

    await p.goto("metrics");
    const rows = await p.page.$$eval('[data-table="vuln-ageing"] tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    );
    const ages = Object.fromEntries(rows.map((r) => [r[0].toUpperCase(), r.slice(1, 6).map(Number)]));
    assert.deepEqual(ages, now.buckets);
    await p.page.screenshot({ path: join(artifacts, "quarter-metrics.png"), fullPage: true });

    // The explorer holds every finding of the period: open at its end, or seen fixed.
    await p.goto("findings");
    const total = () => p.page.getAttribute("[data-findings-total]", "data-findings-total");
    await p.page.waitForFunction((n) => document.querySelector("[data-findings-total]")?.dataset.findingsTotal === String(n), now.findings);
    await p.page.selectOption('[data-filter="status"]', "open");
    await p.page.waitForFunction((n) => document.querySelector("[data-findings-total]")?.dataset.findingsTotal === String(n), now.open);
    assert.equal(Number(await total()), now.open);
    assert.equal(await p.page.locator("[data-finding]").count(), now.open);
    await p.page.screenshot({ path: join(artifacts, "quarter-findings.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });

  test("charts and top rules open the explorer filtered to them; its view exports as CSV", async () => {
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    await pickRange(p, "2026-10-16", "2026-11-30");
    const last = scans.filter((s) => s.t <= TO).at(-1);
    const openIds = last.open.map((v) => v.id).sort();
    const totalIs = (n) =>
      p.page.waitForFunction((n) => document.querySelector("[data-findings-total]")?.dataset.findingsTotal === String(n), n);

    // The top vulnerability's row: one image, so one open finding of that CVE.
    await p.goto("metrics");
    const top = p.page.locator("tr[data-rule] a").first();
    const cve = await top.innerText();
    assert.ok(openIds.includes(cve), `${cve} is open at the period's end`);
    await top.click();
    await totalIs(1);
    assert.equal(await p.page.inputValue('[data-filter="rule"]'), `"${cve}"`, "the link asks for exactly that rule");
    assert.equal(await p.page.inputValue('[data-filter="status"]'), "open");
    assert.equal(await p.page.locator("[data-finding] .col-rule").innerText(), cve);

    // The image's bar in the chart of open findings per asset: every open finding.
    await p.goto("metrics");
    await p.page.locator('[data-chart="severity-by-asset"] a.bar-link').first().click();
    await totalIs(openIds.length);

    // Sorted by rule, descending, and exported: the CSV is that view, row for row.
    await p.page.click('[data-sort="rule"]');
    await p.page.click('[data-sort="rule"]');
    await p.page.waitForFunction(
      (id) => document.querySelector('[data-finding][aria-rowindex="3"] .col-rule')?.textContent === id,
      openIds.at(-1),
    );
    const { name, text } = await p.download('[data-action="export-csv"]');
    assert.equal(name, "posture-findings-2026-10-16-to-2026-11-30.csv");
    const [header, ...lines] = text.trimEnd().split("\r\n");
    assert.equal(
      header,
      "Severity,Category,Rule,Title,Asset,Package,Installed,Fixed version,Tools,Status,First seen,Age (days),SLA,Location,Fingerprint",
    );
    const rows = lines.map((l) => l.split(","));
    assert.deepEqual(rows.map((r) => r[2]), [...openIds].reverse());
    for (const r of rows) {
      const v = last.open.find((o) => o.id === r[2]);
      assert.equal(r[0], v.severity.toLowerCase(), r[2]);
      assert.equal(r[4], "ghcr.io/acme/api");
      assert.equal(r[9], "open");
    }
    await p.page.screenshot({ path: join(artifacts, "quarter-findings-linked.png"), fullPage: true });
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(p.errors, []);
  });

  test("a custom range being typed survives new files; one without both days is refused and said", async () => {
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths.slice(0, 2));
    await p.page.selectOption('[data-action="period"]', "custom");
    await p.page.fill('[data-action="period-from"]', "2026-09-01");
    await p.addFiles(paths.slice(2, 4)); // a new view arrives
    assert.equal(await p.page.inputValue('[data-action="period-from"]'), "2026-09-01");
    assert.equal(await p.page.inputValue('[data-action="period"]'), "custom");
    await p.page.click('[data-action="period-apply"]');
    await p.idle();
    assert.match(await p.page.getAttribute("[data-period-error]", "data-period-error"), /needs its first and last days/);
    await p.page.fill('[data-action="period-to"]', "2026-09-30");
    await p.page.click('[data-action="period-apply"]');
    await p.idle();
    assert.equal(await p.page.locator("[data-period-error]").count(), 0);
    assert.match(await p.page.innerText(".period-text"), /^Custom range: 2026-09-01 to 2026-09-30$/);
    assert.deepEqual(p.errors, []);
  });

  test("a snapshot time set by hand in Sources moves every number", async () => {
    // A Gitleaks report says nothing of when it ran: its time is the file's modification time,
    // here today, after the period picked below. Set by hand inside it, its secret counts.
    const file = join(scansDir, "secrets.json");
    await writeFile(
      file,
      JSON.stringify([{ RuleID: "aws-access-token", File: "deploy/env.sh", StartLine: 3, Secret: "AKIA0000000000000000", Match: "AKIA…", Commit: "", Fingerprint: "deploy/env.sh:aws-access-token:3" }]),
    );
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles([file]);
    await pickRange(p, "2026-10-16", "2026-11-30");
    assert.equal((await p.kpi("secrets_exposed")).value, "", "scanned after the period");
    await p.goto("sources");
    await p.page.fill('[data-source="secrets.json"] [data-action="set-taken-at"]', "2026-11-20T10:00");
    await p.page.locator('[data-source="secrets.json"] [data-action="set-taken-at"]').dispatchEvent("change");
    await p.idle();
    assert.match(await p.page.innerText('[data-source="secrets.json"]'), /2026-11-20/);
    await p.goto("scorecard");
    assert.equal((await p.kpi("secrets_exposed")).value, "1");
    assert.deepEqual(p.errors, []);
  });

  test("settings apply at once, survive a reload, and a wrong profile changes nothing", async () => {
    const p = await PosturePage.open(browser, server.url);
    await p.addFiles(paths);
    await pickRange(p, "2026-10-16", "2026-11-30");
    const before = await p.kpi("vuln_sla_compliance");
    await p.goto("settings");
    await p.page.fill('[data-setting="sla-critical"]', "60");
    await p.page.locator('[data-setting="sla-critical"]').dispatchEvent("change");
    await p.idle();
    await p.goto("scorecard");
    const after = await p.kpi("vuln_sla_compliance");
    assert.notEqual(after.value, before.value, "a longer critical SLA changes SLA compliance");
    // Reload: the settings come back from localStorage; the same files give the same numbers.
    await p.page.reload();
    await p.idle();
    await p.addFiles(paths);
    await pickRange(p, "2026-10-16", "2026-11-30");
    assert.equal((await p.kpi("vuln_sla_compliance")).value, after.value);
    // A wrong value typed in the form is refused, with what is wrong, and nothing changes.
    await p.goto("settings");
    await p.page.fill('[data-setting="sla-high"]', "-5");
    await p.page.locator('[data-setting="sla-high"]').dispatchEvent("change");
    await p.page.waitForSelector("[data-settings-error]");
    assert.match(
      await p.page.getAttribute("[data-settings-error]", "data-settings-error"),
      /^sla_days\.high must be a number of days above 0 \(got -5\)/,
    );
    assert.equal(await p.page.inputValue('[data-setting="sla-high"]'), "30", "the form shows what is in force");
    await p.page.screenshot({ path: join(artifacts, "settings.png"), fullPage: true });
    await p.goto("scorecard");
    assert.equal((await p.kpi("vuln_sla_compliance")).value, after.value, "nothing changed");
    // A profile with a wrong field is refused whole.
    await p.goto("settings");
    const [chooser] = await Promise.all([
      p.page.waitForEvent("filechooser"),
      p.page.click('[data-action="import-profile"]'),
    ]);
    await chooser.setFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"sla_days":{"critical":1,"high":-5,"medium":90,"low":180}}'),
    });
    await p.page.waitForSelector("[data-settings-error]");
    assert.match(await p.page.getAttribute("[data-settings-error]", "data-settings-error"), /sla_days\.high must be a number of days above 0/);
    await p.goto("scorecard");
    assert.equal((await p.kpi("vuln_sla_compliance")).value, after.value, "nothing changed");
    assert.deepEqual(p.errors, []);
  });

  test("an organisation's posture.profile.json beside index.html is applied and said", async () => {
    const profile = JSON.stringify({ schema: "posture.profile.v1", targets: { critical_open: 5 } });
    const org = await serve(dist, "/tools/posture/", { "posture.profile.json": profile });
    try {
      const p = await PosturePage.open(browser, org.url);
      await p.addFiles(paths);
      await p.page.waitForSelector('[data-settings-origin^="Organisation profile"]');
      const critical = await p.kpi("critical_open");
      assert.match(critical.text, /Target at most 5/);
      assert.ok(org.requests.some((r) => r.endsWith("/posture.profile.json")));
      assert.deepEqual(p.outbound, []);
      await p.page.context().close();
    } finally {
      await org.close();
    }
  });
});
