//! A typed id per entity, so that an employee id is never passed where a user id belongs.
//!
//! With the feature `sql` (the store's), each id is also a column type: read from a row
//! and bound as a value as it is (sea-orm's `DeriveValueType`). It lives here, behind the
//! feature, because Rust lets only the crate of a type or of a trait join them: the store
//! could not make `EmployeeId` a column type itself.

use serde::{Deserialize, Serialize};

/// Declares one id newtype over `i64`.
macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "sql", derive(sea_orm::DeriveValueType))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

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
    PositionId,
    DeviceId,
    ClockEventId,
    TimeOffId,
    TimeOffTypeId,
    HolidayId,
    ConsoleSessionId,
);
