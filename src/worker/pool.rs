//! The pool: helper workers, as many as the browser says it has cores, that read and parse whole
//! files side by side and hand each parse back as bytes (`core::wire`). The worker that owns
//! the engine sends them the files of a drop of several, takes their parses in file order, and
//! reads itself whatever a helper hands back undone (an archive, a file that fails, evidence of
//! a kind not carried) or is too big to give away (a helper's memory, like any Wasm memory,
//! never shrinks).
//!
//! A helper is the same script and Wasm as the worker, started as the worker itself is
//! (`crate::spawn`: from a `blob:` URL, so under the page's Content-Security-Policy), with
//! `posture.helper` set. A helper whose Wasm does not start throws, which stops it as an error
//! would: the worker then reads what it held itself rather than wait for it.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::task::{Poll, Waker};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use super::{bytes_of, clock_ms, each_chunk, scope};
use crate::core::formats::{Loaded, Loader};
use crate::core::wire;

/// Files above this size are read by the worker that owns the engine, as they always were.
pub const GIVE_UP_TO: u64 = 64 << 20;

/// Files sent to each helper ahead of their turn: each reads the next while it parses one.
const AHEAD_PER_HELPER: usize = 8;

/// Bytes sent to each helper ahead of their turn, beyond its first file: what the helpers and
/// their parses waiting their turn hold stays bounded whatever the drop.
const BYTES_AHEAD_PER_HELPER: u64 = 64 << 20;

/// At most this many helpers, whatever the browser reports.
const MOST_HELPERS: u32 = 8;

/// Helpers idle this long are stopped, their memory given back; the next drop starts others.
const STOP_IDLE_AFTER_MS: i32 = 30_000;

/// What a helper handed back for a file.
pub enum Handed {
    /// The parse, encoded (copied into this worker's memory only when its turn comes), and the
    /// milliseconds it took.
    Carried(js_sys::Uint8Array, u32),
    /// Nothing: read it yourself.
    Undone,
}

#[derive(Default)]
struct Pool {
    /// Which pool this is: a message or timer of a pool stopped before is ignored.
    generation: u32,
    helpers: Vec<Helper>,
    handed: HashMap<u32, Handed>,
    next_ticket: u32,
    /// The task waiting for a file's parse.
    waiting: Option<Waker>,
}

struct Helper {
    worker: Worker,
    /// Tickets sent and not handed back yet.
    out: Vec<u32>,
    /// Bytes of the files sent and not handed back yet, by ticket.
    out_bytes: HashMap<u32, u64>,
    alive: bool,
}

thread_local! {
    static POOL: RefCell<Option<Pool>> = const { RefCell::new(None) };
    static GENERATIONS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether `self.posture.helper` says this worker is a helper.
pub fn is_helper() -> bool {
    setting("helper").as_bool().unwrap_or(false)
}

/// A value the bootstrap set on `self.posture`.
fn setting(key: &str) -> JsValue {
    js_sys::Reflect::get(&scope(), &"posture".into())
        .and_then(|posture| js_sys::Reflect::get(&posture, &key.into()))
        .unwrap_or(JsValue::UNDEFINED)
}

/// Starts the helpers unless some are alive; whether any is.
pub fn start() -> bool {
    POOL.with_borrow_mut(|slot| {
        if slot
            .as_ref()
            .is_some_and(|p| p.helpers.iter().any(|h| h.alive))
        {
            return true;
        }
        if let Some(dead) = slot.take() {
            dead.helpers.iter().for_each(|h| h.worker.terminate());
        }
        let generation = GENERATIONS.get() + 1;
        GENERATIONS.set(generation);
        let cores = scope().navigator().hardware_concurrency() as u32;
        let helpers: Vec<Helper> = (0..cores.clamp(1, MOST_HELPERS))
            .map_while(|at| spawn(generation, at as usize).ok())
            .collect();
        let alive = !helpers.is_empty();
        *slot = Some(Pool {
            generation,
            helpers,
            ..Pool::default()
        });
        alive
    })
}

fn spawn(generation: u32, at: usize) -> Result<Helper, JsValue> {
    let code = crate::spawn::Code::of_worker().ok_or("the worker was not told its code")?;
    let worker = crate::spawn::start(&code, true)?;

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data: js_sys::Array = event.data().unchecked_into();
        let Some(ticket) = data.get(0).as_f64().map(|t| t as u32) else {
            return;
        };
        let handed = match data.get(1).dyn_into::<js_sys::Uint8Array>() {
            Ok(bytes) => Handed::Carried(bytes, data.get(2).as_f64().unwrap_or(0.0) as u32),
            Err(_) => Handed::Undone,
        };
        hand(generation, at, ticket, handed);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // A helper that stops hands back undone whatever it held: the worker reads those itself.
    // Its error goes no further (uncancelled, it would reach the page as the worker's own).
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let out = POOL.with_borrow_mut(|pool| {
            pool.as_mut()
                .filter(|p| p.generation == generation)
                .and_then(|p| p.helpers.get_mut(at))
                .map(|h| {
                    h.alive = false;
                    h.worker.terminate();
                    h.out.clone()
                })
                .unwrap_or_default()
        });
        for ticket in out {
            hand(generation, at, ticket, Handed::Undone);
        }
        let why = (event.dyn_ref::<ErrorEvent>()).map_or_else(String::new, ErrorEvent::message);
        web_sys::console::error_1(&format!("posture helper stopped: {why}").into());
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(Helper {
        worker,
        out: Vec::new(),
        out_bytes: HashMap::new(),
        alive: true,
    })
}

/// A helper's answer for a ticket it holds; anything else (a stopped pool's, a ticket it does
/// not hold) is dropped.
fn hand(generation: u32, helper: usize, ticket: u32, handed: Handed) {
    let waiting = POOL.with_borrow_mut(|pool| {
        let pool = pool.as_mut().filter(|p| p.generation == generation)?;
        let helper = pool.helpers.get_mut(helper)?;
        let at = helper.out.iter().position(|&t| t == ticket)?;
        helper.out.remove(at);
        helper.out_bytes.remove(&ticket);
        pool.handed.insert(ticket, handed);
        pool.waiting.take()
    });
    if let Some(waker) = waiting {
        waker.wake();
    }
}

/// The worker is done with the helpers for now: if nothing is given to them meanwhile, they
/// stop after [`STOP_IDLE_AFTER_MS`].
pub fn rest() {
    let Some((generation, given)) =
        POOL.with_borrow(|pool| pool.as_ref().map(|p| (p.generation, p.next_ticket)))
    else {
        return;
    };
    let stop = Closure::once_into_js(move || {
        POOL.with_borrow_mut(|slot| {
            let idle = slot.as_ref().is_some_and(|pool| {
                pool.generation == generation
                    && pool.next_ticket == given
                    && pool.handed.is_empty()
                    && pool.helpers.iter().all(|h| h.out.is_empty())
            });
            if idle && let Some(pool) = slot.take() {
                pool.helpers.iter().for_each(|h| h.worker.terminate());
            }
        });
    });
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
        stop.unchecked_ref(),
        STOP_IDLE_AFTER_MS,
    );
}

