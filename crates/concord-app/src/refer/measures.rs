//! Referral measures in the measurement catalogue: referrals sent, the share of replies that
//! accepted, and the median wait to first contact, month by month for the whole system and each
//! place, computed from the referrals themselves (never typed) and loaded through the catalogue's
//! one values pipeline, so they chart as Making Data Count SPC, sit on dashboards and can be a
//! programme's benefit.
//!
//! Only complete months are published. Counts pass the system's disclosure rule month by month
//! (the places and the self-referrals as one row whose total is the whole system's, so a place's
//! small count cannot be found by subtraction); a share only where neither the accepted nor the
//! declined count is small, to the nearest whole per cent; a median only for at least as many
//! people as the rule's threshold.

use super::figures::{date_of, median, min_people};
use chrono::{Datelike, NaiveDate};
use concord_domain::calendar::working_days_between;
use concord_domain::format::uk_date;
use concord_domain::metric::MetricDraft;
use concord_population::disclosure::{protect_list, DisclosureRule, Shown};
use concord_store::metric_load::{self, LoadSummary, ValueRow};
use concord_store::referrals::{self, ReferralFact};
use concord_store::{metrics, population as registry, Actor, Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// A referral measure's place in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralMeasure {
    /// Its code.
    pub code: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its definition, with its rule.
    pub definition: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// `increase`, `decrease` or `neutral`.
    pub direction: &'static str,
}

/// Referrals sent.
pub const SENT: ReferralMeasure = ReferralMeasure {
    code: "concord_referrals_sent",
    name: "Social prescribing: referrals sent",
    definition: "Referrals to voluntary and community services sent through Concord in the month (by the day sent), by GP practices' care teams and by people themselves; those withdrawn as made in error are not counted. A place counts its practices' referrals. Complete months only. Counts pass the system's disclosure rule month by month, places and self-referrals together (small counts left out, others rounded).",
    unit: "referrals",
    direction: "neutral",
};

/// The share of replies that accepted.
pub const ACCEPTED: ReferralMeasure = ReferralMeasure {
    code: "concord_referrals_accepted",
    name: "Social prescribing: referrals accepted",
    definition: "Of the referrals a service first replied to in the month (accepting or declining), the share it accepted, to the nearest whole per cent. Left out for a month or place where the accepted or the declined count is small under the system's disclosure rule. Complete months only.",
    unit: "%",
    direction: "increase",
};

/// The wait to first contact.
pub const WAIT: ReferralMeasure = ReferralMeasure {
    code: "concord_referral_wait",
    name: "Social prescribing: wait from referral to first contact",
    definition: "The median number of working days (England and Wales: weekends and bank holidays not counted) from a referral being sent to the service's first contact with the person, for first contacts made in the month. Left out for a month or place with fewer first contacts than the disclosure rule's threshold. Complete months only.",
    unit: "working days",
    direction: "decrease",
};

/// Every referral measure.
pub const MEASURES: [ReferralMeasure; 3] = [SENT, ACCEPTED, WAIT];

/// The source every referral measure names.
pub const SOURCE: &str = "Concord referrals (computed from the referrals themselves)";

/// Adds the referral measures missing from the catalogue, owned by `owner_organisation_id` (the
/// organisation that answers for them, usually the integrated care board). Returns how many were
/// added.
pub async fn add_to_catalogue(
    store: &Store,
    actor: &Actor,
    owner_organisation_id: &str,
) -> Result<usize, StoreError> {
    let mut added = 0;
    for measure in MEASURES {
        if metrics::get(store, measure.code).await.is_ok() {
            continue;
        }
        let draft = MetricDraft {
            code: measure.code.into(),
            name: measure.name.into(),
            definition: measure.definition.into(),
            unit: measure.unit.into(),
            improvement_direction: measure.direction.into(),
            target: String::new(),
            owner_organisation_id: owner_organisation_id.into(),
            source: SOURCE.into(),
            frequency: "monthly".into(),
            category: "community".into(),
        };
        metrics::create(store, actor, &draft).await?;
        added += 1;
    }
    Ok(added)
}

