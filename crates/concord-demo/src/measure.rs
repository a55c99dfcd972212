//! The demo's measures: a metric catalogue, real NHS England A&E data mapped onto the fictional
//! system, and three years of synthetic monthly series for the other metrics.
//!
//! Real data (`data/nhs-england`, Open Government Licence v3): the system's A&E series are those of
//! the real ICB E54000015 (April 2022 to July 2025), and the two acute trusts' those of the real
//! providers RXW and RXR (type 1 departments, April 2016 to March 2019). The synthetic series end
//! last month; some have a step change part-way, so the charts show special causes to talk about.

use chrono::{Datelike, Months, NaiveDate};
use concord_domain::metric::MetricDraft;
use concord_store::metric_load::{self, ValueRow};
use concord_store::{metrics, Actor, Store, StoreError};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

const ICB_AE: &str = include_str!("../../../data/nhs-england/icb_ae_attendances_2022_2025.csv");
const PROVIDER_AE: &str = include_str!("../../../data/nhs-england/ae_attendances.csv");
/// The real ICB whose A&E data stand for the demo system's.
const REAL_ICB: &str = "E54000015";
/// Demo acute trusts and the real providers whose type 1 A&E data stand for theirs.
const REAL_PROVIDERS: [(&str, &str); 2] = [("RRV", "RXW"), ("RNM", "RXR")];

/// (code, name, definition, unit, direction, target, source, category)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const METRICS: [Spec; 9] = [
    ("ae_4hr", "A&E: seen within 4 hours", "Attendances admitted, transferred or discharged within 4 hours of arrival, as a percentage of all attendances (all department types for the system; type 1 for trusts).", "%", "increase", "78", "NHS England A&E Attendances and Emergency Admissions (real data: ICB E54000015 for the system, providers RXW and RXR for the trusts)", "urgent_care"),
    ("ae_attendances", "A&E attendances", "All attendances at A&E departments in the month (type 1 for trusts).", "attendances", "neutral", "", "NHS England A&E Attendances and Emergency Admissions (real data, as for ae_4hr)", "urgent_care"),
    ("gp_appts_per_1000", "GP appointments per 1,000 registered patients", "General practice appointments attended in the month per 1,000 registered patients.", "per 1,000", "increase", "", "NHS England Appointments in General Practice (synthetic for the demo)", "primary_care"),
    ("delayed_discharges", "People in hospital who no longer meet the criteria to reside", "Daily average of adult inpatients who no longer meet the criteria to reside but remain in hospital.", "people", "decrease", "60", "NHS England Discharge Delays SitRep (synthetic for the demo)", "community"),
    ("rtt_18wk", "Waiting under 18 weeks for planned treatment", "Incomplete referral-to-treatment pathways waiting under 18 weeks, as a percentage of all incomplete pathways.", "%", "increase", "65", "NHS England RTT Waiting Times (synthetic for the demo)", "planned_care"),
    ("rtt_waiting_list", "Planned care waiting list", "Incomplete referral-to-treatment pathways at the month end.", "pathways", "decrease", "", "NHS England RTT Waiting Times (synthetic for the demo)", "planned_care"),
    ("mh_out_of_area", "Inappropriate out-of-area mental health placements", "Bed days in the month of adults placed out of area for acute mental health care when they need not have been.", "bed days", "decrease", "0", "NHS England Out of Area Placements (synthetic for the demo)", "mental_health"),
    ("staff_vacancy_rate", "Staff vacancy rate", "Vacant posts as a percentage of the funded establishment.", "%", "decrease", "8", "Trust workforce returns (synthetic for the demo)", "workforce"),
    ("social_prescribing_referrals", "Social prescribing referrals per 10,000 adults", "Referrals to link workers in the month per 10,000 registered adults.", "per 10,000", "increase", "", "GP and VCSE referral records (synthetic for the demo)", "population"),
];

/// A synthetic series: scope (organisation code, place name; both empty for the system), level,
/// noise (standard deviation), and a step change after a number of months (0: none).
struct Synthetic {
    metric: &'static str,
    organisation: &'static str,
    place: &'static str,
    level: f64,
    noise: f64,
    step_after: usize,
    step: f64,
    decimals: i32,
}

/// A synthetic series for `metric` covering `scope` (organisation code, place name).
const fn syn(
    metric: &'static str,
    scope: (&'static str, &'static str),
    level: f64,
    noise: f64,
    step_after: usize,
    step: f64,
    decimals: i32,
) -> Synthetic {
    Synthetic {
        metric,
        organisation: scope.0,
        place: scope.1,
        level,
        noise,
        step_after,
        step,
        decimals,
    }
}

