//! Pathways built from the partnership: each primary care network's adults (the registered lists'
//! published counts by age band, through the disclosure rule) times published consultation rates,
//! through the network's GP practices, community MSK and orthopaedics run by the partners that
//! run them; and the same with first-contact physiotherapy (FCP) sessions in every network.
//!
//! Every parameter is written with its source in the model's `[sources]` table. Where no
//! published figure stands behind a number it says so ("Illustrative: ...") so nobody takes it
//! for evidence; the scenario page shows each one beside its value.

use crate::population::cohorts;
use crate::population::{Population, PopulationError};
use concord_population::disclosure::Shown;
use concord_store::Store;
use std::fmt::Write;

/// One network's adults by age band, as published.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkList {
    /// The network's name.
    pub name: String,
    /// (age band, people), bands whose count was suppressed left out.
    pub bands: Vec<(String, u64)>,
}

impl NetworkList {
    /// Adults in all published bands.
    pub fn adults(&self) -> u64 {
        self.bands.iter().map(|(_, n)| n).sum()
    }
}

/// The adults registered with each network's practices, by age band, on the population's index
/// date, as published through the disclosure rule; with the rule and date in words. None before
/// any population data are loaded.
pub async fn adults_by_network(
    population: &Population,
    store: &Store,
) -> Result<Option<(Vec<NetworkList>, String)>, PopulationError> {
    let cohort = concord_store::population::check_definition(
        "name = \"Registered adults by network and age band\"\n\
         where = \"age >= 18\"\n\
         breakdowns = [[\"pcn\", \"age_band\"]]\n",
    )?;
    let Some(report) = cohorts::count(population, store, cohort).await? else {
        return Ok(None);
    };
    let Some(table) = report.breakdowns.first() else {
        return Ok(None);
    };
    let lists = table
        .rows
        .iter()
        .zip(&table.table.cells)
        .map(|(name, cells)| NetworkList {
            name: name.clone(),
            bands: table
                .columns
                .iter()
                .zip(cells)
                .filter_map(|(band, shown)| match shown {
                    Shown::Count(n) if *n > 0 => Some((band.clone(), *n)),
                    _ => None,
                })
                .collect(),
        })
        .filter(|l| l.adults() > 0)
        .collect();
    let rule = format!(
        "registered adults (18 and over) on {}, counts published under the disclosure rule ({}); bands whose count was suppressed are left out",
        report.index_date, report.disclosure
    );
    Ok(Some((lists, rule)))
}

/// What a person chooses when building the MSK pathway from the partnership.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MskChoices {
    /// The organisation that owns the two scenarios.
    pub owner_organisation_id: String,
    /// The organisation running community MSK.
    pub community_organisation_id: String,
    /// The organisation running orthopaedics.
    pub acute_organisation_id: String,
    /// The programme whose business case they support (blank: none).
    pub programme_id: String,
}

/// Builds today's MSK pathway and the same with FCP in every network from the partnership's
/// registered lists, saves both (the FCP one compared with today's) for `principal`, and gives the
/// FCP scenario's id. Refused, on the field concerned, without population data or permission.
pub async fn build_msk(
    store: &Store,
    population: &Population,
    principal: &concord_domain::Principal,
    actor: &concord_store::Actor,
    choices: &MskChoices,
) -> Result<String, concord_store::StoreError> {
    use concord_store::StoreError;
    let name = async |id: &str, field: &str| -> Result<String, StoreError> {
        concord_store::organisations::get(store, id.trim())
            .await
            .map(|o| o.name)
            .map_err(|_| StoreError::invalid(field, "Select an organisation from the list"))
    };
    let partners = Partners {
        community: name(
            &choices.community_organisation_id,
            "community_organisation_id",
        )
        .await?,
        acute: name(&choices.acute_organisation_id, "acute_organisation_id").await?,
    };
    let Some((networks, rule)) = adults_by_network(population, store).await.map_err(|e| {
        StoreError::invalid(
            "owner_organisation_id",
            format!("The registered lists could not be read: {e}"),
        )
    })?
    else {
        return Err(StoreError::invalid(
            "owner_organisation_id",
            "No registered lists have been loaded yet, so there is no population to build from",
        ));
    };
    if networks.is_empty() {
        return Err(StoreError::invalid(
            "owner_organisation_id",
            "The registered lists name no primary care network with published counts",
        ));
    }
    let start = chrono::Utc::now().date_naive().to_string();
    let (base_model, fcp_model) = msk_fcp(&networks, &partners, &start, &rule);
    let draft = |title: &str, description: &str, model: String, base: String| {
        concord_domain::design::ScenarioDraft {
            title: title.into(),
            description: description.into(),
            owner_organisation_id: choices.owner_organisation_id.trim().into(),
            model,
            base_scenario_id: base,
            programme_id: choices.programme_id.trim().into(),
        }
    };
    let base = super::create(
        store,
        principal,
        actor,
        &draft(
            "MSK pathway today",
            "Built from the registered lists: GP practices in every network, community MSK and orthopaedics from today's waiting lists.",
            base_model,
            String::new(),
        ),
    )
    .await?;
    super::create(
        store,
        principal,
        actor,
        &draft(
            "First-contact physiotherapy in every network",
            "The same pathway with FCP sessions in every network (about one a week for each 5,000 patients), compared with today's.",
            fcp_model,
            base,
        ),
    )
    .await
}

