//! A short-lived cache of totals — list `totalCount`s, and a location's employee and
//! device counts on the clock-in path — so that a large company is not counted on every
//! request (docs/performance-employees.md, docs/performance.md).
//!
//! Exactness: every statement the [`Store`](crate::Store) runs that is not a `SELECT`
//! bumps a generation (a metric callback on the connection sees them all, in and out of
//! transactions), and a cached total is only answered while the generation it was
//! counted under is current. So a list read after a write of this process has returned
//! is exact. Only two cases can answer a total that lags, and never for longer than the
//! lifetime ([`LIFETIME`]): a count that ran while another request's transaction was
//! still open (the bump comes with the write statement, the rows only at commit), and
//! writes made by another process on the same database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a counted total may be answered again.
pub const LIFETIME: Duration = Duration::from_secs(2);

/// Entries kept at most; past that the cache is emptied (keys are company + filter).
const CAPACITY: usize = 4096;

/// Writes to tables no cached total counts (by the start of the statement).
const UNCOUNTED_WRITES: [&str; 2] = [
    "INSERT INTO clock_events ",
    "UPDATE devices SET last_request_at ",
];

/// Totals by key, valid for one write generation and [`LIFETIME`].
#[derive(Default)]
pub struct CountCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    generation: u64,
    counted_at: Instant,
    total: u64,
}

impl std::fmt::Debug for CountCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountCache")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl CountCache {
    /// Called with every statement the store runs: anything but a read invalidates,
    /// except the writes no cached total counts — appending clock events and stamping a
    /// device's last request — which the clock-in and device paths make on every call.
    pub(crate) fn observe(&self, sql: &str) {
        let sql = sql.trim_start();
        let head = sql.get(..6).unwrap_or("");
        let harmless = UNCOUNTED_WRITES.iter().any(|w| {
            sql.get(..w.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(w))
        });
        if !head.eq_ignore_ascii_case("select") && !harmless {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The current generation, read before counting.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A total counted under the current generation less than [`LIFETIME`] ago.
    pub(crate) fn get(&self, key: &str) -> Option<u64> {
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.counted_at.elapsed() < LIFETIME)
            .map(|e| e.total)
    }

    /// Keeps a total counted under `generation`, unless a write came in meanwhile.
    pub(crate) fn put(&self, key: String, generation: u64, counted_at: Instant, total: u64) {
        if self.generation() != generation {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                counted_at,
                total,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_invalidate_and_reads_do_not() {
        let cache = CountCache::default();
        let g = cache.generation();
        cache.put("a".into(), g, Instant::now(), 7);
        assert_eq!(cache.get("a"), Some(7));
        cache.observe("  select count(*) FROM employees");
        assert_eq!(cache.get("a"), Some(7));
        cache.observe("INSERT INTO clock_events (company_id) VALUES ($1)");
        assert_eq!(cache.get("a"), Some(7));
        cache.observe("UPDATE employees SET status = 'dismissed'");
        assert_eq!(cache.get("a"), None);
        // A total counted before a write is not kept.
        cache.put("a".into(), g, Instant::now(), 7);
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn totals_expire() {
        let cache = CountCache::default();
        let old = Instant::now().checked_sub(LIFETIME).expect("instant");
        cache.put("a".into(), cache.generation(), old, 7);
        assert_eq!(cache.get("a"), None);
    }
}
