//! The Web Worker: owns the [`Engine`], reads the files the page sends, posts [`Response`]s.
//!
//! Glue only: decode the message, read bytes, call the core, encode the answer. The page sends
//! `[request JSON, File, File, …]`; each response goes back as one JSON string.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

use crate::core::diagnostics::ErrorKind;
use crate::core::engine::Engine;
use crate::core::protocol::{Request, Response};
use crate::core::time::Timestamp;

/// Bytes read per step: progress for big files, and at most this much held on the JS side.
const CHUNK: u64 = 16 << 20;

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Starts listening for the page's messages.
pub fn start() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

fn post(response: &Response) {
    match serde_json::to_string(response) {
        Ok(json) => {
            if let Err(e) = scope().post_message(&JsValue::from_str(&json)) {
                web_sys::console::error_2(&"posture worker: cannot post".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(
            &format!("posture worker: cannot encode a response: {e}").into(),
        ),
    }
}

fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

fn clock_ms() -> f64 {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

fn on_message(event: MessageEvent) {
    let message: js_sys::Array = event.data().unchecked_into();
    let text = message.get(0).as_string().unwrap_or_default();
    let request: Request = match serde_json::from_str(&text) {
        Ok(request) => request,
        Err(e) => {
            web_sys::console::error_1(&format!("posture worker: unreadable request: {e}").into());
            post(&Response::Idle);
            return;
        }
    };
    ENGINE.with_borrow_mut(|engine| {
        engine.set_clock(clock_ms);
        respond(engine, request, &message);
    });
}

fn respond(engine: &mut Engine, request: Request, message: &js_sys::Array) {
    match request {
        Request::AddFiles(files) => {
            let queued = engine.handle(Request::AddFiles(files), now());
            let ids: Vec<u32> = match queued.first() {
                Some(Response::Queued(rows)) => rows.iter().map(|r| r.id).collect(),
                _ => Vec::new(),
            };
            queued.iter().for_each(post);
            for (i, id) in ids.into_iter().enumerate() {
                let started = clock_ms();
                // The page sends one `File` per entry; anything else is refused, not trusted.
                let file = message
                    .get(i as u32 + 1)
                    .dyn_into::<File>()
                    .map_err(|_| "no file came with it".to_string());
                let responses = match file.and_then(|file| read(&file, id)) {
                    Ok(bytes) => {
                        let read_ms = (clock_ms() - started).max(0.0).round() as u32;
                        // The bytes are dropped as soon as the engine has parsed them.
                        let mut responses = engine.ingest(id, &bytes);
                        for response in &mut responses {
                            if let Response::Source(row) = response {
                                row.read_ms = Some(read_ms);
                            }
                        }
                        responses
                    }
                    Err(reason) => {
                        let detail = format!("the browser could not read it ({reason})");
                        vec![Response::Source(Box::new(
                            engine.fail(id, ErrorKind::Unsupported { detail }),
                        ))]
                    }
                };
                responses.iter().for_each(post);
            }
            engine.after_files(now()).iter().for_each(post);
        }
        other => engine.handle(other, now()).iter().for_each(post),
    }
}

/// Reads a file in chunks, posting progress after each.
fn read(file: &File, id: u32) -> Result<Vec<u8>, String> {
    let describe = |e: JsValue| {
        e.as_string()
            .or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from))
            .unwrap_or_default()
    };
    let reader = FileReaderSync::new().map_err(describe)?;
    let size = file.size() as u64;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(size as usize)
        .map_err(|_| format!("not enough memory for {size} bytes"))?;
    let mut offset = 0;
    while offset < size {
        let end = (offset + CHUNK).min(size);
        let chunk = file
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(describe)?;
        let buffer = reader.read_as_array_buffer(&chunk).map_err(describe)?;
        let array = js_sys::Uint8Array::new(&buffer);
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
        offset = end;
        post(&Response::Progress {
            id,
            loaded: offset,
            total: size,
        });
    }
    Ok(bytes)
}
