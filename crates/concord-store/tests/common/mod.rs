//! What several store test files share.

/// Drops the audit log's append-only triggers, as someone with full power over the database could.
pub async fn drop_guards(store: &concord_store::Store) {
    let statements: &[&str] = match store.backend() {
        concord_store::Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        concord_store::Backend::Postgres => &["DROP TRIGGER audit_log_append_only ON audit_log"],
    };
    for s in statements {
        sqlx::query(s).execute(store.pool()).await.unwrap();
    }
}
