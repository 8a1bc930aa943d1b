//! Schedule definitions as SEMANTICS.md §12 writes them: the four kinds (free, fixed,
//! floating, shift cycle), their days or cycle slots, graces and the night-split flag,
//! parsed and validated from the request body. The attendance engine reads these.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::validation::{FieldCode, FieldErrors, Reason, Rule};

/// The kind of a schedule, by the reference's `type` number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "i64", try_from = "i64")]
pub enum ScheduleKind {
    Free = 1,
    Fixed = 2,
    Floating = 3,
    Shift = 4,
}

impl ScheduleKind {
    pub fn from_id(id: i64) -> Option<Self> {
        match id {
            1 => Some(Self::Free),
            2 => Some(Self::Fixed),
            3 => Some(Self::Floating),
            4 => Some(Self::Shift),
            _ => None,
        }
    }

    pub fn id(self) -> i64 {
        self as i64
    }
}

impl From<ScheduleKind> for i64 {
    fn from(kind: ScheduleKind) -> i64 {
        kind.id()
    }
}

impl TryFrom<i64> for ScheduleKind {
    type Error = String;
    fn try_from(id: i64) -> Result<Self, String> {
        Self::from_id(id).ok_or_else(|| format!("unknown schedule type {id}"))
    }
}

/// A local clock time, minutes after midnight, written `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ClockTime(pub u16);

impl ClockTime {
    pub fn parse(text: &str) -> Option<ClockTime> {
        let (h, m) = text.trim().split_once(':')?;
        let two_digits = |part: &str| -> Option<u16> {
            let bytes = part.as_bytes();
            (bytes.len() == 2 && bytes.iter().all(u8::is_ascii_digit))
                .then(|| u16::from(bytes[0] - b'0') * 10 + u16::from(bytes[1] - b'0'))
        };
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        (h < 24 && m < 60).then_some(ClockTime(h * 60 + m))
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        format!("{:02}:{:02}", t.0 / 60, t.0 % 60)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ClockTime::parse(&s).ok_or_else(|| format!("not a HH:MM time: {s}"))
    }
}

/// The lunch of a fixed day or a shift slot: a window, or a number of minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lunch {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lunch_start: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lunch_end: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lunch_minutes: Option<u16>,
}

/// One weekday of a free, fixed or floating schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_from: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_to: Option<ClockTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub production_time: Option<ClockTime>,
    #[serde(flatten)]
    pub lunch: Lunch,
}

/// One working slot of a shift cycle; `end` ≤ `start` ends the next day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: ClockTime,
    pub end: ClockTime,
    #[serde(flatten)]
    pub lunch: Lunch,
}

/// A whole schedule definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleDefinition {
    #[serde(rename = "type")]
    pub kind: ScheduleKind,
    pub late_grace: u16,
    pub early_exit_grace: u16,
    pub night_split: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub days: Vec<Day>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cycle: Vec<Option<Slot>>,
}

/// The longest shift cycle accepted, in days.
pub const MAX_CYCLE_DAYS: usize = 366;
/// The largest grace or lunch, in minutes.
pub const MAX_MINUTES: i64 = 720;

