//! Where partners' priorities align.
//!
//! Each partner ranks some or all service areas (1 = most important; equal numbers are ties). From
//! those rankings this crate computes:
//! - a **consensus ranking** by the Schulze method ([`schulze`]), which handles partial rankings and
//!   ties, never lets a Condorcet cycle stop a result, and gives the same answer however partners are
//!   ordered;
//! - **pairwise agreement** between partners as Kendall's tau-b on the areas both ranked ([`tau`]);
//! - **contested areas** and **strongest alignments** in plain words ([`report`]).
//!
//! It is pure (no I/O beyond parsing a reader handed to it) so analysts can call it without the web
//! service; `concord align` and the web pages are thin layers over it.

pub mod profile;
pub mod report;
pub mod schulze;
pub mod tau;

pub use profile::{Profile, ProfileError, Ranking};
pub use report::{alignment_report, AlignmentReport};
pub use schulze::{consensus, Consensus};
pub use tau::kendall_tau_b;
