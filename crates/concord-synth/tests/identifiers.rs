//! Identity stops at the door, for every column: after the synthetic partners' files are ingested,
//! no identifier that can point back to a person (a resource id, an NHS number, a record number, a
//! name, a postcode, a full date of birth, a reference to a patient or encounter) appears anywhere
//! in the analytical store: in any column of any Parquet file, in a manifest or in a rejections
//! file.

use arrow_array::cast::AsArray;
use arrow_array::RecordBatch;
use concord_population::ingest::Ingest;
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use concord_synth::{generate, SynthOptions, SynthPlace, SynthSystem};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn system() -> SynthSystem {
    let place = |name: &str, area: &str, trust: &str, letter: char| SynthPlace {
        name: name.into(),
        weight: 1.0,
        postcode_area: area.into(),
        deprivation: [0.1; 10],
        practices: (1..=2).map(|i| format!("{letter}8100{i}")).collect(),
        trust: trust.into(),
    };
    SynthSystem {
        gp_source: "QRV".into(),
        places: vec![
            place("City", "RV", "RRV", 'M'),
            place("Coast", "NM", "RNM", 'N'),
        ],
        given_female: vec!["Annabel".into(), "Bethany".into()],
        given_male: vec!["Carlton".into(), "Devendra".into()],
        family: vec!["Smithson".into(), "Khanlari".into()],
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every person-level identifier in a FHIR resource: its id, identifier values, names, telecom,
/// postcodes, full dates of birth, and the ids its patient and encounter references point to.
fn identifiers_in(resource: &Value, out: &mut BTreeSet<String>) {
    let text = |v: &Value| v.as_str().map(str::to_string);
    out.extend(text(&resource["id"]));
    for identifier in resource["identifier"].as_array().into_iter().flatten() {
        out.extend(text(&identifier["value"]));
    }
    for name in resource["name"].as_array().into_iter().flatten() {
        out.extend(text(&name["family"]));
        for given in name["given"].as_array().into_iter().flatten() {
            out.extend(text(given));
        }
    }
    for telecom in resource["telecom"].as_array().into_iter().flatten() {
        out.extend(text(&telecom["value"]));
    }
    for address in resource["address"].as_array().into_iter().flatten() {
        out.extend(text(&address["postalCode"]));
        for line in address["line"].as_array().into_iter().flatten() {
            out.extend(text(line));
        }
    }
    out.extend(text(&resource["birthDate"]));
    for field in ["subject", "patient", "encounter", "context"] {
        if let Some(reference) = resource[field]["reference"].as_str() {
            out.insert(
                reference
                    .rsplit('/')
                    .next()
                    .unwrap_or(reference)
                    .to_string(),
            );
        }
    }
}

/// Every text value in a Parquet file, from plain and dictionary-encoded columns alike.
fn texts_in_parquet(path: &Path, out: &mut Vec<String>) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        for column in batch.columns() {
            let strings = if let Some(dictionary) = column.as_any_dictionary_opt() {
                dictionary.values().clone()
            } else {
                column.clone()
            };
            if let Some(values) = strings.as_string_opt::<i32>() {
                out.extend(values.iter().flatten().map(str::to_string));
            }
        }
    }
}

#[test]
fn no_identifier_from_the_input_files_reaches_any_column_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("synth");
    let options = SynthOptions {
        people: 250,
        seed: 11,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    };
    let summary = generate(&system(), &options, &input).unwrap();
    let store_dir = dir.path().join("store");
    let store = PopulationStore::open(&store_dir).unwrap();
    let key = PseudonymKey::generate();
    let lookup =
        LsoaLookup::from_csv(std::fs::File::open(input.join("reference/postcodes.csv")).unwrap())
            .unwrap();
    let mut identifiers = BTreeSet::new();
    for (sub, source) in &summary.sources {
        let sent = files(&input.join(sub));
        for file in &sent {
            for line in std::fs::read_to_string(file).unwrap().lines() {
                identifiers_in(&serde_json::from_str(line).unwrap(), &mut identifiers);
            }
        }
        let report = Ingest::new(&store, &key, &lookup, source)
            .unwrap()
            .run(&sent, &mut |_| {})
            .unwrap();
        assert_eq!(report.manifest.unwrap().rejected, 0);
    }
    assert!(
        identifiers.len() > 2_000,
        "the input's identifiers were found: {}",
        identifiers.len()
    );

    let mut stored = Vec::new();
    let mut parquet_files = 0;
    for file in files(&store_dir) {
        match file.extension().and_then(|e| e.to_str()) {
            Some("parquet") => {
                parquet_files += 1;
                texts_in_parquet(&file, &mut stored);
            }
            Some("json") | Some("csv") => stored.push(std::fs::read_to_string(&file).unwrap()),
            _ => {}
        }
    }
    assert!(
        parquet_files >= 2 && stored.len() > 10_000,
        "the store was read: {parquet_files} files"
    );
    let values: BTreeSet<&str> = stored.iter().map(String::as_str).collect();
    let found: Vec<&String> = identifiers
        .iter()
        .filter(|id| {
            values.contains(id.as_str())
                || (id.len() >= 6 && stored.iter().any(|v| v.contains(id.as_str())))
        })
        .take(10)
        .collect();
    assert!(
        found.is_empty(),
        "identifiers from the input found in the store: {found:?}"
    );
}
