// End to end in Chromium: an organisation's scorecard from its teams' summaries. Three teams
// summarise their share of the sample files with the `posture` command; the page takes the three
// summaries dropped together, and one more dropped after, and shows the scorecard of the files
// themselves — the same KPIs, sources and metrics as the 23 files dropped at once.

import { describe, test } from "node:test";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { PosturePage, servedApp } from "./page.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");
const sampleDir = join(repo, "src/core/sample");

/** The native command: `.ci/test` builds target/debug/posture before the browser tests. */
const posture =
  process.env.POSTURE_BIN ??
  [join(repo, "target/debug/posture"), join(repo, "target/cli/posture")].find((p) => existsSync(p));

const app = servedApp(dist, artifacts);

/** What a scorecard says, without when it was made. */
function said(json) {
  const { generated_at: _, ...rest } = json;
  return rest;
}

describe("summaries", () => {
  test("team summaries dropped on the page give the organisation's scorecard: the files' own", async () => {
    assert.ok(posture, "build the command: cargo build --bin posture");
    const files = (await readdir(sampleDir)).filter((f) => !f.endsWith(".py")).sort();
    assert.equal(files.length, 23);
    const out = join(artifacts, "summaries");
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    // Four teams, the files dealt round-robin (so each asset's history spans teams).
    const teams = [0, 1, 2, 3].map((t) => {
      const path = join(out, `team-${t}.summary.json`);
      const mine = files.filter((_, i) => i % 4 === t).map((f) => join(sampleDir, f));
      execFileSync(posture, ["summarize", "-q", ...mine, "-o", path]);
      return path;
    });

    const direct = await PosturePage.open(app.browser, app.server.url);
    await direct.page.setInputFiles(
      "input[type=file]",
      files.map((f) => join(sampleDir, f)),
    );
    await direct.settled(23);
    const expected = said((await direct.exportScorecard()).json);

    const org = await PosturePage.open(app.browser, app.server.url);
    await org.page.setInputFiles("input[type=file]", teams.slice(0, 3));
    await org.settled(files.filter((_, i) => i % 4 !== 3).length);
    await org.page.setInputFiles("input[type=file]", teams[3]);
    await org.settled(23);
    const merged = said((await org.exportScorecard()).json);
    assert.deepEqual(merged, expected);
    assert.ok(merged.kpis.filter((k) => k.value !== null).length >= 18);
    for (const kpi of ["critical_open", "vuln_mttr", "mttd", "compliance_score", "deployment_block_rate"]) {
      assert.deepEqual(await org.kpi(kpi), await direct.kpi(kpi), kpi);
    }
    // The sources are the files, by their names, not the summaries.
    await org.goto("sources");
    const sources = await org.sources();
    assert.deepEqual(sources.map((s) => s.name).sort(), files);
    assert.deepEqual(org.outbound, []);
    assert.deepEqual(org.errors, []);
    await org.page.screenshot({ path: join(artifacts, "summaries.png"), fullPage: true });
    await direct.page.context().close();
    await org.page.context().close();
  });

  test("a summary from a newer Posture is refused with the reason, and counts nothing", async () => {
    const out = join(artifacts, "summaries");
    const path = join(out, "newer.summary.json");
    const text = await readFile(join(out, "team-0.summary.json"), "utf8");
    await writeFile(path, text.replace('"encoding":1', '"encoding":9').replace(/"posture_version":"[^"]*"/, '"posture_version":"99.0.0"'));
    const p = await PosturePage.open(app.browser, app.server.url);
    await p.addFiles([path]);
    await p.goto("sources");
    const [row] = await p.sources();
    assert.equal(row.name, "newer.summary.json");
    assert.match(row.error ?? row.text, /made by Posture 99\.0\.0, newer than this one/);
    await p.goto("scorecard");
    assert.equal((await p.kpi("critical_open")).status, "no_data");
    await p.page.context().close();
  });
});
