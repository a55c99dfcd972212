//! A consultation's figures, for its organisers, the partnership and the public alike: how many
//! responded and how (by place, age band, sex, ethnic group and deprivation), what they chose,
//! and how many raised each theme, by place; every count through the system's disclosure rule,
//! which is stated with them. A respondent raised a theme when, in any of their free-text
//! answers, at least half of the analysts who read it found the theme (and an answer no analyst
//! has read yet counts for no theme: the figures say how many are still to read). Agreement
//! between analysts is Cohen's kappa per pair over the answers both read, and Light's kappa over
//! the pairs.

use concord_domain::consultation::agreement::{self, Agreement};
use concord_domain::consultation::response::{AgeBand, Answer, Sex};
use concord_domain::consultation::{Question, QuestionKind};
use concord_domain::ethnicity::EthnicGroup;
use concord_population::disclosure::{protect_list, DisclosureRule, Shown};
use concord_store::consultations::{self as store, Respondent, Theme};
use concord_store::{places, Store, StoreError};
use std::collections::{BTreeSet, HashMap};

/// Counts of respondents by the groups of one characteristic, protected.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// What the groups are ("Place", "Age band").
    pub by: &'static str,
    /// (group, count shown), with "Not said" last.
    pub groups: Vec<(String, Shown)>,
}

/// One question's answers counted, for choice, rating and ranking questions.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceCounts {
    /// The question.
    pub question: Question,
    /// (option, how many chose it, or ranked it first), protected.
    pub options: Vec<(String, Shown)>,
    /// How many answered it, protected.
    pub answered: Shown,
}

/// How far analysts agree on one theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeAgreement {
    /// The theme.
    pub label: String,
    /// Each pair of analysts (by position, "Analyst 1 and analyst 2") and their agreement.
    pub pairs: Vec<(String, Agreement)>,
    /// Light's kappa over the pairs.
    pub light: Option<f64>,
}

/// The figures of one consultation.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Respondents, protected.
    pub respondents: Shown,
    /// Respondents by how they responded, place, age band, sex, ethnic group and deprivation.
    pub breakdowns: Vec<Breakdown>,
    /// Choice, rating and ranking questions counted.
    pub choices: Vec<ChoiceCounts>,
    /// The places, as the theme table's columns (with "Not said" last).
    pub places: Vec<String>,
    /// (theme, respondents who raised it by place, and in all), each theme protected as a list
    /// with its total.
    pub themes: Vec<(Theme, Vec<Shown>, Shown)>,
    /// Free-text answers no analyst has read yet (exact: it counts answers, not people).
    pub unread: usize,
    /// Analysts' agreement, theme by theme (only where two or more read the same answers).
    pub agreement: Vec<ThemeAgreement>,
    /// The disclosure rule, in words.
    pub rule: String,
}

const NOT_SAID: &str = "Not said";

fn breakdown(
    by: &'static str,
    respondents: &[Respondent],
    groups: &[(String, String)],
    of: impl Fn(&Respondent) -> Option<String>,
    rule: &DisclosureRule,
) -> Breakdown {
    let mut counts = vec![0u64; groups.len() + 1];
    for r in respondents {
        let at = of(r)
            .and_then(|code| groups.iter().position(|(c, _)| *c == code))
            .unwrap_or(groups.len());
        counts[at] += 1;
    }
    let (shown, _) = protect_list(&counts, rule);
    Breakdown {
        by,
        groups: groups
            .iter()
            .map(|(_, label)| label.clone())
            .chain(std::iter::once(NOT_SAID.to_string()))
            .zip(shown)
            .collect(),
    }
}

