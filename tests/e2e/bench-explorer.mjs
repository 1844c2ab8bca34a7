// Browser benchmark for the findings explorer (SPEC §10: "a million findings explorable"):
// 1,000,000 vulnerabilities in 20 Trivy reports of 50,000 each (one image each), generated here
// deterministically, dropped through the app's file input. Then, on `#/findings`: scroll through
// the table a wheel turn at a time, jump to its last row, filter by severity, search, sort by
// title and scroll to the end again. Each step is timed from the action until its rows are on
// screen, and every main-thread task longer than 50 ms is recorded (PerformanceObserver
// `longtask`); the goal is none over 100 ms. The counts on screen are checked against the
// generator's, stopping the run if wrong.
// Usage: node bench-explorer.mjs [runs]   (after `trunk build --offline --release`)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { launch, PosturePage } from "./page.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const runs = Number(process.argv[2] ?? 3);
const dir = join(here, "artifacts/explorer");

const IMAGES = 20;
const PER_IMAGE = 50_000;
const TOTAL = IMAGES * PER_IMAGE;
// Severity by the vulnerability's number: 1 in 10 critical, 2 high, 3 medium, 4 low.
const severity = (i) => ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", "LOW", "LOW"][i % 10];
// Packages by number: `pkg-1234` names 1 in 5,000 of each image's vulnerabilities.
const PACKAGES = 5_000;

