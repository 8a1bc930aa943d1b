//! The activity log: one row per change, written inside the change's transaction,
//! and the filtered, paginated read behind `GET /v1/user-activities`.

use davomat_core::activity::Message;
use davomat_core::page::PageRequest;
use davomat_core::{ActivityId, CompanyId, EmployeeId, Lang, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::{Store, StoreResult, sql};

/// Who made a change.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub full_name: String,
}

/// One change to log.
#[derive(Clone, Debug)]
pub struct NewActivity {
    pub company_id: CompanyId,
    pub actor: Option<Actor>,
    pub action_name: &'static str,
    pub object_id: Option<i64>,
    pub person_id: Option<EmployeeId>,
    pub assigned: Option<String>,
    pub message: Message,
}

impl NewActivity {
    /// A change to a company object (department, position, schedule…): `object_id` is
    /// the object, `assigned` its title (the reference: "the name of the new position,
    /// department, etc.").
    pub fn object_change(
        company_id: CompanyId,
        actor: Actor,
        action_name: &'static str,
        object_id: i64,
        message: Message,
    ) -> Self {
        NewActivity {
            company_id,
            actor: Some(actor),
            action_name,
            object_id: Some(object_id),
            person_id: None,
            assigned: message.object_title().map(str::to_string),
            message,
        }
    }
}

/// Writes the row on the given connection or transaction, its message in `lang`.
pub async fn record(
    conn: &impl ConnectionTrait,
    entry: NewActivity,
    lang: Lang,
    now: i64,
) -> StoreResult<()> {
    let object_id = entry.object_id;
    let mut values = row_values(entry, lang, now);
    values.push(object_id.into());
    sql::execute(conn, &insert_sql(1, "$8"), values).await?;
    Ok(())
}

/// The insert of one row whose values ([`row_values`]) are numbered from `$first`, its
/// object id written as `object_id`: a placeholder, or an expression naming a row the
/// same statement has just inserted.
pub(crate) fn insert_sql(first: usize, object_id: &str) -> String {
    let n = |i: usize| format!("${}", first + i);
    format!(
        "INSERT INTO activity_log (company_id, user_id, action_name, object_id, person_id, assigned, \
         happened_on, message, created_at) VALUES ({}, {}, {}, {object_id}, {}, {}, NULL, {}, {})",
        n(0),
        n(1),
        n(2),
        n(3),
        n(4),
        n(5),
        n(6)
    )
}

/// The values of [`insert_sql`], in its order: everything but the object id.
pub(crate) fn row_values(entry: NewActivity, lang: Lang, now: i64) -> Vec<Value> {
    let actor_name = entry
        .actor
        .as_ref()
        .map(|a| a.full_name.as_str())
        .unwrap_or("");
    let message = entry.message.render(actor_name, lang);
    vec![
        entry.company_id.0.into(),
        entry.actor.map(|a| a.user_id.0).into(),
        entry.action_name.into(),
        entry.person_id.into(),
        entry.assigned.into(),
        message.into(),
        now.into(),
    ]
}

/// Writes many rows in a few statements (100 rows each), as [`record`] writes one.
pub async fn record_many(
    conn: &impl ConnectionTrait,
    entries: Vec<NewActivity>,
    lang: Lang,
    now: i64,
) -> StoreResult<()> {
    const ROWS: usize = 100;
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let mut values: Vec<Value> = vec![now.into()];
        let mut rows = Vec::with_capacity(ROWS);
        for entry in entries.by_ref().take(ROWS) {
            let actor_name = entry
                .actor
                .as_ref()
                .map(|a| a.full_name.as_str())
                .unwrap_or("");
            let message = entry.message.render(actor_name, lang);
            let first = values.len() + 1;
            values.extend([
                entry.company_id.0.into(),
                entry.actor.map(|a| a.user_id.0).into(),
                entry.action_name.into(),
                entry.object_id.into(),
                entry.person_id.into(),
                entry.assigned.into(),
                message.into(),
            ]);
            let marks: Vec<String> = (first..first + 7).map(|n| format!("${n}")).collect();
            rows.push(format!("({}, NULL, $1)", marks.join(", ")));
        }
        sql::execute(
            conn,
            &format!(
                "INSERT INTO activity_log (company_id, user_id, action_name, object_id, person_id, \
                 assigned, message, happened_on, created_at) VALUES {}",
                rows.join(", ")
            ),
            values,
        )
        .await?;
    }
    Ok(())
}

/// Filters of the activity list. Times are unix seconds, `until` exclusive.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub action_name: Option<String>,
    /// When set, only rows about these employees (or, for rows about no person, made by them).
    pub people: Option<Vec<i64>>,
    /// When set, only rows about this employee.
    pub person: Option<i64>,
}

/// A row as the API shows it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ActivityRow {
    pub id: ActivityId,
    pub action_name: String,
    pub user_id: Option<UserId>,
    pub user_first_name: Option<String>,
    pub user_last_name: Option<String>,
    pub user_patronymic: Option<String>,
    pub object_id: Option<i64>,
    pub person_id: Option<EmployeeId>,
    pub assigned: Option<String>,
    pub happened_on: Option<String>,
    pub message: String,
    pub created_at: i64,
}

/// One page of the company's log, newest first, and the total count.
pub async fn list(
    store: &Store,
    company: CompanyId,
    filter: &ActivityFilter,
    page: PageRequest,
) -> StoreResult<(Vec<ActivityRow>, u64)> {
    let mut conditions = vec!["a.company_id = $1".to_string()];
    let mut values: Vec<Value> = vec![company.0.into()];
    if let Some(since) = filter.since {
        values.push(since.into());
        conditions.push(format!("a.created_at >= ${}", values.len()));
    }
    if let Some(until) = filter.until {
        values.push(until.into());
        conditions.push(format!("a.created_at < ${}", values.len()));
    }
    if let Some(action) = &filter.action_name {
        values.push(action.clone().into());
        conditions.push(format!("a.action_name = ${}", values.len()));
    }
    if let Some(person) = filter.person {
        values.push(person.into());
        conditions.push(format!("a.person_id = ${}", values.len()));
    }
    if let Some(people) = &filter.people {
        let ids = if people.is_empty() {
            "NULL".to_string()
        } else {
            people
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        // A row about a person belongs to that person's scope; a row about no person
        // (a department created, say) to the scope of whoever made it.
        conditions.push(format!(
            "(a.person_id IN ({ids}) OR (a.person_id IS NULL AND u.employee_id IN ({ids})))"
        ));
    }
    let from = format!(
        "FROM activity_log a LEFT JOIN users u ON u.id = a.user_id \
         LEFT JOIN employees e ON e.id = u.employee_id WHERE {}",
        conditions.join(" AND ")
    );
    let total = sql::scalar(
        store.conn(),
        &format!("SELECT count(*) {from}"),
        values.clone(),
    )
    .await?
    .unwrap_or(0) as u64;
    let rows = sql::all(
        store.conn(),
        &format!(
            "SELECT a.id, a.action_name, a.user_id, e.first_name AS user_first_name, \
             e.last_name AS user_last_name, e.patronymic AS user_patronymic, a.object_id, \
             a.person_id, a.assigned, a.happened_on, a.message, a.created_at {from} \
             ORDER BY a.created_at DESC, a.id DESC LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        ),
        values,
    )
    .await?;
    Ok((rows, total))
}
