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
