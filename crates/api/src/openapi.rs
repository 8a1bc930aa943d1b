//! The OpenAPI 3.1 document of every route (served at `/v1/openapi.json`), generated
//! from the handlers registered with `RouteTable::documented` (their `#[utoipa::path]`
//! and request/response types) and completed here with what every route of an access
//! level shares: its operation id, its security and its error answers. A test checks
//! that the documented (method, path) pairs equal the served ones.

use std::sync::OnceLock;

use axum::http::Method;
use serde_json::{Value, json};
use utoipa::openapi::path::{Operation as PathOperation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

use crate::guard::Access;

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
        // The terminals' doors close in maintenance mode like the API.
        if crate::edge::is_terminal_door(path) {
            add_error_answer(operation, "503", "Maintenance (5000); see Retry-After");
        }
        return;
    }
    for (status, description) in error_answers(secured) {
        add_error_answer(operation, status, description);
    }
}

/// Adds an error answer with the `Error` body unless the operation describes it itself.
fn add_error_answer(operation: &mut PathOperation, status: &str, description: &str) {
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
    let generated = generated();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "davomat — Workly API v1",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A self-hosted time-and-attendance server speaking the Workly API v1. Errors answer {message, code}; validation errors add errors[] with one entry per failing field. Messages are in Russian by default; Accept-Language: en or uz switches."
        },
        "servers": [{"url": base}],
        "paths": generated["paths"],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": generated["components"]["schemas"],
        }
    })
}
