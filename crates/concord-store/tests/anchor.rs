//! The audit chain anchored outside the database: the two rewrites that an unanchored chain cannot
//! see (truncating the end and moving the tip back; editing an entry and recomputing every hash
//! after it) are caught, and files holding identifiable data are owner-only.

mod common;
use common::drop_guards;
use concord_domain::OrganisationDraft;
use concord_store::{audit, organisations, testing::fresh_store, Actor, AuditAnchor, Store};
use sha2::{Digest, Sha256};

async fn anchored(dir: &std::path::Path) -> Store {
    let anchor = AuditAnchor::open(&dir.join("audit.anchor"), &dir.join("audit.key")).unwrap();
    let store = fresh_store().await.unwrap().with_anchor(anchor);
    for i in 0..6 {
        let draft = OrganisationDraft {
            name: format!("Org {i}"),
            code: format!("ORG{i}"),
            org_type: "vcse".into(),
            ..Default::default()
        };
        organisations::create(&store, &Actor::system("test"), &draft)
            .await
            .unwrap();
    }
    store
}

#[tokio::test]
async fn an_anchored_chain_verifies_with_a_checkpoint_per_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = anchored(dir.path()).await;
    let report = audit::verify(&store).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries, 6);
    assert_eq!(report.anchored, 6);
}

/// Delete the newest entries and move the tip back: the chain alone verifies; the anchor does not.
#[tokio::test]
async fn truncating_the_log_and_moving_its_tip_back_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let store = anchored(dir.path()).await;
    drop_guards(&store).await;
    sqlx::query("DELETE FROM audit_log WHERE seq > 4")
        .execute(store.pool())
        .await
        .unwrap();
    let (hash,): (String,) = sqlx::query_as("SELECT hash FROM audit_log WHERE seq = 4")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = 4, hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(
        audit::verify(&store.without_anchor())
            .await
            .unwrap()
            .is_intact(),
        "without the anchor the truncation is invisible (which is why it exists)"
    );
    let report = audit::verify(&store).await.unwrap();
    assert!(!report.is_intact(), "{report:?}");
    assert_eq!(report.first_broken_seq, Some(5));
    assert!(report.problem.unwrap().contains("removed from the end"));
}

/// The same hash as the store's (SHA-256 of the previous hash, a newline and the canonical JSON
/// of the entry), written again here as an attacker with the database would.
fn attacker_hash(prev: &str, row: &sqlx::any::AnyRow) -> String {
    use sqlx::Row;
    let text = |c: &str| row.try_get::<Option<String>, _>(c).unwrap();
    let canonical = serde_json::json!([
        row.try_get::<i64, _>("seq").unwrap(),
        text("at"),
        text("actor_person_id"),
        text("actor_name"),
        text("actor_role"),
        text("actor_organisation_id"),
        text("actor_organisation_name"),
        text("action"),
        text("object_type"),
        text("object_id"),
        text("outcome"),
        text("detail"),
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Edit an entry and recompute every hash after it: the chain alone verifies; the anchor does not.
#[tokio::test]
async fn rewriting_an_entry_and_recomputing_the_chain_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let store = anchored(dir.path()).await;
    drop_guards(&store).await;
    sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3")
        .execute(store.pool())
        .await
        .unwrap();
    let rows = sqlx::query("SELECT * FROM audit_log ORDER BY seq")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let mut prev = "0".repeat(64);
    for row in &rows {
        use sqlx::Row;
        let seq: i64 = row.try_get("seq").unwrap();
        let hash = attacker_hash(&prev, row);
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(store.pool())
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(
        audit::verify(&store.without_anchor())
            .await
            .unwrap()
            .is_intact(),
        "the recomputed chain is consistent in itself"
    );
    let report = audit::verify(&store).await.unwrap();
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
    assert!(report.problem.unwrap().contains("rewritten"));
}

#[cfg(unix)]
#[tokio::test]
async fn a_sqlite_database_is_created_owner_only_and_an_open_one_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("concord.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    organisations::create(
        &store,
        &Actor::system("test"),
        &OrganisationDraft {
            name: "Org".into(),
            code: "ORG1".into(),
            org_type: "vcse".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    let wal = dir.path().join("concord.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    store.close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let reopened = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        mode(&path),
        0o600,
        "reopening takes group and other access away"
    );
    reopened.close().await;
}
