//! Referrals in FHIR R4 JSON, as a GP system or a VCSE case-management tool sends and reads them:
//! a ServiceRequest asks for one ([`draft_from_service_request`]); Concord serves the
//! request (ServiceRequest) and the work on it (Task), following the lifecycle of FHIR's Task for
//! referral management (HL7's SDOH Clinical Care guide): `intent` order, `code` fulfill,
//! `focus` the ServiceRequest, `for` the person, `requester` and `owner` organisations by ODS
//! code, a reason in words with any status that needs one, and the service's capacity answer as
//! the business status. UK codes where they exist: SNOMED CT's referral to social prescribing,
//! NHS numbers and ODS codes under NHS England's identifier systems.

use concord_domain::referral::{ReferralDraft, ReferralSource, SNOMED_REFERRAL};
use concord_domain::{validation::FieldError, ValidationErrors};
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

/// The code system of the directory's taxonomy terms, for a referral's need.
pub const NEED_SYSTEM: &str = "urn:concord:fhir:CodeSystem:directory-taxonomy-term";

/// Where each of a referral draft's fields is in a ServiceRequest, so a refusal names the
/// element the sender wrote.
const FHIR_PATHS: [(&str, &str); 8] = [
    ("nhs_number", "subject.identifier"),
    ("service_id", "performer[0]"),
    ("need", "reasonCode[0].coding[0]"),
    ("reason", "note[0].text"),
    ("phone", "contained[Patient].telecom"),
    ("email", "contained[Patient].telecom"),
    ("contact_preference", "contained[Patient].telecom"),
    ("consent", "supportingInfo"),
];

/// The element of a ServiceRequest that holds a referral draft's `field`.
pub fn fhir_path(field: &str) -> &str {
    FHIR_PATHS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(field, |(_, path)| path)
}

/// Renames a refusal's fields to the ServiceRequest elements that hold them.
pub fn at_fhir_paths(errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors
            .0
            .into_iter()
            .map(|e| FieldError {
                field: fhir_path(&e.field).to_string(),
                message: e.message,
            })
            .collect(),
    )
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = value;
    for step in path {
        at = match step.parse::<usize>() {
            Ok(i) => at.get(i)?,
            Err(_) => at.get(*step)?,
        };
    }
    at.as_str().map(str::trim)
}

