//! Changing what Measure holds: adding and editing catalogue metrics, loading values from CSV, and
//! rebasing a series where its process changed.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::upload::{file_problems, read_upload, upload_page, FileField, Outcome, UploadDef};
use crate::ui::Layout;
use crate::AppState;
use axum::body::Body;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use concord_app::measure::check_metric_owner;
use concord_app::ActFor;
use concord_domain::metric::{Frequency, ImprovementDirection, MetricCategory, MetricDraft};
use concord_domain::ValidationErrors;
use concord_store::metric_load::{self, COLUMNS};
use concord_store::{lookups, metrics, StoreError};
use serde::Deserialize;

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "measure")
}

async fn metric_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    existing: Option<&str>,
    draft: &MetricDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let fields = Fields::new(draft)
        .text(
            "code",
            "Code",
            "Used in data files: lower-case letters, digits and underscores, for example ae_4hr",
        )
        .text("name", "Name", "")
        .textarea(
            "definition",
            "Definition",
            "Numerator, denominator and exclusions",
        )
        .text("unit", "Unit", "For example %, days or people")
        .select(
            "improvement_direction",
            "Which way is better",
            ImprovementDirection::choices(),
            "Choose a direction",
        )
        .number("target", "Target", "Leave blank for none")
        .select(
            "owner_organisation_id",
            "Owning organisation",
            lookups::partner_organisations(&state.store).await?,
            "Choose the owner",
        )
        .text("source", "Data source", "Where the data come from")
        .select(
            "frequency",
            "How often it is reported",
            Frequency::choices(),
            "Choose how often",
        )
        .select(
            "category",
            "Area of work",
            MetricCategory::choices(),
            "Choose an area",
        )
        .build();
    let (heading, action, back) = match existing {
        Some(id) => (
            format!("Edit {}", draft.name),
            format!("/metrics/{id}/edit"),
            (format!("/metrics/{id}"), "Back to the metric".to_string()),
        ),
        None => (
            "Add a metric".to_string(),
            "/metrics/new".to_string(),
            ("/measure".to_string(), "System performance".to_string()),
        ),
    };
    Ok(form_page(
        layout(state, visitor, permit, heading.clone()),
        FormDef {
            warning: None,
            intro: String::new(),
            heading,
            caption: "Metric catalogue".into(),
            back,
            action,
            submit: "Save the metric".into(),
            fields,
        },
        errors,
    ))
}

