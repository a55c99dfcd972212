//! The population overview: who the system serves, from the linked, pseudonymised picture. Age and
//! sex, Bridges to Health segments, frailty by place and PCN, and deprivation; every count through
//! the system's disclosure rule, printed on the page.

use crate::error::PageError;
use crate::extract::Context;
use crate::ui::charts;
use crate::ui::filters;
use crate::ui::{render, Layout};
use askama::Template;
use axum::response::Response;
use concord_app::population::cohorts;
use concord_population::cohort::eval::{CohortReport, PublishedBreakdown};
use concord_population::disclosure::Shown;

/// A batch as listed on the page.
pub struct BatchLine {
    /// The source organisation's code.
    pub source: String,
    /// When it was committed.
    pub committed_at: String,
    /// Resources kept.
    pub resources: u64,
    /// Lines refused.
    pub rejected: u64,
}

/// A breakdown with its chart.
pub struct Chart {
    /// The published table.
    pub breakdown: PublishedBreakdown,
    /// The SVG.
    pub svg: String,
}

/// What the overview shows.
pub struct Overview {
    /// The registered population.
    pub registered: CohortReport,
    /// The over-65s.
    pub older: CohortReport,
    /// Age and sex.
    pub pyramid: String,
    /// Segments.
    pub segments: Chart,
    /// Deprivation.
    pub deprivation: Chart,
    /// Frailty by place.
    pub frailty_place: Chart,
    /// Frailty by PCN.
    pub frailty_pcn: Chart,
}

fn column(b: &PublishedBreakdown, name: &str) -> Vec<Shown> {
    let c = b.columns.iter().position(|x| x == name);
    b.table
        .cells
        .iter()
        .map(|row| c.map_or(Shown::Count(0), |c| row[c]))
        .collect()
}

/// The published overview with its charts.
fn charted(overview: cohorts::Overview) -> Overview {
    let cohorts::Overview { registered, older } = overview;
    let age_sex = &registered.breakdowns[0];
    let pyramid = charts::pyramid(
        "pyramid",
        "Registered population by age and sex",
        &age_sex.rows,
        &column(age_sex, "female"),
        &column(age_sex, "male"),
    );
    let bar = |b: &PublishedBreakdown, id: &str, title: &str| Chart {
        breakdown: b.clone(),
        svg: charts::bars(id, title, &b.rows, &column(b, "count")),
    };
    let stack = |b: &PublishedBreakdown, id: &str, title: &str| Chart {
        breakdown: b.clone(),
        svg: charts::stacked(id, title, &b.rows, &b.columns, &b.table.cells),
    };
    Overview {
        pyramid,
        segments: bar(
            &registered.breakdowns[1],
            "segments",
            "Registered population by Bridges to Health segment",
        ),
        deprivation: bar(
            &registered.breakdowns[2],
            "deprivation",
            "Registered population by national IMD decile (1 = most deprived)",
        ),
        frailty_place: stack(
            &older.breakdowns[0],
            "frailty-place",
            "People aged 65 and over by eFI category, by place",
        ),
        frailty_pcn: stack(
            &older.breakdowns[1],
            "frailty-pcn",
            "People aged 65 and over by eFI category, by primary care network",
        ),
        registered,
        older,
    }
}

#[derive(Template)]
#[template(path = "understand/population_overview.html")]
struct OverviewPage {
    layout: Layout,
    overview: Option<Overview>,
    batches: Vec<BatchLine>,
    rule: String,
}

/// `GET /population`: the overview.
pub async fn page(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let snapshot = state.population.snapshot().await?;
    let (overview, batches) = match snapshot {
        None => (None, Vec::new()),
        Some(snapshot) => {
            let batches = snapshot
                .picture
                .batches
                .iter()
                .rev()
                .map(|m| BatchLine {
                    source: m.source.clone(),
                    committed_at: m.committed_at.clone(),
                    resources: m.counts.total(),
                    rejected: m.rejected,
                })
                .collect();
            let overview = cohorts::overview(&state.population, &state.store).await?;
            (overview.map(charted), batches)
        }
    };
    Ok(render(&OverviewPage {
        layout: Layout::new(&state, &visitor, &permit, "Population", "population"),
        overview,
        batches,
        rule: state.population.rule().describe(),
    }))
}
