//! The fictional *Riverside and Vale ICS*: about a million residents in three places, 20 primary care
//! networks and 95 practices, four trusts, three councils, 25 VCSE organisations, a Healthwatch and two
//! hospices, ~300 people in their roles, and the boards that govern the partnership.
//!
//! Everything is written through the store's public functions (so it is validated and audited like any
//! other write) from a fixed random seed, so every run makes the same system. Seeding is idempotent:
//! if the ICB already exists, nothing is added.

mod consultation;
mod data;
mod delivery;
mod design;
mod directory;
mod exchange;
mod finance;
mod measure;
mod population;
mod pulse;
mod referrals;
mod strategy;

pub use consultation::{
    load_joint_forward_plan, seed_consultation, RESPONSES as CONSULTATION_RESPONSES,
};
pub use design::{seed_design, BASE_TITLE, FCP_TITLE, LINK_WORKERS_TITLE};
pub use directory::seed_directory;
pub use exchange::{seed_exchange, NORTHMOOR};
pub use population::{
    seed_population, synth_system, PopulationSetup, PopulationSummary, BUILT_IN_COHORTS,
};
pub use pulse::{seed_pulse, DISPUTED_DECISION};
pub use referrals::seed_referrals;

use concord_domain::{BoardDraft, OrganisationDraft, PersonDraft, PlaceDraft, Role};
use concord_store::boards::{self, BoardMemberDraft};
use concord_store::{accounts, organisations, people, places, Actor, Store, StoreError};
use data::{
    Home, ACCOUNTS, COUNCIL_STAFF, FAMILY_NAMES, GIVEN_NAMES, ICB_STAFF, OTHERS, PLACES,
    PRACTICE_NAMES, PRACTICE_SUFFIXES, PROGRAMMES, TRUSTS, TRUST_STAFF, VCSE,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// The shared password of every demo account (printed by `concord demo`).
pub const DEMO_PASSWORD: &str = "riverside-vale-demo";

/// The ICB's code; its presence means the demo is already loaded.
pub const ICB_CODE: &str = "QRV";

/// What the demo holds, and the sign-in for each role.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Organisations in the store.
    pub organisations: usize,
    /// Places and neighbourhoods.
    pub places: usize,
    /// People.
    pub people: usize,
    /// Boards.
    pub boards: usize,
    /// One sign-in per role, and one for a second organisation's partner lead.
    pub logins: Vec<DemoLogin>,
    /// True if the demo was already loaded and nothing was added.
    pub already_present: bool,
}

/// A demo sign-in.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// The role this sign-in shows.
    pub role: Role,
    /// The username.
    pub username: String,
    /// The password ([`DEMO_PASSWORD`]).
    pub password: String,
    /// The person's name.
    pub person_name: String,
    /// The organisation in which they hold the role.
    pub organisation_name: String,
    /// The person's id.
    pub person_id: String,
    /// The organisation's id.
    pub organisation_id: String,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store refused a write or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The synthetic population could not be written or ingested.
    #[error("the demo population: {0}")]
    Population(String),
}

/// Loads the demo system into `store`, unless it is already there.
pub async fn seed(store: &Store) -> Result<DemoSummary, DemoError> {
    let already_present = organisations::find_by_code(store, ICB_CODE)
        .await?
        .is_some();
    if !already_present {
        tracing::info!("loading the Riverside and Vale demo system");
        Builder::new(store).build().await?;
    }
    summarise(store, already_present).await
}

async fn summarise(store: &Store, already_present: bool) -> Result<DemoSummary, DemoError> {
    let mut logins = Vec::new();
    for account in &ACCOUNTS {
        let Some(person) = people::find_by_email(store, account.email).await? else {
            continue;
        };
        let memberships = people::memberships_of_person(store, &person.id).await?;
        let Some(m) = memberships.iter().find(|m| m.role == account.role) else {
            continue;
        };
        logins.push(DemoLogin {
            role: account.role,
            username: account.username.to_string(),
            password: DEMO_PASSWORD.to_string(),
            person_name: person.full_name(),
            organisation_name: m.organisation_name.clone(),
            person_id: person.id.clone(),
            organisation_id: m.organisation_id.clone(),
        });
    }
    Ok(DemoSummary {
        organisations: organisations::count(store).await? as usize,
        places: places::list(store).await?.len(),
        people: people::count(store).await? as usize,
        boards: boards::list(store, None).await?.len(),
        logins,
        already_present,
    })
}