/// `GET /metrics/new`.
pub async fn new_metric(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let draft = MetricDraft {
        frequency: "monthly".into(),
        ..MetricDraft::default()
    };
    metric_form(
        &state,
        &visitor,
        &permit,
        None,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /metrics/new`.
pub async fn create_metric(
    Context(state, visitor, permit): Context,
    Form(posted): Form<Posted>,
) -> Result<Response, PageError> {
    let draft: MetricDraft = parse(&posted, &[])?;
    let result = match check_metric_owner(permit.principal.as_ref(), &draft.owner_organisation_id) {
        Ok(()) => metrics::create(&state.store, &permit.actor, &draft).await,
        Err(e) => Err(e),
    };
    settle(
        result,
        |id| Next::to(format!("/metrics/{id}"), Notice::MetricSaved),
        |errors| metric_form(&state, &visitor, &permit, None, &draft, errors),
    )
    .await
}

fn draft_of(metric: &metrics::Metric) -> MetricDraft {
    MetricDraft {
        code: metric.code.clone(),
        name: metric.name.clone(),
        definition: metric.definition.clone(),
        unit: metric.unit.clone(),
        improvement_direction: metric.improvement_direction.as_str().into(),
        target: metric.target.map(|t| t.to_string()).unwrap_or_default(),
        owner_organisation_id: metric.owner_organisation_id.clone(),
        source: metric.source.clone(),
        frequency: metric.frequency.as_str().into(),
        category: metric.category.as_str().into(),
    }
}

/// `GET /metrics/{id}/edit`.
pub async fn edit_metric(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let metric = metrics::get(&state.store, &id).await?;
    metric_form(
        &state,
        &visitor,
        &permit,
        Some(&metric.id),
        &draft_of(&metric),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /metrics/{id}/edit`.
pub async fn update_metric(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> Result<Response, PageError> {
    let metric = metrics::get(&state.store, &id).await?;
    let draft: MetricDraft = parse(&posted, &[])?;
    let result = match check_metric_owner(permit.principal.as_ref(), &draft.owner_organisation_id) {
        Ok(()) => metrics::update(&state.store, &permit.actor, &metric.id, &draft).await,
        Err(e) => Err(e),
    };
    settle(
        result,
        |()| Next::to(format!("/metrics/{}", metric.id), Notice::MetricSaved),
        |errors| metric_form(&state, &visitor, &permit, Some(&metric.id), &draft, errors),
    )
    .await
}

fn values_upload_def() -> UploadDef {
    UploadDef {
        choice_label: "What the file holds".into(),
        heading: "Load metric values".into(),
        action: "/measure/upload".into(),
        help: vec![
            format!("Columns: {}. Give the metric's code; for an organisation's series its ODS code, for a place's series the place's name, and neither for the whole system.", COLUMNS.join(", ")),
            "Periods are the first day of the period reported (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY). You may load values only for organisations where you are an analyst or the partner lead (for place and system series, the metric's owner).".into(),
            "Loading the same file again changes nothing; a value for a period already held replaces it.".into(),
        ],
        datasets: Vec::new(),
        chosen: String::new(),
        back: ("/measure".into(), "System performance".into()),
        second: None,
        file: FileField::csv(),
    }
}

/// `GET /measure/upload`.
pub async fn upload_form(Context(state, visitor, permit): Context) -> Response {
    upload_page(
        layout(&state, &visitor, &permit, "Load metric values"),
        values_upload_def(),
        Outcome::Blank,
    )
}

/// `POST /measure/upload`: loads a values file (all or nothing).
pub async fn upload(
    Context(state, visitor, permit): Context,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let form = read_upload(&headers, body).await?;
    let page = |outcome| {
        upload_page(
            layout(&state, &visitor, &permit, "Load metric values"),
            values_upload_def(),
            outcome,
        )
    };
    let (file_name, bytes) = match form.chosen_file() {
        Ok(file) => file,
        Err(outcome) => return Ok(page(outcome)),
    };
    let principal = permit.principal.clone();
    let may_load = move |organisation_id: &str| {
        concord_app::may_act_for(principal.as_ref(), ActFor::LoadMetricData, organisation_id)
    };
    let result = match metric_load::parse_csv(bytes, "file") {
        Ok(rows) => {
            metric_load::load(
                &state.store,
                &permit.actor,
                &rows,
                file_name,
                "file",
                &may_load,
            )
            .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(s) => Ok(page(Outcome::Loaded(format!(
            "Loaded {file_name}: {} values, {} new, {} changed, {} already held, {} new series.",
            s.rows, s.added, s.changed, s.unchanged, s.series_created
        )))),
        Err(StoreError::Invalid(errors)) => {
            Ok(page(file_problems(errors.0.into_iter().map(|e| e.message))))
        }
        Err(err) => Err(err.into()),
    }
}

/// A rebase as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RebaseForm {
    /// The first period of the new process.
    pub starts_on: String,
    /// What changed.
    pub reason: String,
}

/// `POST /series/{id}/rebases`: starts a new group of limits at a period.
pub async fn add_rebase(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    Form(form): Form<RebaseForm>,
) -> Result<Response, PageError> {
    match metrics::add_rebase(
        &state.store,
        &permit.actor,
        &id,
        &form.starts_on,
        &form.reason,
    )
    .await
    {
        Ok(()) => Ok(confirmed(Next::to(
            format!("/series/{id}"),
            Notice::RebaseSaved,
        ))),
        Err(StoreError::Invalid(errors)) => Err(PageError(crate::error::Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The rebase could not be recorded",
            errors
                .0
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; "),
        ))),
        Err(err) => Err(err.into()),
    }
}

/// `POST /series/{id}/rebases/remove`: removes a rebase.
pub async fn remove_rebase(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    Form(form): Form<RebaseForm>,
) -> Result<Response, PageError> {
    metrics::remove_rebase(&state.store, &permit.actor, &id, &form.starts_on).await?;
    Ok(confirmed(Next::to(
        format!("/series/{id}"),
        Notice::RebaseRemoved,
    )))
}
