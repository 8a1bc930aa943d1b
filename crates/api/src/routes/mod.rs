//! The route table: every route of the server with who may reach it. Each handler,
//! described with `#[utoipa::path]`, is registered once, with
//! [`RouteTable::documented`]: that gives both its route and its part of the OpenAPI
//! document (generated from its request and response types, plus the error answers its
//! access level can give). A test holds the document and the router in step.

pub(crate) mod accounts;
mod clock;
mod departments;
mod device;
mod device_commands;
mod devices;
mod employees;
pub mod files;
mod hikvision;
mod holidays;
mod iclock;
mod identification;
mod kiosks;
mod locations;
mod oauth;
pub mod password_reset;
mod payroll;
mod photos;
mod positions;
pub mod reports;
mod schedules;
mod service;
mod time_off_types;
mod time_offs;
mod timesheets;
mod user_activities;
mod webhooks;

use axum::Router;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state, map_response_with_state};
use axum::routing::MethodRouter;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use utoipa_axum::router::UtoipaMethodRouter;

use crate::AppState;
use crate::edge;
use crate::guard::{self, Access};
use crate::input::BODY_LIMIT;
use crate::openapi;

/// The router being built and the operations it serves.
pub struct RouteTable {
    /// `None` while the table is built only for its document (nothing is served).
    state: Option<AppState>,
    router: Router<AppState>,
    operations: Vec<(Method, String)>,
    /// The generated part of the OpenAPI document.
    document: utoipa::openapi::OpenApi,
}

impl RouteTable {
    fn new(state: Option<AppState>) -> Self {
        RouteTable {
            state,
            router: Router::new(),
            operations: Vec::new(),
            document: utoipa::openapi::OpenApi::default(),
        }
    }

    /// Adds the operation of one `routes!(handler)` behind the guard of its access
    /// level; its generated description joins the document, completed with its
    /// operation id, its security and the error answers of its access level.
    pub fn documented(self, access: Access, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.documented_route(access, None, routes)
    }

    /// As [`documented`](Self::documented), with the route's own body limit in bytes
    /// (others have [`BODY_LIMIT`]).
    pub fn documented_with_body_limit(
        self,
        access: Access,
        body_limit: usize,
        routes: UtoipaMethodRouter<AppState>,
    ) -> Self {
        self.documented_route(access, Some(body_limit), routes)
    }

    fn documented_route(
        mut self,
        access: Access,
        body_limit: Option<usize>,
        (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
    ) -> Self {
        let method_router = self.guarded(method_router, access, body_limit.unwrap_or(BODY_LIMIT));
        for (path, mut item) in paths.paths {
            for (method, operation) in openapi::operations_of(&mut item) {
                openapi::complete(operation, &method, &path, access);
                self.operations.push((method, path.clone()));
            }
            self.router = self.router.route(&path, method_router.clone());
            match self.document.paths.paths.get_mut(&path) {
                Some(existing) => existing.merge_operations(item),
                None => {
                    self.document.paths.paths.insert(path, item);
                }
            }
        }
        self.document
            .components
            .get_or_insert_with(utoipa::openapi::Components::new)
            .schemas
            .extend(schemas);
        self
    }

    /// The method router inside its route layers (none while only describing), innermost
    /// first: panics caught, the guard of `access`, the body limit, [`guard::entry`]
    /// (see `guard` for the order of checks they make).
    fn guarded(
        &self,
        route: MethodRouter<AppState>,
        access: Access,
        body_limit: usize,
    ) -> MethodRouter<AppState> {
        let Some(state) = &self.state else {
            return route;
        };
        let route = route.route_layer(CatchPanicLayer::custom(edge::panic_answer));
        let route = match access {
            Access::Service => route,
            Access::Public => route.route_layer(from_fn_with_state(state.clone(), guard::public)),
            Access::Authenticated => {
                route.route_layer(from_fn_with_state(state.clone(), guard::authenticated))
            }
            Access::Device => route.route_layer(from_fn_with_state(state.clone(), guard::device)),
        };
        route
            .route_layer(RequestBodyLimitLayer::new(body_limit))
            .route_layer(map_response_with_state(
                body_limit,
                guard::payload_too_large,
            ))
            .route_layer(from_fn(move |request, next| {
                guard::entry(access, request, next)
            }))
    }

    /// Every (method, path) served.
    pub fn operations(&self) -> &[(Method, String)] {
        &self.operations
    }
}

/// Every route of the API listener.
pub fn table(state: AppState) -> RouteTable {
    let metrics_here = state.config.metrics_on_api_listener;
    every_route(RouteTable::new(Some(state)), metrics_here)
}

/// The generated part of the OpenAPI document: the table built only to describe it.
pub fn generated_document() -> utoipa::openapi::OpenApi {
    use crate::error::ErrorBody;
    use utoipa::{PartialSchema, ToSchema};
    let mut document = every_route(RouteTable::new(None), true).document;
    // The error body every operation refers to, described or not by its handler.
    document
        .components
        .get_or_insert_with(utoipa::openapi::Components::new)
        .schemas
        .insert(ErrorBody::name().into_owned(), ErrorBody::schema());
    document
}

fn every_route(table: RouteTable, metrics_here: bool) -> RouteTable {
    let table = oauth::routes(table);
    let table = password_reset::routes(table);
    let table = accounts::routes(table);
    let table = user_activities::routes(table);
    let table = departments::routes(table);
    let table = positions::routes(table);
    let table = locations::routes(table);
    let table = schedules::routes(table);
    let table = devices::routes(table);
    let table = employees::routes(table);
    let table = employees::lifecycle::routes(table);
    let table = employees::history::routes(table);
    let table = holidays::routes(table);
    let table = time_off_types::routes(table);
    let table = time_offs::routes(table);
    let table = clock::routes(table);
    let table = device::routes(table);
    let table = device_commands::routes(table);
    let table = iclock::routes(table);
    let table = hikvision::routes(table);
    let table = kiosks::routes(table);
    let table = identification::routes(table);
    let table = photos::routes(table);
    let table = reports::routes(table);
    let table = timesheets::routes(table);
    let table = payroll::routes(table);
    let table = webhooks::routes(table);
    service::routes(table, metrics_here)
}

pub fn router(state: AppState) -> Router<AppState> {
    table(state).router
}

/// The router of the separate metrics listener.
pub fn metrics_router(state: AppState) -> Router {
    service::metrics_only(state)
}
