//! What people are told about referrals, read without who they are about (headers only, so a
//! notification sweep reads nothing identifiable and writes no view to the audit log): the
//! referrals waiting for a service's reply, and the replies to a person's own referrals.

use super::{read_header, ReferralHeader, FROM, HEADER_COLUMNS, MAX_LISTED};
use crate::rows::all_by;
use crate::{Store, StoreError};

/// The referrals sent to `organisation_ids`' services and not yet accepted or declined, oldest
/// first (at most [`MAX_LISTED`]).
pub async fn waiting_for_reply(
    store: &Store,
    organisation_ids: &[String],
) -> Result<Vec<ReferralHeader>, StoreError> {
    let mut headers = Vec::new();
    for organisation_id in organisation_ids {
        headers.extend(
            all_by(
                store,
                &format!(
                    "SELECT {HEADER_COLUMNS} {FROM} WHERE r.receiving_organisation_id = $1 \
                     AND r.status IN ('requested', 'received') ORDER BY r.sent_at, r.id LIMIT {MAX_LISTED}"
                ),
                organisation_id,
                read_header,
            )
            .await?,
        );
    }
    headers.sort_by(|a, b| a.sent_at.cmp(&b.sent_at).then(a.id.cmp(&b.id)));
    headers.truncate(MAX_LISTED);
    Ok(headers)
}

/// The referrals `person_id` made that a service replied to (accepted or declined) at or after
/// `since` (RFC 3339), most recent first (at most [`MAX_LISTED`]).
pub async fn replied_to(
    store: &Store,
    person_id: &str,
    since: &str,
) -> Result<Vec<ReferralHeader>, StoreError> {
    let mut headers = all_by(
        store,
        &format!(
            "SELECT {HEADER_COLUMNS} {FROM} WHERE r.referred_by = $1 AND r.replied_at IS NOT NULL \
             ORDER BY r.replied_at DESC, r.id LIMIT {MAX_LISTED}"
        ),
        person_id,
        read_header,
    )
    .await?;
    headers.retain(|h| h.replied_at.as_deref().is_some_and(|at| at >= since));
    Ok(headers)
}
