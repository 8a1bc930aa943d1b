//! The planned shift of each report date (SEMANTICS.md §2): the schedule compiled
//! into one template per weekday or cycle slot, the shift that template gives a
//! date after holidays and shortened days, and the attribution windows of §3 with
//! Frappe's overlap rule.

use super::calendar::{Calendar, DAY, DayNumber, weekday};
use super::span::{Span, length};
use super::{HolidayKind, Rules};
use crate::schedule::{ClockTime, Day, Lunch as LunchDefinition, ScheduleDefinition, ScheduleKind};

const HOUR: i64 = 3600;

/// The lunch of a template, in seconds after the start of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TemplateLunch {
    None,
    Window(i64, i64),
    Minutes(i64),
}

/// What one weekday or cycle slot plans, in seconds after the start of its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Template {
    Off,
    Fixed {
        start: i64,
        end: i64,
        lunch: TemplateLunch,
    },
    Floating {
        from: i64,
        to: i64,
        production: i64,
        lunch: i64,
    },
    Free {
        production: i64,
    },
}

/// A schedule compiled for one employee (the anchor of a shift cycle).
#[derive(Clone, Debug)]
pub(crate) struct Rota {
    kind: ScheduleKind,
    week: [Template; 7],
    cycle: Vec<Template>,
    anchor: DayNumber,
    pub late_grace: i64,
    pub early_exit_grace: i64,
}

/// The lunch of a planned shift, as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lunch {
    None,
    Window(Span),
    Minutes(i64),
}

/// The shape of a planned day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A day off or a holiday: nothing planned.
    Off,
    /// A free schedule's work day: a production, no start or end.
    Free,
    /// Fixed or shift: `[start, end]` planned.
    Fixed { start: i64, end: i64, lunch: Lunch },
    /// Floating: the start lies in `[from, to]`; the shift lasts `length`
    /// (production plus `lunch`).
    Floating {
        from: i64,
        to: i64,
        length: i64,
        lunch: i64,
    },
}

/// The plan of one report date.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub day: DayNumber,
    pub is_work_day: bool,
    pub is_holiday: bool,
    pub production: i64,
    pub shape: Shape,
    /// The attribution window `[a, b]` (both ends included), after the overlap rule.
    pub window: Option<Span>,
}

fn clock(time: Option<ClockTime>) -> Option<i64> {
    time.map(|t| i64::from(t.0) * 60)
}

fn template_lunch(lunch: &LunchDefinition, start: i64) -> TemplateLunch {
    let unfold = |t: i64| if t < start { t + DAY } else { t };
    match (
        clock(lunch.lunch_start),
        clock(lunch.lunch_end),
        lunch.lunch_minutes,
    ) {
        (Some(ls), Some(le), _) if unfold(le) > unfold(ls) => {
            TemplateLunch::Window(unfold(ls), unfold(le))
        }
        (_, _, Some(minutes)) if minutes > 0 => TemplateLunch::Minutes(i64::from(minutes) * 60),
        _ => TemplateLunch::None,
    }
}

fn fixed(start: Option<ClockTime>, end: Option<ClockTime>, lunch: &LunchDefinition) -> Template {
    match (clock(start), clock(end)) {
        (Some(start), Some(end)) => Template::Fixed {
            start,
            // `end <= start` ends the next day; `end == start` is a 24 h shift.
            end: if end <= start { end + DAY } else { end },
            lunch: template_lunch(lunch, start),
        },
        _ => Template::Off,
    }
}

fn day_template(kind: ScheduleKind, day: &Day) -> Template {
    match kind {
        ScheduleKind::Fixed | ScheduleKind::Shift => fixed(day.start, day.end, &day.lunch),
        ScheduleKind::Floating => match (
            clock(day.start_from),
            clock(day.start_to),
            clock(day.production_time),
        ) {
            (Some(from), Some(to), Some(production)) => Template::Floating {
                from,
                to: to.max(from),
                production,
                lunch: i64::from(day.lunch.lunch_minutes.unwrap_or(0)) * 60,
            },
            _ => Template::Off,
        },
        ScheduleKind::Free => Template::Free {
            production: clock(day.production_time).unwrap_or(0),
        },
    }
}

impl Rota {
    /// Compiles a schedule; `anchor` is the employee's `schedule_start_date`.
    pub(crate) fn new(definition: &ScheduleDefinition, anchor: DayNumber) -> Rota {
        let mut week = [Template::Off; 7];
        if definition.kind != ScheduleKind::Shift {
            for day in &definition.days {
                if let Some(slot) = week.get_mut(usize::from(day.weekday).wrapping_sub(1)) {
                    *slot = day_template(definition.kind, day);
                }
            }
        }
        let cycle = if definition.kind == ScheduleKind::Shift {
            definition
                .cycle
                .iter()
                .map(|slot| match slot {
                    Some(slot) => fixed(Some(slot.start), Some(slot.end), &slot.lunch),
                    None => Template::Off,
                })
                .collect()
        } else {
            Vec::new()
        };
        Rota {
            kind: definition.kind,
            week,
            cycle,
            anchor,
            late_grace: i64::from(definition.late_grace) * 60,
            early_exit_grace: i64::from(definition.early_exit_grace) * 60,
        }
    }

    /// The day's template; `worked_as` plans a transferred working day as that weekday
    /// (shift cycles ignore it, as they ignore holidays).
    fn template(&self, day: DayNumber, worked_as: Option<u8>) -> Template {
        if self.kind == ScheduleKind::Shift {
            if self.cycle.is_empty() {
                return Template::Off;
            }
            // Slot = (D − anchor) mod N, also for dates before the anchor.
            let slot =
                (i64::from(day) - i64::from(self.anchor)).rem_euclid(self.cycle.len() as i64);
            return self.cycle[slot as usize];
        }
        let weekday = worked_as.unwrap_or_else(|| weekday(day));
        self.week[usize::from(weekday - 1)]
    }

