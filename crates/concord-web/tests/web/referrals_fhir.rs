//! Referrals through the API: Concord's JSON and FHIR R4 (a GP system sends a ServiceRequest,
//! a service moves the Task), each checked against HL7's R4 structure at every state.

use crate::common;

use axum::http::{Method, StatusCode};
use common::referrals::*;
use serde_json::json;

#[tokio::test]
async fn the_api_speaks_concord_json_and_fhir_r4() {
    let (app, service) = app().await;
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let made = app
        .api(
            Method::POST,
            "/api/v1/referrals",
            Some(&clinician),
            Some(json!({ "nhs_number": ADA, "service_id": service, "reason": "Company", "phone": "01632 960 001", "contact_preference": "phone", "consent": true })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_str().unwrap().to_string();

    let theirs = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&vcse),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(
        theirs.json()["person"]["nhs_number"],
        serde_json::Value::Null
    );
    let ours = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&clinician),
            None,
        )
        .await;
    assert_eq!(ours.json()["person"]["nhs_number"], ADA);

    let task = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&clinician),
            None,
        )
        .await;
    assert_eq!(task.status, StatusCode::OK);
    assert_eq!(task.headers["content-type"], "application/fhir+json");
    let task = task.json();
    assert_eq!(task["status"], "requested");
    assert_eq!(task["for"]["identifier"]["value"], ADA);
    let for_service = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            None,
        )
        .await
        .json();
    assert!(
        for_service["for"].get("identifier").is_none(),
        "{for_service}"
    );

    // The service accepts by PUT of the Task; a move the lifecycle forbids is refused naming it.
    let accepted = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "id": id, "status": "accepted", "intent": "order",
                "businessStatus": { "coding": [{ "system": "urn:concord:fhir:CodeSystem:capacity-reply", "code": "waitlist" }] } })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(
        accepted.json()["businessStatus"]["coding"][0]["code"],
        "waitlist"
    );
    let completed = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "id": id, "status": "completed", "intent": "order" })),
        )
        .await;
    assert_eq!(completed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        completed
            .body
            .contains("A referral that is accepted cannot be marked completed"),
        "{}",
        completed.body
    );
    let bogus = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "status": "ready" })),
        )
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Someone else's token sees nothing.
    let analyst = app.token("analyst").await;
    let refused = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/ServiceRequest/{id}"),
            Some(&analyst),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let caseload = app
        .api(Method::GET, "/api/v1/referrals", Some(&vcse), None)
        .await
        .json();
    assert_eq!(caseload["received"].as_array().unwrap().len(), 1);
}

/// The FHIR R4 schemas of Task and ServiceRequest (HL7's JSON schema, vendored under
/// `data/fhir-r4`), compiled for `definition`.
fn fhir_schema(definition: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/fhir-r4/referral.schema.json"
    ))
    .expect("the vendored FHIR schema");
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    schema["$ref"] = json!(format!("#/definitions/{definition}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .expect("the FHIR schema compiles")
}

/// What R4 requires beyond the JSON schema (which checks no cardinality), and what HL7's SDOH
/// referral-management profile of Task adds.
fn assert_r4_task(task: &serde_json::Value) {
    const STATUSES: [&str; 12] = [
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    ];
    assert!(
        STATUSES.contains(&task["status"].as_str().unwrap()),
        "{task}"
    );
    assert_eq!(task["intent"], "order");
    assert_eq!(
        task["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/CodeSystem/task-code"
    );
    assert_eq!(task["code"]["coding"][0]["code"], "fulfill");
    assert!(task["focus"]["reference"]
        .as_str()
        .unwrap()
        .starts_with("ServiceRequest/"));
    for element in ["for", "authoredOn", "requester", "owner"] {
        assert!(
            task.get(element).is_some(),
            "Task.{element} missing: {task}"
        );
    }
    if ["rejected", "cancelled", "on-hold", "failed"].contains(&task["status"].as_str().unwrap()) {
        assert!(
            task["statusReason"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{task}"
        );
    }
    // inv-1: lastModified >= authoredOn.
    assert!(task["lastModified"].as_str().unwrap() >= task["authoredOn"].as_str().unwrap());
}

fn assert_r4_service_request(request: &serde_json::Value) {
    const STATUSES: [&str; 7] = [
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    ];
    assert!(
        STATUSES.contains(&request["status"].as_str().unwrap()),
        "{request}"
    );
    assert_eq!(request["intent"], "order");
    assert!(request.get("subject").is_some());
    assert!(["routine", "urgent", "asap", "stat"].contains(&request["priority"].as_str().unwrap()));
    // prr-1: orderDetail only with a code (we send no orderDetail, and always a code).
    assert_eq!(
        request["code"]["coding"][0]["system"],
        "http://snomed.info/sct"
    );
    assert_eq!(request["code"]["coding"][0]["code"], "871731000000106");
}

#[tokio::test]
async fn a_gp_system_sends_a_referral_as_a_fhir_service_request() {
    let (app, service) = app().await;
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let request = |nhs: &str, consent: &str| {
        json!({
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "priority": "routine",
            "contained": [
                { "resourceType": "Patient", "id": "person", "telecom": [
                    { "system": "phone", "value": "01632 960 001", "rank": 1 } ] },
                { "resourceType": "Consent", "id": "agreed", "status": consent,
                  "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
                  "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0" }] }],
                  "policyRule": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN" }] } }
            ],
            "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs } },
            "performer": [{ "reference": format!("HealthcareService/{service}") }],
            "note": [{ "text": "Would like company on weekday afternoons" }],
            "supportingInfo": [{ "reference": "#agreed" }]
        })
    };
    // Not the person's agreement, not on the list, not a ServiceRequest: refused by element.
    let unagreed = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "inactive")),
        )
        .await;
    assert_eq!(unagreed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unagreed.body.contains("supportingInfo"),
        "{}",
        unagreed.body
    );
    let stranger = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request("4010232137", "active")),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger.body.contains("subject.identifier"),
        "{}",
        stranger.body
    );
    let task = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(json!({ "resourceType": "Task" })),
        )
        .await;
    assert_eq!(task.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(referrals(&app).await, 0, "nothing was made");
    // A service may not send referrals.
    let by_service = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&vcse),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(by_service.status, StatusCode::FORBIDDEN);

    let made = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.headers["content-type"], "application/fhir+json");
    let body = made.json();
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(made.location(), format!("/api/v1/fhir/ServiceRequest/{id}"));
    assert_eq!(body["status"], "active");
    assert_eq!(body["subject"]["identifier"]["value"], ADA);
    assert_eq!(referrals(&app).await, 1);
    // The service has it to act on, with the person's words and how to reach them.
    let theirs = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.json()["status"], "requested");
    let referral = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&vcse),
            None,
        )
        .await
        .json();
    assert_eq!(
        referral["person"]["reason"],
        "Would like company on weekday afternoons"
    );
    assert_eq!(referral["person"]["phone"], "01632 960 001");
    // The same person cannot be sent twice to the same service.
    let again = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("performer[0]"), "{}", again.body);
}

