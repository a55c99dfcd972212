//! Who works with whom: the links between organisations found in what the partnership already
//! records — people of both sitting on the same board, both leading or partnering the same
//! programme, referrals from one to the other's services in the last twelve months, and both
//! responding to the same consent proposal. A GP practice counts as its primary care network.

use crate::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// An organisation in the network.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = NetworkOrganisation)]
pub struct Node {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its ODS or local code.
    pub code: String,
    /// Its type's code.
    pub org_type: String,
}

/// The links between two organisations (`a` before `b` by id).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = NetworkLinks)]
pub struct Links {
    /// One organisation's id.
    pub a: String,
    /// The other's id.
    pub b: String,
    /// Boards both have people sitting on.
    pub boards: usize,
    /// Programmes both lead or partner.
    pub programmes: usize,
    /// Referrals between them in the last twelve months (either way), before any disclosure
    /// rule: the caller protects the count before showing it.
    pub referrals: u64,
    /// Consent proposals both responded to.
    pub proposals: usize,
}

impl Links {
    /// How many kinds of work link them.
    pub fn kinds(&self) -> usize {
        usize::from(self.boards > 0)
            + usize::from(self.programmes > 0)
            + usize::from(self.referrals > 0)
            + usize::from(self.proposals > 0)
    }
}

/// Counts, for each pair of members of the same group, the groups they share.
fn pairs_in_groups(
    groups: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for members in groups.values() {
        let members: Vec<&String> = members.iter().collect();
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                *out.entry(((*a).clone(), (*b).clone())).or_insert(0) += 1;
            }
        }
    }
    out
}

/// Every organisation that has a link, and the links, as of `since` (referrals authored on or
/// after it count).
pub async fn network(store: &Store, since: &str) -> Result<(Vec<Node>, Vec<Links>), StoreError> {
    let orgs: Vec<(String, String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, code, org_type, parent_id FROM organisations")
            .fetch_all(store.pool())
            .await?;
    // A GP practice acts through its primary care network.
    let parent: BTreeMap<&str, &str> = orgs
        .iter()
        .filter(|o| o.3 == "gp_practice")
        .filter_map(|o| o.4.as_deref().map(|p| (o.0.as_str(), p)))
        .collect();
    let as_partner = |id: &str| parent.get(id).copied().unwrap_or(id).to_string();
    let group = |rows: Vec<(String, String)>| {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (g, org) in rows {
            groups.entry(g).or_default().insert(as_partner(&org));
        }
        pairs_in_groups(&groups)
    };
    let boards = group(
        sqlx::query_as(
            "SELECT board_id, organisation_id FROM board_members WHERE organisation_id IS NOT NULL",
        )
        .fetch_all(store.pool())
        .await?,
    );
    let programmes = group(
        sqlx::query_as(
            "SELECT id, lead_organisation_id FROM programmes \
             UNION SELECT programme_id, organisation_id FROM programme_partners",
        )
        .fetch_all(store.pool())
        .await?,
    );
    let proposals = group(
        sqlx::query_as(
            "SELECT DISTINCT proposal_id, organisation_id FROM proposal_responses WHERE superseded = 0",
        )
        .fetch_all(store.pool())
        .await?,
    );
    let referral_rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT referring_organisation_id, receiving_organisation_id, COUNT(*) FROM referrals \
         WHERE referring_organisation_id IS NOT NULL AND authored_on >= $1 \
         GROUP BY referring_organisation_id, receiving_organisation_id",
    )
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    let mut links: BTreeMap<(String, String), Links> = BTreeMap::new();
    fn link(links: &mut BTreeMap<(String, String), Links>, a: String, b: String) -> &mut Links {
        let key = if a < b { (a, b) } else { (b, a) };
        links.entry(key.clone()).or_insert_with(|| Links {
            a: key.0,
            b: key.1,
            ..Links::default()
        })
    }
    for ((a, b), n) in boards {
        link(&mut links, a, b).boards += n;
    }
    for ((a, b), n) in programmes {
        link(&mut links, a, b).programmes += n;
    }
    for ((a, b), n) in proposals {
        link(&mut links, a, b).proposals += n;
    }
    for (from, to, n) in referral_rows {
        let (from, to) = (as_partner(&from), as_partner(&to));
        if from != to {
            link(&mut links, from, to).referrals += u64::try_from(n).unwrap_or(0);
        }
    }
    let linked: BTreeSet<&str> = links
        .values()
        .flat_map(|l| [l.a.as_str(), l.b.as_str()])
        .collect();
    let nodes = orgs
        .iter()
        .filter(|o| linked.contains(o.0.as_str()))
        .map(|o| Node {
            id: o.0.clone(),
            name: o.1.clone(),
            code: o.2.clone(),
            org_type: o.3.clone(),
        })
        .collect();
    Ok((nodes, links.into_values().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_in_a_group_counts_once_per_group() {
        let mut groups = BTreeMap::new();
        groups.insert("g1".to_string(), ["a", "b", "c"].map(String::from).into());
        groups.insert("g2".to_string(), ["a", "b"].map(String::from).into());
        let pairs = pairs_in_groups(&groups);
        assert_eq!(pairs[&("a".into(), "b".into())], 2);
        assert_eq!(pairs[&("a".into(), "c".into())], 1);
        assert_eq!(pairs[&("b".into(), "c".into())], 1);
        assert_eq!(pairs.len(), 3);
    }
}
