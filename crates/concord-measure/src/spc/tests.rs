//! The SPC engine against NHSRplotthedots: its published test snapshots, a national A&E series
//! decoded from its integration-test snapshot, and cases computed with its 0.2 functions (see
//! `fixtures/nhsrplotthedots/README.md`). Then every rule at its boundary, and properties.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/nhsrplotthedots");

/// One row of a reference output.
#[derive(Debug)]
struct Row {
    date: String,
    value: f64,
    facet: String,
    rebase_group: usize,
    short_group_warning: bool,
    mean: f64,
    lpl: f64,
    upl: f64,
    rule: Option<SpcRule>,
    point_type: String,
}

fn rule_of(special_cause_type: &str) -> Option<SpcRule> {
    Some(match special_cause_type {
        "Common Cause" => return None,
        "Above UCL" => SpcRule::AboveUpl,
        "Below LCL" => SpcRule::BelowLpl,
        "7 Point Trend (Increasing)" => SpcRule::TrendIncreasing,
        "7 Point Trend (Decreasing)" => SpcRule::TrendDecreasing,
        "2 in 3 Above CL" => SpcRule::TwoInThreeHigh,
        "2 in 3 Below CL" => SpcRule::TwoInThreeLow,
        "7 Points Above CL" => SpcRule::ShiftHigh,
        "7 Points Below CL" => SpcRule::ShiftLow,
        other => panic!("unknown special_cause_type {other}"),
    })
}

fn read_rows(name: &str) -> Vec<Row> {
    let path = format!("{FIXTURES}/{name}.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let number = |i: usize| r[i].parse::<f64>().unwrap();
            Row {
                date: r[0].to_string(),
                value: number(1),
                facet: r[2].to_string(),
                rebase_group: r[3].parse::<f64>().map_or(0, |g| g as usize),
                short_group_warning: &r[4] == "TRUE",
                mean: number(5),
                lpl: number(6),
                upl: number(7),
                rule: rule_of(&r[11]),
                point_type: r[13].to_string(),
            }
        })
        .collect()
}

/// The options and expected icons of each case, from `INDEX.txt`.
struct Case {
    name: String,
    settings: BTreeMap<String, String>,
    icons: Vec<String>,
    assurance: Vec<String>,
}

fn cases() -> Vec<Case> {
    let index = std::fs::read_to_string(format!("{FIXTURES}/INDEX.txt")).unwrap();
    index
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(" | ").collect();
            let settings = fields[2]
                .split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let list = |field: &str, key: &str| {
                field
                    .trim()
                    .strip_prefix(key)
                    .unwrap()
                    .split(',')
                    .map(str::to_string)
                    .collect()
            };
            Case {
                name: fields[0].trim().to_string(),
                settings,
                icons: list(fields[3], "icon="),
                assurance: list(fields[4], "assurance="),
            }
        })
        .collect()
}

fn options_for(case: &Case, dates: &[&str]) -> SpcOptions {
    let setting = |k: &str| case.settings.get(k).map(String::as_str).unwrap_or("NULL");
    let improvement = match setting("dir") {
        "increase" => ImprovementDirection::Increase,
        "decrease" => ImprovementDirection::Decrease,
        "neutral" => ImprovementDirection::Neutral,
        other => panic!("direction {other}"),
    };
    let rebase_at = match setting("rebase") {
        "NULL" => vec![],
        list => list
            .split(',')
            .filter_map(|d| dates.iter().position(|x| x == &d))
            .collect(),
    };
    SpcOptions {
        improvement,
        target: setting("target").parse().ok(),
        rebase_at,
        screen_outliers: setting("screen") == "TRUE",
        fix_after: setting("fix").parse().ok(),
        profile: Profile::default(),
    }
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    let tolerance = 1e-12 * expected.abs().max(1e-3);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} differs from {expected}"
    );
}

