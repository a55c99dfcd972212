//! The synthetic population against published figures, read back through the real ingest path.

use concord_population::cohort::measures::Measures;
use concord_population::efi::{EfiCodelist, Frailty};
use concord_population::ingest::Ingest;
use concord_population::picture::Picture;
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use concord_population::table::epoch_days;
use concord_synth::tables::{CONDITIONS, ENGLAND_AGE_SEX};
use concord_synth::{generate, SynthOptions, SynthPlace, SynthSystem};
use std::path::Path;

fn system() -> SynthSystem {
    let place =
        |name: &str, area: &str, trust: &str, letter: char, deprivation: [f64; 10]| SynthPlace {
            name: name.into(),
            weight: 1.0,
            postcode_area: area.into(),
            deprivation,
            practices: (1..=4).map(|i| format!("{letter}8100{i}")).collect(),
            trust: trust.into(),
        };
    SynthSystem {
        gp_source: "QRV".into(),
        places: vec![
            place("City", "RV", "RRV", 'M', [0.1; 10]),
            place("Coast", "NM", "RNM", 'N', [0.1; 10]),
        ],
        given_female: vec!["Ann".into(), "Beth".into()],
        given_male: vec!["Carl".into(), "Dev".into()],
        family: vec!["Smith".into(), "Khan".into()],
    }
}

fn options(people: usize, seed: u64) -> SynthOptions {
    SynthOptions {
        people,
        seed,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    }
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        files.push((
            entry.strip_prefix(dir).unwrap().display().to_string(),
            std::fs::read(&entry).unwrap(),
        ));
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(&system(), &options(300, 7), a.path()).unwrap();
    generate(&system(), &options(300, 7), b.path()).unwrap();
    generate(&system(), &options(300, 8), c.path()).unwrap();
    assert_eq!(read_all(a.path()), read_all(b.path()));
    assert_ne!(read_all(a.path()), read_all(c.path()));
}

/// 20,000 people through ingest, the picture and the measures.
fn ingested(people: usize) -> (tempfile::TempDir, Picture, Measures) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("synth");
    let summary = generate(&system(), &options(people, 2026), &out).unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let key = PseudonymKey::generate();
    let lookup =
        LsoaLookup::from_csv(std::fs::File::open(out.join("reference/postcodes.csv")).unwrap())
            .unwrap();
    for (sub, source) in &summary.sources {
        let files: Vec<_> = walk(&out.join(sub));
        let report = Ingest::new(&store, &key, &lookup, source)
            .unwrap()
            .run(&files, &mut |_| {})
            .unwrap();
        let manifest = report.manifest.unwrap();
        assert_eq!(manifest.rejected, 0, "{sub}: {:?}", report.first_rejections);
    }
    let picture = Picture::load(&store).unwrap();
    let measures = Measures::compute(
        &picture,
        &EfiCodelist::built_in(),
        epoch_days("2026-10-31").unwrap(),
    );
    (dir, picture, measures)
}

#[test]
fn ages_prevalences_and_frailty_follow_the_published_figures() {
    let (_dir, picture, measures) = ingested(20_000);
    assert_eq!(
        picture.len(),
        20_000,
        "GP and hospital records link to one person each"
    );
    // Age: the share aged 65 and over, against ONS's England table.
    let england_65: f64 = ENGLAND_AGE_SEX
        .iter()
        .filter(|b| b.0 >= 65)
        .map(|b| b.1 + b.2)
        .sum::<f64>()
        / ENGLAND_AGE_SEX.iter().map(|b| b.1 + b.2).sum::<f64>();
    let older: Vec<usize> = (0..picture.len())
        .filter(|&p| measures.age[p].is_some_and(|a| a >= 65))
        .collect();
    let share = older.len() as f64 / picture.len() as f64;
    assert!(
        (share - england_65).abs() < 0.015,
        "65+: {share:.3} against {england_65:.3}"
    );
    // Register prevalences against QOF, for the four commonest registers (deprivation and frailty
    // lift them a little, so within a quarter).
    for register in ["Hypertension", "Diabetes mellitus", "Asthma", "Depression"] {
        let c = CONDITIONS.iter().find(|c| c.register == register).unwrap();
        let code = picture.codes.get(c.code).unwrap();
        let eligible: Vec<usize> = (0..picture.len())
            .filter(|&p| measures.age[p].is_some_and(|a| u32::from(a) >= c.age_min))
            .collect();
        let cases = eligible
            .iter()
            .filter(|&&p| picture.events(p).any(|e| picture.code[e] == code))
            .count();
        let prevalence = 100.0 * cases as f64 / eligible.len() as f64;
        assert!(
            (prevalence / c.prevalence_percent - 1.0).abs() < 0.25,
            "{register}: {prevalence:.1}% against QOF {}%",
            c.prevalence_percent
        );
    }
    // eFI categories of the over-65s against Clegg et al. 2016 (about 50% fit, 35% mild, 12%
    // moderate, 3% severe), within 8 points each.
    let share_of = |category: Frailty| {
        older
            .iter()
            .filter(|&&p| Frailty::of_count(usize::from(measures.deficits[p])) == category)
            .count() as f64
            / older.len() as f64
    };
    for (category, published) in [
        (Frailty::Fit, 0.50),
        (Frailty::Mild, 0.35),
        (Frailty::Moderate, 0.12),
        (Frailty::Severe, 0.03),
    ] {
        let got = share_of(category);
        assert!(
            (got - published).abs() < 0.08,
            "{category:?}: {got:.3} against {published}"
        );
    }
    // Frailty raises emergency admissions, as it should.
    let admissions = |category: Frailty| {
        let people: Vec<&usize> = older
            .iter()
            .filter(|&&p| Frailty::of_count(usize::from(measures.deficits[p])) == category)
            .collect();
        people
            .iter()
            .map(|&&p| f64::from(measures.emergency_admissions[p]))
            .sum::<f64>()
            / people.len() as f64
    };
    assert!(admissions(Frailty::Severe) > 2.0 * admissions(Frailty::Fit));
}
