//! `/v1/payroll` (reference 09): salary rates, payroll rules and automatic fines.
//!
//! - `lists`: each employee in the caller's scope with their periods
//!   (`GET /v1/payroll/salaries`, `/payrolls`, `/fines`).
//! - `assign`: giving many employees a new period at once (`POST /v1/payroll/add-salary`,
//!   `/add-payroll`, `/add-fine`, also without `/payroll`), one result per employee, and
//!   deleting one period (`DELETE /v1/payroll/{employee_id}/delete-salary/{id}`…).
//! - `catalog`: the company's payroll rules and fines (`/v1/payroll/payroll-list`,
//!   `/fine-list`; ext writes).
//!
//! Reads are for admins (the company) and department heads (their scope); writes for
//! admins. Amounts are strings with two decimals, kept as integer minor units.

mod assign;
mod catalog;
mod lists;

use super::RouteTable;

pub fn routes(table: RouteTable) -> RouteTable {
    let table = lists::routes(table);
    let table = assign::routes(table);
    catalog::routes(table)
}
