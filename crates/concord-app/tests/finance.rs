//! System finance against a real database (the store's loaders, the application layer's overview): the hand-made fixture in `tests/fixtures/finance/`
//! loaded from CSV and read back exact to the penny; all-or-nothing batches that name the bad line
//! and field; idempotent re-loads; per-organisation permission; rule sets per year.

use concord_app::finance::Overview;
use concord_domain::finance::{FinancialYearDraft, Money, PooledBudgetDraft};
use concord_domain::OrganisationDraft;
use concord_measure::finance::{ForecastBasis, Verdict};
use concord_store::finance;
use concord_store::finance_load::{self, Dataset, FinanceLoadSummary};
use concord_store::testing::fresh_store;
use concord_store::{organisations, Actor, Store, StoreError};
use std::collections::HashMap;

struct Fixture {
    store: Store,
    actor: Actor,
    ids: HashMap<&'static str, String>,
}

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../concord-store/tests/fixtures/finance"
);

async fn fixture(rule: &str) -> Fixture {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let mut ids = HashMap::new();
    for (name, code, kind) in [
        ("Riverside ICB", "QRV", "icb"),
        ("Trust A", "RTA", "acute_trust"),
        ("Trust B", "RTB", "mental_health_trust"),
        ("Vale County Council", "VCC", "council"),
    ] {
        let draft = OrganisationDraft {
            name: name.into(),
            code: code.into(),
            org_type: kind.into(),
            ..Default::default()
        };
        ids.insert(
            code,
            organisations::create(&store, &actor, &draft).await.unwrap(),
        );
    }
    let year = FinancialYearDraft {
        label: "2026/27".into(),
        breakeven_rule: rule.into(),
        notes: String::new(),
    };
    finance::save_year(&store, &actor, &year).await.unwrap();
    let pool = PooledBudgetDraft {
        year: "2026/27".into(),
        name: "Vale Better Care Fund".into(),
        kind: "better_care_fund".into(),
        host_organisation_id: ids["VCC"].clone(),
        description: "Discharge and reablement".into(),
    };
    finance::create_budget(&store, &actor, &pool).await.unwrap();
    Fixture { store, actor, ids }
}

async fn load_text(
    f: &Fixture,
    dataset: Dataset,
    text: &str,
) -> Result<FinanceLoadSummary, StoreError> {
    let rows = finance_load::parse_csv(text.as_bytes(), dataset, "file")?;
    finance_load::load(
        &f.store,
        &f.actor,
        dataset,
        &rows,
        "test.csv",
        "file",
        &|_| true,
    )
    .await
}

async fn load_fixture(f: &Fixture, dataset: Dataset) -> FinanceLoadSummary {
    let path = format!("{FIXTURES}/{}.csv", dataset.as_str());
    load_text(f, dataset, &std::fs::read_to_string(path).unwrap())
        .await
        .unwrap()
}

