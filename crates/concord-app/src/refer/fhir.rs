//! Referrals in FHIR R4 JSON, as a GP system or a VCSE case-management tool reads them: the
//! request (ServiceRequest) and the work on it (Task), following the lifecycle of FHIR's Task for
//! referral management (HL7's SDOH Clinical Care guide): `intent` order, `code` fulfill,
//! `focus` the ServiceRequest, `for` the person, `requester` and `owner` organisations by ODS
//! code, a reason in words with any status that needs one, and the service's capacity answer as
//! the business status. UK codes where they exist: SNOMED CT's referral to social prescribing,
//! NHS numbers and ODS codes under NHS England's identifier systems.

use concord_domain::referral::{ReferralSource, SNOMED_REFERRAL};
use concord_store::referrals::{Referral, ReferralHeader};
use serde_json::{json, Map, Value};

/// NHS England's identifier system for NHS numbers.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// NHS England's identifier system for ODS organisation codes.
pub const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
/// The code system of the service's capacity answers.
pub const CAPACITY_SYSTEM: &str = "urn:concord:fhir:CodeSystem:capacity-reply";
/// The code system of reasons for declining, cancelling, pausing or ending.
pub const REASON_SYSTEM: &str = "urn:concord:fhir:CodeSystem:referral-reason";

fn organisation(code: &str, name: &str) -> Value {
    json!({
        "type": "Organization",
        "identifier": { "system": ODS_SYSTEM, "value": code },
        "display": name,
    })
}

/// The person, as the viewer may see them: by NHS number only for the referring care team
/// (the service's copy has none).
fn subject(referral: &Referral) -> Value {
    let person = &referral.person;
    let mut reference = Map::new();
    reference.insert("type".into(), json!("Patient"));
    if let Some(nhs) = &person.nhs_number {
        reference.insert(
            "identifier".into(),
            json!({ "system": NHS_NUMBER_SYSTEM, "value": nhs }),
        );
    }
    reference.insert(
        "display".into(),
        json!(format!("{} {}", person.given_name, person.family_name)),
    );
    Value::Object(reference)
}

fn requester(referral: &Referral) -> Value {
    let header = &referral.header;
    match (
        header.source,
        &header.referring_organisation_code,
        &header.referring_organisation_name,
    ) {
        (ReferralSource::CareTeam, Some(code), Some(name)) => organisation(code, name),
        // A self-referral: the person asked for it themselves.
        _ => subject(referral),
    }
}

fn owner(header: &ReferralHeader) -> Value {
    organisation(
        &header.receiving_organisation_code,
        &header.receiving_organisation_name,
    )
}

/// The referral as a FHIR R4 Task.
pub fn task(referral: &Referral) -> Value {
    let header = &referral.header;
    let mut task = Map::new();
    task.insert("resourceType".into(), json!("Task"));
    task.insert("id".into(), json!(header.id));
    task.insert(
        "meta".into(),
        json!({ "lastUpdated": header.last_modified }),
    );
    task.insert("status".into(), json!(header.status.fhir_code()));
    if let Some(reason) = header.status_reason {
        let note = header.status_note.clone().unwrap_or_default();
        let text = if note.is_empty() {
            reason.label().to_string()
        } else {
            format!("{}: {note}", reason.label())
        };
        task.insert(
            "statusReason".into(),
            json!({
                "coding": [{ "system": REASON_SYSTEM, "code": reason.as_str(), "display": reason.label() }],
                "text": text,
            }),
        );
    }
    if let Some(capacity) = header.capacity_reply {
        task.insert(
            "businessStatus".into(),
            json!({
                "coding": [{ "system": CAPACITY_SYSTEM, "code": capacity.as_str(), "display": capacity.label() }],
                "text": capacity.label(),
            }),
        );
    }
    task.insert("intent".into(), json!("order"));
    task.insert("priority".into(), json!(header.priority.as_str()));
    task.insert(
        "code".into(),
        json!({ "coding": [{
            "system": "http://hl7.org/fhir/CodeSystem/task-code",
            "code": "fulfill",
            "display": "Fulfill the focal request",
        }] }),
    );
    task.insert(
        "focus".into(),
        json!({ "reference": format!("ServiceRequest/{}", header.id), "type": "ServiceRequest" }),
    );
    task.insert("for".into(), subject(referral));
    task.insert("authoredOn".into(), json!(header.authored_on));
    task.insert("lastModified".into(), json!(header.last_modified));
    task.insert("requester".into(), requester(referral));
    task.insert("owner".into(), owner(header));
    if let Some(start) = &header.first_contact_at {
        let mut period = Map::new();
        period.insert("start".into(), json!(start));
        if let Some(end) = &header.closed_at {
            period.insert("end".into(), json!(end));
        }
        task.insert("executionPeriod".into(), Value::Object(period));
    }
    Value::Object(task)
}

/// The referral as a FHIR R4 ServiceRequest.
pub fn service_request(referral: &Referral) -> Value {
    let header = &referral.header;
    let person = &referral.person;
    let mut request = Map::new();
    request.insert("resourceType".into(), json!("ServiceRequest"));
    request.insert("id".into(), json!(header.id));
    request.insert(
        "meta".into(),
        json!({ "lastUpdated": header.last_modified }),
    );
    request.insert(
        "status".into(),
        json!(header.status.service_request_status()),
    );
    request.insert("intent".into(), json!("order"));
    request.insert(
        "code".into(),
        json!({
            "coding": [{ "system": "http://snomed.info/sct", "code": SNOMED_REFERRAL.0, "display": SNOMED_REFERRAL.1 }],
            "text": format!("Referral to {}", header.service_name),
        }),
    );
    request.insert("priority".into(), json!(header.priority.as_str()));
    request.insert("subject".into(), subject(referral));
    request.insert("authoredOn".into(), json!(header.authored_on));
    request.insert("requester".into(), requester(referral));
    request.insert(
        "performer".into(),
        json!([{
            "type": "HealthcareService",
            "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", header.service_id) },
            "display": header.service_name,
        }]),
    );
    if let Some(need) = &header.need_label {
        request.insert("reasonCode".into(), json!([{ "text": need }]));
    }
    let mut notes = vec![json!({ "text": person.reason })];
    notes.push(json!({ "text": format!(
        "Get in touch by {}{}{}",
        person.contact_preference.label().to_lowercase(),
        person.phone.as_ref().map(|p| format!("; phone {p}")).unwrap_or_default(),
        person.email.as_ref().map(|e| format!("; e-mail {e}")).unwrap_or_default(),
    ) }));
    if let (Some(by), Some(at)) = (&person.consent_recorded_by, &person.consent_at) {
        notes.push(json!({
            "text": format!("The person agreed to share these details with the service (recorded by {by})"),
            "time": at,
        }));
    }
    request.insert("note".into(), Value::Array(notes));
    Value::Object(request)
}
