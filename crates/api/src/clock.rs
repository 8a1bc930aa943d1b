//! The server's notion of now: the system clock, or a manual clock that tests move.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Unix seconds, from the system or from a value tests set.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock standing at `start` until moved.
    pub fn manual(start: i64) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(start))))
    }

    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(value) => value.load(Ordering::SeqCst),
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        }
    }

    /// Moves a manual clock; a system clock ignores it.
    pub fn advance(&self, seconds: i64) {
        if let Some(value) = &self.0 {
            value.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}
