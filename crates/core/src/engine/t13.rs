//! The monthly timesheet's marks (the T-13 form, SEMANTICS.md §9): one code per day
//! taken from the engine's day row and, on a time-off day, from the time-off type's
//! code; the hours shown with it; and an employee's totals over a month.
//!
//! Which code a day gets, first match wins:
//! 1. work on the date, or a clock event attributed to it (came, the out missing): **РВ**
//!    on a day off or a holiday, else **Я**; the hours are the day's work, the night
//!    hours (**Н**) are shown beside them;
//! 2. an accepted time-off counts for the date (a time-off sum is set): the type's code,
//!    or **ОТ** when the time-off is paid and **ДО** when it is not;
//! 3. absent (§5): **НН**;
//! 4. a day off or a holiday: **В**;
//! 5. otherwise nothing yet (a working day still to come, or today before its grace).

use super::DayRow;

/// A time-off's code on the form (the official T-13 letter and number codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaveCode {
    /// ОТ 09: annual paid leave.
    AnnualLeave,
    /// ОД 10: additional paid leave.
    AdditionalLeave,
    /// У 11: study leave.
    StudyLeave,
    /// Р 14: maternity leave.
    MaternityLeave,
    /// ОЖ 15: child-care leave.
    ChildCareLeave,
    /// ДО 16: unpaid leave agreed with the employer.
    UnpaidLeave,
    /// Б 19: sick leave.
    SickLeave,
    /// К 06: business trip.
    BusinessTrip,
    /// Г 23: state or public duties.
    PublicDuty,
}

impl LeaveCode {
    /// Every code, in the form's numeric order.
    pub const ALL: [LeaveCode; 9] = [
        LeaveCode::BusinessTrip,
        LeaveCode::AnnualLeave,
        LeaveCode::AdditionalLeave,
        LeaveCode::StudyLeave,
        LeaveCode::MaternityLeave,
        LeaveCode::ChildCareLeave,
        LeaveCode::UnpaidLeave,
        LeaveCode::SickLeave,
        LeaveCode::PublicDuty,
    ];

    /// The letter code printed in a cell.
    pub fn letters(self) -> &'static str {
        match self {
            LeaveCode::AnnualLeave => "ОТ",
            LeaveCode::AdditionalLeave => "ОД",
            LeaveCode::StudyLeave => "У",
            LeaveCode::MaternityLeave => "Р",
            LeaveCode::ChildCareLeave => "ОЖ",
            LeaveCode::UnpaidLeave => "ДО",
            LeaveCode::SickLeave => "Б",
            LeaveCode::BusinessTrip => "К",
            LeaveCode::PublicDuty => "Г",
        }
    }

    /// The two-digit code of the form's code table.
    pub fn number(self) -> &'static str {
        match self {
            LeaveCode::BusinessTrip => "06",
            LeaveCode::AnnualLeave => "09",
            LeaveCode::AdditionalLeave => "10",
            LeaveCode::StudyLeave => "11",
            LeaveCode::MaternityLeave => "14",
            LeaveCode::ChildCareLeave => "15",
            LeaveCode::UnpaidLeave => "16",
            LeaveCode::SickLeave => "19",
            LeaveCode::PublicDuty => "23",
        }
    }

    /// Reads a stored or sent code: its letters.
    pub fn parse(text: &str) -> Option<LeaveCode> {
        LeaveCode::ALL
            .into_iter()
            .find(|code| code.letters() == text.trim())
    }

    /// The code of a time-off whose type has none: ОТ when paid, ДО when not.
    pub fn by_pay(paid: bool) -> LeaveCode {
        if paid {
            LeaveCode::AnnualLeave
        } else {
            LeaveCode::UnpaidLeave
        }
    }
}

/// What a day is on the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayCode {
    /// Я 01: worked on a working day.
    Worked,
    /// РВ 03: worked on a day off or a holiday.
    WorkedOnDayOff,
    /// В 26: a day off or a holiday.
    DayOff,
    /// НН 30: absent with no time-off.
    Absent,
    /// A time-off's code.
    Leave(LeaveCode),
    /// Nothing to show yet.
    Blank,
}

