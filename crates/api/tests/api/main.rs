//! HTTP tests of the API: each case starts the real router on port 0 against a fresh
//! database and drives it over HTTP, on SQLite and on PostgreSQL.

mod accounts;
mod auth;
mod departments;
mod devices;
mod employee_create;
mod employee_history;
mod employee_lifecycle;
mod employee_update;
mod employees;
mod errors;
mod locations;
mod positions;
mod reports;
mod schedules;
mod service;
mod support;
mod user_activities;