/// The ids of what has been made so far, for wiring boards and accounts.
#[derive(Default)]
struct Made {
    icb: String,
    place_ids: Vec<String>,
    councils: Vec<String>,
    trusts: Vec<String>,
    pcns: Vec<(String, usize)>,
    practices: Vec<String>,
    vcse: Vec<String>,
    others: Vec<String>,
    /// (person id, organisation id, job title) for everyone added, in order.
    people: Vec<(String, String, String)>,
}

struct Builder<'a> {
    store: &'a Store,
    actor: Actor,
    rng: ChaCha8Rng,
    emails: HashSet<String>,
    made: Made,
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

impl<'a> Builder<'a> {
    fn new(store: &'a Store) -> Self {
        Builder {
            store,
            actor: Actor::system("concord demo"),
            rng: ChaCha8Rng::seed_from_u64(2026),
            // The sign-ins' addresses are reserved so that no generated name takes one of them.
            emails: ACCOUNTS.iter().map(|a| a.email.to_string()).collect(),
            made: Made::default(),
        }
    }

    async fn organisation(
        &mut self,
        name: &str,
        code: &str,
        org_type: &str,
        parent: Option<&str>,
        description: &str,
        serves: &[usize],
    ) -> Result<String, StoreError> {
        let draft = OrganisationDraft {
            name: name.into(),
            code: code.into(),
            org_type: org_type.into(),
            parent_id: parent.map(Into::into),
            website: Some(format!("https://www.{}.example", slug(name))),
            description: Some(description.into()),
        };
        let id = organisations::create(self.store, &self.actor, &draft).await?;
        if !serves.is_empty() {
            let place_ids: Vec<String> = serves
                .iter()
                .map(|&i| self.made.place_ids[i].clone())
                .collect();
            organisations::set_places_served(self.store, &self.actor, &id, &place_ids).await?;
        }
        Ok(id)
    }

    /// Adds a person with a generated name; returns their id.
    async fn person(
        &mut self,
        organisation_id: &str,
        role: Role,
        title: &str,
        domain: &str,
    ) -> Result<String, StoreError> {
        let (given, family, email) = loop {
            let given = *GIVEN_NAMES.choose(&mut self.rng).expect("names");
            let family = *FAMILY_NAMES.choose(&mut self.rng).expect("names");
            let email = format!("{}.{}@{domain}", slug(given), slug(family));
            if self.emails.insert(email.clone()) {
                break (given, family, email);
            }
        };
        self.named_person(organisation_id, role, given, family, &email, title)
            .await
    }

    async fn named_person(
        &mut self,
        organisation_id: &str,
        role: Role,
        given: &str,
        family: &str,
        email: &str,
        title: &str,
    ) -> Result<String, StoreError> {
        self.emails.insert(email.to_string());
        let draft = PersonDraft {
            given_name: given.into(),
            family_name: family.into(),
            email: email.into(),
            job_title: Some(title.into()),
            phone: Some(format!(
                "0{} {:03} {:04}",
                self.rng.gen_range(1100..1999),
                self.rng.gen_range(100..999),
                self.rng.gen_range(0..9999)
            )),
        };
        let id = people::create_in_organisation(
            self.store,
            &self.actor,
            organisation_id,
            &draft,
            role.as_str(),
        )
        .await?;
        self.made
            .people
            .push((id.clone(), organisation_id.to_string(), title.to_string()));
        Ok(id)
    }

