//! davomat-app: the use cases. One function per business operation (create a position,
//! clock an employee in, …), each taking the [`Caller`] and a named request, owning its
//! transaction, its activity-log row, what it tells the read caches and its side
//! effects. Every door — the JSON API, the console, a terminal protocol, the CLI —
//! parses its own wire format, calls these, and renders the answer in its own format:
//! a rule written here is written once (docs/decisions.md, "Layers").
//!
//! The layer sits between `davomat-store` (persistence) and the doors; it knows no HTTP.
//! Resources move here one at a time; those not moved yet are still transaction
//! scripts in `davomat-api`'s handlers.

pub mod accounts;
pub mod adms;
pub mod api_clients;
pub mod attendance;
pub mod biometrics;
pub mod caller;
pub mod clock;
pub mod company;
pub mod corrections;
pub mod departments;
pub mod device_commands;
pub mod devices;
pub mod employee_edit;
pub mod employee_fields;
pub mod employee_history;
pub mod employee_lifecycle;
pub mod error;
pub mod exports;
pub mod faces;
pub mod file_exports;
pub mod hikvision;
pub mod hiring;
pub mod holidays;
pub mod imports;
pub mod kiosks;
pub mod locations;
pub mod password_resets;
pub mod payroll;
pub mod personnel;
pub mod positions;
pub mod request;
pub mod schedules;
pub mod scope;
pub mod sign_in;
pub mod terminal_events;
pub mod terminal_users;
pub mod time_off_types;
pub mod time_offs;
pub mod timesheets;
pub mod today;
pub mod user_activities;
pub mod users;
pub mod webhooks;

pub use caller::Caller;
pub use error::{AppError, AppResult};
pub use request::{Locations, Sent};
pub use scope::Scope;
