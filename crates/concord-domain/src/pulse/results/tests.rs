use super::*;
use crate::pulse::PULSE_FLOOR;
use proptest::prelude::*;

/// A respondent from `org` giving each partner the trust score given (each item answered so
/// that the item's score is that number).
fn respondent(org: &str, ratings: &[(&str, u8)]) -> Respondent {
    let mut answers = PulseAnswers::default();
    for p in Principle::ALL {
        answers.principles.insert(*p, 3);
    }
    for (partner, score) in ratings {
        let items = TrustItem::ALL
            .iter()
            .map(|i| (*i, if i.reversed() { 6 - score } else { *score }))
            .collect();
        answers.partners.insert((*partner).to_string(), items);
    }
    Respondent {
        organisation_id: org.to_string(),
        answers,
    }
}

fn many(org: &str, n: usize, ratings: &[(&str, u8)]) -> Vec<Respondent> {
    (0..n).map(|_| respondent(org, ratings)).collect()
}

/// Every way to subtract what is shown in a line from its shown total, worked out from the
/// respondents directly: the people left behind the difference. Independent of `compute`'s own
/// bookkeeping: it rebuilds each figure's respondents from the answers.
fn differences(rs: &[Respondent], results: &PulseResults) -> Vec<(String, BTreeSet<usize>)> {
    let rated = |i: usize, to: &str| rs[i].answers.partners.contains_key(to);
    let mut out = Vec::new();
    // Rows: org's respondents minus those behind shown cells... per line the difference is the
    // respondents behind its withheld cells.
    for (org, total) in &results.rating_given {
        if !total.shown() {
            continue;
        }
        let hidden: BTreeSet<usize> = results
            .cells
            .iter()
            .filter(|c| &c.from == org && !c.figure.shown())
            .flat_map(|c| {
                (0..rs.len()).filter(move |i| rs[*i].organisation_id == c.from && rated(*i, &c.to))
            })
            .collect();
        out.push((format!("row {org}"), hidden));
    }
    for (org, total) in &results.rated_by_partners {
        if !total.shown() {
            continue;
        }
        let hidden: BTreeSet<usize> = results
            .cells
            .iter()
            .filter(|c| &c.to == org && !c.figure.shown())
            .flat_map(|c| {
                (0..rs.len()).filter(move |i| rs[*i].organisation_id == c.from && rated(*i, &c.to))
            })
            .collect();
        out.push((format!("column {org}"), hidden));
    }
    if results.overall.shown() {
        let rows: BTreeSet<usize> = results
            .rating_given
            .iter()
            .filter(|(_, f)| !f.shown())
            .flat_map(|(org, _)| (0..rs.len()).filter(move |i| &rs[*i].organisation_id == org))
            .collect();
        out.push(("rows to overall".into(), rows));
        let columns: BTreeSet<usize> = results
            .rated_by_partners
            .iter()
            .filter(|(_, f)| !f.shown())
            .flat_map(|(org, _)| (0..rs.len()).filter(move |i| rated(*i, org)))
            .collect();
        out.push(("columns to overall".into(), columns));
    }
    out
}

fn assert_protected(rs: &[Respondent], results: &PulseResults) {
    for c in &results.cells {
        if let Some(n) = c.figure.respondents {
            assert!(n >= PULSE_FLOOR, "cell {}→{} shown with {n}", c.from, c.to);
        }
    }
    for (line, hidden) in differences(rs, results) {
        assert!(
            hidden.is_empty() || hidden.len() >= PULSE_FLOOR,
            "{line}: differencing isolates {} respondents",
            hidden.len()
        );
    }
}

#[test]
fn every_figure_shown_when_every_cell_has_enough_respondents() {
    // Hand-worked: six from the trust rate the ICB 4 and the council 2; five from the council
    // rate the ICB 3. Cells 4.0, 2.0, 3.0; trust's row (6×4 + 6×2)/12 = 3.0; ICB's column
    // (6×4 + 5×3)/11 = 3.545… → 3.5; overall (24 + 12 + 15)/17 = 3.0.
    let mut rs = many("trust", 6, &[("icb", 4), ("council", 2)]);
    rs.extend(many("council", 5, &[("icb", 3)]));
    let r = compute(&rs, PULSE_FLOOR);
    assert_eq!(r.cell("trust", "icb").unwrap().score, Some(4.0));
    assert_eq!(r.cell("trust", "council").unwrap().score, Some(2.0));
    assert_eq!(r.cell("council", "icb").unwrap().score, Some(3.0));
    assert_eq!(r.rating_given["trust"].score, Some(3.0));
    assert_eq!(r.rated_by_partners["icb"].score, Some(3.5));
    assert_eq!(r.rated_by_partners["icb"].respondents, Some(11));
    assert_eq!(r.overall.score, Some(3.0));
    assert_eq!(r.respondents, Some(11));
    assert_protected(&rs, &r);
}

