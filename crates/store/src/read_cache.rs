//! Short-lived caches of what the store read — the session behind an access token, the
//! ordered ids of an employee list, a location's counts, and in the API an account's
//! parts and the rendered Employee objects — and how a write drops exactly what it
//! changed (docs/decisions.md, "Read caches").
//!
//! Every cached value names what it was read from: its [`Dependency`]s (an employee, a
//! user, a token, a company's roster…). Every write names what it changed, and once its
//! transaction has committed, [`Invalidations::invalidate`] drops every value that
//! depends on any of it — on this node at once, and on the others through Redis
//! (`davomat_api::invalidation`) when one is configured. A write that names nothing
//! drops everything (the safe default; see `crate::writer`).
//!
//! Exactness: a value is answered only if no dependency of it was invalidated after its
//! read began, and for at most [`LIFETIME`] — the bound for a node that missed a message
//! (no Redis, a lost subscription) or for writes made by another process without Redis
//! (the CLI without `DAVOMAT_REDIS_URL`). A read that runs while another request's
//! transaction is still open is dropped when that transaction commits.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, RandomState};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use davomat_core::{ApiClientId, CompanyId, EmployeeId, UserId};

/// How long a value may be answered again, at most.
pub const LIFETIME: Duration = Duration::from_secs(2);

/// Reads of missing values that may run at once in one cache ([`ReadCache::get_or_read`]).
const READ_TURNS: usize = 8;

/// Recently invalidated dependencies kept before old ones are pruned.
const RECENT_KEPT: usize = 4096;

/// What a cached value was read from, and what a write changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dependency {
    /// A company's own row: status, zone, language, employee limit.
    Company(CompanyId),
    /// What many of a company's answers show: departments, positions, locations,
    /// schedules, holidays, time-off types, payroll rules and fines, devices.
    Directory(CompanyId),
    /// Who is in a company's employee lists and in what order: hires, dismissals,
    /// re-hires, removals, and edits of what lists filter and sort by.
    Roster(CompanyId),
    /// One employee: the card, time-offs, payroll periods, face — and so also their
    /// days: a change of `Employee(x)` counts as a change of `Attendance(x)` too.
    Employee(EmployeeId),
    /// One employee's clock events only (a clock-in, a terminal's event): what their
    /// days are computed from, not their card. A value computed from someone's events
    /// depends on this (and on `Employee` for the rest); a card does not, so that
    /// clocking in keeps the employee's cached card and account.
    Attendance(EmployeeId),
    /// One login user: role, overseen departments, settings, password, all its tokens.
    User(UserId),
    /// One access token, by the first 64 bits of its digest ([`Dependency::token`]).
    Token(u64),
    /// One API client (its row id): its state.
    Client(ApiClientId),
    /// The server-wide state (the maintenance flag): nothing cached depends on it, but
    /// every node re-reads it when it changes ([`Invalidations::system_state_changed`]).
    SystemState,
}

impl Dependency {
    /// The dependency on one access token, from its SHA-256 digest (hex).
    pub fn token(digest: &str) -> Dependency {
        let head = digest.get(..16).unwrap_or(digest);
        Dependency::Token(u64::from_str_radix(head, 16).unwrap_or_else(|_| {
            RandomState::new().hash_one(digest) // not a digest: matches nothing cached
        }))
    }
}

/// `c:1`, `d:1`, `r:1`, `e:7`, `a:7`, `u:3`, `t:…`, `k:2`, `s:0`: the form sent to
/// other nodes.
impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dependency::Company(id) => write!(f, "c:{}", id.0),
            Dependency::Directory(id) => write!(f, "d:{}", id.0),
            Dependency::Roster(id) => write!(f, "r:{}", id.0),
            Dependency::Employee(id) => write!(f, "e:{}", id.0),
            Dependency::Attendance(id) => write!(f, "a:{}", id.0),
            Dependency::User(id) => write!(f, "u:{}", id.0),
            Dependency::Token(key) => write!(f, "t:{key:x}"),
            Dependency::Client(id) => write!(f, "k:{id}"),
            Dependency::SystemState => write!(f, "s:0"),
        }
    }
}

