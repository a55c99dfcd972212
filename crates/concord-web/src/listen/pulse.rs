//! The trust pulse's pages: the overview (the round open now, the latest results, the trend with
//! its events, relationships that fell), one round's results as a matrix with the principles, a
//! figure's trend, the answer form (no JavaScript: choose partners, then rate them), the CSV
//! export, and administrators' forms to open and close rounds and record events. Every figure
//! comes from [`concord_store::pulse::Trend`]'s protected aggregates.

use crate::authz::{Rule, Target};
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{Next, Notice};
use crate::ui::{csv_download, filters, render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::listen::pulse::{self as use_case, rule, EventDraft, RoundDraft};
use concord_domain::pulse::results::{Figure, PulseResults};
use concord_domain::pulse::{
    principle_field, trust_field, Agreement, Principle, PulseDraft, RoundStatus, TrustItem,
    AGREEMENT_SCALE, INSTRUMENT_SOURCES,
};
use concord_domain::ValidationErrors;
use concord_store::pulse::{self as store, Round, Scope};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A figure for a table cell: its text, whether withheld, and a tooltip.
pub struct Shown {
    /// "3.8" or "Withheld".
    pub text: String,
    /// Respondents, when shown.
    pub respondents: String,
    /// Whether withheld.
    pub withheld: bool,
    /// Why, in words.
    pub why: String,
}

/// A figure as a table shows it.
pub fn shown(figure: Option<&Figure>) -> Option<Shown> {
    let f = figure?;
    Some(match (f.score, f.respondents, f.withheld) {
        (Some(score), Some(n), _) => Shown {
            text: format!("{score:.1}"),
            respondents: concord_domain::format::count(n as i64),
            withheld: false,
            why: String::new(),
        },
        (_, _, reason) => Shown {
            text: "Withheld".into(),
            respondents: String::new(),
            withheld: true,
            why: reason.map(|r| r.label()).unwrap_or_default().into(),
        },
    })
}

/// One row of the matrix.
pub struct MatrixRow {
    id: String,
    name: String,
    cells: Vec<Option<Shown>>,
    total: Option<Shown>,
}

/// A round's matrix: respondents' organisations down, partners across.
pub struct Matrix {
    columns: Vec<(String, String)>,
    rows: Vec<MatrixRow>,
    column_totals: Vec<Option<Shown>>,
    overall: Option<Shown>,
}

fn matrix(results: &PulseResults, names: &BTreeMap<String, String>) -> Matrix {
    let name = |id: &str| store::name_in(names, id).to_string();
    let mut columns: Vec<(String, String)> = results
        .rated_by_partners
        .keys()
        .map(|id| (id.clone(), name(id)))
        .collect();
    columns.sort_by(|a, b| a.1.cmp(&b.1));
    let mut rows: Vec<MatrixRow> = results
        .rating_given
        .iter()
        .map(|(id, total)| MatrixRow {
            id: id.clone(),
            name: name(id),
            cells: columns
                .iter()
                .map(|(to, _)| shown(results.cell(id, to)))
                .collect(),
            total: shown(Some(total)),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Matrix {
        column_totals: columns
            .iter()
            .map(|(id, _)| shown(results.rated_by_partners.get(id)))
            .collect(),
        overall: shown(Some(&results.overall)),
        columns,
        rows,
    }
}

/// One principle's row: overall, by organisation, spread.
pub struct PrincipleRow {
    label: &'static str,
    statement: &'static str,
    overall: Option<Shown>,
    by_organisation: Vec<Option<Shown>>,
    spread: String,
    code: &'static str,
}

fn principle_rows(results: &PulseResults, organisations: &[(String, String)]) -> Vec<PrincipleRow> {
    results
        .principles
        .iter()
        .map(|p| PrincipleRow {
            label: p.principle.label(),
            statement: p.principle.statement(),
            code: p.principle.as_str(),
            overall: shown(Some(&p.overall)),
            by_organisation: organisations
                .iter()
                .map(|(id, _)| shown(p.by_organisation.get(id)))
                .collect(),
            spread: p.spread.map(|s| format!("{s:.1}")).unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "listen/pulse.html")]
struct Overview {
    layout: Layout,
    open: Option<Round>,
    answered: bool,
    may_run: bool,
    latest: Option<Round>,
    respondents: String,
    overall: Option<Shown>,
    chart: Option<concord_store::pulse::TrendChart>,
    falls: Vec<(String, String, String)>,
    principles: Vec<PrincipleRow>,
    rounds: Vec<Round>,
    rule: String,
}

/// `GET /pulse`: the round open now, the latest results and the trend.
pub async fn overview(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let open = use_case::open_now(&state.store).await?;
    let answered = match &open {
        Some(r) => store::has_answered(&state.store, &r.id, &permit.person().person_id).await?,
        None => false,
    };
    let trend = store::trend(&state.store).await?;
    let latest = trend.latest();
    let falls = trend
        .falls()
        .into_iter()
        .map(|(from, to, chart)| {
            let p = chart.chart.points.last().expect("a chart has points");
            (
                format!("/pulse/trend?from={from}&to={to}"),
                format!("{} rating {}", trend.name(&from), trend.name(&to)),
                format!(
                    "{:.1}, below the lower limit {:.1} (mean {:.1})",
                    p.value, p.lpl, p.mean
                ),
            )
        })
        .collect();
    Ok(render(&Overview {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Partnership trust pulse",
            "pulse",
        ),
        may_run: permit
            .may(&state, Rule::RunTrustPulse, Target::NONE)
            .await?,
        answered,
        open,
        latest: latest.map(|l| l.round.clone()),
        respondents: latest
            .and_then(|l| l.results.respondents)
            .map(|n| concord_domain::format::count(n as i64))
            .unwrap_or_else(|| "fewer than 5".into()),
        overall: latest.and_then(|l| shown(Some(&l.results.overall))),
        chart: trend.chart(&Scope::Overall),
        falls,
        principles: latest
            .map(|l| principle_rows(&l.results, &[]))
            .unwrap_or_default(),
        rounds: store::rounds(&state.store).await?,
        rule: rule(),
    }))
}

#[derive(Template)]
#[template(path = "listen/pulse_round.html")]
struct RoundPage {
    layout: Layout,
    round: Round,
    matrix: Option<Matrix>,
    organisations: Vec<(String, String)>,
    principles: Vec<PrincipleRow>,
    items: Vec<(&'static str, String)>,
    may_run: bool,
    rule: String,
    instrument: &'static str,
}

/// `GET /pulse/rounds/{id}`: a closed round's results; an open round's progress only.
pub async fn round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = store::round(&state.store, &id).await?;
    let mut page = RoundPage {
        layout: Layout::new(&state, &visitor, &permit, round.title.clone(), "pulse"),
        may_run: permit
            .may(&state, Rule::RunTrustPulse, Target::NONE)
            .await?,
        matrix: None,
        organisations: Vec::new(),
        principles: Vec::new(),
        items: Vec::new(),
        rule: rule(),
        instrument: INSTRUMENT_SOURCES,
        round: round.clone(),
    };
    if round.status == RoundStatus::Closed {
        let results = store::results(&state.store, round).await?;
        let m = matrix(&results.results, &store::names(&state.store).await?);
        page.organisations = m
            .rows
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        page.principles = principle_rows(&results.results, &page.organisations);
        page.items = results
            .results
            .items
            .iter()
            .map(|(item, score)| (item.label(), format!("{score:.1}")))
            .collect();
        page.matrix = Some(m);
    }
    Ok(render(&page))
}

/// `GET /pulse/rounds/{id}/results.csv`: a closed round's figures, exactly as the page shows them.
pub async fn results_csv(
    Context(state, _, _): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = store::round(&state.store, &id).await?;
    let results = store::results(&state.store, round).await?;
    let names = store::names(&state.store).await?;
    let name = |id: &str| store::name_in(&names, id).to_string();
    let r = &results.results;
    let mut rows: Vec<Vec<String>> = vec![[
        "figure",
        "respondents' organisation",
        "partner rated",
        "respondents",
        "score (1 to 5)",
        "withheld",
    ]
    .map(String::from)
    .to_vec()];
    let mut push = |figure: &str, from: &str, to: &str, f: &Figure| {
        rows.push(vec![
            figure.into(),
            from.into(),
            to.into(),
            f.respondents.map(|n| n.to_string()).unwrap_or_default(),
            f.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            f.withheld
                .map(|w| w.label().to_string())
                .unwrap_or_default(),
        ]);
    };
    for c in &r.cells {
        push("trust", &name(&c.from), &name(&c.to), &c.figure);
    }
    for (org, f) in &r.rating_given {
        push("trust given", &name(org), "all partners", f);
    }
    for (org, f) in &r.rated_by_partners {
        push("trust received", "all partners", &name(org), f);
    }
    push("trust overall", "all", "all", &r.overall);
    for p in &r.principles {
        push(p.principle.label(), "all", "", &p.overall);
        for (org, f) in &p.by_organisation {
            push(p.principle.label(), &name(org), "", f);
        }
    }
    let mut rule_row = vec![String::new(); 6];
    rule_row[0] = format!("Rule: {}", rule());
    rows.push(rule_row);
    Ok(csv_download(
        &format!("trust-pulse-{}.csv", results.round.closes_on),
        rows,
    ))
}

/// Which figure a trend page follows.
#[derive(Debug, Default, Deserialize)]
pub struct TrendQuery {
    from: Option<String>,
    to: Option<String>,
    given: Option<String>,
    received: Option<String>,
    principle: Option<String>,
}

#[derive(Template)]
#[template(path = "listen/pulse_trend.html")]
struct TrendPage {
    layout: Layout,
    title: String,
    chart: Option<concord_store::pulse::TrendChart>,
    points: Vec<(String, Option<Shown>)>,
    rule: String,
}

/// `GET /pulse/trend`: one figure across the closed rounds, as a chart with its events and as a
/// table.
pub async fn trend(
    Context(state, visitor, permit): Context,
    Query(q): Query<TrendQuery>,
) -> Result<Response, PageError> {
    let scope = match q {
        TrendQuery {
            from: Some(from),
            to: Some(to),
            ..
        } => Scope::Cell { from, to },
        TrendQuery {
            given: Some(org), ..
        } => Scope::Given(org),
        TrendQuery {
            received: Some(org),
            ..
        } => Scope::Received(org),
        TrendQuery {
            principle: Some(p), ..
        } => Scope::Principle(p.parse::<Principle>().map_err(|_| PageError::not_found())?),
        _ => Scope::Overall,
    };
    let trend = store::trend(&state.store).await?;
    let title = trend.describe(&scope);
    let points = trend
        .rounds
        .iter()
        .map(|r| {
            (
                r.round.title.clone(),
                shown(store::figure(&r.results, &scope)),
            )
        })
        .collect();
    Ok(render(&TrendPage {
        layout: Layout::new(&state, &visitor, &permit, title.clone(), "pulse"),
        chart: trend.chart(&scope),
        title,
        points,
        rule: rule(),
    }))
}

/// The answer form's state: the organisation answered for and the partners chosen.
#[derive(Debug, Default)]
pub struct AnswerQuery {
    organisation: Option<String>,
    partner: Vec<String>,
}

#[derive(Template)]
#[template(path = "listen/pulse_answer.html")]
struct AnswerPage {
    layout: Layout,
    round: Round,
    organisations: Vec<Choice>,
    organisation_id: String,
    partners: Vec<Choice>,
    chosen: Vec<Choice>,
    posted: Posted,
    errors: ValidationErrors,
}

impl AnswerPage {
    fn value(&self, name: &str) -> &str {
        self.posted
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|(c, _)| c == id)
    }
    fn scale(&self) -> Vec<(String, &'static str)> {
        AGREEMENT_SCALE
            .iter()
            .map(|(n, l)| (n.to_string(), *l))
            .collect()
    }
    fn principles(&self) -> Vec<(String, &'static str)> {
        Principle::ALL
            .iter()
            .map(|p| (principle_field(*p), p.statement()))
            .collect()
    }
    fn statements(&self, partner: &Choice) -> Vec<(String, String)> {
        TrustItem::ALL
            .iter()
            .map(|i| (trust_field(&partner.0, *i), i.statement(&partner.1)))
            .collect()
    }
}

async fn answer_page(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    round_id: &str,
    q: AnswerQuery,
    posted: Posted,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let round = store::round(&state.store, round_id).await?;
    let principal = permit.person();
    let organisations = use_case::answering_for(principal);
    let organisation_id = q
        .organisation
        .filter(|o| organisations.iter().any(|(id, _)| id == o))
        .or_else(|| organisations.first().map(|(id, _)| id.clone()))
        .unwrap_or_default();
    let partners = use_case::partners(&state.store, &organisation_id).await?;
    let chosen = partners
        .iter()
        .filter(|(id, _)| q.partner.contains(id))
        .cloned()
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&AnswerPage {
        layout: Layout::new(
            state,
            visitor,
            permit,
            format!("Answer: {}", round.title),
            "pulse",
        ),
        round,
        organisations,
        organisation_id,
        partners,
        chosen,
        posted,
        errors,
    });
    Ok((status, page).into_response())
}

/// `GET /pulse/rounds/{id}/answer`: choose whom to rate, then rate them.
pub async fn answer_form(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let q = AnswerQuery {
        organisation: pairs
            .iter()
            .find(|(k, _)| k == "organisation")
            .map(|(_, v)| v.clone()),
        partner: pairs
            .iter()
            .filter(|(k, _)| k == "partner")
            .map(|(_, v)| v.clone())
            .take(concord_domain::pulse::MAX_PARTNERS_RATED)
            .collect(),
    };
    answer_page(
        &state,
        &visitor,
        &permit,
        &id,
        q,
        Vec::new(),
        ValidationErrors::default(),
    )
    .await
}

/// Reads the posted answer form into a draft.
fn draft_from(posted: &Posted) -> PulseDraft {
    let field = |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let mut draft = PulseDraft {
        organisation_id: field("organisation_id").to_string(),
        ..PulseDraft::default()
    };
    for p in Principle::ALL {
        let value = field(&principle_field(*p));
        if !value.is_empty() {
            draft
                .principles
                .insert(p.as_str().to_string(), Agreement::from(value));
        }
    }
    for (_, partner) in posted.iter().filter(|(k, _)| k == "partner") {
        let items: BTreeMap<String, Agreement> = TrustItem::ALL
            .iter()
            .filter_map(|i| {
                let v = field(&trust_field(partner, *i));
                (!v.is_empty()).then(|| (i.as_str().to_string(), Agreement::from(v)))
            })
            .collect();
        draft.partners.insert(partner.clone(), items);
    }
    draft
}

/// `POST /pulse/rounds/{id}/answer`: keeps the answer, or shows what to put right.
pub async fn answer(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(posted): PageForm<Posted>,
) -> Result<Response, PageError> {
    let principal = permit.person();
    let draft = draft_from(&posted);
    let saved = use_case::answer(&state.store, principal, &permit.actor, &id, &draft).await;
    let q = AnswerQuery {
        organisation: Some(draft.organisation_id.clone()),
        partner: draft.partners.keys().cloned().collect(),
    };
    settle(
        saved,
        |()| Next::to("/pulse", Notice::PulseAnswered),
        |errors| answer_page(&state, &visitor, &permit, &id, q, posted.clone(), errors),
    )
    .await
}

fn round_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &RoundDraft,
    errors: ValidationErrors,
) -> Response {
    let fields = Fields::new(draft)
        .text("title", "Title", "For example, Quarter 3, 2026/27")
        .date("opens_on", "Opens", "The first day people can answer")
        .date(
            "closes_on",
            "Closes",
            "The last day people can answer; results are shown once it is closed",
        )
        .build();
    form_page(
        Layout::new(state, visitor, permit, "Open a round of the pulse", "pulse"),
        FormDef {
            heading: "Open a round of the pulse".into(),
            caption: "Partnership trust pulse".into(),
            intro: "Everyone who holds a role in a partner organisation can answer, once, for their organisation. Results are shown only once you close the round, and only for groups of 5 or more.".into(),
            warning: None,
            back: ("/pulse".into(), "Partnership trust pulse".into()),
            action: "/pulse/rounds".into(),
            submit: "Open the round".into(),
            fields,
        },
        errors,
    )
}

