//! Starting the worker, or a helper of its pool, from a `blob:` URL: a worker loaded from its
//! own URL would not be bound by the page's meta Content-Security-Policy, one started from a
//! `blob:` URL inherits the policy of whoever starts it.

use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, Url, Worker};

/// Starts a worker running `script` with its Wasm `wasm` (absolute URLs), told them and whether
/// it is a helper in `self.posture`. Messages that arrive before the Wasm is ready are held and
/// replayed once it is; a Wasm that does not start throws in the worker, which its starter sees
/// as an error event rather than a worker that never answers.
pub fn start(script: &str, wasm: &str, helper: bool) -> Result<Worker, JsValue> {
    let quote = |url: &str| serde_json::to_string(url).unwrap_or_default();
    let bootstrap = format!(
        "self.posture = {{ script: {script}, wasm: {wasm}, helper: {helper} }};\n\
         importScripts({script});\n\
         const early = [];\n\
         self.onmessage = (event) => early.push(event);\n\
         const fail = (e) => setTimeout(() => {{ throw e; }});\n\
         wasm_bindgen({{ module_or_path: {wasm} }}).then(() => {{\n\
           try {{ early.forEach((event) => self.onmessage(event)); }} catch (e) {{ fail(e); }}\n\
         }}, fail);\n",
        script = quote(script),
        wasm = quote(wasm),
    );
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&bootstrap.into()), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    Worker::new(&url)
}
