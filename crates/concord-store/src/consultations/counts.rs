//! What a consultation's figures count, counted by the database with grouped queries, so the
//! time taken grows with the number of groups rather than of responses.

use crate::rows::{all_by, RowExt};
use crate::{Store, StoreError};

/// How many respondents gave each value of each characteristic: (`channel`, `place`, `age_band`,
/// `sex`, `ethnic_group` or `decile`; the value, none for not said; how many), counted by the
/// database.
pub async fn respondent_counts(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
    // One pass over the responses, grouped by every characteristic at once; the few thousand
    // combinations are then summed by characteristic.
    let combinations = all_by(
        store,
        "SELECT channel, place_id, age_band, sex, ethnic_group, CAST(deprivation_decile AS TEXT) AS decile, COUNT(*) AS n \
         FROM consultation_responses WHERE consultation_id = $1 \
         GROUP BY channel, place_id, age_band, sex, ethnic_group, deprivation_decile",
        consultation_id,
        |row| {
            Ok((
                [
                    Some(row.text("channel")?),
                    row.opt_text("place_id")?,
                    row.opt_text("age_band")?,
                    row.opt_text("sex")?,
                    row.opt_text("ethnic_group")?,
                    row.opt_text("decile")?,
                ],
                row.int("n")?,
            ))
        },
    )
    .await?;
    let names = [
        "channel",
        "place",
        "age_band",
        "sex",
        "ethnic_group",
        "decile",
    ];
    let mut sums: std::collections::BTreeMap<(usize, Option<String>), i64> = Default::default();
    for (values, n) in combinations {
        for (i, value) in values.into_iter().enumerate() {
            *sums.entry((i, value)).or_default() += n;
        }
    }
    Ok(sums
        .into_iter()
        .map(|((i, value), n)| (names[i].to_string(), value, n))
        .collect())
}

/// Each distinct answer to each choice, rating and ranking question, with how many gave it.
pub async fn choice_counts(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    all_by(
        store,
        "SELECT a.question_id, a.answer, COUNT(*) AS n FROM consultation_answers a \
         JOIN consultation_questions q ON q.id = a.question_id \
         WHERE q.consultation_id = $1 AND q.kind <> 'free_text' GROUP BY a.question_id, a.answer",
        consultation_id,
        |row| Ok((row.text("question_id")?, row.text("answer")?, row.int("n")?)),
    )
    .await
}

/// People who raised each theme, by their place (none: not said): an answer raises a theme when
/// at least half of the analysts who read it found it there. Counted by the database.
pub async fn theme_counts(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
    all_by(
        store,
        "SELECT f.theme_id, r.place_id, COUNT(DISTINCT f.response_id) AS people FROM \
           (SELECT t.response_id, t.question_id, t.theme_id, COUNT(*) AS found FROM consultation_tags t \
              JOIN consultation_questions q ON q.id = t.question_id WHERE q.consultation_id = $1 \
              GROUP BY t.response_id, t.question_id, t.theme_id) f \
         JOIN (SELECT v.response_id, v.question_id, COUNT(*) AS readers FROM consultation_reviews v \
              JOIN consultation_questions q ON q.id = v.question_id WHERE q.consultation_id = $1 \
              GROUP BY v.response_id, v.question_id) d \
           ON d.response_id = f.response_id AND d.question_id = f.question_id \
         JOIN consultation_responses r ON r.id = f.response_id \
         WHERE 2 * f.found >= d.readers \
         GROUP BY f.theme_id, r.place_id",
        consultation_id,
        |row| Ok((row.text("theme_id")?, row.opt_text("place_id")?, row.int("people")?)),
    )
    .await
}

/// Free-text answers no analyst has read yet.
pub async fn unread(store: &Store, consultation_id: &str) -> Result<i64, StoreError> {
    // Free-text answers less those read at least once (every review is of a free-text answer).
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM consultation_answers a JOIN consultation_questions q ON q.id = a.question_id \
                 WHERE q.consultation_id = $1 AND q.kind = 'free_text') \
              - (SELECT COUNT(*) FROM (SELECT DISTINCT v.response_id, v.question_id FROM consultation_reviews v \
                 JOIN consultation_questions q ON q.id = v.question_id WHERE q.consultation_id = $1) done)",
    )
    .bind(consultation_id)
    .fetch_one(store.pool())
    .await?)
}

/// The reviews and tags of the answers two or more analysts read (what agreement is measured
/// over): (response, question, analyst) and (response, question, analyst, theme).
#[allow(clippy::type_complexity)]
pub async fn double_read(
    store: &Store,
    consultation_id: &str,
) -> Result<
    (
        Vec<(String, String, String)>,
        Vec<(String, String, String, String)>,
    ),
    StoreError,
> {
    const SHARED: &str = "(SELECT v2.response_id, v2.question_id FROM consultation_reviews v2 \
         JOIN consultation_questions q ON q.id = v2.question_id WHERE q.consultation_id = $1 \
         GROUP BY v2.response_id, v2.question_id HAVING COUNT(*) >= 2) m";
    let reviews = all_by(
        store,
        &format!("SELECT v.response_id, v.question_id, v.analyst_id FROM consultation_reviews v JOIN {SHARED} \
                  ON m.response_id = v.response_id AND m.question_id = v.question_id"),
        consultation_id,
        |row| Ok((row.text("response_id")?, row.text("question_id")?, row.text("analyst_id")?)),
    )
    .await?;
    let tags = all_by(
        store,
        &format!("SELECT t.response_id, t.question_id, t.analyst_id, t.theme_id FROM consultation_tags t JOIN {SHARED} \
                  ON m.response_id = t.response_id AND m.question_id = t.question_id"),
        consultation_id,
        |row| Ok((row.text("response_id")?, row.text("question_id")?, row.text("analyst_id")?, row.text("theme_id")?)),
    )
    .await?;
    Ok((reviews, tags))
}
