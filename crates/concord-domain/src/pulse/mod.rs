//! Listen: the partnership trust pulse. A short recurring survey (a round, usually a quarter) of
//! the people who work across the partnership's organisations. Each respondent answers for their
//! own organisation: six statements about the partnership as a whole, one per principle of the
//! Nuffield Institute's Partnership Assessment Tool, and five statements about each partner they
//! work with, after the inter-organisational trust scale of Zaheer, McEvily and Perrone (1998).
//!
//! Answers are kept without who gave them and are only ever shown as aggregates under
//! [`results`]'s anonymity floor, with secondary suppression so that no withheld cell can be
//! worked out from what is shown.

pub mod results;

use crate::validation::ValidationErrors;
use crate::vocabulary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fewest respondents behind any figure the pulse shows.
pub const PULSE_FLOOR: usize = 5;
/// The most partners one respondent may rate in a round.
pub const MAX_PARTNERS_RATED: usize = 40;

/// Where the instrument's statements come from, shown with every result.
pub const INSTRUMENT_SOURCES: &str = "Statements about the partnership paraphrase the six \
principles of the Nuffield Institute for Health's Partnership Assessment Tool (Hardy, Hudson and \
Waddington, 2003). Statements about each partner paraphrase the inter-organisational trust scale \
of Zaheer, McEvily and Perrone, 'Does trust matter?', Organization Science 9(2), 1998: fairness, \
keeping promises, not taking advantage, not needing every detail written down, and overall \
trustworthiness. Both are answered on a five-point scale from strongly disagree (1) to strongly \
agree (5); the original trust scale used seven points, so scores are not comparable with the \
paper's.";

vocabulary! {
    /// The six principles of the Partnership Assessment Tool, each asked as one statement about
    /// the partnership as a whole.
    Principle {
        Need => ("need", "Recognising the need for partnership"),
        Purpose => ("purpose", "Clarity and realism of purpose"),
        Commitment => ("commitment", "Commitment and ownership"),
        Trust => ("trust", "Developing and keeping trust"),
        Arrangements => ("arrangements", "Clear and robust arrangements"),
        Learning => ("learning", "Monitoring, measuring and learning"),
    }
}

impl Principle {
    /// The statement a respondent rates (a paraphrase of the principle).
    pub fn statement(self) -> &'static str {
        match self {
            Principle::Need => {
                "The partners accept that they need each other to achieve what each is trying to do."
            }
            Principle::Purpose => "The partnership's purpose is clear, shared and realistic.",
            Principle::Commitment => {
                "Senior people in the partner organisations are committed to the partnership and own its work."
            }
            Principle::Trust => {
                "There is enough trust between the partners to work through disagreements."
            }
            Principle::Arrangements => {
                "Who decides, who pays and who does what in the partnership is clear and works in practice."
            }
            Principle::Learning => {
                "The partnership checks what it is achieving and changes course when something is not working."
            }
        }
    }
}

vocabulary! {
    /// The statements asked about each partner, after Zaheer, McEvily and Perrone's
    /// inter-organisational trust scale.
    TrustItem {
        EvenHanded => ("even_handed", "Even-handed"),
        KeepsPromises => ("keeps_promises", "Keeps its promises"),
        NoAdvantage => ("no_advantage", "Does not take advantage"),
        NoFinePrint => ("no_fine_print", "Agreements need no fine print"),
        Trustworthy => ("trustworthy", "Trustworthy overall"),
    }
}

impl TrustItem {
    /// The statement a respondent rates about `partner` (a paraphrase of the scale's item).
    pub fn statement(self, partner: &str) -> String {
        match self {
            TrustItem::EvenHanded => {
                format!("{partner} has been even-handed in its dealings with my organisation.")
            }
            TrustItem::KeepsPromises => {
                format!("My organisation can rely on {partner} to keep the promises it makes to us.")
            }
            TrustItem::NoAdvantage => format!(
                "{partner} would use an opportunity to gain at my organisation's expense."
            ),
            TrustItem::NoFinePrint => format!(
                "My organisation is wary of agreeing anything with {partner} unless every detail is written down."
            ),
            TrustItem::Trustworthy => format!("Overall, {partner} is a trustworthy partner."),
        }
    }

