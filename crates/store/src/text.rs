//! Statuses and kinds kept in text columns. Each domain enum says its text once (its
//! `as_str`/`parse` in davomat-core, tied to the column here by [`StoredText`]); a row
//! reads such a column as [`Text<T>`], the enum itself, and a text the enum does not
//! know is a decoding error instead of a silent mismatch.

use davomat_core::engine::{EventKind, HolidayKind};
use davomat_core::{AbsenceType, ClientState, ClockMode, CompanyStatus, EmployeeStatus};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

use crate::device_commands::CommandKind;

/// A domain enum stored as text.
pub trait StoredText: Sized + Copy {
    fn from_text(text: &str) -> Option<Self>;
    fn text(self) -> &'static str;
}

/// A text column read as the enum `T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<T: StoredText> TryGetable for Text<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        T::from_text(&text).map(Text).ok_or_else(|| {
            TryGetError::DbErr(DbErr::Type(format!(
                "unknown {} `{text}`",
                std::any::type_name::<T>()
            )))
        })
    }
}

/// The value to bind for an enum column.
pub fn bound<T: StoredText>(value: T) -> Value {
    value.text().into()
}

impl StoredText for CompanyStatus {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for ClientState {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for EmployeeStatus {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for ClockMode {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for AbsenceType {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for EventKind {
    fn from_text(text: &str) -> Option<Self> {
        match text {
            "in" => Some(EventKind::In),
            "out" => Some(EventKind::Out),
            _ => None,
        }
    }
    fn text(self) -> &'static str {
        self.name()
    }
}

impl StoredText for HolidayKind {
    fn from_text(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl StoredText for CommandKind {
    fn from_text(text: &str) -> Option<Self> {
        match text {
            "addface" => Some(CommandKind::AddFace),
            "deleteface" => Some(CommandKind::DeleteFace),
            _ => None,
        }
    }
    fn text(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: StoredText + PartialEq + std::fmt::Debug>(all: &[T]) {
        for value in all {
            assert_eq!(T::from_text(value.text()), Some(*value));
        }
        assert_eq!(T::from_text("no such text"), None);
    }

    #[test]
    fn every_stored_text_reads_back_as_its_value() {
        round_trip(&[
            CompanyStatus::Trial,
            CompanyStatus::Active,
            CompanyStatus::Expired,
        ]);
        round_trip(&[
            ClientState::Current,
            ClientState::Outdated,
            ClientState::Blocked,
        ]);
        round_trip(&[EmployeeStatus::Active, EmployeeStatus::Dismissed]);
        round_trip(&[ClockMode::Auto, ClockMode::Manual]);
        round_trip(&[AbsenceType::Daily, AbsenceType::Hourly]);
        round_trip(&[EventKind::In, EventKind::Out]);
        round_trip(&HolidayKind::ALL);
        round_trip(&[CommandKind::AddFace, CommandKind::DeleteFace]);
    }
}
