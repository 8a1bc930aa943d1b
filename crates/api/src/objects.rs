//! Response objects that several resources share: the Employee object of the reference.
//! It is a typed struct serialized straight into the body: a page of 50 employees built
//! as `serde_json::Value` trees spent a third of its server time allocating maps
//! (docs/performance-employees.md).

use davomat_store::employees::{EmployeeCard, NamedRef};
use serde::Serialize;
use serde_json::Value;

/// The Employee object (reference: Objects → Employee), every field present. Unset
/// text fields are `""`; `notes`, `birth_date`, `gender` may be `null`. Payroll and
/// photo fields are `null` until those features hold data for the employee.
#[derive(Serialize)]
pub struct Employee<'a> {
    id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    full_name: &'a str,
    gender: Option<&'a str>,
    photos: Option<()>,
    start_date: String,
    schedule_start_date: String,
    pin_code: &'a str,
    tab_number: &'a str,
    birth_date: Option<String>,
    home_address: &'a str,
    home_phone: &'a str,
    work_phone: &'a str,
    notes: Option<&'a str>,
    bank_book: &'a str,
    mobile_phone: &'a str,
    qrcode: &'a str,
    user: Option<User<'a>>,
    department: Named<'a>,
    positions: Vec<Named<'a>>,
    schedule: Schedule<'a>,
    locations: Vec<Named<'a>>,
    #[serde(rename = "lastEmployeeSalaryRate")]
    last_employee_salary_rate: Option<()>,
    #[serde(rename = "lastPersonPayroll")]
    last_person_payroll: Option<()>,
    #[serde(rename = "lastPersonFine")]
    last_person_fine: Option<()>,
}

#[derive(Serialize)]
struct User<'a> {
    id: i64,
    email: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    id: i64,
    title: &'a str,
}

#[derive(Serialize)]
struct Schedule<'a> {
    id: i64,
    title: &'a str,
    #[serde(rename = "type")]
    kind: i64,
}

/// The Employee object of a card.
pub fn employee(card: &EmployeeCard) -> Employee<'_> {
    Employee {
        id: card.id,
        last_name: &card.last_name,
        first_name: &card.first_name,
        patronymic: &card.patronymic,
        full_name: &card.full_name,
        gender: card.gender.as_deref(),
        photos: None,
        start_date: card.start_date.to_string(),
        schedule_start_date: card.schedule_start_date.to_string(),
        pin_code: &card.pin_code,
        tab_number: &card.tab_number,
        birth_date: card.birth_date.map(|d| d.to_string()),
        home_address: &card.home_address,
        home_phone: &card.home_phone,
        work_phone: &card.work_phone,
        notes: card.notes.as_deref(),
        bank_book: &card.bank_book,
        mobile_phone: &card.mobile_phone,
        qrcode: &card.qrcode,
        user: match (card.user_id, &card.user_email) {
            (Some(id), Some(email)) => Some(User { id, email }),
            _ => None,
        },
        department: Named {
            id: card.department_id,
            title: &card.department_title,
        },
        positions: named(&card.positions),
        schedule: Schedule {
            id: card.schedule_id,
            title: &card.schedule_title,
            kind: card.schedule_kind,
        },
        locations: named(&card.locations),
        last_employee_salary_rate: None,
        last_person_payroll: None,
        last_person_fine: None,
    }
}

/// The Employee object as a JSON value, for answers that add to it.
pub fn employee_value(card: &EmployeeCard) -> Value {
    serde_json::to_value(employee(card)).unwrap_or(Value::Null)
}

fn named(refs: &[NamedRef]) -> Vec<Named<'_>> {
    refs.iter()
        .map(|r| Named {
            id: r.id,
            title: &r.title,
        })
        .collect()
}
