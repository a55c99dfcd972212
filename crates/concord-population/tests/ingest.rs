//! Ingest, end to end on real files: FHIR NDJSON and CSV into committed Parquet batches.

use arrow_array::RecordBatch;
use concord_population::ingest::{Ingest, IngestReport};
use concord_population::nhs_number::NhsNumber;
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use concord_population::table::Text;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const VALID: [&str; 4] = ["9434765919", "4010232137", "9990000018", "9876543210"];

fn key() -> PseudonymKey {
    PseudonymKey::from_hex(&"42".repeat(32)).unwrap()
}

fn lookup() -> LsoaLookup {
    LsoaLookup::from_csv("postcode,lsoa\nRV1 2AB,E01000001\n".as_bytes()).unwrap()
}

fn patient(id: &str, nhs: &str) -> String {
    format!(
        r#"{{"resourceType":"Patient","id":"{id}","identifier":[{{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"{nhs}"}}],"name":[{{"family":"Smith"}}],"gender":"female","birthDate":"1941-06-17","address":[{{"postalCode":"RV1 2AB"}}],"generalPractitioner":[{{"identifier":{{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"Y00001"}}}}]}}"#
    )
}

fn condition(id: &str, patient: &str, code: &str) -> String {
    format!(
        r#"{{"resourceType":"Condition","id":"{id}","subject":{{"reference":"Patient/{patient}"}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"{code}"}}]}},"onsetDateTime":"2024-05-01"}}"#
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

fn ingest(store: &PopulationStore, source: &str, files: &[PathBuf]) -> IngestReport {
    let key = key();
    let lookup = lookup();
    Ingest::new(store, &key, &lookup, source)
        .unwrap()
        .run(files, &mut |_| {})
        .unwrap()
}

/// Every row of one table across all committed batches.
fn table(store: &PopulationStore, name: &str) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    for manifest in store.manifests().unwrap() {
        for bucket in 0..store.buckets() {
            let path = store.table_file(&manifest.batch, name, bucket);
            if path.exists() {
                let reader =
                    ParquetRecordBatchReaderBuilder::try_new(fs::File::open(path).unwrap())
                        .unwrap()
                        .build()
                        .unwrap();
                out.extend(reader.map(|b| b.unwrap()));
            }
        }
    }
    out
}

fn column(rows: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    rows.iter()
        .flat_map(|b| {
            let array = b.column_by_name(name).unwrap();
            let text = Text::of(array);
            (0..array.len())
                .map(|i| text.is_valid(i).then(|| text.value(i).to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_clean_ingest_keeps_every_resource_pseudonymised_and_linked() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let patients = write(
        dir.path(),
        "Patient.ndjson",
        format!("{}\n{}\n", patient("p1", VALID[0]), patient("p2", VALID[1])).as_bytes(),
    );
    let conditions = write(
        dir.path(),
        "Condition.ndjson",
        format!(
            "{}\n{}\n{}\n",
            condition("c1", "p1", "49436004"),
            condition("c2", "p1", "73211009"),
            condition("c3", "p2", "49436004")
        )
        .as_bytes(),
    );
    // Events first on the command line: patients are still read first.
    let report = ingest(&store, "y00001", &[conditions, patients]);
    let manifest = report.manifest.unwrap();
    assert_eq!(manifest.source, "Y00001");
    assert_eq!(
        (manifest.counts.patients, manifest.counts.conditions),
        (2, 3)
    );
    assert_eq!(manifest.rejected, 0);
    assert!(manifest.files[0].path.ends_with("Patient.ndjson"));
    assert_eq!(manifest.files[0].sha256.len(), 64);
    let people = table(&store, "patients");
    let pseudonyms = column(&people, "pseudonym");
    let expected = key().pseudonym(&NhsNumber::parse(VALID[0]).unwrap());
    assert!(pseudonyms.contains(&Some(expected.clone())));
    assert_eq!(column(&people, "lsoa"), vec![Some("E01000001".into()); 2]);
    let events = table(&store, "events");
    let of_p1 = column(&events, "pseudonym")
        .iter()
        .filter(|p| p.as_deref() == Some(&expected))
        .count();
    assert_eq!(of_p1, 2, "both of p1's conditions link to p1's pseudonym");
    // No direct identifier reached the store.
    for entry in walk(store.root()) {
        let bytes = fs::read(&entry).unwrap();
        for secret in [VALID[0], VALID[1], "Smith", "RV1 2AB", "1941-06-17"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} found in {}",
                entry.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_malformed_corpus_is_counted_line_by_line_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice("\u{feff}".as_bytes()); // a byte-order mark
    bytes.extend_from_slice(format!("{}\r\n", patient("p1", VALID[0])).as_bytes()); // 1 CRLF
    bytes.extend_from_slice(format!("{}\n", patient("p2", VALID[1])).as_bytes()); // 2
    bytes.extend_from_slice(format!("{}\n", patient("p1", VALID[2])).as_bytes()); // 3 duplicate id
    bytes.extend_from_slice(format!("{}\n", patient("p9", "9434765918")).as_bytes()); // 4 bad check digit
    bytes.extend_from_slice(b"{\"resourceType\":\"Condition\",\"id\":\"c\xff\"}\n"); // 5 invalid UTF-8
    bytes.extend_from_slice(b"{\"resourceType\":\"Flag\",\"id\":\"f1\"}\n"); // 6 wrong resourceType
    bytes.extend_from_slice(format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000)).as_bytes()); // 7 deep
    bytes.extend_from_slice(b"\n"); // 8 blank
    bytes.extend_from_slice(format!("{}\n", condition("c1", "p1", "49436004")).as_bytes()); // 9
    bytes.extend_from_slice(format!("{}\n", condition("c1", "p1", "49436004")).as_bytes()); // 10 duplicate id
    bytes.extend_from_slice(format!("{}\n", condition("c2", "p7", "49436004")).as_bytes()); // 11 no such patient
    bytes.push(b'{'); // 12: a 64 MiB line
    bytes.extend(std::iter::repeat_n(b'x', 64 << 20));
    bytes.push(b'\n');
    bytes.extend_from_slice(format!("{}\n", condition("c3", "p2", "73211009")).as_bytes()); // 13
    let cut = condition("c4", "p2", "73211009");
    bytes.extend_from_slice(&cut.as_bytes()[..cut.len() / 2]); // 14 truncated, no newline
    let path = write(dir.path(), "mixed.ndjson", &bytes);
    let report = ingest(&store, "Y00001", std::slice::from_ref(&path));
    let manifest = report.manifest.unwrap();
    let file = &manifest.files[0];
    assert_eq!(file.lines, 14);
    assert_eq!((file.accepted, file.rejected), (4, 9), "{file:?}");
    assert_eq!(
        (manifest.counts.patients, manifest.counts.conditions),
        (2, 2)
    );
    let rejections = fs::read_to_string(
        store
            .batches_dir()
            .join(&manifest.batch)
            .join("rejections.csv"),
    )
    .unwrap();
    let mut reasons: Vec<(u64, String)> = rejections
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.splitn(4, ',').collect();
            (cells[1].parse().unwrap(), cells[2].to_string())
        })
        .collect();
    reasons.sort();
    let expected: Vec<(u64, String)> = [
        (3, "id"),
        (4, "identifier"),
        (5, "line"),
        (6, "resourceType"),
        (7, "line"),
        (10, "id"),
        (11, "subject.reference"),
        (12, "line"),
        (14, "line"),
    ]
    .iter()
    .map(|(l, f)| (*l, f.to_string()))
    .collect();
    assert_eq!(reasons, expected, "{rejections}");
    assert!(!rejections.contains("9434765918"), "no value is echoed");
}

#[test]
fn the_same_file_twice_changes_nothing_and_later_batches_link_to_earlier_patients() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let first = write(
        dir.path(),
        "january.ndjson",
        format!(
            "{}\n{}\n",
            patient("p1", VALID[0]),
            condition("c1", "p1", "49436004")
        )
        .as_bytes(),
    );
    let batch = ingest(&store, "Y00001", std::slice::from_ref(&first))
        .manifest
        .unwrap()
        .batch;
    let again = ingest(&store, "Y00001", std::slice::from_ref(&first));
    assert!(again.manifest.is_none());
    assert_eq!(
        again.already_ingested,
        vec![(first.display().to_string(), batch)]
    );
    assert_eq!(store.manifests().unwrap().len(), 1);
    // A later extract repeats c1 and adds c2 for the patient sent in January.
    let second = write(
        dir.path(),
        "february.ndjson",
        format!(
            "{}\n{}\n",
            condition("c1", "p1", "49436004"),
            condition("c2", "p1", "73211009")
        )
        .as_bytes(),
    );
    let manifest = ingest(&store, "Y00001", &[second]).manifest.unwrap();
    assert_eq!(manifest.files[0].already_held, 1);
    assert_eq!(manifest.counts.conditions, 1);
    let events = table(&store, "events");
    // Kept keyed, never as sent: c1 once (held already), then c2.
    let mut ids = column(&events, "id");
    ids.sort();
    let mut expected: Vec<Option<String>> = ["c1", "c2"]
        .iter()
        .map(|id| Some(key().event_key("Y00001", "condition", id)))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
    let pseudonym = key().pseudonym(&NhsNumber::parse(VALID[0]).unwrap());
    assert!(column(&events, "pseudonym")
        .iter()
        .all(|p| p.as_deref() == Some(&pseudonym)));
    // Another source's patient ids are its own: p1 from another source is not linked.
    let other = write(
        dir.path(),
        "trust.ndjson",
        condition("t1", "p1", "49436004").as_bytes(),
    );
    let manifest = ingest(&store, "RXX", &[other]).manifest.unwrap();
    assert_eq!((manifest.counts.conditions, manifest.rejected), (0, 1));
}

#[test]
fn csv_extracts_ingest_like_fhir() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let patients = write(
        dir.path(),
        "patients.csv",
        format!(
            "NHS_Number,Name,Sex,Birth_Date,Postcode,Practice\n{} ,Ann Smith,F,1941-06-17,RV1 2AB,Y00001\n{},Bob,X,1950-01-01,,\n",
            VALID[0], VALID[1]
        )
        .as_bytes(),
    );
    let events = write(
        dir.path(),
        "events.csv",
        format!(
            "kind,id,nhs_number,code,date,value,unit\r\nobservation,o1,{},60621009,2025-01-02,27.5,kg/m2\r\nobservation,o2,{},60621009,2025-13-01,,\r\ncondition,c1,{},,2025-01-02,,\r\n",
            VALID[0], VALID[0], VALID[0]
        )
        .as_bytes(),
    );
    let report = ingest(&store, "Y00001", &[events, patients]);
    let manifest = report.manifest.unwrap();
    assert_eq!(manifest.counts.patients, 1);
    assert_eq!(manifest.counts.observations, 1);
    let fields: Vec<(u64, &str)> = report
        .first_rejections
        .iter()
        .map(|r| (r.line, r.field.as_str()))
        .collect();
    assert_eq!(fields, vec![(3, "sex"), (3, "date"), (4, "code")]);
    assert!(report
        .first_rejections
        .iter()
        .all(|r| !r.reason.contains("Bob")));
}

