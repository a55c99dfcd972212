//! The consultation benchmark's Rust half (`bench/consultations.py` runs it in a release build):
//! the demo system in a fresh database (SQLite, or PostgreSQL when `CONCORD_TEST_DATABASE` names
//! a server), then the Joint Forward Plan consultation with N responses loaded and read by
//! analysts through the store's batch writes, then its figures (respondents by every
//! characteristic, choices, and themes by place through the disclosure rule, with analysts'
//! agreement) computed several times. Prints one JSON line of timings.
//!
//! Usage: consultation_bench [RESPONSES] [RUNS]   (default 100000 and 7)

use concord_population::disclosure::DisclosureRule;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let responses: usize = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(7), |a| a.parse())?;
    let store = concord_store::testing::fresh_store().await?;
    concord_demo::seed(&store).await?;
    let started = Instant::now();
    let (id, kept) = concord_demo::load_joint_forward_plan(&store, responses)
        .await?
        .ok_or("the demo has no Joint Forward Plan round")?;
    let load = started.elapsed().as_secs_f64();
    let rule = DisclosureRule::default();
    let mut times = Vec::new();
    let mut themes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let figures = concord_app::listen::figures::figures(&store, &id, &rule).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        themes = figures.themes.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "responses": kept,
            "themes": themes,
            "load_seconds": load,
            "figures_ms": times,
            "figures_median_ms": times[times.len() / 2],
            "database": format!("{:?}", store.backend()),
        })
    );
    Ok(())
}
