//! Writing the synthetic population: FHIR NDJSON per source, registered lists per practice, and the
//! postcode and LSOA tables.

use crate::person::{next_nhs_number, Drawer, Geography, HospitalVisit, Person};
use crate::tables::CONDITIONS;
use crate::{SynthOptions, SynthSystem};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why the population could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct SynthError {
    /// The file.
    pub path: PathBuf,
    /// The error.
    pub source: io::Error,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSummary {
    /// People drawn.
    pub people: usize,
    /// FHIR resources written, over all files.
    pub resources: u64,
    /// Each source's directory (relative to the output) and its ODS code.
    pub sources: Vec<(String, String)>,
}

const STREETS: [&str; 16] = [
    "High Street",
    "Church Lane",
    "Station Road",
    "Mill Lane",
    "Park Avenue",
    "Victoria Road",
    "Queen Street",
    "Chapel Row",
    "The Green",
    "Harbour Way",
    "Orchard Close",
    "School Lane",
    "Bridge Street",
    "Market Place",
    "North Road",
    "Quay Street",
];

/// One NDJSON file being written, counting its lines.
struct Ndjson {
    path: PathBuf,
    out: BufWriter<File>,
    lines: u64,
}

impl Ndjson {
    fn create(path: PathBuf) -> Result<Ndjson, SynthError> {
        let file = File::create(&path).map_err(|source| SynthError {
            path: path.clone(),
            source,
        })?;
        Ok(Ndjson {
            path,
            out: BufWriter::with_capacity(1 << 20, file),
            lines: 0,
        })
    }

    fn line(&mut self, text: std::fmt::Arguments<'_>) -> Result<(), SynthError> {
        self.lines += 1;
        self.out
            .write_fmt(text)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|source| SynthError {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(mut self) -> Result<u64, SynthError> {
        self.out.flush().map_err(|source| SynthError {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.lines)
    }
}

/// A directory of synthetic (but realistic, identifiable-looking) records: owner-only, as real
/// extracts would be.
/// England's population by the NHS ethnic categories, from the 2021 census's shares (per
/// 10,000; Gypsy, Irish Traveller and Roma under "any other White background", Arab under "any
/// other ethnic group"); GP records leave about 8% not stated (`Z`).
const ETHNIC_SHARES: [(&str, u32); 17] = [
    ("A", 6_765),
    ("B", 83),
    ("C", 607),
    ("D", 83),
    ("E", 37),
    ("F", 74),
    ("G", 55),
    ("H", 304),
    ("J", 248),
    ("K", 101),
    ("L", 147),
    ("M", 101),
    ("N", 230),
    ("P", 46),
    ("R", 64),
    ("S", 255),
    ("Z", 800),
];

/// A person's ethnic category on their practice's list, drawn from [`ETHNIC_SHARES`] by a hash
/// of their number in the population (so the rest of the population draws as before).
fn ethnic_category(index: usize) -> &'static str {
    // SplitMix64's finaliser: a well-mixed 64-bit value from the index.
    let mut z = (index as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let total: u32 = ETHNIC_SHARES.iter().map(|(_, n)| n).sum();
    let mut draw = (z % u64::from(total)) as u32;
    for (code, share) in ETHNIC_SHARES {
        if draw < share {
            return code;
        }
        draw -= share;
    }
    "Z"
}

fn dir(path: PathBuf) -> Result<PathBuf, SynthError> {
    concord_population::store::owner_only_dir(&path).map_err(|source| SynthError {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The GP source's files.
struct GpFiles {
    patients: Ndjson,
    conditions: Ndjson,
    observations: Ndjson,
    medicines: Ndjson,
    encounters: Ndjson,
}

const SNOMED: &str = "http://snomed.info/sct";
const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

fn patient_json(p: &Person, id: &str, practice: Option<&str>, place: &str) -> String {
    let sex = if p.female { "female" } else { "male" };
    let deceased = p
        .deceased
        .map(|d| format!(r#","deceasedDateTime":"{d}""#))
        .unwrap_or_default();
    let practice = practice
        .map(|code| {
            format!(
                r#","generalPractitioner":[{{"identifier":{{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"{code}"}}}}]"#
            )
        })
        .unwrap_or_default();
    format!(
        r#"{{"resourceType":"Patient","id":"{id}","identifier":[{{"system":"{NHS}","value":"{}"}}],"name":[{{"use":"official","family":"{}","given":["{}"]}}],"gender":"{sex}","birthDate":"{}"{deceased},"address":[{{"use":"home","line":["{} {}"],"city":"{place}","postalCode":"{}"}}]{practice}}}"#,
        p.nhs_number,
        p.family,
        p.given,
        p.birth_date,
        1 + p.index % 97,
        STREETS[p.index % STREETS.len()],
        p.postcode
    )
}

/// Writes a population of `options.people` for `system` into `out`.
pub fn generate(
    system: &SynthSystem,
    options: &SynthOptions,
    out: &Path,
) -> Result<SynthSummary, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let geography = Geography::draw(system, options.people, &mut rng);
    let drawer = Drawer::new(system, options, &geography);
    let gp_dir = dir(out.join("gp"))?;
    let mut gp = GpFiles {
        patients: Ndjson::create(gp_dir.join("Patient.ndjson"))?,
        conditions: Ndjson::create(gp_dir.join("Condition.ndjson"))?,
        observations: Ndjson::create(gp_dir.join("Observation.ndjson"))?,
        medicines: Ndjson::create(gp_dir.join("MedicationRequest.ndjson"))?,
        encounters: Ndjson::create(gp_dir.join("Encounter.ndjson"))?,
    };
    let mut trusts: BTreeMap<String, (Ndjson, Ndjson)> = BTreeMap::new();
    for place in &system.places {
        if !trusts.contains_key(&place.trust) {
            let d = dir(out.join(&place.trust))?;
            trusts.insert(
                place.trust.clone(),
                (
                    Ndjson::create(d.join("Patient.ndjson"))?,
                    Ndjson::create(d.join("Encounter.ndjson"))?,
                ),
            );
        }
    }
    let lists_dir = dir(out.join("registered-lists"))?;
    let mut lists: BTreeMap<String, Ndjson> = BTreeMap::new();
    for place in &system.places {
        for practice in &place.practices {
            let mut list = Ndjson::create(lists_dir.join(format!("{practice}.csv")))?;
            list.line(format_args!(
                "nhs_number,given_name,family_name,birth_date,sex,postcode,ethnic_category"
            ))?;
            lists.insert(practice.clone(), list);
        }
    }
    let (mut condition_n, mut observation_n, mut medicine_n, mut encounter_n) =
        (0u64, 0u64, 0u64, 0u64);
    let mut nhs = None;
    for index in 0..options.people {
        let number = next_nhs_number(nhs);
        nhs = Some(number);
        let p = drawer.draw(index, number, &mut rng);
        let place_index = geography.lsoas[p.lsoa].place;
        let place = &system.places[place_index];
        let id = format!("gp-{index}");
        gp.patients.line(format_args!(
            "{}",
            patient_json(&p, &id, Some(&p.practice), &place.name)
        ))?;
        for (condition, onset) in &p.conditions {
            condition_n += 1;
            let c = &CONDITIONS[*condition];
            gp.conditions.line(format_args!(
                r#"{{"resourceType":"Condition","id":"gp-c{condition_n}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"code":{{"coding":[{{"system":"{SNOMED}","code":"{}","display":"{}"}}]}},"subject":{{"reference":"Patient/{id}"}},"onsetDateTime":"{onset}"}}"#,
                c.code, c.term
            ))?;
        }
        for (code, recorded) in &p.findings {
            condition_n += 1;
            gp.conditions.line(format_args!(
                r#"{{"resourceType":"Condition","id":"gp-c{condition_n}","code":{{"coding":[{{"system":"{SNOMED}","code":"{code}"}}]}},"subject":{{"reference":"Patient/{id}"}},"recordedDate":"{recorded}"}}"#
            ))?;
        }
        for ((system, code), value, unit, date) in &p.observations {
            observation_n += 1;
            gp.observations.line(format_args!(
                r#"{{"resourceType":"Observation","id":"gp-o{observation_n}","status":"final","code":{{"coding":[{{"system":"{system}","code":"{code}"}}]}},"subject":{{"reference":"Patient/{id}"}},"effectiveDateTime":"{date}","valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}}}"#
            ))?;
        }
        for (code, date) in &p.medicines {
            medicine_n += 1;
            gp.medicines.line(format_args!(
                r#"{{"resourceType":"MedicationRequest","id":"gp-m{medicine_n}","status":"active","intent":"order","medicationCodeableConcept":{{"coding":[{{"system":"https://dmd.nhs.uk","code":"{code}"}}]}},"subject":{{"reference":"Patient/{id}"}},"authoredOn":"{date}"}}"#
            ))?;
        }
        for (code, date) in &p.consultations {
            encounter_n += 1;
            gp.encounters.line(format_args!(
                r#"{{"resourceType":"Encounter","id":"gp-e{encounter_n}","status":"finished","class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}},"type":[{{"coding":[{{"system":"{SNOMED}","code":"{code}"}}]}}],"subject":{{"reference":"Patient/{id}"}},"period":{{"start":"{date}"}}}}"#
            ))?;
        }
        if !p.visits.is_empty() {
            let (patients, encounters) = trusts.get_mut(&place.trust).expect("opened above");
            let trust_id = format!("{}-{index}", place.trust.to_ascii_lowercase());
            patients.line(format_args!(
                "{}",
                patient_json(&p, &trust_id, None, &place.name)
            ))?;
            for (visit, date) in &p.visits {
                encounter_n += 1;
                let (class, code, days) = match visit {
                    HospitalVisit::Emergency => ("EMER", "4525004", 0),
                    HospitalVisit::EmergencyAdmission => {
                        ("IMP", "183452005", 1 + p.index as u64 % 9)
                    }
                };
                let end = *date + chrono::Days::new(days);
                encounters.line(format_args!(
                    r#"{{"resourceType":"Encounter","id":"{trust_id}-e{encounter_n}","status":"finished","class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"{class}"}},"type":[{{"coding":[{{"system":"{SNOMED}","code":"{code}"}}]}}],"subject":{{"reference":"Patient/{trust_id}"}},"period":{{"start":"{date}","end":"{end}"}}}}"#
                ))?;
            }
        }
        if p.deceased.is_none() {
            if let Some(list) = lists.get_mut(&p.practice) {
                list.line(format_args!(
                    "{},{},{},{},{},{},{}",
                    p.nhs_number,
                    p.given,
                    p.family,
                    p.birth_date,
                    if p.female { "female" } else { "male" },
                    p.postcode,
                    ethnic_category(index)
                ))?;
            }
        }
    }
    let mut resources = 0;
    for file in [
        gp.patients,
        gp.conditions,
        gp.observations,
        gp.medicines,
        gp.encounters,
    ] {
        resources += file.finish()?;
    }
    let mut sources = vec![("gp".to_string(), system.gp_source.clone())];
    for (code, (patients, encounters)) in trusts {
        resources += patients.finish()? + encounters.finish()?;
        sources.push((code.clone(), code));
    }
    for (_, list) in lists {
        list.finish()?;
    }
    let reference = dir(out.join("reference"))?;
    let mut postcodes = Ndjson::create(reference.join("postcodes.csv"))?;
    let mut lsoas = Ndjson::create(reference.join("lsoas.csv"))?;
    postcodes.line(format_args!("postcode,lsoa"))?;
    lsoas.line(format_args!("lsoa,place,imd_decile"))?;
    for lsoa in &geography.lsoas {
        for postcode in &lsoa.postcodes {
            postcodes.line(format_args!("{postcode},{}", lsoa.code))?;
        }
        lsoas.line(format_args!(
            "{},{},{}",
            lsoa.code, system.places[lsoa.place].name, lsoa.decile
        ))?;
    }
    postcodes.finish()?;
    lsoas.finish()?;
    Ok(SynthSummary {
        people: options.people,
        resources,
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethnic_categories_are_drawn_in_the_censuss_shares() {
        let n = 200_000;
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for index in 0..n {
            *counts.entry(ethnic_category(index)).or_default() += 1;
        }
        for (code, share) in ETHNIC_SHARES {
            let expected = f64::from(share) / 10_000.0;
            let seen = f64::from(counts.get(code).copied().unwrap_or(0)) / n as f64;
            // Four binomial standard errors.
            let allowed = 4.0 * (expected * (1.0 - expected) / n as f64).sqrt();
            assert!(
                (seen - expected).abs() < allowed,
                "{code}: {seen:.4} against {expected:.4}"
            );
            assert!(concord_code_is_known(code), "{code}");
        }
    }

    /// Every drawn code is one a registered list accepts.
    fn concord_code_is_known(code: &str) -> bool {
        code.len() == 1 && "ABCDEFGHJKLMNPRSZ".contains(code)
    }
}