/// Sends a file to the least busy helper, unless every helper has its share ahead; its ticket.
pub fn give(file: &File, name: &str) -> Option<u32> {
    POOL.with_borrow_mut(|pool| {
        let pool = pool.as_mut()?;
        let (_, helper) = (pool.helpers.iter_mut().filter(|h| h.alive))
            .map(|h| (h.out.len(), h))
            .min_by_key(|(out, _)| *out)?;
        let size = file.size() as u64;
        let held: u64 = helper.out_bytes.values().sum();
        if helper.out.len() >= AHEAD_PER_HELPER
            || (!helper.out.is_empty() && held + size > BYTES_AHEAD_PER_HELPER)
        {
            return None;
        }
        let ticket = pool.next_ticket;
        let message = js_sys::Array::of3(&ticket.into(), &name.into(), file);
        helper.worker.post_message(&message).ok()?;
        helper.out.push(ticket);
        helper.out_bytes.insert(ticket, size);
        pool.next_ticket += 1;
        Some(ticket)
    })
}

/// What the helper made of the file given with `ticket`, once it is back.
pub async fn take(ticket: u32) -> Handed {
    poll_fn(|cx| {
        POOL.with_borrow_mut(|pool| {
            let Some(pool) = pool.as_mut() else {
                return Poll::Ready(Handed::Undone);
            };
            match pool.handed.remove(&ticket) {
                Some(handed) => Poll::Ready(handed),
                None => {
                    pool.waiting = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    })
    .await
}

/// A helper's side: files come with a ticket and a name; each is read as soon as it comes and
/// parsed in turn, and its parse or nothing goes back with the ticket.
pub fn serve() {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data: js_sys::Array = event.data().unchecked_into();
        let ticket = data.get(0).as_f64().unwrap_or(-1.0) as u32;
        let name = data.get(1).as_string().unwrap_or_default();
        let job = match data.get(2).dyn_into::<File>() {
            Ok(file) => {
                // Small files are read whole at once; the browser reads them while we parse.
                let whole = (!Loader::streams(file.size() as u64)).then(|| file.array_buffer());
                Some((file, whole))
            }
            Err(_) => None,
        };
        let first = JOBS.with_borrow_mut(|jobs| {
            jobs.push_back((ticket, name, job));
            jobs.len() == 1
        });
        if first {
            wasm_bindgen_futures::spawn_local(work());
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

type Job = (u32, String, Option<(File, Option<js_sys::Promise>)>);

thread_local! {
    /// The helper's files not handed back yet, oldest first; the first is being worked on.
    static JOBS: RefCell<VecDeque<Job>> = const { RefCell::new(VecDeque::new()) };
}

async fn work() {
    while let Some((ticket, name, job)) = JOBS.with_borrow(|jobs| jobs.front().cloned()) {
        let started = clock_ms();
        let carried = match job {
            Some((file, whole)) => parse(&file, &name, whole).await,
            None => None,
        };
        let message = js_sys::Array::of1(&ticket.into());
        let mut transfer = js_sys::Array::new();
        if let Some(bytes) = carried {
            let array = js_sys::Uint8Array::from(&bytes[..]);
            message.push(&array);
            message.push(&(clock_ms() - started).round().into());
            transfer = js_sys::Array::of1(&array.buffer());
        }
        if let Err(e) = scope().post_message_with_transfer(&message, &transfer) {
            web_sys::console::error_2(&"posture helper: cannot post".into(), &e);
            // The ticket alone: the worker reads the file itself.
            let _ = scope().post_message(&js_sys::Array::of1(&ticket.into()));
        }
        JOBS.with_borrow_mut(VecDeque::pop_front);
    }
}

/// A file's parse, encoded; `None` when the worker must read it itself.
async fn parse(file: &File, name: &str, whole: Option<js_sys::Promise>) -> Option<Vec<u8>> {
    if let Some(whole) = whole {
        return wire::carry(name, &bytes_of(whole).await.ok()?);
    }
    let size = file.size() as u64;
    let mut loader = Loader::new(name, size);
    each_chunk(file, |chunk| {
        loader.push(chunk);
        !loader.rereading()
    })
    .await
    .ok()?;
    match loader.finish() {
        Loaded::Parsed(carried) => wire::encode(&carried),
        Loaded::Whole(bytes) => wire::carry(name, &bytes),
        Loaded::Reread => None,
    }
}
