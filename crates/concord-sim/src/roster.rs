//! Rosters: when a node's staff are on duty. A roster is a list of sessions, each on some
//! weekdays from one time of day to a later one with a number of staff (part-time staff have
//! sessions of their own; overlapping sessions add up), closed on England and Wales bank holidays
//! (unless the roster says otherwise) and on any dates it lists (leave, training days).
//!
//! A session's staff start no one outside it: someone being seen when it ends is seen to the end
//! (the overrun is reported as overtime), and no one else starts until the next session.

use crate::calendar::{is_bank_holiday, Calendar};
use chrono::NaiveDate;
use serde::Deserialize;

/// The most sessions a roster may list.
pub const MAX_SESSIONS: usize = 200;

/// A roster as written in a model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterSpec {
    /// The sessions.
    pub session: Vec<SessionSpec>,
    /// Closed on England and Wales bank holidays (default true; needs the run's start date).
    #[serde(default)]
    pub bank_holidays: Option<bool>,
    /// Other dates the node is closed, YYYY-MM-DD.
    #[serde(default)]
    pub closed: Vec<String>,
}

/// A session as written: `{ days = ["mon", "thu"], from = "09:00", to = "12:20", staff = 2 }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    /// Weekdays: mon, tue, wed, thu, fri, sat, sun, or "weekdays" or "every day".
    pub days: Vec<String>,
    /// When it starts, HH:MM.
    pub from: String,
    /// When it ends, HH:MM (24:00 is midnight at the day's end).
    pub to: String,
    /// Staff on duty in it (default 1).
    #[serde(default)]
    pub staff: Option<i64>,
}

/// A roster ready to run: per weekday, the changes in the number on duty over an open day.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// Per weekday (Monday first): (time into the day in time units, staff on duty from then).
    pub week: [Vec<(f64, u32)>; 7],
    /// Closed on bank holidays.
    pub bank_holidays: bool,
    /// Other closed dates.
    pub closed: Vec<NaiveDate>,
    /// The most on duty at once.
    pub most: u32,
    /// Per weekday, staff-sessions that day (a session with two staff counts twice).
    pub staff_sessions: [u32; 7],
}

fn weekdays(name: &str) -> Result<Vec<usize>, String> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => vec![0],
        "tue" | "tuesday" => vec![1],
        "wed" | "wednesday" => vec![2],
        "thu" | "thursday" => vec![3],
        "fri" | "friday" => vec![4],
        "sat" | "saturday" => vec![5],
        "sun" | "sunday" => vec![6],
        "weekdays" => vec![0, 1, 2, 3, 4],
        "every day" | "daily" => (0..7).collect(),
        other => {
            return Err(format!(
                "\"{other}\" is not a day: use mon, tue, wed, thu, fri, sat, sun, weekdays or every day"
            ))
        }
    })
}

/// Hours into the day of "HH:MM" (00:00 to 24:00).
fn clock(text: &str) -> Result<f64, String> {
    let bad = || format!("\"{text}\" is not a time of day written HH:MM");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(f64::from(h) + f64::from(m) / 60.0)
}

impl RosterSpec {
    /// The roster, or what is wrong with it. `per_day` is time units a day; `dated` whether the
    /// run has a start date (bank holidays and closed dates need one).
    pub fn to_roster(&self, per_day: f64, dated: bool) -> Result<Roster, String> {
        if self.session.is_empty() {
            return Err("a roster needs at least one session".into());
        }
        if self.session.len() > MAX_SESSIONS {
            return Err(format!("a roster may list at most {MAX_SESSIONS} sessions"));
        }
        let bank_holidays = self.bank_holidays.unwrap_or(dated);
        if (bank_holidays || !self.closed.is_empty()) && !dated {
            return Err(
                "bank holidays and closed dates need the run's start date ([run] start = \"YYYY-MM-DD\")"
                    .into(),
            );
        }
        let mut changes: [Vec<(f64, i64)>; 7] = Default::default();
        let mut staff_sessions = [0u32; 7];
        for (n, session) in self.session.iter().enumerate() {
            let which = |m: String| format!("session {}: {m}", n + 1);
            let (from, to) = (
                clock(&session.from).map_err(which)?,
                clock(&session.to).map_err(which)?,
            );
            if to <= from {
                return Err(which(format!(
                    "it must end after it starts ({} to {})",
                    session.from, session.to
                )));
            }
            let staff = session.staff.unwrap_or(1);
            if !(1..=100_000).contains(&staff) {
                return Err(which(format!(
                    "staff must be from 1 to 100,000 (it is {staff})"
                )));
            }
            if session.days.is_empty() {
                return Err(which("name at least one day".into()));
            }
            for day in &session.days {
                for d in weekdays(day).map_err(which)? {
                    changes[d].push((from * per_day / 24.0, staff));
                    changes[d].push((to * per_day / 24.0, -staff));
                    staff_sessions[d] += u32::try_from(staff).unwrap_or(u32::MAX);
                }
            }
        }
        let mut most = 0;
        let week = changes.map(|mut day| {
            day.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut level = 0i64;
            let mut out: Vec<(f64, u32)> = Vec::with_capacity(day.len());
            for (t, delta) in day {
                level += delta;
                let on = u32::try_from(level.max(0)).unwrap_or(u32::MAX);
                most = most.max(on);
                match out.last_mut() {
                    Some(last) if last.0 == t => last.1 = on,
                    _ => out.push((t, on)),
                }
            }
            out
        });
        let mut closed = Vec::with_capacity(self.closed.len());
        for text in &self.closed {
            closed.push(
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("closed: \"{text}\" is not a date written YYYY-MM-DD"))?,
            );
        }
        closed.sort_unstable();
        Ok(Roster {
            week,
            bank_holidays,
            closed,
            most,
            staff_sessions,
        })
    }
}

