//! Employee objects as JSON, kept per employee: a page of `GET /v1/employees` is the
//! cached order's slice of ids and these, read from the database only for the cards no
//! longer cached (docs/decisions.md, "Read caches").
//!
//! A card depends on its employee (profile, positions, payroll, face; a clock-in drops
//! it too), the company's directory (titles of departments, schedules, locations,
//! positions, rules, fines) and the company. The key holds the company's date
//! (positions held today) and the base of the photo URLs.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use davomat_core::CompanyId;
use davomat_store::Store;
use davomat_store::employees;
use davomat_store::read_cache::{Dependency, ReadCache};
use serde_json::value::RawValue;

use crate::error::{ApiError, ApiResult};
use crate::objects::{self, PhotoBase};

/// What a rendered card is kept under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CardKey {
    employee: i64,
    today: NaiveDate,
    photo_base: PhotoBase,
}

/// Rendered Employee objects.
pub type CardCache = ReadCache<CardKey, Arc<RawValue>>;

/// The Employee objects of these employees of the company, in the order given: from the
/// cache, and the rest read in one statement and kept.
pub async fn rendered(
    cache: &CardCache,
    store: &Store,
    company: CompanyId,
    ids: &[i64],
    today: NaiveDate,
    photo_base: &PhotoBase,
) -> ApiResult<Vec<Arc<RawValue>>> {
    let key = |employee: i64| CardKey {
        employee,
        today,
        photo_base: photo_base.clone(),
    };
    let mut found: HashMap<i64, Arc<RawValue>> = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for &id in ids {
        match cache.get(&key(id)) {
            Some(card) => {
                found.insert(id, card);
            }
            None => missing.push(id),
        }
    }
    if !missing.is_empty() {
        let reading = cache.reading();
        for card in employees::cards(store.connection(), company, &missing, today).await? {
            let json = serde_json::value::to_raw_value(&objects::employee(&card, photo_base))
                .map_err(|e| ApiError::Internal(format!("card {}: {e}", card.id)))?;
            let json: Arc<RawValue> = Arc::from(json);
            let dependencies = vec![
                Dependency::Employee(card.id),
                Dependency::Directory(company),
                Dependency::Company(company),
            ];
            cache.put(key(card.id.0), reading, Arc::clone(&json), dependencies);
            found.insert(card.id.0, json);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}
