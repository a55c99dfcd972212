//! Reach: who responded to a consultation against who lives in the system, so that under-heard
//! groups are visible. The population is everyone aged 16 or over on the practices' registered
//! lists at the population picture's index date (alive then), by place, age band, sex and
//! deprivation fifth; respondents are those who said which group they are in. Both are published
//! through the disclosure rule, and the shares are worked from the published counts, so a share
//! never reveals a count the table withholds. A group is **under-heard** when its share of the
//! respondents who said is less than two thirds of its share of the population.

use crate::population::{Population, PopulationError};
use concord_domain::consultation::response::AgeBand;
use concord_population::disclosure::{DisclosureRule, Shown};
use concord_population::picture::{sex, NONE, NO_DATE};
use std::collections::HashMap;

/// A group is under-heard below this fraction of its population share.
pub const UNDER_HEARD: f64 = 2.0 / 3.0;

/// One group: respondents and population, as published, their shares and the ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachRow {
    /// The group.
    pub group: String,
    /// Respondents in it, as published.
    pub respondents: Shown,
    /// Their share of the respondents who said (from published counts), if worked.
    pub respondent_share: Option<f64>,
    /// People in it, as published.
    pub population: Shown,
    /// Its share of the population (from published counts), if worked.
    pub population_share: Option<f64>,
    /// Respondent share over population share.
    pub ratio: Option<f64>,
    /// Heard at less than two thirds of its share.
    pub under_heard: bool,
}

/// One characteristic's reach.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachTable {
    /// What the groups are.
    pub by: &'static str,
    /// The groups.
    pub rows: Vec<ReachRow>,
}

/// Reach by place, age band, sex and deprivation.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// The tables.
    pub tables: Vec<ReachTable>,
    /// The population's index date (YYYY-MM-DD).
    pub index_date: String,
    /// The rule, in words.
    pub rule: String,
}

/// Compares published respondent and population counts group by group. Shares are worked only
/// when every count of the table is published (a withheld count would make every share a guess).
pub fn compare(
    groups: &[String],
    respondents: &[u64],
    population: &[u64],
    rule: &DisclosureRule,
) -> Vec<ReachRow> {
    let shown_r: Vec<Shown> = respondents.iter().map(|n| rule.protect_count(*n)).collect();
    let shown_p: Vec<Shown> = population.iter().map(|n| rule.protect_count(*n)).collect();
    let shares = |shown: &[Shown]| -> Option<Vec<f64>> {
        let counts: Option<Vec<u64>> = shown
            .iter()
            .map(|s| match s {
                Shown::Count(n) => Some(*n),
                _ => None,
            })
            .collect();
        let counts = counts?;
        let total: u64 = counts.iter().sum();
        (total > 0).then(|| counts.iter().map(|n| *n as f64 / total as f64).collect())
    };
    let (share_r, share_p) = (shares(&shown_r), shares(&shown_p));
    groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let r = share_r.as_ref().map(|s| s[i]);
            let p = share_p.as_ref().map(|s| s[i]);
            let ratio = match (r, p) {
                (Some(r), Some(p)) if p > 0.0 => Some(r / p),
                _ => None,
            };
            ReachRow {
                group: group.clone(),
                respondents: shown_r[i],
                respondent_share: r,
                population: shown_p[i],
                population_share: p,
                ratio,
                under_heard: ratio.is_some_and(|x| x < UNDER_HEARD),
            }
        })
        .collect()
}

/// The population's counts (aged 16 and over, registered and alive at the index date) by place
/// names, age bands, sex and deprivation fifth; none before any data is ingested.
pub async fn population_counts(
    population: &Population,
    places: &[String],
) -> Result<Option<(String, Vec<Vec<u64>>)>, PopulationError> {
    let Some(snapshot) = population.snapshot().await? else {
        return Ok(None);
    };
    let reference = population.lsoa_reference()?;
    let picture = &snapshot.picture;
    let index = snapshot.measures.index;
    let place_at: HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let mut by_place = vec![0u64; places.len()];
    let mut by_age = vec![0u64; AgeBand::ALL.len()];
    let mut by_sex = vec![0u64; 2];
    let mut by_fifth = vec![0u64; 5];
    for person in 0..picture.pseudonyms.len() {
        if picture.death[person] != NO_DATE && picture.death[person] <= index {
            continue;
        }
        let Some(band) = snapshot.measures.age[person].and_then(|a| AgeBand::of_age(u32::from(a)))
        else {
            continue;
        };
        by_age[AgeBand::ALL
            .iter()
            .position(|b| *b == band)
            .expect("a band")] += 1;
        match picture.sex[person] {
            sex::FEMALE => by_sex[0] += 1,
            sex::MALE => by_sex[1] += 1,
            _ => {}
        }
        let lsoa = picture.lsoa[person];
        if let Some(info) = (lsoa != NONE)
            .then(|| reference.lsoas.get(picture.lsoas.value(lsoa)))
            .flatten()
        {
            by_fifth[usize::from(info.imd_decile.clamp(1, 10) - 1) / 2] += 1;
            if let Some(at) = place_at.get(info.place.as_str()) {
                by_place[*at] += 1;
            }
        }
    }
    let date = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")
        + chrono::Duration::days(i64::from(index));
    Ok(Some((
        date.to_string(),
        vec![by_place, by_age, by_sex, by_fifth],
    )))
}