/// Reads the definition of a schedule from a request body, reporting every failing
/// field (nested fields as `days[0].start`, `cycle[2].end`).
pub fn parse_definition(
    body: &Map<String, Value>,
    errors: &mut FieldErrors,
) -> Option<ScheduleDefinition> {
    let kind = match body.get("type").filter(|v| !v.is_null()) {
        None => {
            errors.add("type", FieldCode::Required, Reason::Plain);
            None
        }
        Some(value) => {
            let kind = integer(value).and_then(ScheduleKind::from_id);
            if kind.is_none() {
                errors.add(
                    "type",
                    FieldCode::InvalidValue,
                    Reason::OneOf(vec!["1".into(), "2".into(), "3".into(), "4".into()]),
                );
            }
            kind
        }
    };
    let late_grace = minutes(body.get("late_grace"), "late_grace", errors);
    let early_exit_grace = minutes(body.get("early_exit_grace"), "early_exit_grace", errors);
    let night_split = match body.get("night_split").filter(|v| !v.is_null()) {
        None => false,
        Some(value) => boolean(value).unwrap_or_else(|| {
            errors.add("night_split", FieldCode::InvalidValue, Reason::Plain);
            false
        }),
    };
    let kind = kind?;
    let (days, cycle) = match kind {
        ScheduleKind::Shift => (Vec::new(), parse_cycle(body.get("cycle"), errors)),
        _ => (parse_days(kind, body.get("days"), errors), Vec::new()),
    };
    errors.is_empty().then_some(ScheduleDefinition {
        kind,
        late_grace,
        early_exit_grace,
        night_split,
        days,
        cycle,
    })
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn minutes(value: Option<&Value>, field: &str, errors: &mut FieldErrors) -> u16 {
    match value.filter(|v| !v.is_null() && v.as_str() != Some("")) {
        None => 0,
        Some(value) => match integer(value) {
            Some(n) if (0..=MAX_MINUTES).contains(&n) => n as u16,
            _ => {
                errors.add(
                    field,
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::MinutesRange { max: MAX_MINUTES }),
                );
                0
            }
        },
    }
}

fn time(
    object: &Map<String, Value>,
    key: &str,
    prefix: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<ClockTime> {
    let field = format!("{prefix}.{key}");
    match object
        .get(key)
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
    {
        None => {
            if required {
                errors.add(&field, FieldCode::Required, Reason::Plain);
            }
            None
        }
        Some(value) => {
            let parsed = value.as_str().and_then(ClockTime::parse);
            if parsed.is_none() {
                errors.add(
                    &field,
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::TimeOfDayFormat),
                );
            }
            parsed
        }
    }
}

fn lunch(
    object: &Map<String, Value>,
    prefix: &str,
    start: Option<ClockTime>,
    end: Option<ClockTime>,
    errors: &mut FieldErrors,
) -> Lunch {
    let lunch_start = time(object, "lunch_start", prefix, false, errors);
    let lunch_end = time(object, "lunch_end", prefix, false, errors);
    let lunch_minutes = object
        .get("lunch_minutes")
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .map(|value| minutes(Some(value), &format!("{prefix}.lunch_minutes"), errors));
    match (lunch_start, lunch_end) {
        (Some(_), None) => errors.add(
            &format!("{prefix}.lunch_end"),
            FieldCode::Required,
            Reason::Plain,
        ),
        (None, Some(_)) => errors.add(
            &format!("{prefix}.lunch_start"),
            FieldCode::Required,
            Reason::Plain,
        ),
        (Some(ls), Some(le)) => {
            if lunch_minutes.is_some() {
                errors.add(
                    &format!("{prefix}.lunch_minutes"),
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::LunchWindowOrMinutes),
                );
            }
            if let (Some(start), Some(end)) = (start, end)
                && !window_within(start, end, ls, le)
            {
                errors.add(
                    &format!("{prefix}.lunch_start"),
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::LunchWithinShift),
                );
            }
        }
        (None, None) => {}
    }
    Lunch {
        lunch_start,
        lunch_end,
        lunch_minutes,
    }
}

/// True when the lunch window lies inside the shift (both may cross midnight).
fn window_within(
    start: ClockTime,
    end: ClockTime,
    lunch_start: ClockTime,
    lunch_end: ClockTime,
) -> bool {
    let unfold = |t: ClockTime| if t.0 < start.0 { t.0 + 1440 } else { t.0 };
    let shift_end = if end.0 <= start.0 {
        end.0 + 1440
    } else {
        end.0
    };
    let (ls, le) = (unfold(lunch_start), unfold(lunch_end));
    ls < le && le <= shift_end
}

