//! Starting the worker, or a helper of its pool, from a `blob:` URL: a worker loaded from its
//! own URL would not be bound by the page's meta Content-Security-Policy, one started from a
//! `blob:` URL inherits the policy of whoever starts it.
//!
//! Served, a worker loads its script and Wasm by URL. The single-file app (`posture.html`,
//! opened from `file://`) can load nothing: its worker's script is text in the blob itself and
//! its Wasm, compiled once by the page, is handed over in the worker's first message.

use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, Url, Worker};

/// Where a worker's code comes from.
pub enum Code {
    /// The build's files, by absolute URL.
    Files { script: String, wasm: String },
    /// The single-file app's: the script's text and the compiled `WebAssembly.Module`.
    Inline { script: String, module: JsValue },
}

impl Code {
    /// The worker's code as the page has it: inline when the single-file app's boot left it in
    /// `postureInline`, else the files beside the page.
    pub fn of_page() -> Result<Code, JsValue> {
        let global = js_sys::global();
        let inline = js_sys::Reflect::get(&global, &"postureInline".into())?;
        if inline.is_object() {
            return Ok(Code::Inline {
                script: get(&inline, "script")?.as_string().unwrap_or_default(),
                module: get(&inline, "module")?,
            });
        }
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let base = document.base_uri()?.unwrap_or_default();
        let absolute = |file: &str| Url::new_with_base(file, &base).map(|u| u.href());
        Ok(Code::Files {
            script: absolute("worker.js")?,
            wasm: absolute("worker_bg.wasm")?,
        })
    }

    /// A worker's own code, as its bootstrap set it on `self.posture`, to start helpers.
    pub fn of_worker() -> Option<Code> {
        let posture = get(&js_sys::global(), "posture").ok()?;
        let script = get(&posture, "script").ok()?.as_string()?;
        let module = get(&posture, "module").ok()?;
        if module.is_object() {
            return Some(Code::Inline { script, module });
        }
        let wasm = get(&posture, "wasm").ok()?.as_string()?;
        Some(Code::Files { script, wasm })
    }
}

/// The organisation's profile the single-file app was built with, if any.
pub fn inline_profile() -> Option<String> {
    let inline = get(&js_sys::global(), "postureInline").ok()?;
    get(&inline, "profile").ok()?.as_string()
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(target, &key.into())
}

/// Starts a worker running `code`, told whether it is a helper in `self.posture`. Messages that
/// arrive before the Wasm is ready are held and replayed once it is; a Wasm that does not start
/// throws in the worker, which its starter sees as an error event rather than a worker that
/// never answers.
pub fn start(code: &Code, helper: bool) -> Result<Worker, JsValue> {
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    // In a block of its own, so that its names never meet the worker script's.
    const REPLAY: &str = "const early = [];\n\
         const fail = (e) => setTimeout(() => { throw e; });\n\
         const ready = () => {\n\
           try { early.forEach((event) => self.onmessage(event)); } catch (e) { fail(e); }\n\
         };\n";
    let bootstrap = match code {
        Code::Files { script, wasm } => format!(
            "self.posture = {{ script: {script}, wasm: {wasm}, helper: {helper} }};\n\
             importScripts({script});\n{{\n{REPLAY}\
             self.onmessage = (event) => early.push(event);\n\
             wasm_bindgen({{ module_or_path: {wasm} }}).then(ready, fail);\n}}\n",
            script = quote(script),
            wasm = quote(wasm),
        ),
        // The script itself, then a first message with the module (and the script again, for
        // this worker's own helpers).
        Code::Inline { script, .. } => format!(
            "self.posture = {{ helper: {helper} }};\n{script}\n;{{\n{REPLAY}\
             self.onmessage = (event) => {{\n\
               if (self.posture.module !== undefined) return early.push(event);\n\
               self.posture.module = event.data.module;\n\
               self.posture.script = event.data.script;\n\
               wasm_bindgen({{ module_or_path: event.data.module }}).then(ready, fail);\n\
             }};\n}}\n"
        ),
    };
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&bootstrap.into()), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let worker = Worker::new(&url)?;
    if let Code::Inline { script, module } = code {
        let first = js_sys::Object::new();
        js_sys::Reflect::set(&first, &"module".into(), module)?;
        js_sys::Reflect::set(&first, &"script".into(), &script.into())?;
        worker.post_message(&first)?;
    }
    Ok(worker)
}
