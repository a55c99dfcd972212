//! SPC for many series at once, single-threaded: the Measure issue's benchmark (10,000 series of
//! 60 points; goal under 100 ms on one core). Reads the series from a CSV (`series,date,value`, as
//! written by `bench/spc_data.py`, the same file the peer reads), builds each series' XmR chart
//! under the default profile (improvement: increase), and prints JSON timings of whole passes.
//!
//! `cargo bench -p concord-measure --bench spc_batch -- [--input bench/data/spc_10000x60.csv] [--repeat 20]`

use concord_measure::spc::{xmr, ImprovementDirection, SpcOptions};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let input = flag("--input").unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/data/spc_10000x60.csv"
        )
        .into()
    });
    let repeat: usize = flag("--repeat").and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut reader = csv::Reader::from_path(&input)
        .unwrap_or_else(|e| panic!("cannot read {input}: {e} (run bench/spc_data.py first)"));
    let mut by_series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a CSV record");
        let value: f64 = record[2].parse().expect("a number");
        by_series
            .entry(record[0].to_string())
            .or_default()
            .push(value);
    }
    let series: Vec<Vec<f64>> = by_series.into_values().collect();
    let points = series.first().map_or(0, Vec::len);
    let options = SpcOptions {
        improvement: ImprovementDirection::Increase,
        ..SpcOptions::default()
    };
    let mut runs_ms = Vec::with_capacity(repeat);
    let mut special = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        let mut flagged = 0;
        for values in &series {
            let chart = xmr(std::hint::black_box(values), &options).expect("a chart");
            flagged += usize::from(chart.points.iter().any(|p| p.rule.is_some()));
            std::hint::black_box(&chart);
        }
        runs_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        special = flagged;
    }
    let mut sorted = runs_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    println!(
        "{{\"engine\":\"concord-measure {}\",\"profile\":\"{}\",\"series\":{},\"points\":{},\"series_with_special_cause\":{},\"runs_ms\":{:?},\"median_ms\":{:.3},\"min_ms\":{:.3}}}",
        env!("CARGO_PKG_VERSION"),
        concord_measure::spc::Profile::default().name(),
        series.len(),
        points,
        special,
        runs_ms.iter().map(|r| (r * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        median,
        sorted[0]
    );
}
