//! Fresh, isolated stores for tests, on whichever engine the test run targets.
//!
//! With `CONCORD_TEST_DATABASE` unset, each call makes a new SQLite file in the temp directory. With it
//! set to a PostgreSQL URL (an account allowed to create databases), each call creates a new database
//! on that server, so tests run in parallel without seeing each other's data.
//!
//! A [`Template`] is a store filled once (with the demo system, say) and copied for each test that
//! starts from it: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL.

use crate::{Store, StoreError};
use std::path::PathBuf;

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_VAR: &str = "CONCORD_TEST_DATABASE";

/// Where a test database lives.
#[derive(Debug, Clone)]
enum Location {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Location {
    /// A new, unused location on the engine the test run targets.
    fn new() -> Location {
        let name = format!("concord_test_{}", crate::new_id());
        match std::env::var(TEST_DATABASE_VAR)
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(admin_url) => Location::Postgres { admin_url, name },
            None => Location::Sqlite(std::env::temp_dir().join(format!("{name}.db"))),
        }
    }

    fn url(&self) -> String {
        match self {
            Location::Sqlite(path) => format!("sqlite://{}", path.display()),
            Location::Postgres { admin_url, name } => {
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(admin_url);
                format!("{base}/{name}")
            }
        }
    }

    /// Creates the database (as a copy of `template`'s, if given) and opens it, migrated.
    async fn create(&self, template: Option<&Location>) -> Result<Store, StoreError> {
        match (self, template) {
            (Location::Postgres { admin_url, name }, template) => {
                let copied = match template {
                    Some(Location::Postgres { name: from, .. }) => format!(" TEMPLATE {from}"),
                    _ => String::new(),
                };
                let admin = Store::connect(admin_url).await?;
                let made = sqlx::query(&format!("CREATE DATABASE {name}{copied}"))
                    .execute(admin.pool())
                    .await;
                admin.close().await;
                made?;
            }
            (Location::Sqlite(path), Some(Location::Sqlite(from))) => {
                std::fs::copy(from, path).map_err(|e| {
                    StoreError::Database(sqlx::Error::Configuration(
                        format!("could not copy the template database: {e}").into(),
                    ))
                })?;
            }
            (Location::Sqlite(_), _) => {}
        }
        Store::open(&self.url()).await
    }
}

/// A new, empty, migrated store for one test.
pub async fn fresh_store() -> Result<Store, StoreError> {
    Location::new().create(None).await
}

/// A store filled once and copied for each test that starts from it.
#[derive(Debug, Clone)]
pub struct Template {
    location: Location,
}

impl Template {
    /// Makes a fresh store, fills it with `fill`, and keeps it, closed, as the template; returns
    /// what `fill` returned with it.
    pub async fn fill<T, E, F, Fut>(fill: F) -> Result<(Template, T), E>
    where
        E: From<StoreError>,
        F: FnOnce(Store) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let location = Location::new();
        let store = location.create(None).await?;
        let filled = fill(store.clone()).await?;
        if let Location::Sqlite(_) = location {
            // Everything into the main file, so a copy of that file alone is the whole database.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await
                .map_err(StoreError::from)?;
        }
        store.close().await;
        Ok((Template { location }, filled))
    }

    /// A new store for one test, holding a copy of everything in the template.
    pub async fn copy(&self) -> Result<Store, StoreError> {
        Location::new().create(Some(&self.location)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_copy_holds_the_template_and_is_its_own() {
        let (template, ()) = Template::fill(|store| async move {
            sqlx::query(
                "INSERT INTO places (id, name, kind, description, created_at, updated_at) \
                 VALUES ('p1', 'Riverside', 'place', '', '2026-01-01', '2026-01-01')",
            )
            .execute(store.pool())
            .await
            .map_err(StoreError::from)?;
            Ok::<(), StoreError>(())
        })
        .await
        .unwrap();
        let first = template.copy().await.unwrap();
        let second = template.copy().await.unwrap();
        sqlx::query(
            "INSERT INTO places (id, name, kind, description, created_at, updated_at) \
             VALUES ('p2', 'Vale', 'place', '', '2026-01-01', '2026-01-01')",
        )
        .execute(first.pool())
        .await
        .unwrap();
        let count = |store: Store| async move {
            let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM places")
                .fetch_one(store.pool())
                .await
                .unwrap();
            row.0
        };
        assert_eq!(count(first).await, 2);
        assert_eq!(count(second).await, 1);
    }
}
