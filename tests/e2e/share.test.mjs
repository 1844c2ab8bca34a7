// End to end in Chromium: what a manager sends and an auditor carries — the CSV exports read
// back against the scorecard JSON, the HTML report opened from disk with JavaScript off, the
// build served at a deeper sub-path, and the single-file app opened from file://.

import { describe, test } from "node:test";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { PosturePage, launch, servedApp } from "./page.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");
const sampleDir = join(repo, "src/core/sample");

const app = servedApp(dist, artifacts);

async function withSample(p) {
  await p.page.getByRole("button", { name: "Try with sample data" }).click();
  await p.settled(23);
}

/** RFC 4180 rows, quotes and CRLF handled, as an independent reader (not Posture's). */
function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const sameNumber = (cell, json) => (json === null ? cell === "" : Math.abs(Number(cell) - json) < 1e-9);

describe("exports", () => {
  test("the KPIs CSV and the metrics CSV say what the scorecard JSON says; names carry the period", async () => {
    const p = await PosturePage.open(app.browser, app.server.url);
    await withSample(p);
    await p.page.selectOption('[data-action="period"]', { label: "Last 30 days" });
    await p.idle();
    const { json } = await p.exportScorecard();
    const kpis = await p.download('[data-action="export-kpis-csv"]');
    assert.match(kpis.name, /^posture-kpis-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csvRows(kpis.text);
    assert.equal(rows.length, json.kpis.length);
    rows.forEach((row, i) => {
      const k = json.kpis[i];
      assert.equal(row.id, k.id);
      for (const column of ["value", "target", "previous", "numerator", "denominator"]) {
        assert.ok(sameNumber(row[column], k[column]), `${k.id} ${column}: ${row[column]} vs ${k[column]}`);
      }
      assert.equal(row.status, k.status);
      assert.equal(row.formula, k.formula);
      assert.equal(row.inputs, k.inputs.join("; "));
    });
    // The tiles agree with both.
    for (const k of json.kpis) {
      const tile = await p.kpi(k.id);
      assert.equal(tile.status, k.status, k.id);
      assert.ok(sameNumber(tile.previous ?? "", k.previous), `${k.id} previous: ${tile.previous} vs ${k.previous}`);
    }

    await p.goto("metrics");
    const metrics = await p.download('[data-action="export-metrics-csv"]');
    assert.match(metrics.name, /^posture-metrics-.*-to-.*\.csv$/);
    const lines = csvRows(metrics.text);
    for (const [tool, n] of Object.entries(json.metrics.findings_by_tool)) {
      const line = lines.find((l) => l.section === "Open findings" && l.table === "By tool" && l.row === tool);
      assert.ok(line && Number(line.value) === n, `${tool}: ${line?.value} vs ${n}`);
    }
    // Each chart's SVG names the period too.
    const chart = await p.download('[data-chart="severity-by-asset"] .download');
    assert.match(chart.name, /^posture-severity-by-asset-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.svg$/);
    assert.match(chart.text, /^<svg/);
    const incidents = await p.download('[data-action="export-incidents-csv"]');
    assert.match(incidents.name, /^posture-incident-records-.*\.csv$/);
    assert.ok(csvRows(incidents.text).length > 0);
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(p.errors, []);
  });

  test("the report opens from disk with JavaScript off, loads nothing, matches the scorecard and prints on one A4 page", async () => {
    const p = await PosturePage.open(app.browser, app.server.url);
    await withSample(p);
    await p.page.selectOption('[data-action="period"]', { label: "Last 30 days" });
    await p.idle();
    const { json } = await p.exportScorecard();
    const report = await p.download('[data-action="export-report"]');
    assert.match(report.name, /^posture-report-.*-to-.*\.html$/);
    assert.doesNotMatch(report.text, /<script/i);
    const file = join(artifacts, "report.html");
    await writeFile(file, report.text);

    const context = await app.browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 1200 } });
    const page = await context.newPage();
    const requests = [];
    const messages = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => messages.push(m.text()));
    await page.goto(pathToFileURL(file).href);
    // Only the file itself: no style sheet, font, image or script is fetched.
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    // Its policy refused nothing: its one style sheet is the one the hash allows.
    assert.deepEqual(messages.filter((m) => /Content.Security.Policy/i.test(m)), []);
    const tiles = await page.$$eval("[data-kpi]", (tiles) =>
      tiles.map((t) => ({ id: t.dataset.kpi, status: t.dataset.status, value: t.dataset.value })),
    );
    assert.equal(tiles.length, json.kpis.length);
    for (const k of json.kpis) {
      const tile = tiles.find((t) => t.id === k.id);
      assert.equal(tile.status, k.status, k.id);
      assert.ok(sameNumber(tile.value, k.value), `${k.id}: ${tile.value} vs ${k.value}`);
    }
    const overall = await page.getAttribute("[data-overall]", "data-overall");
    assert.ok(sameNumber(overall, json.overall.score), `${overall} vs ${json.overall.score}`);
    assert.equal(await page.locator("[data-source]").count(), json.sources.length);
    assert.ok((await page.locator("figure > svg").count()) >= 2);
    // Styled: the tiles are laid out in columns, not the browser's default.
    assert.equal(await page.$eval(".tiles", (e) => getComputedStyle(e).columnCount), "5");
    await page.screenshot({ path: join(artifacts, "report.png"), fullPage: true });
    const pdf = await page.pdf({ format: "A4" });
    await writeFile(join(artifacts, "report.pdf"), pdf);
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? [];
    assert.equal(pages.length, 1, "the report prints on one A4 page");
    await context.close();
    assert.deepEqual(p.outbound, []);
  });
});

