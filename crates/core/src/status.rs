//! Company subscription status and API client (platform) state.

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