#[tokio::test]
async fn fhir_task_and_service_request_validate_against_r4_at_every_state() {
    let (app, service) = app().await;
    let task_schema = fhir_schema("Task");
    let request_schema = fhir_schema("ServiceRequest");
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let check = |value: &serde_json::Value, validator: &jsonschema::Validator, what: &str| {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not validate: {errors:#?}\n{value}"
        );
    };
    // The schema itself refuses what R4 does not allow.
    let mut wrong = json!({ "resourceType": "Task", "status": "waiting", "intent": "order" });
    assert!(!task_schema.is_valid(&wrong));
    wrong["status"] = json!("requested");
    assert!(task_schema.is_valid(&wrong));
    wrong["colour"] = json!("red");
    assert!(!task_schema.is_valid(&wrong));

    let make = |nhs: &'static str| {
        let app = &app;
        let service = service.clone();
        let clinician = clinician.clone();
        async move {
            app.api(
                Method::POST,
                "/api/v1/referrals",
                Some(&clinician),
                Some(json!({ "nhs_number": nhs, "service_id": service, "reason": "Company", "phone": "01632 960 001",
                    "email": "ada@example.org", "contact_preference": "phone", "consent": true, "priority": "urgent" })),
            )
            .await
            .json()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let first = make(ADA).await;
    let second = make(ALAN).await;
    let moves: Vec<(&str, serde_json::Value)> = vec![
        (&first, json!({ "status": "received" })),
        (
            &first,
            json!({ "status": "accepted", "capacity": "additional_assessment_required" }),
        ),
        (&first, json!({ "status": "in_progress" })),
        (
            &first,
            json!({ "status": "on_hold", "reason": "other", "note": "In hospital" }),
        ),
        (
            &second,
            json!({ "status": "rejected", "reason": "not_eligible" }),
        ),
    ];
    let mut seen = 0;
    for change in std::iter::once(None).chain(moves.into_iter().map(Some)) {
        if let Some((id, change)) = &change {
            let moved = app
                .api(
                    Method::POST,
                    &format!("/api/v1/referrals/{id}/status"),
                    Some(&vcse),
                    Some(change.clone()),
                )
                .await;
            assert_eq!(moved.status, StatusCode::OK, "{change}: {}", moved.body);
        }
        for id in [&first, &second] {
            for (path, validator, r4) in [
                (
                    "Task",
                    &task_schema,
                    assert_r4_task as fn(&serde_json::Value),
                ),
                ("ServiceRequest", &request_schema, assert_r4_service_request),
            ] {
                let reply = app
                    .api(
                        Method::GET,
                        &format!("/api/v1/fhir/{path}/{id}"),
                        Some(&clinician),
                        None,
                    )
                    .await;
                let value = reply.json();
                check(&value, validator, path);
                r4(&value);
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 24);
    let rejected = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{second}"),
            Some(&clinician),
            None,
        )
        .await
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["statusReason"]["text"],
        "Not eligible for this service"
    );
    let held = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/ServiceRequest/{first}"),
            Some(&clinician),
            None,
        )
        .await
        .json();
    assert_eq!(held["status"], "on-hold");
    assert_eq!(
        held["subject"]["identifier"]["system"],
        "https://fhir.nhs.uk/Id/nhs-number"
    );
}
