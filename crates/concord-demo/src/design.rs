//! Design in the demo: "MSK first-contact physiotherapy in Riverside", built from the partnership
//! itself (each network's registered adults, the trusts that run community MSK and orthopaedics)
//! as a base (today's pathway from today's waiting lists) and a scenario with FCP sessions in
//! every network, supporting the MSK programme's business case; and social-prescribing link
//! workers as a caseload. Each runs once so its results are there when the demo opens.

use crate::{DemoError, ICB_CODE};
use concord_app::design::pathway::{adults_by_network, link_workers, msk_fcp, Partners};
use concord_app::design::worker::work_once;
use concord_app::population::{Population, PopulationConfig};
use concord_domain::design::ScenarioDraft;
use concord_store::{design, organisations, programmes, Actor, Store};

/// The demo scenarios' titles.
pub const BASE_TITLE: &str = "MSK pathway in Riverside today";
/// The scenario compared with it.
pub const FCP_TITLE: &str = "First-contact physiotherapy in every network";
/// The social-prescribing scenario.
pub const LINK_WORKERS_TITLE: &str = "Social-prescribing link workers";

fn failed(e: impl std::fmt::Display) -> DemoError {
    DemoError::Population(format!("the Design scenarios: {e}"))
}

/// Builds and runs the demo's MSK scenarios, unless they are already there or there is no
/// population to build them from. Gives how many scenarios were made.
pub async fn seed_design(store: &Store, config: PopulationConfig) -> Result<usize, DemoError> {
    if design::list(store)
        .await?
        .iter()
        .any(|s| s.title == BASE_TITLE)
    {
        return Ok(0);
    }
    let population = Population::new(config);
    let Some((networks, rule)) = adults_by_network(&population, store)
        .await
        .map_err(failed)?
    else {
        return Ok(0);
    };
    let name_of = async |code: &str| -> Result<String, DemoError> {
        Ok(organisations::find_by_code(store, code)
            .await?
            .map(|o| o.name)
            .unwrap_or_else(|| code.to_string()))
    };
    let partners = Partners {
        community: name_of("RVC").await?,
        acute: name_of("RRV").await?,
    };
    let icb = organisations::find_by_code(store, ICB_CODE)
        .await?
        .ok_or_else(|| failed("the ICB is missing"))?;
    let icb_id = icb.id.clone();
    let name_of_vcse = "Age UK Riverside".to_string();
    let programme = programmes::list(store)
        .await?
        .into_iter()
        .find(|p| p.name == "MSK first-contact physiotherapy")
        .map(|p| p.id)
        .unwrap_or_default();
    let start = chrono::Utc::now().date_naive().to_string();
    let (base_model, fcp_model) = msk_fcp(&networks, &partners, &start, &rule);
    let actor = Actor::system("demo");
    let base = design::create(
        store,
        &actor,
        &ScenarioDraft {
            title: BASE_TITLE.into(),
            description: "Patients with back, joint and muscle problems see a GP, who refers some to community MSK and some to orthopaedics; both services start from today's waiting lists.".into(),
            owner_organisation_id: icb.id.clone(),
            model: base_model,
            programme_id: programme.clone(),
            ..Default::default()
        },
    )
    .await?;
    let fcp = design::create(
        store,
        &actor,
        &ScenarioDraft {
            title: FCP_TITLE.into(),
            description: "First-contact physiotherapists in every primary care network see patients with MSK problems instead of a GP, in 20-minute appointments, about one session a week for each 5,000 patients. Compared with today's pathway on the same random numbers.".into(),
            owner_organisation_id: icb.id,
            model: fcp_model.clone(),
            base_scenario_id: base.clone(),
            programme_id: programme,
        },
    )
    .await?;
    let link = design::create(
        store,
        &actor,
        &ScenarioDraft {
            title: LINK_WORKERS_TITLE.into(),
            description: "Link workers hold people on a caseload for about twelve weeks, connecting them with community groups and services: how many can be taken on, and how long others wait.".into(),
            owner_organisation_id: icb_id.clone(),
            model: link_workers(&networks, &start, &rule, &name_of_vcse),
            ..Default::default()
        },
    )
    .await?;
    let scenario = design::get(store, &fcp).await?;
    let base_scenario = design::get(store, &base).await?;
    let link_scenario = design::get(store, &link).await?;
    for (s, base) in [
        (&base_scenario, None),
        (&scenario, Some(&base_scenario)),
        (&link_scenario, None),
    ] {
        design::queue_run(
            store,
            &actor,
            &design::RunRequest {
                scenario_id: &s.id,
                model: &s.model,
                base: base.map(|b| (b.id.as_str(), b.model.as_str())),
                total: 20 * if base.is_some() { 2 } else { 1 },
                person_id: "demo",
            },
        )
        .await?;
    }
    while work_once(store).await? {}
    Ok(3)
}
