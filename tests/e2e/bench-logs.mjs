// Browser benchmark for big inputs: the ~500 MB Kubernetes audit log and the folder of 1,000
// gzipped CloudTrail files of `cargo bench --bench logs`, and the 1,000 files (about 1 GB) of
// mixed formats of `cargo bench --bench many`, each dropped through the real app's file input
// (a folder's files all at once), in a fresh page per run. Measures the time from the
// input's change to `data-busy="false"`, the longest main-thread task, and Chromium's resident
// memory at the peak of loading over what it used before, as a multiple of the input; checks what
// is shown (no errored source, the KPI each input feeds has a value), stopping the run if wrong.
// Usage: node bench-logs.mjs [runs] [audit|cloudtrail|many]   (after `trunk build --offline --release`)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { launch, PosturePage } from "./page.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const runs = Number(process.argv[2] ?? 3);
const only = process.argv[3];

const generate = (bench) =>
  execFileSync("cargo", ["bench", "--quiet", "--bench", bench, "--", "--generate"], { cwd: repo, encoding: "utf8" })
    .trim()
    .split("\n");
const [auditFile, trailDir] = only === "many" ? [null, null] : generate("logs");
const trailFiles = trailDir
  ? readdirSync(trailDir).filter((n) => n.endsWith(".json.gz")).sort().map((n) => join(trailDir, n))
  : [];
const [manyDir] = !only || only === "many" ? generate("many") : [null];
const manyFiles = manyDir
  ? readdirSync(manyDir).filter((n) => !n.startsWith(".")).sort().map((n) => join(manyDir, n))
  : [];

/** A gzip file's uncompressed size: its ISIZE trailer (the files are under 4 GB). */
function gunzippedSize(path) {
  const fd = openSync(path, "r");
  const trailer = Buffer.alloc(4);
  readSync(fd, trailer, 0, 4, statSync(path).size - 4);
  closeSync(fd);
  return trailer.readUInt32LE(0);
}

const cases = [
  auditFile && {
    id: "audit",
    label: `Kubernetes audit log, one file`,
    files: [auditFile],
    mb: statSync(auditFile).size / 1e6,
    gzipMb: null,
    format: "k8s-audit",
    kpi: "deployment_block_rate",
  },
  trailDir && {
    id: "cloudtrail",
    label: `CloudTrail, ${trailFiles.length} .json.gz files at once`,
    files: trailFiles,
    mb: trailFiles.reduce((sum, f) => sum + gunzippedSize(f), 0) / 1e6,
    gzipMb: trailFiles.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6,
    format: "cloudtrail",
    kpi: "unauthorized_api_attempts",
  },
  manyDir && {
    id: "many",
    label: `${manyFiles.length} files of mixed formats at once (Trivy, Kubernetes audit, CloudTrail .json.gz)`,
    files: manyFiles,
    mb: manyFiles.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6,
    gzipMb: null,
    format: ["trivy", "k8s-audit", "cloudtrail"],
    kpi: "critical_open",
  },
].filter((c) => c && (!only || c.id === only));

