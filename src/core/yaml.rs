//! YAML, as kubectl prints policy reports, constraints and lists (`-o yaml`), read by turning it
//! into JSON text once: every detector and parser then reads one language.
//!
//! YAML inputs are small (a cluster's reports, not a scanner's 100 MB output), so the copy costs
//! little, and the formats stay one module each with one set of input structs.

use super::diagnostics::{ErrorKind, Location};
use super::json::JsonError;

/// Whether text that is not JSON looks like a YAML document: its first line that is not blank, a
/// comment or a document marker is a `key:` line (or a `- ` list item).
pub fn looks_like_yaml(head: &str) -> bool {
    let Some(line) = head
        .lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.starts_with('#') && *l != "---")
    else {
        return false;
    };
    let key = line.split_once(':').is_some_and(|(key, rest)| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\''))
            && (rest.is_empty() || rest.starts_with(' '))
    });
    key || line.starts_with("- ")
}

/// The document as JSON text. Several documents (`---`) become one JSON array of them.
pub fn to_json(text: &str) -> Result<String, JsonError> {
    let documents: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(text).map_err(|e| yaml_error(&e.to_string()))?;
    let value = match documents.len() {
        1 => documents.into_iter().next().unwrap_or_default(),
        _ => serde_json::Value::Array(documents),
    };
    serde_json::to_string(&value).map_err(|e| yaml_error(&e.to_string()))
}

/// serde-saphyr's message ("… at line 3, column 5"), with the place kept apart as a location.
fn yaml_error(message: &str) -> JsonError {
    let number_after = |word: &str| -> Option<usize> {
        let at = message.rfind(word)? + word.len();
        let digits: String = message[at..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let location = Location {
        line: number_after("line"),
        column: number_after("column"),
        path: None,
    };
    JsonError {
        kind: ErrorKind::Syntax {
            detail: format!(
                "invalid YAML: {}",
                message.lines().next().unwrap_or(message)
            ),
        },
        location,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_yaml_becomes_json() {
        let yaml = "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata:\n    name: web\n";
        assert!(looks_like_yaml(yaml));
        assert_eq!(
            to_json(yaml).unwrap(),
            r#"{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"web"}}]}"#
        );
        assert!(!looks_like_yaml("date,metric,value\n"));
        assert!(!looks_like_yaml(
            "2026-11-18 08:02:47 +0000 UTC k8s.io /tasks/start {}"
        ));
    }

    #[test]
    fn broken_yaml_says_where() {
        let error = to_json("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(matches!(error.kind, ErrorKind::Syntax { .. }), "{error:?}");
    }

    #[test]
    fn tabs_and_anchors_never_panic() {
        for text in [
            "a:\n\t- 1\n",
            "a: &x 1\nb: *x\n",
            "a: *missing\n",
            "- [\n",
            ":\n",
            "a: !!binary x\n",
        ] {
            let _ = to_json(text);
        }
    }
}