test("the build works served at /tools/posture/ behind a plain static server", async () => {
  const server = await serve(dist, "/tools/posture/");
  const browser = await launch();
  try {
    const p = await PosturePage.open(browser, server.url);
    await withSample(p);
    assert.equal((await p.kpi("critical_open")).status !== null, true);
    assert.ok(server.requests.every((r) => r.startsWith("/tools/posture/")), server.requests.join(" "));
    assert.ok(server.requests.some((r) => r.endsWith("worker_bg.wasm")));
    assert.deepEqual(p.outbound, []);
    assert.deepEqual(p.errors, []);
    await p.page.screenshot({ path: join(artifacts, "sub-path.png") });
  } finally {
    await browser.close();
    await server.close();
  }
});

test("the single-file app works from file://, alone in its folder: drop, scorecard, exports, and nothing leaves", async () => {
  // Alone in a folder, so that it can only work with what is inside it.
  const folder = join(artifacts, "single-file");
  await mkdir(folder, { recursive: true });
  await copyFile(join(dist, "posture.html"), join(folder, "posture.html"));
  const files = (await readdir(sampleDir)).filter((f) => !/\.(rs|py)$/.test(f)).map((f) => join(sampleDir, f));
  assert.ok(files.length >= 20, `${files.length} sample files`);

  // What the served app says of the same files.
  const served = await PosturePage.open(app.browser, app.server.url);
  await served.addFiles(files);
  const expected = await served.page.$$eval("[data-kpi]", (tiles) =>
    tiles.map((t) => [t.dataset.kpi, t.dataset.status, t.dataset.value]),
  );

  const decoy = await serve(dist, "/");
  try {
    const p = await PosturePage.open(app.browser, pathToFileURL(join(folder, "posture.html")).href);
    await p.addFiles(files);
    const tiles = await p.page.$$eval("[data-kpi]", (tiles) =>
      tiles.map((t) => [t.dataset.kpi, t.dataset.status, t.dataset.value]),
    );
    assert.equal(tiles.length, 19);
    assert.deepEqual(tiles, expected);
    assert.ok((await p.sources()).every((s) => s.error === null));
    // The pool's helpers started from the page's inline code too.
    assert.ok(p.page.workers().length >= 2, `${p.page.workers().length} workers`);
    await p.page.screenshot({ path: join(artifacts, "single-file.png") });

    const { name, json } = await p.exportScorecard();
    assert.match(name, /^posture-scorecard-all-data-.*\.json$/);
    assert.equal(json.sources.length, files.length);
    const report = await p.download('[data-action="export-report"]');
    assert.match(report.text, /^<!doctype html>/);

    // Nothing leaves, from the page or from its worker.
    const target = `${decoy.origin}/collect`;
    const fromPage = await p.page.evaluate(
      (url) => fetch(url, { method: "POST", body: "x" }).then(() => "sent", (e) => `refused: ${e}`),
      target,
    );
    assert.match(fromPage, /^refused/);
    const fromWorker = await p.page.workers()[0].evaluate(
      (url) => fetch(url).then(() => "sent", (e) => `refused: ${e}`),
      target,
    );
    assert.match(fromWorker, /^refused/);
    assert.deepEqual(decoy.requests, [], "nothing reached the other origin");
    assert.deepEqual(p.outbound.filter((u) => !u.startsWith(decoy.origin)), []);
    // The violations are the two probes above, nothing of the app's own.
    assert.ok((await p.cspViolations()).every((v) => v.startsWith("connect-src")), await p.cspViolations());
    assert.deepEqual(p.errors.filter((e) => !e.includes(decoy.origin) && !/Failed to fetch|Refused to connect/.test(e)), []);
  } finally {
    await decoy.close();
  }
});

