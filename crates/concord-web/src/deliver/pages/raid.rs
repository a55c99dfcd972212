//! RAID forms (raise and review risks, record assumptions and issues, escalate, close, record
//! dependencies) and the graph of dependencies between programmes.

use super::programmes::{codes, scope};
use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::form::{
    form_handlers, form_page, id_and_item, id_only, parse, Field, Fields, FormDef, FormFamily,
};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::raid::{
    DependencyDraft, EscalationDraft, RaidItemDraft, RaidKind, RiskDraft, RiskReviewDraft,
    IMPACT_LABELS, LIKELIHOOD_LABELS,
};
use concord_domain::ValidationErrors;
use concord_store::programmes::{self, Programme};
use concord_store::raid::{self, Dependency, RaidTable};
use concord_store::{lookups, StoreError};

type Form = Vec<(String, String)>;

/// Which RAID form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RaidForm {
    Risk,
    Review,
    EscalateRisk,
    Item,
    EscalateItem,
    Dependency,
}

fn scale(labels: [&str; 5]) -> Vec<(String, String)> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), format!("{} – {l}", i + 1)))
        .collect()
}

impl RaidForm {
    fn heading(self) -> &'static str {
        match self {
            RaidForm::Risk => "Raise a risk",
            RaidForm::Review => "Review a risk",
            RaidForm::EscalateRisk | RaidForm::EscalateItem => "Escalate",
            RaidForm::Item => "Record an assumption or issue",
            RaidForm::Dependency => "Record a dependency",
        }
    }

    fn action(self, programme: &str, item: &str) -> String {
        match self {
            RaidForm::Risk => format!("/programmes/{programme}/risks"),
            RaidForm::Review => format!("/programmes/{programme}/risks/{item}/review"),
            RaidForm::EscalateRisk => format!("/programmes/{programme}/risks/{item}/escalate"),
            RaidForm::Item => format!("/programmes/{programme}/raid"),
            RaidForm::EscalateItem => format!("/programmes/{programme}/raid/{item}/escalate"),
            RaidForm::Dependency => format!("/programmes/{programme}/dependencies"),
        }
    }

    async fn fields(
        self,
        state: &AppState,
        programme: &Programme,
        form: &Form,
    ) -> Result<Vec<Field>, PageError> {
        let store = &state.store;
        Ok(match self {
            RaidForm::Risk => {
                let draft: RiskDraft = parse(form, &[])?;
                Fields::new(&draft)
                    .text("title", "The risk", "If ..., then ...")
                    .textarea("description", "Cause, event and effect", "")
                    .select(
                        "project_id",
                        "Project",
                        lookups::projects(store, &programme.id).await?,
                        "The programme as a whole",
                    )
                    .select(
                        "owner_person_id",
                        "Risk owner",
                        lookups::people(store).await?,
                        "Select",
                    )
                    .select(
                        "likelihood",
                        "Likelihood now",
                        scale(LIKELIHOOD_LABELS),
                        "Select",
                    )
                    .select("impact", "Impact now", scale(IMPACT_LABELS), "Select")
                    .select(
                        "target_likelihood",
                        "Likelihood once mitigated",
                        scale(LIKELIHOOD_LABELS),
                        "Select",
                    )
                    .select(
                        "target_impact",
                        "Impact once mitigated",
                        scale(IMPACT_LABELS),
                        "Select",
                    )
                    .textarea("mitigations", "Mitigations", "")
                    .checkbox(
                        "confidential",
                        "Confidential to the governing board",
                        "Only the board's members and the programme's leaders will see it",
                    )
                    .build()
            }
            RaidForm::Review => {
                let draft: RiskReviewDraft = parse(form, &[])?;
                Fields::new(&draft)
                    .select(
                        "likelihood",
                        "Likelihood now",
                        scale(LIKELIHOOD_LABELS),
                        "Select",
                    )
                    .select("impact", "Impact now", scale(IMPACT_LABELS), "Select")
                    .textarea("note", "What changed", "")
                    .date("reviewed_on", "Review date", "Leave blank for today")
                    .build()
            }
            RaidForm::EscalateRisk | RaidForm::EscalateItem => {
                let draft: EscalationDraft = parse(form, &[])?;
                Fields::new(&draft)
                    .textarea("reason", "Why it needs the next level's attention", "Project items go to the programme board; programme items to the system board")
                    .build()
            }
            RaidForm::Item => {
                let draft: RaidItemDraft = parse(form, &[])?;
                Fields::new(&draft)
                    .select(
                        "kind",
                        "Kind",
                        codes(RaidKind::ALL, RaidKind::as_str, RaidKind::label),
                        "Select",
                    )
                    .text("title", "The entry", "")
                    .textarea("description", "Detail", "")
                    .select(
                        "project_id",
                        "Project",
                        lookups::projects(store, &programme.id).await?,
                        "The programme as a whole",
                    )
                    .select(
                        "owner_person_id",
                        "Owner",
                        lookups::people(store).await?,
                        "Select",
                    )
                    .date("due_on", "Due by", "Optional")
                    .build()
            }
            RaidForm::Dependency => {
                let draft: DependencyDraft = parse(form, &[])?;
                let others = lookups::programmes(store)
                    .await?
                    .into_iter()
                    .filter(|(id, _)| *id != programme.id)
                    .collect();
                Fields::new(&draft)
                    .select("on_programme_id", "Depends on", others, "Select")
                    .textarea("description", "What is needed from it", "")
                    .date("needed_by", "Needed by", "Optional")
                    .build()
            }
        })
    }
}

