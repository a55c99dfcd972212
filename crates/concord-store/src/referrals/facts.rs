//! Referrals as facts for the commissioners' figures: nothing that names a person (no name,
//! NHS number or contact details), only what the aggregates are made of. The application layer
//! counts them and publishes the counts through the disclosure rule.

use super::RecordedOutcome;
use crate::rows::RowExt;
use crate::{Store, StoreError};
use concord_domain::ethnicity::EthnicGroup;
use concord_domain::referral::{ReferralReason, ReferralSource, ReferralStatus};

/// One referral, for counting.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralFact {
    /// Its id (to pair its outcome measures).
    pub id: String,
    /// Where it is now.
    pub status: ReferralStatus,
    /// Care team or self.
    pub source: ReferralSource,
    /// Why it was declined or ended.
    pub status_reason: Option<ReferralReason>,
    /// Whether the service ever accepted it.
    pub ever_accepted: bool,
    /// The service's name.
    pub service_name: String,
    /// The organisation running it.
    pub receiving_name: String,
    /// The referring practice's ODS code and name.
    pub practice: Option<(String, String)>,
    /// The need, in words.
    pub need: Option<String>,
    /// When it was sent, replied to, first contact made and ended (RFC 3339).
    pub sent_at: String,
    /// When the service first replied.
    pub replied_at: Option<String>,
    /// When the service started supporting the person.
    pub first_contact_at: Option<String>,
    /// Age in years when referred.
    pub age: Option<i64>,
    /// Sex as registered.
    pub sex: Option<String>,
    /// Deprivation decile of their neighbourhood.
    pub deprivation_decile: Option<i64>,
    /// Broad ethnic group, when the registered list or the person said it.
    pub ethnicity: Option<EthnicGroup>,
    /// The cohort whose worklist the person was referred from.
    pub cohort_id: Option<String>,
}

/// Referrals sent on or after `since` (RFC 3339), but not those withdrawn as made in error.
pub async fn facts(store: &Store, since: &str) -> Result<Vec<ReferralFact>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, r.status, r.source, r.status_reason, r.service_name, ro.name AS receiving_name, \
         fo.code AS practice_code, fo.name AS practice_name, r.need_label, r.sent_at, r.replied_at, \
         r.first_contact_at, r.age, r.sex, r.deprivation_decile, r.ethnicity, r.cohort_id, \
         CASE WHEN EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id \
         AND e.to_status = 'accepted') THEN 1 ELSE 0 END AS ever_accepted \
         FROM referrals r JOIN organisations ro ON ro.id = r.receiving_organisation_id \
         LEFT JOIN organisations fo ON fo.id = r.referring_organisation_id \
         WHERE r.sent_at IS NOT NULL AND r.sent_at >= $1 AND r.status <> 'entered_in_error' \
         ORDER BY r.sent_at, r.id",
    )
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let practice = match (
                row.opt_text("practice_code")?,
                row.opt_text("practice_name")?,
            ) {
                (Some(code), Some(name)) => Some((code, name)),
                _ => None,
            };
            Ok(ReferralFact {
                id: row.text("id")?,
                status: row.code("status")?,
                source: row.code("source")?,
                status_reason: row.opt_code("status_reason")?,
                ever_accepted: row.flag("ever_accepted")?,
                service_name: row.text("service_name")?,
                receiving_name: row.text("receiving_name")?,
                practice,
                need: row.opt_text("need_label")?,
                sent_at: row.text("sent_at")?,
                replied_at: row.opt_text("replied_at")?,
                first_contact_at: row.opt_text("first_contact_at")?,
                age: row.opt_int("age")?,
                sex: row.opt_text("sex")?,
                deprivation_decile: row.opt_int("deprivation_decile")?,
                ethnicity: row
                    .opt_text("ethnicity")?
                    .as_deref()
                    .and_then(EthnicGroup::from_code),
                cohort_id: row.opt_text("cohort_id")?,
            })
        })
        .collect()
}

/// The outcome measures of referrals sent on or after `since`, with their referral's id.
pub async fn outcome_facts(
    store: &Store,
    since: &str,
) -> Result<Vec<(String, RecordedOutcome)>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.referral_id, o.stage, o.life_satisfaction, o.worthwhile, o.happiness, o.anxiety, \
         o.companionship, o.left_out, o.isolated, o.swemwbs_answers, o.recorded_by, o.recorded_at \
         FROM referral_outcomes o JOIN referrals r ON r.id = o.referral_id \
         WHERE r.sent_at >= $1 AND r.status <> 'entered_in_error' ORDER BY o.referral_id, o.recorded_at, o.id",
    )
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((row.text("referral_id")?, super::read_outcome(row)?)))
        .collect()
}
