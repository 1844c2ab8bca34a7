//! What the Kubernetes-object formats (Kyverno reports, Gatekeeper constraints) share: telling a
//! `List` by its first item, and naming a resource.
//!
//! kubectl wraps objects in a `List` (`kind: List`, `items[]`). The skim records the top level,
//! its children and grandchildren, so an item's own `apiVersion` is too deep to see; the item is
//! skimmed once more on its own.

use std::borrow::Cow;

use crate::core::sniff::{self, Node, Shape, Sniff};

/// The `apiVersion` and `kind` of a document that says what it is: the document itself (or the
/// first of several YAML documents), or, for a `List`, its first item.
pub fn first_object(sniff: &Sniff, accepts: impl Fn(&str, &str) -> bool) -> bool {
    let Some(record) = sniff
        .record()
        .filter(|_| matches!(sniff.shape, Shape::Object | Shape::Array))
    else {
        return false;
    };
    let header = |node: &Node| -> Option<(String, String)> {
        let api = node.get("apiVersion")?.as_str()?;
        let kind = node.get("kind")?.as_str()?;
        Some((api.to_string(), kind.to_string()))
    };
    if let Some((api, kind)) = header(record)
        && accepts(&api, &kind)
    {
        return true;
    }
    // kubectl sorts keys, so a List's `kind` comes after its `items` and may lie past the skim.
    let is_list = record
        .get("kind")
        .and_then(Node::as_str)
        .is_none_or(|k| k.ends_with("List"))
        && record
            .get("items")
            .and_then(Node::first)
            .is_some_and(|item| item.has("apiVersion") && item.has("kind"));
    if !is_list {
        return false;
    }
    // The record is the top-level object, or the first element of a top-level array.
    let depth = if sniff.shape == Shape::Array { 2 } else { 1 };
    let Some(at) = first_item_offset(sniff.head, depth) else {
        return false;
    };
    let item = sniff::sniff(&sniff.head.as_bytes()[at..]);
    item.value
        .is_object()
        .then(|| header(&item.value))
        .flatten()
        .is_some_and(|(api, kind)| accepts(&api, &kind))
}

/// The byte offset of the first element of the `items` array of the object at `depth` (1: the
/// top-level object). A small scan that skips strings and tracks nesting.
fn first_item_offset(text: &str, depth: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut level = 0usize;
    let mut i = 0;
    let mut last_key: Option<(usize, usize)> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                last_key = Some((start, i.min(b.len())));
            }
            b'{' | b'[' => level += 1,
            b'}' | b']' => level = level.saturating_sub(1),
            b':' if level == depth && last_key.is_some_and(|(s, e)| &b[s..e] == b"items") => {
                let rest = &b[i + 1..];
                let open = rest.iter().position(|c| !c.is_ascii_whitespace())?;
                if rest[open] != b'[' {
                    return None;
                }
                let first = rest[open + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())?;
                let at = i + 1 + open + 1 + first;
                return (b[at] == b'{').then_some(at);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A resource as Posture names it: `Kind/namespace/name`, or `Kind/name` when cluster-scoped.
pub fn resource(kind: Option<&str>, namespace: Option<&str>, name: Option<&str>) -> String {
    let parts: Vec<&str> = [kind, namespace, name].into_iter().flatten().collect();
    parts.join("/")
}

/// The YAML converter and kubectl both give JSON; a document is one object or, for several
/// YAML documents, an array of them.
pub fn documents<'a, T: serde::Deserialize<'a>>(
    text: &'a str,
) -> Result<Vec<T>, crate::core::json::JsonError> {
    if text.trim_start().starts_with('[') {
        crate::core::json::parse(text)
    } else {
        crate::core::json::parse(text).map(|one| vec![one])
    }
}

/// Calls `each` with every document of the file (one, or each of several YAML documents) and the
/// path prefix its warnings take.
pub fn each_document<'a, T: serde::Deserialize<'a>>(
    text: &'a str,
    mut each: impl FnMut(&T, &str),
) -> Result<(), crate::core::json::JsonError> {
    let documents: Vec<T> = documents(text)?;
    let several = documents.len() > 1 || text.trim_start().starts_with('[');
    for (d, document) in documents.iter().enumerate() {
        each(document, &prefix(several, d));
    }
    Ok(())
}

/// A path prefix for warnings: `` for a single document, `[d].` for one of several.
pub fn prefix(several: bool, d: usize) -> Cow<'static, str> {
    if several {
        Cow::Owned(format!("[{d}]."))
    } else {
        Cow::Borrowed("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_item_of_a_list_is_found_past_strings_and_nesting() {
        let text = r#"{"apiVersion":"v1","metadata":{"items":"x","note":"\"items\":["},"items": [ {"apiVersion":"a/v1","kind":"K"}]}"#;
        let at = first_item_offset(text, 1).unwrap();
        assert!(text[at..].starts_with(r#"{"apiVersion":"a/v1""#));
        let arr = format!("[{text}]");
        assert_eq!(first_item_offset(&arr, 2), Some(at + 1));
        assert_eq!(first_item_offset(r#"{"items":[]}"#, 1), None);
        assert_eq!(first_item_offset(r#"{"items":"#, 1), None);
    }

    #[test]
    fn resources_drop_what_they_lack() {
        assert_eq!(resource(Some("Pod"), Some("ns"), Some("p")), "Pod/ns/p");
        assert_eq!(resource(Some("Namespace"), None, Some("n")), "Namespace/n");
    }
}
