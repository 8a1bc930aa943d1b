//! Face templates: one per employee — the image as uploaded and its 40 px and 120 px
//! PNG thumbnails, under the unguessable key that their URLs carry (`?k=`). A new
//! upload replaces the row and with it the key, so the old URLs stop working.

use davomat_core::{CompanyId, DepartmentId, EmployeeId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{StoreResult, sql};

/// A template to store, already checked and thumbnailed by the caller.
#[derive(Clone, Debug)]
pub struct NewFace {
    /// The `k` of the photo URLs: random, new on every upload.
    pub photo_key: String,
    /// `jpeg` or `png`: the format of `original`.
    pub format: String,
    pub width: i64,
    pub height: i64,
    pub original: Vec<u8>,
    /// The 40×40 PNG.
    pub small: Vec<u8>,
    /// The 120×120 PNG.
    pub medium: Vec<u8>,
}

/// Which stored image to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceSize {
    /// The 40×40 PNG.
    Small,
    /// The 120×120 PNG.
    Medium,
    /// The image as uploaded (its own format).
    Original,
}

impl FaceSize {
    fn column(self) -> &'static str {
        match self {
            FaceSize::Small => "small",
            FaceSize::Medium => "medium",
            FaceSize::Original => "original",
        }
    }
}

/// One stored image and the format of the original.
#[derive(Clone, Debug, FromQueryResult)]
pub struct FaceImage {
    pub format: String,
    pub data: Vec<u8>,
}

/// Stores the employee's template, replacing the one they had.
pub async fn put(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    face: NewFace,
    now: i64,
) -> StoreResult<()> {
    // An upsert rather than delete-and-insert: two uploads at once for one employee
    // must not collide on the primary key.
    sql::execute(
        conn,
        "INSERT INTO faces (employee_id, company_id, photo_key, format, width, height, original, small, \
         medium, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (employee_id) DO UPDATE SET photo_key = excluded.photo_key, format = excluded.format, \
         width = excluded.width, height = excluded.height, original = excluded.original, \
         small = excluded.small, medium = excluded.medium, created_at = excluded.created_at \
         WHERE faces.company_id = excluded.company_id",
        vec![
            employee.0.into(),
            company.0.into(),
            face.photo_key.into(),
            face.format.into(),
            face.width.into(),
            face.height.into(),
            face.original.into(),
            face.small.into(),
            face.medium.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Removes the employee's template; answers whether there was one.
pub async fn delete(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<bool> {
    Ok(sql::execute(
        conn,
        "DELETE FROM faces WHERE employee_id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await?
        > 0)
}

/// One image of the employee's template, when `key` is its current key.
pub async fn image(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
    key: &str,
    size: FaceSize,
) -> StoreResult<Option<FaceImage>> {
    sql::one(
        conn,
        &format!(
            "SELECT format, {} AS data FROM faces WHERE company_id = $1 AND employee_id = $2 AND photo_key = $3",
            size.column()
        ),
        vec![company.0.into(), employee.0.into(), key.into()],
    )
    .await
}

/// The employee a template is about, as the face routes need them.
#[derive(Clone, Debug, FromQueryResult)]
pub struct FaceOwner {
    pub id: EmployeeId,
    pub department_id: DepartmentId,
    pub full_name: String,
    /// What terminals know the employee by.
    pub pin_code: String,
}

/// The employee of the company, if there is one with this id.
pub async fn owner(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    employee: EmployeeId,
) -> StoreResult<Option<FaceOwner>> {
    sql::one(
        conn,
        "SELECT id, department_id, full_name, pin_code FROM employees WHERE id = $1 AND company_id = $2",
        vec![employee.0.into(), company.0.into()],
    )
    .await
}

/// Up to `limit` employees of the company without a template, by id.
pub async fn employees_without_face(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    limit: u64,
) -> StoreResult<Vec<EmployeeId>> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let rows: Vec<Id> = sql::all(
        conn,
        &format!(
            "SELECT e.id FROM employees e WHERE e.company_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.employee_id = e.id) ORDER BY e.id LIMIT {limit}"
        ),
        vec![company.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| EmployeeId(r.id)).collect())
}
