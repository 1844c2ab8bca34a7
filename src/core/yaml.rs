//! YAML, as kubectl prints policy reports, constraints and lists (`-o yaml`), read by turning it
//! into JSON text once: every detector and parser then reads one language.
//!
//! YAML inputs are small (a cluster's reports, not a scanner's 100 MB output), so the copy costs
//! little, and the formats stay one module each with one set of input structs.

use super::diagnostics::{ErrorKind, Location};
use saphyr::{LoadableYamlNode, Scalar, Yaml};

use super::json::JsonError;

/// Whether text that is not JSON looks like a YAML document: its first line that is not blank, a
/// comment or a document marker is a `key:` line (or a `- ` list item).
pub fn looks_like_yaml(head: &str) -> bool {
    let Some(line) = head
        .lines()
        .map(str::trim_end)
        .map(str::trim_start)
        // Comments, directives (`%YAML 1.2`) and document markers (`--- # first`) say nothing.
        .find(|l| {
            !l.is_empty() && !l.starts_with('#') && !l.starts_with('%') && !l.starts_with("---")
        })
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
    let documents = Yaml::load_from_str(text).map_err(|e| {
        let at = e.marker();
        syntax(e.info(), Location::at(at.line(), at.col() + 1))
    })?;
    let mut values = Vec::with_capacity(documents.len());
    for document in &documents {
        // An empty document (a trailing `---`) holds nothing.
        match value(document, 0)? {
            serde_json::Value::Null => {}
            v => values.push(v),
        }
    }
    let value = match values.len() {
        1 => values.pop().unwrap_or_default(),
        _ => serde_json::Value::Array(values),
    };
    serde_json::to_string(&value).map_err(|e| syntax(&e.to_string(), Location::default()))
}

/// How deep YAML may nest: deeper than any report, shallow enough for the stack.
const MAX_DEPTH: usize = 128;

fn value(yaml: &Yaml, depth: usize) -> Result<serde_json::Value, JsonError> {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return Err(syntax("nested too deep", Location::default()));
    }
    Ok(match yaml {
        Yaml::Value(scalar) => scalar_value(scalar),
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|item| value(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(entries) => {
            let mut object = serde_json::Map::new();
            let mut merged = Vec::new();
            for (key, item) in entries {
                let key = key_text(key);
                if key == "<<" {
                    // A merge key: its mapping (or mappings) fill what the node does not set.
                    merged.push(value(item, depth + 1)?);
                } else {
                    object.insert(key, value(item, depth + 1)?);
                }
            }
            for source in merged {
                let sources = match source {
                    Value::Array(many) => many,
                    one => vec![one],
                };
                for map in sources.into_iter().filter_map(|v| match v {
                    Value::Object(map) => Some(map),
                    _ => None,
                }) {
                    for (key, item) in map {
                        object.entry(key).or_insert(item);
                    }
                }
            }
            Value::Object(object)
        }
        Yaml::Tagged(_, inner) => value(inner, depth + 1)?,
        Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    })
}

fn scalar_value(scalar: &Scalar) -> serde_json::Value {
    use serde_json::Value;
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => {
            serde_json::Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number)
        }
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// A mapping key as JSON's object keys are: text.
fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::Value(Scalar::String(s)) | Yaml::Representation(s, _, _) => s.to_string(),
        Yaml::Value(scalar) => match scalar_value(scalar) {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        },
        Yaml::Tagged(_, inner) => key_text(inner),
        _ => String::new(),
    }
}

fn syntax(message: &str, location: Location) -> JsonError {
    JsonError {
        kind: ErrorKind::Syntax {
            detail: format!("invalid YAML: {message}"),
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
        assert!(looks_like_yaml(
            "%YAML 1.2\n--- # reports\n  # indented comment\nkind: List\n"
        ));
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
    fn anchors_documents_and_scalars_read_as_kubectl_means_them() {
        assert_eq!(to_json("a: &x 1\nb: *x\n").unwrap(), r#"{"a":1,"b":1}"#);
        assert_eq!(
            to_json("kind: A\n---\nkind: B\n").unwrap(),
            r#"[{"kind":"A"},{"kind":"B"}]"#
        );
        assert_eq!(
            to_json("n: 3\nf: 0.5\nt: true\ns: \"3\"\nz: null\nd: 2026-11-18\n").unwrap(),
            r#"{"n":3,"f":0.5,"t":true,"s":"3","z":null,"d":"2026-11-18"}"#
        );
        // A trailing `---` is an empty document, not one of two; merge keys fill a mapping.
        assert_eq!(to_json("kind: A\n---\n").unwrap(), r#"{"kind":"A"}"#);
        assert_eq!(
            to_json("a: &x {b: 1, d: 0}\nc:\n  <<: *x\n  d: 2\n").unwrap(),
            r#"{"a":{"b":1,"d":0},"c":{"d":2,"b":1}}"#
        );
        // Deeper than any report: an error, not a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(to_json(&deep).is_err());
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