/** Writes the reports; returns their paths. Findings are unique by CVE and package per image. */
function generate() {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (let image = 0; image < IMAGES; image += 1) {
    const vulns = [];
    for (let i = 0; i < PER_IMAGE; i += 1) {
      const pkg = `pkg-${i % PACKAGES}`;
      vulns.push(
        `{"VulnerabilityID":"CVE-2026-${String(100000 + i)}","PkgName":"${pkg}","InstalledVersion":"1.${i % 7}.0",` +
          `"FixedVersion":"1.${(i % 7) + 1}.0","Severity":"${severity(i)}","Title":"${pkg}: flaw number ${i}"}`,
      );
    }
    const text =
      `{"SchemaVersion":2,"CreatedAt":"2026-11-30T06:00:00Z","ArtifactName":"registry.example/team-${image}/service:1.0",` +
      `"ArtifactType":"container_image","Results":[{"Target":"service (debian 12.7)","Class":"os-pkgs","Type":"debian",` +
      `"Vulnerabilities":[${vulns.join(",")}]}]}`;
    const path = join(dir, `service-${image}.json`);
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}

const paths = generate();
const mb = paths.reduce((sum, p) => sum + statSync(p).size, 0) / 1e6;
const expected = {
  critical: TOTAL / 10,
  // "pkg-7" is in pkg-7, pkg-70…79 and pkg-700…799 (pkg-7000 and up do not exist): 111 packages,
  // each named by PER_IMAGE / PACKAGES findings of every image (in package and title alike).
  search: (1 + 10 + 100) * (PER_IMAGE / PACKAGES) * IMAGES,
};

/** Resident memory of every Chromium process, in MB. */
function chromiumRss() {
  const out = execFileSync("ps", ["-C", "chromium", "-o", "rss="], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1e3;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The titles "pkg-7" finds, in the order a sort by title gives (byte order, as Rust's).
const searched = [];
for (let i = 0; i < PER_IMAGE; i += 1) {
  if (`pkg-${i % PACKAGES}`.includes("pkg-7")) searched.push(`pkg-${i % PACKAGES}: flaw number ${i}`);
}
searched.sort();

/**
 * Waits until the explorer shows `total` matching rows and row `row` (1-based) is on screen, with
 * the title `title` when one is given (a new order of as many rows).
 */
async function shown(p, total, row, title = null) {
  await p.page.waitForFunction(
    ([total, row, title]) => {
      const table = document.querySelector("[data-findings-total]");
      const shown = document.querySelector(`[data-finding][aria-rowindex="${row + 2}"]`);
      // On screen, whole: inside the scroller's visible box.
      const view = document.querySelector(".findings-scroller").getBoundingClientRect();
      const box = shown?.getBoundingClientRect();
      return (
        table?.dataset.findingsTotal === String(total) &&
        shown != null &&
        box.top >= view.top - 1 &&
        box.bottom <= view.bottom + 1 &&
        (title === null || shown.querySelector(".col-title")?.textContent === title)
      );
    },
    [total, row, title],
    { timeout: 120_000, polling: "raf" },
  );
}

async function timed(p, action, total, row, title = null) {
  const started = await p.page.evaluate(() => performance.now());
  await action();
  await shown(p, total, row, title);
  return (await p.page.evaluate(() => performance.now())) - started;
}

const toEnd = (p) =>
  p.page.evaluate(() => {
    const scroller = document.querySelector(".findings-scroller");
    scroller.scrollTop = scroller.scrollHeight;
  });

const server = await serve(join(repo, "dist"));
const browser = await launch();
const rows = {
  rss: [], load: [], wheel: [], end: [], filter: [], search: [], sort: [], sortedEnd: [], longest: [], over100: [],
  period: [], periodBack: [], remove: [], changeLongest: [],
};

/** From an action that makes the worker answer with a new view until the page is idle again. */
async function untilIdle(p, action) {
  const started = await p.page.evaluate(() => performance.now());
  await action();
  await p.page.waitForFunction(() => document.querySelector("#posture").dataset.busy === "false", null, {
    polling: "raf",
    timeout: 120_000,
  });
  return (await p.page.evaluate(() => performance.now())) - started;
}
try {
  for (let run = 0; run < runs; run += 1) {
    const p = await PosturePage.open(browser, server.url);
    const baseline = chromiumRss();
    const loadStarted = Date.now();
    await p.addFiles(paths);
    const load = Date.now() - loadStarted;
    const rss = chromiumRss() - baseline;
    assert.equal((await p.kpi("critical_open")).value, String(expected.critical));
    await p.goto("findings");
    await shown(p, TOTAL, 1);
    await p.page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__long.push(e.duration))).observe({
        type: "longtask",
      });
    });
    // A hundred wheel turns down the table, as a hand would scroll, then its last row.
    await p.page.hover(".findings-scroller");
    const wheelStarted = await p.page.evaluate(() => performance.now());
    for (let i = 0; i < 100; i += 1) {
      await p.page.mouse.wheel(0, 1200);
      await p.page.evaluate(() => new Promise(requestAnimationFrame));
    }
    const wheel = ((await p.page.evaluate(() => performance.now())) - wheelStarted) / 100;
    const end = await timed(p, () => toEnd(p), TOTAL, TOTAL);
    const filter = await timed(p, () => p.page.selectOption('[data-filter="severity"]', "critical"), expected.critical, 1);
    await p.page.selectOption('[data-filter="severity"]', "");
    await shown(p, TOTAL, 1);
    const search = await timed(
      p,
      async () => {
        await p.page.fill('[data-filter="text"]', "pkg-7");
        await p.page.locator('[data-filter="text"]').dispatchEvent("change");
      },
      expected.search,
      1,
    );
    const sort = await timed(p, () => p.page.click('[data-sort="title"]'), expected.search, 1, searched[0]);
    const sortedEnd = await timed(p, () => toEnd(p), expected.search, expected.search, searched.at(-1));
    const long = await p.page.evaluate(() => window.__long);
    await p.page.screenshot({ path: join(dir, "../explorer-million.png") });
    // A new period, and back; then a file removed: the scorecard computed again each time.
    await p.goto("scorecard");
    await p.page.evaluate(() => (window.__long = []));
    const period = await untilIdle(p, () => p.page.selectOption('[data-action="period"]', "30"));
    const periodBack = await untilIdle(p, () => p.page.selectOption('[data-action="period"]', "all"));
    await p.goto("sources");
    const remove = await untilIdle(p, () => p.page.locator("[data-source] button", { hasText: "Remove" }).first().click());
    assert.equal(await p.sourceCount(), paths.length - 1);
    const changeLong = await p.page.evaluate(() => window.__long);
    const values = {
      rss,
      load,
      wheel,
      end,
      filter,
      search,
      sort,
      sortedEnd,
      longest: Math.max(0, ...long),
      over100: long.filter((d) => d > 100).length,
      period,
      periodBack,
      remove,
      changeLongest: Math.max(0, ...changeLong),
    };
    for (const [k, v] of Object.entries(values)) rows[k].push(v);
    assert.deepEqual(p.outbound, []);
    await p.page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}

const ms = (k) => `${Math.round(median(rows[k]))} ms`;
console.log(
  `Input: ${paths.length} Trivy reports, ${TOTAL.toLocaleString("en")} vulnerabilities, ${mb.toFixed(1)} MB; ` +
    `median of ${runs} runs, Chromium ${browser.version()}\n`,
);
console.log("| step (action → its rows on screen) | time |\n|---|---|");
console.log(`| load: drop → scorecard | ${ms("load")} |`);
console.log(`| one wheel turn (1,200 px) while scrolling down | ${ms("wheel")} |`);
console.log(`| jump to the last of 1,000,000 rows | ${ms("end")} |`);
console.log(`| filter: severity critical (${expected.critical.toLocaleString("en")} rows) | ${ms("filter")} |`);
console.log(`| search "pkg-7" over every text column (${expected.search.toLocaleString("en")} rows) | ${ms("search")} |`);
console.log(`| sort those by title | ${ms("sort")} |`);
console.log(`| jump to the last of them | ${ms("sortedEnd")} |`);
console.log(`| scorecard: a new period (the last 30 days) → computed and shown | ${ms("period")} |`);
console.log(`| scorecard: back to all data | ${ms("periodBack")} |`);
console.log(`| scorecard: one of the ${paths.length} files removed | ${ms("remove")} |`);
console.log(`\nChromium's extra resident memory once loaded: ${Math.round(median(rows.rss))} MB.`);
console.log(`Longest main-thread task while the scorecard is computed again: ${ms("changeLongest")}.`);
console.log(
  `Longest main-thread task while exploring: ${ms("longest")}; tasks over 100 ms: ${median(rows.over100)} (median).`,
);