fn parse_days(kind: ScheduleKind, value: Option<&Value>, errors: &mut FieldErrors) -> Vec<Day> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        errors.add("days", FieldCode::Required, Reason::Plain);
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        errors.add("days", FieldCode::InvalidValue, Reason::Plain);
        return Vec::new();
    };
    let mut days: Vec<Day> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("days[{i}]");
        let Some(object) = item.as_object() else {
            errors.add(&prefix, FieldCode::InvalidValue, Reason::Plain);
            continue;
        };
        let weekday = match object.get("weekday").and_then(integer) {
            Some(w @ 1..=7) => w as u8,
            _ => {
                errors.add(
                    &format!("{prefix}.weekday"),
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::Weekday),
                );
                0
            }
        };
        if weekday != 0 && days.iter().any(|d| d.weekday == weekday) {
            errors.add(
                &format!("{prefix}.weekday"),
                FieldCode::AlreadyExists,
                Reason::Plain,
            );
        }
        let mut day = Day {
            weekday,
            start: None,
            end: None,
            start_from: None,
            start_to: None,
            production_time: None,
            lunch: Lunch {
                lunch_start: None,
                lunch_end: None,
                lunch_minutes: None,
            },
        };
        match kind {
            ScheduleKind::Fixed => {
                day.start = time(object, "start", &prefix, true, errors);
                day.end = time(object, "end", &prefix, true, errors);
                if let (Some(s), Some(e)) = (day.start, day.end)
                    && s == e
                {
                    errors.add(
                        &format!("{prefix}.end"),
                        FieldCode::InvalidValue,
                        Reason::Rule(Rule::ShiftEndsWhenItStarts),
                    );
                }
                day.lunch = lunch(object, &prefix, day.start, day.end, errors);
            }
            ScheduleKind::Floating => {
                day.start_from = time(object, "start_from", &prefix, true, errors);
                day.start_to = time(object, "start_to", &prefix, true, errors);
                day.production_time = time(object, "production_time", &prefix, true, errors);
                if let (Some(from), Some(to)) = (day.start_from, day.start_to)
                    && from > to
                {
                    errors.add(
                        &format!("{prefix}.start_to"),
                        FieldCode::InvalidValue,
                        Reason::NotBefore("start_from".into()),
                    );
                }
                day.lunch = lunch(object, &prefix, None, None, errors);
                if day.lunch.lunch_start.is_some() {
                    errors.add(
                        &format!("{prefix}.lunch_start"),
                        FieldCode::InvalidValue,
                        Reason::Rule(Rule::FloatingDayLunchMinutes),
                    );
                }
            }
            ScheduleKind::Free => {
                day.production_time = time(object, "production_time", &prefix, true, errors);
            }
            ScheduleKind::Shift => {}
        }
        if day.production_time == Some(ClockTime(0)) {
            errors.add(
                &format!("{prefix}.production_time"),
                FieldCode::InvalidValue,
                Reason::Plain,
            );
        }
        days.push(day);
    }
    days.sort_by_key(|d| d.weekday);
    days
}

