//! The architecture's promise that every write is audited, refusals included: outside `db.rs`
//! (which defines the mechanism), each function of the store that opens a write transaction does
//! so inside `Store::audited`, which records a refused attempt under the same entry, or is handed
//! the entry (`entry: AuditEntry`) by a caller that does.
//! (`begin_write` is private to the store, so no other crate can open one.)

use std::path::Path;

/// The lines of `source` that open a write transaction outside `Store::audited`.
fn unaudited_writes(source: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut audited_in_this_fn = false;
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let trimmed = code.trim_start();
        if trimmed.starts_with("pub async fn ")
            || trimmed.starts_with("async fn ")
            || trimmed.starts_with("pub(crate) async fn ")
            || trimmed.starts_with("fn ")
            || trimmed.starts_with("pub fn ")
        {
            audited_in_this_fn = false;
        }
        if code.contains(".audited(") || code.contains("entry: AuditEntry") {
            audited_in_this_fn = true;
        }
        if code.contains("begin_write()") && !audited_in_this_fn {
            found.push(number + 1);
        }
    }
    found
}

#[test]
fn the_detector_tells_an_audited_write_from_a_bare_one() {
    let bare = "pub async fn f(store: &Store) {\n    let mut tx = store.begin_write().await?;\n}";
    assert_eq!(unaudited_writes(bare), [2]);
    let audited = "pub async fn f(store: &Store) {\n    store\n        .audited(entry, async |entry| {\n            let mut tx = store.begin_write().await?;\n";
    assert!(unaudited_writes(audited).is_empty());
    let handed = "async fn apply(\n    store: &Store,\n    mut entry: AuditEntry,\n) {\n    store.begin_write().await?;\n";
    assert!(unaudited_writes(handed).is_empty());
    let next_fn = format!("{audited}}})\n}}\nasync fn g() {{\n    store.begin_write().await?;\n}}");
    assert_eq!(unaudited_writes(&next_fn), [8]);
}

#[test]
fn every_write_in_the_store_runs_inside_audited() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&src).expect("the store's sources") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("db.rs") {
            continue;
        }
        files += 1;
        let source = std::fs::read_to_string(&path).expect("a source file");
        for line in unaudited_writes(&source) {
            offenders.push(format!("{}:{line}", path.display()));
        }
    }
    assert!(
        files > 10,
        "the store's modules were not found in {}",
        src.display()
    );
    assert!(
        offenders.is_empty(),
        "these open a write outside Store::audited, so a refused attempt would go unaudited:\n{}",
        offenders.join("\n")
    );
}
