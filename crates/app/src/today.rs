//! The day so far, over the caller's scope: how many employees are employed today, came
//! in, came in late, are on time-off and are absent (the counts of
//! `GET /v1/employees/attendance`), and who each of them is — the late with their
//! minutes, the absent without a time-off, and who is at work now and where. The API
//! answers the counts; the console's Today board shows all of it.

use std::collections::HashMap;

use davomat_core::Role;
use davomat_core::engine::{DayRow, EventKind};
use davomat_store::Store;
use davomat_store::attendance::{self, RosterFilter};

use crate::attendance::{Sheet, compute};
use crate::caller::Caller;
use crate::error::AppResult;
use crate::scope::Scope;

/// Who may see the day: everyone but employees (roles 1–4), each over their scope.
pub const READERS: [Role; 4] = [
    Role::Admin,
    Role::DepartmentHead,
    Role::DepartmentManager,
    Role::Observer,
];

/// The day's counts (CONTRACT.md, `GET /v1/employees/attendance`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Active employees employed today.
    pub employees: u64,
    /// Came in (an in attributed to today).
    pub arrived: u64,
    /// Came in after the schedule's start and its grace.
    pub late: u64,
    /// On an accepted time-off and not come in.
    pub on_time_off: u64,
    /// Neither come in nor on time-off.
    pub absent: u64,
}

/// One person on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub employee_id: i64,
    pub full_name: String,
    pub department: String,
}

/// Rows of each list the board shows; the counts say how many there are in all (a
/// company of 10,000 has thousands absent at 8 a.m., which no one reads on a board).
pub const LIST_LIMIT: usize = 50;

/// The whole board.
#[derive(Clone, Debug, Default)]
pub struct Board {
    pub counts: Counts,
    /// Late arrivals with their minutes late, latest first (each list at most
    /// [`LIST_LIMIT`] rows).
    pub late: Vec<(Person, i64)>,
    /// Absent without a time-off, by name.
    pub absent: Vec<Person>,
    /// On time-off today, by name.
    pub on_time_off: Vec<Person>,
    /// At work now (their last event today is an in), with the location's title, by name.
    pub at_work: Vec<(Person, Option<String>)>,
    /// How many are at work now, the list being cut at [`LIST_LIMIT`].
    pub at_work_total: u64,
}

/// The counts alone (the API's answer).
pub async fn counts(store: &Store, caller: &Caller, now: i64) -> AppResult<Counts> {
    let (sheets, employees) = today_sheets(store, caller, now).await?;
    Ok(count(&sheets, employees))
}

/// The board with its lists.
pub async fn board(store: &Store, caller: &Caller, now: i64) -> AppResult<Board> {
    let (sheets, employees) = today_sheets(store, caller, now).await?;
    let counts = count(&sheets, employees);
    let titles: HashMap<i64, String> = davomat_store::titles::of(
        store.connection(),
        caller.company_id,
        davomat_store::titles::Titled::Locations,
    )
    .await?
    .into_iter()
    .collect();
    let mut board = Board {
        counts,
        ..Board::default()
    };
    for sheet in &sheets {
        let Some(row) = sheet.timesheet.rows.first() else {
            continue;
        };
        let person = Person {
            employee_id: sheet.employee.id,
            full_name: sheet.employee.full_name.clone(),
            department: sheet.employee.department_title.clone(),
        };
        if let Some(late) = row.late_in.filter(|l| *l > 0) {
            board.late.push((person.clone(), late / 60));
        }
        if row.first_in.is_none() {
            if row.timeoff_id.is_some() {
                board.on_time_off.push(person);
            } else {
                board.absent.push(person);
            }
            continue;
        }
        if row.last_event == Some(EventKind::In) {
            let location = sheet
                .timesheet
                .segments
                .iter()
                .rev()
                .find(|s| s.last_time.is_none() && s.first_time.is_some())
                .and_then(|s| s.in_location)
                .and_then(|id| titles.get(&id).cloned());
            board.at_work.push((person, location));
        }
    }
    board
        .late
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.full_name.cmp(&b.0.full_name)));
    board.absent.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    board
        .on_time_off
        .sort_by(|a, b| a.full_name.cmp(&b.full_name));
    board
        .at_work
        .sort_by(|a, b| a.0.full_name.cmp(&b.0.full_name));
    board.at_work_total = board.at_work.len() as u64;
    board.late.truncate(LIST_LIMIT);
    board.absent.truncate(LIST_LIMIT);
    board.on_time_off.truncate(LIST_LIMIT);
    board.at_work.truncate(LIST_LIMIT);
    Ok(board)
}

/// Today's sheets of the active employees in the caller's scope, and how many there are.
async fn today_sheets(store: &Store, caller: &Caller, now: i64) -> AppResult<(Vec<Sheet>, u64)> {
    caller.require(&READERS)?;
    let today = caller.today(now);
    let mut filter = RosterFilter::all(Scope::of(store, caller).await?.visibility());
    filter.active_only = true;
    filter.employed = Some((today, today));
    let (roster, employees) =
        attendance::roster(store.connection(), caller.company_id, &filter, today, None).await?;
    let computed = compute(
        store,
        caller.company_id,
        &caller.zone(),
        roster,
        (today, today),
        now,
    )
    .await?;
    Ok((computed.sheets, employees))
}

fn count(sheets: &[Sheet], employees: u64) -> Counts {
    let rows: Vec<&DayRow> = sheets
        .iter()
        .filter_map(|s| s.timesheet.rows.first())
        .collect();
    let arrived = rows.iter().filter(|r| r.first_in.is_some()).count() as u64;
    let late = rows
        .iter()
        .filter(|r| r.late_in.is_some_and(|l| l > 0))
        .count() as u64;
    let on_time_off = rows
        .iter()
        .filter(|r| r.first_in.is_none() && r.timeoff_id.is_some())
        .count() as u64;
    Counts {
        employees,
        arrived,
        late,
        on_time_off,
        absent: employees.saturating_sub(arrived + on_time_off),
    }
}
