//! Login users: credentials, display settings, passwords.

use davomat_core::{CompanyId, DepartmentId, EmployeeId, EmployeeStatus, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::read_cache::Dependency;
use crate::text::Text;
use crate::{Store, StoreError, StoreResult, sql};

/// What a password login needs to know about a user.
#[derive(Clone, Debug, FromQueryResult)]
pub struct LoginUser {
    pub id: UserId,
    pub company_id: CompanyId,
    pub password_hash: Option<String>,
    pub role: i64,
    pub employee_status: Option<Text<EmployeeStatus>>,
}

impl LoginUser {
    /// A user whose employee profile is dismissed may not log in.
    pub fn is_active(&self) -> bool {
        self.employee_status != Some(Text(EmployeeStatus::Dismissed))
    }
}

/// Finds a user by email (case-insensitive).
pub async fn find_login(store: &Store, email: &str) -> StoreResult<Option<LoginUser>> {
    sql::one(
        store.conn(),
        "SELECT u.id, u.company_id, u.password_hash, u.role, e.status AS employee_status \
         FROM users u LEFT JOIN employees e ON e.id = u.employee_id WHERE u.email = $1",
        vec![email.trim().to_lowercase().into()],
    )
    .await
}

/// The UserSettings object.
#[derive(Clone, Debug, FromQueryResult)]
pub struct UserSettings {
    pub id: UserId,
    pub fiotype: String,
    pub date_format: String,
    pub time_zone: String,
    pub ampm: String,
    pub lang: String,
}

/// Reads a user's settings; the settings' id is the user's id.
pub async fn settings(
    store: &Store,
    company: CompanyId,
    user: UserId,
) -> StoreResult<UserSettings> {
    sql::one(
        store.conn(),
        "SELECT id, fiotype, date_format, time_zone, ampm, lang FROM users WHERE id = $1 AND company_id = $2",
        vec![user.0.into(), company.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// A partial change of settings; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct SettingsChange {
    pub fiotype: Option<String>,
    pub date_format: Option<String>,
    pub time_zone: Option<String>,
    pub ampm: Option<String>,
    pub lang: Option<String>,
}

/// Applies a settings change and answers the new settings.
pub async fn update_settings(
    store: &Store,
    company: CompanyId,
    user: UserId,
    change: SettingsChange,
) -> StoreResult<UserSettings> {
    let writer = store.write_connection().await;
    writer.changes([Dependency::User(user)]);
    sql::execute(
        &writer,
        "UPDATE users SET fiotype = COALESCE($1, fiotype), date_format = COALESCE($2, date_format), \
         time_zone = COALESCE($3, time_zone), ampm = COALESCE($4, ampm), lang = COALESCE($5, lang) \
         WHERE id = $6 AND company_id = $7",
        vec![
            change.fiotype.into(),
            change.date_format.into(),
            change.time_zone.into(),
            change.ampm.into(),
            change.lang.into(),
            user.0.into(),
            company.0.into(),
        ],
    )
    .await?;
    settings(store, company, user).await
}

/// Replaces a user's password hash.
pub async fn set_password_hash(
    conn: &impl ConnectionTrait,
    user: UserId,
    hash: &str,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        vec![hash.into(), user.0.into()],
    )
    .await?;
    Ok(())
}

/// How many users of the company other than `except` are administrators who can log in:
/// role 1, with no employee profile or an active one whose dismissal is not pending.
pub async fn other_active_admins(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    except: UserId,
) -> StoreResult<i64> {
    Ok(sql::scalar(
        conn,
        "SELECT count(*) FROM users u LEFT JOIN employees e ON e.id = u.employee_id \
         WHERE u.company_id = $1 AND u.role = 1 AND u.id <> $2 \
         AND (u.employee_id IS NULL OR (e.status = 'active' AND e.dismissal_date IS NULL))",
        vec![company.0.into(), except.0.into()],
    )
    .await?
    .unwrap_or(0))
}

/// True when the employee's login is the company's last administrator who can log in:
/// dismissing or removing them would leave nobody to run the company.
pub async fn is_last_active_admin(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: davomat_core::EmployeeId,
) -> StoreResult<bool> {
    let admin = sql::scalar(
        conn,
        "SELECT id FROM users WHERE company_id = $1 AND employee_id = $2 AND role = 1",
        vec![company.0.into(), employee.0.into()],
    )
    .await?;
    match admin {
        Some(user) => Ok(other_active_admins(conn, company, UserId(user)).await? == 0),
        None => Ok(false),
    }
}

/// A login user as the operators' commands find it by email.
#[derive(Clone, Debug, FromQueryResult)]
pub struct OperatedUser {
    pub id: UserId,
    pub company_id: CompanyId,
    pub role: i64,
    pub employee_id: Option<EmployeeId>,
    pub full_name: Option<String>,
    pub company_lang: String,
}

/// A user of a company as its admins manage them.
#[derive(Clone, Debug)]
pub struct CompanyUser {
    pub id: UserId,
    pub email: String,
    pub role: i64,
    pub employee_id: Option<EmployeeId>,
    pub full_name: Option<String>,
    /// The departments a role 2–4 user oversees (as assigned, not expanded).
    pub departments: Vec<DepartmentId>,
}

#[derive(FromQueryResult)]
struct UserRow {
    id: UserId,
    email: String,
    role: i64,
    employee_id: Option<EmployeeId>,
    full_name: Option<String>,
}

#[derive(FromQueryResult)]
struct OverseenRow {
    user_id: UserId,
    department_id: DepartmentId,
}

/// The company's users by email, each with the departments assigned to them: two
/// statements.
pub async fn of_company(store: &Store, company: CompanyId) -> StoreResult<Vec<CompanyUser>> {
    let rows: Vec<UserRow> = sql::all(
        store.conn(),
        "SELECT u.id, u.email, u.role, u.employee_id, e.full_name FROM users u \
         LEFT JOIN employees e ON e.id = u.employee_id WHERE u.company_id = $1 ORDER BY u.email",
        vec![company.0.into()],
    )
    .await?;
    let overseen: Vec<OverseenRow> = sql::all(
        store.conn(),
        "SELECT ud.user_id, ud.department_id FROM user_departments ud \
         JOIN users u ON u.id = ud.user_id WHERE u.company_id = $1 ORDER BY ud.department_id",
        vec![company.0.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CompanyUser {
            departments: overseen
                .iter()
                .filter(|o| o.user_id == row.id)
                .map(|o| o.department_id)
                .collect(),
            id: row.id,
            email: row.email,
            role: row.role,
            employee_id: row.employee_id,
            full_name: row.full_name,
        })
        .collect())
}

/// A user of the company by id, with what a role change needs.
pub async fn find_in_company(
    store: &Store,
    company: CompanyId,
    id: UserId,
) -> StoreResult<Option<OperatedUser>> {
    sql::one(
        store.conn(),
        "SELECT u.id, u.company_id, u.role, u.employee_id, e.full_name, c.lang AS company_lang \
         FROM users u JOIN companies c ON c.id = u.company_id \
         LEFT JOIN employees e ON e.id = u.employee_id WHERE u.id = $1 AND u.company_id = $2",
        vec![id.0.into(), company.0.into()],
    )
    .await
}

/// Finds a user by email (case-insensitive), with what an operator's change needs.
pub async fn find_for_operator(store: &Store, email: &str) -> StoreResult<Option<OperatedUser>> {
    sql::one(
        store.conn(),
        "SELECT u.id, u.company_id, u.role, u.employee_id, e.full_name, c.lang AS company_lang \
         FROM users u JOIN companies c ON c.id = u.company_id \
         LEFT JOIN employees e ON e.id = u.employee_id WHERE u.email = $1",
        vec![email.trim().to_lowercase().into()],
    )
    .await
}

/// Sets a new password hash, spends the user's reset tokens and revokes every access
/// and refresh token, in one transaction (`davomat user reset-password`).
pub async fn replace_password(
    store: &Store,
    user: UserId,
    hash: &str,
    now: i64,
) -> StoreResult<()> {
    let txn = store.begin().await?;
    txn.changes([Dependency::User(user)]);
    set_password_hash(&txn, user, hash).await?;
    crate::password_resets::spend_all(&txn, user, now).await?;
    crate::tokens::revoke_all(&txn, user).await?;
    txn.commit().await?;
    Ok(())
}

/// An operator's change of a user's role (`davomat user set-role`).
#[derive(Clone, Debug)]
pub struct RoleChange {
    pub role: davomat_core::Role,
    /// Who changes it (an admin in the console); `None` for the operator's command.
    pub actor: Option<crate::activity::Actor>,
    /// The departments a role 2–4 user oversees; `None` keeps them. Roles 1 and 5
    /// oversee none: theirs are cleared.
    pub departments: Option<Vec<DepartmentId>>,
}

/// Applies a role change with its activity row (`assignedRole`, or `deleteAssignedRole`
/// when the new role is the plain employee), in one transaction. Refused
/// ([`StoreError::Invalid`]) when it would leave the company without an administrator
/// who can log in, or names a department that is not the company's.
pub async fn change_role(
    store: &Store,
    user: &OperatedUser,
    change: &RoleChange,
    now: i64,
) -> StoreResult<()> {
    use davomat_core::Role;
    let company = user.company_id;
    let txn = store.begin().await?;
    txn.changes([Dependency::User(user.id)]);
    crate::departments::lock(&txn, company).await?;
    if user.role == Role::Admin.id()
        && change.role != Role::Admin
        && other_active_admins(&txn, company, user.id).await? == 0
    {
        return Err(StoreError::Invalid(
            "this user is the company's last administrator who can log in: make another user an administrator first".into(),
        ));
    }
    let departments = match (&change.departments, change.role.oversees_departments()) {
        (_, false) => Some(Vec::new()),
        (given, true) => given.clone(),
    };
    if let Some(ids) = &departments {
        let known = crate::employees::create::unknown_ids(
            &txn,
            company,
            crate::employees::create::Reference::Department,
            &ids.iter().map(|id| id.0).collect::<Vec<_>>(),
        )
        .await?;
        if !known.is_empty() {
            return Err(StoreError::Invalid(format!(
                "departments {known:?} are not the company's"
            )));
        }
        sql::execute(
            &txn,
            "DELETE FROM user_departments WHERE user_id = $1",
            vec![user.id.into()],
        )
        .await?;
        for id in ids {
            sql::execute(
                &txn,
                "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)",
                vec![user.id.into(), id.0.into()],
            )
            .await?;
        }
    }
    sql::execute(
        &txn,
        "UPDATE users SET role = $1 WHERE id = $2",
        vec![change.role.id().into(), user.id.into()],
    )
    .await?;
    let lang = davomat_core::Lang::parse(&user.company_lang).unwrap_or_default();
    let name = user.full_name.clone().unwrap_or_default();
    let previous = Role::from_id(user.role).unwrap_or(Role::Employee);
    let (action_name, shown, message) = if change.role == Role::Employee {
        (
            "deleteAssignedRole",
            previous,
            davomat_core::activity::Message::RoleRemoved {
                name,
                role: previous,
            },
        )
    } else {
        (
            "assignedRole",
            change.role,
            davomat_core::activity::Message::RoleAssigned {
                name,
                role: change.role,
            },
        )
    };
    crate::activity::record(
        &txn,
        crate::activity::NewActivity {
            company_id: company,
            actor: change.actor.clone(),
            action_name,
            object_id: Some(user.id.0),
            person_id: user.employee_id,
            assigned: Some(shown.name(lang).to_string()),
            message,
        },
        lang,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
