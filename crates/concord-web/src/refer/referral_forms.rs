//! Making a referral: the care team's form (from a person on a worklist, or from a service's
//! page) and the public self-referral form a service can share with the people it serves.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::{Context, PageForm, Params};
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{Next, Notice};
use crate::ui::Layout;
use crate::AppState;
use axum::extract::Path;
use axum::response::Response;
use concord_app::refer::referrals as use_case;
use concord_domain::ethnicity::EthnicGroup;
use concord_domain::referral::{
    ContactPreference, ReferralDraft, ReferralPriority, SelfReferralDraft,
};
use concord_domain::ValidationErrors;
use concord_store::{directory, lookups};
use serde::Deserialize;

/// What a "Refer" link carries: the person, the service, and where the person was found.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReferQuery {
    /// The person's NHS number.
    pub nhs_number: String,
    /// The service.
    pub service_id: String,
    /// The cohort whose worklist the person is on.
    pub cohort_id: String,
}

async fn referral_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    draft: &ReferralDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let fields = Fields::new(draft)
        .text("nhs_number", "NHS number", "The person must be on your practice's registered list")
        .select_with_hint(
            "service_id",
            "Service",
            "Services that take referrals through Concord. Find one by need and place under Services.",
            lookups::referrable_services(&state.store).await?,
            "Choose a service",
        )
        .select("need", "Type of need (optional, for the figures)", lookups::needs(&state.store).await?, "Not said")
        .textarea(
            "reason",
            "What the person would like help with",
            "In their words where you can. The service sees this, so write only what it needs to know.",
        )
        .telephone("phone", "Phone number", "For the service to get in touch")
        .email("email", "E-mail address (optional)", "")
        .select("contact_preference", "How they would like to be contacted", ContactPreference::choices(), "Choose one")
        .select(
            "priority",
            "How urgent",
            ReferralPriority::choices(),
            "",
        )
        .checkbox(
            "consent",
            "The person agreed to share these details with the service",
            "Your name is recorded as having taken their agreement.",
        )
        .checkbox("save_as_draft", "Keep as a draft: do not send yet", "")
        .build();
    let action = if draft.cohort_id.is_empty() {
        "/referrals".to_string()
    } else {
        // A cohort's id is a UUID: anything else in it is dropped rather than put in a link.
        let id: String = draft
            .cohort_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!("/referrals?cohort_id={id}")
    };
    let def = FormDef {
        heading: "Refer someone to a service".into(),
        caption: "Referrals".into(),
        intro: "The service sees the person's name, how to reach them and what they would like help with, and only while the referral is theirs to act on. It never sees their NHS number.".into(),
        warning: None,
        back: ("/referrals".into(), "Referrals".into()),
        action,
        submit: "Send referral".into(),
        fields,
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, "Refer someone", "referrals"),
        def,
        errors,
    ))
}

impl From<ReferQuery> for ReferralDraft {
    /// A new referral of the person to the service, routine until said otherwise.
    fn from(query: ReferQuery) -> ReferralDraft {
        ReferralDraft {
            nhs_number: query.nhs_number,
            service_id: query.service_id,
            cohort_id: query.cohort_id,
            priority: ReferralPriority::Routine.as_str().into(),
            ..ReferralDraft::default()
        }
    }
}

