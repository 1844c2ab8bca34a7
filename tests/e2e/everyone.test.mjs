// End to end in Chromium: the page for everyone — dark mode that follows the system, a phone's
// width without sideways scrolling.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { launch, PosturePage } from "./page.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");

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

/** The sample loaded, in a page opened with `options`. */
async function withSample(options) {
  const p = await PosturePage.open(browser, server.url, options);
  await p.page.getByRole("button", { name: "Try with sample data" }).click();
  await p.settled(23);
  return p;
}

/** Relative luminance of a CSS `rgb(…)` colour, and the contrast of two (WCAG 2). */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

describe("Everyone in Chromium", () => {
  test("dark mode follows the system setting, and text keeps its contrast", async () => {
    const p = await withSample({ colorScheme: "dark" });
    const colours = await p.page.evaluate(() => {
      const style = (selector) => getComputedStyle(document.querySelector(selector));
      return {
        page: getComputedStyle(document.documentElement).backgroundColor,
        text: style("body").color,
        tile: style("[data-kpi]").backgroundColor,
        label: style("[data-kpi] h3").color,
        status: style("[data-kpi] .status").color,
        statusBg: style("[data-kpi] .status").backgroundColor,
      };
    });
    assert.ok(luminance(colours.page) < 0.05, `a dark page: ${colours.page}`);
    assert.ok(contrast(colours.text, colours.page) >= 4.5, "body text");
    assert.ok(contrast(colours.label, colours.tile) >= 4.5, "tile titles");
    assert.ok(contrast(colours.status, colours.statusBg) >= 4.5, `status words: ${colours.status} on ${colours.statusBg}`);
    // Status is in words on every tile, not in colour alone.
    const words = await p.page.$$eval("[data-kpi] .status", (els) => els.map((e) => e.textContent.trim()));
    assert.ok(words.length > 0 && words.every((w) => w.length > 0));
    await p.page.screenshot({ path: join(artifacts, "dark-scorecard.png"), fullPage: true });
    await p.goto("metrics");
    await p.page.screenshot({ path: join(artifacts, "dark-metrics.png"), fullPage: true });
    assert.deepEqual(p.errors, []);
  });
});