/** Resident memory of every Chromium process, in MB. */
function chromiumRss() {
  const out = execFileSync("ps", ["-C", "chromium", "-o", "rss="], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) * 1.024 / 1e3;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(browser, url, c) {
  const p = await PosturePage.open(browser, url);
  await p.page.evaluate(() => {
    window.__long = [];
    window.__progress = new Set();
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__long.push(e.duration))).observe({
      type: "longtask",
    });
    // Capture phase, on the document: before the app's own change handler, which is part of the
    // time measured (with 1,000 files it takes a while).
    document.addEventListener("change", () => (window.__changed ??= performance.now()), true);
    const root = document.querySelector("#posture");
    new MutationObserver(() => {
      const shown = document.querySelector(".batch-progress");
      if (shown) window.__progress.add(shown.textContent);
      if (root.dataset.busy === "false" && window.__changed) window.__done ??= performance.now();
    }).observe(root, { attributes: true, childList: true, subtree: true, characterData: true });
  });
  const baseline = chromiumRss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, chromiumRss())), 50);
  try {
    await p.addFiles(c.files);
  } finally {
    clearInterval(sampler);
  }
  const page = await p.page.evaluate(() => ({
    app: window.__done - window.__changed,
    longest: Math.max(0, ...window.__long),
    progress: window.__progress.size,
    busy: document.querySelector("#posture").dataset.busy,
  }));
  // What is shown must be right, or the figures mean nothing.
  assert.equal(page.busy, "false", "the page is still busy");
  assert.ok(page.progress > 0, "no progress was shown while loading");
  const tile = await p.kpi(c.kpi);
  assert.ok(tile.value !== null && Number.isFinite(Number(tile.value)), `${c.kpi} shows no value: ${tile.text}`);
  await p.goto("sources");
  const errored = await p.page.locator("[data-source][data-error]").count();
  assert.equal(errored, 0, "a source failed to load");
  const formats = await p.page.$$eval("[data-source]", (rows) => rows.map((r) => r.dataset.format));
  assert.equal(formats.length, c.files.length, "not every file is listed");
  assert.ok(formats.every((f) => [c.format].flat().includes(f)), `not every file was read as ${c.format}`);
  let read = null;
  let parse = null;
  if (c.files.length === 1) {
    const meta = await p.page.innerText("[data-source] .sub");
    [, read, parse] = meta.match(/read (\d+) ms · parsed (\d+) ms/).map(Number);
  }
  await p.goto("scorecard");
  const compute = Number(await p.page.getAttribute("[data-compute-ms]", "data-compute-ms"));
  assert.deepEqual(p.errors, [], "the page logged errors");
  await p.page.context().close();
  return { ...page, read, parse, compute, rss: peak - baseline, kpiValue: Number(tile.value), kpiText: tile.text };
}

const server = await serve(process.env.POSTURE_DIST ?? join(repo, "dist"));
const browser = await launch();
const results = [];
try {
  for (const c of cases) {
    const rows = [];
    for (let run = 0; run < runs; run += 1) {
      const r = await once(browser, server.url, c);
      console.error(
        `${c.id} run ${run + 1}: ${Math.round(r.app)} ms, longest task ${Math.round(r.longest)} ms, ` +
          `+${Math.round(r.rss)} MB resident, ${c.kpi} = ${r.kpiValue}`,
      );
      rows.push(r);
    }
    results.push({ c, rows });
  }
} finally {
  await browser.close();
  await server.close();
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
console.log(`Median of ${runs} runs, Chromium ${browser.version()}, fresh page per run.\n`);
console.log("| input | drop → rendered | throughput | longest main-thread task | Chromium's extra resident memory at peak |");
console.log("|---|---|---|---|---|");
for (const { c, rows } of results) {
  const pick = (k) => median(rows.map((r) => r[k]));
  const size = c.gzipMb ? `${c.mb.toFixed(1)} MB (${c.gzipMb.toFixed(1)} MB gzipped)` : `${c.mb.toFixed(1)} MB`;
  console.log(
    `| ${c.label}, ${size} | ${fmt(pick("app"))} ms | ${fmt(c.mb / (pick("app") / 1000))} MB/s | ` +
      `${fmt(pick("longest"))} ms | ${fmt(pick("rss"))} MB (${(pick("rss") / c.mb).toFixed(2)}× the input) |`,
  );
}
for (const { c, rows } of results) {
  const pick = (k) => median(rows.map((r) => r[k]));
  const parts = [`${c.kpi} ${rows[0].kpiValue}`, `view computed in ${fmt(pick("compute"))} ms`];
  if (rows[0].read !== null) parts.unshift(`read ${fmt(pick("read"))} ms, parsed ${fmt(pick("parse"))} ms in the worker`);
  console.log(`\n${c.id}: ${parts.join("; ")}.`);
}
