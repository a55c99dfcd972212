//! Agree: strategy rounds, their service areas, each partner's view, and the alignment view.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::alignment::{self, RoundAlignment};
use concord_domain::strategy::{AreaDraft, AreaRank, PartnerViewDraft, RoundDraft, RoundStage};
use concord_domain::ValidationErrors;
use concord_store::boards;
use concord_store::strategy::{self, PartnerView, Round, ServiceArea};

#[derive(Template)]
#[template(path = "agree/rounds.html")]
struct RoundsPage {
    layout: Layout,
    rounds: Vec<Round>,
}

/// `GET /rounds`.
pub async fn rounds_list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let page = RoundsPage {
        layout: Layout::new(&state, &visitor, &permit, "Strategy rounds", "rounds"),
        rounds: strategy::list(&state.store).await?,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "agree/round.html")]
struct RoundPage {
    layout: Layout,
    round: Round,
    areas: Vec<ServiceArea>,
    views: Vec<PartnerView>,
    can_manage: bool,
    /// Organisations whose view the signed-in person may give: (id, name, has given one).
    my_partners: Vec<(String, String, bool)>,
    errors: ValidationErrors,
    area_name: String,
    grouped: super::commitments::Grouped,
    objectives: Vec<concord_store::objectives::Objective>,
    proposals: Vec<concord_store::consent::Proposal>,
}

async fn round_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    errors: ValidationErrors,
    area_name: String,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, id).await?;
    let views = strategy::views(&state.store, id).await?;
    // The partners this person may record a view for: the organisations they belong to where the
    // authoriser allows it.
    let mut my_partners = Vec::new();
    for g in permit.principal.iter().flat_map(|p| &p.grants) {
        if my_partners.iter().any(|(o, _, _)| o == &g.organisation_id) {
            continue;
        }
        let target = Target::id_for(id, &g.organisation_id);
        if permit.may(state, Rule::EditPartnerView, target).await? {
            my_partners.push((
                g.organisation_id.clone(),
                g.organisation_name.clone(),
                views.iter().any(|v| v.organisation_id == g.organisation_id),
            ));
        }
    }
    let page = RoundPage {
        layout: Layout::new(state, visitor, permit, round.title.clone(), "rounds"),
        can_manage: permit.may(state, Rule::ManageRound, Target::id(id)).await?,
        areas: strategy::areas(&state.store, id).await?,
        views,
        my_partners,
        grouped: super::commitments::group(
            concord_store::objectives::priorities(&state.store, id).await?,
        ),
        objectives: concord_store::objectives::objectives(&state.store, id).await?,
        proposals: concord_store::consent::for_round(&state.store, id).await?,
        round,
        errors,
        area_name,
    };
    Ok(render(&page))
}

/// `GET /rounds/{id}`.
pub async fn round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    round_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        String::new(),
    )
    .await
}

/// `POST /rounds/{id}/areas`.
pub async fn add_area(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<AreaDraft>,
) -> Result<Response, PageError> {
    let saved = strategy::add_area(&state.store, &permit.actor, &id, &form).await;
    let (state, visitor, permit, id) = (&state, &visitor, &permit, &id);
    settle(
        saved,
        |_| Next::to(format!("/rounds/{id}"), Notice::AreaAdded),
        |errors| async move {
            let response = round_page(state, visitor, permit, id, errors, form.name).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        },
    )
    .await
}

fn round_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    action: String,
    heading: String,
    form: RoundDraft,
    errors: ValidationErrors,
) -> Response {
    let stages: Vec<Choice> = RoundStage::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    // Back to where the form was opened from: the board (a new round) or the round.
    let back = action
        .strip_suffix("/rounds")
        .or_else(|| action.strip_suffix("/edit"))
        .unwrap_or("/rounds")
        .to_string();
    let def = FormDef {
        warning: None,
        intro: String::new(),
        caption: "Strategy rounds".into(),
        back: (back, "Back".into()),
        action,
        submit: "Save".into(),
        fields: Fields::new(&form)
            .text(
                "title",
                "Title",
                "For example: Joint Forward Plan 2027 to 2032",
            )
            .select("stage", "Stage", stages, "")
            .text("opens_on", "Opens on", "YYYY-MM-DD")
            .text("closes_on", "Closes on", "YYYY-MM-DD")
            .textarea("summary", "What the round is for", "")
            .build(),
        heading: heading.clone(),
    };
    form_page(
        Layout::new(state, visitor, permit, heading, "rounds"),
        def,
        errors,
    )
}

/// `GET /boards/{id}/rounds/new`.
pub async fn new_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let board = boards::get(&state.store, &id).await?;
    let form = RoundDraft {
        stage: "drafting".into(),
        ..Default::default()
    };
    Ok(round_form(
        &state,
        &visitor,
        &permit,
        format!("/boards/{id}/rounds"),
        format!("Open a strategy round for {}", board.name),
        form,
        ValidationErrors::default(),
    ))
}

/// `POST /boards/{id}/rounds`.
pub async fn create_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoundDraft>,
) -> Result<Response, PageError> {
    settle(
        strategy::create(&state.store, &permit.actor, &id, &form).await,
        |round_id| Next::to(format!("/rounds/{round_id}"), Notice::RoundCreated),
        |errors| {
            std::future::ready(Ok(round_form(
                &state,
                &visitor,
                &permit,
                format!("/boards/{id}/rounds"),
                "Open a strategy round".into(),
                form,
                errors,
            )))
        },
    )
    .await
}

