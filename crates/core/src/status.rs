//! The statuses and kinds kept as text in the database, each naming its text once:
//! company subscription status, API client (platform) state, where an employee
//! stands, how a clock event was entered, and a time-off's length.

/// A company's subscription status: `expired` companies get 402/7004.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanyStatus {
    Trial,
    Active,
    Expired,
}

impl CompanyStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "trial" => Some(Self::Trial),
            "active" => Some(Self::Active),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trial => "trial",
            Self::Active => "active",
            Self::Expired => "expired",
        }
    }
}

/// The platform state of an API client: `outdated` answers with `Version: recommended`,
/// `blocked` answers 426/7010 to everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientState {
    Current,
    Outdated,
    Blocked,
}

impl ClientState {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "current" => Some(Self::Current),
            "outdated" => Some(Self::Outdated),
            "blocked" => Some(Self::Blocked),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Outdated => "outdated",
            Self::Blocked => "blocked",
        }
    }
}

/// Where an employee stands: `active` (a pending dismissal included) or `dismissed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmployeeStatus {
    Active,
    Dismissed,
}

impl EmployeeStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "dismissed" => Some(Self::Dismissed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Dismissed => "dismissed",
        }
    }
}

/// How a clock event was entered: `auto` (the employee themself, or a terminal) or
/// `manual` (someone else entered it for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMode {
    Auto,
    Manual,
}

impl ClockMode {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "auto" => Some(Self::Auto),
            "manual" => Some(Self::Manual),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Manual => "manual",
        }
    }
}

/// A time-off's length: whole days (`daily`) or hours within a day (`hourly`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbsenceType {
    Daily,
    Hourly,
}

impl AbsenceType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Self::Daily),
            "hourly" => Some(Self::Hourly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Hourly => "hourly",
        }
    }
}
