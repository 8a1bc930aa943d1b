//! HTTP tests of the API: each case starts the real router on port 0 against a fresh
//! database and drives it over HTTP, on SQLite and on PostgreSQL.

mod accounts;
mod auth;
mod clock;
mod concurrent_writes;
mod conformance;
mod departments;
mod device_commands;
mod device_events;
mod devices;
mod employee_create;
mod employee_history;
mod employee_lifecycle;
mod employee_update;
mod employees;
mod errors;
mod faces;
mod hikvision;
mod holidays;
mod hostile_input;
mod iclock;
mod kiosks;
mod locations;
mod payroll;
mod positions;
mod reports;
mod role_probe;
mod schedules;
mod service;
mod support;
mod tenancy_probe;
mod time_off_types;
mod time_offs;
mod user_activities;
mod webhooks;
