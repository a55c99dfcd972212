//! The national A&E series of NHSRplotthedots's integration tests, rebuilt from the public data in
//! `data/nhs-england/ae_attendances.csv` and charted: the totals must equal those the package's
//! snapshot holds, and the chart its mean, limits and flags.

use concord_measure::spc::{xmr, SpcOptions, SpcRule, VariationIcon};
use std::collections::BTreeMap;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/nhs-england/ae_attendances.csv"
);
const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/nhsrplotthedots/ae_all_attendances.csv"
);

/// Monthly (attendances, breaches) summed over every provider and type.
fn national() -> BTreeMap<String, (f64, f64)> {
    let mut totals = BTreeMap::new();
    let mut reader = csv::Reader::from_path(DATA).unwrap();
    for record in reader.records() {
        let r = record.unwrap();
        let entry = totals.entry(r[0].to_string()).or_insert((0.0, 0.0));
        entry.0 += r[3].parse::<f64>().unwrap();
        entry.1 += r[4].parse::<f64>().unwrap();
    }
    totals
}

#[test]
fn national_attendances_match_the_package_snapshot() {
    let totals = national();
    let mut reference = csv::Reader::from_path(REFERENCE).unwrap();
    let expected: Vec<(String, f64)> = reference
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].parse().unwrap())
        })
        .collect();
    assert_eq!(totals.len(), 36);
    for ((month, (attendances, _)), (date, value)) in totals.iter().zip(&expected) {
        assert_eq!(month, date);
        assert_eq!(*attendances, *value, "{month}");
    }
    let values: Vec<f64> = totals.values().map(|(a, _)| *a).collect();
    let chart = xmr(&values, &SpcOptions::default()).unwrap();
    // Published in the snapshot: mean 2000538.94444444, limits 1731844.36444444 and
    // 2269233.52444444, and no special cause.
    let g = &chart.groups[0];
    assert!((g.mean - 2_000_538.944_444_44).abs() < 1e-6);
    assert!((g.lpl - 1_731_844.364_444_44).abs() < 1e-6);
    assert!((g.upl - 2_269_233.524_444_44).abs() < 1e-6);
    assert!(chart.points.iter().all(|p| p.rule.is_none()));
}

#[test]
fn national_four_hour_performance_is_a_concern_when_fixed_after_a_year() {
    let values: Vec<f64> = national()
        .values()
        .map(|(attendances, breaches)| 1.0 - breaches / attendances)
        .collect();
    let chart = xmr(
        &values,
        &SpcOptions {
            fix_after: Some(12),
            ..SpcOptions::default()
        },
    )
    .unwrap();
    // Snapshot: mean 0.890891556434924, limits 0.861404978907426 to 0.920378133962421; below the
    // lower limit in months 10, 21-24, 34 and 35; seven below the mean from month 30.
    let g = &chart.groups[0];
    assert!((g.mean - 0.890_891_556_434_924).abs() < 1e-14);
    assert!((g.lpl - 0.861_404_978_907_426).abs() < 1e-14);
    assert!((g.upl - 0.920_378_133_962_421).abs() < 1e-14);
    let below: Vec<usize> = (0..36)
        .filter(|i| chart.points[*i].rule == Some(SpcRule::BelowLpl))
        .map(|i| i + 1)
        .collect();
    assert_eq!(below, [10, 21, 22, 23, 24, 34, 35]);
    assert!((30..=36)
        .filter(|m| ![34, 35].contains(m))
        .all(|m| chart.points[m - 1].rule == Some(SpcRule::ShiftLow)));
    assert_eq!(chart.variation_icon, VariationIcon::ConcernLow);
}

/// Type 1 4-hour breaches of one provider before April 2018, in date order.
fn type_1_breaches(org: &str) -> Vec<f64> {
    let mut rows: Vec<(String, f64)> = csv::Reader::from_path(DATA)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[1] == org && &r[2] == "1" && &r[0] < "2018-04-01")
        .map(|r| (r[0].to_string(), r[4].parse().unwrap()))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, v)| v).collect()
}

#[test]
fn the_readme_example_is_common_cause_and_hit_and_miss() {
    // NHSRplotthedots README: RQM, type 1, before 2018-04-01, breaches, improvement "decrease",
    // target 1200; its summary gives variation "common_cause" and assurance "inconsistent".
    use concord_measure::spc::{Assurance, ImprovementDirection};
    let values = type_1_breaches("RQM");
    assert_eq!(values.len(), 24);
    let chart = xmr(
        &values,
        &SpcOptions {
            improvement: ImprovementDirection::Decrease,
            target: Some(1200.0),
            ..SpcOptions::default()
        },
    )
    .unwrap();
    assert_eq!(chart.variation_icon, VariationIcon::CommonCause);
    assert_eq!(chart.assurance, Some(Assurance::HitAndMiss));
}

#[test]
fn the_vignette_example_has_a_run_of_eight_improving_points() {
    // NHSRplotthedots vignette: RRK, type 1, before 2018-04-01, breaches, "decrease": "8
    // sequential points coloured in blue", a shift below the mean.
    use concord_measure::spc::{ImprovementDirection, PointType};
    let chart = xmr(
        &type_1_breaches("RRK"),
        &SpcOptions {
            improvement: ImprovementDirection::Decrease,
            ..SpcOptions::default()
        },
    )
    .unwrap();
    let improving: Vec<bool> = chart
        .points
        .iter()
        .map(|p| p.point_type == PointType::SpecialCauseImprovement)
        .collect();
    let longest = improving
        .split(|b| !b)
        .map(<[bool]>::len)
        .max()
        .unwrap_or(0);
    assert_eq!(longest, 8);
    assert!(chart
        .points
        .iter()
        .filter(|p| p.point_type == PointType::SpecialCauseImprovement)
        .all(|p| p.rule == Some(SpcRule::ShiftLow)));
}
