//! davomat-core: the pure domain of davomat.
//!
//! Typed ids, roles, company and client states, languages, person names, the
//! validation vocabulary (field error codes 8002–8010), pagination arithmetic and
//! the attendance engine (schedules, events and time-off to day rows and reports),
//! which computes on jiff dates ([`dates`] converts the edges' chrono ones).
//! Nothing here touches a database, the network or the clock: callers pass `now`.

pub mod activity;
pub mod adms;
pub mod dates;
pub mod engine;
pub mod geo;
pub mod hikvision;
pub mod ids;
pub mod lang;
pub mod money;
pub mod page;
pub mod person;
pub mod role;
pub mod schedule;
pub mod status;
pub mod token;
pub mod validation;
pub mod webhooks;
pub mod zone;

pub use ids::*;
pub use lang::Lang;
pub use role::Role;
pub use status::{AbsenceType, ClientState, ClockMode, CompanyStatus, EmployeeStatus};
