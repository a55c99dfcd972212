//! The finance arithmetic against a hand-made fixture, every figure worked by hand to the penny
//! (the workings are in the comments), plus properties that hold for any figures.

use super::*;
use concord_domain::finance::BreakevenRule::{IndividualBodies, SystemAggregate};
use proptest::prelude::*;

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn month(
    index: u8,
    plan: (&str, &str),
    actual: Option<(&str, &str)>,
    forecast: Option<&str>,
) -> RevenueMonth {
    RevenueMonth {
        month: index,
        plan_income: m(plan.0),
        plan_expenditure: m(plan.1),
        actual: actual.map(|(i, e)| Actual {
            income: m(i),
            expenditure: m(e),
        }),
        forecast_outturn: forecast.map(m),
        variance_reason: String::new(),
    }
}

/// The ICB: plan net 0.10 a month; April actual +0.15, May −0.02, June not yet reported.
fn icb() -> Vec<RevenueMonth> {
    vec![
        month(
            0,
            ("1000.10", "1000.00"),
            Some(("1000.20", "1000.05")),
            None,
        ),
        month(1, ("1000.10", "1000.00"), Some(("999.99", "1000.01")), None),
        month(2, ("1000.10", "1000.00"), None, None),
    ]
}

/// Trust A: planned deficits of 0.33, 0.33, 0.34; reports a forecast of −1.11 in May.
fn trust_a() -> Vec<RevenueMonth> {
    vec![
        month(0, ("500.00", "500.33"), Some(("500.00", "500.50")), None),
        month(
            1,
            ("500.00", "500.33"),
            Some(("500.01", "500.00")),
            Some("-1.11"),
        ),
        month(2, ("500.00", "500.34"), None, None),
    ]
}

/// Trust B: plan +1.00 a month; April reported +1.01; May not reported.
fn trust_b() -> Vec<RevenueMonth> {
    vec![
        month(0, ("300.00", "299.00"), Some(("300.00", "298.99")), None),
        month(1, ("300.00", "299.00"), None, None),
        month(2, ("300.00", "299.00"), None, None),
    ]
}

/// A GP practice: no breakeven duty, a large deficit that must not be judged or summed.
fn practice() -> Vec<RevenueMonth> {
    vec![month(0, ("10.00", "20.00"), Some(("10.00", "30.00")), None)]
}

#[test]
fn a_body_with_no_forecast_is_projected_from_actuals_and_remaining_plan() {
    let p = position(&icb(), 1);
    assert_eq!(p.plan_income_year, m("3000.30"));
    assert_eq!(p.plan_expenditure_year, m("3000.00"));
    assert_eq!(p.plan_net_year, m("0.30"));
    // April and May were reported: plan 0.10 + 0.10.
    assert_eq!(p.plan_net_ytd, m("0.20"));
    // 1000.20 + 999.99 = 2000.19 in; 1000.05 + 1000.01 = 2000.06 out.
    assert_eq!(p.actual_income_ytd, m("2000.19"));
    assert_eq!(p.actual_expenditure_ytd, m("2000.06"));
    assert_eq!(p.actual_net_ytd, m("0.13"));
    assert_eq!(p.variance_ytd, m("-0.07"));
    // 0.13 to date + June's plan 0.10.
    assert_eq!(p.forecast_outturn, m("0.23"));
    assert_eq!(p.forecast_basis, ForecastBasis::Derived);
    assert_eq!(p.forecast_variance, m("-0.07"));
    assert!(p.unreported_months.is_empty());
}

#[test]
fn a_reported_forecast_is_taken_as_reported() {
    let p = position(&trust_a(), 1);
    assert_eq!(p.plan_net_year, m("-1.00"));
    assert_eq!(p.plan_net_ytd, m("-0.66"));
    // −0.50 + 0.01.
    assert_eq!(p.actual_net_ytd, m("-0.49"));
    assert_eq!(p.variance_ytd, m("0.17"));
    assert_eq!(p.forecast_outturn, m("-1.11"));
    assert_eq!(p.forecast_basis, ForecastBasis::Reported(1));
    assert_eq!(p.forecast_variance, m("-0.11"));
    // As at April, May's forecast is not yet known: derived from April's actual and the rest of plan.
    let april = position(&trust_a(), 0);
    assert_eq!(april.forecast_outturn, m("-1.17"));
    assert_eq!(april.forecast_basis, ForecastBasis::Derived);
}

#[test]
fn an_unreported_month_is_compared_like_for_like_and_named() {
    let p = position(&trust_b(), 1);
    assert_eq!(p.unreported_months, vec![1]);
    // Only April is compared: plan 1.00 against actual 1.01.
    assert_eq!(p.plan_net_ytd, m("1.00"));
    assert_eq!(p.actual_net_ytd, m("1.01"));
    assert_eq!(p.variance_ytd, m("0.01"));
    // 1.01 + plan for May and June.
    assert_eq!(p.forecast_outturn, m("3.01"));
}