impl DayCode {
    /// The letter code printed in a cell ("" for [`DayCode::Blank`]).
    pub fn letters(self) -> &'static str {
        match self {
            DayCode::Worked => "Я",
            DayCode::WorkedOnDayOff => "РВ",
            DayCode::DayOff => "В",
            DayCode::Absent => "НН",
            DayCode::Leave(code) => code.letters(),
            DayCode::Blank => "",
        }
    }

    /// The two-digit code of the form's code table ("" for [`DayCode::Blank`]).
    pub fn number(self) -> &'static str {
        match self {
            DayCode::Worked => "01",
            DayCode::WorkedOnDayOff => "03",
            DayCode::DayOff => "26",
            DayCode::Absent => "30",
            DayCode::Leave(code) => code.number(),
            DayCode::Blank => "",
        }
    }
}

/// The night code printed beside a day's hours when part of the work fell in the night
/// window (§6).
pub const NIGHT_LETTERS: &str = "Н";

/// One day of an employee on the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayMark {
    pub code: DayCode,
    /// Seconds worked (the row's `work`), 0 when not worked.
    pub work: i64,
    /// Of `work`, seconds in the night window.
    pub night: i64,
    /// Seconds of overtime.
    pub overtime: i64,
    /// Seconds late (the row's `late_in`), when late.
    pub late: Option<i64>,
}

/// The mark of one day row; `type_code` is the code of the row's time-off type, when
/// the type has one.
pub fn day_mark(row: &DayRow, type_code: Option<LeaveCode>) -> DayMark {
    let day_off = !row.is_work_day || row.is_holiday;
    let leave_counts = row.sum_paid.is_some() || row.sum_not_paid.is_some();
    let code = if row.work > 0 || row.events > 0 {
        if day_off {
            DayCode::WorkedOnDayOff
        } else {
            DayCode::Worked
        }
    } else if leave_counts {
        let paid = row.sum_paid.unwrap_or(0) > 0 || row.sum_not_paid.unwrap_or(0) == 0;
        DayCode::Leave(type_code.unwrap_or(LeaveCode::by_pay(paid)))
    } else if row.absent {
        DayCode::Absent
    } else if day_off {
        DayCode::DayOff
    } else {
        DayCode::Blank
    };
    DayMark {
        code,
        work: row.work,
        night: row.night,
        overtime: row.overtime,
        late: row.late_in.filter(|late| *late > 0),
    }
}

/// An employee's totals over the marks of a period (a month or half of one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkTotals {
    /// Days with work (Я and РВ).
    pub days_worked: u32,
    /// Seconds worked.
    pub work: i64,
    /// Seconds of overtime.
    pub overtime: i64,
    /// Seconds of night work.
    pub night: i64,
    /// Seconds worked on days off and holidays (РВ).
    pub work_on_days_off: i64,
    /// Days absent with no time-off (НН).
    pub absences: u32,
    /// Days of time-off (any leave code).
    pub leave_days: u32,
    /// Days off (В).
    pub days_off: u32,
    /// Days late.
    pub late_days: u32,
    /// Seconds late.
    pub late: i64,
}

/// Sums `marks`.
pub fn mark_totals<'a>(marks: impl IntoIterator<Item = &'a DayMark>) -> MarkTotals {
    let mut totals = MarkTotals::default();
    for mark in marks {
        totals.work += mark.work;
        totals.overtime += mark.overtime;
        totals.night += mark.night;
        match mark.code {
            DayCode::Worked => totals.days_worked += 1,
            DayCode::WorkedOnDayOff => {
                totals.days_worked += 1;
                totals.work_on_days_off += mark.work;
            }
            DayCode::DayOff => totals.days_off += 1,
            DayCode::Absent => totals.absences += 1,
            DayCode::Leave(_) => totals.leave_days += 1,
            DayCode::Blank => {}
        }
        if let Some(late) = mark.late {
            totals.late_days += 1;
            totals.late += late;
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leave_code_reads_back_from_its_letters() {
        for code in LeaveCode::ALL {
            assert_eq!(LeaveCode::parse(code.letters()), Some(code));
        }
        assert_eq!(LeaveCode::parse(" Б "), Some(LeaveCode::SickLeave));
        assert_eq!(LeaveCode::parse("Я"), None);
    }

    #[test]
    fn numbers_are_distinct_two_digit_codes() {
        let mut numbers: Vec<&str> = LeaveCode::ALL.iter().map(|c| c.number()).collect();
        numbers.extend(["01", "03", "26", "30"]);
        let count = numbers.len();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), count);
        assert!(numbers.iter().all(|n| n.len() == 2));
    }
}
