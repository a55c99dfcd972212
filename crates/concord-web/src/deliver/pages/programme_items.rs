//! The small forms that keep a programme up to date: status reports, projects, milestones (and
//! moving a milestone's forecast), benefits and their readings.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::form::{
    form_handlers, form_page, id_only, parse, settle, Fields, FormDef, FormFamily,
};
use crate::ui::notice::{Next, Notice};
use crate::AppState;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::programme::{
    BenefitDraft, BenefitEffect, DeliveryStatus, Direction, MeasurementDraft, MilestoneDraft,
    ProjectDraft, Rag, StatusUpdateDraft,
};
use concord_domain::ValidationErrors;
use concord_store::delivery::{self, Milestone};
use concord_store::programmes::{self, Programme};
use concord_store::{lookups, StoreError};

type Form = Vec<(String, String)>;

use super::programmes::{codes, layout};

/// Which small form of a programme is shown: each knows its fields, where it posts, and how to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemForm {
    /// A status report.
    Report,
    /// A new project.
    Project,
    /// A new milestone.
    Milestone,
    /// A new benefit.
    Benefit,
}

impl ItemForm {
    fn heading(self) -> &'static str {
        match self {
            ItemForm::Report => "Report status",
            ItemForm::Project => "Add a project",
            ItemForm::Milestone => "Add a milestone",
            ItemForm::Benefit => "Add a benefit",
        }
    }

    fn path(self) -> &'static str {
        match self {
            ItemForm::Report => "report",
            ItemForm::Project => "projects",
            ItemForm::Milestone => "milestones",
            ItemForm::Benefit => "benefits",
        }
    }
}

async fn item_fields(
    state: &AppState,
    programme: &Programme,
    which: ItemForm,
    form: &Form,
) -> Result<Vec<crate::ui::form::Field>, PageError> {
    let store = &state.store;
    Ok(match which {
        ItemForm::Report => {
            let draft: StatusUpdateDraft = parse(form, &[])?;
            Fields::new(&draft)
                .date(
                    "as_of",
                    "Report for",
                    "Normally the last day of the reporting month",
                )
                .status_and_rag()
                .textarea("progress", "Progress since the last report", "")
                .build()
        }
        ItemForm::Project => {
            let draft: ProjectDraft = parse(form, &[])?;
            Fields::new(&draft)
                .text("name", "Name", "")
                .textarea("summary", "What it delivers", "")
                .select(
                    "lead_person_id",
                    "Project lead",
                    lookups::people(store).await?,
                    "Select",
                )
                .status_and_rag()
                .build()
        }
        ItemForm::Milestone => {
            let draft: MilestoneDraft = parse(form, &[])?;
            Fields::new(&draft)
                .text("title", "What will be done", "")
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
                .date(
                    "baseline_on",
                    "Baseline date",
                    "The date agreed now; it does not move later",
                )
                .date("forecast_on", "Forecast date", "")
                .date("completed_on", "Done on", "Leave blank while open")
                .build()
        }
        ItemForm::Benefit => {
            let mut draft: BenefitDraft = parse(form, &[])?;
            draft.impacts.resize_with(3, Default::default);
            let orgs = lookups::partner_organisations(store).await?;
            let effects = codes(
                BenefitEffect::ALL,
                BenefitEffect::as_str,
                BenefitEffect::label,
            );
            let mut fields = Fields::new(&draft)
                .text(
                    "title",
                    "The benefit",
                    "For example, fewer GP appointments for MSK problems",
                )
                .select_with_hint(
                    "catalogue_metric",
                    "Metric from the measurement catalogue (optional)",
                    "Its whole-system values become the benefit's readings, and its name, unit and direction the benefit's",
                    lookups::metrics(store).await?,
                    "None: describe the metric below and record readings by hand",
                )
                .text("metric", "Metric that shows it", "Leave blank when you chose one from the catalogue")
                .text("unit", "Unit", "")
                .select(
                    "direction",
                    "Which way is better",
                    codes(Direction::ALL, Direction::as_str, Direction::label),
                    "Select",
                )
                .number("baseline", "Baseline", "")
                .number("target", "Target", "")
                .date("target_on", "Target date", "");
            for n in 0..3 {
                fields = fields
                    .select(
                        &format!("impacts[{n}].organisation_id"),
                        &format!("Partner {}", n + 1),
                        orgs.clone(),
                        "None",
                    )
                    .select(
                        &format!("impacts[{n}].effect"),
                        &format!("How partner {} is affected", n + 1),
                        effects.clone(),
                        "Select",
                    )
                    .text(
                        &format!("impacts[{n}].note"),
                        &format!("Detail for partner {}", n + 1),
                        "",
                    );
            }
            fields.build()
        }
    })
}

