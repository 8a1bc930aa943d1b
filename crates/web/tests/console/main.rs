//! The console driven over real HTTP (`http`) and in a real Chromium (`browser`), each
//! against a real server on SQLite and on PostgreSQL.

mod biometrics;
mod browser;
mod directory;
mod employees;
mod http;
mod maintenance;
mod support;
mod terminals;
mod timesheet;
