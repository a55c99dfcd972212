//! `concord spc`: a Making Data Count XmR chart of one series in a CSV file, as JSON, CSV or SVG.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use concord_measure::spc::input::{parse_date, read_series, DatedValue};
use concord_measure::spc::svg::{render, ChartLabels};
use concord_measure::spc::{
    xmr, Assurance, ImprovementDirection, PointType, Profile, SpcOptions, SpcRule, VariationIcon,
    XmrChart,
};
use serde::Serialize;
use std::path::PathBuf;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The chart's groups and points as JSON.
    Json,
    /// One row per point.
    Csv,
    /// The chart, drawn.
    Svg,
}

/// Improvement directions, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Direction {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
    /// Neither.
    Neutral,
}

/// The arguments of `concord spc`.
#[derive(Debug, Args)]
pub struct SpcArgs {
    /// The CSV file (with a header row).
    #[arg(long)]
    input: PathBuf,
    /// The column holding the values.
    #[arg(long, default_value = "value")]
    value_column: String,
    /// The column holding the dates (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY).
    #[arg(long, default_value = "date")]
    date_column: String,
    /// Which way is better.
    #[arg(long, value_enum, default_value = "increase")]
    improvement: Direction,
    /// The target, for the assurance icon (negative targets are written as they are: `--target -3`).
    #[arg(long, allow_negative_numbers = true)]
    target: Option<f64>,
    /// Dates at which the process changed: each starts a new group with its own limits.
    #[arg(long, value_delimiter = ',')]
    rebase: Vec<String>,
    /// Keep every moving range (as the Making Data Count Excel tool does).
    #[arg(long)]
    no_screen_outliers: bool,
    /// Fix each group's mean and limits after its first N points (N ≥ 12).
    #[arg(long, value_name = "N")]
    fix_after: Option<usize>,
    /// The methodology profile: nhsrplotthedots-0.2.2 (the default) or mdc-2023.
    #[arg(long, default_value = "nhsrplotthedots-0.2.2")]
    profile: String,
    /// Points in a trend (6 to 8).
    #[arg(long, default_value_t = 7)]
    trend_length: usize,
    /// Points in a shift (6 to 8).
    #[arg(long, default_value_t = 7)]
    shift_length: usize,
    /// The chart's title (SVG); the value column's name if not given.
    #[arg(long)]
    title: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

/// The JSON output: the chart with dates.
#[derive(Debug, Serialize)]
struct Output<'a> {
    profile: &'a str,
    improvement: ImprovementDirection,
    target: Option<f64>,
    screen_outliers: bool,
    fix_after: Option<usize>,
    variation_icon: VariationIcon,
    assurance: Option<Assurance>,
    groups: Vec<GroupOutput>,
    points: Vec<PointOutput>,
}

#[derive(Debug, Serialize)]
struct GroupOutput {
    start: String,
    end: String,
    n: usize,
    mean: f64,
    lpl: f64,
    upl: f64,
    lower_two_sigma: f64,
    upper_two_sigma: f64,
    mean_moving_range: f64,
    screened_moving_ranges: usize,
    baseline_points: usize,
    short_group_warning: bool,
}

#[derive(Debug, Serialize)]
struct PointOutput {
    date: String,
    value: f64,
    mean: f64,
    lpl: f64,
    upl: f64,
    rule: Option<SpcRule>,
    point_type: PointType,
}

fn options(args: &SpcArgs, rows: &[DatedValue]) -> Result<SpcOptions> {
    let profile =
        Profile::from_id(&args.profile)?.with_run_lengths(args.trend_length, args.shift_length)?;
    let mut rebase_at = Vec::new();
    for text in &args.rebase {
        let date = parse_date(text).ok_or_else(|| anyhow!("--rebase: '{text}' is not a date"))?;
        let Some(at) = rows.iter().position(|r| r.date == date) else {
            bail!("--rebase: {date} matches no date in the input");
        };
        if at == 0 {
            bail!("--rebase: {date} is the first date; a rebase starts a new group after it");
        }
        rebase_at.push(at);
    }
    Ok(SpcOptions {
        improvement: match args.improvement {
            Direction::Increase => ImprovementDirection::Increase,
            Direction::Decrease => ImprovementDirection::Decrease,
            Direction::Neutral => ImprovementDirection::Neutral,
        },
        target: args.target,
        rebase_at,
        screen_outliers: !args.no_screen_outliers,
        fix_after: args.fix_after,
        profile,
    })
}

