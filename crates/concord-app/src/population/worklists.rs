//! Identifiable worklists, for direct care only: the people in a cohort registered at a GP
//! practice, re-identified through the registered list the practice supplied. Every view is
//! written to the audit log **before** anything is read for it ([`own_practices_list`]); a
//! break-glass view is recorded, with its reason, by the caller before it asks for the list.
//!
//! Membership uses the same measures as the cohort's published counts: on the definition's own
//! index date, else the data's as-of date ([`super::cohorts::index_date`]).

use super::cohorts::with_measures;
use super::{unavailable, Population, PopulationError, Snapshot};
use concord_domain::{OrgType, Principal, Role};
use concord_population::cohort::eval::Evaluator;
use concord_population::efi::Frailty;
use concord_population::nhs_number::NhsNumber;
use concord_store::population::{self, RegisteredPatient, SavedCohort};
use concord_store::worklist_marks::{self, Mark};
use concord_store::{organisations, Actor, AuditEntry, Store};
use std::sync::Arc;

/// One person on a worklist.
pub struct WorklistRow {
    /// Their registered details.
    pub patient: RegisteredPatient,
    /// NHS number, spaced 3 3 4.
    pub nhs_number: String,
    /// Age on the index date.
    pub age: String,
    /// eFI category and score.
    pub frailty: String,
    /// Segment.
    pub segment: String,
    /// The cohort's own variables.
    pub variables: Vec<(String, String)>,
    /// eFI category (`fit`, `mild`, `moderate`, `severe`), for filtering.
    pub frailty_category: &'static str,
    /// eFI deficits counted, the first key of the list's order.
    pub deficits: usize,
    /// Why the person is on the list, in words: the cohort's variables that hold for them.
    pub reasons: Vec<String>,
    /// The practice's newest mark on them, if any.
    pub mark: Option<Mark>,
    /// Their neighbourhood's deprivation decile (1 most deprived), when the reference knows it:
    /// carried with a referral for the figures on equity, never shown on the list.
    pub imd_decile: Option<u8>,
}

impl WorklistRow {
    /// The NHS number's ten digits, as marks and exports key it.
    pub fn nhs_digits(&self) -> String {
        self.nhs_number
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    }
}

/// The order a practice works down a list, most in need first: more eFI deficits (so severe frailty
/// before moderate before mild before fit), then more reasons to be on the list, then older, then
/// by name.
pub const ORDER_RULE: &str = "Most in need first: by frailty (more eFI deficits first), then by \
the number of reasons a person is on the list, then oldest first, then by name.";

/// The reasons a person is on a list, in words, from the cohort's variables: a true condition
/// (`yes`) by its name ("Lives alone"), a value with its name ("Loneliness score (UCLA 3-item): 7").
pub fn reasons_from(variables: &[(String, String)]) -> Vec<String> {
    variables
        .iter()
        .filter_map(|(name, value)| {
            let value = value.trim();
            match value {
                "yes" => Some(concord_domain::format::heading(name)),
                "" | "no" | "0" | "(not known)" => None,
                other => Some(format!(
                    "{}: {other}",
                    concord_domain::format::heading(name)
                )),
            }
        })
        .collect()
}

fn by_need(a: &WorklistRow, b: &WorklistRow) -> std::cmp::Ordering {
    let age = |r: &WorklistRow| r.age.parse::<u32>().unwrap_or(0);
    b.deficits
        .cmp(&a.deficits)
        .then(b.reasons.len().cmp(&a.reasons.len()))
        .then(age(b).cmp(&age(a)))
        .then(a.patient.family_name.cmp(&b.patient.family_name))
        .then(a.patient.given_name.cmp(&b.patient.given_name))
        .then(a.nhs_number.cmp(&b.nhs_number))
}