/// The partners a pathway names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partners {
    /// The community trust running community MSK.
    pub community: String,
    /// The acute trust running orthopaedics.
    pub acute: String,
}

/// GP appointments a person a year (about 240 million appointments for 59.7 million registered
/// people, 2019).
const GP_APPOINTMENTS_A_YEAR: f64 = 4.0;
/// The share of GP consultations that are musculoskeletal (GPs' own estimate 19%; NHS England
/// 30%; Jordan et al. 2010, 14%).
const MSK_SHARE: f64 = 0.2;
/// Patients per weekly FCP session (about one session a week for each 5,000 patients).
const PATIENTS_PER_FCP_SESSION: f64 = 5000.0;

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// GP clinicians seeing MSK problems at once in a network, sized so they are about 85% busy over
/// a 10-hour weekday (the present capacity, before any change).
fn gp_staff(adults: u64) -> u32 {
    let a_year = adults as f64 * GP_APPOINTMENTS_A_YEAR * MSK_SHARE;
    let per_working_hour = a_year / (52.18 * 5.0 * 10.0);
    let erlangs = per_working_hour * (11.7 / 60.0);
    ((erlangs / 0.85).ceil() as u32).max(1)
}

/// The two models: the base (GP, community MSK, orthopaedics, from today's lists) and the same
/// with FCP sessions in every network. Time is in hours from midnight on `start`; one year.
pub fn msk_fcp(
    networks: &[NetworkList],
    partners: &Partners,
    start: &str,
    population_rule: &str,
) -> (String, String) {
    (
        msk_model(networks, partners, start, population_rule, false),
        msk_model(networks, partners, start, population_rule, true),
    )
}