/// The figures of consultation `id`, under `rule`.
pub async fn figures(
    store: &Store,
    id: &str,
    rule: &DisclosureRule,
) -> Result<Figures, StoreError> {
    let questions = store::questions(store, id).await?;
    let respondents = store::respondents(store, id).await?;
    let answers = store::answers(store, id).await?;
    let themes = store::themes(store, id).await?;
    let reviews = store::reviews(store, id).await?;
    let tags = store::tags(store, id).await?;
    let place_list: Vec<(String, String)> = places::list(store)
        .await?
        .into_iter()
        .filter(|p| p.kind == concord_domain::PlaceKind::Place)
        .map(|p| (p.id, p.name))
        .collect();

    let codes = |all: Vec<(&str, &str)>| -> Vec<(String, String)> {
        all.into_iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect()
    };
    let breakdowns = vec![
        breakdown(
            "How they responded",
            &respondents,
            &codes(
                concord_domain::consultation::Channel::ALL
                    .iter()
                    .map(|c| (c.as_str(), c.label()))
                    .collect(),
            ),
            |r| Some(r.channel.as_str().to_string()),
            rule,
        ),
        breakdown(
            "Place",
            &respondents,
            &place_list,
            |r| r.place_id.clone(),
            rule,
        ),
        breakdown(
            "Age band",
            &respondents,
            &codes(
                AgeBand::ALL
                    .iter()
                    .map(|a| (a.as_str(), a.label()))
                    .collect(),
            ),
            |r| r.age_band.map(|a| a.as_str().to_string()),
            rule,
        ),
        breakdown(
            "Sex",
            &respondents,
            &codes(Sex::ALL.iter().map(|s| (s.as_str(), s.label())).collect()),
            |r| r.sex.map(|s| s.as_str().to_string()),
            rule,
        ),
        breakdown(
            "Ethnic group",
            &respondents,
            &codes(
                EthnicGroup::ALL
                    .iter()
                    .map(|g| (g.as_str(), g.label()))
                    .collect(),
            ),
            |r| r.ethnic_group.clone(),
            rule,
        ),
        breakdown(
            "Deprivation (fifths of England's neighbourhoods, 1 most deprived)",
            &respondents,
            &(1..=5)
                .map(|q| {
                    (
                        q.to_string(),
                        format!(
                            "Fifth {q}{}",
                            if q == 1 {
                                " (most deprived)"
                            } else if q == 5 {
                                " (least deprived)"
                            } else {
                                ""
                            }
                        ),
                    )
                })
                .collect::<Vec<_>>(),
            |r| r.deprivation_decile.map(|d| d.div_ceil(2).to_string()),
            rule,
        ),
    ];

    let by_question: HashMap<&str, Vec<Answer>> =
        answers.iter().fold(HashMap::new(), |mut map, (_, q, a)| {
            if let Some(answer) = Answer::from_stored(a) {
                map.entry(q.as_str()).or_insert_with(Vec::new).push(answer);
            }
            map
        });
    let choices = questions
        .iter()
        .filter(|q| q.kind != QuestionKind::FreeText)
        .map(|q| {
            let given = by_question
                .get(q.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let labels: Vec<String> = match q.kind {
                QuestionKind::Rating => (1..=5).map(|r| r.to_string()).collect(),
                _ => q.options.clone(),
            };
            let mut counts = vec![0u64; labels.len()];
            for answer in given {
                let picked: Vec<String> = match (q.kind, answer) {
                    (QuestionKind::Rating, Answer::Rating(r)) => vec![r.to_string()],
                    (QuestionKind::Ranking, Answer::List(order)) => {
                        order.first().cloned().into_iter().collect()
                    }
                    (_, Answer::Text(t)) => vec![t.clone()],
                    (_, Answer::List(items)) => items.clone(),
                    _ => vec![],
                };
                for p in picked {
                    if let Some(at) = labels.iter().position(|l| *l == p) {
                        counts[at] += 1;
                    }
                }
            }
            let (shown, _) = protect_list(&counts, rule);
            ChoiceCounts {
                question: q.clone(),
                options: labels.into_iter().zip(shown).collect(),
                answered: rule.protect_count(given.len() as u64),
            }
        })
        .collect();

    // Which themes each free-text answer has: at least half of the analysts who read it.
    let free_text: BTreeSet<(&str, &str)> = answers
        .iter()
        .filter(|(_, q, _)| {
            questions
                .iter()
                .any(|x| x.id == *q && x.kind == QuestionKind::FreeText)
        })
        .map(|(r, q, _)| (r.as_str(), q.as_str()))
        .collect();
    let mut readers: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    for (r, q, a) in &reviews {
        readers
            .entry((r.as_str(), q.as_str()))
            .or_default()
            .insert(a.as_str());
    }
    let mut tagged: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut tagged_by: BTreeSet<(&str, &str, &str, &str)> = BTreeSet::new();
    for (r, q, a, t) in &tags {
        *tagged
            .entry((r.as_str(), q.as_str(), t.as_str()))
            .or_default() += 1;
        tagged_by.insert((r.as_str(), q.as_str(), a.as_str(), t.as_str()));
    }
    let unread = free_text
        .iter()
        .filter(|k| !readers.contains_key(k))
        .count();
    let place_of: HashMap<&str, usize> = respondents
        .iter()
        .map(|r| {
            let at = r
                .place_id
                .as_ref()
                .and_then(|p| place_list.iter().position(|(id, _)| id == p))
                .unwrap_or(place_list.len());
            (r.response_id.as_str(), at)
        })
        .collect();
    let mut cells = vec![vec![0u64; place_list.len() + 1]; themes.len()];
    for (i, theme) in themes.iter().enumerate() {
        let raised: BTreeSet<&str> = free_text
            .iter()
            .filter(|(r, q)| {
                let read = readers.get(&(*r, *q)).map_or(0, BTreeSet::len);
                let found = tagged
                    .get(&(*r, *q, theme.id.as_str()))
                    .copied()
                    .unwrap_or(0);
                read > 0 && 2 * found >= read
            })
            .map(|(r, _)| *r)
            .collect();
        for r in raised {
            if let Some(at) = place_of.get(r) {
                cells[i][*at] += 1;
            }
        }
    }
    // Each theme is its own table: a person may raise several themes, so no column sums are
    // published for a reader to subtract from (the people from each place are another count,
    // which no theme's cells add up to).
    let themed = themes
        .iter()
        .cloned()
        .zip(cells.iter().map(|row| protect_list(row, rule)))
        .map(|(t, (cells, total))| (t, cells, total))
        .collect();

    // Agreement: each pair of analysts over the answers both read.
    let analysts: Vec<&str> = reviews
        .iter()
        .map(|(_, _, a)| a.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut agreement = Vec::new();
    for theme in &themes {
        let mut pairs = Vec::new();
        for (i, a) in analysts.iter().enumerate() {
            for (j, b) in analysts.iter().enumerate().skip(i + 1) {
                let decisions: Vec<(bool, bool)> = readers
                    .iter()
                    .filter(|(_, who)| who.contains(a) && who.contains(b))
                    .map(|((r, q), _)| {
                        (
                            tagged_by.contains(&(*r, *q, *a, theme.id.as_str())),
                            tagged_by.contains(&(*r, *q, *b, theme.id.as_str())),
                        )
                    })
                    .collect();
                if let Some(found) = agreement::cohen(&decisions) {
                    pairs.push((format!("Analyst {} and analyst {}", i + 1, j + 1), found));
                }
            }
        }
        if !pairs.is_empty() {
            let light = agreement::light(&pairs.iter().map(|(_, a)| *a).collect::<Vec<_>>());
            agreement.push(ThemeAgreement {
                label: theme.label.clone(),
                pairs,
                light,
            });
        }
    }

    Ok(Figures {
        respondents: rule.protect_count(respondents.len() as u64),
        breakdowns,
        choices,
        places: place_list
            .into_iter()
            .map(|(_, name)| name)
            .chain(std::iter::once(NOT_SAID.to_string()))
            .collect(),
        themes: themed,
        unread,
        agreement,
        rule: rule.describe(),
    })
}

/// Themes by the number of respondents who raised them, most first, for a headline; themes
/// whose count is withheld come last (their order is not known to the reader).
pub fn most_raised(figures: &Figures) -> Vec<(String, Shown)> {
    let mut ranked: Vec<(String, Shown)> = figures
        .themes
        .iter()
        .map(|(t, _, total)| (t.label.clone(), *total))
        .collect();
    ranked.sort_by_key(|(_, shown)| match shown {
        Shown::Count(n) => (0, std::cmp::Reverse(*n)),
        _ => (1, std::cmp::Reverse(0)),
    });
    ranked
}
