//! Frontline improvement: the list of projects, a project's page (aim, driver diagram, PDSA
//! cycles, run chart of the team's measure) and the forms that build it.

use super::programmes::codes;
use crate::auth::Visitor;
use crate::authz::{self, Permit, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{
    form_handlers, form_page, id_and_item, id_only, parse, settle, Field, Fields, FormDef,
    FormFamily,
};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::improvement::{
    DriverKind, ImprovementMeasurementDraft, ImprovementProjectDraft, PdsaAct, PdsaDraft,
};
use concord_domain::meeting::london_date;
use concord_domain::programme::Direction;
use concord_domain::ValidationErrors;
use concord_measure::run_chart::{analyse, Rule, RunChart, RunChartOptions, RULES_SOURCE};
use concord_store::improvement::{
    self, ChangeIdea, Driver, ImprovementProject, MeasureReading, PdsaCycle,
};
use concord_store::{lookups, StoreError};

type Form = Vec<(String, String)>;

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "improvement")
}

#[derive(Template)]
#[template(path = "deliver/improvement_list.html")]
struct ListPage {
    layout: Layout,
    projects: Vec<ImprovementProject>,
    start_for: Option<String>,
}

/// `GET /improvement`.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(render(&ListPage {
        layout: layout(&state, &visitor, &permit, "Frontline improvement"),
        projects: improvement::list(&state.store, None).await?,
        start_for: permit
            .principal
            .as_ref()
            .and_then(|p| p.grants.first())
            .map(|g| g.organisation_id.clone()),
    }))
}

/// A point of the run chart as drawn.
pub struct ChartPoint {
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// CSS class: signal or not.
    pub class: &'static str,
    /// The date.
    pub label: String,
    /// The value.
    pub value: f64,
    /// The rules that flag it, in words.
    pub flags: String,
}

/// A run chart ready to draw: coordinates in a 720 x 300 box.
pub struct ChartView {
    /// The points.
    pub points: Vec<ChartPoint>,
    /// The polyline through them.
    pub path: String,
    /// The median's height.
    pub median_y: f64,
    /// The median.
    pub median: f64,
    /// Axis ticks: (y, label).
    pub ticks: Vec<(f64, String)>,
    /// The analysis.
    pub chart: RunChart,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 50.0;
const TOP: f64 = 15.0;
const BOTTOM: f64 = 30.0;

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Shift => "shift",
        Rule::Trend => "trend",
        Rule::TooFewRuns => "too few runs",
        Rule::TooManyRuns => "too many runs",
        Rule::Astronomical => "astronomical point",
    }
}

/// Lays out the run chart of `readings`, or `None` with fewer than two readings.
pub fn chart_view(readings: &[MeasureReading]) -> Option<ChartView> {
    if readings.len() < 2 {
        return None;
    }
    let values: Vec<f64> = readings.iter().map(|r| r.value).collect();
    let chart = analyse(&values, &RunChartOptions::default()).ok()?;
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let pad = ((hi - lo) * 0.1).max(0.5);
    let (lo, hi) = ((lo - pad).min(chart.median), (hi + pad).max(chart.median));
    let y = |v: f64| TOP + (hi - v) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
    let step = (WIDTH - LEFT - 10.0) / (values.len() - 1) as f64;
    let points: Vec<ChartPoint> = readings
        .iter()
        .zip(&chart.points)
        .enumerate()
        .map(|(i, (r, p))| ChartPoint {
            x: (LEFT + step * i as f64).round(),
            y: y(r.value).round(),
            class: if p.flags.is_empty() {
                "concord-run-point"
            } else {
                "concord-run-point concord-run-point--signal"
            },
            label: r.measured_on.clone(),
            value: r.value,
            flags: p
                .flags
                .iter()
                .map(|f| rule_name(*f))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let path = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let ticks = (0..=4)
        .map(|k| {
            let v = lo + (hi - lo) * k as f64 / 4.0;
            (y(v).round(), format!("{v:.1}"))
        })
        .collect();
    Some(ChartView {
        median_y: y(chart.median).round(),
        median: chart.median,
        points,
        path,
        ticks,
        chart,
    })
}

#[derive(Template)]
#[template(path = "deliver/improvement_project.html")]
struct ProjectPage {
    layout: Layout,
    project: ImprovementProject,
    drivers: Vec<Driver>,
    ideas: Vec<ChangeIdea>,
    cycles: Vec<PdsaCycle>,
    readings: Vec<MeasureReading>,
    view: Option<ChartView>,
    can_edit: bool,
    source: &'static str,
}

impl ProjectPage {
    fn secondaries(&self, primary: &str) -> Vec<&Driver> {
        self.drivers
            .iter()
            .filter(|d| d.parent_id.as_deref() == Some(primary))
            .collect()
    }

    fn primaries(&self) -> Vec<&Driver> {
        self.drivers
            .iter()
            .filter(|d| d.kind == DriverKind::Primary)
            .collect()
    }

    fn ideas_for(&self, driver: &str) -> Vec<&ChangeIdea> {
        self.ideas
            .iter()
            .filter(|i| i.driver_id == driver)
            .collect()
    }
}

/// `GET /improvement/{id}`.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let project = improvement::get(store, &id).await?;
    let (drivers, ideas) = improvement::diagram(store, &id).await?;
    let readings = improvement::readings(store, &id).await?;
    Ok(render(&ProjectPage {
        layout: layout(&state, &visitor, &permit, project.title.clone()),
        can_edit: permit
            .may(&state, authz::Rule::RunImprovement, Target::id(&id))
            .await?,
        cycles: improvement::cycles(store, &id, london_date(chrono::Utc::now())).await?,
        view: chart_view(&readings),
        readings,
        drivers,
        ideas,
        project,
        source: RULES_SOURCE,
    }))
}

/// Which improvement form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImprovementForm {
    Driver,
    Idea,
    Cycle,
    EditCycle,
    Reading,
}