/// `GET /rounds/{id}/edit`.
pub async fn edit_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = strategy::get(&state.store, &id).await?;
    let form = RoundDraft {
        title: r.title.clone(),
        stage: r.stage.as_str().into(),
        opens_on: r.opens_on,
        closes_on: r.closes_on,
        summary: Some(r.summary),
    };
    Ok(round_form(
        &state,
        &visitor,
        &permit,
        format!("/rounds/{id}/edit"),
        format!("Edit {}", r.title),
        form,
        ValidationErrors::default(),
    ))
}

/// `POST /rounds/{id}/edit`.
pub async fn update_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoundDraft>,
) -> Result<Response, PageError> {
    settle(
        strategy::update(&state.store, &permit.actor, &id, &form).await,
        |()| format!("/rounds/{id}"),
        |errors| {
            std::future::ready(Ok(round_form(
                &state,
                &visitor,
                &permit,
                format!("/rounds/{id}/edit"),
                "Edit strategy round".into(),
                form,
                errors,
            )))
        },
    )
    .await
}

async fn view_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    organisation_id: &str,
    chosen: Option<(Vec<AreaRank>, String)>,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, id).await?;
    let organisation = concord_store::organisations::get(&state.store, organisation_id).await?;
    let areas = strategy::areas(&state.store, id).await?;
    let (ranks, aims) = match chosen {
        Some(c) => c,
        None => {
            let existing = strategy::views(&state.store, id)
                .await?
                .into_iter()
                .find(|v| v.organisation_id == organisation_id);
            match existing {
                Some(v) => (
                    v.ranks
                        .into_iter()
                        .map(|(area_id, rank)| AreaRank { area_id, rank })
                        .collect(),
                    v.aims,
                ),
                None => (Vec::new(), String::new()),
            }
        }
    };
    // One select per area, named `rank_<area id>`, holding the chosen rank or nothing.
    let mut values = serde_json::Map::new();
    for a in &areas {
        let rank = ranks
            .iter()
            .find(|r| r.area_id == a.id)
            .map(|r| r.rank.to_string())
            .unwrap_or_default();
        values.insert(format!("rank_{}", a.id), rank.into());
    }
    values.insert("aims".into(), aims.into());
    let rank_choices: Vec<Choice> = (1..=areas.len())
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    let mut fields = Fields::new(&values);
    for a in &areas {
        fields = fields.select(
            &format!("rank_{}", a.id),
            &a.name,
            rank_choices.clone(),
            "Not ranked",
        );
    }
    let heading = format!("{}'s view", organisation.name);
    let def = FormDef {
        warning: None,
        heading: heading.clone(),
        caption: round.title,
        intro: "Rank the service areas by how much they matter to your organisation: 1 is most \
                important. You may give two areas the same rank, and leave areas you have no view \
                on unranked."
            .into(),
        back: (format!("/rounds/{id}"), "Back to the round".into()),
        action: format!("/rounds/{id}/views/{organisation_id}"),
        submit: "Save our view".into(),
        fields: fields
            .textarea(
                "aims",
                "Your organisation's aims for the system, in a sentence or two",
                "",
            )
            .build(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading, "rounds"),
        def,
        errors,
    ))
}

/// `GET /rounds/{id}/views/{organisation_id}`.
pub async fn edit_view(
    Context(state, visitor, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    view_form(
        &state,
        &visitor,
        &permit,
        &id,
        &organisation_id,
        None,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /rounds/{id}/views/{organisation_id}`: fields `rank_<area id>` (blank = not ranked) and `aims`.
pub async fn save_view(
    Context(state, visitor, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut errors = ValidationErrors::default();
    let mut ranks = Vec::new();
    for (key, value) in &fields {
        let Some(area_id) = key.strip_prefix("rank_") else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        match value.trim().parse::<u32>() {
            Ok(rank) => ranks.push(AreaRank {
                area_id: area_id.to_string(),
                rank,
            }),
            Err(_) => errors.add(key, "Choose a rank from the list"),
        }
    }
    let aims = fields
        .iter()
        .find(|(k, _)| k == "aims")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !errors.is_empty() {
        return view_form(
            &state,
            &visitor,
            &permit,
            &id,
            &organisation_id,
            Some((ranks, aims)),
            errors,
        )
        .await;
    }
    let draft = PartnerViewDraft {
        ranks: ranks.clone(),
        aims: aims.clone(),
    };
    settle(
        strategy::set_view(&state.store, &permit.actor, &id, &organisation_id, &draft).await,
        |()| Next::to(format!("/rounds/{id}/alignment"), Notice::ViewSaved),
        |errors| {
            view_form(
                &state,
                &visitor,
                &permit,
                &id,
                &organisation_id,
                Some((ranks, aims)),
                errors,
            )
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "agree/alignment.html")]
struct AlignmentPage {
    layout: Layout,
    data: RoundAlignment,
}

impl AlignmentPage {
    /// The heat-map class for an agreement value: 0 (opposite) to 10 (identical); "none" if undefined.
    fn heat(&self, tau: &Option<f64>) -> String {
        match tau {
            Some(t) => format!(
                "concord-heat-{}",
                ((t + 1.0) * 5.0).round().clamp(0.0, 10.0) as i32
            ),
            None => "concord-heat-none".into(),
        }
    }

    fn two(&self, value: &f64) -> String {
        format!("{value:.2}")
    }

    fn tau_text(&self, tau: &Option<f64>) -> String {
        tau.map(|t| format!("{t:.2}")).unwrap_or_else(|| "–".into())
    }
}

/// `GET /rounds/{id}/alignment`.
pub async fn alignment(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let data = alignment::for_round(&state.store, &id).await?;
    let page = AlignmentPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("Alignment – {}", data.round.title),
            "rounds",
        ),
        data,
    };
    Ok(render(&page))
}
