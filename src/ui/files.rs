//! Files from the picker, the folder picker and drag and drop, named as the user knows them
//! (with their path inside a dropped or chosen folder), sent to the worker as `File`s.
//! Nothing here reads a file's content: the worker does.

use std::collections::VecDeque;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
    HtmlInputElement,
};

use super::client::Client;
use crate::core::protocol::{FileMeta, Request};

/// A file and the name to show for it.
pub struct Picked {
    pub name: String,
    pub file: File,
}

/// Sends picked files to the worker (the request must have been begun).
pub fn send(client: Client, mut picked: Vec<Picked>) {
    if picked.is_empty() {
        return client.abandon();
    }
    picked.sort_by(|a, b| a.name.cmp(&b.name));
    let metas: Vec<FileMeta> = picked
        .iter()
        .map(|p| FileMeta {
            name: p.name.clone(),
            // Asking a `File` its size or time costs the page a call to the browser (0.2 ms
            // each: a 1,000-file folder would hold the page 200 ms); the worker asks instead.
            size: 0,
            last_modified: None,
        })
        .collect();
    client.keep.given(
        picked
            .iter()
            .map(|p| (p.name.clone(), p.file.clone()))
            .collect(),
    );
    let files: Vec<File> = picked.into_iter().map(|p| p.file).collect();
    // Posting a `File` costs the page a call to the browser the first time (0.15–0.45 ms): a
    // thousand at once would hold the page half a second. So a big drop goes in parts, a task
    // each, all begun now so that the page stays busy until the last is loaded.
    let parts: VecDeque<(Vec<FileMeta>, Vec<File>)> = (metas.chunks(POST_AT_ONCE))
        .zip(files.chunks(POST_AT_ONCE))
        .map(|(metas, files)| (metas.to_vec(), files.to_vec()))
        .collect();
    for _ in 1..parts.len() {
        client.begin();
    }
    post_parts(client, parts);
}

/// Files posted in one message.
const POST_AT_ONCE: usize = 50;

fn post_parts(client: Client, mut parts: VecDeque<(Vec<FileMeta>, Vec<File>)>) {
    let Some((metas, files)) = parts.pop_front() else {
        return;
    };
    let request = match parts.is_empty() {
        true => Request::AddFiles(metas),
        false => Request::AddFilesPart(metas),
    };
    client.post(request, &files);
    if parts.is_empty() {
        return;
    }
    // A hidden tab has no frame to keep smooth, and its timers wait a second each.
    if document().hidden() {
        post_parts(client, parts);
    } else {
        set_timeout(move || post_parts(client, parts), Duration::ZERO);
    }
}

/// Files chosen in an `<input type=file>` (with or without `webkitdirectory`).
pub fn from_input(input: &HtmlInputElement) -> Vec<Picked> {
    let picked = from_list(input.files());
    // Clearing the input lets the same file be chosen again.
    input.set_value("");
    picked
}

fn from_list(list: Option<FileList>) -> Vec<Picked> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|file| {
            // `webkitRelativePath` (set by the folder picker) is not in web-sys' bindings.
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string());
            match relative.filter(|p| !p.is_empty()) {
                // Inside a chosen folder, hidden files (`.DS_Store`, `.git/…`) are not evidence.
                Some(path) if is_hidden(&path) => None,
                Some(path) => Some(Picked { name: path, file }),
                None => Some(Picked {
                    name: file.name(),
                    file,
                }),
            }
        })
        .collect()
}

/// Opens a folder picker (a detached input, so the page keeps a single file input) and sends
/// what is chosen.
pub fn choose_folder(client: Client) {
    let Ok(element) = document().create_element("input") else {
        return;
    };
    let input: HtmlInputElement = element.unchecked_into();
    input.set_type("file");
    input.set_webkitdirectory(true);
    let picker = input.clone();
    let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        client.begin();
        send(client, from_input(&picker));
    });
    input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    input.click();
}

/// Files and folders dropped on the page. The entries must be taken while the event lasts;
/// walking folders is asynchronous.
pub fn dropped(data: Option<DataTransfer>, client: Client) {
    let Some(data) = data else { return };
    let items = data.items();
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => entries.push(entry),
            _ => loose.extend(item.get_as_file().ok().flatten()),
        }
    }
    client.begin();
    spawn_local(async move {
        let mut picked: Vec<Picked> = loose
            .into_iter()
            .map(|file| Picked {
                name: file.name(),
                file,
            })
            .collect();
        picked.extend(walk(entries).await);
        send(client, picked);
    });
}

/// Every file under the entries, depth first, skipping hidden files (`.DS_Store`, `.git/`).
async fn walk(mut stack: Vec<FileSystemEntry>) -> Vec<Picked> {
    let mut picked = Vec::new();
    while let Some(entry) = stack.pop() {
        let name = entry.full_path().trim_start_matches('/').to_string();
        if entry.is_directory() {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // `readEntries` hands out a directory in batches until it returns none.
            loop {
                let batch = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
                    let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
                }))
                .await;
                let Ok(batch) = batch.map(|v| js_sys::Array::from(&v)) else {
                    break;
                };
                if batch.length() == 0 {
                    break;
                }
                stack.extend(
                    batch
                        .iter()
                        .map(|e| e.unchecked_into::<FileSystemEntry>())
                        .filter(|e| !e.name().starts_with('.')),
                );
            }
        } else if entry.is_file() {
            let entry: FileSystemFileEntry = entry.unchecked_into();
            let file = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
                entry.file_with_callback_and_callback(&resolve, &reject);
            }))
            .await;
            if let Ok(file) = file {
                picked.push(Picked {
                    name,
                    file: file.unchecked_into(),
                });
            }
        }
    }
    picked
}

fn is_hidden(path: &str) -> bool {
    path.split('/')
        .any(|part| part.starts_with('.') && part.len() > 1)
}