fn msk_model(
    networks: &[NetworkList],
    partners: &Partners,
    start: &str,
    population_rule: &str,
    fcp: bool,
) -> String {
    let mut m = String::new();
    let mut sources = String::new();
    let _ = writeln!(
        m,
        "# MSK pathway in Riverside{}: GP practices, community MSK and orthopaedics, one year from today's waiting lists.\n\
         [run]\ntime_unit = \"hour\"\nstart = \"{start}\"\nwarm_up = 0\nlength = 8766\nreplications = 20\nseed = 2026\nreport_every = 168\n",
        if fcp { " with first-contact physiotherapy in every network" } else { "" }
    );
    for n in networks {
        let key = slug(&n.name);
        let bands: Vec<String> = n
            .bands
            .iter()
            .map(|(band, people)| {
                format!("{{ band = \"{band}\", people = {people}, per_year = {GP_APPOINTMENTS_A_YEAR} }}")
            })
            .collect();
        let entry = if fcp {
            format!("reception-{key}")
        } else {
            format!("gp-{key}")
        };
        let _ = writeln!(
            m,
            "[[source]]\nname = \"{key}\"\nto = \"{entry}\"\narrivals = {{ dist = \"population\", bands = [ {} ], share = {MSK_SHARE}, by_weekday = [1.4, 1.4, 1.4, 1.4, 1.4, 0, 0], by_hour = [0, 0, 0, 0, 0, 0, 0, 0, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4, 0, 0, 0, 0, 0, 0] }}\n",
            bands.join(", ")
        );
        let _ = writeln!(
            sources,
            "\"source.{key}.arrivals\" = \"{}: {population_rule}; {GP_APPOINTMENTS_A_YEAR} GP appointments a person a year (NHS Digital, 2019: 240 million for 59.7 million registered); {}% of them musculoskeletal (GPs' estimate 19%, NHS England 30%, Jordan et al. 2010 14%); weekdays 08:00 to 18:00\"",
            n.name,
            MSK_SHARE * 100.0
        );
        let adults = n.adults();
        let staff = gp_staff(adults);
        let (to_msk, to_ortho) = (0.2, 0.04);
        let _ = writeln!(
            m,
            "[[node]]\nname = \"gp-{key}\"\npartner = \"{}\"\nservice = {{ dist = \"lognormal\", mean = 0.195, sd = 0.08 }}\nroutes = [ {{ to = \"community-msk\", p = {to_msk} }}, {{ to = \"orthopaedics\", p = {to_ortho} }} ]\n\n[node.roster]\n[[node.roster.session]]\ndays = [\"weekdays\"]\nfrom = \"08:00\"\nto = \"18:00\"\nstaff = {staff}\n",
            n.name
        );
        let _ = writeln!(
            sources,
            "\"node.gp-{key}.service\" = \"11.7 minutes a consultation (PSSRU unit costs, 2013)\"\n\"node.gp-{key}.staffing\" = \"Illustrative: GP time for MSK problems sized to the demand (about 85% busy, at least one clinician); replace with the practices' own sessions\"\n\"node.gp-{key}.routes\" = \"Illustrative: referral shares, the same with or without FCP; replace with local referral data\""
        );
        if fcp {
            let sessions = ((adults as f64 / 0.8) / PATIENTS_PER_FCP_SESSION)
                .round()
                .max(1.0) as u32;
            // 8 twenty-minute slots a session: send the share the sessions can see (90% busy).
            let capacity_a_year = f64::from(sessions) * 8.0 * 52.18;
            let demand_a_year = adults as f64 * GP_APPOINTMENTS_A_YEAR * MSK_SHARE;
            let p = (0.9 * capacity_a_year / demand_a_year).clamp(0.01, 0.9);
            let _ = writeln!(
                m,
                "[[node]]\nname = \"reception-{key}\"\nservers = 1000\nservice = {{ dist = \"fixed\", value = 0.0 }}\nroutes = [ {{ to = \"fcp-{key}\", p = {p:.4} }}, {{ to = \"gp-{key}\", p = {:.4} }} ]\n",
                1.0 - p
            );
            let _ = writeln!(
                m,
                "[[node]]\nname = \"fcp-{key}\"\npartner = \"{}\"\nservice = {{ dist = \"fixed\", value = 0.3333333333333333 }}\nroutes = [ {{ to = \"community-msk\", p = 0.147 }}, {{ to = \"orthopaedics\", p = 0.061 }}, {{ to = \"gp-{key}\", p = 0.014 }} ]\ncosts = [ {{ partner = \"{}\", per_staff_hour = 55.0 }} ]\n\n[node.roster]\n{}",
                n.name,
                n.name,
                fcp_sessions(sessions)
            );
            let _ = writeln!(
                sources,
                "\"node.reception-{key}.routes\" = \"Booked with the FCP as far as its sessions allow (90% of their slots); the rest with a GP\"\n\"node.reception-{key}.staffing\" = \"Booking, not a service: nobody waits here\"\n\"node.reception-{key}.service\" = \"Booking, not a service: no time\"\n\"node.fcp-{key}.service\" = \"20-minute appointments, 8 a session (Chartered Society of Physiotherapy; Taunton evaluation)\"\n\"node.fcp-{key}.staffing\" = \"{sessions} sessions a week: about one a week for each 5,000 patients (provider guidance)\"\n\"node.fcp-{key}.routes\" = \"Taunton two-year evaluation: 75.6% managed by the FCP alone, 14.7% to physiotherapy, 6.1% onward to intermediate or secondary care, 1.4% back to the GP\"\n\"node.fcp-{key}.costs\" = \"Illustrative: a Band 7 physiotherapist with on-costs, about £55 an hour; replace with the network's own rates\""
            );
        }
    }
    let _ = writeln!(
        m,
        "[[node]]\nname = \"community-msk\"\npartner = \"{}\"\nservice = {{ dist = \"lognormal\", mean = 0.75, sd = 0.25 }}\nwaiting_now = [ {} ]\n\n[node.roster]\n[[node.roster.session]]\ndays = [\"weekdays\"]\nfrom = \"08:30\"\nto = \"16:30\"\nstaff = 5\n",
        partners.community,
        waiting_weeks(&[(0, 4, 400), (4, 8, 350), (8, 13, 300), (13, 18, 150), (18, 26, 60)])
    );
    let _ = writeln!(
        m,
        "[[node]]\nname = \"orthopaedics\"\npartner = \"{}\"\nservice = {{ dist = \"lognormal\", mean = 0.33, sd = 0.1 }}\nwaiting_now = [ {} ]\n\n[node.roster]\n[[node.roster.session]]\ndays = [\"mon\", \"wed\", \"thu\"]\nfrom = \"09:00\"\nto = \"13:00\"\nstaff = 2\n",
        partners.acute,
        waiting_weeks(&[(0, 6, 300), (6, 12, 250), (12, 18, 200), (18, 30, 180), (30, 52, 120), (52, 65, 20)])
    );
    let _ = writeln!(
        m,
        "[sources]\n{sources}\"node.community-msk.service\" = \"Illustrative: 45-minute assessments; replace with the service's own\"\n\"node.community-msk.staffing\" = \"Illustrative: five clinicians on weekdays; replace with the service's rota\"\n\"node.orthopaedics.service\" = \"Illustrative: 20-minute outpatient appointments\"\n\"node.orthopaedics.staffing\" = \"Illustrative: two consultants' clinics three mornings a week\"\n\"node.community-msk.waiting_now\" = \"Illustrative: replace with the service's list by weeks waited\"\n\"node.orthopaedics.waiting_now\" = \"Illustrative: replace with the trust's list by weeks waited (NHS England publishes referral-to-treatment lists monthly)\""
    );
    m
}

