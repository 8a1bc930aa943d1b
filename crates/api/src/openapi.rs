//! The OpenAPI 3.1 document of every route (served at `/v1/openapi.json`): the part
//! generated from the handlers registered with `RouteTable::documented` (their
//! `#[utoipa::path]` and request/response types), completed here with the error
//! answers of each access level, and the operations of the routes still described by
//! hand ([`Operation`], being replaced resource by resource). A test checks that the
//! documented (method, path) pairs equal the served ones.

use std::sync::OnceLock;

use axum::http::Method;
use serde_json::{Value, json};
use utoipa::openapi::path::{Operation as PathOperation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

use crate::guard::Access;

/// One documented operation.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// Bearer token required.
    pub secured: bool,
    pub parameters: Vec<Value>,
    pub request: Option<Value>,
    /// Status → (description, schema reference or inline schema).
    pub responses: Vec<(&'static str, &'static str, Value)>,
}

pub fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

pub fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// An integer id in the path, e.g. `{id}` or `{employee_id}`.
pub fn id_in_path(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}})
}

pub fn paging() -> Vec<Value> {
    vec![
        query(
            "page",
            "1-based page number (below 1 → 1)",
            json!({"type": "integer", "default": 1}),
        ),
        query(
            "per-page",
            "items per page, clamped to 1..50",
            json!({"type": "integer", "default": 50}),
        ),
        query(
            "limit",
            "alias of per-page (also accepted as a `limit` header)",
            json!({"type": "integer"}),
        ),
    ]
}

pub fn body(schema: Value) -> Value {
    json!({
        "required": true,
        "content": {
            "application/json": {"schema": schema.clone()},
            "application/x-www-form-urlencoded": {"schema": schema},
        }
    })
}

pub fn error_responses(secured: bool) -> Vec<(&'static str, &'static str, Value)> {
    error_answers(secured)
        .into_iter()
        .map(|(status, description)| (status, description, schema_ref("Error")))
        .collect()
}

/// The error answers (status, description) every route of an access level can give,
/// each with the `Error` body (CONTRACT.md §2).
fn error_answers(secured: bool) -> Vec<(&'static str, &'static str)> {
    let mut list = vec![
        ("400", "Malformed request (4001) or missing argument (4000)"),
        ("406", "Accept excludes JSON (4001)"),
        ("413", "Body over 1 MB (4001)"),
        ("429", "Rate limit exceeded (6000); see Retry-After"),
        (
            "500",
            "Internal error (5000); the log line carries the X-Request-Id",
        ),
        (
            "503",
            "Maintenance, database unreachable or time limit (5000)",
        ),
    ];
    if secured {
        list.push((
            "401",
            "No token (7007), invalid token (7008), expired token (7009)",
        ));
        list.push(("402", "The company's subscription has expired (7004)"));
        list.push(("403", "The role lacks the permission (7004)"));
        list.push(("426", "The API client is blocked pending an update (7010)"));
    }
    list
}

/// The operations still described by hand, gathered from the route modules.
pub fn operations() -> Vec<Operation> {
    crate::routes::operations()
}

pub fn with_errors(
    secured: bool,
    mut own: Vec<(&'static str, &'static str, Value)>,
) -> Vec<(&'static str, &'static str, Value)> {
    for error in error_responses(secured) {
        if !own.iter().any(|(status, _, _)| *status == error.0) {
            own.push(error);
        }
    }
    own
}

pub fn service_operation(
    path: &'static str,
    summary: &'static str,
    media: &'static str,
) -> Operation {
    Operation {
        method: "get",
        path,
        tag: "Service",
        summary,
        description: "",
        secured: false,
        parameters: vec![],
        request: None,
        responses: vec![("200", summary, json!({"x-media-type": media}))],
    }
}

/// The operations of a generated path item, with their methods.
pub(crate) fn operations_of(item: &mut PathItem) -> Vec<(Method, &mut PathOperation)> {
    [
        (Method::GET, item.get.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
        (Method::HEAD, item.head.as_mut()),
        (Method::OPTIONS, item.options.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation?)))
    .collect()
}

/// Completes a generated operation: its id (unique, from method and path), its
/// security, and the error answers of its access level that it does not describe
/// itself.
pub(crate) fn complete(operation: &mut PathOperation, method: &Method, path: &str, access: Access) {
    operation.operation_id = Some(operation_id(&method.as_str().to_ascii_lowercase(), path));
    let secured = matches!(access, Access::Authenticated | Access::Device);
    if secured {
        operation.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
    if access == Access::Service {
        return;
    }
    for (status, description) in error_answers(secured) {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Error")))
                            .build(),
                    )
                    .build()
                    .into()
            });
    }
}

fn operation_id(method: &str, path: &str) -> String {
    format!("{method}{}", path.replace(['/', '.', '-', '{', '}'], "_"))
}

/// The generated part of the document, built once.
fn generated() -> &'static Value {
    static GENERATED: OnceLock<Value> = OnceLock::new();
    GENERATED.get_or_init(|| {
        serde_json::to_value(crate::routes::generated_document()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the generated OpenAPI document does not serialise");
            json!({})
        })
    })
}

/// The whole document, with `base` as the server URL.
pub fn document(base: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for op in operations() {
        let mut responses = serde_json::Map::new();
        for (status, description, schema) in &op.responses {
            let content = if schema.get("x-media-type").is_some() {
                json!({ schema["x-media-type"].as_str().unwrap_or("text/plain"): {} })
            } else {
                json!({"application/json": {"schema": schema}})
            };
            responses.insert(
                status.to_string(),
                json!({"description": description, "content": content}),
            );
        }
        let mut operation = json!({
            "tags": [op.tag],
            "summary": op.summary,
            "description": op.description,
            "operationId": operation_id(op.method, op.path),
            "parameters": op.parameters,
            "responses": responses,
        });
        if let Some(request) = op.request {
            operation["requestBody"] = request;
        }
        if op.secured {
            operation["security"] = json!([{"bearer": []}]);
        }
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    let generated = generated();
    if let Some(generated_paths) = generated["paths"].as_object() {
        for (path, item) in generated_paths {
            let entry = paths.entry(path.clone()).or_insert_with(|| json!({}));
            if let (Some(entry), Some(item)) = (entry.as_object_mut(), item.as_object()) {
                entry.extend(item.clone());
            }
        }
    }
    let schemas = generated["components"]["schemas"].clone();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "davomat — Workly API v1",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A self-hosted time-and-attendance server speaking the Workly API v1. Errors answer {message, code}; validation errors add errors[] with one entry per failing field. Messages are in Russian by default; Accept-Language: en or uz switches."
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}
