//! Response objects that several resources share: the Employee object of the reference
//! and the photo URLs it and the payroll lists carry.
//! It is a typed struct serialized straight into the body: a page of 50 employees built
//! as `serde_json::Value` trees spent a third of its server time allocating maps
//! (docs/performance-employees.md).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use davomat_core::money::format_minor;
use davomat_store::employees::{EmployeeCard, NamedRef};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::caller::Caller;
use crate::envelope::base_url;
use crate::error::ApiError;

/// Where a company's photo URLs point: the server's public base and the company.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhotoBase {
    base: String,
    company_id: i64,
}

/// `photos` of an employee with a face template: the 40 px and 120 px thumbnails.
#[derive(Serialize, Debug, PartialEq, Eq, ToSchema)]
pub struct Photos {
    /// The 40 px thumbnail's URL.
    pub small: String,
    /// The 120 px thumbnail's URL.
    pub medium: String,
}

impl PhotoBase {
    pub fn new(base: String, company_id: i64) -> PhotoBase {
        PhotoBase { base, company_id }
    }

    /// The URL of one size (`40`, `120`) of the employee's photo under its key.
    pub fn url(&self, size: &str, employee_id: i64, key: &str) -> String {
        format!(
            "{}/images/employee/{size}/{}/{employee_id}.png?k={key}",
            self.base, self.company_id
        )
    }

    /// The URL of the template as uploaded, for terminals (its own format, whatever the
    /// `.png` of the path says: one path shape for every size).
    pub fn original_url(&self, employee_id: i64, key: &str) -> String {
        self.url("original", employee_id, key)
    }

    /// `photos` of an employee: `None` without a face template (no key).
    pub fn photos(&self, employee_id: i64, key: Option<&str>) -> Option<Photos> {
        key.map(|key| Photos {
            small: self.url("40", employee_id, key),
            medium: self.url("120", employee_id, key),
        })
    }
}

impl FromRequestParts<AppState> for PhotoBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .ok_or(ApiError::NotAuthenticated)?;
        Ok(PhotoBase::new(
            base_url(state, &parts.headers),
            caller.company_id.0,
        ))
    }
}

/// The Employee object (reference: Objects → Employee), every field present. Unset
/// text fields are `""`; `notes`, `birth_date`, `gender` may be `null`; `photos` and the
/// three payroll fields are `null` while the employee has no face template, no open
/// salary rate, payroll rule or fine.
#[derive(Serialize, ToSchema)]
#[schema(as = Employee)]
pub struct Employee<'a> {
    id: i64,
    last_name: &'a str,
    first_name: &'a str,
    patronymic: &'a str,
    full_name: &'a str,
    gender: Option<&'a str>,
    /// Null without a face template.
    photos: Option<Photos>,
    #[schema(format = Date)]
    start_date: String,
    #[schema(format = Date)]
    schedule_start_date: String,
    pin_code: &'a str,
    tab_number: &'a str,
    #[schema(format = Date)]
    birth_date: Option<String>,
    home_address: &'a str,
    home_phone: &'a str,
    work_phone: &'a str,
    notes: Option<&'a str>,
    bank_book: &'a str,
    mobile_phone: &'a str,
    qrcode: &'a str,
    /// The user the employee logs in as; null without one.
    user: Option<User<'a>>,
    department: Named<'a>,
    /// The positions held today.
    positions: Vec<Named<'a>>,
    schedule: Schedule<'a>,
    /// The locations the employee may clock in at.
    locations: Vec<Named<'a>>,
    /// The open salary rate; null without one.
    #[serde(rename = "lastEmployeeSalaryRate")]
    last_employee_salary_rate: Option<SalaryRate>,
    /// The open payroll rule period; null without one.
    #[serde(rename = "lastPersonPayroll")]
    last_person_payroll: Option<PersonPayroll<'a>>,
    /// The open automatic fine period; null without one.
    #[serde(rename = "lastPersonFine")]
    last_person_fine: Option<PersonFine<'a>>,
}

/// `lastEmployeeSalaryRate`: the open rate (`type` is the rate's `type_col`).
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeSalaryRate)]
struct SalaryRate {
    id: i64,
    #[schema(example = "1000.00")]
    rate: String,
    #[schema(format = Date)]
    start_date: String,
    /// 1 monthly, 2 daily, 3 hourly, 4 per shift.
    #[serde(rename = "type")]
    kind: i64,
}

