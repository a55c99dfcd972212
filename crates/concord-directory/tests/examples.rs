//! Open Referral's own HSDS 3.0 examples (in the shared data folder) read, checked and written
//! again: a JSON feed gives back the same JSON, and a CSV data package gives back the same rows.

use concord_directory::feed::{read_json, write_services, FeedKind};
use concord_directory::tabular::{read_package, write_package};
use concord_directory::{check::check, Directory};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/openreferral-hsds-3.0")
        .join(path)
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(shared(&format!("examples/{name}"))).expect("the shared HSDS examples")
}

/// A JSON value without nulls (an absent field and a null say the same).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn read(name: &str, kind: FeedKind) -> Directory {
    let directory = read_json(name, &example(name), kind).unwrap_or_else(|e| panic!("{e}"));
    check(name, &directory).unwrap_or_else(|e| panic!("{e}"));
    directory
}

#[test]
fn a_full_service_is_read_checked_and_written_as_it_was_given() {
    let directory = read("service_full.json", FeedKind::Services);
    assert_eq!(directory.services.len(), 1);
    let service = &directory.services[0];
    assert_eq!(service.name, "Community Counselling");
    let places = service.service_at_locations.as_ref().unwrap();
    assert!(places[0].location.is_some(), "its location, nested");
    let given: Value = serde_json::from_slice(&example("service_full.json")).unwrap();
    let written: Value = serde_json::from_str(&write_services(&directory.services)).unwrap();
    assert_eq!(written, Value::Array(vec![without_nulls(given)]));
}

#[test]
fn pages_lists_and_every_kind_of_feed_are_read() {
    let page = read("service_list.json", FeedKind::Services);
    let given: Value = serde_json::from_slice(&example("service_list.json")).unwrap();
    assert_eq!(
        page.services.len(),
        given["contents"].as_array().unwrap().len()
    );

    let organization = read("organization_full.json", FeedKind::Organizations);
    assert!(!organization.services.is_empty());
    for service in &organization.services {
        let nested = service
            .organization
            .as_ref()
            .expect("the organization, nested");
        assert!(nested.services.is_none(), "not its list of services again");
    }

    let at = read(
        "service_at_location_full.json",
        FeedKind::ServicesAtLocations,
    );
    assert_eq!(at.services.len(), 1);
    assert_eq!(
        at.services[0].service_at_locations.as_ref().unwrap().len(),
        1
    );

    let terms = read("taxonomy_term_list.json", FeedKind::TaxonomyTerms);
    assert!(!terms.taxonomy_terms.is_empty());
    let taxonomies = read("taxonomy_list.json", FeedKind::Taxonomies);
    assert!(!taxonomies.taxonomies.is_empty());
}

/// The example data package's tables, as (file, contents).
fn package() -> Vec<(String, Vec<u8>)> {
    let dir = shared("examples/csv");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("the shared CSV examples")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Every table's rows as sets of (column, value) pairs, so order does not matter.
fn rows(files: &[(String, Vec<u8>)]) -> BTreeSet<(String, Vec<(String, String)>)> {
    let mut all = BTreeSet::new();
    for (file, bytes) in files {
        // The package's description of its own tables is not part of the directory.
        if !file.ends_with(".csv") || file == "meta_table_descriptions.csv" {
            continue;
        }
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap();
            let mut cells: Vec<(String, String)> = headers
                .iter()
                .zip(record.iter())
                .filter(|(_, v)| !v.is_empty())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            cells.sort();
            all.insert((file.clone(), cells));
        }
    }
    all
}

#[test]
fn the_csv_data_package_nests_into_full_services_and_flattens_into_the_same_rows() {
    let given = package();
    let directory = read_package(&given).unwrap_or_else(|e| panic!("{e}"));
    check("the data package", &directory).unwrap_or_else(|e| panic!("{e}"));
    assert!(!directory.services.is_empty());
    let service = &directory.services[0];
    assert!(service.organization.is_some(), "nested by organization_id");
    let place = &service
        .service_at_locations
        .as_ref()
        .expect("by service_id")[0];
    let location = place.location.as_ref().expect("nested by location_id");
    assert!(
        location.addresses.is_some(),
        "a location's addresses, by location_id"
    );

    let written: Vec<(String, Vec<u8>)> = write_package(&directory)
        .into_iter()
        .map(|(f, c)| (f, c.into_bytes()))
        .collect();
    assert!(written.iter().any(|(f, _)| f == "datapackage.json"));
    // The example's attribute and metadata rows name ids that are nowhere in the package: they
    // are passed over, and said to be.
    let passed: Vec<String> = directory
        .passed_over
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(passed.len(), 2, "{passed:?}");
    assert!(
        passed[0].starts_with(
            "attributes.csv, record 1 (id ae58cc39-8b70-4ab1-8aea-786882e5ac8e): passed over"
        ),
        "{passed:?}"
    );
    assert!(passed[0].contains("link_id f28dd44b-0c4d-479f-8e90-4c52219a8b3c"));
    assert!(passed[1].starts_with("metadata.csv, record 1"));
    let mut expected = rows(&given);
    expected.retain(|(file, _)| file != "attributes.csv" && file != "metadata.csv");
    assert_eq!(rows(&written), expected);
    let again = read_package(&written).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.passed_over.is_empty());
    assert_eq!(again.services, directory.services);
    assert_eq!(again.taxonomy_terms, directory.taxonomy_terms);
}
