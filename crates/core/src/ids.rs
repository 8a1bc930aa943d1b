//! A typed id per entity, so that an employee id is never passed where a user id belongs.

use serde::{Deserialize, Serialize};

/// Declares one id newtype over `i64`.
macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    CompanyId,
    UserId,
    EmployeeId,
    DepartmentId,
    ScheduleId,
    LocationId,
    ApiClientId,
    AccessTokenId,
    ActivityId,
);
