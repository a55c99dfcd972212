//! Cohorts: the saved list, the builder with live counts, a cohort's results with charts and a CSV
//! export, and editing a definition as text. Every count shown has passed the disclosure rule.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::{PageError, Problem};
use crate::extract::Context;
use crate::ui::charts;
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use concord_app::population::cohorts;
use concord_app::population::PopulationError;
use concord_domain::ValidationErrors;
use concord_population::cohort::definition::Cohort;
use concord_population::cohort::eval::{CohortReport, PublishedBreakdown};
use concord_store::population::{self, SavedCohort};
use concord_store::StoreError;
use serde::Serialize;

/// A breakdown ready to show: its table and chart.
pub struct ShownBreakdown {
    /// The published table.
    pub b: PublishedBreakdown,
    /// Its caption.
    pub caption: String,
    /// The chart.
    pub svg: String,
}

/// A cohort's published results.
pub struct Results {
    /// The report.
    pub report: CohortReport,
    /// Its breakdowns with charts.
    pub breakdowns: Vec<ShownBreakdown>,
}

/// Counts a checked cohort and publishes it with a chart per breakdown, or says there are no data.
pub async fn results(state: &AppState, cohort: Cohort) -> Result<Option<Results>, PopulationError> {
    let report = cohorts::count(&state.population, &state.store, cohort).await?;
    Ok(report.map(drawn))
}

/// A published report with its charts.
fn drawn(report: CohortReport) -> Results {
    let breakdowns = report
        .breakdowns
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let caption = format!("The cohort by {}", b.by.join(" and "));
            let id = format!("breakdown-{i}");
            let svg = if b.columns.len() == 1 {
                let values: Vec<_> = b.table.cells.iter().map(|r| r[0]).collect();
                charts::bars(&id, &caption, &b.rows, &values)
            } else {
                charts::stacked(&id, &caption, &b.rows, &b.columns, &b.table.cells)
            };
            ShownBreakdown {
                b: b.clone(),
                caption,
                svg,
            }
        })
        .collect();
    Results { report, breakdowns }
}

#[derive(Template)]
#[template(path = "understand/cohorts.html")]
struct ListPage {
    layout: Layout,
    cohorts: Vec<SavedCohort>,
    can_build: bool,
}

/// `GET /population/cohorts`.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let cohorts = population::cohorts(&state.store).await?;
    let can_build = permit.may(&state, Rule::SaveCohort, Target::NONE).await?;
    Ok(render(&ListPage {
        layout: Layout::new(&state, &visitor, &permit, "Cohorts", "population"),
        cohorts,
        can_build,
    }))
}

#[derive(Template)]
#[template(path = "understand/cohort.html")]
struct CohortPage {
    layout: Layout,
    cohort: SavedCohort,
    results: Option<Results>,
    can_edit: bool,
    can_see_worklist: bool,
    can_break_glass: bool,
}

/// `GET /population/cohorts/{id}`: the results.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let saved = population::cohort(&state.store, &id).await?;
    let cohort = population::check_definition(&saved.definition)?;
    let results = results(&state, cohort).await?;
    let target = Target::id(&id);
    Ok(render(&CohortPage {
        layout: Layout::new(&state, &visitor, &permit, saved.name.clone(), "population"),
        can_edit: permit.may(&state, Rule::EditCohort, target).await?,
        can_see_worklist: permit.may(&state, Rule::ViewWorklist, target).await?,
        can_break_glass: permit.may(&state, Rule::BreakGlass, target).await?,
        cohort: saved,
        results,
    }))
}

/// `GET /population/cohorts/{id}/results.csv`: the published counts as CSV.
pub async fn csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let saved = population::cohort(&state.store, &id).await?;
    let cohort = population::check_definition(&saved.definition)?;
    let Some(results) = results(&state, cohort).await? else {
        return Err(PageError(Problem::new(
            StatusCode::NOT_FOUND,
            "no-data",
            "No population data",
            "No population data have been ingested yet.",
        )));
    };
    let filename: String = saved
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}.csv\""),
            ),
        ],
        results.report.to_csv(),
    )
        .into_response())
}

/// A builder's fields: what the form sends.
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// The cohort's name.
    pub name: String,
    /// Youngest age.
    pub age_min: String,
    /// Oldest age.
    pub age_max: String,
    /// `female`, `male` or empty for either.
    pub sex: String,
    /// eFI categories ticked.
    pub frailty: Vec<String>,
    /// Condition codes ticked (any of).
    pub conditions: Vec<String>,
    /// Social circumstances ticked (any of).
    pub social: Vec<String>,
    /// At least this many emergency admissions in 12 months.
    pub admissions: String,
    /// Live in the most deprived N deciles.
    pub imd_max: String,
    /// First breakdown.
    pub by1: String,
    /// Second breakdown.
    pub by2: String,
}