/// The deprivation decile (1 most deprived) of the neighbourhood of the person with
/// `nhs_number`, when the population picture holds them registered at the practice with ODS code
/// `practice_code` and the LSOA reference knows their neighbourhood. A referral carries it for
/// the figures on equity; it is never shown. Nothing is known when there is no picture or key.
pub async fn deprivation_decile(
    population: &Population,
    practice_code: &str,
    nhs_number: &str,
) -> Result<Option<u8>, PopulationError> {
    let Ok(number) = NhsNumber::parse(nhs_number) else {
        return Ok(None);
    };
    let Some(snapshot) = population.snapshot().await? else {
        return Ok(None);
    };
    let pseudonym = population.key()?.pseudonym(&number);
    let reference = population.lsoa_reference()?;
    let picture = &snapshot.picture;
    let none = concord_population::picture::NONE;
    Ok(snapshot.person(&pseudonym).and_then(|person| {
        let at_practice = picture.practice[person] != none
            && picture.practices.value(picture.practice[person]) == practice_code;
        at_practice
            .then(|| decile_of(picture, &reference, person))
            .flatten()
    }))
}

/// The deprivation decile of `person`'s neighbourhood, when the reference knows it.
fn decile_of(
    picture: &concord_population::picture::Picture,
    reference: &concord_population::cohort::measures::Reference,
    person: usize,
) -> Option<u8> {
    let lsoa = picture.lsoa[person];
    (lsoa != concord_population::picture::NONE)
        .then(|| reference.lsoas.get(picture.lsoas.value(lsoa)))
        .flatten()
        .map(|l| l.imd_decile)
}

/// One practice's part of a worklist.
pub struct PracticeList {
    /// The practice's organisation id.
    pub practice_id: String,
    /// The practice's name.
    pub name: String,
    /// When its registered list was loaded, if it has been.
    pub list_loaded: Option<String>,
    /// Its people in the cohort.
    pub rows: Vec<WorklistRow>,
}

/// A worklist: each practice's people in the cohort, and when the data were last committed.
pub struct Worklist {
    /// The data's as-of time; none before any data have been ingested (and then no lists).
    pub data_as_of: Option<String>,
    /// Each practice's list.
    pub practices: Vec<PracticeList>,
}

/// A GP practice as a worklist names it: its organisation id and its ODS code.
pub type Practice = (String, String);

/// The practices whose worklist this person may see: GP practices where they are a direct-care
/// clinician.
pub async fn own_practices(
    store: &Store,
    principal: &Principal,
) -> Result<Vec<Practice>, PopulationError> {
    let mut out = Vec::new();
    for grant in &principal.grants {
        if grant.role != Role::DirectCareClinician {
            continue;
        }
        let organisation = organisations::get(store, &grant.organisation_id).await?;
        if organisation.org_type == OrgType::GpPractice {
            out.push((organisation.id, organisation.code));
        }
    }
    Ok(out)
}

/// Why an identifiable worklist is read, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Shown on a page.
    View,
    /// Exported as a file for the practice's clinical system.
    Export,
}

/// The worklist of the person's own practices: the view (or export) is audited first, and if that
/// write fails nothing is read ([`PopulationError::NotRecorded`]).
pub async fn own_practices_list(
    population: &Population,
    store: &Store,
    actor: &Actor,
    principal: &Principal,
    cohort: &SavedCohort,
    purpose: Use,
) -> Result<Worklist, PopulationError> {
    let practices = own_practices(store, principal).await?;
    let codes: Vec<&str> = practices.iter().map(|(_, c)| c.as_str()).collect();
    let (action, what) = match purpose {
        Use::View => ("worklist.view", "identifiable worklist"),
        Use::Export => ("worklist.export", "identifiable worklist exported"),
    };
    let entry = AuditEntry::success(
        actor,
        action,
        "cohort",
        Some(&cohort.id),
        format!("{what} for practice {}", codes.join(", ")),
    );
    store
        .audit_only(entry)
        .await
        .map_err(PopulationError::NotRecorded)?;
    list(population, store, cohort, &practices).await
}

/// The worklist of `practices` (whose view the caller has already recorded).
pub async fn list(
    population: &Population,
    store: &Store,
    cohort: &SavedCohort,
    practices: &[Practice],
) -> Result<Worklist, PopulationError> {
    let Some(snapshot) = population.snapshot().await? else {
        return Ok(Worklist {
            data_as_of: None,
            practices: Vec::new(),
        });
    };
    let data_as_of = Some(snapshot.picture.as_of().unwrap_or_default().to_string());
    let practices = lists(population, store, snapshot, cohort, practices).await?;
    Ok(Worklist {
        data_as_of,
        practices,
    })
}

