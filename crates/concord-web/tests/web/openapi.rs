//! The public API's contract, pinned: `/api/v1` is the stable interface partners' programs build
//! on, so any change to its OpenAPI document (a path, a field, a status) shows here as a diff to
//! review and accept (`cargo insta review`), never by accident.

#[tokio::test]
async fn the_openapi_document_is_the_reviewed_contract() {
    let document = concord_web::api::openapi_json().await.0;
    let json = serde_json::to_string_pretty(&document).expect("the document serialises");
    assert!(
        json.contains("\"/api/v1/"),
        "the document lists the API's paths"
    );
    insta::assert_snapshot!("openapi", json);
}

#[tokio::test]
async fn every_operation_has_an_id_of_its_own() {
    let document = concord_web::api::openapi_json().await.0;
    let json = serde_json::to_value(&document).expect("the document serialises");
    let mut seen = std::collections::BTreeMap::new();
    for (path, operations) in json["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            if let Some(other) = seen.insert(id.to_string(), format!("{method} {path}")) {
                panic!("operationId {id} is used by {other} and by {method} {path}");
            }
        }
    }
    assert!(seen.len() > 100, "{} operations", seen.len());
}