async fn raid_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    (id, item): (&str, &str),
    which: RaidForm,
    form: &Form,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let programme = programmes::get(&state.store, id).await?;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: which.heading().into(),
        caption: programme.name.clone(),
        back: (format!("/programmes/{id}#raid"), programme.name.clone()),
        action: which.action(id, item),
        submit: "Save".into(),
        fields: which.fields(state, &programme, form).await?,
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, which.heading(), "programmes"),
        def,
        errors,
    ))
}

async fn save(
    state: &AppState,
    permit: &Permit,
    (id, item): (&str, &str),
    which: RaidForm,
    form: &Form,
) -> Result<(), StoreError> {
    let store = &state.store;
    let actor = &permit.actor;
    let bad = |e: PageError| StoreError::invalid("form", e.0.detail.unwrap_or_default());
    match which {
        RaidForm::Risk => raid::raise_risk(store, actor, id, &parse(form, &[]).map_err(bad)?, None)
            .await
            .map(drop),
        RaidForm::Review => {
            let viewer = scope(state, permit).await.map_err(bad)?;
            raid::review_risk(
                store,
                actor,
                &viewer,
                id,
                item,
                &parse(form, &[]).map_err(bad)?,
            )
            .await
        }
        RaidForm::EscalateRisk => raid::escalate(
            store,
            actor,
            RaidTable::Risk,
            id,
            item,
            &parse(form, &[]).map_err(bad)?,
        )
        .await
        .map(drop),
        RaidForm::Item => raid::add_item(store, actor, id, &parse(form, &[]).map_err(bad)?)
            .await
            .map(drop),
        RaidForm::EscalateItem => raid::escalate(
            store,
            actor,
            RaidTable::Item,
            id,
            item,
            &parse(form, &[]).map_err(bad)?,
        )
        .await
        .map(drop),
        RaidForm::Dependency => {
            raid::add_dependency(store, actor, id, &parse(form, &[]).map_err(bad)?)
                .await
                .map(drop)
        }
    }
}