impl Roster {
    /// Whether day `day` of the run is closed.
    pub fn is_closed(&self, calendar: &Calendar, day: i64) -> bool {
        match calendar.date(day) {
            Some(date) => {
                (self.bank_holidays && is_bank_holiday(date))
                    || self.closed.binary_search(&date).is_ok()
            }
            None => false,
        }
    }

    /// The changes in staff on duty on day `day` (absolute times), with the staff-sessions that
    /// day; nothing on a closed day.
    pub fn changes_on(&self, calendar: &Calendar, day: i64) -> (Vec<(f64, u32)>, u32) {
        if self.is_closed(calendar, day) {
            return (Vec::new(), 0);
        }
        let base = day as f64 * calendar.per_day;
        let weekday = calendar.weekday(day);
        let out = self.week[weekday]
            .iter()
            .map(|&(t, on)| (base + t, on))
            .collect();
        (out, self.staff_sessions[weekday])
    }

    /// Staff-time on duty a week when no day is closed, in time units.
    pub fn staff_time_a_week(&self) -> f64 {
        self.week
            .iter()
            .map(|day| {
                day.windows(2)
                    .map(|w| (w[1].0 - w[0].0) * f64::from(w[0].1))
                    .sum::<f64>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> RosterSpec {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn overlapping_sessions_add_up_and_closed_days_have_none() {
        let roster = spec(
            r#"
            closed = ["2026-12-29"]
            [[session]]
            days = ["weekdays"]
            from = "09:00"
            to = "12:00"
            staff = 2
            [[session]]
            days = ["tue"]
            from = "11:00"
            to = "13:00"
            "#,
        )
        .to_roster(24.0, true)
        .unwrap();
        assert_eq!(
            roster.week[1],
            vec![(9.0, 2), (11.0, 3), (12.0, 1), (13.0, 0)]
        );
        assert_eq!(roster.week[5], vec![]);
        assert_eq!(roster.most, 3);
        assert_eq!(roster.staff_time_a_week(), 5.0 * 6.0 + 2.0);
        let calendar = Calendar {
            per_day: 24.0,
            start: NaiveDate::from_ymd_opt(2026, 12, 21),
        };
        // Friday 25 December and Monday 28 December are bank holidays; the 29th is closed.
        assert!(roster.changes_on(&calendar, 4).0.is_empty());
        assert!(roster.changes_on(&calendar, 7).0.is_empty());
        assert!(roster.changes_on(&calendar, 8).0.is_empty());
        let (wednesday, starts) = roster.changes_on(&calendar, 9);
        assert_eq!(
            wednesday,
            vec![(9.0 * 24.0 + 9.0, 2), (9.0 * 24.0 + 12.0, 0)]
        );
        assert_eq!(starts, 2);
    }

    #[test]
    fn bad_rosters_say_what_is_wrong() {
        let bad = |text: &str| spec(text).to_roster(24.0, true).unwrap_err();
        assert!(
            bad("[[session]]\ndays = [\"mon\"]\nfrom = \"12:00\"\nto = \"09:00\"")
                .contains("end after it starts")
        );
        assert!(
            bad("[[session]]\ndays = [\"funday\"]\nfrom = \"09:00\"\nto = \"12:00\"")
                .contains("funday")
        );
        assert!(
            bad("[[session]]\ndays = [\"mon\"]\nfrom = \"9\"\nto = \"12:00\"").contains("HH:MM")
        );
        assert!(
            spec("[[session]]\ndays = [\"mon\"]\nfrom = \"09:00\"\nto = \"12:00\"")
                .to_roster(24.0, false)
                .is_ok()
        );
        assert!(spec(
            "bank_holidays = true\n[[session]]\ndays = [\"mon\"]\nfrom = \"09:00\"\nto = \"12:00\""
        )
        .to_roster(24.0, false)
        .unwrap_err()
        .contains("start date"));
    }
}
