//! The demo company's payroll: two payroll rules, two automatic fines, a monthly salary
//! rate for every employee from their start (a raise from the first of last month for
//! every third one), a rule for everyone and a fine for every other one. Deterministic.

use chrono::{Datelike, NaiveDate};
use davomat_core::CompanyId;
use davomat_core::dates::naive;
use davomat_core::zone::CompanyZone;
use sea_orm::ConnectionTrait;

use super::attendance::Person;
use crate::StoreResult;
use crate::payroll::fines::{self, FineFields};
use crate::payroll::periods::{self, Held};
use crate::payroll::rules::{self, RuleFields};

/// Monthly rates in minor units: 4,500,000.00 sum and up.
const BASE_RATE: i64 = 450_000_000;
const RATE_STEP: i64 = 25_000_000;

pub async fn seed(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    people: &[Person],
    hired: NaiveDate,
    now: i64,
) -> StoreResult<()> {
    let daily = rules::create(
        conn,
        company,
        &RuleFields {
            title: "Ежедневный".into(),
            otc_algorithm_daily: true,
            is_active: true,
        },
        now,
    )
    .await?;
    let monthly = rules::create(
        conn,
        company,
        &RuleFields {
            title: "Ежемесячный".into(),
            otc_algorithm_daily: false,
            is_active: true,
        },
        now,
    )
    .await?;
    let late = fines::create(
        conn,
        company,
        &FineFields {
            title: "Опоздание".into(),
            is_active: true,
            has_dayly_fine: false,
            amount: 5_000_000,
            amount_type: 0,
        },
        now,
    )
    .await?;
    fines::create(
        conn,
        company,
        &FineFields {
            title: "Прогул".into(),
            is_active: true,
            has_dayly_fine: true,
            amount: 15_000_000,
            amount_type: 0,
        },
        now,
    )
    .await?;
    let ids: Vec<i64> = people.iter().map(|p| p.employee_id).collect();
    for (i, &employee) in ids.iter().enumerate() {
        let rate = BASE_RATE + RATE_STEP * (i as i64 % 8);
        let held = Held::Salary { type_col: 3, rate };
        periods::assign(conn, company, &[employee], hired, held, now).await?;
    }
    let today = CompanyZone::named_or_default("Asia/Tashkent")
        .date_of(now)
        .map_or(hired, naive);
    let last_month = today
        .with_day(1)
        .and_then(|first| first.pred_opt())
        .and_then(|day| day.with_day(1))
        .unwrap_or(today);
    if last_month > hired {
        let raised: Vec<i64> = ids.iter().copied().step_by(3).collect();
        let held = Held::Salary {
            type_col: 3,
            rate: BASE_RATE + 10 * RATE_STEP,
        };
        periods::assign(conn, company, &raised, last_month, held, now).await?;
    }
    let (office, rest): (Vec<i64>, Vec<i64>) = ids.iter().partition(|id| *id % 2 == 0);
    periods::assign(conn, company, &office, hired, Held::Rule(monthly), now).await?;
    periods::assign(conn, company, &rest, hired, Held::Rule(daily), now).await?;
    periods::assign(conn, company, &office, hired, Held::Fine(late), now).await?;
    Ok(())
}
