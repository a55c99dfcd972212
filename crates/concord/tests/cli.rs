//! The `concord` binary end to end: bootstrap a system from the command line, load the demo twice,
//! and verify the audit chain before and after tampering.

use std::process::{Command, Output};

fn concord(db: &str, args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concord"));
    cmd.args(args)
        .env("CONCORD_DATABASE", db)
        .env("RUST_LOG", "warn");
    match password {
        Some(p) => cmd.env("CONCORD_PASSWORD", p),
        None => cmd.env_remove("CONCORD_PASSWORD"),
    };
    cmd.output().expect("concord runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `concord demo --no-serve` with a small population in its own directory beside `db`, so tests
/// running side by side never share (and race for) one population store.
fn demo(db: &str) -> Output {
    let dir = std::path::Path::new(db.trim_start_matches("sqlite://"))
        .parent()
        .expect("the database is in a directory")
        .to_path_buf();
    let store = dir.join("population");
    let key = dir.join("population.key");
    concord(
        db,
        &[
            "demo",
            "--no-serve",
            "--people",
            "1500",
            "--population-store",
            store.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
        ],
        None,
    )
}

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("concord-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("concord.db");
    let _ = std::fs::remove_file(&path);
    format!("sqlite://{}", path.display())
}

#[test]
fn a_new_system_is_bootstrapped_from_the_command_line() {
    let db = temp_db("bootstrap");
    assert!(concord(&db, &["migrate"], None).status.success());
    let added = concord(
        &db,
        &[
            "org",
            "add",
            "--name",
            "NHS Example ICB",
            "--code",
            "qxx",
            "--type",
            "icb",
        ],
        None,
    );
    assert!(added.status.success(), "{}", text(&added));
    let bad = concord(
        &db,
        &[
            "org", "add", "--name", "", "--code", "QXX", "--type", "castle",
        ],
        None,
    );
    assert!(!bad.status.success());
    let message = text(&bad);
    assert!(
        message.contains("--name: Enter a name") && message.contains("--org-type"),
        "{message}"
    );
    let args = [
        "user",
        "add",
        "--username",
        "ada",
        "--email",
        "ada@example.nhs.uk",
        "--given-name",
        "Ada",
        "--family-name",
        "Admin",
        "--organisation",
        "QXX",
        "--role",
        "system_administrator",
    ];
    let short = concord(&db, &args, Some("short"));
    assert!(
        text(&short).contains("at least 12 characters"),
        "{}",
        text(&short)
    );
    let user = concord(&db, &args, Some("a long enough passphrase"));
    assert!(user.status.success(), "{}", text(&user));
    let verify = concord(&db, &["audit", "verify"], None);
    assert!(
        verify.status.success() && text(&verify).contains("intact"),
        "{}",
        text(&verify)
    );
    let csv = concord(&db, &["audit", "export"], None);
    assert!(
        String::from_utf8_lossy(&csv.stdout).lines().count() >= 4,
        "header plus the writes"
    );
}

/// The audit chain is anchored outside the database: cutting the newest entries off and moving the
/// tip back is reported, as are a database made anew beside its old anchor and a deleted anchor.
#[test]
fn the_audit_anchor_catches_a_truncated_log_a_replaced_database_and_a_deleted_anchor() {
    let db = temp_db("anchor");
    let path = std::path::PathBuf::from(db.trim_start_matches("sqlite://"));
    let anchor = path.with_file_name("concord-audit.anchor");
    let add = |code: &str| {
        let out = concord(
            &db,
            &[
                "org", "add", "--name", code, "--code", code, "--type", "vcse",
            ],
            None,
        );
        assert!(out.status.success(), "{}", text(&out));
    };
    for code in ["AAA", "BBB", "CCC"] {
        add(code);
    }
    assert!(anchor.exists(), "the anchor is beside the database");
    let verify = concord(&db, &["audit", "verify"], None);
    assert!(
        text(&verify).contains("3 signed checkpoints"),
        "{}",
        text(&verify)
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = concord_store::Store::open(&db).await.unwrap();
        for sql in [
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq = 3",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        sqlx::query(
            "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2) WHERE id = 1",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close().await;
    });
    let verify = concord(&db, &["audit", "verify"], None);
    assert_eq!(verify.status.code(), Some(1), "{}", text(&verify));
    assert!(
        text(&verify).contains("removed from the end"),
        "{}",
        text(&verify)
    );

    // The database is deleted and made again: the anchor does not match it, and says so (only
    // `concord demo`, making its own database afresh, starts a new anchor by itself).
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    add("DDD");
    let verify = concord(&db, &["audit", "verify"], None);
    assert_eq!(verify.status.code(), Some(1), "{}", text(&verify));
    // Deleting the anchor file while its key is kept is reported too.
    std::fs::remove_file(&anchor).unwrap();
    let verify = concord(&db, &["audit", "verify"], None);
    assert_eq!(verify.status.code(), Some(1), "{}", text(&verify));
    assert!(
        text(&verify).contains("anchor file is missing"),
        "{}",
        text(&verify)
    );
}

#[test]
fn the_demo_loads_once_and_tampering_is_reported() {
    let db = temp_db("demo");
    let first = demo(&db);
    assert!(first.status.success(), "{}", text(&first));
    let out = text(&first);
    for username in ["admin", "lead", "programme", "analyst", "clinician", "vcse"] {
        assert!(
            out.contains(&format!("  {username} ")),
            "a sign-in for {username}: {out}"
        );
    }
    let second = demo(&db);
    assert!(
        text(&second).contains("already loaded"),
        "{}",
        text(&second)
    );
    assert!(concord(&db, &["audit", "verify"], None).status.success());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = concord_store::Store::open(&db).await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 10")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
    let verify = concord(&db, &["audit", "verify"], None);
    assert_eq!(verify.status.code(), Some(1));
    assert!(
        text(&verify).contains("first bad entry: 10"),
        "{}",
        text(&verify)
    );
}

#[test]
fn align_prints_the_consensus_and_names_bad_lines() {
    let dir = std::env::temp_dir().join(format!("concord-align-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("rankings.csv");
    std::fs::write(&good, "partner,partner_type,area,rank\nICB,NHS,MSK,1\nICB,NHS,Frailty,2\nTrust,NHS,MSK,1\nTrust,NHS,Frailty,2\nCouncil,council,Frailty,1\nCouncil,council,MSK,2\n").unwrap();
    let out = concord(
        "sqlite://unused.db",
        &[
            "align",
            "--input",
            good.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["consensus"]["ranking"][0]["area"], "MSK",
        "two partners of three put MSK first"
    );
    assert_eq!(report["partners"].as_array().unwrap().len(), 3);
    assert_eq!(
        report["consensus"]["unresolved"],
        serde_json::json!([]),
        "2 to 1 for MSK over Frailty: nothing left unordered"
    );
    // One partner each way: the method leaves the pair unordered, and the output says so.
    let split = dir.join("split.csv");
    std::fs::write(
        &split,
        "partner,area,rank
ICB,MSK,1
ICB,Frailty,2
Council,Frailty,1
Council,MSK,2
",
    )
    .unwrap();
    let out = concord(
        "sqlite://unused.db",
        &[
            "align",
            "--input",
            split.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["consensus"]["unresolved"],
        serde_json::json!([["Frailty", "MSK"]])
    );
    assert_eq!(report["consensus"]["ranking"][0]["position"], 1);
    assert_eq!(
        report["consensus"]["ranking"][1]["position"], 1,
        "a split shares first place"
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "partner,area,rank\nICB,MSK,1\nICB,Frailty,two\n").unwrap();
    let out = concord(
        "sqlite://unused.db",
        &["align", "--input", bad.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("line 3, field 'rank': 'two' is not a whole number"),
        "{}",
        text(&out)
    );
    assert!(
        !text(&out).contains("backtrace"),
        "errors are for people, not debuggers"
    );
}

#[test]
fn finance_returns_load_from_the_command_line_all_or_nothing() {
    let db = temp_db("finance");
    assert!(demo(&db).status.success());
    let dir = std::env::temp_dir().join(format!("concord-finance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The demo sets up this financial year and the one before.
    let year = concord_domain::finance::FinancialYear::containing(chrono::Utc::now().date_naive());
    let (april, may) = (year.month(0).format("%Y-%m"), year.month(1).format("%Y-%m"));
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!("organisation,scheme,month,planned,delivered\nRRV,Theatre productivity,{april},100.00,\nNOPE,Theatre productivity,{may},1.5p,\n"),
    )
    .unwrap();
    let refused = concord(
        &db,
        &[
            "finance",
            "load",
            "--kind",
            "efficiency",
            "--input",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success());
    let out = text(&refused);
    assert!(out.contains("nothing was changed"), "{out}");
    assert!(
        out.contains("line 3, field 'organisation': no organisation has the code 'NOPE'"),
        "{out}"
    );
    assert!(
        out.contains("line 3, field 'planned': '1.5p' is not an amount of money"),
        "{out}"
    );
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!("organisation,scheme,month,planned,delivered\nRRV,Outpatient follow-ups,{april},12500.00,9800.50\n"),
    )
    .unwrap();
    let args = [
        "finance",
        "load",
        "--kind",
        "efficiency",
        "--input",
        good.to_str().unwrap(),
    ];
    let loaded = concord(&db, &args, None);
    assert!(loaded.status.success(), "{}", text(&loaded));
    assert!(text(&loaded).contains("1 rows, 1 added"));
    let again = concord(&db, &args, None);
    assert!(
        text(&again).contains("0 added, 0 changed, 1 unchanged"),
        "{}",
        text(&again)
    );
    let wrong_kind = concord(
        &db,
        &[
            "finance",
            "load",
            "--kind",
            "capital",
            "--input",
            good.to_str().unwrap(),
        ],
        None,
    );
    assert!(text(&wrong_kind).contains("--kind must be revenue, pooled or efficiency"));
}

#[test]
fn the_demo_on_a_port_in_use_fails_before_loading_anything() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = held.local_addr().unwrap().port().to_string();
    let db = temp_db("port-in-use");
    let out = concord(
        &db,
        &[
            "demo",
            "--bind",
            "127.0.0.1",
            "--port",
            &port,
            "--people",
            "1500",
        ],
        None,
    );
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains(&format!("could not listen on 127.0.0.1:{port}")),
        "{said}"
    );
    assert!(
        !said.contains("Sign in at"),
        "no sign-in link to a server that is not ours: {said}"
    );
    let file = db.trim_start_matches("sqlite://");
    assert!(!std::path::Path::new(file).exists(), "nothing was loaded");
}

#[test]
fn help_describes_every_kind_of_command() {
    let out = concord("sqlite://unused.db", &["--help"], None);
    let said = text(&out);
    assert!(said.contains("integrated care system"), "{said}");
    for command in ["demo", "serve", "spc", "finance", "ingest", "cohort", "sql"] {
        assert!(said.contains(command), "{command} missing from: {said}");
    }
}