impl FromStr for Dependency {
    type Err = String;

    fn from_str(text: &str) -> Result<Dependency, String> {
        let (kind, id) = text
            .split_once(':')
            .ok_or_else(|| format!("not a dependency: {text:?}"))?;
        let number = || id.parse::<i64>().map_err(|e| format!("{text:?}: {e}"));
        Ok(match kind {
            "c" => Dependency::Company(CompanyId(number()?)),
            "d" => Dependency::Directory(CompanyId(number()?)),
            "r" => Dependency::Roster(CompanyId(number()?)),
            "e" => Dependency::Employee(EmployeeId(number()?)),
            "a" => Dependency::Attendance(EmployeeId(number()?)),
            "u" => Dependency::User(UserId(number()?)),
            "t" => Dependency::Token(
                u64::from_str_radix(id, 16).map_err(|e| format!("{text:?}: {e}"))?,
            ),
            "k" => Dependency::Client(ApiClientId(number()?)),
            "s" => Dependency::SystemState,
            _ => return Err(format!("unknown dependency kind in {text:?}")),
        })
    }
}

/// What a write changed: some dependencies, or everything (a write that did not say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    Some(Vec<Dependency>),
    Everything,
}

/// The invalidations of one store, shared by all its caches.
#[derive(Debug, Default)]
pub struct Invalidations {
    /// Bumped by every invalidation; a read remembers it when it begins.
    sequence: AtomicU64,
    /// When each recently invalidated dependency was invalidated (sequence, instant).
    recent: RwLock<HashMap<Dependency, (u64, Instant)>>,
    /// Everything read before this sequence number is stale.
    cleared: AtomicU64,
    /// Where this node's invalidations go to the other nodes, when Redis is configured.
    outbox: OnceLock<tokio::sync::mpsc::UnboundedSender<Changed>>,
    /// How many went to the outbox.
    sent: AtomicU64,
    /// How many other nodes' announcements were applied here.
    received: AtomicU64,
    /// Woken when the server-wide state changed, here or on another node.
    system_state: tokio::sync::Notify,
}

impl Invalidations {
    /// Drops every value depending on what changed, here and on the other nodes.
    pub fn invalidate(&self, changed: &Changed) {
        if matches!(changed, Changed::Some(list) if list.is_empty()) {
            return;
        }
        self.invalidate_here(changed);
        if let Some(outbox) = self.outbox.get()
            && outbox.send(changed.clone()).is_ok()
        {
            self.sent.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// How many invalidations this node has handed to the other nodes' outbox so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Acquire)
    }

    /// Applies what another node announced it changed.
    pub fn invalidate_from_another_node(&self, changed: &Changed) {
        self.received.fetch_add(1, Ordering::AcqRel);
        self.invalidate_here(changed);
    }

    /// How many other nodes' announcements were applied here so far.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Acquire)
    }

    /// Returns when the server-wide state (the maintenance flag) may have changed: a
    /// change of it was announced, here or by another node, or everything was dropped.
    /// A change announced while nobody waits is kept for the next wait.
    pub async fn system_state_changed(&self) {
        self.system_state.notified().await;
    }

