//! The architecture's promise that there is one authoriser: outside the domain (which defines the
//! policy) and `concord-app`'s `authz` module (which asks it), no code in the workspace calls
//! `concord_domain::decide`. Pages, API handlers and the CLI ask `concord_app::authorise`, `may`
//! or `may_act_for` instead.

use std::path::{Path, PathBuf};

/// Where `source` reaches the domain's `decide`: the line numbers of each use.
fn calls_to_decide(source: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_domain_use = false;
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        if code.trim_start().starts_with("use concord_domain") {
            in_domain_use = true;
        }
        let names_decide = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "decide");
        let path_to_decide =
            code.contains("concord_domain::decide") || code.contains("authz::decide");
        let bare_call = code.match_indices("decide(").any(|(at, _)| {
            let before = code[..at].trim_end();
            !(before.ends_with("::")
                || before.ends_with('.')
                || before.ends_with("fn")
                || before.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        });
        if path_to_decide || bare_call || (in_domain_use && names_decide) {
            found.push(number + 1);
        }
        if in_domain_use && code.contains(';') {
            in_domain_use = false;
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_detector_finds_each_way_of_reaching_decide() {
    assert_eq!(
        calls_to_decide("let d = concord_domain::decide(p, a);"),
        [1]
    );
    assert_eq!(
        calls_to_decide("use concord_domain::{\n    decide, Action,\n};"),
        [2]
    );
    assert_eq!(
        calls_to_decide("use concord_domain::authz::decide as ask;"),
        [1]
    );
    assert_eq!(calls_to_decide("    let x = decide(\n"), [1]);
    assert!(calls_to_decide("consent::decide(&store, &actor, &id, true, \"\")").is_empty());
    assert!(calls_to_decide("pub async fn decide_proposal() {}").is_empty());
    assert!(calls_to_decide("// concord_domain::decide is asked by the authoriser").is_empty());
    assert!(calls_to_decide("use concord_domain::{Action, Decision};").is_empty());
}

#[test]
fn only_the_authoriser_calls_the_domain_policy() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let allowed = [
        crates.join("concord-domain"),
        crates.join("concord-app").join("src").join("authz"),
    ];
    let mut files = Vec::new();
    rust_files(&crates, &mut files);
    assert!(files.len() > 100, "the workspace's sources were not found");
    let mut offenders = Vec::new();
    for file in files {
        if allowed.iter().any(|a| file.starts_with(a)) || file.ends_with("one_authoriser.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&file).expect("a readable source file");
        for line in calls_to_decide(&source) {
            offenders.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "concord_domain::decide is asked outside concord_app::authz (ask concord_app::authorise, \
         may or may_act_for instead):\n{}",
        offenders.join("\n")
    );
}
