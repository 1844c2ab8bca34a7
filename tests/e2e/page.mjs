// A page object for Posture, driven through the SPEC §9 test hooks only.
import { after, before } from "node:test";
import { mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";

import { serve } from "./server.mjs";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export class PosturePage {
  /** @param {import("playwright-core").Page} page */
  constructor(page, url) {
    this.page = page;
    this.url = url;
    this.outbound = [];
    this.violations = [];
    this.errors = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!["blob:", "data:"].includes(url.protocol) && url.origin !== new URL(this.url).origin) {
        this.outbound.push(request.url());
      }
    });
    page.on("console", (message) => {
      // The organisation's profile is optional: the browser logs its absence (a 404), which is
      // the app asking, not the app failing.
      const optional = message.location().url.endsWith("/posture.profile.json");
      if (message.type() === "error" && !optional) this.errors.push(message.text());
    });
    page.on("pageerror", (error) => this.errors.push(String(error)));
  }

  /** Opens the app in a fresh context; `options` adds to the context's (viewport, colorScheme). */
  static async open(browser, url, options = {}) {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 }, ...options });
    const posture = new PosturePage(await context.newPage(), url);
    if (process.env.BENCH_LOG) posture.page.on("console", (m) => console.error(m.text()));
    await posture.page.addInitScript(() => {
      // Marks the moment the first KPI tile is on the page (first render, for the benchmark).
      new MutationObserver((_, observer) => {
        if (document.querySelector("[data-kpi]")) {
          performance.mark("posture-tiles");
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await posture.page.goto(url);
    await posture.idle();
    return posture;
  }

  root() {
    return this.page.locator("#posture");
  }

  /** Waits until the app has finished everything it was asked. */
  async idle() {
    await this.page.waitForFunction(() => document.querySelector("#posture")?.dataset.busy === "false", null, {
      timeout: 120_000,
    });
  }

  /** How many files the Sources tab counts. */
  async sourceCount() {
    return this.page.evaluate(() => {
      const tab = document.querySelector('a.tab[href="#/sources"]')?.textContent ?? "";
      return Number(tab.match(/\((\d+)\)/)?.[1] ?? 0);
    });
  }

  /** Waits until `count` files are listed and everything asked has been done. */
  async settled(count) {
    await this.page.waitForFunction(
      (count) => {
        const tab = document.querySelector('a.tab[href="#/sources"]')?.textContent ?? "";
        const listed = Number(tab.match(/\((\d+)\)/)?.[1] ?? 0);
        return listed === count && document.querySelector("#posture")?.dataset.busy === "false";
      },
      count,
      { timeout: 120_000 },
    );
  }

  /** Drops files through the file input and waits for them to be processed. */
  async addFiles(paths) {
    const before = await this.sourceCount();
    await this.page.setInputFiles("input[type=file]", paths);
    await this.settled(before + paths.length);
  }

  async goto(view) {
    await this.page.evaluate((hash) => (location.hash = hash), `#/${view}`);
    await this.page.waitForFunction(
      (view) => document.querySelector(`a.tab.active[href="#/${view}"]`) !== null,
      view,
    );
  }

  async kpi(id) {
    const tile = this.page.locator(`[data-kpi="${id}"]`);
    return {
      status: await tile.getAttribute("data-status"),
      value: await tile.getAttribute("data-value"),
      previous: await tile.getAttribute("data-previous"),
      text: await tile.innerText(),
    };
  }

  async sources() {
    return this.page.$$eval("[data-source]", (rows) =>
      rows.map((row) => ({
        name: row.dataset.source,
        format: row.dataset.format,
        error: row.dataset.error ?? null,
        text: row.innerText,
      })),
    );
  }

  /** Clicks `selector` and reads the file it downloads: { name, text }. */
  async download(selector) {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.click(selector)]);
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
  }

  /** Clicks the export control and returns the downloaded scorecard JSON. */
  async exportScorecard() {
    const { name, text } = await this.download('[data-action="export-scorecard"]');
    return { name, json: JSON.parse(text) };
  }

  async cspViolations() {
    return this.page.evaluate(() => window.__violations);
  }
}

/**
 * Serves `dist` and starts Chromium before a test file's tests, and stops both after them:
 * `app.server` and `app.browser` are there once the tests run.
 */
export function servedApp(dist, artifacts) {
  const app = {};
  before(async () => {
    await mkdir(artifacts, { recursive: true });
    app.server = await serve(dist);
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}
