// Loads the page's WebAssembly. A file, not an inline script: the Content-Security-Policy runs
// no script it did not declare. Paths are relative, so the app works at any sub-path.
import init from "./posture.js";

init({ module_or_path: new URL("posture_bg.wasm", import.meta.url) });