impl FormFamily for RaidForm {
    async fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        ids: (&str, &str),
        posted: &Form,
        errors: ValidationErrors,
    ) -> Result<Response, PageError> {
        raid_form(state, visitor, permit, ids, self, posted, errors).await
    }

    async fn save(
        self,
        state: &AppState,
        permit: &Permit,
        ids: (&str, &str),
        posted: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        Ok(save(state, permit, ids, self, posted).await)
    }

    fn done(self, (id, _): (&str, &str)) -> Next {
        let notice = match self {
            RaidForm::Risk => Notice::RiskRaised,
            RaidForm::Review => Notice::RiskReviewed,
            RaidForm::EscalateRisk | RaidForm::EscalateItem => Notice::Escalated,
            RaidForm::Item => Notice::RaidItemAdded,
            RaidForm::Dependency => Notice::DependencyAdded,
        };
        Next::to(format!("/programmes/{id}#raid"), notice)
    }
}

form_handlers! {
    new_risk, raise_risk => RaidForm::Risk, String, id_only;
    review_form, review_risk => RaidForm::Review, (String, String), id_and_item;
    escalate_risk_form, escalate_risk => RaidForm::EscalateRisk, (String, String), id_and_item;
    new_item, add_item => RaidForm::Item, String, id_only;
    escalate_item_form, escalate_item => RaidForm::EscalateItem, (String, String), id_and_item;
    new_dependency, add_dependency => RaidForm::Dependency, String, id_only;
}

/// `POST /programmes/{id}/risks/{item_id}/close`.
pub async fn close_risk(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    raid::close(&state.store, &permit.actor, RaidTable::Risk, &id, &item).await?;
    Ok(confirmed(Next::to(
        format!("/programmes/{id}#raid"),
        Notice::RaidClosed,
    )))
}

/// `POST /programmes/{id}/raid/{item_id}/close`.
pub async fn close_item(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    raid::close(&state.store, &permit.actor, RaidTable::Item, &id, &item).await?;
    Ok(confirmed(Next::to(
        format!("/programmes/{id}#raid"),
        Notice::RaidClosed,
    )))
}

/// A node of the dependency graph, placed on a circle.
struct Node {
    id: String,
    name: String,
    x: f64,
    y: f64,
}

/// An arrow from a dependent programme to the one it depends on.
struct Edge {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

#[derive(Template)]
#[template(path = "deliver/dependencies.html")]
struct DependenciesPage {
    layout: Layout,
    dependencies: Vec<Dependency>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// Lays programmes on a circle and draws each dependency as a chord that stops short of its ends.
fn layout_graph(programmes: &[Programme], dependencies: &[Dependency]) -> (Vec<Node>, Vec<Edge>) {
    let n = programmes.len().max(1) as f64;
    let (cx, cy, r) = (400.0, 300.0, 220.0);
    let nodes: Vec<Node> = programmes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let angle = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
            Node {
                id: p.id.clone(),
                name: p.name.clone(),
                x: (cx + r * angle.cos()).round(),
                y: (cy + r * angle.sin()).round(),
            }
        })
        .collect();
    let at = |id: &str| nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
    let edges = dependencies
        .iter()
        .filter_map(|d| {
            let ((x1, y1), (x2, y2)) = (at(&d.from_programme_id)?, at(&d.on_programme_id)?);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let pad = 14.0 / len;
            Some(Edge {
                x1: (x1 + dx * pad).round(),
                y1: (y1 + dy * pad).round(),
                x2: (x2 - dx * pad).round(),
                y2: (y2 - dy * pad).round(),
            })
        })
        .collect();
    (nodes, edges)
}

/// `GET /dependencies`: how programmes depend on each other, as a graph and a table.
pub async fn dependencies(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let all = programmes::list(&state.store).await?;
    let dependencies = raid::dependencies(&state.store, None).await?;
    let (nodes, edges) = layout_graph(&all, &dependencies);
    Ok(render(&DependenciesPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Dependencies between programmes",
            "programmes",
        ),
        dependencies,
        nodes,
        edges,
    }))
}
