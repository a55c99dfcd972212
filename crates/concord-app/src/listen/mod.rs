//! Listen and learn: `consultations` (consultations tied to the decisions they inform, public
//! responses and staff-entered ones, themes and their "you said, we did" answers), `figures`
//! (counts by theme, place and group through the disclosure rule, analysts' agreement), `reach`
//! (who responded against who lives in the system, under-heard groups flagged), and
//! `exchange` (signed documents between Concord systems).

pub mod consultations;
pub mod exchange;
pub mod figures;
pub mod reach;
