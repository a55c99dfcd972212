//! Counters that slow down whoever repeats something too often from one place: failed sign-ins
//! (by client and by username and client) and self-referrals on the public form (by client).
//! Each counts attempts in a window; past its free allowance, each further attempt doubles the
//! wait before the next (1, 2, 4, 8 minutes, at most the window), and a blocked key is refused
//! unchecked. The counters are compare-and-swapped, so parallel attempts are each counted.

use crate::{Store, StoreError};
use chrono::{Duration, Utc};

/// How long attempts are remembered.
pub(crate) const WINDOW_MINUTES: i64 = 15;

/// How many times a reservation is retried when parallel attempts race for the same counter; past
/// this the attempt is refused as throttled (fail closed).
const RESERVE_RETRIES: usize = 50;

/// Counts one attempt against `key` *before* it is checked or acted on, atomically: the counter
/// is compare-and-swapped, so parallel attempts are each counted and only the allowance is ever
/// checked. Returns false when the key is blocked (the attempt must not be checked at all).
///
/// Past the free allowance, each further attempt doubles the wait before the next: 1, 2, 4, 8
/// minutes, at most 15. A successful sign-in gives its reservation back ([`release`]).
pub async fn reserve(store: &Store, key: &str, free: i64) -> Result<bool, StoreError> {
    for _ in 0..RESERVE_RETRIES {
        let now = Utc::now();
        let now_text = crate::format_timestamp(now);
        sqlx::query(
            "INSERT INTO throttle_counters (throttle_key, failures, first_failure_at, blocked_until)
             VALUES ($1, 0, $2, NULL) ON CONFLICT (throttle_key) DO NOTHING",
        )
        .bind(key)
        .bind(&now_text)
        .execute(store.pool())
        .await?;
        let (failures, first, until): (i64, String, Option<String>) = sqlx::query_as(
            "SELECT failures, first_failure_at, blocked_until FROM throttle_counters WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_one(store.pool())
        .await?;
        if matches!(&until, Some(until) if until.as_str() > now_text.as_str()) {
            return Ok(false);
        }
        let window_start = crate::format_timestamp(now - Duration::minutes(WINDOW_MINUTES));
        let (next, next_first) = if first > window_start {
            (failures + 1, first.clone())
        } else {
            (1, now_text.clone())
        };
        let blocked_until = (next >= free).then(|| {
            let minutes = 1i64 << (next - free).min(4);
            crate::format_timestamp(now + Duration::minutes(minutes.min(WINDOW_MINUTES)))
        });
        let swapped = sqlx::query(
            "UPDATE throttle_counters SET failures = $2, first_failure_at = $3, blocked_until = $4
             WHERE throttle_key = $1 AND failures = $5 AND first_failure_at = $6",
        )
        .bind(key)
        .bind(next)
        .bind(&next_first)
        .bind(&blocked_until)
        .bind(failures)
        .bind(&first)
        .execute(store.pool())
        .await?;
        if swapped.rows_affected() == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes counters whose window has passed and that block nothing, so the table holds only
/// recent attempts.
pub(crate) async fn forget_expired(store: &Store) -> Result<(), StoreError> {
    let now = Utc::now();
    sqlx::query(
        "DELETE FROM throttle_counters WHERE first_failure_at < $1 AND (blocked_until IS NULL OR blocked_until < $2)",
    )
    .bind(crate::format_timestamp(now - Duration::minutes(WINDOW_MINUTES)))
    .bind(crate::format_timestamp(now))
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Gives back one reserved attempt (after a successful sign-in).
pub(crate) async fn release(store: &Store, key: &str, free: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE throttle_counters SET failures = failures - 1,
             blocked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE blocked_until END
         WHERE throttle_key = $1 AND failures > 0",
    )
    .bind(key)
    .bind(free)
    .execute(store.pool())
    .await?;
    Ok(())
}