test("an organisation's profile: inside the single file (built with one) from file://, beside it when served", async () => {
  // An asset's name that would end the data block early, were it not escaped.
  const profile = {
    schema: "posture.profile.v1",
    targets: { critical_open: 5 },
    assets: { "registry.example/x": { name: "</SCRIPT><b>bold</b><!--" } },
  };
  // Built with the profile, from a copy of the build.
  const build = join(artifacts, "single-file-build");
  await mkdir(build, { recursive: true });
  for (const f of ["index.html", "app.css", "posture.js", "worker.js", "posture_bg.wasm", "worker_bg.wasm"]) {
    await copyFile(join(dist, f), join(build, f));
  }
  await writeFile(join(build, "org.profile.json"), JSON.stringify(profile));
  execFileSync("node", [join(repo, "tools/single-file.mjs"), build, join(build, "org.profile.json")], { stdio: "pipe" });
  const folder = join(artifacts, "single-file-profile");
  await mkdir(folder, { recursive: true });
  await copyFile(join(build, "posture.html"), join(folder, "posture.html"));
  const sample = join(sampleDir, "payments-api-image-2026-11-18.json");

  const fromDisk = await PosturePage.open(app.browser, pathToFileURL(join(folder, "posture.html")).href);
  await fromDisk.addFiles([sample]);
  await fromDisk.page.waitForSelector('[data-settings-origin^="Organisation profile"]');
  assert.match((await fromDisk.kpi("critical_open")).text, /Target at most 5/);
  assert.deepEqual(JSON.parse(await fromDisk.page.textContent("#posture-profile")), profile);
  assert.equal(await fromDisk.page.locator("b").count(), 0);
  assert.deepEqual(fromDisk.errors, []);
  assert.deepEqual(await fromDisk.cspViolations(), []);

  // The plain single file, served with a profile beside it.
  const org = await serve(dist, "/tools/posture/", { "posture.profile.json": JSON.stringify(profile) });
  try {
    const served = await PosturePage.open(app.browser, `${org.url}posture.html`);
    await served.addFiles([sample]);
    await served.page.waitForSelector('[data-settings-origin^="Organisation profile"]');
    assert.match((await served.kpi("critical_open")).text, /Target at most 5/);
    assert.ok(org.requests.some((r) => r.endsWith("/posture.profile.json")));
    assert.deepEqual(await served.cspViolations(), []);
    assert.deepEqual(served.outbound, []);
  } finally {
    await org.close();
  }
});

test("print: the scorecard adds an audit appendix, and every view fits one A4 width", async () => {
  // A4 landscape less the print stylesheet's 8 mm margins, in CSS pixels.
  const width = Math.floor(((297 - 16) / 25.4) * 96);
  const p = await PosturePage.open(app.browser, app.server.url, { viewport: { width, height: 800 } });
  await withSample(p);
  const { json } = await p.exportScorecard();
  assert.equal(await p.page.locator(".audit").isVisible(), false, "the appendix is for print only");
  await p.page.emulateMedia({ media: "print" });
  const appendix = await p.page.locator(".audit").innerText();
  assert.match(appendix, /Audit appendix: computed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC by Posture \d/);
  assert.match(appendix, /All data: \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
  for (const source of json.sources) {
    assert.ok(appendix.includes(source.name), source.name);
    if (source.taken_at) assert.ok(appendix.includes(source.taken_at.slice(0, 10)), `${source.name} ${source.taken_at}`);
  }
  for (const k of json.kpis) assert.ok(appendix.includes(k.formula), k.id);
  const pdf = await p.page.pdf({ format: "A4", landscape: true, printBackground: true });
  await writeFile(join(artifacts, "print-scorecard.pdf"), pdf);

  for (const view of ["scorecard", "metrics", "findings", "sources", "settings"]) {
    await p.page.emulateMedia({ media: "screen" });
    await p.goto(view);
    await p.page.emulateMedia({ media: "print" });
    // Nothing reaches past the page's edge, clipped by a scroller or not.
    const past = await p.page.evaluate(
      (width) =>
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > width + 0.5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
      width,
    );
    assert.deepEqual(past.slice(0, 5), [], `${view} prints wider than A4`);
  }
  await p.page.pdf({ path: join(artifacts, "print-settings.pdf"), format: "A4", landscape: true });
  assert.deepEqual(p.errors, []);
});