    /// Drops every value depending on what changed, on this node only.
    fn invalidate_here(&self, changed: &Changed) {
        let touches_system_state = match changed {
            Changed::Everything => true,
            Changed::Some(list) => list.contains(&Dependency::SystemState),
        };
        if touches_system_state {
            self.system_state.notify_one();
        }
        let sequence = self.sequence.fetch_add(1, Ordering::AcqRel) + 1;
        match changed {
            Changed::Everything => {
                self.cleared.fetch_max(sequence, Ordering::AcqRel);
            }
            Changed::Some(list) => {
                let now = Instant::now();
                let mut recent = self.recent.write().unwrap_or_else(|p| p.into_inner());
                if recent.len() >= RECENT_KEPT {
                    // A value read before an invalidation older than twice the lifetime
                    // has expired anyway.
                    recent.retain(|_, (_, at)| at.elapsed() < 2 * LIFETIME);
                    if recent.len() >= RECENT_KEPT {
                        recent.clear();
                        self.cleared.fetch_max(sequence, Ordering::AcqRel);
                    }
                }
                for dependency in list {
                    recent.insert(*dependency, (sequence, now));
                    if let Dependency::Employee(id) = dependency {
                        recent.insert(Dependency::Attendance(*id), (sequence, now));
                    }
                }
            }
        }
    }

    /// Drops everything cached on this node (the store closes; the Redis subscription
    /// reconnected and may have missed messages).
    pub fn forget_all(&self) {
        self.invalidate_here(&Changed::Everything);
    }

    /// Sends this node's invalidations to `outbox` too (the Redis publisher); once.
    pub fn send_to(&self, outbox: tokio::sync::mpsc::UnboundedSender<Changed>) {
        let _ = self.outbox.set(outbox);
    }

    fn sequence(&self) -> u64 {
        self.sequence.load(Ordering::Acquire)
    }

    /// True when nothing a value read at `sequence` depends on changed since.
    fn still_holds(&self, sequence: u64, dependencies: &[Dependency]) -> bool {
        if sequence < self.cleared.load(Ordering::Acquire) {
            return false;
        }
        let recent = self.recent.read().unwrap_or_else(|p| p.into_inner());
        dependencies.iter().all(|d| {
            recent
                .get(d)
                .is_none_or(|(changed, _)| *changed <= sequence)
        })
    }
}

/// When a value was read: taken before reading, handed to [`ReadCache::put`].
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    sequence: u64,
    at: Instant,
}

/// Values by key, each kept with what it depends on, answered while none of that
/// changed and for at most [`LIFETIME`]. Made by [`Store::read_cache`](crate::Store::read_cache).
pub struct ReadCache<K, V> {
    invalidations: Arc<Invalidations>,
    /// How long a value may be answered again, at most ([`LIFETIME`] unless a cache
    /// says otherwise with [`ReadCache::with_lifetime`]).
    lifetime: Duration,
    /// Entries kept at most: when full, the stale ones go, then all.
    capacity: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Misses of keys with the same hash here read one after the other, so that many
    /// requests missing the same value at once read it once.
    turns: [tokio::sync::Mutex<()>; READ_TURNS],
    hasher: RandomState,
}

struct Entry<V> {
    read: Reading,
    dependencies: Vec<Dependency>,
    value: V,
}