async fn item_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    programme: &Programme,
    which: ItemForm,
    form: &Form,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: which.heading().into(),
        caption: programme.name.clone(),
        back: (
            format!("/programmes/{}", programme.id),
            programme.name.clone(),
        ),
        action: format!("/programmes/{}/{}", programme.id, which.path()),
        submit: "Save".into(),
        fields: item_fields(state, programme, which, form).await?,
    };
    Ok(form_page(
        layout(state, visitor, permit, which.heading()),
        def,
        errors,
    ))
}

fn starting_values(which: ItemForm, programme: &Programme) -> Form {
    let today = concord_domain::meeting::london_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    let v = |k: &str, v: &str| (k.to_string(), v.to_string());
    match which {
        ItemForm::Report => vec![
            v("as_of", &today),
            v("status", programme.status.as_str()),
            v("rag", programme.rag.as_str()),
        ],
        ItemForm::Project => vec![v("status", "active")],
        ItemForm::Milestone | ItemForm::Benefit => Vec::new(),
    }
}

/// The status, RAG rating and its reason, asked alike of programmes, projects and status reports.
pub(super) trait StatusFields {
    fn status_and_rag(self) -> Self;
}

impl StatusFields for Fields {
    fn status_and_rag(self) -> Self {
        self.select(
            "status",
            "Status",
            codes(
                DeliveryStatus::ALL,
                DeliveryStatus::as_str,
                DeliveryStatus::label,
            ),
            "",
        )
        .select(
            "rag",
            "RAG rating",
            codes(Rag::ALL, Rag::as_str, Rag::label),
            "Select",
        )
        .textarea("rag_reason", "Why this rating", "")
    }
}

/// The forms that add to a programme: `/programmes/{id}/{report|projects|milestones|benefits}`.
impl FormFamily for ItemForm {
    async fn blank(self, state: &AppState, (id, _): (&str, &str)) -> Result<Form, PageError> {
        let programme = programmes::get(&state.store, id).await?;
        Ok(starting_values(self, &programme))
    }

