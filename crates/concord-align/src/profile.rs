//! A profile: every partner's ranking of the service areas, read from CSV or built in code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// One partner's ranking: area -> rank (1 = most important; equal ranks are ties). Areas the partner
/// did not rank are absent.
pub type Ranking = BTreeMap<String, u32>;

/// Every partner's ranking, keyed by partner, over a known set of areas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The areas that may be ranked, in a stable order.
    pub areas: BTreeSet<String>,
    /// Each partner's ranking.
    pub rankings: BTreeMap<String, Ranking>,
    /// Each partner's group (for example NHS, council, VCSE), where given.
    pub groups: BTreeMap<String, String>,
}

/// Why a rankings file could not be read: what was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The header lacks a required column.
    #[error("line 1: the header must have the columns partner, area, rank (found: {found})")]
    MissingColumn {
        /// The header as found.
        found: String,
    },
    /// A row is wrong.
    #[error("line {line}, field '{field}': {message}")]
    BadRow {
        /// The 1-based line number in the file.
        line: u64,
        /// The column at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The file could not be read as CSV.
    #[error("line {line}: not valid CSV: {message}")]
    Csv {
        /// The 1-based line number, where known.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// No rankings at all.
    #[error("the file has no rankings")]
    Empty,
}

impl Profile {
    /// A profile over `areas`, with no rankings yet.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(areas: I) -> Self {
        Profile {
            areas: areas.into_iter().map(Into::into).collect(),
            ..Profile::default()
        }
    }

    /// Adds (or replaces) a partner's ranking.
    pub fn rank<I: IntoIterator<Item = (S, u32)>, S: Into<String>>(
        &mut self,
        partner: &str,
        ranks: I,
    ) {
        let ranking: Ranking = ranks.into_iter().map(|(a, r)| (a.into(), r)).collect();
        self.areas.extend(ranking.keys().cloned());
        self.rankings.insert(partner.to_string(), ranking);
    }

    /// Reads CSV with a header and one row per (partner, area, rank), and optionally a `partner_type`
    /// column giving each partner's group; other columns are ignored.
    /// With `known_areas`, an area outside it is an error naming its line.
    pub fn from_csv<R: Read>(
        reader: R,
        known_areas: Option<&BTreeSet<String>>,
    ) -> Result<Profile, ProfileError> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(reader);
        let headers = csv.headers().map_err(|e| csv_error(&e))?.clone();
        let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(p), Some(a), Some(r)) = (column("partner"), column("area"), column("rank"))
        else {
            return Err(ProfileError::MissingColumn {
                found: headers.iter().collect::<Vec<_>>().join(","),
            });
        };
        let group_column = column("partner_type");
        let mut profile = Profile {
            areas: known_areas.cloned().unwrap_or_default(),
            ..Profile::default()
        };
        for record in csv.records() {
            let record = record.map_err(|e| csv_error(&e))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let bad = |field: &'static str, message: String| ProfileError::BadRow {
                line,
                field,
                message,
            };
            let partner = record.get(p).unwrap_or("").to_string();
            let area = record.get(a).unwrap_or("").to_string();
            let rank_text = record.get(r).unwrap_or("");
            if partner.is_empty() {
                return Err(bad("partner", "the partner is empty".into()));
            }
            if area.is_empty() {
                return Err(bad("area", "the area is empty".into()));
            }
            if let Some(known) = known_areas {
                if !known.contains(&area) {
                    return Err(bad("area", format!("unknown area '{area}'")));
                }
            }
            let rank: u32 = match rank_text.parse() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(bad(
                        "rank",
                        format!("'{rank_text}' is not a whole number from 1 up"),
                    ))
                }
            };
            if let Some(group) = group_column
                .and_then(|g| record.get(g))
                .filter(|g| !g.is_empty())
            {
                match profile.groups.get(&partner) {
                    Some(existing) if existing != group => {
                        return Err(bad(
                            "partner_type",
                            format!("{partner} was given as '{existing}' earlier, '{group}' here"),
                        ));
                    }
                    _ => {
                        profile.groups.insert(partner.clone(), group.to_string());
                    }
                }
            }
            let ranking = profile.rankings.entry(partner.clone()).or_default();
            if ranking.insert(area.clone(), rank).is_some() {
                return Err(bad(
                    "area",
                    format!("{partner} has already ranked '{area}'"),
                ));
            }
            profile.areas.insert(area);
        }
        if profile.rankings.is_empty() {
            return Err(ProfileError::Empty);
        }
        Ok(profile)
    }
}

fn csv_error(e: &csv::Error) -> ProfileError {
    ProfileError::Csv {
        line: e.position().map(|p| p.line()).unwrap_or(0),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, known: Option<&[&str]>) -> Result<Profile, ProfileError> {
        let known: Option<BTreeSet<String>> =
            known.map(|k| k.iter().map(|s| s.to_string()).collect());
        Profile::from_csv(text.as_bytes(), known.as_ref())
    }

    #[test]
    fn reads_partial_rankings_with_ties() {
        let p = read(
            "partner,area,rank\nICB,MSK,1\nICB,Frailty,1\nICB,Prevention,2\nCouncil,Prevention,1\n",
            None,
        )
        .unwrap();
        assert_eq!(p.areas.len(), 3);
        assert_eq!(p.rankings["ICB"]["Frailty"], 1);
        assert_eq!(p.rankings["Council"].len(), 1);
    }

    #[test]
    fn bad_rows_name_their_line_and_field() {
        let known = ["MSK", "Frailty"];
        assert_eq!(
            read(
                "partner,area,rank\nICB,MSK,1\nICB,Astrology,2\n",
                Some(&known)
            )
            .unwrap_err()
            .to_string(),
            "line 3, field 'area': unknown area 'Astrology'"
        );
        assert_eq!(
            read("partner,area,rank\nICB,MSK,1\nICB,MSK,2\n", Some(&known))
                .unwrap_err()
                .to_string(),
            "line 3, field 'area': ICB has already ranked 'MSK'"
        );
        assert_eq!(
            read("partner,area,rank\nICB,MSK,first\n", Some(&known))
                .unwrap_err()
                .to_string(),
            "line 2, field 'rank': 'first' is not a whole number from 1 up"
        );
        assert!(matches!(
            read("who,what\nICB,MSK\n", None),
            Err(ProfileError::MissingColumn { .. })
        ));
        assert!(matches!(
            read("partner,area,rank\n", None),
            Err(ProfileError::Empty)
        ));
        assert!(matches!(
            read("partner,area,rank\nICB,MSK\n", None),
            Err(ProfileError::Csv { line: 2, .. })
        ));
    }
}
