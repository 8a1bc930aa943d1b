//! Writing the month's files of 10,000 employees x 31 days (issue 14's figure for the
//! T-13 XLSX: under 5 s and 200 MB with the computing; this measures the writing
//! alone, on marks made up in memory): the T-13 form (XLSX, constant-memory mode) and
//! the grid as CSV. The whole path, database and engine included, is measured from
//! outside by `scripts/load-timesheet.sh` (docs/performance.md).
//!
//! Run: `cargo bench -p davomat-app --bench t13_form`. It measures; it never fails.

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use davomat_app::exports::{self, FormHeading};
use davomat_app::timesheets::{EmployeeMonth, MonthSheet};
use davomat_core::engine::t13::{DayCode, DayMark, LeaveCode, mark_totals};
use davomat_core::{DepartmentId, EmployeeId, EmployeeStatus, Lang, ScheduleId};
use davomat_store::attendance::RosterEmployee;
use davomat_store::text::Text;

const EMPLOYEES: i64 = 10_000;

fn mark(employee: i64, day: usize) -> DayMark {
    let weekday = day % 7;
    let code = match (weekday, (employee + day as i64) % 23) {
        (5 | 6, _) => DayCode::DayOff,
        (_, 0) => DayCode::Absent,
        (_, 1) => DayCode::Leave(LeaveCode::SickLeave),
        _ => DayCode::Worked,
    };
    let worked = code == DayCode::Worked;
    DayMark {
        code,
        work: if worked {
            8 * 3600 + (employee % 60) * 60
        } else {
            0
        },
        night: 0,
        overtime: if worked && day.is_multiple_of(5) {
            1800
        } else {
            0
        },
        late: (worked && (employee + day as i64) % 9 == 0).then_some(17 * 60),
    }
}

fn month() -> MonthSheet {
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let employees = (1..=EMPLOYEES)
        .map(|id| {
            let days: Vec<Option<DayMark>> = (0..31).map(|d| Some(mark(id, d))).collect();
            let halves = [
                mark_totals(days[..15].iter().flatten()),
                mark_totals(days[15..].iter().flatten()),
            ];
            EmployeeMonth {
                totals: mark_totals(days.iter().flatten()),
                halves,
                days,
                employee: RosterEmployee {
                    id: EmployeeId(id),
                    first_name: format!("Xodim{id}"),
                    last_name: "Karimov".into(),
                    patronymic: String::new(),
                    full_name: format!("Karimov Xodim{id}"),
                    tab_number: format!("{id:06}"),
                    pin_code: format!("{id:04}"),
                    status: Text(EmployeeStatus::Active),
                    start_date: first,
                    schedule_start_date: first,
                    dismissal_date: None,
                    department_id: DepartmentId(1 + id % 40),
                    department_title: format!("Boʻlim {}", id % 40),
                    department_parent_title: None,
                    position_id: None,
                    position_title: Some("Operator".into()),
                    schedule_id: ScheduleId(1),
                    schedule_kind: 1,
                    schedule_definition: String::new(),
                    photo_key: None,
                },
            }
        })
        .collect();
    MonthSheet {
        first,
        last: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
        department: None,
        employees,
        total: EMPLOYEES as u64,
    }
}

fn benches(c: &mut Criterion) {
    let sheet = month();
    let heading = FormHeading {
        company: "Demo MChJ".into(),
        lang: Lang::Ru,
    };
    let mut group = c.benchmark_group("t13_10000_employees_31_days");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("xlsx_form", |b| {
        b.iter(|| exports::t13_form(&sheet, &heading).expect("a file").len())
    });
    group.bench_function("csv_grid", |b| {
        b.iter(|| exports::csv(&exports::timesheet_table(&sheet, Lang::Ru)).len())
    });
    group.finish();
}

criterion_group!(t13, benches);
criterion_main!(t13);