    /// The organisation in which a sign-in holds its role.
    fn home(&self, home: Home) -> String {
        match home {
            Home::Icb => self.made.icb.clone(),
            Home::AcuteTrust => self.made.trusts[0].clone(),
            Home::CityCouncil => self.made.councils[0].clone(),
            Home::Practice => self.made.practices[0].clone(),
            Home::AgeUkRiverside => self.made.vcse[0].clone(),
        }
    }

    /// Whether a sign-in fills this post, so that no generated person is added to it as well.
    fn post_has_sign_in(&self, organisation_id: &str, title: &str) -> bool {
        ACCOUNTS
            .iter()
            .any(|a| a.title == title && self.home(a.home) == organisation_id)
    }

    async fn build(mut self) -> Result<(), StoreError> {
        self.places().await?;
        self.organisations().await?;
        self.accounts().await?;
        self.staff().await?;
        self.boards().await?;
        strategy::seed_round(self.store, &self.actor, &self.made.icb, &mut self.rng).await?;
        delivery::seed_delivery(self.store, &self.actor).await?;
        let today = concord_domain::meeting::london_date(chrono::Utc::now());
        measure::seed_measures(self.store, &self.actor, &self.made.icb, today).await?;
        let hosts = PLACES
            .iter()
            .map(|p| p.council.1)
            .zip(self.made.councils.iter().cloned())
            .collect();
        finance::seed_finance(self.store, &self.actor, &hosts, today).await?;
        Ok(())
    }

    async fn places(&mut self) -> Result<(), StoreError> {
        for spec in &PLACES {
            let draft = PlaceDraft {
                name: spec.name.into(),
                kind: "place".into(),
                population: Some(spec.population.to_string()),
                description: Some(spec.description.into()),
                parent_id: None,
            };
            let id = places::create(self.store, &self.actor, &draft).await?;
            for (name, population) in spec.neighbourhoods {
                let hood = PlaceDraft {
                    name: (*name).into(),
                    kind: "neighbourhood".into(),
                    parent_id: Some(id.clone()),
                    population: Some(population.to_string()),
                    description: None,
                };
                places::create(self.store, &self.actor, &hood).await?;
            }
            self.made.place_ids.push(id);
        }
        Ok(())
    }

    async fn organisations(&mut self) -> Result<(), StoreError> {
        let all_places = [0, 1, 2];
        self.made.icb = self
            .organisation("NHS Riverside and Vale Integrated Care Board", ICB_CODE, "icb", None, "Plans and buys NHS services for about a million people in Riverside, Vale and Northmoor.", &all_places)
            .await?;
        let icb = self.made.icb.clone();
        // Trusts are statutory bodies in their own right, not part of the ICB: no parent.
        for (name, code, kind, serves, about) in TRUSTS {
            let id = self
                .organisation(name, code, kind, None, about, serves)
                .await?;
            self.made.trusts.push(id);
        }
        for (i, spec) in PLACES.iter().enumerate() {
            let (name, code) = spec.council;
            let id = self
                .organisation(
                    name,
                    code,
                    "council",
                    None,
                    "Adult and children's social care, public health, housing and leisure.",
                    &[i],
                )
                .await?;
            self.made.councils.push(id);
        }
        // PCNs and their practices: 95 practices spread over 20 networks in proportion to population.
        let mut practice_names: Vec<String> = PRACTICE_NAMES
            .iter()
            .flat_map(|n| PRACTICE_SUFFIXES.iter().map(move |s| format!("{n} {s}")))
            .collect();
        practice_names.shuffle(&mut self.rng);
        let practices = data::practice_codes();
        let mut pcn_number = 0;
        for (place_index, spec) in PLACES.iter().enumerate() {
            for name in spec.pcns {
                pcn_number += 1;
                let pcn = self.organisation(name, &format!("U{:05}", 60_000 + pcn_number), "pcn", Some(&icb), "A primary care network: practices working together with community, social care and voluntary partners.", &[place_index]).await?;
                self.made.pcns.push((pcn.clone(), place_index));
                for (_, _, code) in practices.iter().filter(|p| p.1 == pcn_number) {
                    let name = practice_names.pop().expect("enough practice names");
                    let id = self
                        .organisation(
                            &name,
                            code,
                            "gp_practice",
                            Some(&pcn),
                            "General practice.",
                            &[place_index],
                        )
                        .await?;
                    self.made.practices.push(id);
                }
            }
        }
        for (i, (name, place, about)) in VCSE.iter().enumerate() {
            let serves: Vec<usize> = place
                .map(|p| vec![p])
                .unwrap_or_else(|| all_places.to_vec());
            let id = self
                .organisation(
                    name,
                    &format!("CH-{}", 1_120_000 + i * 7_919),
                    "vcse",
                    None,
                    about,
                    &serves,
                )
                .await?;
            self.made.vcse.push(id);
        }
        for (name, code, kind, place) in OTHERS {
            let serves: Vec<usize> = place
                .map(|p| vec![p])
                .unwrap_or_else(|| all_places.to_vec());
            let about = if kind == "healthwatch" {
                "The independent champion for people who use health and care services."
            } else {
                "Specialist palliative and end-of-life care."
            };
            let id = self
                .organisation(name, code, kind, None, about, &serves)
                .await?;
            self.made.others.push(id);
        }
        Ok(())
    }

