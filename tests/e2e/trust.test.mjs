// End to end in Chromium: what lets a manager trust the scorecard and come back to it — triage
// decisions that survive a reload and travel as files (OpenVEX and Posture's own), files kept on
// this computer when asked (and only then), and a warning before leaving with files not kept.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { PosturePage, servedApp } from "./page.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");
const sampleDir = join(repo, "src/core/sample");

const app = servedApp(dist, artifacts);

before(async () => {
  await mkdir(join(artifacts, "decisions"), { recursive: true });
});


async function withSample(p) {
  await p.page.getByRole("button", { name: "Try with sample data" }).click();
  await p.settled(23);
}

/** Clicks `selector` and collects the `count` files it downloads. */
async function downloads(p, selector, count) {
  const files = [];
  const done = new Promise((resolve) => {
    p.page.on("download", async (download) => {
      const chunks = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk);
      files.push({ name: download.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") });
      if (files.length === count) resolve();
    });
  });
  await p.page.click(selector);
  await done;
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/** The open critical vulnerability the sample's latest Trivy scan of payments-api lists first. */
async function aCriticalOfPaymentsApi() {
  const doc = JSON.parse(await readFile(join(sampleDir, "payments-api-image-2026-11-18.json"), "utf8"));
  const vulns = doc.Results.flatMap((r) => r.Vulnerabilities ?? []);
  const critical = vulns.filter((v) => v.Severity === "CRITICAL" && v.Status !== "not_affected");
  assert.ok(critical.length > 0);
  return critical[0];
}

async function mark(p, { filters, triage, reason, expires = "", all = false }) {
  await p.goto("findings");
  await p.page.click("text=Clear filters");
  await p.page.waitForSelector("[data-finding]");
  for (const [column, value] of filters) {
    const control = p.page.locator(`[data-filter="${column}"]`);
    if ((await control.evaluate((e) => e.tagName)) === "SELECT") await control.selectOption(value);
    else await control.fill(value), await control.press("Enter");
  }
  await p.page.waitForFunction(() => document.querySelectorAll("[data-finding]").length > 0);
  if (!all) await p.page.locator('[data-action="pick-finding"]').first().click();
  await p.page.check(`input[name="triage"][value="${triage}"]`);
  await p.page.fill('[data-triage="reason"]', reason);
  await p.page.fill('[data-triage="expires"]', expires);
  await p.page.click(all ? '[data-action="mark-all"]' : '[data-action="mark-finding"]');
  await p.idle();
}

describe("Trust in Chromium", () => {
  test("a triage decision round trip: mark, reload, export, forget, drop the files, same numbers", async () => {
    const cve = await aCriticalOfPaymentsApi();
    const p = await PosturePage.open(app.browser, app.server.url);
    await withSample(p);
    const critical = Number((await p.kpi("critical_open")).value);
    const secrets = Number((await p.kpi("secrets_exposed")).value);
    assert.ok(critical >= 1 && secrets >= 1, `the sample has ${critical} critical and ${secrets} secrets open`);

    // One critical vulnerability accepted until the end of January; every open secret a false
    // positive.
    await mark(p, {
      filters: [["rule", `"${cve.VulnerabilityID}"`], ["status", "open"]],
      triage: "accepted_risk",
      reason: "Vendor fix due in January",
      expires: "2099-01-31",
    });
    await mark(p, {
      filters: [["category", "secret"], ["status", "open"]],
      triage: "false_positive",
      reason: "Test fixtures, not real keys",
      all: true,
    });
    const decided = await p.page.$$eval("tr.decision", (rows) =>
      rows.map((r) => [r.dataset.triage, Number(r.dataset.covered)]),
    );
    assert.deepEqual(decided.slice(0, 1), [["accepted_risk", 1]]);
    assert.equal(decided.filter(([t]) => t === "false_positive").length, secrets);
    await p.page.screenshot({ path: join(artifacts, "triage-findings.png"), fullPage: true });
    await p.goto("scorecard");
    const after = async () => ({
      critical: Number((await p.kpi("critical_open")).value),
      secrets: Number((await p.kpi("secrets_exposed")).value),
    });
    assert.deepEqual(await after(), { critical: critical - 1, secrets: 0 });
    await p.page.locator('[data-kpi="critical_open"] summary').click();
    assert.match(
      (await p.kpi("critical_open")).text,
      /Left out by triage decisions: 1 \(1 accepted risk\); the Findings view lists them/,
    );

    // The decisions survive a reload (the files, without "keep my files", do not).
    await p.page.reload();
    await p.idle();
    await withSample(p);
    assert.deepEqual(await after(), { critical: critical - 1, secrets: 0 });

    // Exported: OpenVEX for the vulnerability, Posture's own file for the secrets.
    await p.goto("findings");
    const files = await downloads(p, '[data-action="export-decisions"]', 2);
    assert.deepEqual(
      files.map((f) => f.name.replace(/\d{4}-\d{2}-\d{2}/, "DAY")),
      ["posture-decisions-DAY.json", "posture-decisions-DAY.openvex.json"],
    );
    const vex = JSON.parse(files[1].text);
    assert.equal(vex["@context"], "https://openvex.dev/ns/v0.2.0");
    assert.deepEqual(
      vex.statements.map((s) => [s.vulnerability.name, s.status, s.products[0]["@id"], s.action_statement]),
      [[cve.VulnerabilityID, "affected", "pkg:oci/payments-api?repository_url=ghcr.io/acme/payments-api",
        "Risk accepted until 2099-01-31: Vendor fix due in January"]],
    );
    const own = JSON.parse(files[0].text);
    assert.equal(own.schema, "posture.decisions.v1");
    assert.equal(own.decisions.length, secrets);
    assert.ok(own.decisions.every((d) => d.category === "secret" && d.triage === "false_positive"));
    const paths = [];
    for (const f of files) {
      const path = join(artifacts, "decisions", f.name);
      await writeFile(path, f.text);
      paths.push(path);
    }

    // Forgotten here: the numbers come back.
    await p.page.click('[data-action="clear-decisions"]');
    await p.idle();
    await p.goto("scorecard");
    assert.deepEqual(await after(), { critical, secrets });

    // Dropped again, by a colleague say: the same numbers, and Sources says what they hold.
    await p.addFiles(paths);
    assert.deepEqual(await after(), { critical: critical - 1, secrets: 0 });
    await p.goto("sources");
    const rows = await p.sources();
    const formats = rows.filter((r) => r.name.startsWith("posture-decisions")).map((r) => r.format).sort();
    assert.deepEqual(formats, ["openvex", "posture-decisions"]);
    await p.goto("findings");
    const fromFiles = await p.page.$$eval("tr.decision", (rows) => rows.map((r) => r.querySelector("td[data-label=From]").textContent));
    assert.ok(fromFiles.every((from) => from.startsWith("posture-decisions-")), `${fromFiles}`);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.outbound, []);
  });

  test("a reason is needed, and a refused decision changes nothing", async () => {
    const p = await PosturePage.open(app.browser, app.server.url);
    await withSample(p);
    const critical = (await p.kpi("critical_open")).value;
    await mark(p, { filters: [["severity", "critical"], ["status", "open"]], triage: "accepted_risk", reason: " " });
    const error = await p.page.getAttribute("[data-triage-error]", "data-triage-error");
    assert.match(error, /say why/);
    await p.goto("scorecard");
    assert.equal((await p.kpi("critical_open")).value, critical);
    assert.deepEqual(p.errors, []);
  });

  test("files are kept on this computer only when asked, survive a reload with the times set by hand, and Clear all empties the store", async () => {
    const trivyDir = join(repo, "../shared/fixtures/real/trivy");
    const real = join(trivyDir, (await readdir(trivyDir)).filter((n) => n.endsWith(".json")).sort()[0]);
    const p = await PosturePage.open(app.browser, app.server.url);
    const keep = p.page.locator('[data-action="keep-files"]');
    assert.equal(await keep.isChecked(), false, "off by default");
    assert.match(await p.page.locator(".keep").innerText(), /Off: the files are read into this tab only/);

    // Off: a reload loses the files, and leaving asks first.
    await withSample(p);
    const dialogs = [];
    p.page.on("dialog", async (dialog) => {
      dialogs.push(dialog.type());
      await dialog.accept();
    });
    await p.page.reload();
    await p.idle();
    assert.deepEqual(dialogs, ["beforeunload"], "leaving with files not kept asks");
    await p.page.reload();
    await p.idle();
    assert.equal(await p.sourceCount(), 0, "nothing kept");

    // On: the sample and a dropped file come back after a reload, without the file removed.
    await keep.check();
    assert.match(await p.page.locator(".keep").innerText(), /On: this browser keeps a copy/);
    await withSample(p);
    await p.addFiles([real]);
    await p.goto("sources");
    await p.page.locator('[data-source="sample/payments-api-secrets-2026-11-18.json"] button').click();
    await p.settled(23);
    // A snapshot time set by hand (the Semgrep file says none) is kept with the files.
    const semgrep = '[data-source="sample/payments-api-semgrep-2026-11-18.json"] [data-action="set-taken-at"]';
    await p.page.fill(semgrep, "2026-11-20T10:00");
    await p.page.dispatchEvent(semgrep, "change");
    await p.idle();
    await p.goto("scorecard");
    const before = {};
    for (const id of ["critical_open", "secrets_exposed", "compliance_score", "mttd"]) before[id] = (await p.kpi(id)).value;
    dialogs.length = 0;
    await p.page.reload();
    await p.settled(23);
    assert.deepEqual(dialogs, [], "nothing to lose: no question");
    await p.goto("sources");
    const names = (await p.sources()).map((r) => r.name);
    await p.goto("scorecard");
    assert.ok(names.includes(real.split("/").pop()), "the dropped file is back");
    assert.ok(!names.includes("sample/payments-api-secrets-2026-11-18.json"), "the removed file stays removed");
    await p.goto("sources");
    assert.equal(await p.page.inputValue(semgrep), "2026-11-20T10:00", "the time set by hand is set again");
    assert.match(
      (await p.sources()).find((r) => r.name === "sample/payments-api-semgrep-2026-11-18.json").text,
      /2026-11-20 10:00 UTC/,
    );
    await p.goto("scorecard");
    for (const [id, value] of Object.entries(before)) assert.equal((await p.kpi(id)).value, value, id);

    // Clear all: nothing loaded, nothing kept.
    await p.goto("sources");
    await p.page.click('[data-action="clear-all"]');
    await p.idle();
    assert.equal(await p.sourceCount(), 0);
    await p.page.reload();
    await p.idle();
    await p.page.waitForTimeout(300);
    assert.equal(await p.sourceCount(), 0, "the store is empty");
    assert.equal(await keep.isChecked(), true, "keeping stays on");

    // Turned off: what was kept is gone.
    await withSample(p);
    await keep.uncheck();
    await p.page.reload();
    await p.idle();
    await p.page.waitForTimeout(300);
    assert.equal(await p.sourceCount(), 0);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.outbound, []);
  });

  test("assets renamed and grouped in Sources: the name shows everywhere, a group limits every view, both survive a reload", async () => {
    // Counted from the file: web-frontend's open critical vulnerabilities and its open findings.
    const web = JSON.parse(await readFile(join(sampleDir, "web-frontend-image-2026-11-18.json"), "utf8"));
    const vulns = web.Results.flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Status !== "not_affected");
    const webCritical = new Set(vulns.filter((v) => v.Severity === "CRITICAL").map((v) => `${v.VulnerabilityID} ${v.PkgName}`)).size;
    const p = await PosturePage.open(app.browser, app.server.url);
    await withSample(p);
    const all = Number((await p.kpi("critical_open")).value);
    await p.goto("sources");
    const row = p.page.locator('[data-asset-edit="ghcr.io/acme/web-frontend"]');
    await row.locator("[data-asset-name]").fill("Storefront");
    await row.locator("[data-asset-name]").press("Tab");
    await p.idle();
    await row.locator("[data-asset-group]").fill("Web team");
    await row.locator("[data-asset-group]").press("Tab");
    await p.idle();
    await p.page.screenshot({ path: join(artifacts, "assets-sources.png"), fullPage: true });

    // The name shows in the metrics; the group selector limits every number to the web team.
    await p.goto("metrics");
    assert.ok((await p.page.$$eval("tr[data-asset]", (rows) => rows.map((r) => r.dataset.asset))).includes("Storefront"));
    await p.page.selectOption('[data-action="group"]', "Web team");
    await p.idle();
    await p.goto("scorecard");
    assert.equal(Number((await p.kpi("critical_open")).value), webCritical);
    assert.match(await p.page.getAttribute("[data-group-note]", "data-group-note"), /group Web team: 1 of \d+ assets/);
    await p.goto("findings");
    await p.page.waitForSelector("[data-finding]");
    const assets = await p.page.$$eval(".findings-row[data-finding] .col-asset", (cells) => [...new Set(cells.map((c) => c.textContent))]);
    assert.deepEqual(assets, ["Storefront"]);
    await p.page.screenshot({ path: join(artifacts, "assets-group-findings.png"), fullPage: true });
    const json = await p.exportScorecard();
    assert.equal(json.json.group, "Web team");
    assert.deepEqual(json.json.settings.assets, { "ghcr.io/acme/web-frontend": { name: "Storefront", group: "Web team" } });

    // Kept in the settings: after a reload (and the files again), the same name and group.
    await p.page.reload();
    await p.idle();
    await withSample(p);
    await p.goto("scorecard");
    assert.equal(Number((await p.kpi("critical_open")).value), all, "all assets again after a reload");
    const options = await p.page.$$eval('[data-action="group"] option', (os) => os.map((o) => o.value));
    assert.deepEqual(options, ["", "Web team"]);
    await p.goto("sources");
    assert.equal(await p.page.locator('[data-asset-edit="ghcr.io/acme/web-frontend"] [data-asset-name]').inputValue(), "Storefront");
    assert.deepEqual(p.errors, []);
  });
});