/// The referral a FHIR R4 ServiceRequest asks for, sent by a GP system or a VCSE
/// case-management tool:
///
/// - `status` `active` (send) or `draft` (keep as a draft); `intent` `order`;
/// - `subject.identifier`: the person's NHS number (they must be on the sender's practice's list);
/// - `performer[0]`: the directory service, as `identifier` `urn:uuid:{id}` or a `reference`
///   `HealthcareService/{id}`;
/// - `priority` `routine` or `urgent`; `reasonCode[0].coding[0]` a need from [`NEED_SYSTEM`];
/// - `note[0].text`: what the person would like help with;
/// - a contained Patient whose `telecom` gives a phone (or `sms`) and e-mail, the one ranked
///   first being how they would like to be contacted;
/// - `supportingInfo` referring to a contained Consent with status `active`: the person agreed
///   to share these details.
///
/// Every element it cannot read is named by its path.
pub fn draft_from_service_request(request: &Value) -> Result<ReferralDraft, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if text(request, &["resourceType"]) != Some("ServiceRequest") {
        errors.add(
            "resourceType",
            "Send a FHIR ServiceRequest: resourceType must be \"ServiceRequest\"",
        );
        return Err(errors);
    }
    let save_as_draft = match text(request, &["status"]) {
        Some("active") => false,
        Some("draft") => true,
        _ => {
            errors.add(
                "status",
                "Give status \"active\" to send the referral, or \"draft\" to keep it as a draft",
            );
            false
        }
    };
    if text(request, &["intent"]).is_some_and(|i| i != "order") {
        errors.add("intent", "A referral's intent is \"order\"");
    }
    let nhs_number = match (
        text(request, &["subject", "identifier", "system"]),
        text(request, &["subject", "identifier", "value"]),
    ) {
        (Some(NHS_NUMBER_SYSTEM), Some(value)) => value.to_string(),
        _ => {
            errors.add(
                "subject.identifier",
                format!(
                    "Give the person's NHS number as an identifier with system {NHS_NUMBER_SYSTEM}"
                ),
            );
            String::new()
        }
    };
    let service_id = text(request, &["performer", "0", "identifier", "value"])
        .and_then(|v| v.strip_prefix("urn:uuid:"))
        .or_else(|| {
            text(request, &["performer", "0", "reference"])
                .and_then(|r| r.strip_prefix("HealthcareService/"))
        });
    let service_id = match service_id {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            errors.add(
                "performer[0]",
                "Name the directory service as performer[0]: an identifier urn:uuid:{id}, or a reference HealthcareService/{id}",
            );
            String::new()
        }
    };
    let priority = match text(request, &["priority"]) {
        None | Some("routine") => "routine",
        Some("urgent") => "urgent",
        Some(_) => {
            errors.add(
                "priority",
                "Give priority \"routine\" or \"urgent\": the services in the directory take no other",
            );
            "routine"
        }
    };
    let need = match (
        text(request, &["reasonCode", "0", "coding", "0", "system"]),
        text(request, &["reasonCode", "0", "coding", "0", "code"]),
    ) {
        (Some(NEED_SYSTEM), Some(code)) => code.to_string(),
        (None, None) => String::new(),
        _ => {
            errors.add(
                "reasonCode[0].coding[0]",
                format!("Code the need from {NEED_SYSTEM} (a term in the directory's taxonomies), or leave reasonCode out"),
            );
            String::new()
        }
    };
    let reason = text(request, &["note", "0", "text"])
        .unwrap_or_default()
        .to_string();
    let contained: &[Value] = request
        .get("contained")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let patient = contained
        .iter()
        .find(|r| text(r, &["resourceType"]) == Some("Patient"));
    let mut telecom: Vec<(u64, &str, &str)> = patient
        .and_then(|p| p.get("telecom"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|t| {
            let rank = t.get("rank").and_then(Value::as_u64).unwrap_or(u64::MAX);
            Some((rank, text(t, &["system"])?, text(t, &["value"])?))
        })
        .collect();
    telecom.sort_by_key(|t| t.0);
    let phone = telecom
        .iter()
        .find(|t| t.1 == "phone" || t.1 == "sms")
        .map(|t| t.2.to_string())
        .unwrap_or_default();
    let email = telecom
        .iter()
        .find(|t| t.1 == "email")
        .map(|t| t.2.to_string())
        .unwrap_or_default();
    let contact_preference = match telecom.first().map(|t| t.1) {
        Some("sms") => "text",
        Some("email") => "email",
        Some(_) => "phone",
        None => "",
    }
    .to_string();
    let consent = request
        .get("supportingInfo")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|s| text(s, &["reference"])?.strip_prefix('#'))
        .any(|id| {
            contained.iter().any(|r| {
                text(r, &["resourceType"]) == Some("Consent")
                    && text(r, &["id"]) == Some(id)
                    && text(r, &["status"]) == Some("active")
            })
        });
    errors.into_result()?;
    Ok(ReferralDraft {
        nhs_number,
        service_id,
        need,
        reason,
        phone,
        email,
        contact_preference,
        priority: priority.into(),
        consent,
        save_as_draft,
        cohort_id: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Value {
        json!({
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "priority": "urgent",
            "contained": [
                { "resourceType": "Patient", "id": "person", "telecom": [
                    { "system": "email", "value": "ada@example.org", "rank": 2 },
                    { "system": "sms", "value": "07700 900123", "rank": 1 }
                ] },
                { "resourceType": "Consent", "id": "agreed", "status": "active" }
            ],
            "subject": { "identifier": { "system": NHS_NUMBER_SYSTEM, "value": "9434765919" } },
            "performer": [{ "reference": "HealthcareService/svc-1" }],
            "reasonCode": [{ "coding": [{ "system": NEED_SYSTEM, "code": "term-7" }] }],
            "note": [{ "text": "Would like company" }],
            "supportingInfo": [{ "reference": "#agreed" }]
        })
    }

    #[test]
    fn a_service_request_reads_as_a_referral_draft() {
        let draft = draft_from_service_request(&request()).unwrap();
        assert_eq!(draft.nhs_number, "9434765919");
        assert_eq!(draft.service_id, "svc-1");
        assert_eq!(draft.need, "term-7");
        assert_eq!(draft.priority, "urgent");
        assert_eq!(draft.reason, "Would like company");
        assert_eq!(draft.phone, "07700 900123");
        assert_eq!(draft.email, "ada@example.org");
        assert_eq!(draft.contact_preference, "text", "the telecom ranked first");
        assert!(draft.consent && !draft.save_as_draft);
        assert!(draft.validate().is_ok());
        // The identifier form of the performer, as Concord serves it.
        let mut by_identifier = request();
        by_identifier["performer"] = json!([{ "identifier": {
            "system": "urn:ietf:rfc:3986", "value": "urn:uuid:svc-2" } }]);
        assert_eq!(
            draft_from_service_request(&by_identifier)
                .unwrap()
                .service_id,
            "svc-2"
        );
    }

    #[test]
    fn consent_must_be_an_active_contained_consent_that_is_referred_to() {
        let mut withdrawn = request();
        withdrawn["contained"][1]["status"] = json!("inactive");
        assert!(!draft_from_service_request(&withdrawn).unwrap().consent);
        let mut unreferenced = request();
        unreferenced["supportingInfo"] = json!([{ "reference": "#someone-else" }]);
        assert!(!draft_from_service_request(&unreferenced).unwrap().consent);
        let refused = draft_from_service_request(&withdrawn)
            .unwrap()
            .validate()
            .unwrap_err();
        let named = at_fhir_paths(refused);
        assert!(named.for_field("supportingInfo").is_some(), "{named:?}");
    }

    #[test]
    fn each_unreadable_element_is_named_by_its_path() {
        let bad = json!({
            "resourceType": "ServiceRequest",
            "status": "completed",
            "intent": "plan",
            "priority": "stat",
            "subject": { "identifier": { "system": "urn:other", "value": "1" } },
            "performer": [{ "display": "Somebody" }],
            "reasonCode": [{ "coding": [{ "system": "http://snomed.info/sct", "code": "1" }] }]
        });
        let errors = draft_from_service_request(&bad).unwrap_err();
        for path in [
            "status",
            "intent",
            "priority",
            "subject.identifier",
            "performer[0]",
            "reasonCode[0].coding[0]",
        ] {
            assert!(errors.for_field(path).is_some(), "{path}: {errors:?}");
        }
        let task = json!({ "resourceType": "Task" });
        let errors = draft_from_service_request(&task).unwrap_err();
        assert!(errors.for_field("resourceType").is_some());
    }
}