#[test]
fn every_reference_case_is_reproduced_point_by_point() {
    let cases = cases();
    assert!(cases.len() >= 40, "the index lists {} cases", cases.len());
    for case in &cases {
        let rows = read_rows(&case.name);
        let mut facets: Vec<&str> = rows.iter().map(|r| r.facet.as_str()).collect();
        facets.dedup();
        for (facet_index, facet) in facets.iter().enumerate() {
            let rows: Vec<&Row> = rows.iter().filter(|r| r.facet == *facet).collect();
            let dates: Vec<&str> = rows.iter().map(|r| r.date.as_str()).collect();
            let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
            let chart = xmr(&values, &options_for(case, &dates)).unwrap();
            for (i, (row, point)) in rows.iter().zip(&chart.points).enumerate() {
                let at = format!("{} {} row {}", case.name, facet, i + 1);
                assert_close(point.mean, row.mean, &format!("{at} mean"));
                assert_close(point.lpl, row.lpl, &format!("{at} lpl"));
                assert_close(point.upl, row.upl, &format!("{at} upl"));
                assert_eq!(point.rule, row.rule, "{at} rule");
                let point_type = serde_json::to_value(point.point_type).unwrap();
                assert_eq!(point_type, row.point_type.as_str(), "{at} point type");
                assert_eq!(point.group, row.rebase_group, "{at} rebase group");
                let group = &chart.groups[point.group];
                assert_eq!(
                    group.short_group_warning, row.short_group_warning,
                    "{at} short group warning"
                );
            }
            assert_eq!(
                chart.variation_icon.as_str(),
                case.icons[facet_index],
                "{} icon",
                case.name
            );
            let assurance = match case.assurance[facet_index].as_str() {
                "NA" => None,
                "consistent_pass" => Some(Assurance::Pass),
                "consistent_fail" => Some(Assurance::Fail),
                "inconsistent" => Some(Assurance::HitAndMiss),
                other => panic!("assurance {other}"),
            };
            assert_eq!(chart.assurance, assurance, "{} assurance", case.name);
        }
    }
}

/// `set.seed(123); rnorm(20)` as printed by R, the input of NHSRplotthedots's own tests.
const RNORM20: [f64; 20] = [
    -0.56047564655,
    -0.23017748948,
    1.55870831415,
    0.07050839142,
    0.12928773516,
    1.71506498688,
    0.46091620599,
    -1.26506123461,
    -0.68685285189,
    -0.44566197010,
    1.22408179744,
    0.35981382706,
    0.40077145059,
    0.11068271595,
    -0.55584113475,
    1.78691313680,
    0.49785047823,
    -1.96661715663,
    0.70135590156,
    -0.47279140773,
];

