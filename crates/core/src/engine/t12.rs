//! The T12 sums of SEMANTICS.md §9 over an employee's day rows.

use super::DayRow;

/// One employee's T12 `report` sums, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct T12Sums {
    /// `production_time_sum`: Σ production (days off add 0).
    pub production: i64,
    /// `work_time_sum`.
    pub work: i64,
    /// `authorized_time_sum`.
    pub authorized: i64,
    /// `worked_days`: days with work.
    pub worked_days: u32,
    /// `weekend_holidays`: work on days off and holidays.
    pub weekend_holidays: i64,
    /// `not_work_time_with_absence_sum`: time-off sums on work days.
    pub with_absence: i64,
    /// `not_work_time_without_absence_sum`: undertime on work days.
    pub without_absence: i64,
    /// `not_work_time_all_sum`.
    pub all: i64,
    /// `not_worked_time`: undertime on work days that have work.
    pub not_worked: i64,
    /// `overtime`.
    pub overtime: i64,
}

/// Sums the rows of one employee over the report's range.
pub fn t12(rows: &[DayRow]) -> T12Sums {
    let mut sums = T12Sums::default();
    for row in rows {
        sums.production += row.production;
        sums.work += row.work;
        sums.authorized += row.authorized;
        sums.overtime += row.overtime;
        let worked = row.work > 0;
        sums.worked_days += u32::from(worked);
        if !row.is_work_day || row.is_holiday {
            sums.weekend_holidays += row.work;
        }
        if row.is_work_day {
            let undertime = (-row.norm_worktime).max(0);
            sums.with_absence += row.sum_paid.unwrap_or(0) + row.sum_not_paid.unwrap_or(0);
            sums.without_absence += undertime;
            if worked {
                sums.not_worked += undertime;
            }
        }
    }
    sums.all = sums.with_absence + sums.without_absence;
    sums
}
