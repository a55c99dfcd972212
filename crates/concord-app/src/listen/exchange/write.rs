//! Writing a case study in the browser: the form's fields read into the document the exchange
//! publishes (partners chosen from the registry by name, costs and milestones one to a line, the
//! measure as a catalogue metric's whole-system benchmark series), every problem named by field
//! and line. What is then signed goes through [`super::publish`] like any other document: checked,
//! screened for anything that could identify a person, previewed, and published by an
//! administrator's explicit action.

use super::publish::{benchmark_series, Offer};
use concord_domain::ValidationErrors;
use concord_exchange::content::{CaseStudy, Cost};
use concord_population::disclosure::DisclosureRule;
use concord_store::{metrics, Store, StoreError};
use serde::{Deserialize, Serialize};

/// The most costs and milestones a case study written here has.
pub const MAX_LINES: usize = 30;

/// A case study as written on the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseStudyDraft {
    /// Its title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// The population it was for.
    pub population: String,
    /// The partner organisations who did it (registry ids).
    pub partner_ids: Vec<String>,
    /// What they did.
    pub intervention: String,
    /// When the change began (YYYY-MM-DD).
    pub started_on: String,
    /// The catalogue metric that measures it (its code; blank for none).
    pub metric: String,
    /// One cost a line: what | amount in pounds | one-off or per year | who paid.
    pub costs: String,
    /// What they would do differently.
    pub differently: String,
    /// One milestone a line.
    pub milestones: String,
}

/// The address a case study titled `title` is published at: its words, lower-case, hyphened.
pub fn slug_for(title: &str) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        slug
    } else {
        format!("study-{slug}")
    }
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// Reads the costs, one a line, naming the line of each problem.
fn costs(text: &str, errors: &mut ValidationErrors) -> Vec<Cost> {
    let mut out = Vec::new();
    for (n, line) in lines(text) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() != 4 {
            errors.add(
                "costs",
                format!("Costs, line {n}: write what | amount in pounds | one-off or per year | who paid"),
            );
            continue;
        }
        let amount = parts[1].trim_start_matches('£').replace(',', "");
        let Ok(pounds) = amount.parse::<rust_decimal::Decimal>() else {
            errors.add(
                "costs",
                format!(
                    "Costs, line {n}: the amount '{}' is not a number of pounds",
                    parts[1]
                ),
            );
            continue;
        };
        let basis = match parts[2].to_lowercase().replace(['-', '_'], " ").as_str() {
            "one off" | "once" => "one_off",
            "per year" | "a year" | "yearly" | "annual" => "per_year",
            _ => {
                errors.add(
                    "costs",
                    format!(
                        "Costs, line {n}: say 'one-off' or 'per year', not '{}'",
                        parts[2]
                    ),
                );
                continue;
            }
        };
        out.push(Cost {
            item: parts[0].to_string(),
            amount: format!("{:.2}", pounds.round_dp(2)),
            basis: basis.into(),
            paid_by: parts[3].to_string(),
        });
    }
    out
}

impl CaseStudyDraft {
    /// The offer to publish: the draft read and checked, its measure worked out under `rule`.
    /// Each problem names its field (and line, for costs and milestones).
    pub async fn offer(&self, store: &Store, rule: &DisclosureRule) -> Result<Offer, StoreError> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        errors.require_text("problem", "the problem", &self.problem, 4_000);
        errors.require_text("population", "who it was for", &self.population, 2_000);
        errors.require_text("intervention", "what was done", &self.intervention, 4_000);
        errors.require_text(
            "differently",
            "what you would do differently",
            &self.differently,
            4_000,
        );
        errors.require_date("started_on", "when the change began", &self.started_on);
        let partners = concord_store::lookups::partner_organisations(store).await?;
        let mut names = Vec::new();
        for id in &self.partner_ids {
            match partners.iter().find(|(p, _)| p == id) {
                Some((_, name)) => names.push(name.clone()),
                None => errors.add("partner_ids", "Choose partners from the list"),
            }
        }
        if names.is_empty() {
            errors.add("partner_ids", "Choose the partners who did it");
        }
        let costs = costs(&self.costs, &mut errors);
        let milestones: Vec<String> = lines(&self.milestones)
            .map(|(_, l)| l.to_string())
            .collect();
        if costs.len() > MAX_LINES || milestones.len() > MAX_LINES {
            errors.add(
                "milestones",
                format!("Give at most {MAX_LINES} costs and {MAX_LINES} milestones"),
            );
        }
        let measure = if self.metric.trim().is_empty() {
            None
        } else {
            match metrics::get(store, self.metric.trim()).await {
                Ok(metric) => match benchmark_series(store, &metric, rule).await {
                    Ok(series) => Some(series),
                    Err(StoreError::Invalid(e)) => {
                        for f in e.0 {
                            errors.add("metric", f.message);
                        }
                        None
                    }
                    Err(other) => return Err(other),
                },
                Err(StoreError::NotFound { .. }) => {
                    errors.add("metric", "Choose a metric from the catalogue");
                    None
                }
                Err(other) => return Err(other),
            }
        };
        errors.into_result()?;
        let study = CaseStudy {
            title: self.title.trim().into(),
            problem: self.problem.trim().into(),
            population: self.population.trim().into(),
            partners: names,
            intervention: self.intervention.trim().into(),
            started_on: self.started_on.trim().into(),
            measure,
            costs,
            differently: self.differently.trim().into(),
            milestones,
        };
        Ok(Offer::CaseStudy {
            slug: slug_for(&self.title),
            content: serde_json::to_value(&study)
                .map_err(|e| StoreError::invalid("content", e.to_string()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_makes_an_address() {
        assert_eq!(
            slug_for("First-contact physiotherapists in general practice"),
            "first-contact-physiotherapists-in-general-practice"
        );
        assert_eq!(slug_for("2025: falls!"), "study-2025-falls");
    }

    #[test]
    fn costs_are_read_a_line_at_a_time_naming_the_line() {
        let mut errors = ValidationErrors::default();
        let read = costs(
            "Six FCPs | £412,000 | per year | The ICB\n\nTraining | 1500.5 | one-off | The trust\nBad line\nDesks | lots | once | Us",
            &mut errors,
        );
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].amount, "412000.00");
        assert_eq!(read[0].basis, "per_year");
        assert_eq!(read[1].amount, "1500.50");
        assert_eq!(read[1].basis, "one_off");
        let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
        assert!(messages[0].starts_with("Costs, line 4:"), "{messages:?}");
        assert!(messages[1].contains("line 5") && messages[1].contains("'lots'"));
    }
}
