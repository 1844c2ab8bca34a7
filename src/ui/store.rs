//! "Keep my files on this computer": the files given, kept in this browser's IndexedDB (on this
//! computer, never sent anywhere) and given to the worker again at the next start. The `File`
//! objects themselves are stored (IndexedDB clones them), so a kept file is read anew, exactly as
//! when it was dropped. Off by default; turning it off empties the store.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    File, IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransactionMode,
};

const DATABASE: &str = "posture";
const FILES: &str = "files";

/// Waits for a request's result.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let source = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &source.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &"the browser's storage refused".into());
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = leptos::prelude::window()
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("this browser has no IndexedDB"))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DATABASE, 1)?;
    let on_upgrade = Closure::once_into_js(move |event: web_sys::Event| {
        let database = event
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(database) = database {
            let parameters = IdbObjectStoreParameters::new();
            // One entry per name: a file dropped again replaces its copy.
            parameters.set_key_path(&JsValue::from_str("name"));
            let _ = database.create_object_store_with_optional_parameters(FILES, &parameters);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(done(&request).await?.unchecked_into())
}

async fn files(mode: IdbTransactionMode) -> Result<IdbObjectStore, JsValue> {
    open()
        .await?
        .transaction_with_str_and_mode(FILES, mode)?
        .object_store(FILES)
}

/// Keeps these files (each under its name, replacing what had it).
pub async fn put(files_given: &[(String, File)]) -> Result<(), JsValue> {
    let store = files(IdbTransactionMode::Readwrite).await?;
    for (name, file) in files_given {
        let entry = js_sys::Object::new();
        js_sys::Reflect::set(&entry, &"name".into(), &JsValue::from_str(name))?;
        js_sys::Reflect::set(&entry, &"file".into(), file)?;
        done(&store.put(&entry)?).await?;
    }
    Ok(())
}

/// Every kept file, with its name.
pub async fn all() -> Result<Vec<(String, File)>, JsValue> {
    let store = files(IdbTransactionMode::Readonly).await?;
    let entries = js_sys::Array::from(&done(&store.get_all()?).await?);
    Ok(entries
        .iter()
        .filter_map(|entry| {
            let name = js_sys::Reflect::get(&entry, &"name".into())
                .ok()?
                .as_string()?;
            let file = js_sys::Reflect::get(&entry, &"file".into())
                .ok()?
                .dyn_into::<File>()
                .ok()?;
            Some((name, file))
        })
        .collect())
}

pub async fn delete(name: &str) -> Result<(), JsValue> {
    let store = files(IdbTransactionMode::Readwrite).await?;
    done(&store.delete(&JsValue::from_str(name))?)
        .await
        .map(drop)
}

pub async fn clear() -> Result<(), JsValue> {
    let store = files(IdbTransactionMode::Readwrite).await?;
    done(&store.clear()?).await.map(drop)
}
