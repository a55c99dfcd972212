//! The eFI codelist says only what the eFI means: a code sits under two deficits only where the
//! concept denotes both conditions at once (a combination concept, such as diabetic nephropathy),
//! each such code is listed with its reason in `efi-shared-codes.csv`, and every correction of the
//! source list recorded in `efi-review.csv` (removed or re-homed, with the reason) holds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn codelists() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/codelists")
}

fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let path = codelists().join(file);
    let mut reader =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Each code's deficits in the codelist.
fn deficits_by_code() -> BTreeMap<String, BTreeSet<String>> {
    let mut by_code: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows("efi.csv") {
        by_code
            .entry(row["code"].clone())
            .or_default()
            .insert(row["deficit"].clone());
    }
    by_code
}

#[test]
fn a_code_sits_under_two_deficits_only_where_the_concept_means_both() {
    let shared_in_list: BTreeMap<String, BTreeSet<String>> = deficits_by_code()
        .into_iter()
        .filter(|(_, deficits)| deficits.len() > 1)
        .collect();
    let allowed: BTreeMap<String, BTreeSet<String>> = rows("efi-shared-codes.csv")
        .into_iter()
        .map(|row| {
            assert!(
                row["reason"].len() > 20,
                "{}: say why it means both",
                row["code"]
            );
            (
                row["code"].clone(),
                row["deficits"].split(';').map(str::to_string).collect(),
            )
        })
        .collect();
    let unexplained: Vec<_> = shared_in_list
        .iter()
        .filter(|(code, d)| allowed.get(*code) != Some(d))
        .collect();
    assert!(
        unexplained.is_empty(),
        "codes under several deficits without a recorded reason: {unexplained:?}"
    );
    let stale: Vec<_> = allowed
        .keys()
        .filter(|code| !shared_in_list.contains_key(*code))
        .collect();
    assert!(
        stale.is_empty(),
        "efi-shared-codes.csv lists codes no longer shared: {stale:?}"
    );
}

#[test]
fn every_recorded_correction_of_the_source_list_holds() {
    let by_code = deficits_by_code();
    let review = rows("efi-review.csv");
    assert!(
        review.len() >= 100,
        "the review covers every shared and suspect code"
    );
    let mut corrected = 0;
    for row in &review {
        let (code, deficit) = (&row["code"], &row["deficit"]);
        let held = by_code.get(code).cloned().unwrap_or_default();
        assert!(
            !row["reason"].trim().is_empty(),
            "{code} under {deficit}: no reason recorded"
        );
        match row["action"].as_str() {
            "keep" => assert!(
                held.contains(deficit),
                "{code} should still be under {deficit}"
            ),
            "remove" => {
                corrected += 1;
                assert!(
                    !held.contains(deficit),
                    "{code} was removed from {deficit} but is back"
                );
            }
            "rehome" => {
                corrected += 1;
                assert!(
                    !held.contains(deficit),
                    "{code} was moved out of {deficit} but is back"
                );
                assert!(
                    held.contains(&row["new_deficit"]),
                    "{code} should be under {}",
                    row["new_deficit"]
                );
            }
            other => panic!("{code}: unknown action '{other}'"),
        }
    }
    assert!(corrected >= 20, "the corrections are recorded");
    // The examples that inflated frailty most are gone from the wrong deficit.
    let under = |code: &str| by_code.get(code).cloned().unwrap_or_default();
    assert!(
        !under("53741008").contains("Heart failure"),
        "coronary arteriosclerosis is not heart failure"
    );
    assert!(under("53741008").contains("Ischaemic heart disease"));
    assert!(
        !under("73211009").contains("Chronic kidney disease"),
        "diabetes is not kidney disease"
    );
}