    /// Whether agreeing means less trust (the item is scored the other way round).
    pub fn reversed(self) -> bool {
        matches!(self, TrustItem::NoAdvantage | TrustItem::NoFinePrint)
    }

    /// The item's contribution to the trust score from an answer of `agreement` (1 to 5).
    pub fn score(self, agreement: u8) -> u8 {
        if self.reversed() {
            6 - agreement
        } else {
            agreement
        }
    }
}

/// The five-point agreement scale every statement is answered on.
pub const AGREEMENT_SCALE: [(u8, &str); 5] = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
];

vocabulary! {
    /// Where a round is.
    RoundStatus {
        Open => ("open", "Open for answers"),
        Closed => ("closed", "Closed: results shown"),
    }
}

/// One respondent's answers: agreement (1 to 5) with each principle's statement, and with each
/// trust statement about each partner rated. Kept as they are; trust scores are derived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PulseAnswers {
    /// Agreement with each principle's statement.
    pub principles: BTreeMap<Principle, u8>,
    /// Agreement with each trust statement, by partner organisation id.
    pub partners: BTreeMap<String, BTreeMap<TrustItem, u8>>,
}

impl PulseAnswers {
    /// The trust score (1 to 5, higher is more trust) given to `partner`: the mean of its five
    /// items, reversed items turned round.
    pub fn trust_score(&self, partner: &str) -> Option<f64> {
        let items = self.partners.get(partner)?;
        (items.len() == TrustItem::ALL.len()).then(|| {
            items
                .iter()
                .map(|(item, a)| f64::from(item.score(*a)))
                .sum::<f64>()
                / items.len() as f64
        })
    }
}

/// An answer on the agreement scale as posted: text or a number, "1" to "5".
#[derive(Debug, Clone, Default, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = String)]
pub struct Agreement(pub String);

impl<'de> Deserialize<'de> for Agreement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::validation::string_or_number(d).map(Agreement)
    }
}

impl From<&str> for Agreement {
    fn from(text: &str) -> Self {
        Agreement(text.to_string())
    }
}

/// A respondent's answers as posted: field name to value. `principle_{code}` for each principle,
/// `partner` for each partner chosen, `t_{partner id}_{item code}` for each trust statement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PulseDraft {
    /// The organisation the respondent answers for (one of their own).
    pub organisation_id: String,
    /// Agreement with each principle's statement, by principle code ("1" to "5").
    #[serde(default)]
    pub principles: BTreeMap<String, Agreement>,
    /// Agreement with each trust statement, by partner id then item code ("1" to "5").
    #[serde(default)]
    pub partners: BTreeMap<String, BTreeMap<String, Agreement>>,
}

/// The field a principle's answer is posted in.
pub fn principle_field(principle: Principle) -> String {
    format!("principle_{}", principle.as_str())
}

/// The field a trust statement's answer about `partner_id` is posted in.
pub fn trust_field(partner_id: &str, item: TrustItem) -> String {
    format!("t_{partner_id}_{}", item.as_str())
}

fn agreement(errors: &mut ValidationErrors, field: &str, what: &str, value: &str) -> Option<u8> {
    match value.trim().parse::<u8>() {
        Ok(a @ 1..=5) => Some(a),
        _ if value.trim().is_empty() => {
            errors.add(field, format!("Choose how far you agree: {what}"));
            None
        }
        _ => {
            errors.add(
                field,
                format!("Answer from 1 (strongly disagree) to 5 (strongly agree): {what}"),
            );
            None
        }
    }
}