fn to_seven_figures(x: f64) -> f64 {
    let digits = 7 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[test]
fn the_published_snapshot_of_ptd_spc_standard_is_matched() {
    // NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md: mean_col, lpl and upl printed to
    // seven significant figures for rnorm(20), then with y[15] = 10 screened and unscreened.
    let check = |values: &[f64], screen: bool, expected: [f64; 3]| {
        let options = SpcOptions {
            screen_outliers: screen,
            ..SpcOptions::default()
        };
        let g = &xmr(values, &options).unwrap().groups[0];
        assert_eq!([g.mean, g.lpl, g.upl].map(to_seven_figures), expected);
    };
    check(&RNORM20, true, [0.1416238, -3.011380, 3.294627]);
    let mut outlier = RNORM20;
    outlier[14] = 10.0;
    check(&outlier, true, [0.6694159, -2.383666, 3.722497]);
    check(&outlier, false, [0.6694159, -4.596625, 5.935457]);
}

#[test]
fn the_published_summary_with_two_facets_is_matched() {
    // _snaps/ptd_spc.md: facets rep(c(0, 1), each = 10) print 0.0746 / -2.60 / 2.75 and
    // 0.209 / -3.28 / 3.70; as rebase groups the numbers are the same.
    let chart = xmr(
        &RNORM20,
        &SpcOptions {
            rebase_at: vec![10],
            ..SpcOptions::default()
        },
    )
    .unwrap();
    let three = |x: f64| format!("{x:.3}");
    let g = &chart.groups;
    assert_eq!([g[0].mean, g[1].mean].map(three), ["0.075", "0.209"]);
    assert_eq!(
        [g[0].lpl, g[0].upl].map(|x| format!("{x:.2}")),
        ["-2.60", "2.75"]
    );
    assert_eq!(
        [g[1].lpl, g[1].upl].map(|x| format!("{x:.2}")),
        ["-3.28", "3.70"]
    );
    assert!(g.iter().all(|g| g.n == 10 && g.short_group_warning));
}

/// Fourteen points alternating 10 and 12: mean 11, every moving range 2, so the limits are
/// 11 ± 5.32 and two sigma 11 ± 3.5467. Fixed after 14 points, what follows is judged against it.
fn baseline_then(rest: &[f64]) -> Vec<f64> {
    let mut values: Vec<f64> = (0..14)
        .map(|i| if i % 2 == 0 { 10.0 } else { 12.0 })
        .collect();
    values.extend_from_slice(rest);
    values
}

fn fixed(profile: Profile) -> SpcOptions {
    SpcOptions {
        fix_after: Some(14),
        profile,
        ..SpcOptions::default()
    }
}

fn rules_of(chart: &XmrChart) -> Vec<Option<SpcRule>> {
    chart.points.iter().map(|p| p.rule).collect()
}

#[test]
fn the_limits_are_strict() {
    let base = xmr(&baseline_then(&[]), &fixed(Profile::default())).unwrap();
    let upl = base.groups[0].upl;
    assert!((upl - 16.32).abs() < 1e-12);
    let on_limit = xmr(&baseline_then(&[upl]), &fixed(Profile::default())).unwrap();
    assert_eq!(on_limit.points[14].rule, None);
    let just_above = f64::from_bits(upl.to_bits() + 1);
    let beyond = xmr(&baseline_then(&[just_above]), &fixed(Profile::default())).unwrap();
    assert_eq!(beyond.points[14].rule, Some(SpcRule::AboveUpl));
    assert_eq!(beyond.variation_icon, VariationIcon::ImprovementHigh);
}

#[test]
fn shift_and_trend_lengths_follow_the_profile() {
    let six_above = baseline_then(&[12.0; 6]);
    let seven = xmr(&six_above, &fixed(Profile::default())).unwrap();
    // The last baseline point (12) and six more make seven above the mean.
    assert_eq!(rules_of(&seven)[13..], [Some(SpcRule::ShiftHigh); 7]);
    let five_above = baseline_then(&[12.0; 5]);
    let chart = xmr(&five_above, &fixed(Profile::default())).unwrap();
    assert!(rules_of(&chart).iter().all(Option::is_none));
    let six = Profile::default().with_run_lengths(7, 6).unwrap();
    let chart = xmr(&five_above, &fixed(six)).unwrap();
    assert_eq!(rules_of(&chart)[13..], [Some(SpcRule::ShiftHigh); 6]);
    assert_eq!(chart.profile, "NHSRplotthedots 0.2.2 (shift 6)");

    let rising = baseline_then(&[8.0, 9.0, 10.0, 11.0, 11.5, 11.8]);
    let chart = xmr(&rising, &fixed(Profile::default())).unwrap();
    assert!(rules_of(&chart).iter().all(Option::is_none));
    let six = Profile::default().with_run_lengths(6, 7).unwrap();
    let chart = xmr(&rising, &fixed(six)).unwrap();
    assert_eq!(rules_of(&chart)[14..], [Some(SpcRule::TrendIncreasing); 6]);
    let eight = Profile::default().with_run_lengths(8, 8).unwrap();
    let seven_rising = baseline_then(&[8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0]);
    let chart = xmr(&seven_rising, &fixed(eight)).unwrap();
    assert!(rules_of(&chart).iter().all(Option::is_none));
}

#[test]
fn the_2023_rule_counts_a_point_beyond_the_limits_towards_two_in_three() {
    // Fixture K3: 15 is beyond two sigma, 17 beyond the limits, both above the mean with 11.5
    // between. NHSRplotthedots 0.2.2 flags only 17; Making Data Count 2023 flags 15 too.
    let values = baseline_then(&[11.5, 15.0, 11.5, 17.0, 11.5]);
    let old = xmr(&values, &fixed(Profile::default())).unwrap();
    assert_eq!(old.points[15].rule, None);
    assert_eq!(old.points[17].rule, Some(SpcRule::AboveUpl));
    let new = xmr(&values, &fixed(Profile::making_data_count_2023())).unwrap();
    assert_eq!(new.points[15].rule, Some(SpcRule::TwoInThreeHigh));
    assert_eq!(new.points[17].rule, Some(SpcRule::AboveUpl));
    assert_eq!(new.profile, "Making Data Count 2023");
}

#[test]
fn bad_input_is_refused_with_its_position() {
    let opts = SpcOptions::default();
    assert_eq!(
        xmr(&[1.0, f64::NAN, 2.0], &opts),
        Err(SpcError::NotFinite { position: 2 })
    );
    assert_eq!(
        xmr(&[1.0], &opts),
        Err(SpcError::GroupTooShort { start: 1, len: 1 })
    );
    let rebase_last = SpcOptions {
        rebase_at: vec![2],
        ..SpcOptions::default()
    };
    assert_eq!(
        xmr(&[1.0, 2.0, 3.0], &rebase_last),
        Err(SpcError::GroupTooShort { start: 3, len: 1 })
    );
    let rebase_beyond = SpcOptions {
        rebase_at: vec![5],
        ..SpcOptions::default()
    };
    assert!(matches!(
        xmr(&[1.0, 2.0, 3.0], &rebase_beyond),
        Err(SpcError::RebaseOutOfRange {
            position: 6,
            len: 3
        })
    ));
    let early = SpcOptions {
        fix_after: Some(11),
        ..SpcOptions::default()
    };
    assert_eq!(xmr(&[1.0; 20], &early), Err(SpcError::FixTooEarly(11)));
}

#[test]
fn assurance_compares_the_target_with_the_latest_limits() {
    // The upstream assurance test: limits (1, 3), (5, 7) and (1, 5) against a target of 4.
    let group = |lpl: f64, upl: f64| Group {
        start: 0,
        n: 20,
        baseline_points: 20,
        mean: (lpl + upl) / 2.0,
        mean_moving_range: 0.0,
        screened_moving_ranges: 0,
        lpl,
        upl,
        lower_two_sigma: lpl,
        upper_two_sigma: upl,
        short_group_warning: false,
    };
    use ImprovementDirection::*;
    let got =
        |d| [(1.0, 3.0), (5.0, 7.0), (1.0, 5.0)].map(|(l, u)| assurance(4.0, &group(l, u), d));
    use Assurance::*;
    assert_eq!(got(Increase), [Some(Fail), Some(Pass), Some(HitAndMiss)]);
    assert_eq!(got(Decrease), [Some(Pass), Some(Fail), Some(HitAndMiss)]);
    assert_eq!(got(Neutral), [None, None, None]);
}

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-1000i32..1000).prop_map(|v| f64::from(v) / 10.0), 2..80)
}