    async fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        (id, _): (&str, &str),
        posted: &Form,
        errors: ValidationErrors,
    ) -> Result<Response, PageError> {
        let programme = programmes::get(&state.store, id).await?;
        item_form(state, visitor, permit, &programme, self, posted, errors).await
    }

    async fn save(
        self,
        state: &AppState,
        permit: &Permit,
        (id, _): (&str, &str),
        form: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        let store = &state.store;
        let actor = &permit.actor;
        programmes::get(store, id).await?;
        Ok(match self {
            ItemForm::Report => {
                programmes::report_status(store, actor, id, &parse(form, &[])?).await
            }
            ItemForm::Project => {
                programmes::save_project(store, actor, id, None, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ItemForm::Milestone => {
                delivery::save_milestone(store, actor, id, None, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ItemForm::Benefit => {
                let mut draft: BenefitDraft = parse(form, &[])?;
                draft
                    .impacts
                    .retain(|i| !i.organisation_id.trim().is_empty());
                delivery::add_benefit(store, actor, id, &draft)
                    .await
                    .map(drop)
            }
        })
    }

    fn done(self, (id, _): (&str, &str)) -> Next {
        let notice = match self {
            ItemForm::Report => Notice::ReportSaved,
            ItemForm::Project => Notice::ProjectSaved,
            ItemForm::Milestone => Notice::MilestoneSaved,
            ItemForm::Benefit => Notice::BenefitSaved,
        };
        Next::to(format!("/programmes/{id}#{}", self.path()), notice)
    }
}

/// `POST /programmes/{id}/benefits/{item_id}/readings`: a reading from the form on the programme page.
pub async fn record_reading(
    Context(state, visitor, permit): Context,
    Path((id, benefit_id)): Path<(String, String)>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: MeasurementDraft = parse(&form, &[])?;
    let saved =
        delivery::record_reading(&state.store, &permit.actor, &id, &benefit_id, &draft).await;
    let (state, visitor, permit, id, draft) = (&state, &visitor, &permit, &id, &draft);
    settle(
        saved,
        |()| {
            Next::to(
                format!("/programmes/{id}#benefits"),
                Notice::ReadingRecorded,
            )
        },
        |errors| async move {
            let programme = programmes::get(&state.store, id).await?;
            let def = FormDef {
                warning: None,
                intro: String::new(),
                heading: "Record a reading".into(),
                caption: programme.name.clone(),
                back: (format!("/programmes/{id}#benefits"), programme.name.clone()),
                action: format!("/programmes/{id}/benefits/{benefit_id}/readings"),
                submit: "Save reading".into(),
                fields: Fields::new(draft)
                    .date("measured_on", "Date", "")
                    .number("value", "Value", "")
                    .build(),
            };
            Ok(form_page(
                layout(state, visitor, permit, "Record a reading"),
                def,
                errors,
            ))
        },
    )
    .await
}

form_handlers! {
    new_report, save_report => ItemForm::Report, String, id_only;
    new_project, save_project => ItemForm::Project, String, id_only;
    new_milestone, save_milestone => ItemForm::Milestone, String, id_only;
    new_benefit, save_benefit => ItemForm::Benefit, String, id_only;
}

async fn milestone_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    programme: &Programme,
    milestone: &Milestone,
    draft: &MilestoneDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let store = &state.store;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: format!("Update milestone: {}", milestone.title),
        caption: programme.name.clone(),
        back: (
            format!("/programmes/{}#milestones", programme.id),
            programme.name.clone(),
        ),
        action: format!(
            "/programmes/{}/milestones/{}/edit",
            programme.id, milestone.id
        ),
        submit: "Save milestone".into(),
        fields: Fields::new(draft)
            .text("title", "What will be done", "")
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
            .date(
                "forecast_on",
                "Forecast date",
                &format!(
                    "The baseline, {}, does not move: slippage is measured against it",
                    milestone.baseline_on
                ),
            )
            .date("completed_on", "Done on", "Leave blank while open")
            .build(),
    };
    Ok(form_page(
        layout(state, visitor, permit, "Update milestone"),
        def,
        errors,
    ))
}

async fn find_milestone(
    state: &AppState,
    id: &str,
    item: &str,
) -> Result<(Programme, Milestone), PageError> {
    let programme = programmes::get(&state.store, id).await?;
    let milestone = delivery::milestones_of(&state.store, id)
        .await?
        .into_iter()
        .find(|m| m.id == item)
        .ok_or_else(|| PageError::from(StoreError::not_found("milestone", item)))?;
    Ok((programme, milestone))
}

/// `GET /programmes/{id}/milestones/{item_id}/edit`: move the forecast or record it done.
pub async fn edit_milestone(
    Context(state, visitor, permit): Context,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (programme, m) = find_milestone(&state, &id, &item).await?;
    let draft = MilestoneDraft {
        title: m.title.clone(),
        project_id: m.project_id.clone().unwrap_or_default(),
        owner_person_id: m.owner_person_id.clone(),
        baseline_on: m.baseline_on.clone(),
        forecast_on: m.forecast_on.clone(),
        completed_on: m.completed_on.clone().unwrap_or_default(),
    };
    milestone_form(
        &state,
        &visitor,
        &permit,
        &programme,
        &m,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /programmes/{id}/milestones/{item_id}/edit`.
pub async fn update_milestone(
    Context(state, visitor, permit): Context,
    Path((id, item)): Path<(String, String)>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let (programme, m) = find_milestone(&state, &id, &item).await?;
    let mut draft: MilestoneDraft = parse(&form, &[])?;
    draft.baseline_on = m.baseline_on.clone();
    settle(
        delivery::save_milestone(&state.store, &permit.actor, &id, Some(&item), &draft).await,
        |_| format!("/programmes/{id}#milestones"),
        |errors| milestone_form(&state, &visitor, &permit, &programme, &m, &draft, errors),
    )
    .await
}