/// Social-prescribing link workers for the system as a caseload: adults whose GP visits are
/// mainly about social needs are referred, and each is held on a link worker's caseload for about
/// twelve weeks. One worker for each 50,000 patients (the national expectation), each holding
/// about 58 people at once (200 to 250 a year over twelve weeks). Time is in weeks; one year.
pub fn link_workers(
    networks: &[NetworkList],
    start: &str,
    population_rule: &str,
    vcse: &str,
) -> String {
    let adults: u64 = networks.iter().map(NetworkList::adults).sum();
    let patients = adults as f64 / 0.8;
    let staff = ((patients / 50_000.0).round() as u32).max(1);
    let bands: Vec<String> = networks
        .iter()
        .flat_map(|n| n.bands.iter())
        .fold(Vec::<(String, u64)>::new(), |mut acc, (band, people)| {
            match acc.iter_mut().find(|(b, _)| b == band) {
                Some(entry) => entry.1 += people,
                None => acc.push((band.clone(), *people)),
            }
            acc
        })
        .into_iter()
        .map(|(band, people)| {
            format!(
                "{{ band = \"{band}\", people = {people}, per_year = {GP_APPOINTMENTS_A_YEAR} }}"
            )
        })
        .collect();
    format!(
        "# Social-prescribing link workers for Riverside and Vale: a caseload held for about twelve weeks.\n\
         [run]\ntime_unit = \"week\"\nstart = \"{start}\"\nwarm_up = 26\nlength = 52\nreplications = 20\nseed = 2026\nreport_every = 2\n\n\
         [[source]]\nname = \"referrals\"\nto = \"link-workers\"\narrivals = {{ dist = \"population\", bands = [ {} ], share = 0.0012 }}\n\n\
         [[node]]\nname = \"link-workers\"\npartner = \"{vcse}\"\ncaseload = {{ staff = {staff}, each = 58 }}\nservice = {{ dist = \"gamma\", mean = 12.0, sd = 3.0 }}\npatience = {{ dist = \"exponential\", mean = 8.0 }}\ncosts = [ {{ partner = \"{vcse}\", per_year = {} }} ]\n\n\
         [sources]\n\
         \"source.referrals.arrivals\" = \"{population_rule}; {GP_APPOINTMENTS_A_YEAR} GP appointments a person a year (NHS Digital, 2019); about 20% of GP visits are mainly about social needs (Polley et al. 2017); Illustrative: 0.12% of appointments lead to a referral, about 230 a year for each 50,000 patients, near the 200 to 250 a worker takes on\"\n\
         \"node.link-workers.staffing\" = \"One link worker for each 50,000 patients ({staff} for about {} patients); 200 to 250 people a year each over about twelve weeks, so about 58 held at once (NHS England guidance)\"\n\
         \"node.link-workers.service\" = \"About twelve weeks on a caseload, 6 to 12 contacts (NHS England guidance)\"\n\
         \"node.link-workers.patience\" = \"Illustrative: people referred who are not taken on within about eight weeks stop waiting\"\n\
         \"node.link-workers.costs\" = \"£36,428 a worker a year: the Additional Roles Reimbursement Scheme's maximum for a Band 5 link worker, 2022/23\"\n",
        bands.join(", "),
        36_428 * staff,
        concord_domain::format::count(patients.round() as i64),
    )
}