/// `lastPersonPayroll`: the open payroll rule period.
#[derive(Serialize, ToSchema)]
struct PersonPayroll<'a> {
    id: i64,
    payroll_rule_id: i64,
    #[schema(format = Date)]
    start_date: String,
    #[serde(rename = "payrollRule")]
    payroll_rule: PayrollRuleBrief<'a>,
}

#[derive(Serialize, ToSchema)]
struct PayrollRuleBrief<'a> {
    title: &'a str,
    otc_algorithm_daily: bool,
}

/// `lastPersonFine`: the open automatic fine period.
#[derive(Serialize, ToSchema)]
struct PersonFine<'a> {
    id: i64,
    fine_id: i64,
    #[schema(format = Date)]
    start_date: String,
    fine: FineBrief<'a>,
}

/// `has_dayly_fine` is 0/1, as every example of the reference shows it.
#[derive(Serialize, ToSchema)]
struct FineBrief<'a> {
    title: &'a str,
    #[schema(minimum = 0, maximum = 1)]
    has_dayly_fine: u8,
    #[schema(example = "0.00")]
    amount: String,
}

/// The user an employee logs in as.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeUser)]
struct User<'a> {
    id: i64,
    email: &'a str,
}

/// A department, position or location by id and title.
#[derive(Serialize, ToSchema)]
#[schema(as = NamedRef)]
pub struct Named<'a> {
    id: i64,
    title: &'a str,
}

/// The employee's schedule.
#[derive(Serialize, ToSchema)]
#[schema(as = EmployeeSchedule)]
struct Schedule<'a> {
    id: i64,
    title: &'a str,
    /// 1–4 (SEMANTICS.md §12).
    #[serde(rename = "type")]
    kind: i64,
}

/// The Employee object of a card.
pub fn employee<'a>(card: &'a EmployeeCard, photo_base: &PhotoBase) -> Employee<'a> {
    Employee {
        id: card.id.0,
        last_name: &card.last_name,
        first_name: &card.first_name,
        patronymic: &card.patronymic,
        full_name: &card.full_name,
        gender: card.gender.as_deref(),
        photos: photo_base.photos(card.id.0, card.photo_key.as_deref()),
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
            (Some(id), Some(email)) => Some(User { id: id.0, email }),
            _ => None,
        },
        department: Named {
            id: card.department_id.0,
            title: &card.department_title,
        },
        positions: named(&card.positions),
        schedule: Schedule {
            id: card.schedule_id.0,
            title: &card.schedule_title,
            kind: card.schedule_kind,
        },
        locations: named(&card.locations),
        last_employee_salary_rate: salary_rate(card),
        last_person_payroll: person_payroll(card),
        last_person_fine: person_fine(card),
    }
}

fn salary_rate(card: &EmployeeCard) -> Option<SalaryRate> {
    Some(SalaryRate {
        id: card.salary_id?,
        rate: format_minor(card.salary_rate?),
        start_date: card.salary_start?.to_string(),
        kind: card.salary_type?,
    })
}

fn person_payroll(card: &EmployeeCard) -> Option<PersonPayroll<'_>> {
    Some(PersonPayroll {
        id: card.payroll_id?,
        payroll_rule_id: card.payroll_rule_id?,
        start_date: card.payroll_start?.to_string(),
        payroll_rule: PayrollRuleBrief {
            title: card.payroll_rule_title.as_deref()?,
            otc_algorithm_daily: card.payroll_rule_daily?,
        },
    })
}

fn person_fine(card: &EmployeeCard) -> Option<PersonFine<'_>> {
    Some(PersonFine {
        id: card.person_fine_id?,
        fine_id: card.fine_id?,
        start_date: card.fine_start?.to_string(),
        fine: FineBrief {
            title: card.fine_title.as_deref()?,
            has_dayly_fine: u8::from(card.fine_daily?),
            amount: format_minor(card.fine_amount?),
        },
    })
}

pub fn named(refs: &[NamedRef]) -> Vec<Named<'_>> {
    refs.iter()
        .map(|r| Named {
            id: r.id,
            title: &r.title,
        })
        .collect()
}