    /// Adds generated people to `organisation_id` in each post, skipping posts a sign-in fills.
    async fn posts(
        &mut self,
        organisation_id: &str,
        posts: &[(&str, Role)],
        domain: &str,
    ) -> Result<(), StoreError> {
        for (title, role) in posts {
            if !self.post_has_sign_in(organisation_id, title) {
                self.person(organisation_id, *role, title, domain).await?;
            }
        }
        Ok(())
    }

    async fn staff(&mut self) -> Result<(), StoreError> {
        let icb = self.made.icb.clone();
        self.posts(&icb, &ICB_STAFF, "nhs.net").await?;
        for trust in self.made.trusts.clone() {
            self.posts(&trust, &TRUST_STAFF, "nhs.net").await?;
        }
        for (i, council) in self.made.councils.clone().into_iter().enumerate() {
            let domain = format!(
                "{}.gov.uk",
                slug(PLACES[i].council.0).trim_end_matches("council")
            );
            self.posts(&council, &COUNCIL_STAFF, &domain).await?;
        }
        for (pcn, _) in self.made.pcns.clone() {
            let posts = [
                ("Clinical Director", Role::PartnerLead),
                ("Social Prescribing Link Worker", Role::VcseWorker),
                ("Care Coordinator", Role::DirectCareClinician),
            ];
            self.posts(&pcn, &posts, "nhs.net").await?;
        }
        for (i, practice) in self.made.practices.clone().into_iter().enumerate() {
            self.posts(
                &practice,
                &[("Practice Manager", Role::PartnerLead)],
                "nhs.net",
            )
            .await?;
            if i % 3 == 1 {
                self.posts(
                    &practice,
                    &[("GP Partner", Role::DirectCareClinician)],
                    "nhs.net",
                )
                .await?;
            }
        }
        for (i, org) in self.made.vcse.clone().into_iter().enumerate() {
            let domain = format!("{}.org.uk", slug(VCSE[i].0));
            let head = if i % 2 == 0 {
                "Chief Executive"
            } else {
                "Manager"
            };
            self.posts(&org, &[(head, Role::PartnerLead)], &domain)
                .await?;
            if i % 5 == 0 {
                self.posts(&org, &[("Community Connector", Role::VcseWorker)], &domain)
                    .await?;
            }
        }
        for (i, org) in self.made.others.clone().into_iter().enumerate() {
            let domain = format!("{}.org.uk", slug(OTHERS[i].0));
            let head = if i == 0 { "Manager" } else { "Chief Executive" };
            self.posts(&org, &[(head, Role::PartnerLead)], &domain)
                .await?;
        }
        Ok(())
    }

