// End to end in Chromium: the page for everyone — dark mode that follows the system, a phone's
// width without sideways scrolling, the keyboard, screen readers, and axe-core on every view.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { PosturePage, servedApp } from "./page.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dist = process.env.POSTURE_DIST ?? join(repo, "dist");
const artifacts = join(here, "artifacts");
const VIEWS = ["scorecard", "metrics", "findings", "sources", "settings"];

/** axe-core's violations on the page as it stands (every rule axe runs by default). */
async function axeViolations(page) {
  const source = await readFile(join(here, "node_modules/axe-core/axe.min.js"), "utf8");
  // Evaluated by the test harness, not by the page: the page's CSP allows no inline script.
  await page.evaluate(source);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

const app = servedApp(dist, artifacts);


/** The sample loaded, in a page opened with `options`. */
async function withSample(options) {
  const p = await PosturePage.open(app.browser, app.server.url, options);
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

  test("axe-core finds nothing on any view, with data loaded, light and dark", async () => {
    for (const colorScheme of ["light", "dark"]) {
      const p = await PosturePage.open(app.browser, app.server.url, { colorScheme });
      assert.deepEqual(await axeViolations(p.page), [], `${colorScheme} start page`);
      await p.page.getByRole("button", { name: "Try with sample data" }).click();
      await p.settled(23);
      for (const view of VIEWS) {
        await p.goto(view);
        if (view === "findings") await p.page.waitForSelector("[data-finding]");
        assert.deepEqual(await axeViolations(p.page), [], `${colorScheme} ${view}`);
      }
      assert.deepEqual(p.errors, []);
      await p.page.context().close();
    }
  });

  test("at a phone's 390 px nothing scrolls sideways; the header and tables reflow", async () => {
    const p = await withSample({ viewport: { width: 390, height: 844 } });
    for (const view of VIEWS) {
      await p.goto(view);
      if (view === "findings") await p.page.waitForSelector("[data-finding]");
      const width = await p.page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
      }));
      assert.ok(width.page <= width.view, `${view}: the page is ${width.page} px wide in a ${width.view} px window`);
      await p.page.screenshot({ path: join(artifacts, `narrow-${view}.png`), fullPage: view !== "metrics" });
    }
    // The tabs wrap under the name, every one of them on screen.
    const tabs = await p.page.$$eval("a.tab", (tabs) => tabs.map((t) => t.getBoundingClientRect().right));
    assert.equal(tabs.length, 5);
    assert.ok(tabs.every((right) => right <= 390), `tabs end at ${tabs}`);
    // A source's row is a card: each cell says its column.
    await p.goto("sources");
    const cell = p.page.locator("[data-source] td[data-label='Snapshot time']").first();
    const box = await cell.boundingBox();
    assert.ok(box.width > 300, `a cell takes the card's width (${box.width} px)`);
    // The explorer keeps its columns and scrolls inside its own box.
    await p.goto("findings");
    const grid = await p.page.$eval(".findings-table", (t) => ({ box: t.clientWidth, content: t.scrollWidth }));
    assert.ok(grid.box <= 390 && grid.content > grid.box);
    assert.deepEqual(p.errors, []);
  });

  test("the keyboard reaches every control, with visible focus; screen readers hear what happens", async () => {
    const p = await PosturePage.open(app.browser, app.server.url);
    // The hidden file input is reached through "choose files", never as a tab stop of its own.
    assert.equal(await p.page.getAttribute("input[type=file]", "tabindex"), "-1");
    // Loading is said in a live region that is on the page before anything loads.
    const live = p.page.locator("[role=status][aria-live=polite][data-announcement]");
    assert.equal(await live.count(), 1);
    // The sample, by keyboard: Tab to its button, Enter.
    let focused = "";
    for (let i = 0; i < 20 && focused !== "Try with sample data"; i++) {
      await p.page.keyboard.press("Tab");
      focused = await p.page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
    }
    assert.equal(focused, "Try with sample data");
    await p.page.keyboard.press("Enter");
    await p.settled(23);
    assert.equal(await live.innerText(), "23 files read");

    // Tab through the whole scorecard: every visible control is reached, and shows where the
    // focus is. Each control is numbered first, so the stops can be told apart.
    const controls = await p.page.$$eval("a[href], button, input, select, summary, [tabindex]", (els) =>
      els
        .filter((e) => !e.disabled && e.tabIndex >= 0 && e.checkVisibility({ visibilityProperty: true }))
        .map((e, i) => {
          e.dataset.probe = String(i);
          return `${e.tagName.toLowerCase()} ${e.textContent.trim().slice(0, 40)}`;
        }),
    );
    assert.ok(controls.length > 30, `${controls.length} controls on the scorecard`);
    const reached = new Map();
    for (let i = 0; i < controls.length * 2 && reached.size < controls.length; i++) {
      await p.page.keyboard.press("Tab");
      const focus = await p.page.evaluate(() => {
        const e = document.activeElement;
        if (!e?.dataset.probe) return null;
        const style = getComputedStyle(e);
        return { probe: e.dataset.probe, outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
      });
      if (focus) reached.set(Number(focus.probe), focus.outline);
    }
    const missed = controls.filter((_, i) => !reached.has(i));
    assert.deepEqual(missed, [], "controls the keyboard never reached");
    const unmarked = controls.filter((_, i) => reached.get(i) === false);
    assert.deepEqual(unmarked, [], "controls whose focus cannot be seen");
    // Each "How it is measured" says which KPI it is for.
    const names = await p.page.$$eval("[data-kpi] summary", (els) => els.map((e) => e.textContent.trim()));
    const labels = await p.page.$$eval("[data-kpi] h3", (els) => els.map((e) => e.textContent.trim()));
    assert.equal(names.length, 19);
    names.forEach((name, i) => assert.equal(name, `How it is measured: ${labels[i]}`));
    // A heading per level: the name, the view, its parts.
    for (const view of VIEWS) {
      await p.goto(view);
      const levels = await p.page.$$eval("h1, h2, h3", (hs) => hs.map((h) => Number(h.tagName[1])));
      assert.equal(levels.filter((l) => l === 1).length, 1, `${view}: one h1`);
      assert.equal(levels[1], 2, `${view}: the view's heading follows the name`);
      levels.forEach((l, i) => assert.ok(i === 0 || l <= levels[i - 1] + 1, `${view}: no level skipped (${levels})`));
    }
    // A failed file is announced.
    await p.page.setInputFiles("input[type=file]", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    await p.settled(24);
    assert.equal(await live.innerText(), "1 file could not be read: see Sources");
    assert.deepEqual(p.errors, []);
  });
});