/// Conditions offered by the builder: (code, label).
pub const CONDITIONS: [(&str, &str); 12] = [
    ("38341003", "Hypertension"),
    ("44054006", "Type 2 diabetes"),
    ("195967001", "Asthma"),
    ("13645005", "COPD"),
    ("53741008", "Coronary heart disease"),
    ("49436004", "Atrial fibrillation"),
    ("84114007", "Heart failure"),
    ("230690007", "Stroke"),
    ("433144002", "Chronic kidney disease"),
    ("52448006", "Dementia"),
    ("35489007", "Depression"),
    ("363346000", "Cancer"),
];

/// Social circumstances offered by the builder: (key, label, codes).
pub const SOCIAL: [SocialFactor; 4] = [
    SocialFactor {
        key: "alone",
        label: "Lives alone",
        codes: &["105529008", "160726006"],
        within: None,
    },
    SocialFactor {
        key: "lonely",
        label: "Felt lonely in the last 2 years",
        codes: &["267076002"],
        within: Some("2 years"),
    },
    SocialFactor {
        key: "isolated",
        label: "Socially isolated in the last 2 years",
        codes: &["422650009"],
        within: Some("2 years"),
    },
    SocialFactor {
        key: "ucla",
        label: "Loneliness score (UCLA 3-item) of 6 or more in the last 2 years",
        codes: &["106418-7"],
        within: Some("2 years"),
    },
];

/// A social risk factor the builder offers, with the codes and window it is recorded by: the
/// same as the saved cohort "Older people at risk of social isolation"
/// (`data/cohorts/social-isolation.toml`), so a preset and a saved cohort of one name count alike.
pub struct SocialFactor {
    /// The variable's name in the definition.
    pub key: &'static str,
    /// What the checkbox says.
    pub label: &'static str,
    /// SNOMED CT (or, for the UCLA score, LOINC) codes.
    pub codes: &'static [&'static str],
    /// How recent a record must be, if it must.
    pub within: Option<&'static str>,
}

/// Breakdowns offered by the builder.
pub const BREAKDOWNS: [(&str, &str); 10] = [
    ("pcn", "Primary care network"),
    ("place", "Place"),
    ("practice", "Practice"),
    ("frailty", "eFI category"),
    ("segment", "Segment"),
    ("sex", "Sex"),
    ("age_band", "Age band"),
    ("imd_decile", "IMD decile"),
    ("lsoa", "LSOA"),
    ("medicines", "Medicines in 12 months"),
];

