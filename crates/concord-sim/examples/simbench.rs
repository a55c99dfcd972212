//! Runs models for the benchmarks (`bench/sim.py`, `bench/whole_system.sh`), printing one JSON line.
//!
//! `simbench MODEL.toml`: one thread, the model's own settings; the events simulated, the wall time
//! and each node's mean wait, so the peers' figures can be set beside it. Events are counted as
//! `bench/sim.py` counts the peers' (`events`: an arrival at a node and a service completion for
//! each person seen at each node, so a move from one node to the next is two), and as the engine
//! counts them (`engine_events`: one per event taken from its heap, a move being one).
//!
//! `simbench --compare REPLICATIONS BASE.toml SCENARIO.toml ...`: the base and every scenario on
//! common random numbers with REPLICATIONS each, on every core, as `concord sim compare` does; the
//! events, the wall time and the first scenario's ledger lines.
//!
//! `cargo run --release -p concord-sim --example simbench -- ...`

fn read(path: &str) -> concord_sim::Model {
    let text = std::fs::read_to_string(path).expect("the model file");
    concord_sim::Model::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--compare") {
        let replications: u32 = args[1].parse().expect("replications");
        let base = read(&args[2]);
        let scenarios: Vec<(String, concord_sim::Model)> =
            args[3..].iter().map(|p| (p.clone(), read(p))).collect();
        let started = std::time::Instant::now();
        let comparison = concord_sim::compare(
            &base,
            &scenarios,
            concord_sim::RunOptions {
                replications: Some(replications),
                ..Default::default()
            },
        )
        .expect("the comparison");
        let seconds = started.elapsed().as_secs_f64();
        let events: u64 = comparison.base.events
            + comparison
                .scenarios
                .iter()
                .map(|s| s.results.events)
                .sum::<u64>();
        println!(
            "{{\"models\": {}, \"replications\": {replications}, \"events\": {events}, \"seconds\": {seconds}}}",
            scenarios.len() + 1
        );
        return;
    }
    let path = args.first().expect("usage: simbench MODEL.toml");
    let model = read(path);
    let started = std::time::Instant::now();
    let result = concord_sim::run(
        &model,
        concord_sim::RunOptions {
            threads: Some(1),
            ..Default::default()
        },
    )
    .expect("the run");
    let seconds = started.elapsed().as_secs_f64();
    let visits: f64 = result
        .nodes
        .iter()
        .map(|n| n.seen.mean * model.run.length)
        .sum();
    let waits: Vec<String> = result
        .nodes
        .iter()
        .map(|n| format!("\"{}\": {}", n.name, n.wait.mean))
        .collect();
    println!(
        "{{\"events\": {}, \"engine_events\": {}, \"seconds\": {seconds}, \"waits\": {{{}}}}}",
        2 * visits.round() as u64,
        result.events,
        waits.join(", ")
    );
}
