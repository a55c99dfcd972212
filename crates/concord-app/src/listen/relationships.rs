//! The relationships view's one pipeline, for the page and the API: who works with whom (shared
//! boards, programmes, referrals in the last twelve months, consent proposals answered together,
//! from [`concord_store::relationships`]) with the trust pulse's latest closed round on each link,
//! both ways, exactly as the pulse's own results show it (withheld where they withhold).
//! Referral counts between two organisations go through the disclosure rule one by one, with no
//! totals beside them.

use concord_domain::pulse::results::Figure;
use concord_population::disclosure::DisclosureRule;
use concord_store::relationships::{self as store, Links, Node};
use concord_store::{Store, StoreError};
use serde::Serialize;

/// One link between two organisations, with the pulse on it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = NetworkEdge)]
pub struct Edge {
    /// What links them.
    pub links: Links,
    /// Referrals in the last twelve months as published ("<10" when few, rounded otherwise).
    pub referrals_shown: String,
    /// How `a`'s respondents rated `b` in the latest closed round, if anyone did.
    pub trust_a_to_b: Option<Figure>,
    /// How `b`'s respondents rated `a`.
    pub trust_b_to_a: Option<Figure>,
}

impl Edge {
    /// The lower of the two directions' shown scores: how strained the link is at its weakest.
    pub fn weakest_trust(&self) -> Option<f64> {
        [&self.trust_a_to_b, &self.trust_b_to_a]
            .into_iter()
            .filter_map(|f| f.as_ref().and_then(|f| f.score))
            .reduce(f64::min)
    }
}

/// The network as shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = NetworkOut)]
pub struct Network {
    /// Every organisation with a link.
    pub organisations: Vec<Node>,
    /// Every link.
    pub edges: Vec<Edge>,
    /// The pulse round on the links, if one has closed.
    pub pulse_round: Option<String>,
    /// Referrals counted from this day (twelve months before today).
    pub referrals_since: String,
    /// The rules the figures passed.
    pub rules: String,
}

impl Network {
    /// An organisation's name.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.organisations
            .iter()
            .find(|o| o.id == id)
            .map_or(id, |o| o.name.as_str())
    }
}

/// The network as of `today`.
pub async fn network(
    store: &Store,
    rule: &DisclosureRule,
    today: chrono::NaiveDate,
) -> Result<Network, StoreError> {
    let since = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today)
        .to_string();
    let (organisations, links) = store::network(store, &since).await?;
    let trend = concord_store::pulse::trend(store).await?;
    let latest = trend.latest();
    let edges = links
        .into_iter()
        .map(|links| {
            let cell =
                |from: &str, to: &str| latest.and_then(|l| l.results.cell(from, to).cloned());
            Edge {
                referrals_shown: if links.referrals == 0 {
                    "0".into()
                } else {
                    rule.protect_count(links.referrals).to_string()
                },
                trust_a_to_b: cell(&links.a, &links.b),
                trust_b_to_a: cell(&links.b, &links.a),
                links,
            }
        })
        .collect();
    Ok(Network {
        organisations,
        edges,
        pulse_round: latest.map(|l| l.round.title.clone()),
        referrals_since: since,
        rules: format!(
            "Referrals: {} Trust: the pulse's own rule, the latest closed round, each direction as its results show it (5 respondents or more).",
            rule.describe_alone()
        ),
    })
}
