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
use concord_store::consultations::{self as store, Theme};
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

/// Respondents' characteristics as counted by the database: (characteristic, value, how many).
pub type Counts = [(String, Option<String>, i64)];

/// How many respondents gave `value` for `characteristic`.
pub fn count_of(counts: &Counts, characteristic: &str, value: &str) -> u64 {
    counts
        .iter()
        .filter(|(c, v, _)| c == characteristic && v.as_deref() == Some(value))
        .map(|(_, _, n)| *n as u64)
        .sum()
}

fn breakdown(
    by: &'static str,
    characteristic: &str,
    counts: &Counts,
    total: u64,
    groups: &[(String, String)],
    rule: &DisclosureRule,
) -> Breakdown {
    let mut cells: Vec<u64> = groups
        .iter()
        .map(|(code, _)| count_of(counts, characteristic, code))
        .collect();
    let said: u64 = cells.iter().sum();
    cells.push(total.saturating_sub(said));
    let (shown, _) = protect_list(&cells, rule);
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

/// The system's places (kind "place"), as (id, name), in the registry's order.
pub async fn place_list(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    Ok(places::list(store)
        .await?
        .into_iter()
        .filter(|p| p.kind == concord_domain::PlaceKind::Place)
        .map(|p| (p.id, p.name))
        .collect())
}

/// The figures of consultation `id`, under `rule`. The database does the counting (grouped
/// queries), so the time taken grows with the number of groups, not of responses.
pub async fn figures(
    store: &Store,
    id: &str,
    rule: &DisclosureRule,
) -> Result<Figures, StoreError> {
    let questions = store::questions(store, id).await?;
    let themes = store::themes(store, id).await?;
    let counts = store::respondent_counts(store, id).await?;
    let place_list = place_list(store).await?;
    let total: u64 = counts
        .iter()
        .filter(|(c, _, _)| c == "channel")
        .map(|(_, _, n)| *n as u64)
        .sum();

    let codes = |all: Vec<(&str, &str)>| -> Vec<(String, String)> {
        all.into_iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect()
    };
    // Deciles are counted by the database; fifths are pairs of them.
    let decile_counts: Vec<u64> = (1..=10)
        .map(|d: u8| count_of(&counts, "decile", &d.to_string()))
        .collect();
    let mut fifth_cells: Vec<u64> = decile_counts.chunks(2).map(|p| p.iter().sum()).collect();
    fifth_cells.push(total.saturating_sub(fifth_cells.iter().sum()));
    let (fifth_shown, _) = protect_list(&fifth_cells, rule);
    let fifths = Breakdown {
        by: "Deprivation (fifths of England's neighbourhoods, 1 most deprived)",
        groups: (1..=5)
            .map(|q| {
                format!(
                    "Fifth {q}{}",
                    if q == 1 {
                        " (most deprived)"
                    } else if q == 5 {
                        " (least deprived)"
                    } else {
                        ""
                    }
                )
            })
            .chain(std::iter::once(NOT_SAID.to_string()))
            .zip(fifth_shown)
            .collect(),
    };
    let breakdowns = vec![
        breakdown(
            "How they responded",
            "channel",
            &counts,
            total,
            &codes(
                concord_domain::consultation::Channel::ALL
                    .iter()
                    .map(|c| (c.as_str(), c.label()))
                    .collect(),
            ),
            rule,
        ),
        breakdown("Place", "place", &counts, total, &place_list, rule),
        breakdown(
            "Age band",
            "age_band",
            &counts,
            total,
            &codes(
                AgeBand::ALL
                    .iter()
                    .map(|a| (a.as_str(), a.label()))
                    .collect(),
            ),
            rule,
        ),
        breakdown(
            "Sex",
            "sex",
            &counts,
            total,
            &codes(Sex::ALL.iter().map(|s| (s.as_str(), s.label())).collect()),
            rule,
        ),
        breakdown(
            "Ethnic group",
            "ethnic_group",
            &counts,
            total,
            &codes(
                EthnicGroup::ALL
                    .iter()
                    .map(|g| (g.as_str(), g.label()))
                    .collect(),
            ),
            rule,
        ),
        fifths,
    ];

    let given = store::choice_counts(store, id).await?;
    let choices = questions
        .iter()
        .filter(|q| q.kind != QuestionKind::FreeText)
        .map(|q| {
            let labels: Vec<String> = match q.kind {
                QuestionKind::Rating => (1..=5).map(|r| r.to_string()).collect(),
                _ => q.options.clone(),
            };
            let mut cells = vec![0u64; labels.len()];
            let mut answered = 0u64;
            for (_, stored, n) in given.iter().filter(|(question, _, _)| *question == q.id) {
                let n = *n as u64;
                answered += n;
                let picked: Vec<String> = match (q.kind, Answer::from_stored(stored)) {
                    (QuestionKind::Rating, Some(Answer::Rating(r))) => vec![r.to_string()],
                    (QuestionKind::Ranking, Some(Answer::List(order))) => {
                        order.first().cloned().into_iter().collect()
                    }
                    (_, Some(Answer::Text(t))) => vec![t],
                    (_, Some(Answer::List(items))) => items,
                    _ => vec![],
                };
                for p in picked {
                    if let Some(at) = labels.iter().position(|l| *l == p) {
                        cells[at] += n;
                    }
                }
            }
            let (shown, _) = protect_list(&cells, rule);
            ChoiceCounts {
                question: q.clone(),
                options: labels.into_iter().zip(shown).collect(),
                answered: rule.protect_count(answered),
            }
        })
        .collect();

    // Each theme is its own table: a person may raise several themes, so no column sums are
    // published for a reader to subtract from (the people from each place are another count,
    // which no theme's cells add up to).
    let raised = store::theme_counts(store, id).await?;
    let themed = themes
        .iter()
        .map(|theme| {
            let mut cells = vec![0u64; place_list.len() + 1];
            for (_, place, n) in raised.iter().filter(|(t, _, _)| *t == theme.id) {
                let at = place
                    .as_ref()
                    .and_then(|p| place_list.iter().position(|(id, _)| id == p))
                    .unwrap_or(place_list.len());
                cells[at] += *n as u64;
            }
            let (shown, total) = protect_list(&cells, rule);
            (theme.clone(), shown, total)
        })
        .collect();

    // Agreement: each pair of analysts over the answers both read.
    let (reviews, tags) = store::double_read(store, id).await?;
    let mut readers: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    for (r, q, a) in &reviews {
        readers
            .entry((r.as_str(), q.as_str()))
            .or_default()
            .insert(a.as_str());
    }
    let tagged_by: BTreeSet<(&str, &str, &str, &str)> = tags
        .iter()
        .map(|(r, q, a, t)| (r.as_str(), q.as_str(), a.as_str(), t.as_str()))
        .collect();
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
        respondents: rule.protect_count(total),
        breakdowns,
        choices,
        places: place_list
            .into_iter()
            .map(|(_, name)| name)
            .chain(std::iter::once(NOT_SAID.to_string()))
            .collect(),
        themes: themed,
        unread: store::unread(store, id).await? as usize,
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