proptest! {
    #[test]
    fn limits_are_ordered_around_the_mean(values in series()) {
        let chart = xmr(&values, &SpcOptions::default()).unwrap();
        let g = &chart.groups[0];
        prop_assert!(g.lpl <= g.lower_two_sigma && g.lower_two_sigma <= g.mean);
        prop_assert!(g.mean <= g.upper_two_sigma && g.upper_two_sigma <= g.upl);
        prop_assert!(((g.upl - g.mean) - (g.mean - g.lpl)).abs() < 1e-9 * (1.0 + g.mean.abs()));
    }

    #[test]
    fn flipping_the_direction_swaps_improvement_and_concern(values in series()) {
        let up = xmr(&values, &SpcOptions::default()).unwrap();
        let down = xmr(&values, &SpcOptions {
            improvement: ImprovementDirection::Decrease,
            ..SpcOptions::default()
        }).unwrap();
        for (a, b) in up.points.iter().zip(&down.points) {
            prop_assert_eq!(a.rule, b.rule);
            let swapped = match a.point_type {
                PointType::SpecialCauseImprovement => PointType::SpecialCauseConcern,
                PointType::SpecialCauseConcern => PointType::SpecialCauseImprovement,
                other => other,
            };
            prop_assert_eq!(swapped, b.point_type);
        }
    }

    #[test]
    fn negating_the_series_mirrors_every_rule(values in series()) {
        let chart = xmr(&values, &SpcOptions::default()).unwrap();
        let negated: Vec<f64> = values.iter().map(|v| -v).collect();
        let mirror = xmr(&negated, &SpcOptions::default()).unwrap();
        for (a, b) in chart.points.iter().zip(&mirror.points) {
            let mirrored = a.rule.map(|r| match r {
                SpcRule::AboveUpl => SpcRule::BelowLpl,
                SpcRule::BelowLpl => SpcRule::AboveUpl,
                SpcRule::TrendIncreasing => SpcRule::TrendDecreasing,
                SpcRule::TrendDecreasing => SpcRule::TrendIncreasing,
                SpcRule::TwoInThreeHigh => SpcRule::TwoInThreeLow,
                SpcRule::TwoInThreeLow => SpcRule::TwoInThreeHigh,
                SpcRule::ShiftHigh => SpcRule::ShiftLow,
                SpcRule::ShiftLow => SpcRule::ShiftHigh,
            });
            // The peak between two trends takes its direction from the right, so mirroring keeps
            // it in a trend but it may read the other way; every other rule mirrors exactly.
            let trend = |r: Option<SpcRule>| matches!(r, Some(SpcRule::TrendIncreasing | SpcRule::TrendDecreasing));
            if trend(a.rule) {
                prop_assert!(trend(b.rule));
            } else {
                prop_assert_eq!(mirrored, b.rule);
            }
        }
    }

    #[test]
    fn a_rebased_chart_is_its_groups_charted_apart(values in series(), cut in 2usize..40) {
        prop_assume!(cut + 2 <= values.len());
        let options = SpcOptions { rebase_at: vec![cut], ..SpcOptions::default() };
        let whole = xmr(&values, &options).unwrap();
        let before = xmr(&values[..cut], &SpcOptions::default()).unwrap();
        let after = xmr(&values[cut..], &SpcOptions::default()).unwrap();
        prop_assert_eq!(whole.points.len(), before.points.len() + after.points.len());
        for (a, b) in whole.points.iter().zip(before.points.iter().chain(&after.points)) {
            prop_assert_eq!(a.rule, b.rule);
            prop_assert_eq!(a.mean, b.mean);
            prop_assert_eq!(a.upl, b.upl);
        }
        prop_assert_eq!(whole.variation_icon, after.variation_icon);
    }

    #[test]
    fn a_constant_series_is_common_cause(value in -1e6f64..1e6, n in 2usize..60) {
        let chart = xmr(&vec![value; n], &SpcOptions::default()).unwrap();
        prop_assert!(chart.points.iter().all(|p| p.rule.is_none()));
        prop_assert_eq!(chart.variation_icon, VariationIcon::CommonCause);
    }
}
