//! Listen and learn: `consultations` (consultations tied to the decisions they inform, public
//! responses and staff-entered ones, themes and their "you said, we did" answers), `figures`
//! (counts by theme, place and group through the disclosure rule, analysts' agreement),
//! `published` (what the public results page shows, counted at most once a day), `reach`
//! (who responded against who lives in the system, under-heard groups flagged), and
//! `exchange` (signed documents between Concord systems), and `pulse` (the partnership trust
//! pulse: answers kept apart from who gave them, shown only as protected aggregates), and
//! `relationships` (who works with whom, with the pulse on each link).

pub mod consultations;
pub mod exchange;
pub mod figures;
pub mod published;
pub mod pulse;
pub mod reach;
pub mod relationships;