    /// One sign-in per role, each a real member of a plausible organisation.
    async fn accounts(&mut self) -> Result<(), StoreError> {
        for account in &ACCOUNTS {
            let org = self.home(account.home);
            let id = self
                .named_person(
                    &org,
                    account.role,
                    account.given,
                    account.family,
                    account.email,
                    account.title,
                )
                .await?;
            accounts::create_account(
                self.store,
                &self.actor,
                &id,
                account.username,
                DEMO_PASSWORD,
            )
            .await?;
        }
        Ok(())
    }

    /// The first person in `organisation_id` with this job title.
    fn holder(&self, organisation_id: &str, title: &str) -> Option<String> {
        self.made
            .people
            .iter()
            .find(|(_, org, t)| org == organisation_id && t == title)
            .map(|(id, _, _)| id.clone())
    }

    /// The head of an organisation: its chief executive, manager or clinical director.
    fn head(&self, organisation_id: &str) -> Option<String> {
        ["Chief Executive", "Manager", "Clinical Director"]
            .iter()
            .find_map(|title| self.holder(organisation_id, title))
    }

    fn trust(&self, code: &str) -> &str {
        let index = TRUSTS
            .iter()
            .position(|t| t.1 == code)
            .expect("a trust in TRUSTS");
        &self.made.trusts[index]
    }

    fn vcse(&self, name: &str) -> &str {
        let index = VCSE
            .iter()
            .position(|v| v.0 == name)
            .expect("an organisation in VCSE");
        &self.made.vcse[index]
    }

