//! Fresh, isolated stores for tests, on whichever engine the test run targets.
//!
//! With `CONCORD_TEST_DATABASE` unset, each call makes a new SQLite file in the temp directory. With it
//! set to a PostgreSQL URL (an account allowed to create databases), each call creates a new database
//! on that server, so tests run in parallel without seeing each other's data.

use crate::{Store, StoreError};

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_VAR: &str = "CONCORD_TEST_DATABASE";

/// A new, empty, migrated store for one test.
pub async fn fresh_store() -> Result<Store, StoreError> {
    let name = format!("concord_test_{}", crate::new_id());
    match std::env::var(TEST_DATABASE_VAR)
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(admin_url) => {
            let admin = Store::connect(&admin_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await?;
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin_url);
            Store::open(&format!("{base}/{name}")).await
        }
        None => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            Store::open(&format!("sqlite://{}", path.display())).await
        }
    }
}
