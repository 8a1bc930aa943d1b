//! Rate limiting: a fixed one-minute window per subject (an access token, or a client
//! address before login). Counted in this process by default, or in Redis when
//! `DAVOMAT_REDIS_URL` is set so that every node spends one shared budget.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use redis::aio::ConnectionManager;

pub const WINDOW_SECONDS: i64 = 60;

/// What one counted request learned about its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the budget is whole again.
    pub reset: u64,
    pub allowed: bool,
}

/// The limiter in use.
#[derive(Clone)]
pub enum RateLimiter {
    Off,
    Local {
        limit: u32,
        windows: Arc<Mutex<HashMap<String, (i64, u32)>>>,
    },
    Redis {
        limit: u32,
        connection: ConnectionManager,
        script: Arc<redis::Script>,
    },
}

/// Increments the window's counter and sets its expiry on the first hit, atomically.
const COUNT_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
";

impl RateLimiter {
    /// In-process counting; `limit` 0 turns limiting off.
    pub fn local(limit: u32) -> RateLimiter {
        if limit == 0 {
            RateLimiter::Off
        } else {
            RateLimiter::Local {
                limit,
                windows: Arc::new(Mutex::new(HashMap::new())),
            }
        }
    }

    /// Counting in Redis at `url`; `limit` 0 turns limiting off.
    pub async fn redis(url: &str, limit: u32) -> Result<RateLimiter, redis::RedisError> {
        if limit == 0 {
            return Ok(RateLimiter::Off);
        }
        let client = redis::Client::open(url)?;
        let connection = ConnectionManager::new(client).await?;
        Ok(RateLimiter::Redis {
            limit,
            connection,
            script: Arc::new(redis::Script::new(COUNT_SCRIPT)),
        })
    }

    /// Counts one request of `subject` at `now`; `None` when limiting is off.
    pub async fn hit(&self, subject: &str, now: i64) -> Option<Budget> {
        let window = now.div_euclid(WINDOW_SECONDS);
        let reset = (WINDOW_SECONDS - now.rem_euclid(WINDOW_SECONDS)) as u64;
        let (limit, count) = match self {
            RateLimiter::Off => return None,
            RateLimiter::Local { limit, windows } => {
                (*limit, count_locally(windows, subject, window))
            }
            RateLimiter::Redis {
                limit,
                connection,
                script,
            } => {
                let key = format!("davomat:rl:{subject}:{window}");
                let mut connection = connection.clone();
                let counted: Result<u32, _> = script
                    .key(key)
                    .arg(WINDOW_SECONDS + 5)
                    .invoke_async(&mut connection)
                    .await;
                match counted {
                    Ok(n) => (*limit, n),
                    Err(err) => {
                        // Redis down: let the request through rather than take the API down.
                        tracing::warn!(error = %err, "rate limit counter unavailable; request not counted");
                        (*limit, 0)
                    }
                }
            }
        };
        Some(Budget {
            limit,
            remaining: limit.saturating_sub(count),
            reset,
            allowed: count <= limit,
        })
    }
}

fn count_locally(windows: &Mutex<HashMap<String, (i64, u32)>>, subject: &str, window: i64) -> u32 {
    let mut windows = windows
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if windows.len() > 100_000 {
        windows.retain(|_, (w, _)| *w == window);
    }
    let entry = windows.entry(subject.to_string()).or_insert((window, 0));
    if entry.0 != window {
        *entry = (window, 0);
    }
    entry.1 = entry.1.saturating_add(1);
    entry.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_windows_count_and_reset() {
        let limiter = RateLimiter::local(2);
        let t = 60 * 16_667 + 20; // 20 s into a window
        let first = limiter.hit("a", t).await.expect("on");
        assert_eq!((first.remaining, first.reset, first.allowed), (1, 40, true));
        assert!(limiter.hit("a", t + 1).await.expect("on").allowed);
        let third = limiter.hit("a", t + 2).await.expect("on");
        assert!(!third.allowed);
        assert_eq!(third.remaining, 0);
        assert!(limiter.hit("b", t + 2).await.expect("on").allowed);
        assert!(limiter.hit("a", t + 40).await.expect("on").allowed);
        assert!(RateLimiter::local(0).hit("a", t).await.is_none());
    }
}
