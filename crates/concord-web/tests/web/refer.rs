//! Refer's service directory end to end: Open Referral's own HSDS 3.0 examples imported, then
//! served to anyone by the Open Referral UK API, every answer checked against the HSDS 3.0
//! schemas (compiled as upstream does: references inlined, no field the schema does not name,
//! formats checked). Imports are all or nothing, idempotent, and never take a service from the
//! partner it belongs to; only a partner's own people (or administrators) import its services.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::TestApp;
use concord_app::refer::directory::{import, Upload};
use concord_directory::feed::FeedKind;
use concord_domain::Principal;
use concord_store::{directory, people, Actor, StoreError};
use serde_json::{json, Value};
use std::path::PathBuf;

fn hsds(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/openreferral-hsds-3.0")
        .join(path)
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(hsds(&format!("examples/{name}"))).expect("the shared HSDS examples")
}

/// An HSDS schema compiled as upstream's `compiletojsonschema
/// --set-additional-properties-false-everywhere` does: every `$ref` inlined and no field allowed
/// that a schema does not name; `extra` adds properties to the top (HSDS's full organization and
/// service at location carry their services).
fn compiled(name: &str, extra: &[(&str, Value)]) -> jsonschema::Validator {
    fn inline(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(file)) = map.get("$ref") {
                    *value = load(file);
                    inline(value);
                    return;
                }
                for child in map.values_mut() {
                    inline(child);
                }
                if map.contains_key("properties") {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(inline),
            _ => {}
        }
    }
    fn load(file: &str) -> Value {
        let path = hsds(&format!("schema/{file}"));
        serde_json::from_slice(&std::fs::read(&path).expect("an HSDS schema")).unwrap()
    }
    let mut schema = load(&format!("{name}.json"));
    for (field, property) in extra {
        schema["properties"][*field] = property.clone();
    }
    inline(&mut schema);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the HSDS schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what} does not validate: {errors:#?}");
}

/// A JSON value without nulls (HSDS never has them; an absent field says the same).
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

async fn principal(app: &TestApp, username: &str) -> Principal {
    let person = &app.login_for(username).person_id;
    people::principal(&app.store, person)
        .await
        .unwrap()
        .expect("a demo account")
}

fn feed(name: &str, kind: FeedKind) -> Upload {
    Upload::Feed {
        file_name: name.to_string(),
        bytes: example(name),
        kind,
    }
}

