//! Response objects that several resources share: the Employee object of the reference.

use davomat_store::employees::{EmployeeCard, NamedRef};
use serde_json::{Value, json};

/// The Employee object (reference: Objects → Employee), every field present. Unset
/// text fields are `""`; `notes`, `birth_date`, `gender` may be `null`. Payroll and
/// photo fields are `null` until those features hold data for the employee.
pub fn employee(card: &EmployeeCard) -> Value {
    json!({
        "id": card.id,
        "last_name": card.last_name,
        "first_name": card.first_name,
        "patronymic": card.patronymic,
        "full_name": card.full_name,
        "gender": card.gender,
        "photos": Value::Null,
        "start_date": card.start_date.to_string(),
        "schedule_start_date": card.schedule_start_date.to_string(),
        "pin_code": card.pin_code,
        "tab_number": card.tab_number,
        "birth_date": card.birth_date.map(|d| d.to_string()),
        "home_address": card.home_address,
        "home_phone": card.home_phone,
        "work_phone": card.work_phone,
        "notes": card.notes,
        "bank_book": card.bank_book,
        "mobile_phone": card.mobile_phone,
        "qrcode": card.qrcode,
        "user": match (card.user_id, &card.user_email) {
            (Some(id), Some(email)) => json!({"id": id, "email": email}),
            _ => Value::Null,
        },
        "department": {"id": card.department_id, "title": card.department_title},
        "positions": named(&card.positions),
        "schedule": {"id": card.schedule_id, "title": card.schedule_title, "type": card.schedule_kind},
        "locations": named(&card.locations),
        "lastEmployeeSalaryRate": Value::Null,
        "lastPersonPayroll": Value::Null,
        "lastPersonFine": Value::Null,
    })
}

fn named(refs: &[NamedRef]) -> Value {
    refs.iter()
        .map(|r| json!({"id": r.id, "title": r.title}))
        .collect()
}