/// `GET /pulse/rounds/new`.
pub async fn new_round(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(round_form(
        &state,
        &visitor,
        &permit,
        &RoundDraft::default(),
        ValidationErrors::default(),
    ))
}

/// `POST /pulse/rounds`.
pub async fn open_round(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: RoundDraft = parse(&form, &[])?;
    settle(
        use_case::open_round(&state.store, &permit.actor, &draft).await,
        |_| Next::to("/pulse", Notice::PulseRoundOpened),
        |errors| async { Ok(round_form(&state, &visitor, &permit, &draft, errors)) },
    )
    .await
}

/// `POST /pulse/rounds/{id}/close`.
pub async fn close_round(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(_): PageForm<Posted>,
) -> Result<Response, PageError> {
    use_case::close_round(&state.store, &permit.actor, &id).await?;
    Ok(crate::ui::notice::confirmed(Next::to(
        format!("/pulse/rounds/{id}"),
        Notice::PulseRoundClosed,
    )))
}

async fn event_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &EventDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let organisations = concord_store::lookups::partner_organisations(&state.store).await?;
    let fields = Fields::new(draft)
        .date("happened_on", "When it happened", "")
        .text(
            "title",
            "What happened",
            "For example, The ICB board decided to move stroke rehabilitation beds",
        )
        .checkboxes(
            "organisation_ids",
            "The organisations it involved most",
            "Optional",
            organisations,
        )
        .build();
    Ok(form_page(
        Layout::new(state, visitor, permit, "Record an event", "pulse"),
        FormDef {
            heading: "Record an event".into(),
            caption: "Partnership trust pulse".into(),
            intro: "Charts of the pulse mark each event before the first round that closed after it, so a change can be read against what happened.".into(),
            warning: None,
            back: ("/pulse".into(), "Partnership trust pulse".into()),
            action: "/pulse/events".into(),
            submit: "Record the event".into(),
            fields,
        },
        errors,
    ))
}

/// `GET /pulse/events/new`.
pub async fn new_event(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    event_form(
        &state,
        &visitor,
        &permit,
        &EventDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /pulse/events`.
pub async fn record_event(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: EventDraft = parse(&form, &["organisation_ids"])?;
    settle(
        use_case::record_event(&state.store, &permit.actor, &draft).await,
        |_| Next::to("/pulse", Notice::PulseEventRecorded),
        |errors| event_form(&state, &visitor, &permit, &draft, errors),
    )
    .await
}
