//! The demo's exchange with another system: Riverside and Vale publishes the A&E four-hour
//! metric's definition and benchmark series and its delayed-discharge counts (through the
//! disclosure rule), and a second, fictional system, Northmoor and Dale ICS, publishes a case
//! study (first-contact physiotherapists in general practice, with its waits before and after)
//! and its own A&E four-hour series under the same definition. Northmoor's documents are signed
//! with Northmoor's own key and written as files, then brought in through the real import, which
//! verifies each one against the key pinned for Northmoor.

use crate::DemoError;
use concord_app::listen::exchange::publish::{self, Offer};
use concord_app::listen::exchange::subscribe::{self, PeerDraft};
use concord_app::listen::exchange::ExchangeSettings;
use concord_exchange::content::{BenchmarkSeries, CaseStudy, Cost, MetricDefinition, Point};
use concord_exchange::{sign, Content, Document, Publisher, SystemKey};
use concord_population::disclosure::DisclosureRule;
use concord_store::{exchange, metrics, Actor, Store};
use std::path::Path;

/// The second demo system's name.
pub const NORTHMOOR: &str = "Northmoor and Dale ICS";

/// Publishes Riverside and Vale's documents (when the system has a signing key) and brings in
/// Northmoor and Dale's, writing Northmoor's signed files and public key into `dir`. Does nothing
/// if the demo already has a peer. Returns how many documents were kept from Northmoor.
pub async fn seed_exchange(
    store: &Store,
    settings: &ExchangeSettings,
    rule: &DisclosureRule,
    dir: &Path,
) -> Result<usize, DemoError> {
    if !exchange::peers(store).await?.is_empty() {
        return Ok(0);
    }
    let admin = crate::directory::system_principal(store).await?;
    let actor = Actor::person(&admin, None);
    let failed = |e: concord_store::StoreError| DemoError::Population(format!("the exchange: {e}"));
    if settings.key().is_some() {
        for offer in [
            Offer::MetricDefinition {
                metric: "ae_4hr".into(),
            },
            Offer::BenchmarkSeries {
                metric: "ae_4hr".into(),
            },
            Offer::BenchmarkSeries {
                metric: "delayed_discharges".into(),
            },
        ] {
            publish::publish(store, settings, &admin, &actor, rule, &offer)
                .await
                .map_err(failed)?;
        }
    }

    let ae = metrics::get(store, "ae_4hr").await?;
    let key = SystemKey::generate();
    let publisher = Publisher {
        name: NORTHMOOR.into(),
        url: "https://concord.northmoor-dale.example/.well-known/concord".into(),
    };
    let files = northmoor_documents(&ae)
        .into_iter()
        .map(|(slug, content)| {
            let document = Document {
                kind: content.kind(),
                id: format!("{}/documents/{slug}", publisher.url),
                version: 1,
                published_at: "2026-11-02T10:00:00Z".into(),
                publisher: publisher.clone(),
                content: content.to_value(),
            };
            let signed = sign(document, &key).expect("the demo's documents are well formed");
            (
                format!("{slug}.json"),
                serde_json::to_vec_pretty(&signed).expect("JSON"),
            )
        })
        .collect::<Vec<_>>();
    std::fs::create_dir_all(dir)
        .map_err(|e| DemoError::Population(format!("{}: {e}", dir.display())))?;
    // Like every file the demo writes beside its database, readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| DemoError::Population(format!("{}: {e}", dir.display())))?;
    }
    let public_key = key.public().jwk().to_string();
    for (name, bytes) in
        std::iter::once(("key.pub.jwk".to_string(), public_key.clone().into_bytes()))
            .chain(files.iter().cloned())
    {
        std::fs::write(dir.join(&name), bytes)
            .map_err(|e| DemoError::Population(format!("{}: {e}", dir.join(&name).display())))?;
    }
    let peer = subscribe::add_peer(
        store,
        &admin,
        &actor,
        &PeerDraft {
            name: NORTHMOOR.into(),
            url: String::new(),
            public_key,
        },
    )
    .await
    .map_err(failed)?;
    let imported = subscribe::import_files(store, &admin, &actor, &peer, &files)
        .await
        .map_err(failed)?;
    Ok(imported.added)
}

/// Months from April 2024, as period dates.
fn month(i: usize) -> String {
    let (year, month) = (2024 + (i + 3) / 12, (i + 3) % 12 + 1);
    format!("{year}-{month:02}-01")
}

