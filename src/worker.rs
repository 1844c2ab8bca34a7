//! The Web Worker: owns the [`Engine`], reads the files the page sends, posts [`Response`]s.
//!
//! Glue only: decode the message, read bytes, call the core, encode the answer. The page sends
//! `[request JSON, File, File, …]`; each response goes back as one JSON string.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DedicatedWorkerGlobalScope, File, MessageEvent, ReadableStreamByobReader,
    ReadableStreamDefaultReader, ReadableStreamReadResult,
};

mod ahead;
mod pool;

use ahead::ReadAhead;
use pool::Handed;

use crate::core::diagnostics::ErrorKind;
use crate::core::engine::Engine;
use crate::core::formats::{Loaded, Loader};
use crate::core::protocol::{Request, Response};
use crate::core::time::Timestamp;
use crate::core::wire;

/// How long the worker waits, idle after its first answers, before it rehearses: the page's
/// first requests come first.
const REHEARSE_AFTER_MS: i32 = 50;

/// Bytes read between two progress messages.
const PROGRESS_EVERY: u64 = 16 << 20;

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
    /// The page's messages not answered yet, oldest first.
    static INBOX: RefCell<VecDeque<js_sys::Array>> = const { RefCell::new(VecDeque::new()) };
    /// Whether a task is answering the inbox.
    static ANSWERING: Cell<bool> = const { Cell::new(false) };
    /// Whether the rehearsal (`Engine::rehearse`) was scheduled.
    static REHEARSED: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Starts listening for the page's messages, or, in a helper of the pool, for files to parse.
pub fn start() {
    console_error_panic_hook::set_once();
    if pool::is_helper() {
        return pool::serve();
    }
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
    // Messages are answered one at a time, in order: reading a file awaits the browser, and a
    // message arriving meanwhile waits its turn.
    INBOX.with_borrow_mut(|inbox| inbox.push_back(event.data().unchecked_into()));
    if !ANSWERING.replace(true) {
        wasm_bindgen_futures::spawn_local(answer_all());
    }
}

async fn answer_all() {
    while let Some(message) = INBOX.with_borrow_mut(VecDeque::pop_front) {
        answer(message).await;
    }
    ANSWERING.set(false);
    // Once idle after starting: rehearse, so the first file runs on optimised code.
    if !REHEARSED.replace(true) {
        let rehearse = Closure::once_into_js(|| {
            if !ANSWERING.get() {
                Engine::rehearse(now());
            }
        });
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
            rehearse.unchecked_ref(),
            REHEARSE_AFTER_MS,
        );
    }
}

async fn answer(message: js_sys::Array) {
    let text = message.get(0).as_string().unwrap_or_default();
    let request: Request = match serde_json::from_str(&text) {
        Ok(request) => request,
        Err(e) => {
            web_sys::console::error_1(&format!("posture worker: unreadable request: {e}").into());
            post(&Response::Idle);
            return;
        }
    };
    let (mut files, last_part) = match request {
        Request::AddFiles(files) => (files, true),
        Request::AddFilesPart(files) => (files, false),
        request => {
            with_engine(|engine| engine.handle(request, now()).iter().for_each(post));
            return;
        }
    };
    // The page leaves sizes and times to the worker (see `ui::files::send`).
    for (i, meta) in files.iter_mut().enumerate() {
        if let Ok(file) = message.get(i as u32 + 1).dyn_into::<File>() {
            meta.size = file.size() as u64;
            meta.last_modified = Some(file.last_modified() as i64);
        }
    }
    let queued = with_engine(|engine| engine.handle(Request::AddFiles(files), now()));
    let ids: Vec<u32> = match queued.first() {
        Some(Response::Queued(rows)) => rows.iter().map(|r| r.id).collect(),
        _ => Vec::new(),
    };
    queued.iter().for_each(post);
    // The page sends one `File` per entry; anything else is refused, not trusted.
    let files: Vec<Option<File>> = (0..ids.len())
        .map(|i| message.get(i as u32 + 1).dyn_into::<File>().ok())
        .collect();
    // A drop of several files is read and parsed by the pool, side by side; the parses are
    // taken in file order. Without a pool, small files are read ahead of their turn.
    let pooled = ids.len() > 1 && pool::start();
    let names: Vec<String> = (ids.iter())
        .map(|&id| with_engine(|e| e.source_name(id).map(str::to_string)).unwrap_or_default())
        .collect();
    let mut tickets: Vec<Option<u32>> = vec![None; ids.len()];
    let mut given = 0;
    let mut ahead = ReadAhead::default();
    for (i, id) in ids.into_iter().enumerate() {
        if pooled {
            given = given.max(i);
            while let Some(file) = files.get(given) {
                if let Some(file) = file
                    .as_ref()
                    .filter(|f| f.size() as u64 <= pool::GIVE_UP_TO)
                {
                    let Some(ticket) = pool::give(file, &names[given]) else {
                        break;
                    };
                    tickets[given] = Some(ticket);
                }
                given += 1;
            }
        } else {
            ahead.start(&files, i);
        }
        let started = clock_ms();
        let handed = match tickets[i] {
            Some(ticket) => match pool::take(ticket).await {
                Handed::Carried(bytes, parse_ms) => {
                    wire::decode(&bytes.to_vec()).map(|c| (c, parse_ms))
                }
                Handed::Undone => None,
            },
            None => None,
        };
        let loaded = match (&files[i], handed, ahead.take(i)) {
            (_, Some((carried, parse_ms)), _) => Ok((Loaded::Parsed(Box::new(carried)), parse_ms)),
            (_, None, Some(read)) => read.await.map(|bytes| (Loaded::Whole(bytes), 0)),
            (Some(file), None, None) => load(file, id).await,
            (None, _, _) => Err("no file came with it".to_string()),
        };
        let responses = with_engine(|engine| match loaded {
            Ok((loaded, parse_ms)) => {
                let read_ms = (clock_ms() - started).max(0.0).round() as u32;
                let mut responses = engine.ingest_loaded(id, loaded, parse_ms);
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
        });
        responses.iter().for_each(post);
    }
    if pooled {
        pool::rest();
    }
    if last_part {
        with_engine(|engine| engine.after_files(now()).iter().for_each(post));
    } else {
        post(&Response::Idle);
    }
}

fn with_engine<T>(f: impl FnOnce(&mut Engine) -> T) -> T {
    ENGINE.with_borrow_mut(|engine| {
        engine.set_clock(clock_ms);
        f(engine)
    })
}

/// A whole file's read (`Blob::arrayBuffer`), as bytes.
async fn bytes_of(read: js_sys::Promise) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(read).await.map_err(describe)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn describe(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from))
        .unwrap_or_default()
}