async fn overview(f: &Fixture) -> Overview {
    let year = finance::year(&f.store, "2026-27").await.unwrap();
    concord_app::finance::overview(&f.store, &year, None)
        .await
        .unwrap()
}

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn messages(err: StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(errors) => errors.0.into_iter().map(|e| e.message).collect(),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[tokio::test]
async fn the_hand_made_fixture_reads_back_exact_to_the_penny() {
    let f = fixture("system_aggregate").await;
    for dataset in Dataset::ALL {
        load_fixture(&f, *dataset).await;
    }
    let o = overview(&f).await;
    assert_eq!(
        o.as_at.as_deref(),
        Some("2026-05-01"),
        "May is the latest month reported"
    );
    assert_eq!(o.bodies[0].organisation.code, "QRV", "the ICB comes first");
    let body = |code: &str| {
        o.bodies
            .iter()
            .find(|b| b.organisation.code == code)
            .unwrap()
    };

    let icb = &body("QRV").position;
    assert_eq!(icb.plan_income_year, m("3000.30"));
    assert_eq!(icb.actual_income_ytd, m("2000.19"));
    assert_eq!(icb.actual_net_ytd, m("0.13"));
    assert_eq!(icb.variance_ytd, m("-0.07"));
    assert_eq!(icb.forecast_outturn, m("0.23"));

    let a = &body("RTA").position;
    assert_eq!(a.forecast_outturn, m("-1.11"));
    assert_eq!(a.forecast_basis, ForecastBasis::Reported(1));
    assert_eq!(body("RTA").verdict, Verdict::DeficitOffset);
    assert_eq!(body("RTB").position.unreported_months, vec![1]);
    assert_eq!(body("RTB").position.forecast_outturn, m("3.01"));
    assert_eq!(body("VCC").verdict, Verdict::NotJudged);

    assert_eq!(o.system.plan_net_year, m("2.30"));
    assert_eq!(o.system.actual_net_ytd, m("0.65"));
    assert_eq!(o.system.variance_ytd, m("0.11"));
    assert_eq!(o.system.forecast_outturn, m("2.13"));
    assert_eq!(o.system.gross_income_ytd, m("3300.20"));
    assert!(o.system.meets_rule);

    let pool = &o.pools[0].position;
    assert_eq!(pool.contribution_year, m("900.01"));
    assert_eq!(pool.spend_ytd, m("600.49"));
    assert_eq!(pool.variance_ytd, m("-0.49"));
    let council = pool
        .partners
        .iter()
        .find(|p| p.organisation_id == f.ids["VCC"])
        .unwrap();
    assert_eq!(council.variance_ytd, m("-0.50"));
    assert_eq!(council.share_permille, 333);

    let plan = &o.efficiency[0];
    assert_eq!(o.efficiency_names[&plan.organisation_id], "Trust A");
    assert_eq!(plan.planned_ytd, m("25.55"));
    assert_eq!(plan.delivered_ytd, m("23.05"));
    assert_eq!(plan.shortfall_ytd, m("2.50"));
}

#[tokio::test]
async fn the_years_rule_set_decides_the_verdict() {
    let f = fixture("individual_bodies").await;
    load_fixture(&f, Dataset::Revenue).await;
    let o = overview(&f).await;
    assert!(
        !o.system.meets_rule,
        "Trust A's deficit breaches the individual duty"
    );
    let a = o
        .bodies
        .iter()
        .find(|b| b.organisation.code == "RTA")
        .unwrap();
    assert_eq!(a.verdict, Verdict::Deficit);
    // Changing the year's rule set changes the judgement, not the figures.
    let draft = FinancialYearDraft {
        label: "2026/27".into(),
        breakeven_rule: "system_aggregate".into(),
        notes: "Revised".into(),
    };
    finance::save_year(&f.store, &f.actor, &draft)
        .await
        .unwrap();
    let again = overview(&f).await;
    assert!(again.system.meets_rule);
    assert_eq!(again.system.forecast_outturn, o.system.forecast_outturn);
}

#[tokio::test]
async fn loading_the_same_file_again_changes_nothing_and_a_changed_row_is_replaced() {
    let f = fixture("system_aggregate").await;
    let first = load_fixture(&f, Dataset::Revenue).await;
    assert_eq!((first.rows, first.added), (10, 10));
    let again = load_fixture(&f, Dataset::Revenue).await;
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 10));
    let changed = load_text(
        &f,
        Dataset::Revenue,
        "organisation,month,plan_income,plan_expenditure,actual_income,actual_expenditure\nRTB,2026-05,300,299,300.00,299.50\n",
    )
    .await
    .unwrap();
    assert_eq!(changed.changed, 1);
    let o = overview(&f).await;
    let b = o
        .bodies
        .iter()
        .find(|b| b.organisation.code == "RTB")
        .unwrap();
    assert!(b.position.unreported_months.is_empty());
    assert_eq!(b.position.actual_net_ytd, m("1.51"));
}