fn parse_cycle(value: Option<&Value>, errors: &mut FieldErrors) -> Vec<Option<Slot>> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        errors.add("cycle", FieldCode::Required, Reason::Plain);
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        errors.add("cycle", FieldCode::InvalidValue, Reason::Plain);
        return Vec::new();
    };
    if items.is_empty() || items.len() > MAX_CYCLE_DAYS {
        errors.add(
            "cycle",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::CycleDays {
                max: MAX_CYCLE_DAYS,
            }),
        );
        return Vec::new();
    }
    let mut cycle = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("cycle[{i}]");
        match item {
            Value::Null => cycle.push(None),
            Value::Object(object) => {
                let start = time(object, "start", &prefix, true, errors);
                let end = time(object, "end", &prefix, true, errors);
                if let (Some(s), Some(e)) = (start, end)
                    && s == e
                {
                    errors.add(
                        &format!("{prefix}.end"),
                        FieldCode::InvalidValue,
                        Reason::Rule(Rule::ShiftEndsWhenItStarts),
                    );
                }
                let lunch = lunch(object, &prefix, start, end, errors);
                if let (Some(start), Some(end)) = (start, end) {
                    cycle.push(Some(Slot { start, end, lunch }));
                }
            }
            _ => errors.add(&prefix, FieldCode::InvalidValue, Reason::Plain),
        }
    }
    if cycle.iter().all(Option::is_none) {
        errors.add(
            "cycle",
            FieldCode::InvalidValue,
            Reason::Rule(Rule::NoWorkingDay),
        );
    }
    cycle
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<ScheduleDefinition, Vec<(String, u16)>> {
        let mut errors = FieldErrors::new();
        let map = body.as_object().cloned().unwrap_or_default();
        match parse_definition(&map, &mut errors) {
            Some(d) if errors.is_empty() => Ok(d),
            _ => Err(errors
                .into_vec()
                .into_iter()
                .map(|e| (e.field, e.code.code()))
                .collect()),
        }
    }

    #[test]
    fn a_fixed_week_round_trips() {
        let body = json!({"type": 2, "late_grace": "5", "days": [
            {"weekday": 2, "start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00"},
            {"weekday": 1, "start": "22:00", "end": "06:00", "lunch_minutes": 30}]});
        let definition = parse(body).expect("valid");
        assert_eq!(definition.days[0].weekday, 1);
        assert_eq!(definition.late_grace, 5);
        let written = serde_json::to_value(&definition).expect("json");
        assert_eq!(
            written["days"][1],
            json!({"weekday": 2, "start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00"})
        );
        assert_eq!(written["type"], 2);
        let back: ScheduleDefinition = serde_json::from_value(written).expect("read back");
        assert_eq!(back, definition);
    }

    #[test]
    fn every_kind_checks_its_own_fields() {
        assert!(
            parse(json!({"type": 1, "days": [{"weekday": 1, "production_time": "08:00"}]})).is_ok()
        );
        assert!(parse(json!({"type": 3, "days": [{"weekday": 1, "start_from": "08:00", "start_to": "10:00", "production_time": "08:00", "lunch_minutes": 60}]})).is_ok());
        assert!(
            parse(json!({"type": 4, "cycle": [{"start": "21:00", "end": "09:00"}, null, null]}))
                .is_ok()
        );
        assert_eq!(parse(json!({"type": 6})), Err(vec![("type".into(), 8003)]));
        assert_eq!(parse(json!({})), Err(vec![("type".into(), 8002)]));
        assert_eq!(parse(json!({"type": 2})), Err(vec![("days".into(), 8002)]));
        assert_eq!(
            parse(json!({"type": 4, "cycle": [null]})),
            Err(vec![("cycle".into(), 8003)])
        );
    }

    #[test]
    fn every_failing_field_is_named() {
        let errors = parse(json!({"type": 2, "late_grace": -1, "days": [
            {"weekday": 8, "start": "9:00", "end": "18:00"},
            {"weekday": 2, "start": "09:00", "end": "18:00", "lunch_start": "19:00", "lunch_end": "20:00"},
            {"weekday": 2, "end": "18:00"}]}))
        .expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                ("late_grace".into(), 8003),
                ("days[0].weekday".into(), 8003),
                ("days[0].start".into(), 8003),
                ("days[1].lunch_start".into(), 8003),
                ("days[2].weekday".into(), 8008),
                ("days[2].start".into(), 8002),
            ]
        );
    }

    #[test]
    fn night_shift_lunch_windows_cross_midnight() {
        assert!(window_within(
            ClockTime(22 * 60),
            ClockTime(6 * 60),
            ClockTime(60),
            ClockTime(90)
        ));
        assert!(!window_within(
            ClockTime(9 * 60),
            ClockTime(18 * 60),
            ClockTime(19 * 60),
            ClockTime(20 * 60)
        ));
    }
}
