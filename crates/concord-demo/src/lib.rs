//! The fictional *Riverside and Vale ICS*: about a million residents in three places, 20 primary care
//! networks and 95 practices, four trusts, three councils, 25 VCSE organisations, a Healthwatch and two
//! hospices, ~300 people in their roles, and the boards that govern the partnership.
//!
//! Everything is written through the store's public functions (so it is validated and audited like any
//! other write) from a fixed random seed, so every run makes the same system. Seeding is idempotent:
//! if the ICB already exists, nothing is added.

mod data;

use concord_domain::{BoardDraft, OrganisationDraft, PersonDraft, PlaceDraft, Role};
use concord_store::boards::{self, BoardMemberDraft};
use concord_store::{accounts, organisations, people, places, Actor, Store, StoreError};
use data::{
    FAMILY_NAMES, GIVEN_NAMES, OTHERS, PLACES, PRACTICE_NAMES, PRACTICE_SUFFIXES, TRUSTS, VCSE,
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
}

/// The people who get sign-ins: username, role, given, family, e-mail, job title, and which organisation.
struct Account {
    username: &'static str,
    role: Role,
    given: &'static str,
    family: &'static str,
    email: &'static str,
    title: &'static str,
}

const ACCOUNTS: [Account; 7] = [
    Account {
        username: "admin",
        role: Role::SystemAdministrator,
        given: "Amara",
        family: "Okafor",
        email: "amara.okafor@nhs.net",
        title: "Head of Digital Services",
    },
    Account {
        username: "lead",
        role: Role::PartnerLead,
        given: "Daniel",
        family: "Hughes",
        email: "daniel.hughes@nhs.net",
        title: "Chief Executive",
    },
    Account {
        username: "programme",
        role: Role::ProgrammeManager,
        given: "Priya",
        family: "Shah",
        email: "priya.shah@nhs.net",
        title: "Programme Manager, Musculoskeletal Transformation",
    },
    Account {
        username: "analyst",
        role: Role::Analyst,
        given: "Tom",
        family: "Gallagher",
        email: "tom.gallagher@riversidecity.gov.uk",
        title: "Public Health Intelligence Analyst",
    },
    Account {
        username: "clinician",
        role: Role::DirectCareClinician,
        given: "Nadia",
        family: "Rahman",
        email: "nadia.rahman@nhs.net",
        title: "GP Partner",
    },
    Account {
        username: "vcse",
        role: Role::VcseWorker,
        given: "Grace",
        family: "Mensah",
        email: "grace.mensah@ageukriverside.org.uk",
        title: "Social Prescribing Link Worker",
    },
    Account {
        username: "otherlead",
        role: Role::PartnerLead,
        given: "Helen",
        family: "Carter",
        email: "helen.carter@riversidecity.gov.uk",
        title: "Chief Executive",
    },
];

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
    /// (person id, organisation id, job title) for everyone added.
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
            emails: HashSet::new(),
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

    async fn build(mut self) -> Result<(), StoreError> {
        self.places().await?;
        self.organisations().await?;
        self.staff().await?;
        self.accounts().await?;
        self.boards().await?;
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
        for (name, code, kind, serves, about) in TRUSTS {
            let id = self
                .organisation(name, code, kind, Some(&icb), about, serves)
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
        let mut pcn_number = 0;
        let mut practice_names: Vec<String> = PRACTICE_NAMES
            .iter()
            .flat_map(|n| PRACTICE_SUFFIXES.iter().map(move |s| format!("{n} {s}")))
            .collect();
        practice_names.shuffle(&mut self.rng);
        let mut practice_count = 0;
        for (place_index, spec) in PLACES.iter().enumerate() {
            for n in 0..spec.pcns {
                pcn_number += 1;
                let hood = spec.neighbourhoods[n % spec.neighbourhoods.len()].0;
                let name = if n < spec.neighbourhoods.len() {
                    format!("{hood} PCN")
                } else {
                    format!("{hood} {} PCN", ["South", "West", "East", "Rural"][n % 4])
                };
                let pcn = self.organisation(&name, &format!("U{:05}", 60_000 + pcn_number), "pcn", Some(&icb), "A primary care network: practices working together with community, social care and voluntary partners.", &[place_index]).await?;
                self.made.pcns.push((pcn.clone(), place_index));
                let practices = if pcn_number <= 15 { 5 } else { 4 };
                for _ in 0..practices {
                    practice_count += 1;
                    let name = practice_names.pop().expect("enough practice names");
                    let code = format!("{}{:05}", spec.practice_letter, 81_000 + practice_count);
                    let id = self
                        .organisation(
                            &name,
                            &code,
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

    async fn staff(&mut self) -> Result<(), StoreError> {
        let icb = self.made.icb.clone();
        for (title, role) in [
            ("Chair", Role::PartnerLead),
            ("Chief Executive", Role::PartnerLead),
            ("Director of Strategy and Partnerships", Role::PartnerLead),
            ("Chief Finance Officer", Role::Analyst),
            ("Chief Medical Officer", Role::DirectCareClinician),
            ("Chief Nursing Officer", Role::DirectCareClinician),
            ("Director of Performance", Role::Analyst),
            ("Head of Population Health Intelligence", Role::Analyst),
            ("Senior Analyst", Role::Analyst),
            (
                "Programme Manager, Frailty and Ageing Well",
                Role::ProgrammeManager,
            ),
            (
                "Programme Manager, Urgent and Emergency Care",
                Role::ProgrammeManager,
            ),
            (
                "Programme Manager, Children and Young People",
                Role::ProgrammeManager,
            ),
            (
                "Programme Manager, Social Isolation",
                Role::ProgrammeManager,
            ),
            (
                "Head of Information Governance (Caldicott Guardian support)",
                Role::SystemAdministrator,
            ),
        ] {
            self.person(&icb, role, title, "nhs.net").await?;
        }
        for trust in self.made.trusts.clone() {
            for (title, role) in [
                ("Chief Executive", Role::PartnerLead),
                ("Medical Director", Role::DirectCareClinician),
                ("Chief Operating Officer", Role::PartnerLead),
                ("Head of Business Intelligence", Role::Analyst),
                ("Transformation Programme Manager", Role::ProgrammeManager),
            ] {
                self.person(&trust, role, title, "nhs.net").await?;
            }
        }
        for (i, council) in self.made.councils.clone().into_iter().enumerate() {
            let domain = format!(
                "{}.gov.uk",
                slug(PLACES[i].council.0).trim_end_matches("council")
            );
            for (title, role) in [
                ("Chief Executive", Role::PartnerLead),
                ("Director of Public Health", Role::PartnerLead),
                ("Director of Adult Social Services", Role::PartnerLead),
                (
                    "Cabinet Member for Health and Wellbeing (elected member)",
                    Role::PartnerLead,
                ),
                ("Public Health Analyst", Role::Analyst),
            ] {
                if i == 0 && title == "Chief Executive" {
                    continue; // Riverside's chief executive has a sign-in: added in accounts().
                }
                self.person(&council, role, title, &domain).await?;
            }
        }
        for (pcn, _) in self.made.pcns.clone() {
            self.person(&pcn, Role::PartnerLead, "Clinical Director", "nhs.net")
                .await?;
            self.person(
                &pcn,
                Role::VcseWorker,
                "Social Prescribing Link Worker",
                "nhs.net",
            )
            .await?;
            self.person(
                &pcn,
                Role::DirectCareClinician,
                "Care Coordinator",
                "nhs.net",
            )
            .await?;
        }
        for (i, practice) in self.made.practices.clone().into_iter().enumerate() {
            self.person(&practice, Role::PartnerLead, "Practice Manager", "nhs.net")
                .await?;
            if i % 3 == 1 {
                self.person(
                    &practice,
                    Role::DirectCareClinician,
                    "GP Partner",
                    "nhs.net",
                )
                .await?;
            }
        }
        for (i, org) in self.made.vcse.clone().into_iter().enumerate() {
            let domain = format!("{}.org.uk", slug(VCSE[i].0));
            self.person(
                &org,
                Role::PartnerLead,
                if i % 2 == 0 {
                    "Chief Executive"
                } else {
                    "Manager"
                },
                &domain,
            )
            .await?;
            if i % 5 == 0 {
                self.person(&org, Role::VcseWorker, "Community Connector", &domain)
                    .await?;
            }
        }
        for (i, org) in self.made.others.clone().into_iter().enumerate() {
            let domain = format!("{}.org.uk", slug(OTHERS[i].0));
            self.person(
                &org,
                Role::PartnerLead,
                if i == 0 { "Manager" } else { "Chief Executive" },
                &domain,
            )
            .await?;
        }
        Ok(())
    }

    /// One sign-in per role, each a real member of a plausible organisation.
    async fn accounts(&mut self) -> Result<(), StoreError> {
        let acute = self.made.trusts[0].clone();
        let city = self.made.councils[0].clone();
        let practice = self.made.practices[0].clone();
        let age_uk = self.made.vcse[0].clone();
        let icb = self.made.icb.clone();
        for account in &ACCOUNTS {
            let org = match account.username {
                "admin" | "programme" => &icb,
                "lead" => &acute,
                "analyst" | "otherlead" => &city,
                "clinician" => &practice,
                _ => &age_uk,
            };
            let id = self
                .named_person(
                    org,
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

    fn people_in(&self, organisation_id: &str) -> Vec<String> {
        self.made
            .people
            .iter()
            .filter(|(_, org, _)| org == organisation_id)
            .map(|(id, _, _)| id.clone())
            .collect()
    }

    async fn board(
        &self,
        name: &str,
        kind: &str,
        host: &str,
        place: Option<usize>,
        about: &str,
        members: &[String],
    ) -> Result<(), StoreError> {
        let draft = BoardDraft {
            name: name.into(),
            kind: kind.into(),
            organisation_id: host.into(),
            place_id: place.map(|p| self.made.place_ids[p].clone()),
            description: Some(about.into()),
        };
        let board = boards::create(self.store, &self.actor, &draft).await?;
        let mut seen = HashSet::new();
        for (i, person) in members.iter().enumerate() {
            if !seen.insert(person.clone()) {
                continue;
            }
            let seat = match i {
                0 => "chair",
                1 => "vice_chair",
                _ if i % 7 == 6 => "attendee",
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

    async fn boards(&mut self) -> Result<(), StoreError> {
        let icb = self.made.icb.clone();
        let icb_people = self.people_in(&icb);
        let first = |org: &String, n: usize| -> Vec<String> {
            self.people_in(org).into_iter().take(n).collect()
        };
        let trust_chiefs: Vec<String> = self.made.trusts.iter().flat_map(|t| first(t, 1)).collect();
        let council_people: Vec<Vec<String>> = self
            .made
            .councils
            .iter()
            .map(|c| self.people_in(c))
            .collect();
        let vcse_chiefs: Vec<String> = self
            .made
            .vcse
            .iter()
            .take(6)
            .flat_map(|v| first(v, 1))
            .collect();
        let healthwatch = first(&self.made.others[0], 1);

        let mut icb_board: Vec<String> = icb_people.iter().take(8).cloned().collect();
        icb_board.extend(trust_chiefs.iter().cloned());
        icb_board.extend(council_people.iter().filter_map(|c| c.first().cloned()));
        self.board("NHS Riverside and Vale ICB Board", "icb_board", &icb, None, "The statutory board of the integrated care board: strategy, finance and assurance of NHS services.", &icb_board).await?;

        let mut icp: Vec<String> = council_people
            .iter()
            .filter_map(|c| c.get(2).cloned())
            .collect();
        icp.extend(icb_people.iter().take(2).cloned());
        icp.extend(council_people.iter().filter_map(|c| c.first().cloned()));
        icp.extend(vcse_chiefs.iter().cloned());
        icp.extend(healthwatch.iter().cloned());
        self.board("Riverside and Vale Integrated Care Partnership", "icp", &icb, None, "The joint committee of the NHS and the three councils that sets the integrated care strategy.", &icp).await?;

        for (i, spec) in PLACES.iter().enumerate() {
            let council = &self.made.councils[i];
            let mut members: Vec<String> = self.people_in(council).into_iter().take(3).collect();
            let pcn_leads: Vec<String> = self
                .made
                .pcns
                .iter()
                .filter(|(_, p)| *p == i)
                .take(3)
                .flat_map(|(pcn, _)| first(pcn, 1))
                .collect();
            members.extend(pcn_leads);
            members.extend(trust_chiefs.iter().skip(i % 2).take(2).cloned());
            members.extend(
                self.made
                    .vcse
                    .iter()
                    .enumerate()
                    .filter(|(v, _)| VCSE[*v].1 == Some(i))
                    .take(2)
                    .flat_map(|(_, org)| first(org, 1)),
            );
            let host = council.clone();
            self.board(
                &format!("{} Place Partnership Board", spec.name),
                "place_board",
                &host,
                Some(i),
                &format!(
                    "Joins up health, care and community services for the people of {}.",
                    spec.name
                ),
                &members,
            )
            .await?;
        }
        let programmes = [
            ("Musculoskeletal Transformation Programme Board", "First-contact physiotherapy in the community, relieving GP and specialist demand."),
            ("Frailty and Ageing Well Programme Board", "Frailty virtual wards, falls prevention and proactive care for older people."),
            ("Social Isolation and Community Connection Board", "Voluntary-sector link workers in practices for people at risk of social isolation."),
        ];
        for (n, (name, about)) in programmes.iter().enumerate() {
            let mut members: Vec<String> = icb_people.iter().skip(9 + n).take(1).cloned().collect();
            members.extend(icb_people.iter().skip(2).take(2).cloned());
            members.extend(trust_chiefs.iter().skip(n).take(2).cloned());
            members.extend(
                self.made
                    .vcse
                    .iter()
                    .skip(n * 3)
                    .take(2)
                    .flat_map(|v| first(v, 1)),
            );
            members.extend(
                self.made
                    .pcns
                    .iter()
                    .skip(n * 4)
                    .take(2)
                    .flat_map(|(p, _)| first(p, 1)),
            );
            self.board(name, "programme_board", &icb, None, about, &members)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_domain::OrgType;
    use concord_store::organisations::OrganisationSearch;
    use concord_store::PageRequest;

    #[tokio::test]
    async fn seeds_a_realistic_system_once() {
        let store = concord_store::testing::fresh_store().await.unwrap();
        let summary = seed(&store).await.unwrap();
        assert!(!summary.already_present);
        let count = |t: OrgType| {
            let store = store.clone();
            async move {
                organisations::list(
                    &store,
                    &OrganisationSearch {
                        org_type: Some(t.as_str().into()),
                        ..Default::default()
                    },
                    PageRequest::new(Some(1), Some(200)),
                )
                .await
                .unwrap()
            }
        };
        assert_eq!(count(OrgType::Pcn).await.total, 20);
        let practices = count(OrgType::GpPractice).await;
        assert!((90..=100).contains(&practices.total), "{}", practices.total);
        assert!(
            practices.items.iter().all(|p| p.parent_id.is_some()),
            "every practice sits in a PCN (the store enforces the PCN type)"
        );
        assert_eq!(count(OrgType::Council).await.total, 3);
        assert_eq!(count(OrgType::Vcse).await.total, 25);
        let trusts = count(OrgType::AcuteTrust).await.total
            + count(OrgType::CommunityTrust).await.total
            + count(OrgType::MentalHealthTrust).await.total;
        assert_eq!(trusts, 4);
        assert!((250..=350).contains(&summary.people), "{}", summary.people);
        let residents: i64 = places::list(&store)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.parent_id.is_none())
            .filter_map(|p| p.population)
            .sum();
        assert!((900_000..=1_100_000).contains(&residents), "{residents}");
        assert_eq!(summary.logins.len(), 7);
        let roles: HashSet<Role> = summary.logins.iter().map(|l| l.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "one sign-in per role");
        let lead = summary
            .logins
            .iter()
            .find(|l| l.username == "lead")
            .unwrap();
        let other = summary
            .logins
            .iter()
            .find(|l| l.username == "otherlead")
            .unwrap();
        assert_ne!(lead.organisation_id, other.organisation_id);

        let again = seed(&store).await.unwrap();
        assert!(again.already_present);
        assert_eq!(
            (again.organisations, again.people, again.boards),
            (summary.organisations, summary.people, summary.boards)
        );
        assert_eq!(again.logins.len(), 7);
        assert!(concord_store::audit::verify(&store)
            .await
            .unwrap()
            .is_intact());
    }
}