/// The first day of `date`'s month.
fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("the first of a month")
}

/// One month's referrals in one scope: sent, accepted and declined on first reply, and the
/// working days to each first contact.
#[derive(Debug, Default, Clone)]
struct Month {
    sent: u64,
    accepted: u64,
    declined: u64,
    waits: Vec<u32>,
}

/// Where a referral is counted: its practice's place (None for a self-referral).
type Scope = Option<String>;

/// The measures' values for complete months before `today`'s, as rows for the catalogue's load:
/// `place_of` gives each practice's (ODS code's) place; `places` is every place, in order.
pub fn monthly_values(
    facts: &[ReferralFact],
    place_of: &HashMap<String, String>,
    places: &[String],
    rule: &DisclosureRule,
    today: NaiveDate,
) -> Vec<ValueRow> {
    let this_month = month_of(today);
    let mut months: BTreeMap<NaiveDate, HashMap<Scope, Month>> = BTreeMap::new();
    fn at<'m>(
        months: &'m mut BTreeMap<NaiveDate, HashMap<Scope, Month>>,
        this_month: NaiveDate,
        day: NaiveDate,
        scope: &Scope,
    ) -> Option<&'m mut Month> {
        let month = month_of(day);
        (month < this_month).then(|| {
            months
                .entry(month)
                .or_default()
                .entry(scope.clone())
                .or_default()
        })
    }
    for fact in facts {
        let scope: Scope = fact
            .practice
            .as_ref()
            .and_then(|(code, _)| place_of.get(code).cloned());
        let Some(sent) = date_of(&fact.sent_at) else {
            continue;
        };
        if let Some(m) = at(&mut months, this_month, sent, &scope) {
            m.sent += 1;
        }
        if let Some(replied) = fact.replied_at.as_deref().and_then(date_of) {
            if let Some(m) = at(&mut months, this_month, replied, &scope) {
                if fact.ever_accepted {
                    m.accepted += 1;
                } else if fact.status == concord_domain::referral::ReferralStatus::Rejected {
                    m.declined += 1;
                }
            }
        }
        if let Some(first) = fact.first_contact_at.as_deref().and_then(date_of) {
            if let Some(m) = at(&mut months, this_month, first, &scope) {
                m.waits.push(working_days_between(sent, first));
            }
        }
    }
    let min_people = min_people(rule);
    let mut rows = Vec::new();
    let row = |code: &str, place: &str, month: NaiveDate, value: String| ValueRow {
        at: format!("{code} {place} {month}"),
        metric: code.into(),
        organisation: String::new(),
        place: place.into(),
        period: month.to_string(),
        value,
    };
    for (month, scopes) in &months {
        // Places, then self-referrals, as one row: its total is the whole system's.
        let mut scopes_in_order: Vec<Scope> = places.iter().cloned().map(Some).collect();
        scopes_in_order.push(None);
        let empty = Month::default();
        let of = |scope: &Scope| scopes.get(scope).unwrap_or(&empty);
        let sent: Vec<u64> = scopes_in_order.iter().map(|s| of(s).sent).collect();
        let (shown, total) = protect_list(&sent, rule);
        for (scope, cell) in scopes_in_order.iter().zip(&shown) {
            if let (Some(place), Shown::Count(n)) = (scope, cell) {
                rows.push(row(SENT.code, place, *month, n.to_string()));
            }
        }
        if let Shown::Count(n) = total {
            rows.push(row(SENT.code, "", *month, n.to_string()));
        }
        let mut whole = Month::default();
        for scope in &scopes_in_order {
            let m = of(scope);
            whole.accepted += m.accepted;
            whole.declined += m.declined;
            whole.waits.extend(&m.waits);
        }
        let places_and_whole = scopes_in_order
            .iter()
            .filter_map(|s| s.as_deref().map(|p| (p, of(s))))
            .chain(std::iter::once(("", &whole)));
        for (place, m) in places_and_whole {
            let small = |n: u64| n > 0 && n < rule.suppress_below;
            let replies = m.accepted + m.declined;
            if replies as usize >= min_people && !small(m.accepted) && !small(m.declined) {
                let share = (100.0 * m.accepted as f64 / replies as f64).round();
                rows.push(row(ACCEPTED.code, place, *month, share.to_string()));
            }
            if m.waits.len() >= min_people {
                rows.push(row(WAIT.code, place, *month, median(&m.waits).to_string()));
            }
        }
    }
    rows
}

