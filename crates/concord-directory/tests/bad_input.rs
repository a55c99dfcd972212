//! Bad directories are refused whole, every problem named by file, record and field; nothing
//! panics, whatever the bytes.

use concord_directory::check::check;
use concord_directory::feed::{read_json, FeedKind};
use concord_directory::tabular::read_package;
use concord_directory::MAX_PROBLEMS_LISTED;
use proptest::prelude::*;

/// The UUID numbered `n`, as HSDS ids are.
fn uid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn service(id: &str, extra: &str) -> String {
    format!(r#"{{"id": "{id}", "name": "Walking group", "status": "active"{extra}}}"#)
}

fn feed_problems(json: &str) -> Vec<String> {
    let directory = match read_json("feed.json", json.as_bytes(), FeedKind::Services) {
        Ok(d) => d,
        Err(e) => return e.listed.iter().map(ToString::to_string).collect(),
    };
    match check("feed.json", &directory) {
        Ok(()) => Vec::new(),
        Err(e) => e.listed.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_feed_that_is_not_json_says_where() {
    let problems = feed_problems("[{\"id\": \"a\", \"name\": ");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("feed.json: line 1, column 21: "),
        "{problems:?}"
    );
}

#[test]
fn each_bad_record_is_named_by_number_id_and_field() {
    let lunch = format!(r#"{{"id": "{}", "name": "Lunch club"}}"#, uid(2));
    let json = format!(
        "[{}, {}, {}, {}, {}]",
        service(&uid(1), ""),
        lunch,
        service(&uid(3), r#", "colour": "green""#),
        service(
            &uid(4),
            &format!(
                r#", "service_at_locations": [{{"id": "{}", "location": {{"id": "{}", "location_type": "physical", "latitude": "north"}}}}]"#,
                uid(41),
                uid(42)
            )
        ),
        service(&uid(5), r#", "minimum_age": "twelve""#),
    );
    let problems = feed_problems(&json);
    assert_eq!(
        problems[0],
        format!(
            "feed.json, record 2 (id {}), field status: this field is required",
            uid(2)
        )
    );
    assert_eq!(
        problems[1],
        format!(
            "feed.json, record 3 (id {}), field colour: not a field of HSDS 3.0 here",
            uid(3)
        )
    );
    assert!(
        problems[2].starts_with(&format!(
            "feed.json, record 4 (id {}), field service_at_locations[0].location.latitude: invalid type: string \"north\"",
            uid(4)
        )),
        "{problems:?}"
    );
    assert!(problems[3].starts_with(&format!(
        "feed.json, record 5 (id {}), field minimum_age: ",
        uid(5)
    )));
    assert_eq!(problems.len(), 4);
}

#[test]
fn ids_codes_dates_ages_capacity_and_repeated_ids_are_checked() {
    let befriending = format!(
        r#"{{"id": "{}", "name": "Befriending", "status": "open"}}"#,
        uid(2)
    );
    let json = format!(
        "[{}, {}, {}, {}, {}]",
        service(
            &uid(1),
            r#", "email": "hello@carers'.org.uk", "last_modified": "yesterday", "minimum_age": 65, "maximum_age": 18"#
        ),
        befriending,
        service(
            &uid(3),
            &format!(
                r#", "capacities": [{{"id": "{}", "unit": {{"id": "{}", "name": "places"}}, "available": 12, "maximum": 10, "updated": "2026-11-30T09:00:00Z"}}], "schedules": [{{"id": "{}", "freq": "DAILY", "opens_at": "9am"}}]"#,
                uid(31),
                uid(32),
                uid(33)
            )
        ),
        service(&uid(1), ""),
        service("walking-group-7", ""),
    );
    let problems = feed_problems(&json);
    let expected = [
        format!("feed.json, record 1 (id {}), field email: \u{201c}hello@carers'.org.uk\u{201d} is not an e-mail address", uid(1)),
        format!("feed.json, record 1 (id {}), field last_modified: \u{201c}yesterday\u{201d} is not a date and time", uid(1)),
        format!("feed.json, record 1 (id {}), field maximum_age: the maximum age (18) is below the minimum age (65)", uid(1)),
        format!("feed.json, record 2 (id {}), field status: \u{201c}open\u{201d} is not one of \u{201c}active\u{201d}", uid(2)),
        format!("feed.json, record 3 (id {}), field schedules[0].freq: \u{201c}DAILY\u{201d} is not one of", uid(3)),
        format!("feed.json, record 3 (id {}), field schedules[0].opens_at: \u{201c}9am\u{201d} is not a time of day", uid(3)),
        format!("feed.json, record 3 (id {}), field capacities[0].available: 12 available is more than the maximum of 10", uid(3)),
        format!("feed.json, record 4 (id {}), field id: this service's id is given twice", uid(1)),
        "feed.json, record 5 (id walking-group-7), field id: \u{201c}walking-group-7\u{201d} is not a UUID".to_string(),
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, start) in problems.iter().zip(&expected) {
        assert!(
            problem.starts_with(start.as_str()),
            "{problem} should start {start}"
        );
    }
}

#[test]
fn at_most_a_hundred_problems_are_listed_and_the_rest_counted() {
    let records: Vec<String> = (0..150)
        .map(|i| format!(r#"{{"id": "{}", "name": "Group {i}"}}"#, uid(i)))
        .collect();
    let json = format!("[{}]", records.join(","));
    let problems = read_json("feed.json", json.as_bytes(), FeedKind::Services).unwrap_err();
    assert_eq!(problems.total, 150);
    assert_eq!(problems.listed.len(), MAX_PROBLEMS_LISTED);
    assert!(problems.to_string().ends_with("... and 50 more"));
}

#[test]
fn a_data_package_names_the_table_row_and_column() {
    let files = |services: &str| {
        vec![
            ("services.csv".to_string(), services.as_bytes().to_vec()),
            (
                "locations.csv".to_string(),
                b"id,location_type,latitude\nl1,physical,north\n".to_vec(),
            ),
        ]
    };
    let problems = read_package(&files(&format!(
        "id,name,status\n{},Walking group,active\n{},Lunch club,\n",
        uid(1),
        uid(2)
    )))
    .unwrap_err();
    let listed: Vec<String> = problems.listed.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            format!("services.csv, record 2 (id {}), field status: this field is required", uid(2)),
            "locations.csv, record 1 (id l1), field latitude: \u{201c}north\u{201d} is not a number".to_string(),
        ]
    );
    let problems = read_package(&files("id,name,colour\ns1,Walking group,green\n")).unwrap_err();
    assert!(problems.listed[0]
        .to_string()
        .starts_with("services.csv, record 0, field colour: not a column of services.csv"));
    let unknown = read_package(&[("clients.csv".to_string(), b"id\n1\n".to_vec())]).unwrap_err();
    assert!(unknown.listed[0]
        .to_string()
        .starts_with("clients.csv: not a table of HSDS"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_feed_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for kind in FeedKind::ALL {
            if let Ok(directory) = read_json("feed.json", &bytes, kind) {
                let _ = check("feed.json", &directory);
            }
        }
    }

    #[test]
    fn no_json_shaped_feed_panics(json in r#"\[\{("(id|name|status|minimum_age|service_at_locations|location|latitude)": ("[a-z0-9 ]{0,8}"|-?[0-9]{1,4}|\[\]|\{\}|null), ){0,6}"id": "x"\}\]"#) {
        if let Ok(directory) = read_json("feed.json", json.as_bytes(), FeedKind::Services) {
            let _ = check("feed.json", &directory);
        }
    }

    #[test]
    fn no_table_panics(table in "(id|name|status|minimum_age)(,(id|name|status|minimum_age)){0,3}\n([a-z0-9,\" ]{0,20}\n){0,5}") {
        let _ = read_package(&[("services.csv".to_string(), table.into_bytes())]);
    }
}

#[test]
fn a_package_that_would_multiply_into_millions_of_objects_is_refused() {
    // 2,000 services offered at one location that has 1,100 phones: nesting would copy the
    // location and its phones into every service (2.2 million objects).
    let mut services = String::from("id,name,status\n");
    let mut at = String::from("id,service_id,location_id\n");
    for i in 0..2000 {
        services.push_str(&format!("{},Group {i},active\n", uid(10_000 + i)));
        at.push_str(&format!(
            "{},{},{}\n",
            uid(20_000 + i),
            uid(10_000 + i),
            uid(1)
        ));
    }
    let mut phones = String::from("id,location_id,number\n");
    for i in 0..1100 {
        phones.push_str(&format!("{},{},0113 496 0000\n", uid(30_000 + i), uid(1)));
    }
    let files = vec![
        ("services.csv".to_string(), services.into_bytes()),
        ("service_at_location.csv".to_string(), at.into_bytes()),
        (
            "locations.csv".to_string(),
            format!("id,location_type\n{},physical\n", uid(1)).into_bytes(),
        ),
        ("phones.csv".to_string(), phones.into_bytes()),
    ];
    let problems = read_package(&files).unwrap_err();
    assert!(
        problems.listed[0]
            .to_string()
            .contains("nest into more than 2000000 objects"),
        "{problems}"
    );

    // And a table that gives an id twice is refused, naming the row.
    let twice = format!("id,name,status\n{0},A,active\n{0},B,active\n", uid(1));
    let problems = read_package(&[("services.csv".to_string(), twice.into_bytes())]).unwrap_err();
    assert_eq!(
        problems.listed[0].to_string(),
        format!(
            "services.csv, record 2 (id {}), field id: this id is given twice in the table",
            uid(1)
        )
    );
}

#[test]
fn copies_of_other_services_and_unsafe_addresses_are_refused() {
    let other = format!(
        r#"{{"id": "{}", "name": "Someone else's", "status": "active"}}"#,
        uid(9)
    );
    let nested = service(
        &uid(1),
        &format!(
            r#", "url": "javascript:alert(1)", "service_at_locations": [{{"id": "{}", "service": {other}}}], "organization": {{"id": "{}", "name": "Org", "description": "An org", "services": [{other}]}}"#,
            uid(2),
            uid(3)
        ),
    );
    let problems = feed_problems(&format!("[{nested}]"));
    let fields: Vec<&str> = problems
        .iter()
        .map(|p| {
            p.split(", field ")
                .nth(1)
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert!(fields.contains(&"url"), "{problems:?}");
    assert!(fields.contains(&"organization.services"), "{problems:?}");
    assert!(
        fields.contains(&"service_at_locations[0].service"),
        "{problems:?}"
    );
}
