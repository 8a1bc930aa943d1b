//! The day so far, over the caller's scope: how many employees are employed today, came
//! in, came in late, are on time-off and are absent (the counts of
//! `GET /v1/employees/attendance`), and who each of them is — the late with their
//! minutes, the absent without a time-off, and who is at work now and where. The API
//! answers the counts; the console's Today board shows all of it.
//!
//! Each employee's day is kept as a [`Line`] in a [`LineCache`] until a write names the
//! employee (a clock event, a time-off, an edit), the company's directory or the company
//! itself: a board polled every 15 s during a 9 a.m. rush recomputes only the employees
//! who clocked in since the last poll, not the whole company (docs/performance.md).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use davomat_core::engine::EventKind;
use davomat_core::{CompanyId, EmployeeId, Role};
use davomat_store::Store;
use davomat_store::attendance::{self, RosterFilter};
use davomat_store::employees::Visibility;
use davomat_store::read_cache::{Dependency, ReadCache};
use davomat_store::titles::{self, Titled};

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

/// One employee's day so far, as the board needs it: what it is made of changes only
/// when the employee's clock events, time-offs, schedule or card change, or the
/// company's directory does — not with the time of the request.
#[derive(Clone, Debug)]
pub struct Line {
    person: Person,
    arrived: bool,
    /// Minutes late (more than zero), when late.
    late_minutes: Option<i64>,
    on_time_off: bool,
    /// At work now (their last event today is an in), and the location's title.
    at_work: Option<Option<String>>,
}

/// The lines of a company's employees on a date, each kept until a write names the
/// employee, the company's directory or the company.
pub type LineCache = ReadCache<(CompanyId, NaiveDate, i64), Arc<Line>>;

/// How long a line may be answered without being recomputed, at most: the board's own
/// polling interval. On one node, and on several sharing Redis, a write drops the lines
/// it changed at once; a node that missed an invalidation shows a line at most this old.
pub const LINE_LIFETIME: Duration = Duration::from_secs(15);

/// A cache of lines for a door to keep (one per server).
pub fn line_cache(store: &Store) -> LineCache {
    store.read_cache(200_000).with_lifetime(LINE_LIFETIME)
}

/// The counts alone (the API's answer).
pub async fn counts(
    store: &Store,
    lines: &LineCache,
    caller: &Caller,
    now: i64,
) -> AppResult<Counts> {
    let lines = today_lines(store, lines, caller, now).await?;
    Ok(count(&lines))
}

/// The board with its lists.
pub async fn board(
    store: &Store,
    lines: &LineCache,
    caller: &Caller,
    now: i64,
) -> AppResult<Board> {
    let lines = today_lines(store, lines, caller, now).await?;
    let mut board = Board {
        counts: count(&lines),
        ..Board::default()
    };
    for line in &lines {
        let person = || line.person.clone();
        if let Some(minutes) = line.late_minutes {
            board.late.push((person(), minutes));
        }
        if line.on_time_off {
            board.on_time_off.push(person());
        } else if !line.arrived {
            board.absent.push(person());
        }
        if let Some(location) = &line.at_work {
            board.at_work.push((person(), location.clone()));
        }
    }
    board
        .late
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.full_name.cmp(&b.0.full_name)));
    board.at_work_total = board.at_work.len() as u64;
    // The lines come by full name: the other lists are in order already.
    board.late.truncate(LIST_LIMIT);
    board.absent.truncate(LIST_LIMIT);
    board.on_time_off.truncate(LIST_LIMIT);
    board.at_work.truncate(LIST_LIMIT);
    Ok(board)
}

/// Today's lines of the active employees in the caller's scope, by full name: the kept
/// ones as they are, the others computed (the roster, their inputs and the engine for
/// them only) and kept.
async fn today_lines(
    store: &Store,
    cache: &LineCache,
    caller: &Caller,
    now: i64,
) -> AppResult<Vec<Arc<Line>>> {
    caller.require(&READERS)?;
    let company = caller.company_id;
    let today = caller.today(now);
    let mut filter = RosterFilter::all(Scope::of(store, caller).await?.visibility());
    filter.active_only = true;
    filter.employed = Some((today, today));
    let ids = attendance::roster_ids(store.connection(), company, &filter, today).await?;
    let keys: Vec<(CompanyId, NaiveDate, i64)> =
        ids.iter().map(|id| (company, today, *id)).collect();
    let mut lines: HashMap<i64, Arc<Line>> = ids
        .iter()
        .zip(cache.get_many(&keys))
        .filter_map(|(id, line)| line.map(|line| (*id, line)))
        .collect();
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !lines.contains_key(id))
        .collect();
    if !missing.is_empty() {
        let reading = cache.reading();
        let computed = compute_lines(store, caller, missing, today, now).await?;
        for (id, line) in computed {
            let dependencies = vec![
                Dependency::Employee(EmployeeId(id)),
                Dependency::Attendance(EmployeeId(id)),
                Dependency::Directory(company),
                Dependency::Company(company),
            ];
            cache.put(
                (company, today, id),
                reading,
                Arc::clone(&line),
                dependencies,
            );
            lines.insert(id, line);
        }
    }
    // An employee the roster named but the computation did not (dismissed meanwhile)
    // is left out.
    Ok(ids.iter().filter_map(|id| lines.remove(id)).collect())
}

/// Computes the lines of these employees for today.
async fn compute_lines(
    store: &Store,
    caller: &Caller,
    employees: Vec<i64>,
    today: NaiveDate,
    now: i64,
) -> AppResult<Vec<(i64, Arc<Line>)>> {
    let mut filter = RosterFilter::all(Visibility::Company);
    filter.employees = Some(employees);
    let (roster, _) =
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
    let titles: HashMap<i64, String> =
        titles::of(store.connection(), caller.company_id, Titled::Locations)
            .await?
            .into_iter()
            .collect();
    Ok(computed
        .sheets
        .iter()
        .filter_map(|sheet| {
            line_of(sheet, &titles).map(|line| (sheet.employee.id.0, Arc::new(line)))
        })
        .collect())
}

/// The line of one computed sheet (none when the employee has no row today).
fn line_of(sheet: &Sheet, titles: &HashMap<i64, String>) -> Option<Line> {
    let row = sheet.timesheet.rows.first()?;
    let arrived = row.first_in.is_some();
    let at_work = (arrived && row.last_event == Some(EventKind::In)).then(|| {
        sheet
            .timesheet
            .segments
            .iter()
            .rev()
            .find(|s| s.last_time.is_none() && s.first_time.is_some())
            .and_then(|s| s.in_location)
            .and_then(|id| titles.get(&id).cloned())
    });
    Some(Line {
        person: Person {
            employee_id: sheet.employee.id.0,
            full_name: sheet.employee.full_name.clone(),
            department: sheet.employee.department_title.clone(),
        },
        arrived,
        late_minutes: row.late_in.filter(|l| *l > 0).map(|l| l / 60),
        on_time_off: !arrived && row.timeoff_id.is_some(),
        at_work,
    })
}

fn count(lines: &[Arc<Line>]) -> Counts {
    let employees = lines.len() as u64;
    let arrived = lines.iter().filter(|l| l.arrived).count() as u64;
    let late = lines.iter().filter(|l| l.late_minutes.is_some()).count() as u64;
    let on_time_off = lines.iter().filter(|l| l.on_time_off).count() as u64;
    Counts {
        employees,
        arrived,
        late,
        on_time_off,
        absent: employees.saturating_sub(arrived + on_time_off),
    }
}