impl<K, V> fmt::Debug for ReadCache<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadCache")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq, V: Clone> ReadCache<K, V> {
    pub(crate) fn new(invalidations: &Arc<Invalidations>, capacity: usize) -> Self {
        ReadCache {
            invalidations: Arc::clone(invalidations),
            lifetime: LIFETIME,
            capacity,
            entries: Mutex::new(HashMap::new()),
            turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            hasher: RandomState::new(),
        }
    }

    /// The same cache answering a value for at most `lifetime` instead of [`LIFETIME`]:
    /// for values whose readers accept that bound on a node that missed an invalidation
    /// (documented where the cache is made).
    pub fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Marks the start of a read whose result may be kept.
    pub fn reading(&self) -> Reading {
        Reading {
            sequence: self.invalidations.sequence(),
            at: Instant::now(),
        }
    }

    fn holds(&self, entry: &Entry<V>) -> bool {
        entry.read.at.elapsed() < self.lifetime
            && self
                .invalidations
                .still_holds(entry.read.sequence, &entry.dependencies)
    }

    /// The value kept for `key`, if nothing it depends on changed since it was read.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| self.holds(e))
            .map(|e| e.value.clone())
    }

    /// The values kept for `keys`, in their order (`None` where there is none), under
    /// one lock: for a reader of thousands of keys at once.
    pub fn get_many(&self, keys: &[K]) -> Vec<Option<V>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .map(|key| {
                entries
                    .get(key)
                    .filter(|e| self.holds(e))
                    .map(|e| e.value.clone())
            })
            .collect()
    }

    /// The cached value, or the one `read` gives (with what it depends on), kept.
    /// Concurrent misses of one key wait for the first reader and take its value.
    pub async fn get_or_read<E, Fut>(&self, key: K, read: impl FnOnce() -> Fut) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<(V, Vec<Dependency>), E>>,
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
        let (value, dependencies) = read().await?;
        self.put(key, reading, value.clone(), dependencies);
        Ok(value)
    }

    /// Keeps a value read since `reading` that depends on `dependencies`, unless one of
    /// them changed meanwhile.
    pub fn put(&self, key: K, reading: Reading, value: V, dependencies: Vec<Dependency>) {
        if !self
            .invalidations
            .still_holds(reading.sequence, &dependencies)
        {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| self.holds(e));
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                read: reading,
                dependencies,
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employee(id: i64) -> Dependency {
        Dependency::Employee(EmployeeId(id))
    }

    #[tokio::test]
    async fn a_change_of_the_system_state_wakes_its_watcher_even_when_announced_first() {
        let invalidations = Invalidations::default();
        let wait = std::time::Duration::from_millis(200);
        // Another kind of change wakes nobody.
        invalidations.invalidate(&Changed::Some(vec![employee(1)]));
        let woken = tokio::time::timeout(wait, invalidations.system_state_changed()).await;
        assert!(
            woken.is_err(),
            "an employee's change is not the system state's"
        );
        // Announced by another node before anyone waits: the next wait returns at once.
        invalidations.invalidate_from_another_node(&Changed::Some(vec![Dependency::SystemState]));
        let woken = tokio::time::timeout(wait, invalidations.system_state_changed()).await;
        assert!(woken.is_ok(), "the announced switch wakes the watcher");
        assert_eq!("s:0".parse::<Dependency>(), Ok(Dependency::SystemState));
        assert_eq!(Dependency::SystemState.to_string(), "s:0");
    }

    fn cache(capacity: usize) -> (Arc<Invalidations>, ReadCache<&'static str, u64>) {
        let invalidations = Arc::new(Invalidations::default());
        let cache = ReadCache::new(&invalidations, capacity);
        (invalidations, cache)
    }

    #[test]
    fn a_change_drops_exactly_what_depends_on_it() {
        let (invalidations, cache) = cache(16);
        cache.put("seven", cache.reading(), 7, vec![employee(7)]);
        cache.put("eight", cache.reading(), 8, vec![employee(8)]);
        invalidations.invalidate(&Changed::Some(vec![employee(7)]));
        assert_eq!(cache.get(&"seven"), None);
        assert_eq!(cache.get(&"eight"), Some(8));
        invalidations.invalidate(&Changed::Everything);
        assert_eq!(cache.get(&"eight"), None);
    }

    #[test]
    fn a_clock_event_keeps_the_card_and_an_edit_drops_the_days_too() {
        let (invalidations, cache) = cache(16);
        let days = vec![employee(7), Dependency::Attendance(EmployeeId(7))];
        cache.put("card", cache.reading(), 1, vec![employee(7)]);
        cache.put("day", cache.reading(), 2, days.clone());
        invalidations.invalidate(&Changed::Some(vec![Dependency::Attendance(EmployeeId(7))]));
        assert_eq!((cache.get(&"card"), cache.get(&"day")), (Some(1), None));
        cache.put("day", cache.reading(), 2, days);
        cache.put(
            "other day",
            cache.reading(),
            3,
            vec![Dependency::Attendance(EmployeeId(8))],
        );
        invalidations.invalidate(&Changed::Some(vec![employee(7)]));
        assert_eq!((cache.get(&"card"), cache.get(&"day")), (None, None));
        assert_eq!(cache.get(&"other day"), Some(3));
    }

    #[test]
    fn a_value_read_before_a_change_is_not_kept() {
        let (invalidations, cache) = cache(16);
        let reading = cache.reading();
        invalidations.invalidate(&Changed::Some(vec![employee(7)]));
        cache.put("seven", reading, 7, vec![employee(7)]);
        assert_eq!(cache.get(&"seven"), None);
        // One that does not depend on the change is kept.
        cache.put("eight", reading, 8, vec![employee(8)]);
        assert_eq!(cache.get(&"eight"), Some(8));
        // Read again after the change: kept.
        cache.put("seven", cache.reading(), 7, vec![employee(7)]);
        assert_eq!(cache.get(&"seven"), Some(7));
    }

    #[test]
    fn values_expire() {
        let (_, cache) = cache(16);
        let old = Reading {
            sequence: 0,
            at: Instant::now().checked_sub(LIFETIME).expect("instant"),
        };
        cache.put("a", old, 7, vec![]);
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn a_cache_with_a_longer_lifetime_keeps_values_past_the_default() {
        let (invalidations, cache) = cache(16);
        let cache = cache.with_lifetime(LIFETIME * 5);
        let old = Reading {
            sequence: 0,
            at: Instant::now().checked_sub(LIFETIME * 2).expect("instant"),
        };
        cache.put("a", old, 7, vec![employee(7)]);
        assert_eq!(cache.get(&"a"), Some(7));
        assert_eq!(cache.get_many(&["a", "z"]), vec![Some(7), None]);
        // A change still drops it at once.
        invalidations.invalidate(&Changed::Some(vec![employee(7)]));
        assert_eq!(cache.get(&"a"), None);
        let older = Reading {
            sequence: invalidations.sequence(),
            at: Instant::now().checked_sub(LIFETIME * 5).expect("instant"),
        };
        cache.put("b", older, 8, vec![]);
        assert_eq!(cache.get(&"b"), None);
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let (invalidations, cache) = cache(2);
        cache.put("one", cache.reading(), 1, vec![employee(1)]);
        invalidations.invalidate(&Changed::Some(vec![employee(1)]));
        cache.put("two", cache.reading(), 2, vec![employee(2)]);
        cache.put("three", cache.reading(), 3, vec![employee(3)]);
        assert_eq!((cache.get(&"two"), cache.get(&"three")), (Some(2), Some(3)));
    }

    #[test]
    fn dependencies_travel_as_text() {
        let all = [
            Dependency::Company(CompanyId(1)),
            Dependency::Directory(CompanyId(2)),
            Dependency::Roster(CompanyId(3)),
            employee(4),
            Dependency::Attendance(EmployeeId(4)),
            Dependency::User(UserId(5)),
            Dependency::token("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
            Dependency::Client(ApiClientId(6)),
        ];
        for dependency in all {
            assert_eq!(dependency.to_string().parse::<Dependency>(), Ok(dependency));
        }
        assert!("x:1".parse::<Dependency>().is_err());
        assert_eq!(
            Dependency::token("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
            Dependency::Token(0xa94a_8fe5_ccb1_9ba6)
        );
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_key_read_once() {
        use std::sync::atomic::AtomicUsize;
        let (invalidations, cache) = cache(16);
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<(u64, Vec<Dependency>), ()>((7, vec![employee(7)]))
        };
        let answers =
            futures_util::future::join_all((0..10).map(|_| cache.get_or_read("a", read))).await;
        assert!(answers.iter().all(|a| *a == Ok(7)));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        invalidations.invalidate(&Changed::Some(vec![employee(7)]));
        assert_eq!(cache.get_or_read("a", read).await, Ok(7));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }
}