#[tokio::test]
async fn a_bad_file_names_each_line_and_field_and_loads_nothing() {
    let f = fixture("system_aggregate").await;
    let bad = "organisation,month,plan_income,plan_expenditure,actual_income,actual_expenditure
QRV,2026-04,100.00,90.00,,
XXX,2026-05,100.00,90.00,,
QRV,2026-13,100.00,90.00,,
QRV,2026-06,100.001,90.00,,
QRV,2026-07,100.00,ninety,,
QRV,2026-08,100.00,90.00,100.00,
QRV,2027-04,100.00,90.00,,
QRV,2026-04,100.00,90.00,,
";
    let problems = messages(load_text(&f, Dataset::Revenue, bad).await.unwrap_err());
    let expected = [
        "line 3, field 'organisation': no organisation has the code 'XXX'",
        "line 4, field 'month': '2026-13' is not a month",
        "line 5, field 'plan_income': '100.001' has more than two decimal places",
        "line 6, field 'plan_expenditure': 'ninety' is not an amount of money",
        "line 7, field 'actual_expenditure': give the actual expenditure with the actual income",
        "line 8, field 'month': the financial year 2027/28 is not set up",
        "line 9, field 'month': the same row is already on line 2",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (got, want) in problems.iter().zip(expected) {
        assert!(got.starts_with(want), "{got} should start with {want}");
    }
    let o = overview(&f).await;
    assert!(o.bodies.is_empty(), "nothing from the bad file was loaded");
}

#[tokio::test]
async fn a_file_without_a_required_column_or_rows_is_refused() {
    let f = fixture("system_aggregate").await;
    let err = load_text(&f, Dataset::Pooled, "organisation,month,contribution\n")
        .await
        .unwrap_err();
    assert!(messages(err)[0].contains("line 1: there is no column 'budget'"));
    let err = load_text(
        &f,
        Dataset::Efficiency,
        "organisation,scheme,month,planned\n",
    )
    .await
    .unwrap_err();
    assert!(messages(err)[0].contains("no data rows"));
    let err = load_text(
        &f,
        Dataset::Pooled,
        "budget,organisation,month,contribution\nSomething else,VCC,2026-04,1.00\n",
    )
    .await
    .unwrap_err();
    assert!(messages(err)[0]
        .contains("line 2, field 'budget': 2026/27 has no pooled budget called 'Something else'"));
}

#[tokio::test]
async fn a_loader_may_load_only_for_organisations_it_answers_for() {
    let f = fixture("system_aggregate").await;
    let text = std::fs::read_to_string(format!("{FIXTURES}/revenue.csv")).unwrap();
    let rows = finance_load::parse_csv(text.as_bytes(), Dataset::Revenue, "file").unwrap();
    let trust_a = f.ids["RTA"].clone();
    let err = finance_load::load(
        &f.store,
        &f.actor,
        Dataset::Revenue,
        &rows,
        "t",
        "file",
        &|id| id == trust_a,
    )
    .await
    .unwrap_err();
    let problems = messages(err);
    assert!(problems[0]
        .contains("line 2, field 'organisation': you may not load figures for Riverside ICB"));
    assert!(problems.iter().all(|p| !p.contains("Trust A")));
    assert!(overview(&f).await.bodies.is_empty());
}

#[tokio::test]
async fn years_and_pools_are_validated() {
    let f = fixture("system_aggregate").await;
    let err = finance::save_year(
        &f.store,
        &f.actor,
        &FinancialYearDraft {
            label: "2026/28".into(),
            breakeven_rule: "whatever".into(),
            notes: String::new(),
        },
    )
    .await
    .unwrap_err();
    let fields: Vec<String> = match err {
        StoreError::Invalid(e) => e.0.into_iter().map(|e| e.field).collect(),
        other => panic!("{other}"),
    };
    assert_eq!(fields, vec!["label", "breakeven_rule"]);
    let duplicate = PooledBudgetDraft {
        year: "2026/27".into(),
        name: "Vale Better Care Fund".into(),
        kind: "section_75".into(),
        host_organisation_id: f.ids["QRV"].clone(),
        description: String::new(),
    };
    let err = finance::create_budget(&f.store, &f.actor, &duplicate)
        .await
        .unwrap_err();
    assert!(messages(err)[0].contains("already has a pooled budget"));
    let unknown_year = PooledBudgetDraft {
        year: "2030/31".into(),
        ..duplicate
    };
    let err = finance::create_budget(&f.store, &f.actor, &unknown_year)
        .await
        .unwrap_err();
    assert!(messages(err)[0].contains("not set up"));
}

#[tokio::test]
async fn a_plan_only_file_keeps_the_actuals_already_held_but_a_blank_cell_clears() {
    let f = fixture("system_aggregate").await;
    load_fixture(&f, Dataset::Revenue).await;
    // A re-sent plan without the actual columns changes the plan and keeps April's actuals.
    let plan_only = "organisation,month,plan_income,plan_expenditure\nQRV,2026-04,1000.10,999.90\n";
    let summary = load_text(&f, Dataset::Revenue, plan_only).await.unwrap();
    assert_eq!(summary.changed, 1);
    let icb = &overview(&f).await.bodies[0];
    assert_eq!(
        icb.position.actual_net_ytd,
        m("0.13"),
        "April's actuals are kept"
    );
    assert_eq!(
        icb.position.plan_net_ytd,
        m("0.30"),
        "April's plan is now 0.20"
    );
    // With the columns present but blank, the actuals are withdrawn.
    let withdrawn = "organisation,month,plan_income,plan_expenditure,actual_income,actual_expenditure\nQRV,2026-04,1000.10,999.90,,\n";
    load_text(&f, Dataset::Revenue, withdrawn).await.unwrap();
    let icb = &overview(&f).await.bodies[0];
    assert_eq!(
        icb.position.actual_net_ytd,
        m("-0.02"),
        "only May is reported now"
    );
}

#[tokio::test]
async fn pooled_budget_names_are_unique_whatever_their_case() {
    let f = fixture("system_aggregate").await;
    let shouted = PooledBudgetDraft {
        year: "2026/27".into(),
        name: "VALE BETTER CARE FUND".into(),
        kind: "better_care_fund".into(),
        host_organisation_id: f.ids["VCC"].clone(),
        description: String::new(),
    };
    let err = finance::create_budget(&f.store, &f.actor, &shouted)
        .await
        .unwrap_err();
    assert!(messages(err)[0].contains("already has a pooled budget"));
}