/// `GET /referrals/new`: the referral form, filled from a worklist's or a service's link.
pub async fn new(
    Context(state, visitor, permit): Context,
    Params(query): Params<ReferQuery>,
) -> Result<Response, PageError> {
    let draft = ReferralDraft::from(query);
    referral_form(
        &state,
        &visitor,
        &permit,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /referrals/new`: the referral form for a person on a worklist, their NHS number posted
/// (never in an address, where logs and browser history would keep it).
pub async fn new_for(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let query: ReferQuery = parse(&form, &[])?;
    let draft = ReferralDraft::from(query);
    referral_form(
        &state,
        &visitor,
        &permit,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// Where a posted referral came from.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FromCohort {
    /// The cohort whose worklist the person is on.
    pub cohort_id: String,
}

/// `POST /referrals`: makes the referral (sent, or kept as a draft).
pub async fn create(
    Context(state, visitor, permit): Context,
    Params(from): Params<FromCohort>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let mut draft: ReferralDraft = parse(&form, &[])?;
    draft.cohort_id = from.cohort_id;
    let notice = if draft.save_as_draft {
        Notice::ReferralKept
    } else {
        Notice::ReferralSent
    };
    settle(
        use_case::make(&state.store, &state.population, permit.person(), &draft).await,
        |id| Next::to(format!("/referrals/{id}"), notice),
        |errors| referral_form(&state, &visitor, &permit, &draft, errors),
    )
    .await
}

async fn self_referral_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    service_id: &str,
    draft: &SelfReferralDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let service = directory::service(&state.store, service_id).await?;
    let intro = format!(
        "{} will get in touch with you. They see only what you write here, and keep it only to help you.",
        service.partner_name.clone().unwrap_or_else(|| service.name.clone())
    );
    let fields = Fields::new(draft)
        .text("given_name", "First name", "")
        .autocomplete("given-name")
        .text("family_name", "Last name", "")
        .autocomplete("family-name")
        .number(
            "age",
            "Your age (optional)",
            "Some services are for some ages only",
        )
        .text("postcode", "Postcode (optional)", "For example, RV1 2AB")
        .autocomplete("postal-code")
        .select_with_hint(
            "ethnic_group",
            "Your ethnic group (optional)",
            "This helps local services see whether they reach everyone. The service does not see it.",
            EthnicGroup::choices(),
            "Choose one, or leave it",
        )
        .textarea("reason", "What would you like help with?", "")
        .telephone(
            "phone",
            "Phone number",
            "Give a phone number or an e-mail address, or both",
        )
        .autocomplete("tel")
        .email("email", "E-mail address", "")
        .autocomplete("email")
        .select(
            "contact_preference",
            "How would you like to be contacted?",
            ContactPreference::choices(),
            "Choose one",
        )
        .checkbox(
            "consent",
            "I agree to the service holding these details to help me",
            "You can ask the service to delete them at any time.",
        )
        .build();
    let def = FormDef {
        heading: format!("Ask {} for help", service.name),
        caption: service.partner_name.clone().unwrap_or_default(),
        intro,
        warning: None,
        back: ("/".into(), "Home".into()),
        action: format!("/services/{service_id}/refer-yourself"),
        submit: "Send".into(),
        fields,
    };
    // Someone not signed in gets a CSRF token of their own for the form, as on the sign-in page.
    Ok(crate::auth::public_form(visitor, |visitor| {
        form_page(
            Layout::new(
                state,
                visitor,
                permit,
                format!("Ask {} for help", service.name),
                "services",
            ),
            def,
            errors,
        )
    }))
}

/// `GET /services/{id}/refer-yourself`: the public self-referral form.
pub async fn self_referral(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    self_referral_form(
        &state,
        &visitor,
        &permit,
        &id,
        &SelfReferralDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /services/{id}/refer-yourself`: records the request; the person is told it was sent.
pub async fn self_refer(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: SelfReferralDraft = parse(&form, &[])?;
    settle(
        use_case::self_refer(&state.store, &id, &draft, &visitor.client).await,
        |_| {
            Next::to(
                format!("/services/{id}/refer-yourself/sent"),
                Notice::SelfReferralSent,
            )
        },
        |errors| self_referral_form(&state, &visitor, &permit, &id, &draft, errors),
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "refer/self_referral_sent.html")]
struct SentPage {
    layout: Layout,
    service: concord_store::directory::StoredService,
    record: String,
}

/// `GET /services/{id}/refer-yourself/sent`: what happens next, after a self-referral.
pub async fn self_referral_sent(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let service = directory::service(&state.store, &id).await?;
    let record = match use_case::service_record(&state.store, &id).await? {
        Some(r) => format!(
            "{} usually replies within {}.",
            service
                .partner_name
                .clone()
                .unwrap_or_else(|| service.name.clone()),
            concord_domain::format::plural(
                i64::from(r.median_working_days),
                "working day",
                "working days"
            )
        ),
        None => String::new(),
    };
    Ok(crate::ui::render(&SentPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Your request has been sent",
            "services",
        ),
        service,
        record,
    }))
}