fn errors_of(result: Result<directory::ImportReport, StoreError>) -> Vec<String> {
    match result {
        Err(StoreError::Invalid(errors)) => errors
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_open_referral_api_serves_the_directory_as_hsds_to_anyone() {
    let app = TestApp::new().await;
    let admin = principal(&app, "admin").await;
    let actor = Actor::person(&admin, admin.grants.first());
    for (name, kind) in [
        ("service_full.json", FeedKind::Services),
        ("taxonomy_term_list.json", FeedKind::TaxonomyTerms),
        ("taxonomy_list.json", FeedKind::Taxonomies),
    ] {
        import(&app.store, &admin, &actor, None, &feed(name, kind))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let given = without_nulls(serde_json::from_slice(&example("service_full.json")).unwrap());
    let id = given["id"].as_str().unwrap().to_string();
    let service_schema = compiled("service", &[]);
    // The schema is strict: a field HSDS does not name, an id that is not a UUID, and a capacity
    // (HSDS 3.1's) are each refused.
    let mut extra = given.clone();
    extra["colour"] = json!("green");
    assert!(!service_schema.is_valid(&extra));
    let mut bad_id = given.clone();
    bad_id["id"] = json!("walking-group-7");
    assert!(!service_schema.is_valid(&bad_id));
    let mut with_capacity = given.clone();
    with_capacity["capacities"] = json!([]);
    assert!(!service_schema.is_valid(&with_capacity));

    // Open to anyone: no sign-in, no key, and any web page may read it.
    let root = app.api(Method::GET, "/openreferral", None, None).await;
    assert_eq!(root.status, StatusCode::OK);
    assert_eq!(root.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(root.json()["version"], "3.0");

    let page = app
        .api(Method::GET, "/openreferral/services", None, None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let page = page.json();
    for field in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
    ] {
        assert!(page.get(field).is_some(), "the Page object has {field}");
    }
    assert_eq!(page["total_items"], 1);
    assert_eq!(page["page_number"], 1);
    assert_eq!(page["first_page"], true);
    assert_eq!(page["last_page"], true);
    assert_valid(&service_schema, &page["contents"][0], "a listed service");

    // A service is served exactly as it was imported.
    let one = app
        .api(
            Method::GET,
            &format!("/openreferral/services/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json(), given);
    assert_valid(&service_schema, &one.json(), "a service");

    // Filters: words, a taxonomy term, when it changed, a postcode district.
    let count = |query: String| {
        let app = &app;
        async move {
            let reply = app
                .api(
                    Method::GET,
                    &format!("/openreferral/services?{query}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
            reply.json()["total_items"].as_i64().unwrap()
        }
    };
    assert_eq!(count("search=counselling%20mycity".to_string()).await, 1);
    assert_eq!(count("search=plumbing".to_string()).await, 0);
    assert_eq!(
        count("taxonomy_term_id=3f7b145d-84af-42d7-8fae-eaca714b02b2".to_string()).await,
        1
    );
    assert_eq!(
        count("taxonomy_term_id=00000000-0000-4000-8000-000000000000".to_string()).await,
        0
    );
    // Changed when it was imported (whatever the feed's own last_modified says), so a reader
    // following `modified_after` never misses a change.
    let hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ");
    let hour_on = (chrono::Utc::now() + chrono::Duration::hours(2))
        .with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%%2B01:00");
    assert_eq!(count(format!("modified_after={hour_ago}")).await, 1);
    assert_eq!(count(format!("modified_after={hour_on}")).await, 0);
    assert_eq!(count("postcode=LS6%202AB".to_string()).await, 0);
    let empty = app
        .api(
            Method::GET,
            "/openreferral/services?search=plumbing",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(empty["empty"], true);
    assert_eq!(empty["contents"], json!([]));

    // Bad parameters are refused naming them; unknown ids are not found; both as problem JSON.
    for (query, field) in [
        ("modified_after=yesterday", "modified_after"),
        ("postcode=90210", "postcode"),
        ("page=first", "page"),
    ] {
        let reply = app
            .api(
                Method::GET,
                &format!("/openreferral/services?{query}"),
                None,
                None,
            )
            .await;
        assert!(reply.status.is_client_error(), "{query}: {}", reply.status);
        assert_eq!(reply.json()["errors"][0]["field"], field, "{}", reply.body);
    }
    let missing = app
        .api(
            Method::GET,
            "/openreferral/services/00000000-0000-4000-8000-000000000000",
            None,
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("json"));

    // Services at locations: each with its location and its service.
    let places = app
        .api(
            Method::GET,
            "/openreferral/service_at_locations",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(places["total_items"], 1);
    let at_schema = compiled(
        "service_at_location",
        &[("service", json!({"$ref": "service.json"}))],
    );
    let place = &places["contents"][0];
    assert_valid(&at_schema, place, "a listed service at location");
    assert_eq!(place["service"]["id"], id.as_str());
    assert!(place["location"]["id"].is_string());
    let place_id = place["id"].as_str().unwrap();
    let one_place = app
        .api(
            Method::GET,
            &format!("/openreferral/service_at_locations/{place_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(one_place.status, StatusCode::OK);
    assert_valid(&at_schema, &one_place.json(), "a service at location");

    // Taxonomies and their terms.
    let terms = app
        .api(Method::GET, "/openreferral/taxonomy_terms", None, None)
        .await
        .json();
    assert!(terms["total_items"].as_i64().unwrap() >= 1);
    let term_schema = compiled("taxonomy_term", &[]);
    for term in terms["contents"].as_array().unwrap() {
        assert_valid(&term_schema, term, "a taxonomy term");
    }
    let term_id = terms["contents"][0]["id"].as_str().unwrap();
    let term = app
        .api(
            Method::GET,
            &format!("/openreferral/taxonomy_terms/{term_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(term.json()["id"], term_id);
    let searched = app
        .api(
            Method::GET,
            "/openreferral/taxonomy_terms?search=no-such-term",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(searched["total_items"], 0);
    let taxonomies = app
        .api(Method::GET, "/openreferral/taxonomies", None, None)
        .await
        .json();
    let taxonomy_schema = compiled("taxonomy", &[]);
    for taxonomy in taxonomies["contents"].as_array().unwrap() {
        assert_valid(&taxonomy_schema, taxonomy, "a taxonomy");
    }
    let taxonomy_id = taxonomies["contents"][0]["id"].as_str().unwrap();
    let taxonomy = app
        .api(
            Method::GET,
            &format!("/openreferral/taxonomies/{taxonomy_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(taxonomy.status, StatusCode::OK);
}

#[tokio::test]
async fn imports_are_all_or_nothing_idempotent_and_only_by_the_services_own_people() {
    let app = TestApp::new().await;
    let admin = principal(&app, "admin").await;
    let vcse = principal(&app, "vcse").await;
    let analyst = principal(&app, "analyst").await;
    let vcse_org = app.login_for("vcse").organisation_id.clone();
    let council = app.login_for("analyst").organisation_id.clone();
    let as_actor = |p: &Principal| Actor::person(p, p.grants.first());
    let service = |id: &str, name: &str| json!({"id": id, "name": name, "status": "active", "description": "Weekly group"});
    let upload = |services: Value| Upload::Feed {
        file_name: "services.json".into(),
        bytes: serde_json::to_vec(&services).unwrap(),
        kind: FeedKind::Services,
    };
    let walking = "11111111-1111-4111-8111-111111111111";
    let lunch = "22222222-2222-4222-8222-222222222222";

    // A VCSE worker imports their own organisation's services.
    let first = import(
        &app.store,
        &vcse,
        &as_actor(&vcse),
        Some(&vcse_org),
        &upload(json!([service(walking, "Walking group")])),
    )
    .await
    .unwrap();
    assert_eq!((first.added, first.changed, first.unchanged), (1, 0, 0));
    // Again: nothing changes.
    let again = import(
        &app.store,
        &vcse,
        &as_actor(&vcse),
        Some(&vcse_org),
        &upload(json!([service(walking, "Walking group")])),
    )
    .await
    .unwrap();
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 1));
    let stored = directory::service(&app.store, walking).await.unwrap();
    assert_eq!(
        stored.partner_organisation_id.as_deref(),
        Some(vcse_org.as_str())
    );

    // Not for another organisation, and not for no partner's directory.
    let refused = errors_of(
        import(
            &app.store,
            &vcse,
            &as_actor(&vcse),
            Some(&council),
            &upload(json!([service(lunch, "Lunch club")])),
        )
        .await,
    );
    assert!(
        refused[0].starts_with("partner_organisation_id: You may import services only"),
        "{refused:?}"
    );
    let refused = errors_of(
        import(
            &app.store,
            &vcse,
            &as_actor(&vcse),
            None,
            &upload(json!([service(lunch, "Lunch club")])),
        )
        .await,
    );
    assert!(
        refused[0].starts_with("partner_organisation_id: Only system administrators"),
        "{refused:?}"
    );
    // An analyst keeps no directory services at all.
    let refused = errors_of(
        import(
            &app.store,
            &analyst,
            &as_actor(&analyst),
            Some(&council),
            &upload(json!([service(lunch, "Lunch club")])),
        )
        .await,
    );
    assert!(
        refused[0].starts_with("partner_organisation_id:"),
        "{refused:?}"
    );

    // A feed that names another's service is refused whole: its new service is not added either.
    let taken = errors_of(
        import(
            &app.store,
            &admin,
            &as_actor(&admin),
            None,
            &upload(json!([
                service(lunch, "Lunch club"),
                service(walking, "Walking group (council)")
            ])),
        )
        .await,
    );
    assert!(
        taken[0].contains("Walking group (council)") && taken[0].contains("Age UK"),
        "{taken:?}"
    );
    assert!(matches!(
        directory::service(&app.store, lunch).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        directory::service(&app.store, walking).await.unwrap().name,
        "Walking group"
    );

    // A bad feed names each problem and changes nothing.
    let bad = errors_of(
        import(&app.store, &vcse, &as_actor(&vcse), Some(&vcse_org), &upload(json!([service(walking, "Walking group, renamed"), {"id": lunch, "name": "Lunch club"}]))).await,
    );
    assert_eq!(
        bad,
        [format!(
            "file: services.json, record 2 (id {lunch}), field status: this field is required"
        )]
    );
    assert_eq!(
        directory::service(&app.store, walking).await.unwrap().name,
        "Walking group"
    );

    // Taxonomies describe every partner's services: only administrators import them.
    let terms = Upload::Feed {
        file_name: "terms.json".into(),
        bytes: example("taxonomy_term_list.json"),
        kind: FeedKind::TaxonomyTerms,
    };
    let refused =
        errors_of(import(&app.store, &vcse, &as_actor(&vcse), Some(&vcse_org), &terms).await);
    assert!(
        refused[0].starts_with("file: Only system administrators may import taxonomies"),
        "{refused:?}"
    );
    // Nor a partner that is not in the registry.
    let refused = errors_of(
        import(
            &app.store,
            &admin,
            &as_actor(&admin),
            Some("no-such-organisation"),
            &upload(json!([service(lunch, "Lunch club")])),
        )
        .await,
    );
    assert_eq!(
        refused,
        ["partner_organisation_id: Select an organisation from the list"]
    );

    // Every import is recorded, with who made it.
    let imports = directory::imports(&app.store).await.unwrap();
    assert_eq!(imports.len(), 2);
    assert!(
        imports
            .iter()
            .all(|i| i.imported_by.contains("Grace Mensah")),
        "{imports:?}"
    );
}

#[tokio::test]
async fn the_demo_directory_loads_through_the_real_import_once_and_validates() {
    let app = TestApp::new().await;
    let loaded = concord_demo::seed_directory(&app.store).await.unwrap();
    assert_eq!(
        loaded, 230,
        "30 VCSE partners' services and 200 from the councils' feed"
    );
    assert_eq!(
        concord_demo::seed_directory(&app.store).await.unwrap(),
        0,
        "loaded once"
    );

    // A VCSE partner's services are its own.
    let vcse_org = app.login_for("vcse").organisation_id.clone();
    let filter = directory::ServiceFilter {
        partner_organisation_id: Some(vcse_org),
        ..Default::default()
    };
    let own = directory::services(&app.store, &filter, concord_store::PageRequest::default())
        .await
        .unwrap();
    assert_eq!(own.total, 2);
    assert!(own
        .items
        .iter()
        .all(|s| s.partner_name.as_deref() == Some("Age UK Riverside")));

    // Every service the API serves is HSDS 3.0.
    let schema = compiled("service", &[]);
    for page in 1..=2 {
        let reply = app
            .api(
                Method::GET,
                &format!("/openreferral/services?per_page=200&page={page}"),
                None,
                None,
            )
            .await;
        let json = reply.json();
        assert_eq!(json["total_items"], 230);
        for service in json["contents"].as_array().unwrap() {
            assert_valid(&schema, service, service["name"].as_str().unwrap());
        }
    }
    // Loneliness services in Docklands (RV2) with places now.
    let loneliness = concord_store::directory::taxonomy_terms(
        &app.store,
        &directory::TermFilter {
            search: Some("loneliness".into()),
            ..Default::default()
        },
        concord_store::PageRequest::default(),
    )
    .await
    .unwrap();
    let term: Value = serde_json::from_str(&loneliness.items[0]).unwrap();
    let near = directory::services(
        &app.store,
        &directory::ServiceFilter {
            taxonomy_term_id: term["id"].as_str().map(str::to_string),
            postcode_district: Some("RV2".into()),
            with_capacity: true,
            ..Default::default()
        },
        concord_store::PageRequest::default(),
    )
    .await
    .unwrap();
    assert!(near.total > 0);
    for service in &near.items {
        assert!(
            service.capacity.as_ref().is_some_and(|c| c.0 > 0.0),
            "{}",
            service.name
        );
    }

    // Within 2 km of the middle of RV2 (its listed places' median position), nearest first, each
    // served as HSDS; the distance checked by the great-circle formula.
    use concord_directory::distance::{metres_between, Position};
    let (centre, _) = directory::district_centre(&app.store, "RV2")
        .await
        .unwrap()
        .unwrap();
    let reply = app
        .api(
            Method::GET,
            "/openreferral/services?postcode=RV2%204AB&proximity=2000&per_page=200",
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    let found = json["contents"].as_array().unwrap();
    assert!(
        !found.is_empty() && found.len() < 230,
        "{} services",
        found.len()
    );
    let mut last = 0.0;
    for service in found {
        assert_valid(&schema, service, service["name"].as_str().unwrap());
        let nearest = service["service_at_locations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|at| {
                let l = &at["location"];
                Position::new(l["latitude"].as_f64()?, l["longitude"].as_f64()?)
            })
            .map(|p| metres_between(centre, p))
            .fold(f64::INFINITY, f64::min);
        assert!(
            nearest <= 2000.0 * 1.005,
            "{} is {nearest} m away",
            service["name"]
        );
        assert!(
            nearest + 10.0 >= last,
            "nearest first: {nearest} after {last}"
        );
        last = nearest;
    }
    // Every service with a place that near is found (and none of the rest).
    let mut expected = 0;
    for page in 1..=2 {
        let all = directory::services(
            &app.store,
            &directory::ServiceFilter::default(),
            concord_store::PageRequest::new(Some(page), Some(200)),
        )
        .await
        .unwrap();
        for s in all.items {
            let index = concord_directory::index::of(&s.service);
            if index
                .places
                .iter()
                .filter_map(|p| Position::new(p.latitude?, p.longitude?))
                .any(|p| metres_between(centre, p) <= 1990.0)
            {
                expected += 1;
            }
        }
    }
    assert!(
        found.len() >= expected,
        "{} found, {expected} within 1,990 m",
        found.len()
    );
    // Bad proximity is refused, naming the parameter.
    for (query, field) in [
        ("proximity=2000", "postcode"),
        ("postcode=RV2&proximity=far", "proximity"),
        ("postcode=RV2&proximity=0", "proximity"),
        ("postcode=ZZ9&proximity=1000", "postcode"),
    ] {
        let reply = app
            .api(
                Method::GET,
                &format!("/openreferral/services?{query}"),
                None,
                None,
            )
            .await;
        assert!(reply.status.is_client_error(), "{query}: {}", reply.status);
        assert!(reply.body.contains(field), "{query}: {}", reply.body);
    }
}

#[tokio::test]
async fn a_place_belongs_to_one_service_and_nul_characters_find_nothing() {
    let app = TestApp::new().await;
    let admin = principal(&app, "admin").await;
    let vcse = principal(&app, "vcse").await;
    let vcse_org = app.login_for("vcse").organisation_id.clone();
    let place = "88888888-8888-4888-8888-888888888888";
    let service = |id: &str, name: &str| {
        json!({"id": id, "name": name, "status": "active",
               "service_at_locations": [{"id": place, "location": {"id": "99999999-9999-4999-8999-999999999999", "location_type": "physical"}}]})
    };
    let upload = |services: Value| Upload::Feed {
        file_name: "services.json".into(),
        bytes: serde_json::to_vec(&services).unwrap(),
        kind: FeedKind::Services,
    };
    let first = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
    let second = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
    // Within one file: refused, naming the repeated place.
    let refused = errors_of(
        import(
            &app.store,
            &admin,
            &Actor::person(&admin, None),
            None,
            &upload(json!([service(first, "Walk"), service(second, "Talk")])),
        )
        .await,
    );
    assert!(
        refused[0]
            .contains("service_at_locations[0].id: this service at location's id is given twice"),
        "{refused:?}"
    );
    // Across imports: another partner's file cannot take the place (nor fail with a server error).
    import(
        &app.store,
        &admin,
        &Actor::person(&admin, None),
        None,
        &upload(json!([service(first, "Walk")])),
    )
    .await
    .unwrap();
    let refused = errors_of(
        import(
            &app.store,
            &vcse,
            &Actor::person(&vcse, None),
            Some(&vcse_org),
            &upload(json!([service(second, "Talk")])),
        )
        .await,
    );
    assert!(
        refused[0].contains(&format!(
            "already the service \u{201c}Walk\u{201d}'s ({first})"
        )),
        "{refused:?}"
    );
    // A NUL character in a feed is named; in a search or an id it finds nothing.
    let nul = errors_of(
        import(
            &app.store,
            &admin,
            &Actor::person(&admin, None),
            None,
            &upload(json!([{"id": second, "name": "Talk\u{0}", "status": "active"}])),
        )
        .await,
    );
    assert!(
        nul[0].contains("field name: contains a NUL character"),
        "{nul:?}"
    );
    for path in [
        "/openreferral/services?search=walk%00",
        "/openreferral/services/%00",
        "/openreferral/taxonomy_terms?search=%00",
    ] {
        let reply = app.api(Method::GET, path, None, None).await;
        assert!(
            reply.status == StatusCode::OK || reply.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.status
        );
    }
}
