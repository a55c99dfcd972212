//! Arrivals whose rate varies through the day (sampled by thinning), against the closed form of
//! the M_t/M/infinity queue: the number in service m(t) solves m' = lambda(t) - mu m, which for a
//! rate constant within each hour is m(t) = lambda/mu + (m(t0) - lambda/mu) exp(-mu (t - t0)).
//! And arrivals from a registered population: people by band times consultations a year.

use concord_sim::engine::{replicate_collecting, Collect};
use concord_sim::stats::Estimate;
use concord_sim::{run, Model, RunOptions};

/// Busier in the working day, quiet at night (multipliers of the base rate, by hour).
const BY_HOUR: [f64; 24] = [
    0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1.0, 1.8, 2.2, 2.0, 1.8, 1.5, 1.6, 1.8, 1.7, 1.5, 1.2, 1.0,
    0.8, 0.6, 0.4, 0.3, 0.2,
];
const BASE_RATE: f64 = 20.0;
const MU: f64 = 0.5; // mean service 2 hours

/// The exact mean number in service over each hour of the day, in the periodic steady state.
fn exact_hourly_means() -> [f64; 24] {
    let mut m = 0.0;
    let mut means = [0.0; 24];
    // Run the day's recursion until the number at midnight repeats.
    for _ in 0..200 {
        for (h, multiplier) in BY_HOUR.iter().enumerate() {
            let level = BASE_RATE * multiplier / MU;
            let decay = (-MU).exp();
            // The integral of m over the hour, then m at its end.
            means[h] = level + (m - level) * (1.0 - decay) / MU;
            m = level + (m - level) * decay;
        }
    }
    means
}

#[test]
fn m_t_m_infinity_follows_its_closed_form_hour_by_hour() {
    let hours = BY_HOUR
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "[run]\ntime_unit = \"hour\"\nwarm_up = 48\nlength = 4800\nreplications = 10\nseed = 4\nreport_every = 1\n\n\
         [[source]]\nname = \"calls\"\nto = \"line\"\narrivals = {{ dist = \"poisson\", rate = {BASE_RATE}, by_hour = [{hours}] }}\n\n\
         [[node]]\nname = \"line\"\nservers = 100000\nservice = {{ dist = \"exponential\", mean = {} }}\n",
        1.0 / MU
    );
    let model = Model::from_toml(&text).unwrap();
    let exact = exact_hourly_means();
    // Per replication, the mean number in service in each hour of the day after the warm-up.
    let per_replication: Vec<[f64; 24]> = (0..10)
        .map(|r| {
            let tally = replicate_collecting(
                &model,
                4,
                r,
                Collect {
                    series: true,
                    trace: false,
                },
            );
            let busy: Vec<f64> = tally.nodes[0]
                .series
                .as_ref()
                .unwrap()
                .utilisation
                .iter()
                .map(|u| u * 100_000.0)
                .collect();
            let mut sums = [0.0; 24];
            let mut counts = [0.0; 24];
            for (i, b) in busy.iter().enumerate().skip(48) {
                sums[i % 24] += b;
                counts[i % 24] += 1.0;
            }
            std::array::from_fn(|h| sums[h] / counts[h])
        })
        .collect();
    for h in 0..24 {
        let estimate = Estimate::of(&per_replication.iter().map(|v| v[h]).collect::<Vec<_>>());
        // 24 intervals at once: allow 1.5 half-widths (a 99.9% interval) so one hour's chance
        // miss does not fail a right engine; a wrong shape misses by far more.
        let slack = estimate.half_width() * 1.5;
        assert!(
            (estimate.mean - exact[h]).abs() <= slack,
            "hour {h}: exact {:.3}, simulated {:.3} ± {:.3}",
            exact[h],
            estimate.mean,
            slack
        );
    }
    // The profile really varies: the busiest hour is several times the quietest.
    let (low, high) = exact
        .iter()
        .fold((f64::MAX, 0.0_f64), |(l, h), x| (l.min(*x), h.max(*x)));
    assert!(high > 4.0 * low);
}

#[test]
fn a_registered_population_arrives_at_its_consultation_rate() {
    // A 50,000-patient primary care network: 40,000 under 65 consulting 3 times a year, 10,000
    // aged 65 and over consulting 8 times; 20% of consultations are musculoskeletal.
    let text = r#"
[run]
time_unit = "day"
length = 3650
replications = 5
seed = 2

[[source]]
name = "msk"
to = "gp"
arrivals = { dist = "population", bands = [ { band = "0-64", people = 40000, per_year = 3.0 }, { band = "65+", people = 10000, per_year = 8.0 } ], share = 0.2 }

[[node]]
name = "gp"
servers = 1000
service = { dist = "fixed", value = 0.01 }
"#;
    let result = run(&Model::from_toml(text).unwrap(), RunOptions::default()).unwrap();
    let per_day = (40_000.0 * 3.0 + 10_000.0 * 8.0) * 0.2 / 365.25;
    assert!(
        result.nodes[0].arrivals.contains(per_day),
        "{per_day} outside {:?}",
        result.nodes[0].arrivals
    );
    assert!(result.run_report.arrivals[0].contains("registered population of 50000"));
}
