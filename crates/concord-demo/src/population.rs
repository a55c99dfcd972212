//! The demo system's synthetic population: its places, practices and hospitals as the generator
//! needs them.

use crate::data::{practice_codes, FAMILY_NAMES, GIVEN_NAMES, PLACES};
use crate::ICB_CODE;
use concord_synth::{SynthPlace, SynthSystem};

/// Each place's fictional postcode area, acute trust, and share of its LSOAs in each national IMD
/// decile (1 = most deprived): the city is the most deprived, the Vale the least, the coast between
/// with pockets of deprivation.
const PLACE_PROFILES: [(&str, &str, [f64; 10]); 3] = [
    (
        "RV",
        "RRV",
        [0.18, 0.16, 0.13, 0.11, 0.10, 0.09, 0.07, 0.06, 0.05, 0.05],
    ),
    (
        "VL",
        "RRV",
        [0.03, 0.04, 0.06, 0.08, 0.10, 0.12, 0.13, 0.14, 0.15, 0.15],
    ),
    (
        "NM",
        "RNM",
        [0.15, 0.13, 0.12, 0.11, 0.10, 0.10, 0.09, 0.08, 0.07, 0.05],
    ),
];

/// The Riverside and Vale ICS as the population generator sees it: GP records sent under the ICB's
/// code, hospital records from its two acute trusts.
pub fn synth_system() -> SynthSystem {
    let practices = practice_codes();
    let names: Vec<String> = GIVEN_NAMES.iter().map(|n| n.to_string()).collect();
    SynthSystem {
        gp_source: ICB_CODE.to_string(),
        places: PLACES
            .iter()
            .zip(PLACE_PROFILES)
            .enumerate()
            .map(|(i, (spec, (area, trust, deprivation)))| SynthPlace {
                name: spec.name.to_string(),
                weight: spec.population as f64,
                postcode_area: area.to_string(),
                deprivation,
                practices: practices
                    .iter()
                    .filter(|p| p.0 == i)
                    .map(|p| p.2.clone())
                    .collect(),
                trust: trust.to_string(),
            })
            .collect(),
        given_female: names.clone(),
        given_male: names,
        family: FAMILY_NAMES.iter().map(|n| n.to_string()).collect(),
    }
}
