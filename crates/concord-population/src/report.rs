//! What an ingest reports as it goes (progress) and what it refused, shared by the stages of an
//! ingest (reading, staging, finishing) so that none of them imports another to say so.

/// How far an ingest has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Hashing the input files: bytes done of the total.
    Hashing {
        /// Bytes hashed.
        done: u64,
        /// Bytes to hash.
        total: u64,
    },
    /// Reading the files to ingest: bytes done of the total.
    Reading {
        /// Bytes read.
        done: u64,
        /// Bytes to read.
        total: u64,
    },
    /// Sorting and writing the buckets.
    Writing {
        /// Buckets written.
        done: u64,
        /// Buckets in all.
        total: u64,
    },
}

/// A line that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The file, as given.
    pub file: String,
    /// The line (from 1).
    pub line: u64,
    /// The field at fault, or `line` for the whole line.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// How many refused lines a report carries (the rest are in `rejections.csv`).
pub(crate) const FIRST_REJECTIONS: usize = 20;
