//! A consultation from start to close: drafted and published by the organisation that runs it,
//! answered by the public with no sign-in (and by staff for a paper response), tagged by two
//! analysts whose agreement is worked by hand, counted through the disclosure rule, and closed
//! only once every theme has its "you said, we did" answer, which the public page then shows.

use crate::common;

use axum::http::StatusCode;
use common::{Browser, TestApp};
use concord_app::listen::{consultations as use_case, figures};
use concord_domain::consultation::{ConsultationStatus, ThemeDraft, WeDidDraft};
use concord_population::disclosure::{DisclosureRule, Shown};
use concord_store::{consultations as store, people, Actor};

async fn principal(app: &TestApp, who: &str) -> concord_domain::Principal {
    people::principal(&app.store, &app.login_for(who).person_id)
        .await
        .unwrap()
        .unwrap()
}

async fn anonymous(app: &TestApp, path: &str) -> (Browser, common::Reply) {
    let mut anon = Browser::default();
    let page = app.get(path, &mut anon).await;
    anon.csrf = common::csrf_in(&page.body);
    (anon, page)
}

#[tokio::test]
async fn a_consultation_is_answered_tagged_counted_and_closed_only_when_every_theme_is_answered() {
    let app = TestApp::new().await;
    let lead = app.login_for("lead");
    let trust = lead.organisation_id.clone();
    let round = concord_store::strategy::list(&app.store).await.unwrap()[0]
        .id
        .clone();
    let mut browser = app.browser("lead").await;
    let today = chrono::Utc::now().date_naive();

    // Drafted through the page, then refused publication until it has a question.
    let created = app
        .post(
            "/consultations",
            &mut browser,
            &[
                ("title", "What matters to you"),
                ("purpose", "To shape the trust's strategy"),
                ("audience", "Everyone the trust serves"),
                ("owner_organisation_id", &trust),
                ("subject_kind", "round"),
                ("subject_id", &round),
                ("opens_on", &(today - chrono::Duration::days(1)).to_string()),
                (
                    "closes_on",
                    &(today + chrono::Duration::days(30)).to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = created.location().rsplit('/').next().unwrap().to_string();
    let page = format!("/consultations/{id}");
    let early = app
        .post(&format!("{page}/publish"), &mut browser, &[])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("Add at least one question"));
    for (kind, prompt, options) in [
        ("free_text", "What would make the biggest difference?", ""),
        (
            "ranking",
            "Put these in order",
            "GP access\nMental health\nCare at home",
        ),
    ] {
        let added = app
            .post(
                &format!("{page}/questions"),
                &mut browser,
                &[("kind", kind), ("prompt", prompt), ("options", options)],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    }
    let published = app
        .post(&format!("{page}/publish"), &mut browser, &[])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    // Questions are fixed once it is published.
    let late = app
        .post(
            &format!("{page}/questions"),
            &mut browser,
            &[("kind", "free_text"), ("prompt", "One more?")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    let questions = store::questions(&app.store, &id).await.unwrap();
    let (free, ranking) = (&questions[0].id, &questions[1].id);

    // The public answer with no sign-in; a ranking with a number used twice is refused by field.
    let (mut anon, form) = anonymous(&app, &format!("/have-your-say/{id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains("What would make the biggest difference?"));
    assert!(
        !form.body.contains("<script src=\"/assets/concord/respond"),
        "no script is needed"
    );
    let bad = app
        .post(
            &format!("/have-your-say/{id}"),
            &mut anon,
            &[
                (&format!("q_{ranking}_0"), "1"),
                (&format!("q_{ranking}_1"), "1"),
                (&format!("q_{ranking}_2"), "2"),
            ],
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.body
            .chars()
            .skip(bad.body.find("<main").unwrap_or(0))
            .take(600)
            .collect::<String>()
    );
    assert!(bad
        .body
        .contains("Number them 1 to 3, using each number once"));
    let sent = app
        .post(
            &format!("/have-your-say/{id}"),
            &mut anon,
            &[
                (&format!("q_{free}"), "Seeing a GP the same week"),
                (&format!("q_{ranking}_0"), "1"),
                (&format!("q_{ranking}_1"), "3"),
                (&format!("q_{ranking}_2"), "2"),
                ("age_band", "65_74"),
                ("sex", "not_said"),
                ("channel", ""),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("/have-your-say/{id}/thanks"));
    // The public cannot say a response came on paper; staff can.
    let claimed = app
        .post(
            &format!("/have-your-say/{id}"),
            &mut anon,
            &[(&format!("q_{free}"), "Buses"), ("channel", "paper")],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paper = app
        .post(
            &format!("{page}/responses"),
            &mut browser,
            &[
                (&format!("q_{free}"), "A GP who knows me"),
                ("channel", "paper"),
            ],
        )
        .await;
    assert_eq!(paper.status, StatusCode::SEE_OTHER, "{}", paper.body);

    // 22 more answers (24 in all), through the same pipeline.
    let lead_p = principal(&app, "lead").await;
    let analyst_p = principal(&app, "analyst").await;
    let population = concord_app::population::Population::new(Default::default());
    // The public results are counted once a day while people can respond: looking before and
    // after one's own response shows the same counts.
    let cache = concord_app::listen::published::Cache::default();
    let before = cache
        .get(
            &app.store,
            &population,
            &store::get(&app.store, &id).await.unwrap(),
            true,
        )
        .await
        .unwrap();
    for n in 0..22 {
        let draft = concord_domain::consultation::response::ResponseDraft {
            answers: [(
                free.clone(),
                serde_json::json!(format!("Answer {n}: appointments and buses")),
            )]
            .into_iter()
            .collect(),
            channel: "event".into(),
            ..Default::default()
        };
        use_case::enter(
            &app.store,
            &population,
            &lead_p,
            &Actor::person(&lead_p, None),
            &id,
            &draft,
        )
        .await
        .unwrap();
    }
    let after = cache
        .get(
            &app.store,
            &population,
            &store::get(&app.store, &id).await.unwrap(),
            true,
        )
        .await
        .unwrap();
    assert_eq!(after.as_of, before.as_of, "counted once today");
    assert_eq!(after.figures.respondents, before.figures.respondents);
    let staff_view = figures::figures(&app.store, &id, &population.rule())
        .await
        .unwrap();
    assert_ne!(
        staff_view.respondents, before.figures.respondents,
        "those who run it see the live count"
    );
    let lead_actor = Actor::person(&lead_p, None);
    let gp = use_case::add_theme(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        &ThemeDraft {
            label: "GP access".into(),
            description: "Getting an appointment".into(),
        },
    )
    .await
    .unwrap();
    let buses = use_case::add_theme(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        &ThemeDraft {
            label: "Transport".into(),
            description: String::new(),
        },
    )
    .await
    .unwrap();

    // Two analysts read the first ten answers; the lead reads the other fourteen alone.
    //   GP access: the lead finds it in answers 1-6 and 11-24, the analyst in 1-4 and 7.
    //   On the ten both read: both 4, lead only 2, analyst only 1, neither 3: pₒ = 0.7,
    //   pₑ = 0.6 × 0.5 + 0.4 × 0.5 = 0.5, κ = 0.4 ("fair").
    //   Raised (at least half the readers): answers 1-7 and 11-24 = 21 people, shown as 20.
    //   Transport: the lead alone, in answers 22-24: 3 people, shown as <10.
    let answers: Vec<String> = store::answers(&app.store, &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, q, _)| q == free)
        .map(|(r, _, _)| r)
        .collect();
    assert_eq!(answers.len(), 24);
    let analyst_actor = Actor::person(&analyst_p, None);
    for (i, response) in answers.iter().enumerate() {
        let n = i + 1;
        let mut lead_tags = Vec::new();
        if n <= 6 || n >= 11 {
            lead_tags.push(gp.clone());
        }
        if n >= 22 {
            lead_tags.push(buses.clone());
        }
        use_case::tag(
            &app.store,
            &lead_p,
            &lead_actor,
            &id,
            response,
            free,
            &lead_tags,
        )
        .await
        .unwrap();
        if n <= 10 {
            let tags = if n <= 4 || n == 7 {
                vec![gp.clone()]
            } else {
                vec![]
            };
            use_case::tag(
                &app.store,
                &analyst_p,
                &analyst_actor,
                &id,
                response,
                free,
                &tags,
            )
            .await
            .unwrap();
        }
    }
    // An analyst of another organisation may tag; a VCSE worker may not.
    let vcse = principal(&app, "vcse").await;
    assert!(use_case::tag(
        &app.store,
        &vcse,
        &Actor::person(&vcse, None),
        &id,
        &answers[0],
        free,
        &[]
    )
    .await
    .is_err());

    let figures = figures::figures(&app.store, &id, &DisclosureRule::default())
        .await
        .unwrap();
    assert_eq!(
        figures.respondents,
        Shown::Count(25),
        "24 responses, rounded to the nearest 5"
    );
    let gp_row = figures
        .themes
        .iter()
        .find(|t| t.0.label == "GP access")
        .unwrap();
    assert_eq!(gp_row.2, Shown::Count(20));
    let bus_row = figures
        .themes
        .iter()
        .find(|t| t.0.label == "Transport")
        .unwrap();
    assert_eq!(bus_row.2, Shown::Suppressed { below: 10 });
    assert_eq!(figures.unread, 0, "every free-text answer has been read");
    let agreement = figures
        .agreement
        .iter()
        .find(|a| a.label == "GP access")
        .unwrap();
    assert_eq!(agreement.pairs.len(), 1);
    assert!((agreement.pairs[0].1.kappa.unwrap() - 0.4).abs() < 1e-12);
    assert!((agreement.pairs[0].1.observed - 0.7).abs() < 1e-12);
    // Every published count is 0, at least 10, or withheld.
    for (_, cells, total) in &figures.themes {
        for shown in cells.iter().chain(std::iter::once(total)) {
            assert!(
                !matches!(shown, Shown::Count(n) if (1..10).contains(n)),
                "{shown:?}"
            );
        }
    }
    let shown = app.get(&page, &mut browser).await;
    assert!(shown.body.contains("agreed on 7 of 10 answers, kappa 0.40"));
    assert!(shown.body.contains("0.40 (fair)"));

    // Closing waits for every theme's answer, and says which are missing.
    let refused = use_case::move_to(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        ConsultationStatus::Closed,
    )
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("GP access; Transport")
            || format!("{refused:?}").contains("GP access; Transport")
    );
    let programme = concord_store::programmes::list(&app.store).await.unwrap()[0]
        .id
        .clone();
    use_case::answer_theme(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        &gp,
        &WeDidDraft {
            outcome: "acted".into(),
            we_did: "Same-week GP appointments are now a programme".into(),
            link_kind: "programme".into(),
            link_id: programme,
        },
    )
    .await
    .unwrap();
    let still = use_case::move_to(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        ConsultationStatus::Closed,
    )
    .await
    .unwrap_err();
    assert!(format!("{still:?}").contains("Still to answer: Transport"));
    use_case::answer_theme(
        &app.store,
        &lead_p,
        &lead_actor,
        &id,
        &buses,
        &WeDidDraft {
            outcome: "not_acted".into(),
            we_did: "Bus routes are the council's: we have passed this on".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let closed = app.post(&format!("{page}/close"), &mut browser, &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        store::get(&app.store, &id).await.unwrap().status,
        ConsultationStatus::Closed
    );

    // The public page, with no sign-in: what people said and what was done; no answer's words.
    let list = app.get("/have-your-say", &mut anon).await;
    assert!(list.body.contains("What matters to you"));
    let public = app.get(&format!("/have-your-say/{id}"), &mut anon).await;
    assert_eq!(
        public.status,
        StatusCode::SEE_OTHER,
        "a closed consultation shows its results"
    );
    let results = app
        .get(&format!("/have-your-say/{id}/you-said-we-did"), &mut anon)
        .await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results
        .body
        .contains("Same-week GP appointments are now a programme"));
    assert!(results.body.contains("Bus routes are the council"));
    assert!(results.body.contains("Raised by 20 people"));
    // Closing counts afresh.
    let closed_counts = cache
        .get(
            &app.store,
            &population,
            &store::get(&app.store, &id).await.unwrap(),
            false,
        )
        .await
        .unwrap();
    assert!(closed_counts.as_of > before.as_of);
    assert_eq!(closed_counts.figures.respondents, staff_view.respondents);
    assert!(
        !results.body.contains("Seeing a GP the same week"),
        "no response's words are published"
    );
    // The same figures in the API, as published.
    let token = app.token("analyst").await;
    let api = app
        .api(
            axum::http::Method::GET,
            &format!("/api/v1/consultations/{id}/figures"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(api["respondents"], "25");
    let gp_api = api["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["of"] == "GP access")
        .unwrap();
    assert_eq!(gp_api["total"], "20");
    assert_eq!(api["agreement"][0]["agreed"], 7);
    // And nothing more is taken.
    let after = app
        .post(
            &format!("/have-your-say/{id}"),
            &mut anon,
            &[(&format!("q_{free}"), "Late")],
        )
        .await;
    assert_eq!(after.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_public_form_slows_down_one_computer_sending_many() {
    let app = TestApp::new().await;
    let lead = principal(&app, "lead").await;
    let actor = Actor::person(&lead, None);
    let round = concord_store::strategy::list(&app.store).await.unwrap()[0]
        .id
        .clone();
    let today = chrono::Utc::now().date_naive();
    let id = use_case::start(
        &app.store,
        &lead,
        &actor,
        &concord_domain::consultation::ConsultationDraft {
            title: "Quick poll".into(),
            purpose: "A test".into(),
            audience: "Everyone".into(),
            owner_organisation_id: app.login_for("lead").organisation_id.clone(),
            subject_kind: "round".into(),
            subject_id: round,
            opens_on: today.to_string(),
            closes_on: today.to_string(),
        },
    )
    .await
    .unwrap();
    use_case::add_question(
        &app.store,
        &lead,
        &actor,
        &id,
        &concord_domain::consultation::QuestionDraft {
            kind: "rating".into(),
            prompt: "How well are we doing?".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    use_case::move_to(&app.store, &lead, &actor, &id, ConsultationStatus::Open)
        .await
        .unwrap();
    let q = store::questions(&app.store, &id).await.unwrap()[0]
        .id
        .clone();
    let (mut anon, _) = anonymous(&app, &format!("/have-your-say/{id}")).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let reply = app
            .post(
                &format!("/have-your-say/{id}"),
                &mut anon,
                &[(&format!("q_{q}"), "4")],
            )
            .await;
        statuses.push(reply.status);
    }
    let kept = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(
        kept,
        use_case::RESPONSES_FROM_ONE_CLIENT as usize,
        "{statuses:?}"
    );
    assert_eq!(
        store::respondents(&app.store, &id).await.unwrap().len(),
        kept
    );
}
