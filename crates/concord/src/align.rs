//! `concord align`: the consensus ranking, partner agreement and contested areas from a CSV of rankings.

use anyhow::{Context, Result};
use concord_align::{alignment_report, AlignmentReport, Profile};
use std::fmt::Write as _;
use std::path::Path;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables for people.
    Text,
    /// The whole report as JSON.
    Json,
}

/// Reads `input` (CSV: partner, area, rank[, partner_type]) and prints the report.
pub fn run(input: &Path, format: Format) -> Result<()> {
    let file = std::fs::File::open(input)
        .with_context(|| format!("could not open {}", input.display()))?;
    let profile = Profile::from_csv(file, None)
        .with_context(|| format!("{} is not a valid rankings file", input.display()))?;
    let report = alignment_report(&profile, &profile.groups);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", text(&report)),
    }
    Ok(())
}

fn text(report: &AlignmentReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Consensus ranking (Schulze method, {} partners):",
        report.partners.len()
    );
    for place in &report.consensus.ranking {
        let _ = writeln!(out, "  {:>3}. {}", place.position, place.area);
    }
    let _ = writeln!(out, "  (Areas the method does not separate share a place.)");
    if let Some(words) = report.consensus.unordered_in_words() {
        let _ = writeln!(out, "  {words}");
    }
    let _ = writeln!(
        out,
        "\nAgreement between partners (Kendall's tau-b on the areas both ranked; - = undefined):"
    );
    let width = report
        .partners
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (i, partner) in report.partners.iter().enumerate() {
        let cells: Vec<String> = report.agreement[i]
            .iter()
            .map(|t| {
                t.map(|v| format!("{v:>6.2}"))
                    .unwrap_or_else(|| "     -".into())
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<width$} {}",
            truncate(partner, width),
            cells.join("")
        );
    }
    if !report.by_group.is_empty() {
        let _ = writeln!(out, "\nAgreement by partner type (mean tau-b):");
        for g in &report.by_group {
            let mean = g
                .mean_tau_b
                .map(|m| format!("{m:.2}"))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                out,
                "  {} / {}: {} over {} pairs",
                g.group_a, g.group_b, mean, g.pairs
            );
        }
    }
    let _ = writeln!(
        out,
        "\nMost contested areas (spread of normalised positions; 0 = full agreement, 0.5 = split):"
    );
    for area in report.areas.iter().take(5) {
        let _ = writeln!(
            out,
            "  {:<40} spread {:.2}, mean position {:.2}, ranked by {}",
            truncate(&area.area, 40),
            area.spread,
            area.mean_position,
            area.ranked_by
        );
    }
    let _ = writeln!(out);
    for statement in &report.statements {
        let _ = writeln!(out, "{statement}");
    }
    out
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars()
            .take(width.saturating_sub(1))
            .chain(['…'])
            .collect()
    }
}