/// A small, fixed wiggle so the demo's series look measured but never change between runs.
fn wiggle(i: usize, size: f64) -> f64 {
    const STEPS: [f64; 7] = [0.0, 0.6, -0.4, 0.9, -0.8, 0.3, -0.5];
    STEPS[i % STEPS.len()] * size
}

fn northmoor_documents(ae: &metrics::Metric) -> Vec<(&'static str, Content)> {
    let msk = MetricDefinition {
        code: "msk_physio_wait".into(),
        name: "Wait for MSK physiotherapy".into(),
        definition: "Median weeks from referral to first appointment for adults referred to musculoskeletal physiotherapy, by month of first appointment.".into(),
        unit: "weeks".into(),
        improvement_direction: "decrease".into(),
        frequency: "monthly".into(),
        source: "Northmoor and Dale community MSK service (synthetic for the demo)".into(),
    };
    // Twelve months before first-contact physiotherapists joined practices in April 2025, and
    // eighteen after.
    let msk_points = (0..30)
        .map(|i| Point {
            period: month(i),
            value: Some(if i < 12 { 14.0 } else { 7.5 } + wiggle(i, 1.0)),
            withheld: None,
        })
        .collect();
    let study = CaseStudy {
        title: "First-contact physiotherapists in general practice".into(),
        problem: "Adults with back, joint and muscle pain waited about 14 weeks for physiotherapy, and one GP appointment in seven was about a musculoskeletal problem.".into(),
        population: "Adults registered with the 24 practices of three primary care networks in Northmoor (about 190,000 people).".into(),
        partners: vec![
            "Northmoor and Dale ICB".into(),
            "Dale Community Health NHS Trust".into(),
            "Northmoor North, Central and South primary care networks".into(),
        ],
        intervention: "Eight first-contact physiotherapists (band 7), employed by the community trust and based in practices, seeing people who book directly without a GP appointment; the community MSK service kept for people they refer on.".into(),
        started_on: "2025-04-01".into(),
        measure: Some(BenchmarkSeries {
            metric: msk,
            scope: "the three networks".into(),
            population: Some(190_000),
            disclosure_rule: "Not counts of people (weeks): published as measured.".into(),
            points: msk_points,
        }),
        costs: vec![
            Cost { item: "Eight first-contact physiotherapists (band 7, with on-costs)".into(), amount: "496000.00".into(), basis: "per_year".into(), paid_by: "Northmoor and Dale ICB (ARRS)".into() },
            Cost { item: "Training and supervision in the first year".into(), amount: "38500.00".into(), basis: "one_off".into(), paid_by: "Dale Community Health NHS Trust".into() },
        ],
        differently: "Agree how practices book the physiotherapists before they start: two networks took three months to settle their booking rules. Measure GP appointments saved from the first month, not from the sixth.".into(),
        milestones: vec![
            "Agree the model and the host employer".into(),
            "Recruit and train the first-contact physiotherapists".into(),
            "Go live in the first network".into(),
            "Go live in every network".into(),
            "Review the waits and GP appointments after six months".into(),
        ],
    };
    // Their A&E four-hour performance under the very definition Riverside and Vale uses.
    let ae_points = (0..24)
        .map(|i| Point {
            period: month(i),
            value: Some(((71.0 + 0.15 * i as f64 + wiggle(i, 1.2)) * 10.0).round() / 10.0),
            withheld: None,
        })
        .collect();
    let ae_series = BenchmarkSeries {
        metric: MetricDefinition {
            code: "ae_4hr".into(),
            name: ae.name.clone(),
            definition: ae.definition.clone(),
            unit: ae.unit.clone(),
            improvement_direction: ae.improvement_direction.as_str().into(),
            frequency: ae.frequency.as_str().into(),
            source: "NHS England A&E Attendances and Emergency Admissions (synthetic for the demo)"
                .into(),
        },
        scope: "the whole system".into(),
        population: None,
        disclosure_rule: "Not counts of people (%): published as the catalogue holds them.".into(),
        points: ae_points,
    };
    vec![
        ("case-study-fcp-msk", Content::CaseStudy(Box::new(study))),
        ("benchmark-ae_4hr", Content::BenchmarkSeries(ae_series)),
    ]
}