impl Builder {
    /// The builder's fields from a form's pairs (repeated names for ticked boxes).
    pub fn from_pairs(pairs: &[(String, String)]) -> Builder {
        let mut b = Builder::default();
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "name" => b.name = v,
                "age_min" => b.age_min = v,
                "age_max" => b.age_max = v,
                "sex" => b.sex = v,
                "frailty" => b.frailty.push(v),
                "conditions" => b.conditions.push(v),
                "social" => b.social.push(v),
                "admissions" => b.admissions = v,
                "imd_max" => b.imd_max = v,
                "by1" => b.by1 = v,
                "by2" => b.by2 = v,
                _ => {}
            }
        }
        b
    }

    /// The definition the fields describe, in the cohort language. Numbers that are not whole
    /// numbers are left for the definition's own check to refuse, naming the line.
    pub fn definition(&self) -> String {
        let quote = |s: &str| {
            s.chars()
                .filter(|c| !c.is_control() && *c != '\\')
                .map(|c| if c == '"' { '\'' } else { c })
                .collect::<String>()
        };
        let mut criteria = Vec::new();
        let number = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        if !self.age_min.is_empty() {
            criteria.push(format!("age >= {}", number(&self.age_min)));
        }
        if !self.age_max.is_empty() {
            criteria.push(format!("age <= {}", number(&self.age_max)));
        }
        if matches!(self.sex.as_str(), "female" | "male") {
            criteria.push(format!("sex = '{}'", self.sex));
        }
        let frailty: Vec<String> = self
            .frailty
            .iter()
            .filter(|f| ["fit", "mild", "moderate", "severe"].contains(&f.as_str()))
            .map(|f| format!("'{f}'"))
            .collect();
        if !frailty.is_empty() {
            criteria.push(format!("frailty in [{}]", frailty.join(", ")));
        }
        let mut codelists = Vec::new();
        let mut variables = Vec::new();
        let conditions: Vec<String> = self
            .conditions
            .iter()
            .filter(|c| CONDITIONS.iter().any(|(code, _)| code == c))
            .map(|c| format!("\"{c}\""))
            .collect();
        if !conditions.is_empty() {
            codelists.push(format!("conditions = [{}]", conditions.join(", ")));
            variables.push("has_condition = { has = \"conditions\" }".to_string());
            criteria.push("has_condition".into());
        }
        let mut social = Vec::new();
        for factor in &SOCIAL {
            let key = factor.key;
            if !self.social.iter().any(|s| s == key) {
                continue;
            }
            let codes: Vec<String> = factor.codes.iter().map(|c| format!("\"{c}\"")).collect();
            codelists.push(format!("{key}_codes = [{}]", codes.join(", ")));
            let window = factor
                .within
                .map(|w| format!(", within = \"{w}\""))
                .unwrap_or_default();
            if key == "ucla" {
                variables.push(format!("ucla = {{ last_value = \"ucla_codes\"{window} }}"));
                social.push("ucla >= 6".to_string());
            } else {
                variables.push(format!("{key} = {{ has = \"{key}_codes\"{window} }}"));
                social.push(key.to_string());
            }
        }
        if !social.is_empty() {
            criteria.push(format!("({})", social.join(" or ")));
        }
        if !self.admissions.is_empty() {
            codelists.push("emergency_admission = [\"183452005\"]".into());
            variables.push(
                "admissions = { count = \"emergency_admission\", within = \"12 months\", class = \"IMP\" }"
                    .into(),
            );
            criteria.push(format!("admissions >= {}", number(&self.admissions)));
        }
        if !self.imd_max.is_empty() {
            criteria.push(format!("imd_decile <= {}", number(&self.imd_max)));
        }
        let by: Vec<&str> = [self.by1.as_str(), self.by2.as_str()]
            .into_iter()
            .filter(|b| BREAKDOWNS.iter().any(|(k, _)| k == b))
            .collect();
        let mut text = format!(
            "name = \"{}\"\n",
            quote(if self.name.is_empty() {
                "New cohort"
            } else {
                &self.name
            })
        );
        if !criteria.is_empty() {
            text.push_str(&format!("where = \"{}\"\n", criteria.join(" and ")));
        }
        match by.as_slice() {
            [] => {}
            [one] => text.push_str(&format!("breakdowns = [[\"{one}\"]]\n")),
            [a, b, ..] if a == b => text.push_str(&format!("breakdowns = [[\"{a}\"]]\n")),
            [a, b, ..] => text.push_str(&format!("breakdowns = [[\"{a}\"], [\"{a}\", \"{b}\"]]\n")),
        }
        if !codelists.is_empty() {
            text.push_str("\n[codelists]\n");
            text.push_str(&codelists.join("\n"));
            text.push('\n');
        }
        if !variables.is_empty() {
            text.push_str("\n[variables]\n");
            text.push_str(&variables.join("\n"));
            text.push('\n');
        }
        text
    }
}

#[derive(Template)]
#[template(path = "understand/cohort_builder.html")]
struct BuilderPage {
    layout: Layout,
    builder: Builder,
    definition: String,
    error: Option<String>,
    results: Option<Results>,
}

impl BuilderPage {
    fn ticked(&self, list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }
}

/// `GET /population/cohorts/new`: the builder.
pub async fn new(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let builder = Builder {
        name: "Older people at risk of social isolation".into(),
        age_min: "65".into(),
        social: vec![
            "alone".into(),
            "lonely".into(),
            "isolated".into(),
            "ucla".into(),
        ],
        by1: "pcn".into(),
        by2: "frailty".into(),
        ..Builder::default()
    };
    preview_page(&state, &visitor, &permit, builder).await
}

async fn preview_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    builder: Builder,
) -> Result<Response, PageError> {
    let definition = builder.definition();
    let (error, results) = match population::check_definition(&definition) {
        Err(StoreError::Invalid(errors)) => (Some(errors.0[0].message.clone()), None),
        Err(other) => return Err(other.into()),
        // A breakdown too fine to publish, or without its reference data, is said like a
        // mistake in the definition: the builder stays usable.
        Ok(cohort) => match results(state, cohort).await {
            Ok(results) => (None, results),
            Err(PopulationError::TooDetailed(why) | PopulationError::MissingReference(why)) => {
                (Some(why), None)
            }
            Err(other) => return Err(other.into()),
        },
    };
    Ok(render(&BuilderPage {
        layout: Layout::new(state, visitor, permit, "Build a cohort", "population"),
        builder,
        definition,
        error,
        results,
    }))
}

/// `POST /population/cohorts/preview`: the builder again with the counts its fields give (the
/// page's script swaps in the results as the fields change).
pub async fn preview(
    Context(state, visitor, permit): Context,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    preview_page(&state, &visitor, &permit, Builder::from_pairs(&pairs)).await
}