const SYNTHETIC: [Synthetic; 22] = [
    syn("gp_appts_per_1000", ("", ""), 452.0, 14.0, 24, 22.0, 1),
    syn(
        "gp_appts_per_1000",
        ("", "Riverside"),
        431.0,
        16.0,
        24,
        30.0,
        1,
    ),
    syn("gp_appts_per_1000", ("", "Vale"), 468.0, 15.0, 0, 0.0, 1),
    syn(
        "gp_appts_per_1000",
        ("", "Northmoor"),
        459.0,
        17.0,
        0,
        0.0,
        1,
    ),
    syn("delayed_discharges", ("", ""), 212.0, 11.0, 20, -34.0, 0),
    syn("delayed_discharges", ("RRV", ""), 131.0, 8.0, 20, -24.0, 0),
    syn("delayed_discharges", ("RNM", ""), 81.0, 6.0, 0, 0.0, 0),
    syn("delayed_discharges", ("", "Vale"), 74.0, 6.0, 28, 14.0, 0),
    syn("rtt_18wk", ("", ""), 58.4, 1.1, 0, 0.0, 1),
    syn("rtt_18wk", ("RRV", ""), 56.9, 1.3, 26, 3.2, 1),
    syn("rtt_18wk", ("RNM", ""), 61.2, 1.4, 0, 0.0, 1),
    syn(
        "rtt_waiting_list",
        ("", ""),
        118_400.0,
        1_300.0,
        18,
        5_200.0,
        0,
    ),
    syn(
        "rtt_waiting_list",
        ("RRV", ""),
        74_900.0,
        900.0,
        18,
        4_100.0,
        0,
    ),
    syn("rtt_waiting_list", ("RNM", ""), 43_500.0, 700.0, 0, 0.0, 0),
    syn("mh_out_of_area", ("RVM", ""), 410.0, 55.0, 22, -190.0, 0),
    syn("staff_vacancy_rate", ("RRV", ""), 8.9, 0.35, 0, 0.0, 1),
    syn("staff_vacancy_rate", ("RNM", ""), 11.6, 0.45, 15, -1.6, 1),
    syn("staff_vacancy_rate", ("RVC", ""), 9.4, 0.4, 0, 0.0, 1),
    syn("staff_vacancy_rate", ("RVM", ""), 10.8, 0.5, 30, 1.5, 1),
    syn(
        "social_prescribing_referrals",
        ("", "Riverside"),
        21.0,
        2.2,
        12,
        7.5,
        1,
    ),
    syn(
        "social_prescribing_referrals",
        ("", "Vale"),
        17.5,
        2.0,
        12,
        5.0,
        1,
    ),
    syn(
        "social_prescribing_referrals",
        ("", "Northmoor"),
        19.0,
        2.4,
        0,
        0.0,
        1,
    ),
];

/// Months of synthetic history.
const MONTHS: usize = 36;

/// Adds the catalogue and loads its series. `icb_id` owns every metric.
pub async fn seed_measures(
    store: &Store,
    actor: &Actor,
    icb_id: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    for (code, name, definition, unit, direction, target, source, category) in METRICS {
        let draft = MetricDraft {
            code: code.into(),
            name: name.into(),
            definition: definition.into(),
            unit: unit.into(),
            improvement_direction: direction.into(),
            target: target.into(),
            owner_organisation_id: icb_id.into(),
            source: source.into(),
            frequency: "monthly".into(),
            category: category.into(),
        };
        metrics::create(store, actor, &draft).await?;
    }
    let mut rows = real_ae_rows();
    rows.extend(synthetic_rows(today));
    metric_load::load(store, actor, &rows, "demo data", "file", &|_| true).await?;
    Ok(())
}

fn row(metric: &str, organisation: &str, place: &str, period: &str, value: f64) -> ValueRow {
    ValueRow {
        at: format!("{metric} {organisation}{place} {period}"),
        metric: metric.into(),
        organisation: organisation.into(),
        place: place.into(),
        period: period.into(),
        value: value.to_string(),
    }
}

/// Rounds a percentage to two decimals, as NHS England publishes them.
fn percent(part: f64, whole: f64) -> f64 {
    (10_000.0 * part / whole).round() / 100.0
}

fn real_ae_rows() -> Vec<ValueRow> {
    let mut rows = Vec::new();
    // period,icb22_code,total_attendances,attendances_over_4hours,...
    for line in ICB_AE.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.get(1) != Some(&REAL_ICB) {
            continue;
        }
        let (Ok(total), Ok(over)) = (f[2].parse::<f64>(), f[3].parse::<f64>()) else {
            continue;
        };
        rows.push(row("ae_4hr", "", "", f[0], percent(total - over, total)));
        rows.push(row("ae_attendances", "", "", f[0], total));
    }
    // period,org_code,type,attendances,breaches,admissions
    for line in PROVIDER_AE.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let Some((demo, _)) = REAL_PROVIDERS
            .iter()
            .find(|(_, real)| f.get(1) == Some(real))
        else {
            continue;
        };
        if f[2] != "1" {
            continue;
        }
        let (Ok(total), Ok(breaches)) = (f[3].parse::<f64>(), f[4].parse::<f64>()) else {
            continue;
        };
        rows.push(row(
            "ae_4hr",
            demo,
            "",
            f[0],
            percent(total - breaches, total),
        ));
        rows.push(row("ae_attendances", demo, "", f[0], total));
    }
    rows
}

fn synthetic_rows(today: NaiveDate) -> Vec<ValueRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(5_2026);
    let this_month =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month");
    let first = this_month - Months::new(MONTHS as u32);
    let mut rows = Vec::new();
    for s in &SYNTHETIC {
        let noise = Normal::new(0.0, s.noise).expect("positive deviation");
        let scale = 10f64.powi(s.decimals);
        for m in 0..MONTHS {
            let period = first + Months::new(m as u32);
            let step = if s.step_after > 0 && m >= s.step_after {
                s.step
            } else {
                0.0
            };
            let value = ((s.level + step + noise.sample(&mut rng)) * scale).round() / scale;
            rows.push(row(
                s.metric,
                s.organisation,
                s.place,
                &period.to_string(),
                value.max(0.0),
            ));
        }
    }
    rows
}