impl ImprovementForm {
    fn heading(self) -> &'static str {
        match self {
            ImprovementForm::Driver => "Add a driver",
            ImprovementForm::Idea => "Add a change idea",
            ImprovementForm::Cycle => "Plan a PDSA cycle",
            ImprovementForm::EditCycle => "Record the cycle",
            ImprovementForm::Reading => "Record a reading",
        }
    }

    fn action(self, id: &str, item: &str) -> String {
        match self {
            ImprovementForm::Driver => format!("/improvement/{id}/drivers"),
            ImprovementForm::Idea => format!("/improvement/{id}/ideas"),
            ImprovementForm::Cycle => format!("/improvement/{id}/cycles"),
            ImprovementForm::EditCycle => format!("/improvement/{id}/cycles/{item}/edit"),
            ImprovementForm::Reading => format!("/improvement/{id}/readings"),
        }
    }

    async fn fields(
        self,
        state: &AppState,
        id: &str,
        item: &str,
        form: &Form,
    ) -> Result<Vec<Field>, PageError> {
        let (drivers, ideas) = improvement::diagram(&state.store, id).await?;
        let primaries = drivers
            .iter()
            .filter(|d| d.kind == DriverKind::Primary)
            .map(|d| (d.id.clone(), d.text.clone()))
            .collect();
        let all_drivers = drivers
            .iter()
            .map(|d| (d.id.clone(), d.text.clone()))
            .collect();
        let idea_choices: Vec<(String, String)> = ideas
            .iter()
            .map(|i| (i.id.clone(), i.text.clone()))
            .collect();
        Ok(match self {
            ImprovementForm::Driver => Fields::new(&parse::<
                concord_domain::improvement::DriverDraft,
            >(form, &[])?)
            .select(
                "kind",
                "Kind",
                codes(DriverKind::ALL, DriverKind::as_str, DriverKind::label),
                "Select",
            )
            .select(
                "parent_id",
                "Serves primary driver",
                primaries,
                "None (for a primary driver)",
            )
            .text("text", "The driver", "")
            .build(),
            ImprovementForm::Idea => Fields::new(&parse::<
                concord_domain::improvement::ChangeIdeaDraft,
            >(form, &[])?)
            .select("driver_id", "Acts on driver", all_drivers, "Select")
            .text("text", "The change idea", "")
            .build(),
            ImprovementForm::Cycle | ImprovementForm::EditCycle => {
                let mut draft: PdsaDraft = parse(form, &[])?;
                if self == ImprovementForm::EditCycle && form.is_empty() {
                    let today = london_date(chrono::Utc::now());
                    if let Some(c) = improvement::cycles(&state.store, id, today)
                        .await?
                        .into_iter()
                        .find(|c| c.id == item)
                    {
                        draft = PdsaDraft {
                            change_idea_id: c.change_idea_id,
                            title: c.title,
                            plan: c.plan,
                            prediction: c.prediction,
                            starts_on: c.starts_on,
                            study_on: c.study_on,
                            do_notes: c.do_notes,
                            study: c.study,
                            act: c.act.map(|a| a.as_str().to_string()).unwrap_or_default(),
                            act_notes: c.act_notes,
                        };
                    }
                }
                let mut fields = Fields::new(&draft)
                    .select(
                        "change_idea_id",
                        "Change idea tested",
                        idea_choices,
                        "Select",
                    )
                    .text("title", "Title", "")
                    .textarea("plan", "Plan", "What, who, where, when, and what data")
                    .textarea("prediction", "Prediction", "What do you expect to happen?")
                    .date("starts_on", "Starts", "")
                    .date("study_on", "Study the results on", "");
                if self == ImprovementForm::EditCycle {
                    fields = fields
                        .textarea("do_notes", "Do: what happened", "")
                        .textarea("study", "Study: results against the prediction", "")
                        .select(
                            "act",
                            "Act",
                            codes(PdsaAct::ALL, PdsaAct::as_str, PdsaAct::label),
                            "Not decided yet",
                        )
                        .textarea("act_notes", "What next", "");
                }
                fields.build()
            }
            ImprovementForm::Reading => {
                Fields::new(&parse::<ImprovementMeasurementDraft>(form, &[])?)
                    .date(
                        "measured_on",
                        "Date",
                        "The day (or the end of the week) the value is for",
                    )
                    .number("value", "Value", "")
                    .text("note", "Note", "For example, the week a change started")
                    .build()
            }
        })
    }

    /// Saves the posted form through the store.
    async fn persist(
        self,
        state: &AppState,
        permit: &Permit,
        id: &str,
        item: &str,
        form: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        let (store, actor) = (&state.store, &permit.actor);
        Ok(match self {
            ImprovementForm::Driver => {
                improvement::add_driver(store, actor, id, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ImprovementForm::Idea => {
                improvement::add_change_idea(store, actor, id, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ImprovementForm::Cycle => {
                improvement::save_cycle(store, actor, id, None, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ImprovementForm::EditCycle => {
                improvement::save_cycle(store, actor, id, Some(item), &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ImprovementForm::Reading => {
                improvement::record_readings(store, actor, id, &[parse(form, &[])?]).await
            }
        })
    }
}

async fn improvement_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    (id, item): (&str, &str),
    which: ImprovementForm,
    form: &Form,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let project = improvement::get(&state.store, id).await?;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: which.heading().into(),
        caption: project.title.clone(),
        back: (format!("/improvement/{id}"), project.title.clone()),
        action: which.action(id, item),
        submit: "Save".into(),
        fields: which.fields(state, id, item, form).await?,
    };
    Ok(form_page(
        layout(state, visitor, permit, which.heading()),
        def,
        errors,
    ))
}

impl FormFamily for ImprovementForm {
    async fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        ids: (&str, &str),
        posted: &Form,
        errors: ValidationErrors,
    ) -> Result<Response, PageError> {
        improvement_form(state, visitor, permit, ids, self, posted, errors).await
    }

    async fn save(
        self,
        state: &AppState,
        permit: &Permit,
        (id, item): (&str, &str),
        posted: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        self.persist(state, permit, id, item, posted).await
    }

    fn done(self, (id, _): (&str, &str)) -> Next {
        let notice = match self {
            ImprovementForm::Reading => Notice::ReadingRecorded,
            _ => Notice::ProjectSaved,
        };
        Next::to(format!("/improvement/{id}"), notice)
    }
}

form_handlers! {
    new_driver, add_driver => ImprovementForm::Driver, String, id_only;
    new_idea, add_idea => ImprovementForm::Idea, String, id_only;
    new_cycle, start_cycle => ImprovementForm::Cycle, String, id_only;
    edit_cycle, update_cycle => ImprovementForm::EditCycle, (String, String), id_and_item;
    new_reading, add_reading => ImprovementForm::Reading, String, id_only;
}

async fn project_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    org: &str,
    draft: &ImprovementProjectDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let store = &state.store;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: "Start an improvement project".into(),
        caption: "Frontline improvement".into(),
        back: ("/improvement".into(), "Frontline improvement".into()),
        action: format!("/organisations/{org}/improvement"),
        submit: "Start project".into(),
        fields: Fields::new(draft)
            .text("title", "Title", "")
            .text(
                "team",
                "Team",
                "For example, Castle Street care coordinators",
            )
            .textarea(
                "aim",
                "Aim",
                "What will improve, for whom, by how much, by when",
            )
            .select(
                "lead_person_id",
                "Lead",
                lookups::people(store).await?,
                "Select",
            )
            .select(
                "programme_id",
                "Programme it serves",
                lookups::programmes(store).await?,
                "None",
            )
            .text("measure_name", "The team's measure", "")
            .text("measure_unit", "Unit", "")
            .select(
                "measure_direction",
                "Which way is better",
                codes(Direction::ALL, Direction::as_str, Direction::label),
                "Select",
            )
            .build(),
    };
    Ok(form_page(
        layout(state, visitor, permit, "Start an improvement project"),
        def,
        errors,
    ))
}

/// `GET /organisations/{id}/improvement/new`.
pub async fn new_project(
    Context(state, visitor, permit): Context,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let draft = ImprovementProjectDraft {
        lead_person_id: permit
            .principal
            .as_ref()
            .map(|p| p.person_id.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    project_form(
        &state,
        &visitor,
        &permit,
        &org,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations/{id}/improvement`.
pub async fn create_project(
    Context(state, visitor, permit): Context,
    Path(org): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: ImprovementProjectDraft = parse(&form, &[])?;
    settle(
        improvement::create(&state.store, &permit.actor, &org, &draft).await,
        |id| Next::to(format!("/improvement/{id}"), Notice::ProjectSaved),
        |errors| project_form(&state, &visitor, &permit, &org, &draft, errors),
    )
    .await
}