/// What a publish did: the values loaded (new or changed) and those withdrawn (no longer
/// published, such as a count the disclosure rule now holds back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The load of new and changed values, if any.
    pub loaded: Option<LoadSummary>,
    /// Values removed.
    pub withdrawn: usize,
}

/// Recomputes the referral measures in the catalogue (those of [`MEASURES`] it holds) for every
/// complete month of the last three years; loads what is new or changed and withdraws what is no
/// longer published, so every value shown is one the latest computation published. Returns None
/// when nothing changed or no measure is in the catalogue.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    rule: &DisclosureRule,
) -> Result<Option<Published>, StoreError> {
    let mut held = Vec::new();
    for measure in MEASURES {
        // Only the system's own: a computed code can be made by nobody else.
        if let Ok(metric) = metrics::get(store, measure.code).await {
            if metric.code == measure.code && concord_domain::metric::is_computed(&metric.code) {
                held.push((measure.code, metric.id));
            }
        }
    }
    if held.is_empty() {
        return Ok(None);
    }
    let now = chrono::Utc::now();
    let since_instant = now - chrono::Duration::days(3 * 366);
    let since = concord_store::format_timestamp(since_instant);
    // The first month wholly inside the window: earlier months are not recomputed (nor removed).
    let first_month = month_of(uk_date(since_instant))
        .checked_add_months(chrono::Months::new(1))
        .expect("a month within range")
        .to_string();
    let facts = referrals::facts(store, &since).await?;
    // Practices' places as the registry names them (a practice serving no place is counted in
    // the whole system only).
    let named: Vec<String> = concord_store::places::list(store)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let place_of: HashMap<String, String> = registry::practice_networks(store)
        .await?
        .into_iter()
        .filter(|n| named.contains(&n.place))
        .map(|n| (n.code, n.place))
        .collect();
    let mut places: Vec<String> = place_of.values().cloned().collect();
    places.sort();
    places.dedup();
    let rows: Vec<ValueRow> = monthly_values(&facts, &place_of, &places, rule, uk_date(now))
        .into_iter()
        .filter(|r| held.iter().any(|(code, _)| *code == r.metric))
        .collect();
    let known = held_values(store, &held).await?;
    let changed = rows.iter().any(|r| {
        let held = known.get(&(r.metric.clone(), r.place.clone(), r.period.clone()));
        held.is_none_or(|(_, v)| Some(*v) != r.value.parse::<f64>().ok())
    });
    let produced: std::collections::HashSet<(String, String, String)> = rows
        .iter()
        .map(|r| (r.metric.clone(), r.place.clone(), r.period.clone()))
        .collect();
    let stale: Vec<(String, String)> = known
        .iter()
        .filter(|(key, _)| key.2 >= first_month && !produced.contains(*key))
        .map(|(key, (series, _))| (series.clone(), key.2.clone()))
        .collect();
    if !changed && stale.is_empty() {
        return Ok(None);
    }
    let loaded = if changed {
        Some(metric_load::load(store, actor, &rows, SOURCE, "values", &|_| true).await?)
    } else {
        None
    };
    let withdrawn = metric_load::withdraw(store, actor, &stale, SOURCE).await?;
    Ok(Some(Published { loaded, withdrawn }))
}

