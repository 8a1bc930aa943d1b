//! Short-lived caches of what the store read, answered again only while this process
//! has written nothing since: list `totalCount`s and a location's counts on the
//! clock-in path (docs/performance-employees.md), the session behind an access token,
//! and — in the API — the rendered account (docs/decisions.md, "Read caches").
//!
//! Exactness: every statement the [`Store`](crate::Store) runs that is not a `SELECT`
//! bumps a write generation (a metric callback on the connection sees them all, in and
//! out of transactions), and a cached value is only answered while the generation it
//! was read under is current. So a read made after a write of this process has returned
//! is exact. Only two cases can answer a value that lags, and never for longer than
//! [`LIFETIME`]: a read that ran while another request's transaction was still open
//! (the bump comes with the write statement, the rows only at commit), and writes made
//! by another process on the same database.
//!
//! There are two generations. [`Invalidation::AnyWrite`] moves with every write.
//! [`Invalidation::DirectoryWrite`] ignores the two writes the clock-in and device paths
//! make on every call — appending clock events and stamping a device's last request —
//! for values that do not depend on them (totals, sessions).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a value may be answered again, at most.
pub const LIFETIME: Duration = Duration::from_secs(2);

/// Reads of missing values that may run at once in one cache ([`ReadCache::get_or_read`]).
const READ_TURNS: usize = 8;

/// Writes that leave [`Invalidation::DirectoryWrite`] alone (by the start of the statement).
const HOT_PATH_WRITES: [&str; 2] = [
    "INSERT INTO clock_events ",
    "UPDATE devices SET last_request_at ",
];

/// Which writes drop a cache's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalidation {
    /// Every write statement.
    AnyWrite,
    /// Every write but appending clock events and stamping devices.
    DirectoryWrite,
}

/// The write generations of one store, bumped by [`Writes::observe`].
#[derive(Debug, Default)]
pub(crate) struct Writes {
    any: Arc<AtomicU64>,
    directory: Arc<AtomicU64>,
}

impl Writes {
    /// Called with every statement the store runs.
    pub(crate) fn observe(&self, sql: &str) {
        let sql = sql.trim_start();
        let head = sql.get(..6).unwrap_or("");
        if head.eq_ignore_ascii_case("select") {
            return;
        }
        self.any.fetch_add(1, Ordering::AcqRel);
        let hot_path = HOT_PATH_WRITES.iter().any(|w| {
            sql.get(..w.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(w))
        });
        if !hot_path {
            self.directory.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Drops every cached value (the store is closing).
    pub(crate) fn forget_all(&self) {
        self.any.fetch_add(1, Ordering::AcqRel);
        self.directory.fetch_add(1, Ordering::AcqRel);
    }

    fn generation(&self, invalidation: Invalidation) -> Arc<AtomicU64> {
        match invalidation {
            Invalidation::AnyWrite => Arc::clone(&self.any),
            Invalidation::DirectoryWrite => Arc::clone(&self.directory),
        }
    }
}

/// When a value was read: taken before reading, handed to [`ReadCache::put`].
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    generation: u64,
    at: Instant,
}

/// Values by key, each valid for the write generation it was read under and
/// [`LIFETIME`]. Made by [`Store::read_cache`](crate::Store::read_cache).
pub struct ReadCache<K, V> {
    generation: Arc<AtomicU64>,
    /// Entries kept at most: when full, the stale ones go, then all.
    capacity: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Misses of keys with the same hash here read one after the other, so that many
    /// requests missing the same value at once read it once.
    turns: [tokio::sync::Mutex<()>; READ_TURNS],
    hasher: RandomState,
}

struct Entry<V> {
    generation: u64,
    read_at: Instant,
    value: V,
}

impl<K, V> std::fmt::Debug for ReadCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<V> Entry<V> {
    fn is_current(&self, generation: u64) -> bool {
        self.generation == generation && self.read_at.elapsed() < LIFETIME
    }
}

impl<K: Hash + Eq, V: Clone> ReadCache<K, V> {
    pub(crate) fn new(writes: &Writes, invalidation: Invalidation, capacity: usize) -> Self {
        ReadCache {
            generation: writes.generation(invalidation),
            capacity,
            entries: Mutex::new(HashMap::new()),
            turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            hasher: RandomState::new(),
        }
    }

