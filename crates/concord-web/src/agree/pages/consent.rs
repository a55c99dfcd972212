//! Agree: consent decisions. Proposals put to a round's board, responses from each partner
//! organisation, amendments that reopen responses, and the recorded outcome.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::consent::{
    ProposalDraft, ProposalStatus, ResponseDraft, ResponseKind, Standing,
};
use concord_domain::ValidationErrors;
use concord_store::consent::{self, Proposal, ProposalResponse};
use concord_store::strategy;
use serde::Deserialize;

fn proposal_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    heading: String,
    action: String,
    form: ProposalDraft,
    errors: ValidationErrors,
) -> Response {
    // Back to where the form was opened from: the round (a new proposal) or the proposal.
    let back = action
        .strip_suffix("/proposals")
        .or_else(|| action.strip_suffix("/amend"))
        .unwrap_or("/rounds")
        .to_string();
    let def = FormDef {
        warning: None,
        heading: heading.clone(),
        caption: String::new(),
        intro: "Each partner organisation on the board responds: consent, consent with a concern, \
                object (with a reason) or abstain. An objection blocks adoption until it is withdrawn \
                or the proposal is amended; amending reopens every response."
            .into(),
        back: (back, "Back".into()),
        action,
        submit: "Save".into(),
        fields: Fields::new(&form)
            .text("title", "What is proposed", "For example: adopt the Joint Forward Plan priorities")
            .textarea("text", "The proposal in full", "")
            .date("closes_on", "Responses close on", "")
            .number("quorum", "Partner organisations that must respond", "A whole number")
            .build(),
    };
    form_page(
        Layout::new(state, visitor, permit, heading, "rounds"),
        def,
        errors,
    )
}

/// `GET /rounds/{id}/proposals/new`.
pub async fn new_proposal(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, &id).await?;
    let form = ProposalDraft {
        closes_on: round.closes_on.clone(),
        quorum: "1".into(),
        ..Default::default()
    };
    Ok(proposal_form(
        &state,
        &visitor,
        &permit,
        format!("Put a proposal to {}", round.board_name),
        format!("/rounds/{id}/proposals"),
        form,
        ValidationErrors::default(),
    ))
}

/// `POST /rounds/{id}/proposals`.
pub async fn create_proposal(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<ProposalDraft>,
) -> Result<Response, PageError> {
    settle(
        consent::create(&state.store, &permit.actor, &id, &form).await,
        |proposal| Next::to(format!("/proposals/{proposal}"), Notice::ProposalCreated),
        |errors| {
            std::future::ready(Ok(proposal_form(
                &state,
                &visitor,
                &permit,
                "Put a proposal".into(),
                format!("/rounds/{id}/proposals"),
                form,
                errors,
            )))
        },
    )
    .await
}

/// `GET /proposals/{id}/amend`.
pub async fn amend_form(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = consent::get(&state.store, &id).await?;
    let form = ProposalDraft {
        title: p.title.clone(),
        text: p.text,
        closes_on: p.closes_on,
        quorum: p.quorum.to_string(),
    };
    Ok(proposal_form(
        &state,
        &visitor,
        &permit,
        format!("Amend: {}", p.title),
        format!("/proposals/{id}/amend"),
        form,
        ValidationErrors::default(),
    ))
}

