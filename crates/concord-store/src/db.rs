//! Connecting, migrating, and the write transaction that carries its audit entry.

use crate::audit::{self, AuditEntry};
use crate::error::StoreError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (WAL mode): the default.
    Sqlite,
    /// PostgreSQL: production.
    Postgres,
}

/// A handle on the operational database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    anchor: Option<std::sync::Arc<crate::anchor::AuditAnchor>>,
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`) and brings the schema up to date.
    ///
    /// A SQLite file is created if missing and opened in WAL mode with foreign keys enforced.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Database(sqlx::Error::Configuration(
                format!("unsupported database URL '{url}': use sqlite://FILE or postgres://...")
                    .into(),
            )));
        };
        if backend == Backend::Sqlite {
            owner_only_sqlite_file(url).map_err(|e| {
                StoreError::Database(sqlx::Error::Configuration(
                    format!("could not make the database file owner-only: {e}").into(),
                ))
            })?;
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = NORMAL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 10000",
                        ] {
                            conn.execute(pragma).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            anchor: None,
        })
    }

    /// Applies any migrations not yet applied; safe to run again.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        audit::install_append_only_guard(self).await?;
        Ok(())
    }

    /// The store with its audit chain anchored outside the database: after every write, the new
    /// tip is checkpointed to `anchor` (see [`crate::anchor`]).
    pub fn with_anchor(mut self, anchor: crate::anchor::AuditAnchor) -> Store {
        self.anchor = Some(std::sync::Arc::new(anchor));
        self
    }

    /// The same database with its audit chain not anchored: what verifying would see without the
    /// anchor (for comparing, in tests and diagnostics).
    pub fn without_anchor(&self) -> Store {
        Store {
            anchor: None,
            ..self.clone()
        }
    }

    /// The audit anchor, if the chain is anchored.
    pub fn anchor(&self) -> Option<&crate::anchor::AuditAnchor> {
        self.anchor.as_deref()
    }

    /// The engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write: a transaction holding the audit chain's tip, so writers are serialised and the
    /// audit entry appended at [`WriteTx::commit`] commits with the write or not at all.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Touching the head row first takes the write lock on both engines before anything is read.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        Ok(WriteTx {
            tx,
            anchor: self.anchor.clone(),
            head_seq: seq,
            head_hash: hash,
        })
    }

    /// Records an attempt that changed nothing (denied, invalid) in a transaction of its own.
    pub async fn audit_only(&self, entry: AuditEntry) -> Result<(), StoreError> {
        self.begin_write().await?.commit(entry).await
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a SQLite database file owner-only (0600 on Unix) before SQLite opens it, and takes group
/// and other permissions off one that exists (and its `-wal` and `-shm` files, which SQLite
/// otherwise creates with the database's mode): it holds registered patients' names and password
/// hashes.
fn owner_only_sqlite_file(url: &str) -> std::io::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let path = std::path::Path::new(path);
        if !path.exists() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if let Ok(meta) = std::fs::metadata(&file) {
                if meta.permissions().mode() & 0o077 != 0 {
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
                }
            }
        }
    }
    Ok(())
}

/// An open write transaction; dropped without [`WriteTx::commit`], it rolls back.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    anchor: Option<std::sync::Arc<crate::anchor::AuditAnchor>>,
    pub(crate) head_seq: i64,
    pub(crate) head_hash: String,
}

impl WriteTx {
    /// The connection to run the write's statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Appends `entry` to the audit chain and commits the write with it.
    pub async fn commit(mut self, entry: AuditEntry) -> Result<(), StoreError> {
        audit::append(&mut self, &entry).await?;
        self.tx.commit().await?;
        if let Some(anchor) = &self.anchor {
            // The write has happened; a checkpoint that cannot be written is reported, and
            // `concord audit verify` still checks the chain up to the last one that was.
            if let Err(err) = anchor.checkpoint(self.head_seq, &self.head_hash) {
                tracing::error!(error = %err, "the audit anchor could not be written");
            }
        }
        Ok(())
    }
}

impl Store {
    /// Runs one audited write. `write` is handed the entry to commit with its transaction; if it
    /// fails because of the caller's input, the attempt is recorded as refused under that entry.
    /// Every write in the store goes through here, so a refused write is audited as surely as a
    /// successful one.
    pub async fn audited<T>(
        &self,
        entry: AuditEntry,
        write: impl AsyncFnOnce(AuditEntry) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let result = write(entry.clone()).await;
        self.audit_rejection(result, entry).await
    }

    /// Passes `result` through; if it failed because of the caller's input (invalid or unknown id),
    /// first records the attempt in the audit log as rejected, so that failed writes are audited too.
    pub async fn audit_rejection<T>(
        &self,
        result: Result<T, StoreError>,
        entry: AuditEntry,
    ) -> Result<T, StoreError> {
        if let Err(
            err @ (StoreError::Invalid(_) | StoreError::NotFound { .. } | StoreError::Forbidden(_)),
        ) = &result
        {
            let outcome = match err {
                StoreError::Forbidden(_) => audit::outcome::DENIED,
                _ => audit::outcome::REJECTED,
            };
            let mut entry = entry.with_outcome(outcome);
            entry.detail = err.to_string();
            self.audit_only(entry).await?;
        }
        result
    }
}