    /// Marks the start of a read whose result may be kept.
    pub fn reading(&self) -> Reading {
        Reading {
            generation: self.generation.load(Ordering::Acquire),
            at: Instant::now(),
        }
    }

    /// The value read under the current generation less than [`LIFETIME`] ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.is_current(generation))
            .map(|e| e.value.clone())
    }

    /// The cached value, or the one `read` gives, kept. Concurrent misses of one key
    /// wait for the first reader and take its value instead of reading again.
    pub async fn get_or_read<E, Fut>(&self, key: K, read: impl FnOnce() -> Fut) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let turn = self.hasher.hash_one(&key) as usize % READ_TURNS;
        let _turn = self.turns[turn].lock().await;
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let reading = self.reading();
        let value = read().await?;
        self.put(key, reading, value.clone());
        Ok(value)
    }

    /// Keeps a value read since `reading`, unless a write came in meanwhile.
    pub fn put(&self, key: K, reading: Reading, value: V) {
        if self.generation.load(Ordering::Acquire) != reading.generation {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| e.is_current(reading.generation));
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                generation: reading.generation,
                read_at: reading.at,
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_invalidate_and_reads_do_not() {
        let writes = Writes::default();
        let cache: ReadCache<&str, u64> = ReadCache::new(&writes, Invalidation::DirectoryWrite, 16);
        let reading = cache.reading();
        cache.put("a", reading, 7);
        assert_eq!(cache.get(&"a"), Some(7));
        writes.observe("  select count(*) FROM employees");
        assert_eq!(cache.get(&"a"), Some(7));
        writes.observe("INSERT INTO clock_events (company_id) VALUES ($1)");
        assert_eq!(cache.get(&"a"), Some(7));
        writes.observe("UPDATE employees SET status = 'dismissed'");
        assert_eq!(cache.get(&"a"), None);
        // A value read before a write is not kept.
        cache.put("a", reading, 7);
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn every_write_invalidates_an_any_write_cache() {
        let writes = Writes::default();
        let cache: ReadCache<&str, u64> = ReadCache::new(&writes, Invalidation::AnyWrite, 16);
        cache.put("a", cache.reading(), 7);
        writes.observe("SELECT 1");
        assert_eq!(cache.get(&"a"), Some(7));
        writes.observe("INSERT INTO clock_events (company_id) VALUES ($1)");
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn values_expire() {
        let writes = Writes::default();
        let cache: ReadCache<&str, u64> = ReadCache::new(&writes, Invalidation::AnyWrite, 16);
        let old = Reading {
            generation: 0,
            at: Instant::now().checked_sub(LIFETIME).expect("instant"),
        };
        cache.put("a", old, 7);
        assert_eq!(cache.get(&"a"), None);
    }
}

#[cfg(test)]
mod reads {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[tokio::test]
    async fn concurrent_misses_of_one_key_read_once() {
        let writes = Writes::default();
        let cache: ReadCache<&str, u64> = ReadCache::new(&writes, Invalidation::AnyWrite, 16);
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<u64, ()>(7)
        };
        let answers =
            futures_util::future::join_all((0..10).map(|_| cache.get_or_read("a", read))).await;
        assert!(answers.iter().all(|a| *a == Ok(7)));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // A write makes the next call read again.
        writes.observe("DELETE FROM employees");
        assert_eq!(cache.get_or_read("a", read).await, Ok(7));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let writes = Writes::default();
        let cache: ReadCache<u32, u32> = ReadCache::new(&writes, Invalidation::AnyWrite, 2);
        cache.put(1, cache.reading(), 1);
        writes.observe("UPDATE x SET y = 1");
        cache.put(2, cache.reading(), 2);
        cache.put(3, cache.reading(), 3);
        assert_eq!((cache.get(&2), cache.get(&3)), (Some(2), Some(3)));
    }
}
