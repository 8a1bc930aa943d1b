//! Every JSON answer the API tests receive is checked against the OpenAPI document's
//! schema for its operation and status (issue 12: "the document is tested against
//! reality"): a response the document does not describe fails the test that got it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

/// The document, and a compiled validator per (method, path template, status).
struct Document {
    root: Value,
    validators: Mutex<HashMap<(String, String, u16), Arc<jsonschema::Validator>>>,
}

fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| Document {
        root: davomat_api::openapi::document("http://conformance.test"),
        validators: Mutex::new(HashMap::new()),
    })
}

/// The document's path template that `path` is an instance of (`/v1/employees/7` →
/// `/v1/employees/{id}`); literal segments win over parameters.
fn template_of<'a>(paths: &'a serde_json::Map<String, Value>, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(&str, usize)> = None;
    for template in paths.keys() {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let matches = parts.iter().zip(&segments).all(|(part, segment)| {
            if part.starts_with('{') && part.ends_with('}') {
                true
            } else {
                literal += 1;
                part == segment
            }
        });
        if matches && best.is_none_or(|(_, n)| literal > n) {
            best = Some((template, literal));
        }
    }
    best.map(|(template, _)| template)
}

/// Checks a JSON answer against the document; panics naming the operation, the status
/// and every disagreement. Answers that are not JSON, and paths outside the document's
/// operations (an unknown route's 404), are left alone.
pub fn check(method: &str, path: &str, status: u16, content_type: Option<&str>, body: &str) {
    if !content_type.is_some_and(|t| t.starts_with("application/json")) {
        return;
    }
    let document = document();
    let Some(paths) = document.root["paths"].as_object() else {
        return;
    };
    let Some(template) = template_of(paths, path) else {
        return;
    };
    let method = method.to_ascii_lowercase();
    let Some(operation) = paths[template].get(&method) else {
        return; // 405: the method is not an operation of the path.
    };
    let key = (method.clone(), template.to_string(), status);
    let validator = {
        let mut validators = document
            .validators
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match validators.get(&key) {
            Some(v) => Arc::clone(v),
            None => {
                let Some(schema) =
                    operation["responses"][status.to_string()]["content"]["application/json"]
                        .get("schema")
                else {
                    panic!(
                        "{} {template} answered {status}, which the OpenAPI document does not describe: {body}",
                        method.to_uppercase()
                    );
                };
                // The response's schema with the document's components beside it, so
                // that its `#/components/…` references resolve.
                let root = json!({
                    "components": document.root["components"],
                    "allOf": [schema],
                });
                let compiled = Arc::new(jsonschema::validator_for(&root).unwrap_or_else(|e| {
                    panic!("{template} {status}: schema does not compile: {e}")
                }));
                validators.insert(key, Arc::clone(&compiled));
                compiled
            }
        }
    };
    let Ok(instance) = serde_json::from_str::<Value>(body) else {
        panic!(
            "{} {path} answered {status} with a body that is not JSON: {body}",
            method.to_uppercase()
        );
    };
    let mut errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    let schema =
        &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
    undocumented(&document.root, schema, &instance, "", &mut errors);
    assert!(
        errors.is_empty(),
        "{} {template} answered {status} outside its OpenAPI schema:\n  {}\nbody: {}",
        method.to_uppercase(),
        errors.join("\n  "),
        body.chars().take(2000).collect::<String>()
    );
}

/// The schema a `$ref` names in the document (itself when it is not a reference).
fn resolved<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .map_or(schema, |target| resolved(root, target)),
        None => schema,
    }
}

/// The properties a schema declares for an object, through `allOf`/`oneOf`/`anyOf`;
/// `None` when it leaves them open (no `properties`, or `additionalProperties` allowed).
fn declared<'a>(root: &'a Value, schema: &'a Value) -> Option<Vec<(&'a str, &'a Value)>> {
    let schema = resolved(root, schema);
    let mut list = Vec::new();
    let mut closed = false;
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        closed = !schema
            .get("additionalProperties")
            .is_some_and(|a| a != &Value::Bool(false));
        list.extend(properties.iter().map(|(k, v)| (k.as_str(), v)));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match declared(root, part) {
                Some(more) => {
                    closed = true;
                    list.extend(more);
                }
                None if resolved(root, part).get("type") == Some(&json!("object")) => return None,
                None => {}
            }
        }
    }
    closed.then_some(list)
}

/// Records every field of `instance` that its schema does not declare: a response must
/// not carry what the document does not show (a schema may still leave an object open).
fn undocumented(
    root: &Value,
    schema: &Value,
    instance: &Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    let schema = resolved(root, schema);
    match instance {
        Value::Object(map) => {
            let Some(properties) = declared(root, schema) else {
                return;
            };
            for (key, value) in map {
                match properties.iter().find(|(name, _)| name == key) {
                    Some((_, property)) => {
                        undocumented(root, property, value, &format!("{at}/{key}"), errors)
                    }
                    None => errors.push(format!(
                        "at {at}/{key}: a field the document does not declare"
                    )),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    undocumented(root, item_schema, item, &format!("{at}/{i}"), errors);
                }
            }
        }
        _ => {}
    }
}
