//! The maintenance flag as this node sees it: read from the database at once when a
//! switch is announced (by this node, or by another node or `davomat maintenance`
//! through Redis), and every two seconds in any case, so every node follows
//! `davomat maintenance on|off` within five even when an announcement is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use davomat_store::{Store, system};

pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Clone, Debug)]
pub struct MaintenanceFlag {
    on: Arc<AtomicBool>,
    store: Store,
}

impl MaintenanceFlag {
    pub fn new(store: Store) -> Self {
        MaintenanceFlag {
            on: Arc::new(AtomicBool::new(false)),
            store,
        }
    }

    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Reads the flag from the database now.
    pub async fn refresh(&self) {
        match system::maintenance(&self.store).await {
            Ok(on) => self.on.store(on, Ordering::Relaxed),
            Err(err) => tracing::warn!(error = %err, "could not read the maintenance flag"),
        }
    }

    /// Reads the flag whenever a switch is announced, and every [`POLL_INTERVAL`],
    /// until the process ends.
    pub fn spawn_watcher(&self) -> tokio::task::JoinHandle<()> {
        let flag = self.clone();
        tokio::spawn(async move {
            let invalidations = std::sync::Arc::clone(flag.store.invalidations());
            loop {
                flag.refresh().await;
                tokio::select! {
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                    () = invalidations.system_state_changed() => {}
                }
            }
        })
    }
}