#[test]
fn a_crashed_ingest_leaves_nothing_a_reader_sees() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    // What a crash mid-ingest leaves: a staging directory with files but no commit.
    let crashed = store
        .staging_dir()
        .join("20260101T000000000Z-Y00001-deadbeef");
    fs::create_dir_all(crashed.join("events/bucket=00")).unwrap();
    fs::File::create(crashed.join("events/bucket=00/part-0.parquet"))
        .unwrap()
        .write_all(b"PAR1")
        .unwrap();
    assert!(store.manifests().unwrap().is_empty());
    let file = write(dir.path(), "p.ndjson", patient("p1", VALID[0]).as_bytes());
    ingest(&store, "Y00001", &[file]);
    assert!(!crashed.exists(), "the next ingest clears staging");
    assert_eq!(store.manifests().unwrap().len(), 1);
}

#[test]
fn the_picture_links_one_person_across_sources_by_pseudonym() {
    use concord_population::picture::{sex, Picture, KINDS};
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let gp = write(
        dir.path(),
        "gp.ndjson",
        format!(
            "{}\n{}\n{}\n",
            patient("p1", VALID[0]),
            patient("p2", VALID[1]),
            condition("c1", "p1", "49436004")
        )
        .as_bytes(),
    );
    ingest(&store, "Y00001", &[gp]);
    // The hospital knows the same person by its own id, with no practice and a later death.
    let trust_patient = format!(
        r#"{{"resourceType":"Patient","id":"h9","identifier":[{{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"{}"}}],"gender":"female","deceasedDateTime":"2026-02-03T10:00:00Z"}}"#,
        VALID[0]
    );
    let admission = r#"{"resourceType":"Encounter","id":"e1","class":{"code":"IMP"},"type":[{"coding":[{"system":"http://snomed.info/sct","code":"183452005"}]}],"subject":{"reference":"Patient/h9"},"period":{"start":"2025-12-01"}}"#;
    let trust = write(
        dir.path(),
        "trust.ndjson",
        format!("{trust_patient}\n{admission}\n").as_bytes(),
    );
    ingest(&store, "RXX", &[trust]);
    let picture = Picture::load(&store).unwrap();
    assert_eq!(picture.len(), 2, "two people, not three records");
    let pseudonym = key().pseudonym(&NhsNumber::parse(VALID[0]).unwrap());
    let p = picture
        .pseudonyms
        .iter()
        .position(|x| *x == pseudonym)
        .unwrap();
    assert_eq!(picture.sex[p], sex::FEMALE);
    assert_eq!(picture.practices.value(picture.practice[p]), "Y00001");
    assert_eq!(
        picture.death[p],
        concord_population::table::epoch_days("2026-02").unwrap()
    );
    let events: Vec<(&str, &str)> = picture
        .events(p)
        .map(|e| {
            (
                KINDS[picture.kind[e] as usize],
                picture.codes.value(picture.code[e]),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![("condition", "49436004"), ("encounter", "183452005")],
        "in date order, from both sources"
    );
    assert_eq!(
        picture
            .classes
            .value(picture.class[picture.events(p).end - 1]),
        "IMP"
    );
    assert!(picture.as_of().is_some());
}

/// A refusal names the line and the field, never the value: the value may identify someone.
#[test]
fn refusals_never_echo_what_was_sent() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let secret_gender = patient("p1", VALID[0]).replace("\"female\"", "\"Private-Gender-Value\"");
    let lines = [
        secret_gender,
        r#"{"resourceType":"Private-Type-Value","id":"x"}"#.to_string(),
        patient("p2", VALID[1]),
    ];
    let path = write(dir.path(), "secret.ndjson", lines.join("\n").as_bytes());
    let manifest = ingest(&store, "Y00001", std::slice::from_ref(&path))
        .manifest
        .unwrap();
    assert_eq!(manifest.files[0].rejected, 2);
    let rejections = fs::read_to_string(
        store
            .batches_dir()
            .join(&manifest.batch)
            .join("rejections.csv"),
    )
    .unwrap();
    assert!(rejections.contains("gender") && rejections.contains("resourceType"));
    for value in ["Private-Gender-Value", "Private-Type-Value"] {
        assert!(!rejections.contains(value), "{value} echoed: {rejections}");
    }
}

/// A batch records the date its data runs to: its latest event date, or the date its loader
/// states; the picture's default index date follows from it, not from the day it was loaded.
#[test]
fn a_batch_records_the_date_its_data_runs_to() {
    let dated = |id: &str, date: &str| condition(id, "p1", "49436004").replace("2024-05-01", date);
    let dir = tempfile::tempdir().unwrap();
    let patients = write(
        dir.path(),
        "Patient.ndjson",
        format!("{}\n", patient("p1", VALID[0])).as_bytes(),
    );
    let conditions = write(
        dir.path(),
        "Condition.ndjson",
        format!(
            "{}\n{}\n{}\n",
            dated("c1", "2024-05-01"),
            dated("c2", "2025-10-31T09:30:00Z"),
            dated("c3", "2025-02-03")
        )
        .as_bytes(),
    );
    let store = PopulationStore::open(&dir.path().join("latest")).unwrap();
    let manifest = ingest(&store, "Y00001", &[patients.clone(), conditions.clone()])
        .manifest
        .unwrap();
    assert_eq!(
        manifest.data_to.as_deref(),
        Some("2025-10-31"),
        "the latest event date"
    );
    let picture = concord_population::picture::Picture::load(&store).unwrap();
    assert_eq!(
        picture.data_to(),
        concord_population::table::epoch_days("2025-10-31")
    );

    let store = PopulationStore::open(&dir.path().join("stated")).unwrap();
    let (key, lookup) = (key(), lookup());
    let stated = chrono::NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
    let manifest = Ingest::new(&store, &key, &lookup, "Y00001")
        .unwrap()
        .data_to(stated)
        .run(&[patients, conditions], &mut |_| {})
        .unwrap()
        .manifest
        .unwrap();
    assert_eq!(
        manifest.data_to.as_deref(),
        Some("2025-11-30"),
        "the date the loader stated"
    );
}

/// A batch keeps the LSOA reference it was ingested with; a bad one stops the ingest first.
#[test]
fn a_batch_keeps_the_lsoa_reference_it_came_with() {
    let dir = tempfile::tempdir().unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let patients = write(
        dir.path(),
        "Patient.ndjson",
        format!("{}\n", patient("p1", VALID[0])).as_bytes(),
    );
    let reference = write(
        dir.path(),
        "lsoas.csv",
        b"lsoa,place,imd_decile\nE01000001,Riverside,3\n",
    );
    let (key, lookup) = (key(), lookup());
    let manifest = Ingest::new(&store, &key, &lookup, "Y00001")
        .unwrap()
        .lsoa_reference(&reference)
        .unwrap()
        .run(std::slice::from_ref(&patients), &mut |_| {})
        .unwrap()
        .manifest
        .unwrap();
    let kept = concord_population::store::StoreLayout::new(dir.path().join("store"))
        .batch_lsoas(&manifest.batch);
    assert_eq!(fs::read(&kept).unwrap(), fs::read(&reference).unwrap());
    assert_eq!(
        manifest.lsoa_reference.as_ref().map(String::len),
        Some(64),
        "its SHA-256"
    );
    // The practices' networks and places, as the directory held them, are kept the same way.
    let mut practices = concord_population::cohort::measures::Reference::default();
    practices.practices.insert(
        "Y00001".into(),
        concord_population::cohort::measures::PracticeInfo {
            pcn: "Riverside North PCN".into(),
            place: "Riverside".into(),
        },
    );
    let later = write(
        dir.path(),
        "Later.ndjson",
        format!("{}\n", patient("p2", VALID[1])).as_bytes(),
    );
    let manifest = Ingest::new(&store, &key, &lookup, "Y00001")
        .unwrap()
        .practice_reference(&practices)
        .run(&[later], &mut |_| {})
        .unwrap()
        .manifest
        .unwrap();
    assert!(manifest.practice_reference.is_some() && manifest.lsoa_reference.is_none());
    let kept = concord_population::store::StoreLayout::new(dir.path().join("store"))
        .batch_practices(&manifest.batch);
    let mut read = concord_population::cohort::measures::Reference::default();
    read.read_practices(fs::File::open(kept).unwrap()).unwrap();
    assert_eq!(read.practices, practices.practices);
    let bad = write(
        dir.path(),
        "bad.csv",
        b"lsoa,place,imd_decile\nE01000001,Riverside,eleven\n",
    );
    let refused = Ingest::new(&store, &key, &lookup, "Y00001")
        .unwrap()
        .lsoa_reference(&bad);
    assert!(refused.is_err());
}