/// `POST /proposals/{id}/amend`: a new version; every response reopens.
pub async fn amend(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<ProposalDraft>,
) -> Result<Response, PageError> {
    settle(
        consent::amend(&state.store, &permit.actor, &id, &form).await,
        |()| Next::to(format!("/proposals/{id}"), Notice::ProposalAmended),
        |errors| {
            std::future::ready(Ok(proposal_form(
                &state,
                &visitor,
                &permit,
                "Amend the proposal".into(),
                format!("/proposals/{id}/amend"),
                form,
                errors,
            )))
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "agree/proposal.html")]
struct ProposalPage {
    layout: Layout,
    proposal: Proposal,
    standing: String,
    responses: Vec<ProposalResponse>,
    can_manage: bool,
    /// Organisations the signed-in person may respond for: (id, name, current response).
    respond_for: Vec<(String, String, String)>,
    /// The deciding board's members, who may respond (each for an organisation they work in).
    responders: Vec<String>,
    /// Why it cannot be adopted yet, if it cannot (then "Adopted" is not offered).
    cannot_adopt: Option<String>,
    typed: Typed,
    kinds: Vec<(String, String)>,
    errors: ValidationErrors,
}

impl ProposalPage {
    fn is_open(&self) -> bool {
        self.proposal.status == ProposalStatus::Open
    }
}

/// The standing in plain words.
fn describe(standing: &Standing) -> String {
    match standing {
        Standing::Blocked { objectors } => format!("Blocked: {} object. It cannot be adopted until the objection is withdrawn or the proposal is amended.", objectors.join(", ")),
        Standing::AwaitingQuorum { responded, quorum } => format!("Waiting for responses: {responded} of the {quorum} partner organisations needed have responded."),
        Standing::CanBeAdopted { consents, concerns, abstentions } => {
            format!("Can be adopted: {consents} consent ({concerns} with a concern), {abstentions} abstain, and no one objects.")
        }
    }
}

async fn proposal_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    errors: ValidationErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let proposal = consent::get(&state.store, id).await?;
    let responses = consent::responses(&state.store, id).await?;
    let mut respond_for = Vec::new();
    if let Some(p) = &permit.principal {
        let mut seen = std::collections::HashSet::new();
        for g in &p.grants {
            if !seen.insert(g.organisation_id.clone()) {
                continue;
            }
            let target = Target::id_for(id, &g.organisation_id);
            if permit.may(state, Rule::RespondToProposal, target).await? {
                let current = responses
                    .iter()
                    .find(|r| r.current && r.organisation_id == g.organisation_id)
                    .map(|r| r.kind.label().to_string())
                    .unwrap_or_default();
                respond_for.push((
                    g.organisation_id.clone(),
                    g.organisation_name.clone(),
                    current,
                ));
            }
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let responders = concord_store::boards::members(&state.store, &proposal.board_id)
        .await?
        .into_iter()
        .map(|m| m.person_name)
        .collect();
    let standing = consent::standing_of(&proposal, &responses);
    let cannot_adopt = match &standing {
        Standing::CanBeAdopted { .. } => None,
        other => Some(describe(other)),
    };
    let page = ProposalPage {
        responders,
        cannot_adopt,
        typed,
        layout: Layout::new(state, visitor, permit, proposal.title.clone(), "rounds")
            .with_errors(&errors),
        standing: describe(&standing),
        can_manage: permit
            .may(state, Rule::ManageProposal, Target::id(id))
            .await?,
        kinds: ResponseKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label().to_string()))
            .collect(),
        proposal,
        responses,
        respond_for,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /proposals/{id}`.
pub async fn proposal(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    proposal_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        Typed::default(),
    )
    .await
}

/// `POST /proposals/{id}/responses/{organisation_id}`.
pub async fn respond(
    Context(state, visitor, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
    PageForm(form): PageForm<ResponseDraft>,
) -> Result<Response, PageError> {
    settle(
        consent::respond(
            &state.store,
            &permit.actor,
            &id,
            &organisation_id,
            &permit.person().person_id,
            &form,
        )
        .await,
        |()| Next::to(format!("/proposals/{id}"), Notice::ResponseRecorded),
        |errors| {
            let typed = Typed {
                organisation_id: organisation_id.clone(),
                response: form.clone(),
                ..Typed::default()
            };
            proposal_page(&state, &visitor, &permit, &id, errors, typed)
        },
    )
    .await
}

/// The decision form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    outcome: String,
}

/// What was typed into the page's forms, shown again when one is refused: the response (and the
/// organisation it was for) and the decision.
#[derive(Debug, Clone, Default)]
struct Typed {
    organisation_id: String,
    response: ResponseDraft,
    decision: DecisionForm,
}

/// `POST /proposals/{id}/decision`: adopt (only with quorum and no objection) or record it as not adopted.
pub async fn decide_proposal(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let adopt = match form.decision.as_str() {
        "adopt" => true,
        "not_adopted" => false,
        _ => {
            return proposal_page(
                &state,
                &visitor,
                &permit,
                &id,
                ValidationErrors::single("decision", "Choose whether the proposal is adopted"),
                Typed {
                    decision: form.clone(),
                    ..Typed::default()
                },
            )
            .await
        }
    };
    settle(
        consent::decide(&state.store, &permit.actor, &id, adopt, &form.outcome).await,
        |()| Next::to(format!("/proposals/{id}"), Notice::OutcomeRecorded),
        |errors| {
            let typed = Typed {
                decision: form.clone(),
                ..Typed::default()
            };
            proposal_page(&state, &visitor, &permit, &id, errors, typed)
        },
    )
    .await
}
