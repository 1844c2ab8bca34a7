// Writes posture.html beside index.html: the whole app in one file that works when opened from
// file:// (a USB stick, a laptop with no network). Trunk runs it after each build (Trunk.toml's
// post_build hook), on the folder it is about to publish (TRUNK_STAGING_DIR). By hand:
//
//   node tools/single-file.mjs dist [posture.profile.json]
//
// rewrites dist/posture.html, with an organisation's profile inside when one is given (from
// file:// the app cannot read a profile beside it; served, it reads the one beside it).
//
// From file:// a page can load nothing beside it, so everything is inside: the style sheet, the
// page's script with the boot code after it, and the Wasm of the page and of the worker (base64,
// in data blocks the browser does not run). The boot decodes the page's Wasm and starts it, and
// compiles the worker's once, for the page to hand to its worker (src/spawn.rs). The policy is
// the served app's: its one script and one style sheet are allowed by hash, and it may connect
// to its own origin only (served, for the profile beside it; from file://, nothing).

import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error("usage: node tools/single-file.mjs <build folder> [posture.profile.json]");
const profilePath = process.env.TRUNK_STAGING_DIR ? undefined : process.argv[3];

const text = (name) => readFile(join(dir, name), "utf8");
const bytes = (name) => readFile(join(dir, name));
const hash = (source) => `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
// Text inside <script> or <style> must not end the element early (end tags match in any case)
// nor open an HTML comment; and a browser hashes inline text with its line ends as LF.
const safe = (source) =>
  source
    .replace(/\r\n?/g, "\n")
    .replace(/<\/(script|style)/gi, "<\\/$1")
    .replaceAll("<!--", "<\\!--");

const [index, css, pageJs, workerJs, pageWasm, workerWasm] = await Promise.all([
  text("index.html"),
  text("app.css"),
  text("posture.js"),
  text("worker.js"),
  bytes("posture_bg.wasm"),
  bytes("worker_bg.wasm"),
]);

// Checked as JSON here; the app checks it as a profile, as it does the served one.
// `<` as \u003c: the same JSON, and no markup in the data block.
const profile =
  profilePath && JSON.stringify(JSON.parse(await readFile(profilePath, "utf8"))).replaceAll("<", "\\u003c");

// wasm-bindgen's init, exported as `export { … __wbg_init as default }` or `export default …`.
const init =
  pageJs.match(/export \{[^}]*\b(\w+) as default\b[^}]*\};/)?.[1] ?? pageJs.match(/^export default (\w+);/m)?.[1];
if (!init) throw new Error("posture.js: no default export (wasm-bindgen's init) found");
// Inline, the page's script can load nothing: no imports (wasm-bindgen snippets would be some).
if (/^\s*import\s/m.test(pageJs) || /\bimport\s*\(/.test(pageJs)) {
  throw new Error("posture.js imports other files: the single-file app cannot load them");
}
if (/\bimportScripts\s*\(/.test(workerJs)) throw new Error("worker.js imports other scripts");

const boot = `${safe(pageJs)}
// The single-file app's boot: everything comes from this page's own data blocks.
const block = (id) => {
  const base64 = document.getElementById(id).textContent.trim();
  return Uint8Array.fromBase64 ? Uint8Array.fromBase64(base64) : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
};
globalThis.postureInline = {
  script: new TextDecoder().decode(block("posture-worker-js")),
  module: await WebAssembly.compile(block("posture-worker-wasm")),
  profile: document.getElementById("posture-profile")?.textContent,
};
await ${init}({ module_or_path: block("posture-page-wasm") });
`;
const style = safe(css);

const policy =
  `default-src 'none'; script-src ${hash(boot)} 'wasm-unsafe-eval'; worker-src blob:; connect-src 'self'; ` +
  `style-src ${hash(style)}; img-src data:; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'`;

const data = (id, content) => `<script type="application/octet-stream" id="${id}">\n${content}\n</script>`;

let html = index
  .replace(/<!--[\s\S]*?-->\s*/, "")
  .replace(/(http-equiv="Content-Security-Policy"\s+content=")[^"]*"/, `$1${policy}"`)
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${style}</style>`)
  .replace(/<link data-trunk[^>]*>\s*/g, "")
  .replace(/<script type="module" src="boot\.js"><\/script>/, () =>
    [
      data("posture-page-wasm", pageWasm.toString("base64")),
      data("posture-worker-wasm", workerWasm.toString("base64")),
      data("posture-worker-js", Buffer.from(workerJs).toString("base64")),
      ...(profile ? [`<script type="application/json" id="posture-profile">${safe(profile)}</script>`] : []),
      `<script type="module">${boot}</script>`,
    ].join("\n    "),
  );

for (const [what, pattern] of [
  ["policy", /script-src 'sha256-/],
  ["style", /<style>/],
  ["boot", /<script type="module">/],
]) {
  if (!pattern.test(html)) throw new Error(`index.html changed: the single-file app has no ${what}`);
}
await writeFile(join(dir, "posture.html"), html);
console.log(`posture.html: ${(html.length / 1e6).toFixed(1)} MB, the whole app in one file${profile ? ", with " + profilePath : ""}`);