impl PulseDraft {
    /// Checks every statement is answered on the scale, that at least one partner is rated, and
    /// that each partner is one of `partners` (id and name: the partnership's organisations other
    /// than the respondent's own). Errors name the statement's field.
    pub fn validate(
        &self,
        partners: &[(String, String)],
    ) -> Result<PulseAnswers, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut answers = PulseAnswers::default();
        if let Some(code) = self
            .principles
            .keys()
            .find(|c| c.parse::<Principle>().is_err())
        {
            errors.add(
                "principles",
                format!("'{code}' is not one of the six principles"),
            );
        }
        for p in Principle::ALL {
            let value = self.principles.get(p.as_str()).map_or("", |a| a.0.as_str());
            if let Some(a) = agreement(&mut errors, &principle_field(*p), p.statement(), value) {
                answers.principles.insert(*p, a);
            }
        }
        if self.partners.is_empty() {
            errors.add(
                "partner",
                "Choose at least one partner organisation your organisation works with",
            );
        }
        if self.partners.len() > MAX_PARTNERS_RATED {
            errors.add(
                "partner",
                format!("Rate at most {MAX_PARTNERS_RATED} partners in one answer"),
            );
            return Err(errors);
        }
        for (partner_id, items) in &self.partners {
            let Some((_, name)) = partners.iter().find(|(id, _)| id == partner_id) else {
                errors.add(
                    "partner",
                    if *partner_id == self.organisation_id {
                        "Rate your organisation's partners, not your own organisation".to_string()
                    } else {
                        format!("'{partner_id}' is not a partner organisation you can rate")
                    },
                );
                continue;
            };
            if let Some(code) = items.keys().find(|c| c.parse::<TrustItem>().is_err()) {
                errors.add(
                    &format!("t_{partner_id}"),
                    format!("'{code}' is not one of the trust statements"),
                );
            }
            let mut rated = BTreeMap::new();
            for item in TrustItem::ALL {
                let value = items.get(item.as_str()).map_or("", |a| a.0.as_str());
                let field = trust_field(partner_id, *item);
                if let Some(a) = agreement(&mut errors, &field, &item.statement(name), value) {
                    rated.insert(*item, a);
                }
            }
            answers.partners.insert(partner_id.clone(), rated);
        }
        errors.into_result().map(|()| answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partners() -> Vec<(String, String)> {
        vec![
            ("icb".into(), "The ICB".into()),
            ("council".into(), "The council".into()),
        ]
    }

    fn full_draft() -> PulseDraft {
        let mut d = PulseDraft {
            organisation_id: "trust".into(),
            ..Default::default()
        };
        for p in Principle::ALL {
            d.principles.insert(p.as_str().into(), "4".into());
        }
        let items = TrustItem::ALL
            .iter()
            .map(|i| (i.as_str().to_string(), Agreement::from("2")))
            .collect();
        d.partners.insert("icb".into(), items);
        d
    }

    #[test]
    fn reversed_items_count_against_trust() {
        let answers = full_draft().validate(&partners()).unwrap();
        // Three items at 2, two reversed items at 2 (scored 4): (2+2+2+4+4)/5.
        assert_eq!(answers.trust_score("icb"), Some(2.8));
        assert_eq!(answers.trust_score("council"), None);
    }

    #[test]
    fn every_statement_must_be_answered_on_the_scale() {
        let mut d = full_draft();
        d.principles.remove("need");
        d.partners
            .get_mut("icb")
            .unwrap()
            .insert("trustworthy".into(), "7".into());
        let errors = d.validate(&partners()).unwrap_err();
        assert!(errors
            .for_field("principle_need")
            .unwrap()
            .contains("Choose"));
        assert!(errors
            .for_field("t_icb_trustworthy")
            .unwrap()
            .contains("from 1"));
    }

    #[test]
    fn only_other_partners_may_be_rated() {
        let mut d = full_draft();
        let items = d.partners["icb"].clone();
        d.partners.insert("trust".into(), items.clone());
        let errors = d.validate(&partners()).unwrap_err();
        assert!(errors
            .for_field("partner")
            .unwrap()
            .contains("not your own"));
        let mut d = full_draft();
        d.partners.clear();
        assert!(d.validate(&partners()).is_err());
        let mut d = full_draft();
        d.partners.insert("elsewhere".into(), items);
        assert!(d
            .validate(&partners())
            .unwrap_err()
            .for_field("partner")
            .unwrap()
            .contains("not a partner"));
    }
}
