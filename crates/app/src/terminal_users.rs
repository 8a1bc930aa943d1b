//! The users on a ZKTeco-family terminal follow the roster: before a poll hands out its
//! commands, the employees changed since the terminal's cursor (hired, edited,
//! dismissed, re-hired, removed; all of its location's roster when it has no cursor)
//! are compared with what davomat last told the terminal, and the differences are
//! queued as `DATA DELETE USERINFO` (first) and `DATA UPDATE USERINFO` commands, in the
//! same transaction that moves the cursor. A terminal holds the employees employed now
//! and allowed at its location (docs/decisions.md, "Terminal users follow the roster").

use std::collections::BTreeMap;

use davomat_core::adms;
use davomat_store::Store;
use davomat_store::terminal_users::{self, HeldUser, WantedUser};
use davomat_store::terminals::{self, PushDevice};

use crate::error::AppResult;

/// The most roster changes one poll works through (the rest at the next polls).
pub const CHANGES_A_POLL: u64 = 500;

/// One thing to tell a terminal about an employee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserStep {
    /// Delete the user with this PIN; `release` when the terminal is not to hold the
    /// employee any more (false: their PIN changed and an update follows).
    Delete {
        employee_id: i64,
        pin_code: String,
        release: bool,
    },
    /// Add or change the user (`fields` from [`adms::user_fields`]).
    Update {
        employee_id: i64,
        pin_code: String,
        fields: String,
    },
}

/// What to tell a terminal holding `held` so that it holds `wanted`: deletions first,
/// so that a PIN freed by one employee and taken by another arrives in that order.
pub fn differences(wanted: &[WantedUser], held: &[HeldUser]) -> Vec<UserStep> {
    let wanted_by_id: BTreeMap<i64, &WantedUser> =
        wanted.iter().map(|w| (w.employee_id, w)).collect();
    let held_by_id: BTreeMap<i64, &HeldUser> = held.iter().map(|h| (h.employee_id, h)).collect();
    let mut deletions = Vec::new();
    for held in held {
        let still = wanted_by_id.get(&held.employee_id);
        if still.is_none_or(|w| w.pin_code != held.pin_code) {
            deletions.push(UserStep::Delete {
                employee_id: held.employee_id,
                pin_code: held.pin_code.clone(),
                release: still.is_none(),
            });
        }
    }
    let updates = wanted.iter().filter_map(|w| {
        let fields = adms::user_fields(&w.pin_code, &w.full_name);
        let current = held_by_id.get(&w.employee_id);
        (current.is_none_or(|h| h.digest != fields)).then(|| UserStep::Update {
            employee_id: w.employee_id,
            pin_code: w.pin_code.clone(),
            fields,
        })
    });
    deletions.into_iter().chain(updates).collect()
}

/// Queues what the terminal must be told of the roster's changes since its cursor;
/// answers how many commands were queued. Nothing is written when it is up to date.
pub async fn follow(store: &Store, device: &PushDevice, now: i64) -> AppResult<usize> {
    let Some(location) = device.location_id else {
        return Ok(0);
    };
    let company = device.company_id;
    let cursor = terminal_users::cursor(store.connection(), device.id).await?;
    let latest = terminal_users::latest_change(store.connection(), company).await?;
    if cursor.is_some_and(|c| c >= latest) {
        return Ok(0);
    }
    let txn = store.begin().await?;
    txn.changes_nothing_cached();
    let (among, to) = match cursor {
        None => (None, terminal_users::latest_change(&txn, company).await?),
        Some(from) => {
            let changes =
                terminal_users::changes_after(&txn, company, from, CHANGES_A_POLL).await?;
            let to = changes.last().map_or(from, |c| c.id);
            let mut ids: Vec<i64> = changes.into_iter().map(|c| c.employee_id).collect();
            ids.sort_unstable();
            ids.dedup();
            (Some(ids), to)
        }
    };
    if !terminal_users::move_cursor(&txn, device.id, cursor, to).await? {
        // Another poll of the same terminal took these changes.
        return Ok(0);
    }
    let wanted = terminal_users::wanted(&txn, company, location, among.as_deref()).await?;
    let held = terminal_users::held(&txn, device.id, among.as_deref()).await?;
    let steps = differences(&wanted, &held);
    for step in &steps {
        match step {
            UserStep::Delete {
                employee_id,
                pin_code,
                release,
            } => {
                let command = adms::user_delete_command(pin_code);
                terminals::queue_command(&txn, company, device.id, &command, now).await?;
                if *release {
                    terminal_users::release(&txn, device.id, *employee_id).await?;
                }
            }
            UserStep::Update {
                employee_id,
                pin_code,
                fields,
            } => {
                let command = adms::user_update_command(fields);
                terminals::queue_command(&txn, company, device.id, &command, now).await?;
                terminal_users::hold(&txn, device.id, *employee_id, pin_code, fields).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(steps.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(id: i64, pin: &str, name: &str) -> WantedUser {
        WantedUser {
            employee_id: id,
            pin_code: pin.into(),
            full_name: name.into(),
        }
    }

    fn held(id: i64, pin: &str, name: &str) -> HeldUser {
        HeldUser {
            employee_id: id,
            pin_code: pin.into(),
            digest: adms::user_fields(pin, name),
        }
    }

    #[test]
    fn only_differences_are_sent_and_deletions_come_first() {
        let steps = differences(
            &[
                wanted(1, "1001", "Ali"),
                wanted(2, "1002", "Vali Karimov"),
                wanted(3, "2000", "Sami"),
            ],
            &[
                held(1, "1001", "Ali"),
                held(2, "1002", "Vali"),
                held(3, "1003", "Sami"),
                held(4, "2000", "Gone"),
            ],
        );
        assert_eq!(
            steps,
            vec![
                UserStep::Delete {
                    employee_id: 3,
                    pin_code: "1003".into(),
                    release: false
                },
                UserStep::Delete {
                    employee_id: 4,
                    pin_code: "2000".into(),
                    release: true
                },
                UserStep::Update {
                    employee_id: 2,
                    pin_code: "1002".into(),
                    fields: "PIN=1002\tName=Vali Karimov\tPri=0".into()
                },
                UserStep::Update {
                    employee_id: 3,
                    pin_code: "2000".into(),
                    fields: "PIN=2000\tName=Sami\tPri=0".into()
                },
            ]
        );
    }

    #[test]
    fn a_terminal_in_line_with_the_roster_is_told_nothing() {
        assert!(differences(&[wanted(1, "1", "A")], &[held(1, "1", "A")]).is_empty());
        assert!(differences(&[], &[]).is_empty());
    }
}
