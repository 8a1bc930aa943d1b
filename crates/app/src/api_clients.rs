//! The company's API clients (the `client_id` / `client_secret` pairs integrators log in
//! through, CONTRACT.md §3), managed by the company's admins from the console as the
//! operator does with `davomat client …`: list them, create one (its secret is answered
//! once; only its digest is kept), rotate one (a new pair; the old one becomes
//! `outdated`: its answers carry `Version: recommended`), set one's state (`blocked`:
//! every request made with it answers 426/7010; `current` again). A client of another
//! company is not found. Like the operator's commands these write no activity row: the
//! log records what happens to the company's people and directory, and a client is
//! neither.

use davomat_core::{ClientState, Role};
use davomat_store::Store;
use davomat_store::clients::{self, ApiClient, ClientCredentials};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// Who manages the clients.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// The company's clients, newest first.
pub async fn list(store: &Store, caller: &Caller) -> AppResult<Vec<ApiClient>> {
    authorize(caller)?;
    Ok(clients::of_company(store, caller.company_id).await?)
}

/// A new client of the company; its secret is in the answer and nowhere else.
pub async fn create(store: &Store, caller: &Caller, now: i64) -> AppResult<ClientCredentials> {
    authorize(caller)?;
    Ok(clients::create(store, caller.company_id, now).await?)
}

/// A new pair replacing `client_id`, which becomes outdated.
pub async fn rotate(
    store: &Store,
    caller: &Caller,
    client_id: &str,
    now: i64,
) -> AppResult<ClientCredentials> {
    own(store, caller, client_id).await?;
    Ok(clients::rotate(store, client_id, ClientState::Outdated, now).await?)
}

/// Sets a client's state (CONTRACT.md §2, platform update).
pub async fn set_state(
    store: &Store,
    caller: &Caller,
    client_id: &str,
    state: ClientState,
) -> AppResult<()> {
    own(store, caller, client_id).await?;
    Ok(clients::set_state(store, client_id, state).await?)
}

/// The client, when it is the caller's company's and the caller an admin.
async fn own(store: &Store, caller: &Caller, client_id: &str) -> AppResult<ApiClient> {
    authorize(caller)?;
    clients::find(store, client_id)
        .await?
        .filter(|c| c.company_id == caller.company_id)
        .ok_or(AppError::NotFound)
}