#[test]
fn a_small_cell_is_withheld_with_a_partner_so_it_cannot_be_worked_out() {
    // Six from the trust rate the ICB; one of them also rates the council. The ICB column holds
    // the trust cell (6) and the council's cell (2): the council's is too few, and the column
    // total would give it away, so something more is withheld.
    let mut rs = many("trust", 5, &[("icb", 4)]);
    rs.push(respondent("trust", &[("icb", 4), ("council", 1)]));
    rs.extend(many("council", 2, &[("icb", 1)]));
    rs.extend(many("hospice", 6, &[("icb", 5), ("council", 4)]));
    let r = compute(&rs, PULSE_FLOOR);
    assert_eq!(
        r.cell("council", "icb").unwrap().withheld,
        Some(Withheld::TooFew)
    );
    assert_eq!(
        r.cell("trust", "council").unwrap().withheld,
        Some(Withheld::TooFew)
    );
    let icb_column = &r.rated_by_partners["icb"];
    let others_shown = r
        .cells
        .iter()
        .filter(|c| c.to == "icb" && c.from != "council" && c.figure.shown())
        .count();
    assert!(
        !icb_column.shown() || others_shown < 2,
        "the ICB's column less the trust's and the hospice's cells would be the council's two"
    );
    assert_protected(&rs, &r);
}

#[test]
fn the_principles_follow_the_rows_and_report_their_spread() {
    let mut rs = many("trust", 5, &[("icb", 4)]);
    for r in &mut rs {
        r.answers.principles.insert(Principle::Purpose, 2);
    }
    rs.extend(many("icb", 5, &[("trust", 4)]));
    rs.extend(many("council", 3, &[("icb", 2)]));
    let r = compute(&rs, PULSE_FLOOR);
    let purpose = r
        .principles
        .iter()
        .find(|p| p.principle == Principle::Purpose)
        .unwrap();
    // The council's three are too few, and the trust's and ICB's rows then give them away from
    // the overall, so one more row is withheld and the spread has at most one figure.
    assert_eq!(
        purpose.by_organisation["council"].withheld,
        Some(Withheld::TooFew)
    );
    let shown = purpose
        .by_organisation
        .values()
        .filter(|f| f.shown())
        .count();
    assert!(shown <= 1);
    assert_protected(&rs, &r);
}

#[test]
fn too_few_respondents_in_all_shows_nothing() {
    let rs = many("trust", 4, &[("icb", 4)]);
    let r = compute(&rs, PULSE_FLOOR);
    assert_eq!(r.respondents, None);
    assert!(!r.overall.shown());
    assert!(r.items.is_empty());
    assert!(r.cells.iter().all(|c| !c.figure.shown()));
}

#[test]
fn the_audit_finds_a_figure_the_lines_determine_together() {
    // Four unknowns in a square: rows a, b and columns x, y. Only (a, x) is too few; the line
    // rule alone would leave it alone once each line has two withheld, but here the rest of the
    // table pins it down unless the audit withholds more.
    let mut rs = many("a", 2, &[("x", 1)]);
    rs.extend(many("a", 5, &[("y", 3)]));
    rs.extend(many("b", 5, &[("x", 4)]));
    rs.extend(many("b", 5, &[("y", 5)]));
    let r = compute(&rs, PULSE_FLOOR);
    assert_eq!(r.cell("a", "x").unwrap().withheld, Some(Withheld::TooFew));
    assert_protected(&rs, &r);
    // By hand: (b, x) is row b less (b, y); column x less (b, x) is then (a, x). So column x,
    // row b and (b, y) cannot all be shown, nor row a with (a, y).
    let shown = |f: &Figure| f.shown();
    assert!(
        !(shown(&r.rated_by_partners["x"])
            && shown(&r.rating_given["b"])
            && shown(r.cell("b", "y").unwrap()))
    );
    assert!(!(shown(&r.rating_given["a"]) && shown(r.cell("a", "y").unwrap())));
}

fn arbitrary_respondents() -> impl Strategy<Value = Vec<Respondent>> {
    let orgs = ["a", "b", "c", "d", "e"];
    prop::collection::vec(
        (
            0..orgs.len(),
            prop::collection::btree_map(0..orgs.len(), 1u8..=5, 1..4),
        ),
        0..60,
    )
    .prop_map(move |raw| {
        raw.into_iter()
            .map(|(from, ratings)| {
                let ratings: Vec<(&str, u8)> = ratings
                    .into_iter()
                    .filter(|(to, _)| *to != from)
                    .map(|(to, s)| (orgs[to], s))
                    .collect();
                respondent(orgs[from], &ratings)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn no_view_isolates_fewer_than_the_floor(rs in arbitrary_respondents()) {
        let r = compute(&rs, PULSE_FLOOR);
        assert_protected(&rs, &r);
        for f in r.rating_given.values().chain(r.rated_by_partners.values()) {
            if let Some(n) = f.respondents {
                prop_assert!(n >= PULSE_FLOOR);
            }
        }
    }
}
