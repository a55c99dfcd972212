//! How far what was promised has got: for a theme whose "we did" led to a programme, the
//! programme's milestones rolled up as Decidim's accountability results are (a status, how many
//! of how many are done, and a timeline), so the public can follow the promise after the
//! consultation closes. Counts, not a computed percentage of effort: milestones differ in size.

use chrono::NaiveDate;
use serde::Serialize;

crate::vocabulary! {
    /// Where a promise stands.
    PromiseStatus {
        NotStarted => ("not_started", "Not started"),
        OnTrack => ("on_track", "Under way"),
        Behind => ("behind", "Under way, some milestones late"),
        Done => ("done", "Done"),
    }
}

/// One milestone as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What will be done.
    pub title: String,
    /// When it is due now (the forecast).
    pub due_on: NaiveDate,
    /// When it was done, if it was.
    pub done_on: Option<NaiveDate>,
}

/// A promise's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Where it stands.
    pub status: PromiseStatus,
    /// Milestones done.
    pub done: usize,
    /// Milestones in all.
    pub total: usize,
    /// Done as a whole percentage of milestones (rounded down, so 100 only when all are).
    pub percent: u8,
    /// The milestones, by due date.
    pub steps: Vec<Step>,
}

/// The progress of a programme with `steps`, as of `today`; none without milestones.
pub fn progress(mut steps: Vec<Step>, today: NaiveDate) -> Option<Progress> {
    if steps.is_empty() {
        return None;
    }
    steps.sort_by(|a, b| (a.due_on, &a.title).cmp(&(b.due_on, &b.title)));
    let total = steps.len();
    let done = steps.iter().filter(|s| s.done_on.is_some()).count();
    let late = steps
        .iter()
        .any(|s| s.done_on.is_none() && s.due_on < today);
    let status = if done == total {
        PromiseStatus::Done
    } else if late {
        PromiseStatus::Behind
    } else if done == 0 && steps[0].due_on > today {
        PromiseStatus::NotStarted
    } else {
        PromiseStatus::OnTrack
    };
    Some(Progress {
        status,
        done,
        total,
        percent: u8::try_from(done * 100 / total).unwrap_or(100),
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn step(due: NaiveDate, done: Option<NaiveDate>) -> Step {
        Step {
            title: format!("due {due}"),
            due_on: due,
            done_on: done,
        }
    }

    #[test]
    fn status_and_share_from_the_milestones() {
        let today = day(6, 1);
        assert_eq!(progress(vec![], today), None);
        let p = progress(
            vec![
                step(day(9, 1), None),
                step(day(3, 1), Some(day(3, 2))),
                step(day(7, 1), None),
            ],
            today,
        )
        .unwrap();
        assert_eq!((p.done, p.total, p.percent), (1, 3, 33));
        assert_eq!(p.status, PromiseStatus::OnTrack);
        assert_eq!(p.steps[0].due_on, day(3, 1), "by due date");
        let late = progress(
            vec![step(day(5, 1), None), step(day(3, 1), Some(day(3, 1)))],
            today,
        )
        .unwrap();
        assert_eq!(late.status, PromiseStatus::Behind);
        let later = progress(vec![step(day(7, 1), None)], today).unwrap();
        assert_eq!(later.status, PromiseStatus::NotStarted);
        let done = progress(vec![step(day(5, 1), Some(day(5, 2)))], today).unwrap();
        assert_eq!((done.status, done.percent), (PromiseStatus::Done, 100));
        // 199 of 200 is 99%, never rounded up to a promise kept.
        let nearly: Vec<Step> = (0..200)
            .map(|i| step(day(1, 1), (i > 0).then(|| day(1, 2))))
            .collect();
        assert_eq!(progress(nearly, today).unwrap().percent, 99);
    }
}
