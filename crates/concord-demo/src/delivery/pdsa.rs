//! The demo's frontline improvement project: a driver diagram, change ideas, PDSA cycles and a run
//! chart of its measure.

use super::{as_person, ymd};
use chrono::{Duration, NaiveDate};
use concord_domain::improvement::{
    ChangeIdeaDraft, DriverDraft, ImprovementMeasurementDraft, ImprovementProjectDraft, PdsaDraft,
};
use concord_store::{improvement, people, Actor, Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(super) async fn seed_improvement(
    store: &Store,
    actor: &Actor,
    programme: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let Some(clinician) = people::find_by_email(store, "nadia.rahman@nhs.net").await? else {
        return Ok(());
    };
    let memberships = people::memberships_of_person(store, &clinician.id).await?;
    let Some(home) = memberships.first() else {
        return Ok(());
    };
    let team = as_person(&clinician.id, &clinician.full_name());
    let project = improvement::create(store, actor, &home.organisation_id, &ImprovementProjectDraft {
        title: "Reaching lonely patients sooner".into(),
        team: format!("{} care coordination team", home.organisation_name),
        aim: "Cut the time from a loneliness referral to first link-worker contact from 9 days to 3 days for patients aged 65+, by the end of March.".into(),
        lead_person_id: clinician.id.clone(),
        programme_id: programme.into(),
        measure_name: "Days from referral to first link-worker contact (weekly median)".into(),
        measure_unit: "days".into(),
        measure_direction: "decrease".into(),
    })
    .await?;
    let primary = improvement::add_driver(
        store,
        actor,
        &project,
        &DriverDraft {
            kind: "primary".into(),
            text: "Referrals reach the link worker quickly".into(),
            ..Default::default()
        },
    )
    .await?;
    let primary2 = improvement::add_driver(
        store,
        actor,
        &project,
        &DriverDraft {
            kind: "primary".into(),
            text: "Patients answer the first contact".into(),
            ..Default::default()
        },
    )
    .await?;
    let secondary = improvement::add_driver(
        store,
        actor,
        &project,
        &DriverDraft {
            kind: "secondary".into(),
            parent_id: primary.clone(),
            text: "One referral route from every clinician".into(),
        },
    )
    .await?;
    let ideas = [
        (
            secondary.clone(),
            "Same-day phone call from the care coordinator",
        ),
        (
            primary2.clone(),
            "Text message before the call, from the practice's number",
        ),
        (
            primary.clone(),
            "Warm handover: the GP introduces the link worker in the room",
        ),
    ];
    let mut idea_ids = Vec::new();
    for (driver, text) in ideas {
        idea_ids.push(
            improvement::add_change_idea(
                store,
                actor,
                &project,
                &ChangeIdeaDraft {
                    driver_id: driver,
                    text: text.into(),
                },
            )
            .await?,
        );
    }
    let week = |n: i64| today - Duration::weeks(24 - n);
    let cycles = [
        (
            "Same-day call, one GP's referrals",
            8,
            "Median falls from 9 to 5 days",
            "Called 14 of 17 the same day",
            "Median 4 days; prediction met",
            "adopt",
        ),
        (
            "Text before the call",
            13,
            "More patients answer the first call",
            "Texts sent to 22 patients",
            "Answer rate rose from 55% to 71%, but some numbers were out of date",
            "adapt",
        ),
        (
            "Warm handover in two GP rooms",
            23,
            "Handover patients contacted within 1 day",
            "",
            "",
            "",
        ),
    ];
    for (n, (title, start, prediction, do_notes, study, act)) in cycles.iter().enumerate() {
        improvement::save_cycle(store, &team, &project, None, &PdsaDraft {
            change_idea_id: idea_ids[n].clone(),
            title: (*title).into(),
            plan: "Who: care coordinator and two GPs. Where: main surgery. When: two weeks. Data: referral log.".into(),
            prediction: (*prediction).into(),
            starts_on: ymd(week(*start)),
            study_on: ymd(week(*start) + Duration::days(14)),
            do_notes: (*do_notes).into(),
            study: (*study).into(),
            act: (*act).into(),
            act_notes: if act.is_empty() { String::new() } else { "Spread to the whole practice".into() },
        })
        .await?;
    }
    // Weekly medians: about 9 days before the change, about 4 after it.
    let mut rng = ChaCha8Rng::seed_from_u64(65);
    let readings: Vec<ImprovementMeasurementDraft> = (0..24)
        .map(|n| {
            let level = if n < 9 {
                9.0
            } else if n < 13 {
                6.0
            } else {
                4.0
            };
            let value: f64 = level + rng.gen_range(-1.5..1.5_f64);
            ImprovementMeasurementDraft {
                measured_on: ymd(week(n)),
                value: format!("{:.1}", value.max(1.0)),
                note: match n {
                    9 => "Same-day call started".into(),
                    13 => "Text before the call started".into(),
                    _ => String::new(),
                },
            }
        })
        .collect();
    improvement::record_readings(store, actor, &project, &readings).await
}
