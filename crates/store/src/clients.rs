//! API clients (`client_id` + `client_secret`), each belonging to one company, with
//! their platform state: current, outdated (answers carry `Version: recommended`) or
//! blocked (426/7010).

use davomat_core::{ApiClientId, ClientState, CompanyId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::read_cache::Dependency;
use crate::text::{Text, bound};
use crate::{Store, StoreError, StoreResult, secrets, sql};

/// A freshly issued pair; the secret is shown once and kept only as a digest.
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

/// A stored client.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ApiClient {
    pub id: ApiClientId,
    pub company_id: CompanyId,
    pub client_id: String,
    pub secret_hash: String,
    pub state: Text<ClientState>,
}

impl ApiClient {
    pub fn state(&self) -> ClientState {
        self.state.0
    }

    /// Compares the presented secret with the stored digest.
    pub fn secret_matches(&self, secret: &str) -> bool {
        davomat_core::token::digest(secret) == self.secret_hash
    }
}

/// Inserts a new current client for the company.
pub async fn insert(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    now: i64,
) -> StoreResult<(ApiClientId, ClientCredentials)> {
    let credentials = ClientCredentials {
        client_id: secrets::random_hex(10),
        client_secret: secrets::random_hex(20),
    };
    let id = sql::insert(
        conn,
        "INSERT INTO api_clients (company_id, client_id, secret_hash, state, created_at) VALUES ($1, $2, $3, 'current', $4)",
        vec![
            company.0.into(),
            credentials.client_id.clone().into(),
            davomat_core::token::digest(&credentials.client_secret).into(),
            now.into(),
        ],
    )
    .await?;
    Ok((ApiClientId(id), credentials))
}

/// Creates a client for an existing company.
pub async fn create(store: &Store, company: CompanyId, now: i64) -> StoreResult<ClientCredentials> {
    crate::companies::get(store, company).await?;
    // A new client: nothing cached depends on it yet.
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    Ok(insert(&writer, company, now).await?.1)
}

/// Finds a client by its public id.
pub async fn find(store: &Store, client_id: &str) -> StoreResult<Option<ApiClient>> {
    sql::one(
        store.conn(),
        "SELECT id, company_id, client_id, secret_hash, state FROM api_clients WHERE client_id = $1",
        vec![client_id.into()],
    )
    .await
}

/// The company's clients, newest first.
pub async fn of_company(store: &Store, company: CompanyId) -> StoreResult<Vec<ApiClient>> {
    sql::all(
        store.conn(),
        "SELECT id, company_id, client_id, secret_hash, state FROM api_clients WHERE company_id = $1 ORDER BY id DESC",
        vec![company.0.into()],
    )
    .await
}

/// Issues a new pair for the same company and moves the old one to `old_state`.
pub async fn rotate(
    store: &Store,
    client_id: &str,
    old_state: ClientState,
    now: i64,
) -> StoreResult<ClientCredentials> {
    let old = find(store, client_id).await?.ok_or(StoreError::NotFound)?;
    let txn = store.begin().await?;
    txn.changes([Dependency::Client(old.id)]);
    let (_, fresh) = insert(&txn, old.company_id, now).await?;
    sql::execute(
        &txn,
        "UPDATE api_clients SET state = $1 WHERE id = $2",
        vec![bound(old_state), old.id.into()],
    )
    .await?;
    txn.commit().await?;
    Ok(fresh)
}

/// Sets a client's state.
pub async fn set_state(store: &Store, client_id: &str, state: ClientState) -> StoreResult<()> {
    let writer = store.write_connection().await;
    if let Some(client) = find(store, client_id).await? {
        writer.changes([Dependency::Client(client.id)]);
    }
    let touched = sql::execute(
        &writer,
        "UPDATE api_clients SET state = $1 WHERE client_id = $2",
        vec![bound(state), client_id.into()],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Gives an existing client a new secret (its id and state stay) and answers it.
pub async fn reset_secret(store: &Store, client_id: &str) -> StoreResult<String> {
    let secret = secrets::random_hex(20);
    // Sessions do not depend on the secret; a token is only issued against it.
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let touched = sql::execute(
        &writer,
        "UPDATE api_clients SET secret_hash = $1 WHERE client_id = $2",
        vec![
            davomat_core::token::digest(&secret).into(),
            client_id.into(),
        ],
    )
    .await?;
    if touched == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(secret)
    }
}