    /// The plan of one date, before the overlap rule.
    pub(crate) fn plan(&self, calendar: &Calendar, day: DayNumber) -> Plan {
        let holiday = calendar.holiday(day);
        let is_holiday = holiday == Some(HolidayKind::Holiday);
        let shortened = holiday == Some(HolidayKind::Shortened);
        let off = Plan {
            day,
            is_work_day: false,
            is_holiday,
            production: 0,
            shape: Shape::Off,
            window: None,
        };
        let template = self.template(day, holiday.and_then(HolidayKind::worked_as));
        // Holidays stop fixed, floating and free days; shift slots work them.
        if is_holiday && self.kind != ScheduleKind::Shift {
            return off;
        }
        let cut = if shortened { HOUR } else { 0 };
        let (shape, production) = match template {
            Template::Off => return off,
            Template::Free { production } => (Shape::Free, (production - cut).max(0)),
            Template::Fixed { start, end, lunch } => {
                let s = calendar.local(day, start);
                let e = calendar.local(day, end).max(s);
                let lunch = match lunch {
                    TemplateLunch::None => Lunch::None,
                    TemplateLunch::Window(ls, le) => Lunch::Window((
                        calendar.local(day, ls).clamp(s, e),
                        calendar.local(day, le).clamp(s, e),
                    )),
                    TemplateLunch::Minutes(m) => Lunch::Minutes(m),
                };
                let lunch_length = match lunch {
                    Lunch::None => 0,
                    Lunch::Window(window) => length(window),
                    Lunch::Minutes(m) => m,
                };
                let production = ((e - s) - lunch_length - cut).max(0);
                let e = (e - cut).max(s);
                let lunch = match lunch {
                    Lunch::Window(window) => Lunch::Window((window.0.min(e), window.1.min(e))),
                    other => other,
                };
                (
                    Shape::Fixed {
                        start: s,
                        end: e,
                        lunch,
                    },
                    production,
                )
            }
            Template::Floating {
                from,
                to,
                production,
                lunch,
            } => {
                let production = (production - cut).max(0);
                let from = calendar.local(day, from);
                let to = calendar.local(day, to).max(from);
                (
                    Shape::Floating {
                        from,
                        to,
                        length: production + lunch,
                        lunch,
                    },
                    production,
                )
            }
        };
        Plan {
            day,
            is_work_day: true,
            is_holiday,
            production,
            shape,
            window: window(shape, calendar.rules()),
        }
    }
}

/// `[S − pre_margin, E + post_margin]`; a floating day reaches from its earliest
/// start to its latest end.
fn window(shape: Shape, rules: &Rules) -> Option<Span> {
    let (start, end) = planned_bounds(shape)?;
    Some((start - rules.pre_margin, end + rules.post_margin))
}

/// The earliest planned start and the latest planned end of a shape.
fn planned_bounds(shape: Shape) -> Option<Span> {
    match shape {
        Shape::Fixed { start, end, .. } => Some((start, end)),
        Shape::Floating {
            from, to, length, ..
        } => Some((from, to + length)),
        Shape::Off | Shape::Free => None,
    }
}

/// The plans of the dates `first..=last`, with the windows of consecutive shifts
/// made not to overlap: `next.start = max(prev.E, next.start)`,
/// `prev.end = min(next.start, prev.end)` (§3).
pub(crate) fn plans(
    calendar: &Calendar,
    rota: &Rota,
    first: DayNumber,
    last: DayNumber,
) -> Vec<Plan> {
    let mut plans: Vec<Plan> = (first..=last).map(|day| rota.plan(calendar, day)).collect();
    let mut previous: Option<usize> = None;
    for i in 0..plans.len() {
        let Some(mut next) = plans[i].window else {
            continue;
        };
        if let Some(p) = previous
            && let (Some(mut prev), Some((_, prev_end))) =
                (plans[p].window, planned_bounds(plans[p].shape))
        {
            next.0 = next.0.max(prev_end);
            prev.1 = prev.1.min(next.0);
            plans[p].window = Some(prev);
            plans[i].window = Some(next);
        }
        previous = Some(i);
    }
    plans
}

/// The attribution windows of a run of plans, for `day_of(t)`.
pub(crate) struct Windows {
    /// `(a, b, index of the plan)`, non-empty windows in date order.
    spans: Vec<(i64, i64, usize)>,
    /// Each window ends no later than the next one starts: binary search works.
    sorted: bool,
}

impl Windows {
    pub(crate) fn new(plans: &[Plan]) -> Windows {
        let spans: Vec<(i64, i64, usize)> = plans
            .iter()
            .enumerate()
            .filter_map(|(i, plan)| plan.window.filter(|w| w.0 <= w.1).map(|w| (w.0, w.1, i)))
            .collect();
        let sorted = spans.windows(2).all(|pair| pair[0].1 <= pair[1].0);
        Windows { spans, sorted }
    }

    /// The plan whose window holds `at` (both ends included; the earliest wins).
    pub(crate) fn find(&self, at: i64) -> Option<usize> {
        if self.sorted {
            let i = self.spans.partition_point(|w| w.1 < at);
            return self.spans.get(i).filter(|w| w.0 <= at).map(|w| w.2);
        }
        self.spans
            .iter()
            .find(|w| w.0 <= at && at <= w.1)
            .map(|w| w.2)
    }
}
