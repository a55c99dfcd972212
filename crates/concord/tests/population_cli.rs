//! The population commands as an operator runs them: synth, ingest (killed mid-way and run again),
//! cohort run.

use concord_population::picture::{Picture, KINDS};
use concord_population::store::PopulationStore;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn concord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_concord"))
}

fn run(args: &[&str], dir: &Path) -> String {
    let out = concord().args(args).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "concord {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn gp_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir.join("synth/gp"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    files
}

fn ingest_args<'a>(store: &'a str, files: &'a [String]) -> Vec<&'a str> {
    let mut args = vec![
        "ingest",
        "--source",
        "QRV",
        "--store",
        store,
        "--key-file",
        "population.key",
        "--postcodes",
        "synth/reference/postcodes.csv",
    ];
    args.extend(files.iter().map(String::as_str));
    args
}

/// Every person's pseudonym and events, in a canonical order.
fn contents(store: &Path) -> Vec<String> {
    let picture = Picture::load(&PopulationStore::open(store).unwrap()).unwrap();
    let mut out: Vec<String> = (0..picture.len())
        .map(|p| {
            let events: Vec<String> = picture
                .events(p)
                .map(|e| {
                    format!(
                        "{}:{}:{}:{}",
                        KINDS[picture.kind[e] as usize],
                        picture.codes.value(picture.code[e]),
                        picture.date[e],
                        picture.value[e]
                    )
                })
                .collect();
            format!(
                "{} {} {} {}",
                picture.pseudonyms[p],
                picture.birth[p],
                picture.sex[p],
                events.join(",")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn an_ingest_killed_mid_way_leaves_nothing_and_a_rerun_equals_one_clean_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(&["synth", "--people", "20000", "--out", "synth"], d);
    let files = gp_files(d);
    run(&ingest_args("clean", &files), d);

    let mut child = concord()
        .args(ingest_args("killed", &files))
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it is writing its batch, then kill it without warning.
    let staging = d.join("killed/staging");
    let started = Instant::now();
    loop {
        let writing = std::fs::read_dir(&staging)
            .map(|entries| entries.count() > 0)
            .unwrap_or(false);
        if writing || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the ingest must still be running when it is killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed = PopulationStore::open(&d.join("killed")).unwrap();
    assert!(
        killed.manifests().unwrap().is_empty(),
        "no batch was committed"
    );
    assert!(
        Picture::load(&killed).unwrap().is_empty(),
        "a reader sees nothing"
    );

    let summary = run(&ingest_args("killed", &files), d);
    assert!(summary.contains("Committed batch"), "{summary}");
    assert_eq!(contents(&d.join("killed")), contents(&d.join("clean")));
    let again = run(&ingest_args("killed", &files), d);
    assert!(again.contains("Nothing new"), "{again}");
}

#[test]
fn cohort_run_counts_and_refuses_a_bad_definition_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(&["synth", "--people", "2000", "--out", "synth"], d);
    let files = gp_files(d);
    run(&ingest_args("store", &files), d);
    std::fs::write(
        d.join("older.toml"),
        "name = \"Older people\"\nwhere = \"age >= 65\"\nbreakdowns = [[\"sex\"]]\n",
    )
    .unwrap();
    let database = format!("sqlite://{}", d.join("concord.db").display());
    // No operational database yet: refused, and none is created by accident.
    let out = concord()
        .args([
            "cohort",
            "run",
            "older.toml",
            "--store",
            "store",
            "--database",
            &database,
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no operational database at"), "{err}");
    assert!(
        !d.join("concord.db").exists(),
        "no empty database was created"
    );
    run(&["migrate", "--database", &database], d);
    // A breakdown whose reference table is missing fails, rather than printing "(not known)".
    for (by, needs) in [
        ("pcn", "practices' networks"),
        ("imd_decile", "LSOA reference"),
    ] {
        std::fs::write(
            d.join("by.toml"),
            format!("name = \"Older people\"\nwhere = \"age >= 65\"\nbreakdowns = [[\"{by}\"]]\n"),
        )
        .unwrap();
        let out = concord()
            .args([
                "cohort",
                "run",
                "by.toml",
                "--store",
                "store",
                "--database",
                &database,
            ])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{by}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("uses {by}, which needs")) && err.contains(needs),
            "{err}"
        );
    }
    let json = run(
        &[
            "cohort",
            "run",
            "older.toml",
            "--store",
            "store",
            "--key-file",
            "population.key",
            "--database",
            &database,
        ],
        d,
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(report["disclosure"].as_str().unwrap().contains("10"));
    let cohort = report["cohort"]["count"].as_u64().unwrap();
    assert!(
        (200..=500).contains(&cohort),
        "about a fifth of 2,000 are 65 or over: {report}"
    );
    assert_eq!(cohort % 5, 0, "rounded to 5");
    std::fs::write(d.join("bad.toml"), "name = \"Bad\"\nwhere = \"age >= \"\n").unwrap();
    let out = concord()
        .args([
            "cohort",
            "run",
            "bad.toml",
            "--store",
            "store",
            "--database",
            &database,
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2, column 17"), "{err}");
}
