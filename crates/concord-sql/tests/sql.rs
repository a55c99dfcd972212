//! SQL over an ingested store, checked against the cohort engine's own reading of the same files:
//! two engines, one answer.

use concord_population::cohort::definition::parse;
use concord_population::cohort::eval::Evaluator;
use concord_population::cohort::measures::{Measures, Reference};
use concord_population::efi::EfiCodelist;
use concord_population::ingest::Ingest;
use concord_population::picture::{EventScope, Picture};
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use concord_population::table::epoch_days;
use concord_sql::SqlSession;
use concord_synth::{generate, SynthOptions, SynthPlace, SynthSystem};

fn system() -> SynthSystem {
    SynthSystem {
        gp_source: "QRV".into(),
        places: vec![SynthPlace {
            name: "City".into(),
            weight: 1.0,
            postcode_area: "RV".into(),
            deprivation: [0.1; 10],
            practices: vec!["M81001".into(), "M81002".into()],
            trust: "RRV".into(),
        }],
        given_female: vec!["Ann".into()],
        given_male: vec!["Bob".into()],
        family: vec!["Smith".into()],
    }
}

#[tokio::test]
async fn sql_and_the_cohort_engine_agree_on_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("synth");
    let options = SynthOptions {
        people: 3_000,
        seed: 5,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    };
    let summary = generate(&system(), &options, &out).unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let key = PseudonymKey::generate();
    for (sub, source) in &summary.sources {
        let files: Vec<_> = std::fs::read_dir(out.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        Ingest::new(&store, &key, &LsoaLookup::default(), source)
            .unwrap()
            .run(&files, &mut |_| {})
            .unwrap();
    }
    let session = SqlSession::open(store.root()).await.unwrap();
    let people = session
        .csv("SELECT count(*) AS n FROM people")
        .await
        .unwrap();
    assert_eq!(people.lines().nth(1), Some("3000"), "{people}");
    // People with two or more emergency admissions in the 12 months to 2026-10-31, by SQL...
    let sql = "SELECT count(*) AS n FROM (SELECT e.pseudonym FROM events e JOIN people p ON p.pseudonym = e.pseudonym
        WHERE e.code = '183452005' AND e.class = 'IMP' AND e.date > DATE '2025-10-31' AND e.date <= DATE '2026-10-31'
          AND p.practice IS NOT NULL AND (p.deceased_month IS NULL OR p.deceased_month > DATE '2026-10-31')
        GROUP BY e.pseudonym HAVING count(*) >= 2)";
    let by_sql: u64 = session
        .csv(sql)
        .await
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    // ...and by the cohort engine.
    let picture = Picture::load(&store).unwrap();
    let measures = Measures::compute(
        &picture,
        &EfiCodelist::built_in(),
        epoch_days("2026-10-31").unwrap(),
    );
    let cohort = parse(
        "name = \"x\"\nwhere = \"n >= 2\"\n[codelists]\nadm = [\"183452005\"]\n[variables]\nn = { count = \"adm\", within = \"12 months\", class = \"IMP\" }\n",
        &|_| Err("no".into()),
    )
    .unwrap();
    let by_engine = Evaluator::new(&picture, &Reference::default(), &measures)
        .run(&cohort)
        .cohort;
    assert!(by_sql > 10, "enough to compare: {by_sql}");
    assert_eq!(by_sql, by_engine);
    // Reading only the cohort's codes from disk gives the same answer from far fewer events.
    let scope = cohort.event_scope();
    assert_ne!(scope, EventScope::All);
    let scoped = Picture::load_scoped(&store, &scope).unwrap();
    assert_eq!(scoped.len(), picture.len(), "everyone is still there");
    assert!(scoped.code.len() * 10 < picture.code.len());
    let scoped_measures = Measures::compute(
        &scoped,
        &EfiCodelist::built_in(),
        epoch_days("2026-10-31").unwrap(),
    );
    assert_eq!(
        Evaluator::new(&scoped, &Reference::default(), &scoped_measures)
            .run(&cohort)
            .cohort,
        by_sql
    );
    // A bad statement is an error, not a panic.
    assert!(session.query("SELECT nonsense FROM nowhere").await.is_err());
}