/// Builds each practice's list: its registered patients who are in the picture, registered there,
/// and in the cohort.
async fn lists(
    population: &Population,
    store: &Store,
    snapshot: Arc<Snapshot>,
    saved: &SavedCohort,
    practices: &[Practice],
) -> Result<Vec<PracticeList>, PopulationError> {
    let cohort = population::check_definition(&saved.definition)?;
    let key = population.key()?;
    let reference = Arc::new(population.reference(store).await?);
    let efi = population.efi();
    let mut out = Vec::new();
    for (practice_id, code) in practices {
        let organisation = organisations::get(store, practice_id).await?;
        let status = population::registered_list_status(store, practice_id).await?;
        let registered = population::registered_list(store, practice_id).await?;
        let snapshot = snapshot.clone();
        let reference = reference.clone();
        let cohort = cohort.clone();
        let key = key.clone();
        let code = code.clone();
        let efi = efi.clone();
        let rows = tokio::task::spawn_blocking(move || {
            let picture = &snapshot.picture;
            let mut people = Vec::new();
            let mut patients = Vec::new();
            for patient in registered {
                let Ok(number) = NhsNumber::parse(&patient.nhs_number) else {
                    continue;
                };
                let Some(person) = snapshot.person(&key.pseudonym(&number)) else {
                    continue;
                };
                let at_practice = picture.practice[person] != concord_population::picture::NONE
                    && picture.practices.value(picture.practice[person]) == code;
                if at_practice {
                    people.push(person);
                    patients.push((person, patient, number));
                }
            }
            with_measures(&snapshot, &efi, &cohort, |measures| {
                let members =
                    Evaluator::new(picture, &reference, measures).members(&cohort, &people);
                let mut rows = Vec::new();
                for (person, variables) in members {
                    let (_, patient, number) = patients
                        .iter()
                        .find(|(p, _, _)| *p == person)
                        .expect("a member was one of the people");
                    let deficits = usize::from(measures.deficits[person]);
                    let imd_decile = decile_of(picture, &reference, person);
                    let reasons = reasons_from(&variables);
                    rows.push(WorklistRow {
                        frailty_category: Frailty::of_count(deficits).name(),
                        deficits,
                        reasons,
                        mark: None,
                        imd_decile,
                        nhs_number: number.to_string(),
                        patient: patient.clone(),
                        age: measures.age[person].map_or("not known".into(), |a| a.to_string()),
                        frailty: format!(
                            "{} ({:.2})",
                            Frailty::of_count(deficits).name(),
                            concord_population::efi::score(deficits)
                        ),
                        segment: measures.segment[person].name().to_string(),
                        variables,
                    });
                }
                rows
            })
        })
        .await
        .map_err(|e| unavailable(e.to_string()))?;
        let mut rows = rows;
        let marks = worklist_marks::latest(store, &saved.id, practice_id).await?;
        for row in &mut rows {
            row.mark = marks.get(&row.nhs_digits()).cloned();
        }
        rows.sort_by(by_need);
        out.push(PracticeList {
            practice_id: practice_id.clone(),
            name: organisation.name,
            list_loaded: status.map(|(n, at)| {
                format!(
                    "{}, loaded {}",
                    concord_domain::format::plural(n, "patient", "patients"),
                    concord_domain::format::stored(&at)
                )
            }),
            rows,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_name_what_holds_and_skip_what_does_not() {
        let variables = vec![
            ("alone".to_string(), "yes".to_string()),
            ("lonely".to_string(), "no".to_string()),
            ("ucla".to_string(), "7".to_string()),
            ("isolated".to_string(), "(not known)".to_string()),
        ];
        assert_eq!(
            reasons_from(&variables),
            vec![
                "Lives alone".to_string(),
                "Loneliness score (UCLA 3-item): 7".to_string()
            ]
        );
    }
}
