//! What a consultation's public results page ("you said, we did") shows: its counts through the
//! disclosure rule and its reach, worked out at most once a UK day — so that someone who has just
//! responded cannot tell which rounded count their answer moved by looking before and after, and
//! the page costs one set of grouped counts a day instead of one a request. The themes' "we did"
//! answers are read fresh every time, so an answer shows as soon as it is given. Closing the
//! consultation starts a fresh count, and once the public can no longer respond, so does a
//! response entered by staff.

use super::figures::{figures, place_list, Figures};
use super::reach::{reach, Reach};
use crate::population::Population;
use concord_domain::consultation::progress::{progress, Progress, Step};
use concord_domain::consultation::LinkKind;
use concord_store::consultations::{self as store, Consultation};
use concord_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::Arc;

/// The counted part of a results page, as of a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The figures (their themes' answers as they were when counted: see [`Cache::get`]).
    pub figures: Figures,
    /// Reach against the population, when there is a population picture.
    pub reach: Option<Reach>,
    /// When they were counted.
    pub as_of: chrono::DateTime<chrono::Utc>,
}

/// The counted figures of each consultation, kept until the UK day changes.
#[derive(Debug, Default)]
pub struct Cache {
    entries: tokio::sync::Mutex<HashMap<String, (String, Arc<Published>)>>,
}

impl Cache {
    /// The results of `consultation` as the public page shows them, with its themes' answers as
    /// they are now. `taking_responses`: whether the public can still respond.
    pub async fn get(
        &self,
        store: &Store,
        population: &Population,
        consultation: &Consultation,
        taking_responses: bool,
    ) -> Result<Published, StoreError> {
        let now = chrono::Utc::now();
        let key = format!(
            "{}:{}:{}",
            concord_domain::format::uk_date(now),
            consultation.status.as_str(),
            if taking_responses {
                0
            } else {
                consultation.responses
            }
        );
        // Held while counting, so that a busy morning counts once.
        let mut entries = self.entries.lock().await;
        let counted = match entries.get(&consultation.id) {
            Some((k, p)) if *k == key => p.clone(),
            _ => {
                let rule = population.rule();
                let figures = figures(store, &consultation.id, &rule).await?;
                let counts = store::respondent_counts(store, &consultation.id).await?;
                let places = place_list(store).await?;
                let reach = reach(population, &counts, &places, &rule)
                    .await
                    .unwrap_or_else(|e| {
                        tracing::warn!("reach could not be worked out: {e}");
                        None
                    });
                let p = Arc::new(Published {
                    figures,
                    reach,
                    as_of: now,
                });
                entries.insert(consultation.id.clone(), (key, p.clone()));
                p
            }
        };
        drop(entries);
        let mut published = (*counted).clone();
        let fresh = store::themes(store, &consultation.id).await?;
        for (theme, _, _) in &mut published.figures.themes {
            if let Some(now) = fresh.iter().find(|t| t.id == theme.id) {
                *theme = now.clone();
            }
        }
        Ok(published)
    }
}

/// How far each promise has got: for every theme acted on through a programme, that
/// programme's milestones as of today, by theme id. Read fresh every time.
pub async fn promises(
    store: &Store,
    themes: &[concord_store::consultations::Theme],
) -> Result<std::collections::BTreeMap<String, Progress>, StoreError> {
    let today = concord_domain::format::uk_date(chrono::Utc::now());
    let mut out = std::collections::BTreeMap::new();
    for theme in themes {
        let (Some(LinkKind::Programme), Some(programme)) = (theme.link_kind, &theme.link_id) else {
            continue;
        };
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let steps = concord_store::delivery::milestones_of(store, programme)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(Step {
                    due_on: day(&m.forecast_on)?,
                    done_on: m.completed_on.as_deref().and_then(day),
                    title: m.title,
                })
            })
            .collect();
        if let Some(p) = progress(steps, today) {
            out.insert(theme.id.clone(), p);
        }
    }
    Ok(out)
}

/// The published consultations that inform strategy round `round_id`, oldest first.
pub async fn of_round(store: &Store, round_id: &str) -> Result<Vec<Consultation>, StoreError> {
    let mut list: Vec<Consultation> = super::consultations::public(store)
        .await?
        .into_iter()
        .filter(|c| {
            c.subject_kind == concord_domain::consultation::SubjectKind::Round
                && c.subject_id == round_id
        })
        .collect();
    list.sort_by(|a, b| a.opens_on.cmp(&b.opens_on));
    Ok(list)
}
