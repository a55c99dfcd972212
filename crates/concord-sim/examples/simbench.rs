//! Runs a model file once for the benchmark (`bench/sim.py`): one thread, the model's own
//! settings, printing one JSON line with the events simulated, the CPU-free wall time and the
//! first node's mean wait, so the peers' figures can be set beside it.
//!
//! `cargo run --release -p concord-sim --example simbench -- MODEL.toml`

fn main() {
    let path = std::env::args().nth(1).expect("usage: simbench MODEL.toml");
    let text = std::fs::read_to_string(&path).expect("the model file");
    let model = concord_sim::Model::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
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
    let waits: Vec<String> = result
        .nodes
        .iter()
        .map(|n| format!("\"{}\": {}", n.name, n.wait.mean))
        .collect();
    println!(
        "{{\"events\": {}, \"seconds\": {seconds}, \"waits\": {{{}}}}}",
        result.events,
        waits.join(", ")
    );
}