/// FCP sessions of 2 hours 40 minutes (8 slots of 20 minutes), mornings then afternoons, Monday
/// to Friday, `sessions` a week.
fn fcp_sessions(sessions: u32) -> String {
    let days = ["mon", "tue", "wed", "thu", "fri"];
    let mut out = String::new();
    for k in 0..sessions.min(20) {
        let day = days[(k % 5) as usize];
        let (from, to) = match k / 5 {
            0 => ("09:00", "11:40"),
            1 => ("13:30", "16:10"),
            2 => ("11:40", "14:20"),
            _ => ("16:10", "18:50"),
        };
        let _ = writeln!(
            out,
            "[[node.roster.session]]\ndays = [\"{day}\"]\nfrom = \"{from}\"\nto = \"{to}\""
        );
    }
    out
}

/// A waiting list by weeks waited, as `waiting_now` rows in hours: (from week, to week, people),
/// each band's people spread evenly over its weeks.
fn waiting_weeks(bands: &[(u32, u32, u32)]) -> String {
    let mut rows = Vec::new();
    for &(from, to, people) in bands {
        let weeks = (to - from).max(1);
        for w in from..to {
            let share = people / weeks + u32::from(w - from < people % weeks);
            rows.push(format!(
                "{{ waited = {}, people = {share} }}",
                f64::from(w) * 168.0 + 84.0
            ));
        }
    }
    rows.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn networks() -> Vec<NetworkList> {
        vec![
            NetworkList {
                name: "Riverside Central PCN".into(),
                bands: vec![("18-64".into(), 30_000), ("65+".into(), 8_000)],
            },
            NetworkList {
                name: "Vale PCN".into(),
                bands: vec![("18-64".into(), 12_000), ("65+".into(), 4_000)],
            },
        ]
    }

    #[test]
    fn both_models_read_and_cite_their_sources() {
        let partners = Partners {
            community: "Riverside Community Trust".into(),
            acute: "Riverside Hospitals".into(),
        };
        let (base, fcp) = msk_fcp(&networks(), &partners, "2026-12-07", "test counts");
        for text in [&base, &fcp] {
            let model =
                concord_sim::Model::from_toml(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            for p in model.parameters() {
                assert!(p.source.is_some(), "{} has no source", p.path);
            }
            // Today's lists: 1,260 at community MSK and 1,070 at orthopaedics.
            let msk = model
                .nodes
                .iter()
                .find(|n| n.name == "community-msk")
                .unwrap();
            assert_eq!(msk.initial.len(), 1260);
        }
        let fcp = concord_sim::Model::from_toml(&fcp).unwrap();
        // 38,000 adults: about 47,500 patients, so 10 sessions a week in the first network.
        let roster = fcp
            .nodes
            .iter()
            .find(|n| n.name == "fcp-riverside-central-pcn")
            .unwrap();
        let concord_sim::model::Staffing::Roster(r) = &roster.staffing else {
            panic!("a roster")
        };
        assert_eq!(r.staff_sessions.iter().sum::<u32>(), 10);
    }

    #[test]
    fn link_workers_are_a_caseload_with_every_parameter_cited() {
        let text = link_workers(&networks(), "2026-12-07", "test counts", "Age UK Riverside");
        let model = concord_sim::Model::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for p in model.parameters() {
            assert!(p.source.is_some(), "{} has no source", p.path);
        }
        // 54,000 adults: 67,500 patients, so one worker holding 58 people at once.
        assert!(matches!(
            model.nodes[0].staffing,
            concord_sim::model::Staffing::Caseload { staff: 1, each: 58 }
        ));
        assert_eq!(model.partners, ["Age UK Riverside"]);
    }

    #[test]
    fn gp_capacity_is_sized_to_demand() {
        // 38,000 adults: 30,400 MSK consultations a year, 11.7 a working hour, 2.3 at once.
        assert_eq!(gp_staff(38_000), 3);
        assert_eq!(gp_staff(1), 1);
    }
}