/// Reads a file as the browser streams it, handing each chunk to a [`Loader`] (which parses
/// big reports while the browser reads ahead on its own threads), posting progress every
/// [`PROGRESS_EVERY`] bytes. Gives what the loader made of it, and the milliseconds spent in it.
async fn load(file: &File, id: u32) -> Result<(Loaded, u32), String> {
    let size = file.size() as u64;
    let name = with_engine(|engine| engine.source_name(id).map(str::to_string)).unwrap_or_default();
    let mut loader = Loader::new(&name, size);
    let mut spent = 0.0;
    let mut reported = 0;
    let mut received = 0;
    each_chunk(file, |chunk| {
        let started = clock_ms();
        loader.push(chunk);
        spent += clock_ms() - started;
        received += chunk.len() as u64;
        if received - reported >= PROGRESS_EVERY {
            reported = received;
            post(&Response::Progress {
                id,
                loaded: received,
                total: size,
            });
        }
        !loader.rereading()
    })
    .await?;
    let started = clock_ms();
    let loaded = match loader.finish() {
        // The stream could not read it: the whole file, as the whole parser wants it.
        Loaded::Reread => {
            let mut bytes = Vec::new();
            bytes
                .try_reserve_exact(size as usize)
                .map_err(|_| format!("not enough memory for {size} bytes"))?;
            each_chunk(file, |chunk| {
                bytes.extend_from_slice(chunk);
                true
            })
            .await?;
            Loaded::Whole(bytes)
        }
        loaded => loaded,
    };
    spent += clock_ms() - started;
    Ok((loaded, spent.round() as u32))
}

/// Calls `each` with every chunk of the file as the browser streams it, until it says stop.
///
/// A reader that brings its own 1 MiB buffer: the browser fills it while `each` parses the
/// previous one, where the default reader's 64 KiB chunks left it idle in between (the read and
/// the parse of the 100 MB benchmark overlapped 40 ms less). A browser whose file streams take
/// no such reader is read with the default one.
async fn each_chunk(file: &File, mut each: impl FnMut(&[u8]) -> bool) -> Result<(), String> {
    const CHUNK: u32 = 1 << 20;
    let stream = file.stream();
    let mut reader = match ReadableStreamByobReader::new(&stream) {
        Ok(reader) => Reader::Byob(reader, js_sys::Uint8Array::new_with_length(CHUNK)),
        Err(_) => Reader::Default(stream.get_reader().unchecked_into()),
    };
    // One buffer for every chunk: the loader copies what it keeps.
    let mut buffer = Vec::new();
    loop {
        let read = match &reader {
            Reader::Byob(reader, view) => reader.read_with_array_buffer_view(view),
            Reader::Default(reader) => reader.read(),
        };
        let chunk: ReadableStreamReadResult = JsFuture::from(read)
            .await
            .map_err(describe)?
            .unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Ok(());
        }
        let array: js_sys::Uint8Array = chunk.get_value().unchecked_into();
        buffer.resize(array.length() as usize, 0);
        array.copy_to(&mut buffer);
        if let Reader::Byob(_, view) = &mut reader {
            // The read took the buffer over; the next one reuses it whole.
            *view = js_sys::Uint8Array::new(&array.buffer());
        }
        if !each(&buffer) {
            // Stops the browser's reading.
            let _ = match &reader {
                Reader::Byob(reader, _) => reader.cancel(),
                Reader::Default(reader) => reader.cancel(),
            };
            return Ok(());
        }
    }
}

enum Reader {
    Byob(ReadableStreamByobReader, js_sys::Uint8Array),
    Default(ReadableStreamDefaultReader),
}