/// The values the catalogue holds for `held`, by (code, place name or "" for the whole system,
/// period): their series and value.
async fn held_values(
    store: &Store,
    held: &[(&str, String)],
) -> Result<HashMap<(String, String, String), (String, f64)>, StoreError> {
    let mut known = HashMap::new();
    for (code, metric_id) in held {
        for series in metrics::series(store, Some(metric_id)).await? {
            let place = if series.place_id.is_some() {
                series.scope_name.clone()
            } else {
                String::new()
            };
            for value in metrics::values(store, &series.id).await? {
                known.insert(
                    (code.to_string(), place.clone(), value.period.clone()),
                    (series.id.clone(), value.value),
                );
            }
        }
    }
    Ok(known)
}

/// Keeps the referral measures current while the server runs: publishes at start and then every
/// `every` (a publish that changes nothing writes nothing). A failure is logged and tried again
/// next time.
pub async fn run(store: Store, rule: DisclosureRule, every: std::time::Duration) {
    let actor = Actor::system("referral measures");
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match publish(&store, &actor, &rule).await {
            Ok(Some(published)) => tracing::info!(
                added = published.loaded.as_ref().map_or(0, |l| l.added),
                changed = published.loaded.as_ref().map_or(0, |l| l.changed),
                withdrawn = published.withdrawn,
                "referral measures published"
            ),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "the referral measures could not be published")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_domain::referral::{ReferralSource, ReferralStatus};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at_noon(s: &str) -> String {
        format!("{s}T12:00:00.000000Z")
    }

    /// A referral from `practice`, sent on `sent`, replied to (accepted or declined) and first
    /// contacted on the days given.
    fn fact(
        practice: Option<&str>,
        sent: &str,
        reply: Option<(&str, bool)>,
        first_contact: Option<&str>,
    ) -> ReferralFact {
        let (status, accepted) = match reply {
            Some((_, true)) => (ReferralStatus::Accepted, true),
            Some((_, false)) => (ReferralStatus::Rejected, false),
            None => (ReferralStatus::Requested, false),
        };
        ReferralFact {
            id: "r".into(),
            status,
            source: ReferralSource::CareTeam,
            status_reason: None,
            ever_accepted: accepted,
            service_name: "Befriending".into(),
            receiving_name: "Age UK".into(),
            practice: practice.map(|p| (p.to_string(), p.to_string())),
            need: None,
            sent_at: at_noon(sent),
            replied_at: reply.map(|(d, _)| at_noon(d)),
            first_contact_at: first_contact.map(at_noon),
            age: None,
            sex: None,
            deprivation_decile: None,
            ethnicity: None,
            cohort_id: None,
        }
    }

    fn places() -> (HashMap<String, String>, Vec<String>) {
        let place_of = [("A1", "Avon"), ("B1", "Brook")]
            .into_iter()
            .map(|(c, p)| (c.to_string(), p.to_string()))
            .collect();
        (place_of, vec!["Avon".into(), "Brook".into()])
    }

    fn value(rows: &[ValueRow], code: &str, place: &str, period: &str) -> Option<String> {
        rows.iter()
            .find(|r| r.metric == code && r.place == place && r.period == period)
            .map(|r| r.value.clone())
    }

    #[test]
    fn counts_shares_and_medians_by_month_and_place_worked_by_hand() {
        let mut facts = Vec::new();
        // September 2026: 20 from Avon and 15 from Brook, none replied to.
        facts.extend((0..20).map(|_| fact(Some("A1"), "2026-09-07", None, None)));
        facts.extend((0..15).map(|_| fact(Some("B1"), "2026-09-07", None, None)));
        // October: 30 from Avon sent on Monday the 5th; 18 accepted and 12 declined on the 6th;
        // of the accepted, 5 first contacted on the 7th (2 working days) and 5 on the 9th (4).
        for i in 0..30 {
            let accepted = i < 18;
            let first = match i {
                0..5 => Some("2026-10-07"),
                5..10 => Some("2026-10-09"),
                _ => None,
            };
            facts.push(fact(
                Some("A1"),
                "2026-10-05",
                Some(("2026-10-06", accepted)),
                first,
            ));
        }
        // November is this month: not yet complete, so not published.
        facts.push(fact(Some("A1"), "2026-11-02", None, None));
        let (place_of, places) = places();
        let rule = DisclosureRule::default();
        let rows = monthly_values(&facts, &place_of, &places, &rule, day("2026-11-15"));
        assert_eq!(
            value(&rows, SENT.code, "Avon", "2026-09-01").as_deref(),
            Some("20")
        );
        assert_eq!(
            value(&rows, SENT.code, "Brook", "2026-09-01").as_deref(),
            Some("15")
        );
        assert_eq!(
            value(&rows, SENT.code, "", "2026-09-01").as_deref(),
            Some("35")
        );
        assert_eq!(
            value(&rows, SENT.code, "Avon", "2026-10-01").as_deref(),
            Some("30")
        );
        // 18 of 30 replies accepted: 60%; the waits 2,2,2,2,2,4,4,4,4,4 have median 3.
        assert_eq!(
            value(&rows, ACCEPTED.code, "Avon", "2026-10-01").as_deref(),
            Some("60")
        );
        assert_eq!(
            value(&rows, ACCEPTED.code, "", "2026-10-01").as_deref(),
            Some("60")
        );
        assert_eq!(
            value(&rows, WAIT.code, "Avon", "2026-10-01").as_deref(),
            Some("3")
        );
        assert_eq!(
            value(&rows, WAIT.code, "Brook", "2026-10-01"),
            None,
            "none there"
        );
        assert!(
            rows.iter().all(|r| r.period != "2026-11-01"),
            "this month is not complete"
        );
    }

    #[test]
    fn a_small_count_is_neither_published_nor_found_by_subtraction() {
        let mut facts = Vec::new();
        facts.extend((0..40).map(|_| fact(Some("A1"), "2026-09-07", None, None)));
        facts.extend((0..3).map(|_| fact(Some("B1"), "2026-09-07", None, None)));
        // 12 accepted and 4 declined: the declined count is small, so no share is published.
        for i in 0..16 {
            facts.push(fact(
                Some("A1"),
                "2026-09-07",
                Some(("2026-09-08", i < 12)),
                None,
            ));
        }
        let (place_of, places) = places();
        let rule = DisclosureRule::default();
        let rows = monthly_values(&facts, &place_of, &places, &rule, day("2026-11-15"));
        assert_eq!(value(&rows, SENT.code, "Brook", "2026-09-01"), None);
        let avon = value(&rows, SENT.code, "Avon", "2026-09-01");
        let whole = value(&rows, SENT.code, "", "2026-09-01");
        assert!(
            avon.is_none() || whole.is_none(),
            "Avon ({avon:?}) and the whole system ({whole:?}) would give Brook's 3 away"
        );
        assert_eq!(value(&rows, ACCEPTED.code, "Avon", "2026-09-01"), None);
        assert_eq!(value(&rows, ACCEPTED.code, "", "2026-09-01"), None);
    }

    #[test]
    fn a_self_referral_counts_for_the_whole_system_only() {
        let mut facts: Vec<ReferralFact> = (0..20)
            .map(|_| fact(Some("A1"), "2026-09-07", None, None))
            .collect();
        facts.extend((0..15).map(|_| fact(None, "2026-09-07", None, None)));
        let (place_of, places) = places();
        let rule = DisclosureRule {
            suppress_below: 10,
            round_to: 1,
        };
        let rows = monthly_values(&facts, &place_of, &places, &rule, day("2026-11-15"));
        assert_eq!(
            value(&rows, SENT.code, "Avon", "2026-09-01").as_deref(),
            Some("20")
        );
        assert_eq!(
            value(&rows, SENT.code, "", "2026-09-01").as_deref(),
            Some("35")
        );
        assert_eq!(
            value(&rows, SENT.code, "Brook", "2026-09-01").as_deref(),
            Some("0"),
            "none from Brook's practices that month"
        );
    }
}