    /// Makes a board; the first member chairs it, the second is vice chair, the rest are members.
    async fn board(
        &self,
        name: &str,
        kind: &str,
        host: &str,
        place: Option<usize>,
        about: &str,
        members: &[Option<String>],
    ) -> Result<(), StoreError> {
        let draft = BoardDraft {
            name: name.into(),
            kind: kind.into(),
            organisation_id: host.into(),
            place_id: place.map(|p| self.made.place_ids[p].clone()),
            description: Some(about.into()),
            terms_of_reference: Some(terms_of_reference(name, kind)),
        };
        let board = boards::create(self.store, &self.actor, &draft).await?;
        let mut seen = HashSet::new();
        for person in members.iter().flatten() {
            if !seen.insert(person.clone()) {
                continue;
            }
            let seat = match seen.len() {
                1 => "chair",
                2 => "vice_chair",
                _ => "member",
            };
            boards::set_member(
                self.store,
                &self.actor,
                &board,
                &BoardMemberDraft {
                    person_id: person.clone(),
                    board_role: seat.into(),
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn boards(&self) -> Result<(), StoreError> {
        let icb = self.made.icb.clone();
        let at_icb = |title: &str| self.holder(&icb, title);
        let council = |place: usize, title: &str| self.holder(&self.made.councils[place], title);
        let pcn_director = |n: usize| self.holder(&self.made.pcns[n].0, "Clinical Director");

        // The ICB board: chair, non-executives, executives and partner members (trusts, primary care, councils).
        let icb_board = [
            at_icb("Chair"),
            at_icb("Non-Executive Member (Audit and Risk)"),
            at_icb("Non-Executive Member (Quality)"),
            at_icb("Chief Executive"),
            at_icb("Chief Finance Officer"),
            at_icb("Chief Medical Officer"),
            at_icb("Chief Nursing Officer"),
            at_icb("Director of Strategy and Partnerships"),
            self.head(self.trust("RRV")),
            self.head(self.trust("RVM")),
            pcn_director(0),
            council(0, "Chief Executive"),
        ];
        self.board("NHS Riverside and Vale ICB Board", "icb_board", &icb, None, "The statutory board of the integrated care board: strategy, finance and assurance of NHS services.", &icb_board).await?;

        // The ICP: chaired by an elected member, with the NHS, the three councils, VCSE and Healthwatch.
        let elected = "Cabinet Member for Health and Wellbeing (elected member)";
        let mut icp = vec![
            council(0, elected),
            at_icb("Chair"),
            council(1, elected),
            council(2, elected),
            at_icb("Chief Executive"),
        ];
        for place in 0..PLACES.len() {
            icp.push(council(place, "Director of Public Health"));
            icp.push(council(place, "Director of Adult Social Services"));
        }
        icp.extend(self.made.vcse.iter().take(6).map(|v| self.head(v)));
        icp.push(self.head(&self.made.others[0]));
        self.board("Riverside and Vale Integrated Care Partnership", "icp", &icb, None, "The joint committee of the NHS and the three councils that sets the integrated care strategy.", &icp).await?;

        // Place boards, hosted by each council.
        for (i, spec) in PLACES.iter().enumerate() {
            let mut members = vec![
                council(i, elected),
                council(i, "Director of Public Health"),
                council(i, "Director of Adult Social Services"),
                at_icb("Director of Strategy and Partnerships"),
            ];
            members.extend(
                self.made
                    .pcns
                    .iter()
                    .filter(|(_, p)| *p == i)
                    .take(3)
                    .map(|(pcn, _)| self.head(pcn)),
            );
            members.extend(
                TRUSTS
                    .iter()
                    .zip(&self.made.trusts)
                    .filter(|(t, _)| t.3.contains(&i))
                    .map(|(_, id)| self.head(id)),
            );
            members.extend(
                VCSE.iter()
                    .zip(&self.made.vcse)
                    .filter(|(v, _)| v.1 == Some(i))
                    .take(2)
                    .map(|(_, id)| self.head(id)),
            );
            members.push(self.head(&self.made.others[0]));
            let about = format!(
                "Joins up health, care and community services for the people of {}.",
                spec.name
            );
            let name = format!("{} Place Partnership Board", spec.name);
            self.board(
                &name,
                "place_board",
                &self.made.councils[i],
                Some(i),
                &about,
                &members,
            )
            .await?;
        }

        // Programme boards: chaired by the senior responsible owner, the lead provider's chief executive as
        // vice chair, run by the programme manager.
        for (n, spec) in PROGRAMMES.iter().enumerate() {
            let lead_trust = self.head(self.trust(spec.trusts[0]));
            let mut members = vec![
                at_icb(spec.sro),
                lead_trust,
                at_icb(spec.manager),
                at_icb("Senior Analyst"),
            ];
            members.extend(spec.trusts.iter().map(|code| self.head(self.trust(code))));
            members.extend(spec.vcse.iter().map(|name| self.head(self.vcse(name))));
            members.extend((0..2).map(|k| pcn_director(n * 7 + k * 3)));
            self.board(
                spec.name,
                "programme_board",
                &icb,
                None,
                spec.about,
                &members,
            )
            .await?;
        }
        Ok(())
    }
}

/// Plausible terms of reference for a demo board: remit, quorum, delegated authority, cadence.
fn terms_of_reference(name: &str, kind: &str) -> String {
    let (remit, cadence) = match kind {
        "icb_board" => ("Sets the ICB's strategy, allocates its resources and holds the system to account for the joint forward plan. Receives risks escalated from programme and place boards.", "every two months, in public"),
        "icp" => ("Agrees the integrated care strategy with the councils, NHS bodies and VCSE partners, and watches whether partners' plans deliver it.", "quarterly, in public"),
        "place_board" => ("Plans and oversees integrated services for the place, within the budget delegated by the ICB and the council, and governs the place's programmes.", "monthly"),
        "programme_board" => ("Directs the programmes assigned to it: agrees plans, milestones and benefits, decides on escalated risks and issues, and reports to the ICB board.", "monthly"),
        _ => ("Advises the board on the matters delegated to it.", "as required"),
    };
    format!(
        "{name}\n\nRemit: {remit}\n\nMembership: as listed on this page; each partner organisation names a deputy.\n\nQuorum: the chair or vice chair and half the members, including at least one NHS and one local-authority member.\n\nDecisions: by consensus; where consensus cannot be reached, by the consent method recorded in Concord, with dissent minuted.\n\nMeets: {cadence}. Papers are issued five working days before; confidential items are marked and seen only by members."
    )
}