/// Reads the series, charts it and prints it in the chosen format.
pub fn run(args: &SpcArgs) -> Result<()> {
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("could not open {}", args.input.display()))?;
    let rows = read_series(file, &args.date_column, &args.value_column)
        .with_context(|| format!("{} is not a valid series file", args.input.display()))?;
    let options = options(args, &rows)?;
    let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
    let chart = xmr(&values, &options)?;
    let dates: Vec<String> = rows.iter().map(|r| r.date.to_string()).collect();
    print!("{}", format(&chart, &dates, &options, args)?);
    Ok(())
}

/// A note of the options that shaped the limits, for the chart's subtitle.
pub fn options_note(options: &SpcOptions) -> String {
    let mut notes = Vec::new();
    if let Some(n) = options.fix_after {
        notes.push(format!("limits fixed after {n} points"));
    }
    if !options.screen_outliers {
        notes.push("moving ranges not screened".to_string());
    }
    notes.join(" · ")
}

fn format(
    chart: &XmrChart,
    dates: &[String],
    options: &SpcOptions,
    args: &SpcArgs,
) -> Result<String> {
    Ok(match args.format {
        Format::Svg => {
            let labels = ChartLabels {
                title: args
                    .title
                    .clone()
                    .unwrap_or_else(|| args.value_column.clone()),
                unit: String::new(),
                x_labels: dates.to_vec(),
                note: options_note(options),
                events: Vec::new(),
            };
            render(chart, &labels) + "\n"
        }
        Format::Json => {
            let output = Output {
                profile: &chart.profile,
                improvement: chart.improvement,
                target: chart.target,
                screen_outliers: options.screen_outliers,
                fix_after: options.fix_after,
                variation_icon: chart.variation_icon,
                assurance: chart.assurance,
                groups: chart
                    .groups
                    .iter()
                    .map(|g| GroupOutput {
                        start: dates[g.start].clone(),
                        end: dates[g.start + g.n - 1].clone(),
                        n: g.n,
                        mean: g.mean,
                        lpl: g.lpl,
                        upl: g.upl,
                        lower_two_sigma: g.lower_two_sigma,
                        upper_two_sigma: g.upper_two_sigma,
                        mean_moving_range: g.mean_moving_range,
                        screened_moving_ranges: g.screened_moving_ranges,
                        baseline_points: g.baseline_points,
                        short_group_warning: g.short_group_warning,
                    })
                    .collect(),
                points: chart
                    .points
                    .iter()
                    .zip(dates)
                    .map(|(p, date)| PointOutput {
                        date: date.clone(),
                        value: p.value,
                        mean: p.mean,
                        lpl: p.lpl,
                        upl: p.upl,
                        rule: p.rule,
                        point_type: p.point_type,
                    })
                    .collect(),
            };
            serde_json::to_string_pretty(&output)? + "\n"
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "date",
                "value",
                "group",
                "mean",
                "lpl",
                "upl",
                "rule",
                "point_type",
                "profile",
            ])?;
            for (p, date) in chart.points.iter().zip(dates) {
                let code = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
                writer.write_record(
                    [
                        date.clone(),
                        p.value.to_string(),
                        (p.group + 1).to_string(),
                        p.mean.to_string(),
                        p.lpl.to_string(),
                        p.upl.to_string(),
                        code(serde_json::to_value(p.rule)?),
                        code(serde_json::to_value(p.point_type)?),
                        chart.profile.clone(),
                    ]
                    .map(|c| concord_domain::export::csv_cell(&c)),
                )?;
            }
            String::from_utf8(writer.into_inner()?)?
        }
    })
}