/// The cohort-language form's one field.
#[derive(Serialize)]
struct DefinitionField<'d> {
    definition: &'d str,
}

/// The form for a cohort's definition as text: a new cohort (`saved` is `None`) or a saved one.
/// Whatever the definition's checker found wrong is shown against the one field.
fn definition_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    saved: Option<&SavedCohort>,
    definition: &str,
    found: ValidationErrors,
) -> Response {
    let mut errors = ValidationErrors::default();
    for problem in found.0 {
        errors.add("definition", problem.message);
    }
    let (heading, action, back) = match saved {
        Some(c) => (
            format!("Change {}", c.name),
            format!("/population/cohorts/{}/edit", c.id),
            (
                format!("/population/cohorts/{}", c.id),
                "Back to the cohort".to_string(),
            ),
        ),
        None => (
            "Save a cohort".to_string(),
            "/population/cohorts".to_string(),
            (
                "/population/cohorts/new".to_string(),
                "Back to the builder".to_string(),
            ),
        ),
    };
    let def = FormDef {
        warning: None,
        heading: heading.clone(),
        caption: "Cohorts".into(),
        intro: String::new(),
        back,
        action,
        submit: "Save the cohort".into(),
        fields: Fields::new(&DefinitionField { definition })
            .code(
                "definition",
                "Definition, in the cohort language",
                "TOML: a name, then `where` and `breakdowns`, then [codelists] (codes inline) and [variables].",
            )
            .build(),
    };
    form_page(
        Layout::new(state, visitor, permit, heading, "population"),
        def,
        errors,
    )
}

/// `POST /population/cohorts`: saves a new cohort (from the builder's definition or the editor).
pub async fn create(
    Context(state, visitor, permit): Context,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let definition =
        posted_definition(&pairs).unwrap_or_else(|| Builder::from_pairs(&pairs).definition());
    let owner = permit
        .principal
        .as_ref()
        .and_then(cohorts::owner_for)
        .ok_or_else(PageError::not_found)?;
    let saved =
        population::save_cohort(&state.store, &permit.actor, None, &owner, &definition).await;
    let (state, visitor, permit) = (&state, &visitor, &permit);
    settle(
        saved,
        |id| Next::to(format!("/population/cohorts/{id}"), Notice::CohortSaved),
        |errors| async move {
            Ok(definition_form(
                state,
                visitor,
                permit,
                None,
                &definition,
                errors,
            ))
        },
    )
    .await
}

/// `GET /population/cohorts/{id}/edit`: the definition as text.
pub async fn edit(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let saved = population::cohort(&state.store, &id).await?;
    Ok(definition_form(
        &state,
        &visitor,
        &permit,
        Some(&saved),
        &saved.definition,
        ValidationErrors::default(),
    ))
}

/// A form field `definition` as posted, with browser line endings made plain.
fn posted_definition(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == "definition")
        .map(|(_, v)| v.replace("\r\n", "\n"))
}

/// `POST /population/cohorts/{id}/edit`.
pub async fn update(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let definition = posted_definition(&pairs).unwrap_or_default();
    let saved = population::cohort(&state.store, &id).await?;
    let result = population::save_cohort(
        &state.store,
        &permit.actor,
        Some(&id),
        &saved.owner_organisation_id,
        &definition,
    )
    .await;
    let (state, visitor, permit, saved) = (&state, &visitor, &permit, &saved);
    settle(
        result,
        |_| Next::to(format!("/population/cohorts/{id}"), Notice::CohortSaved),
        |errors| async move {
            Ok(definition_form(
                state,
                visitor,
                permit,
                Some(saved),
                &definition,
                errors,
            ))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builders_fields_make_a_definition_that_checks() {
        let pairs: Vec<(String, String)> = [
            ("name", "Frail \"and\" lonely"),
            ("age_min", "65"),
            ("sex", "female"),
            ("frailty", "moderate"),
            ("frailty", "severe"),
            ("conditions", "84114007"),
            ("social", "alone"),
            ("social", "ucla"),
            ("admissions", "2"),
            ("imd_max", "3"),
            ("by1", "pcn"),
            ("by2", "frailty"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let text = Builder::from_pairs(&pairs).definition();
        let cohort = population::check_definition(&text).unwrap();
        assert_eq!(cohort.name, "Frail 'and' lonely");
        assert_eq!(
            cohort.breakdowns,
            vec![
                vec!["pcn".to_string()],
                vec!["pcn".into(), "frailty".into()]
            ]
        );
        assert_eq!(cohort.variables.len(), 4, "{text}");
        // A bad number is left for the check to refuse, at its line.
        let bad = Builder {
            age_min: "6x".into(),
            ..Builder::default()
        }
        .definition();
        let err = population::check_definition(&bad).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