/// Reach for a consultation's respondents (their characteristics as the database counted them),
/// or none when there is no population picture.
pub async fn reach(
    population: &Population,
    counts: &super::figures::Counts,
    places: &[(String, String)],
    rule: &DisclosureRule,
) -> Result<Option<Reach>, PopulationError> {
    let names: Vec<String> = places.iter().map(|(_, n)| n.clone()).collect();
    let Some((index_date, people)) = population_counts(population, &names).await? else {
        return Ok(None);
    };
    use super::figures::count_of;
    let r_place: Vec<u64> = places
        .iter()
        .map(|(id, _)| count_of(counts, "place", id))
        .collect();
    let r_age: Vec<u64> = AgeBand::ALL
        .iter()
        .map(|b| count_of(counts, "age_band", b.as_str()))
        .collect();
    let r_sex: Vec<u64> = ["female", "male"]
        .iter()
        .map(|s| count_of(counts, "sex", s))
        .collect();
    let r_fifth: Vec<u64> = (1..=5u8)
        .map(|q| {
            count_of(counts, "decile", &(2 * q - 1).to_string())
                + count_of(counts, "decile", &(2 * q).to_string())
        })
        .collect();
    let fifths: Vec<String> = (1..=5)
        .map(|q| match q {
            1 => "Fifth 1 (most deprived)".to_string(),
            5 => "Fifth 5 (least deprived)".to_string(),
            q => format!("Fifth {q}"),
        })
        .collect();
    let tables = vec![
        ReachTable {
            by: "Place",
            rows: compare(&names, &r_place, &people[0], rule),
        },
        ReachTable {
            by: "Age band",
            rows: compare(
                &AgeBand::ALL
                    .iter()
                    .map(|b| b.label().to_string())
                    .collect::<Vec<_>>(),
                &r_age,
                &people[1],
                rule,
            ),
        },
        ReachTable {
            by: "Sex",
            rows: compare(
                &["Female".to_string(), "Male".to_string()],
                &r_sex,
                &people[2],
                rule,
            ),
        },
        ReachTable {
            by: "Deprivation (fifths of England's neighbourhoods)",
            rows: compare(&fifths, &r_fifth, &people[3], rule),
        },
    ];
    Ok(Some(Reach {
        tables,
        rule: format!(
            "The population is everyone aged 16 or over on the practices' registered lists on {index_date}; respondents are those who said. Shares are worked from the published counts. A group is under-heard when its share of respondents is less than two thirds of its share of the population. {}",
            rule.describe_alone()
        ),
        index_date,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_under_heard_groups_are_worked_from_published_counts() {
        // Worked by hand, rounding to 5s: respondents 12, 48, 140 are published 10, 50, 140
        // (shares 0.05, 0.25, 0.70); the population 3,000, 5,000, 12,000 (0.15, 0.25, 0.60).
        // Ratios 0.333, 1.0, 1.1667: only the first is under two thirds.
        let rows = compare(
            &["Young".into(), "Middle".into(), "Old".into()],
            &[12, 48, 140],
            &[3_000, 5_000, 12_000],
            &DisclosureRule::default(),
        );
        assert_eq!(rows[0].respondents, Shown::Count(10));
        assert!((rows[0].respondent_share.unwrap() - 0.05).abs() < 1e-12);
        assert!((rows[0].population_share.unwrap() - 0.15).abs() < 1e-12);
        assert!((rows[0].ratio.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            rows.iter().map(|r| r.under_heard).collect::<Vec<_>>(),
            vec![true, false, false]
        );
        assert!((rows[2].ratio.unwrap() - 0.70 / 0.60).abs() < 1e-12);
    }

    #[test]
    fn a_withheld_count_leaves_every_share_unworked() {
        let rows = compare(
            &["A".into(), "B".into()],
            &[4, 60],
            &[100, 100],
            &DisclosureRule::default(),
        );
        assert_eq!(rows[0].respondents, Shown::Suppressed { below: 10 });
        assert!(rows
            .iter()
            .all(|r| r.respondent_share.is_none() && r.ratio.is_none() && !r.under_heard));
        assert!(rows.iter().all(|r| r.population_share.is_some()));
    }
}