fn system(rule: BreakevenRule) -> SystemPosition {
    let positions = [
        position(&icb(), 1),
        position(&trust_a(), 1),
        position(&trust_b(), 1),
        position(&practice(), 1),
    ];
    let ids = ["icb", "trust-a", "trust-b", "practice"];
    let bodies: Vec<Body<'_>> = ids
        .iter()
        .zip(&positions)
        .map(|(id, position)| Body {
            organisation_id: id,
            has_duty: *id != "practice",
            position,
        })
        .collect();
    system_position(&bodies, rule)
}

#[test]
fn the_system_position_sums_net_positions_of_bodies_with_a_duty() {
    let s = system(SystemAggregate);
    assert_eq!(s.plan_net_year, m("2.30")); // 0.30 − 1.00 + 3.00
    assert_eq!(s.plan_net_ytd, m("0.54")); // 0.20 − 0.66 + 1.00
    assert_eq!(s.actual_net_ytd, m("0.65")); // 0.13 − 0.49 + 1.01
    assert_eq!(s.variance_ytd, m("0.11"));
    assert_eq!(s.forecast_outturn, m("2.13")); // 0.23 − 1.11 + 3.01
    assert_eq!(s.gross_income_ytd, m("3300.20")); // 2000.19 + 1000.01 + 300.00
    assert_eq!(s.verdicts["practice"], Verdict::NotJudged);
}

#[test]
fn the_same_figures_pass_in_aggregate_and_fail_body_by_body() {
    let aggregate = system(SystemAggregate);
    assert!(aggregate.meets_rule);
    assert_eq!(aggregate.verdicts["trust-a"], Verdict::DeficitOffset);
    assert_eq!(aggregate.verdicts["icb"], Verdict::BreaksEven);

    let individual = system(IndividualBodies);
    assert!(!individual.meets_rule);
    assert_eq!(individual.verdicts["trust-a"], Verdict::Deficit);
    assert_eq!(individual.verdicts["trust-b"], Verdict::BreaksEven);
}

#[test]
fn a_system_in_deficit_offsets_nothing() {
    let deficit = vec![month(0, ("0.00", "5.00"), Some(("0.00", "5.00")), None)];
    let small = vec![month(0, ("1.00", "0.00"), Some(("1.00", "0.00")), None)];
    let (a, b) = (position(&deficit, 0), position(&small, 0));
    let bodies = [
        Body {
            organisation_id: "a",
            has_duty: true,
            position: &a,
        },
        Body {
            organisation_id: "b",
            has_duty: true,
            position: &b,
        },
    ];
    let s = system_position(&bodies, SystemAggregate);
    assert!(!s.meets_rule);
    assert_eq!(s.forecast_outturn, m("-4.00"));
    assert_eq!(s.verdicts["a"], Verdict::Deficit);
}

#[test]
fn a_payment_inside_the_system_inflates_gross_income_but_not_the_net_position() {
    // The ICB receives 1,000.00 and pays 100.00 of it to a trust, which spends it.
    let icb = vec![month(
        0,
        ("1000.00", "1000.00"),
        Some(("1000.00", "1000.00")),
        None,
    )];
    let trust = vec![month(
        0,
        ("100.00", "100.00"),
        Some(("100.00", "100.00")),
        None,
    )];
    let (a, b) = (position(&icb, 0), position(&trust, 0));
    let bodies = [
        Body {
            organisation_id: "icb",
            has_duty: true,
            position: &a,
        },
        Body {
            organisation_id: "trust",
            has_duty: true,
            position: &b,
        },
    ];
    let s = system_position(&bodies, IndividualBodies);
    assert_eq!(
        s.gross_income_ytd,
        m("1100.00"),
        "gross counts the 100.00 twice"
    );
    assert_eq!(s.actual_net_ytd, Money::ZERO);
}

#[test]
fn a_pooled_budget_shows_each_partners_contribution_and_spend() {
    let line = |org: &str, month, contribution: &str, spend: Option<&str>| PoolLine {
        organisation_id: org.into(),
        month,
        contribution: m(contribution),
        spend: spend.map(m),
    };
    let lines = [
        line("council", 0, "100.00", Some("90.00")),
        line("council", 1, "100.00", Some("110.50")),
        line("council", 2, "100.01", None),
        line("icb", 0, "200.00", Some("200.00")),
        line("icb", 1, "200.00", Some("199.99")),
        line("icb", 2, "200.00", None),
    ];
    let pool = pool_position(&lines, 1);
    let council = &pool.partners[0];
    assert_eq!(council.organisation_id, "council");
    assert_eq!(council.contribution_year, m("300.01"));
    assert_eq!(council.contribution_ytd, m("200.00"));
    assert_eq!(council.spend_ytd, m("200.50"));
    assert_eq!(council.variance_ytd, m("-0.50"));
    // 300.01 / 900.01 = 33.33%; 600.00 / 900.01 = 66.67%.
    assert_eq!(council.share_permille, 333);
    assert_eq!(pool.partners[1].share_permille, 667);
    assert_eq!(pool.partners[1].variance_ytd, m("0.01"));
    assert_eq!(pool.contribution_year, m("900.01"));
    assert_eq!(pool.contribution_ytd, m("600.00"));
    assert_eq!(pool.spend_ytd, m("600.49"));
    assert_eq!(pool.variance_ytd, m("-0.49"));
}

