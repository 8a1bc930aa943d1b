//! The route table: every route of the server with who may reach it. Building the
//! router through [`RouteTable::add`] records each (method, path), so a test can hold
//! the OpenAPI document and the router in step.

pub(crate) mod accounts;
mod clock;
mod departments;
mod device;
mod device_commands;
mod devices;
mod employees;
mod holidays;
mod identification;
mod locations;
mod oauth;
mod password_reset;
mod payroll;
mod photos;
mod positions;
mod reports;
mod schedules;
mod service;
mod time_off_types;
mod time_offs;
mod user_activities;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodFilter, on};
use axum::{Extension, Router};

use crate::AppState;
use crate::guard::{self, Access};

/// The router being built and the operations it serves.
pub struct RouteTable {
    state: AppState,
    router: Router<AppState>,
    operations: Vec<(Method, &'static str)>,
}

impl RouteTable {
    fn new(state: AppState) -> Self {
        RouteTable {
            state,
            router: Router::new(),
            operations: Vec::new(),
        }
    }

    /// Adds one operation behind the guard of its access level, with the default body
    /// limit ([`BODY_LIMIT`](crate::input::BODY_LIMIT)).
    pub fn add<H, T>(self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add_route(method, path, access, None, handler)
    }

    /// As [`add`](Self::add), with the route's own body limit in bytes: the guard's
    /// early `Content-Length` check and axum's extractors (multipart) use it; the
    /// handler reads the body with it.
    pub fn add_with_body_limit<H, T>(
        self,
        method: Method,
        path: &'static str,
        access: Access,
        body_limit: usize,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add_route(method, path, access, Some(body_limit), handler)
    }

    fn add_route<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        body_limit: Option<usize>,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let route = on(filter, handler);
        let route = match access {
            Access::Service => route.route_layer(from_fn(guard::service)),
            Access::Public => {
                route.route_layer(from_fn_with_state(self.state.clone(), guard::public))
            }
            Access::Authenticated => {
                route.route_layer(from_fn_with_state(self.state.clone(), guard::authenticated))
            }
            Access::Device => {
                route.route_layer(from_fn_with_state(self.state.clone(), guard::device))
            }
        };
        // Added after the guard, so it runs before it.
        let route = match body_limit {
            Some(limit) => route
                .route_layer(Extension(guard::BodyLimit(limit)))
                .route_layer(DefaultBodyLimit::max(limit)),
            None => route,
        };
        self.router = self.router.route(path, route);
        self.operations.push((method, path));
        self
    }

    /// Every (method, path) served.
    pub fn operations(&self) -> &[(Method, &'static str)] {
        &self.operations
    }
}

/// Every route of the API listener.
pub fn table(state: AppState) -> RouteTable {
    let metrics_here = state.config.metrics_on_api_listener;
    let table = RouteTable::new(state);
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
    let table = identification::routes(table);
    let table = photos::routes(table);
    let table = reports::routes(table);
    let table = payroll::routes(table);
    service::routes(table, metrics_here)
}

/// The OpenAPI operations of every route module, in the order of the table.
pub fn operations() -> Vec<crate::openapi::Operation> {
    [
        oauth::operations(),
        password_reset::operations(),
        accounts::operations(),
        user_activities::operations(),
        departments::operations(),
        positions::operations(),
        locations::operations(),
        schedules::operations(),
        devices::operations(),
        employees::operations(),
        employees::lifecycle::operations(),
        employees::history::operations(),
        holidays::operations(),
        time_off_types::operations(),
        time_offs::operations(),
        clock::operations(),
        device::operations(),
        device_commands::operations(),
        identification::operations(),
        photos::operations(),
        reports::operations(),
        payroll::operations(),
        service::operations(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub fn router(state: AppState) -> Router<AppState> {
    table(state).router
}

/// The router of the separate metrics listener.
pub fn metrics_router(state: AppState) -> Router {
    service::metrics_only(state)
}