#[test]
fn an_efficiency_plan_is_planned_against_delivered() {
    let line = |scheme: &str, month, planned: &str, delivered: Option<&str>| EfficiencyLine {
        organisation_id: "trust-a".into(),
        scheme: scheme.into(),
        month,
        planned: m(planned),
        delivered: delivered.map(m),
    };
    let lines = [
        line("Theatre productivity", 0, "10.00", Some("8.00")),
        line("Theatre productivity", 1, "10.00", Some("9.50")),
        line("Theatre productivity", 2, "10.00", None),
        line("Agency staffing", 0, "5.55", Some("5.55")),
    ];
    let plans = efficiency_positions(&lines, 1);
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.schemes, vec!["Agency staffing", "Theatre productivity"]);
    assert_eq!(p.planned_year, m("35.55"));
    assert_eq!(p.planned_ytd, m("25.55"));
    assert_eq!(p.delivered_ytd, m("23.05"));
    assert_eq!(p.shortfall_ytd, m("2.50"));
    // 23.05 / 25.55 = 90.2%.
    assert_eq!(p.delivered_permille, Some(902));
}

proptest! {
    #[test]
    fn the_system_forecast_is_the_sum_of_judged_forecasts(
        nets in proptest::collection::vec((-1_000_000_i64..1_000_000, any::<bool>()), 1..8)
    ) {
        let positions: Vec<Position> = nets
            .iter()
            .map(|(pence, _)| position(&[RevenueMonth {
                month: 0,
                plan_income: Money::from_pence(*pence),
                plan_expenditure: Money::ZERO,
                actual: None,
                forecast_outturn: None,
                variance_reason: String::new(),
            }], 0))
            .collect();
        let ids: Vec<String> = (0..nets.len()).map(|i| format!("b{i}")).collect();
        let bodies: Vec<Body<'_>> = positions
            .iter()
            .zip(&nets)
            .zip(&ids)
            .map(|((position, (_, duty)), id)| Body { organisation_id: id, has_duty: *duty, position })
            .collect();
        let expected: i64 = nets.iter().filter(|(_, d)| *d).map(|(p, _)| p).sum();
        for rule in [SystemAggregate, IndividualBodies] {
            let s = system_position(&bodies, rule);
            prop_assert_eq!(s.forecast_outturn.pence(), i128::from(expected));
            // Under either rule, a system whose bodies each break even meets it.
            let all_even = nets.iter().all(|(p, d)| !*d || *p >= 0);
            if all_even { prop_assert!(s.meets_rule); }
            // Individually judged, the system meets the rule only if every judged body does.
            if rule == IndividualBodies { prop_assert_eq!(s.meets_rule, all_even); }
        }
    }
}

#[test]
fn months_not_yet_reported_do_not_count_as_nothing_delivered_or_spent() {
    let pool = pool_position(
        &[
            PoolLine {
                organisation_id: "c".into(),
                month: 0,
                contribution: m("10.00"),
                spend: Some(m("9.00")),
            },
            PoolLine {
                organisation_id: "c".into(),
                month: 1,
                contribution: m("10.00"),
                spend: None,
            },
        ],
        1,
    );
    assert_eq!(pool.contribution_ytd, m("10.00"));
    assert_eq!(pool.variance_ytd, m("1.00"), "not an underspend of 11.00");
    let plan = efficiency_positions(
        &[
            EfficiencyLine {
                organisation_id: "t".into(),
                scheme: "s".into(),
                month: 0,
                planned: m("4.00"),
                delivered: Some(m("3.00")),
            },
            EfficiencyLine {
                organisation_id: "t".into(),
                scheme: "s".into(),
                month: 1,
                planned: m("4.00"),
                delivered: None,
            },
        ],
        1,
    );
    assert_eq!(plan[0].shortfall_ytd, m("1.00"), "not a shortfall of 5.00");
    assert_eq!(plan[0].delivered_permille, Some(750));
}

#[test]
fn shares_round_half_away_from_zero_either_side_of_zero() {
    assert_eq!(permille(m("1.00"), m("3.00")), Some(333));
    assert_eq!(permille(m("2.00"), m("3.00")), Some(667));
    assert_eq!(permille(m("-2.00"), m("3.00")), Some(-667));
    assert_eq!(
        permille(m("0.01"), m("20.00")),
        Some(1),
        "0.05% rounds up to 0.1%"
    );
    assert_eq!(permille(m("-0.01"), m("20.00")), Some(-1));
    assert_eq!(permille(m("1.00"), Money::ZERO), None);
}
