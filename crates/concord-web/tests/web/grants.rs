//! Who may grant what, through every route that gives or takes away a role or a board seat, as
//! every kind of signed-in person, to themselves and to someone else. The expectations are written
//! out by hand below (the rule table of `concord_domain::grants`), not computed from the policy.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Browser, TestApp};
use concord_domain::{BoardDraft, PersonDraft, Role};
use concord_store::boards::{self, BoardMemberDraft};
use concord_store::{audit, people, Actor, AuditFilter};
use serde_json::json;

/// Everyone who might try to grant: one sign-in per role, and the council's partner lead.
const GRANTERS: [&str; 7] = [
    "admin",
    "lead",
    "otherlead",
    "programme",
    "analyst",
    "clinician",
    "vcse",
];

/// The two organisations roles are granted in: the lead's acute trust (which gives direct care)
/// and the council led by `otherlead` (which does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Org {
    Trust,
    Council,
}

/// By hand: may `granter` give `role` in `org` to themselves (`to_self`) or to someone else?
fn may_grant(granter: &str, org: Org, role: Role, to_self: bool) -> bool {
    if to_self {
        return false; // nobody grants themselves anything
    }
    let direct_care_here = org == Org::Trust;
    match granter {
        "admin" => role != Role::DirectCareClinician || direct_care_here,
        "lead" => org == Org::Trust && role != Role::SystemAdministrator,
        "otherlead" => {
            org == Org::Council
                && role != Role::SystemAdministrator
                && role != Role::DirectCareClinician
        }
        _ => false,
    }
}

/// By hand: may `granter` take away `role` in `org` from themselves or someone else? The route is
/// open to the organisation's lead and administrators; only administrators remove administrators.
fn may_revoke(granter: &str, org: Org, role: Role, from_self: bool) -> bool {
    // The role being given up itself opens the route when it is administrator, or partner lead of
    // that organisation.
    let held_opens = from_self && matches!(role, Role::SystemAdministrator | Role::PartnerLead);
    let opens_route = held_opens
        || matches!(
            (granter, org),
            ("admin", _) | ("lead", Org::Trust) | ("otherlead", Org::Council)
        );
    opens_route && (from_self || granter == "admin" || role != Role::SystemAdministrator)
}

#[derive(Debug, Clone, Copy)]
enum GrantRoute {
    PageMembership,
    PageNewPerson,
    ApiMembership,
    ApiNewPerson,
}

struct Fixture {
    app: TestApp,
    trust: String,
    council: String,
    icb: String,
    browsers: Vec<Browser>,
    tokens: Vec<String>,
    n: usize,
}

impl Fixture {
    async fn new() -> Fixture {
        let app = TestApp::new().await;
        let trust = app.login_for("lead").organisation_id.clone();
        let council = app.login_for("otherlead").organisation_id.clone();
        let icb = app.login_for("admin").organisation_id.clone();
        let mut browsers = Vec::new();
        let mut tokens = Vec::new();
        for granter in GRANTERS {
            browsers.push(app.browser(granter).await);
            tokens.push(app.token(granter).await);
        }
        Fixture {
            app,
            trust,
            council,
            icb,
            browsers,
            tokens,
            n: 0,
        }
    }

    fn org(&self, org: Org) -> &str {
        match org {
            Org::Trust => &self.trust,
            Org::Council => &self.council,
        }
    }

    /// A new person (made by an operator) in the ICB: someone else to grant roles to.
    async fn someone(&mut self) -> (String, String) {
        self.n += 1;
        let email = format!("grantee{}@example.nhs.uk", self.n);
        let draft = PersonDraft {
            given_name: "Grantee".into(),
            family_name: format!("Number{}", self.n),
            email: email.clone(),
            ..Default::default()
        };
        let id = people::create_in_organisation(
            &self.app.store,
            &Actor::system("test"),
            &self.icb,
            &draft,
            "vcse_worker",
        )
        .await
        .unwrap();
        (id, email)
    }

    async fn holds(&self, person: &str, org: &str, role: Role) -> bool {
        people::memberships_of_person(&self.app.store, person)
            .await
            .unwrap()
            .iter()
            .any(|m| m.organisation_id == org && m.role == role)
    }

    async fn denied_entries(&self) -> i64 {
        let filter = AuditFilter {
            outcome: Some("denied".into()),
            ..Default::default()
        };
        audit::list(
            &self.app.store,
            &Default::default(),
            &filter,
            Default::default(),
        )
        .await
        .unwrap()
        .total
    }
}

#[tokio::test]
async fn every_role_granting_route_follows_the_rule_table_and_audits_each_refusal() {
    let mut f = Fixture::new().await;
    let mut failures = Vec::new();
    let mut checks = 0;
    let mut refusals = 0;
    let denied_before = f.denied_entries().await;
    for route in [
        GrantRoute::PageMembership,
        GrantRoute::ApiMembership,
        GrantRoute::PageNewPerson,
        GrantRoute::ApiNewPerson,
    ] {
        for (g, granter) in GRANTERS.iter().enumerate() {
            for org in [Org::Trust, Org::Council] {
                for &role in Role::ALL {
                    let new_person =
                        matches!(route, GrantRoute::PageNewPerson | GrantRoute::ApiNewPerson);
                    for to_self in [true, false] {
                        if to_self && new_person {
                            continue; // a new person is never the granter
                        }
                        checks += 1;
                        let expected = may_grant(granter, org, role, to_self);
                        let org_id = f.org(org).to_string();
                        let (grantee, email) = if to_self {
                            let login = f.app.login_for(granter);
                            let email = people::get(&f.app.store, &login.person_id)
                                .await
                                .unwrap()
                                .email;
                            (login.person_id.clone(), email)
                        } else {
                            f.someone().await
                        };
                        if !new_person && f.holds(&grantee, f.org(org), role).await {
                            checks -= 1;
                            continue; // the demo's own roles are not granted again
                        }
                        let new_email = format!("new{}.{checks}@example.nhs.uk", f.n);
                        let reply = match route {
                            GrantRoute::PageMembership => {
                                let path = format!("/organisations/{org_id}/memberships");
                                let fields = [("email", email.as_str()), ("role", role.as_str())];
                                f.app.post(&path, &mut f.browsers[g], &fields).await
                            }
                            GrantRoute::ApiMembership => {
                                let path = format!("/api/v1/organisations/{org_id}/memberships");
                                let body = json!({"person_id": grantee, "role": role.as_str()});
                                f.app
                                    .api(Method::POST, &path, Some(&f.tokens[g]), Some(body))
                                    .await
                            }
                            GrantRoute::PageNewPerson => {
                                let path = format!("/organisations/{org_id}/people");
                                let fields = [
                                    ("given_name", "New"),
                                    ("family_name", "Starter"),
                                    ("email", new_email.as_str()),
                                    ("role", role.as_str()),
                                ];
                                f.app.post(&path, &mut f.browsers[g], &fields).await
                            }
                            GrantRoute::ApiNewPerson => {
                                let path = format!("/api/v1/organisations/{org_id}/people");
                                let body = json!({"given_name": "New", "family_name": "Starter",
                                    "email": new_email, "role": role.as_str()});
                                f.app
                                    .api(Method::POST, &path, Some(&f.tokens[g]), Some(body))
                                    .await
                            }
                        };
                        let granted = if new_person {
                            match people::find_by_email(&f.app.store, &new_email)
                                .await
                                .unwrap()
                            {
                                Some(p) => f.holds(&p.id, &org_id, role).await,
                                None => false,
                            }
                        } else {
                            f.holds(&grantee, &org_id, role).await
                        };
                        let status_ok = if expected {
                            reply.status.is_success() || reply.status == StatusCode::SEE_OTHER
                        } else {
                            reply.status == StatusCode::FORBIDDEN
                        };
                        if !expected {
                            refusals += 1;
                        }
                        if granted != expected || !status_ok {
                            failures.push(format!(
                                "{route:?} {granter} gives {} in {org:?} to {}: expected {}, got {} (granted: {granted})",
                                role.as_str(),
                                if to_self { "themselves" } else { "someone else" },
                                if expected { "allowed" } else { "403" },
                                reply.status
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checks} grants went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        f.denied_entries().await - denied_before,
        refusals,
        "every refused grant is in the audit log as denied"
    );
}

#[tokio::test]
async fn taking_roles_away_follows_the_rule_table_on_both_routes() {
    let mut f = Fixture::new().await;
    let mut failures = Vec::new();
    let mut checks = 0;
    for api in [false, true] {
        for (g, granter) in GRANTERS.iter().enumerate() {
            for org in [Org::Trust, Org::Council] {
                for &role in Role::ALL {
                    for from_self in [true, false] {
                        let org_id = f.org(org).to_string();
                        let holder = if from_self {
                            f.app.login_for(granter).person_id.clone()
                        } else {
                            f.someone().await.0
                        };
                        if f.holds(&holder, &org_id, role).await {
                            continue; // the demo's own roles stay as they are
                        }
                        checks += 1;
                        let membership = people::add_membership(
                            &f.app.store,
                            &Actor::system("test"),
                            &org_id,
                            &concord_domain::MembershipDraft {
                                person_id: holder.clone(),
                                role: role.as_str().into(),
                            },
                        )
                        .await
                        .unwrap();
                        let reply = if api {
                            let path = format!("/api/v1/memberships/{membership}");
                            f.app
                                .api(Method::DELETE, &path, Some(&f.tokens[g]), None)
                                .await
                        } else {
                            let path = format!("/memberships/{membership}/delete");
                            f.app.post(&path, &mut f.browsers[g], &[]).await
                        };
                        let expected = may_revoke(granter, org, role, from_self);
                        let removed = !f.holds(&holder, &org_id, role).await;
                        if !removed {
                            // Put things back, so no granter keeps a role this test gave them.
                            people::remove_membership(
                                &f.app.store,
                                &Actor::system("test"),
                                &membership,
                            )
                            .await
                            .unwrap();
                        }
                        if removed != expected {
                            failures.push(format!(
                                "{} {granter} removes {} in {org:?} from {}: expected {}, got {}",
                                if api { "API" } else { "page" },
                                role.as_str(),
                                if from_self {
                                    "themselves"
                                } else {
                                    "someone else"
                                },
                                if expected { "removed" } else { "kept" },
                                reply.status
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checks} removals went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn board_seats_are_given_by_the_chair_the_host_lead_or_an_administrator_never_to_oneself() {
    let mut f = Fixture::new().await;
    let system = Actor::system("test");
    let board = boards::create(
        &f.app.store,
        &system,
        &BoardDraft {
            name: "Trust Quality Committee".into(),
            kind: "committee".into(),
            organisation_id: f.trust.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The programme manager chairs it; the analyst is an ordinary member.
    for (login, seat) in [("programme", "chair"), ("analyst", "member")] {
        let person_id = f.app.login_for(login).person_id.clone();
        boards::set_member(
            &f.app.store,
            &system,
            &board,
            &BoardMemberDraft {
                person_id,
                board_role: seat.into(),
            },
        )
        .await
        .unwrap();
    }
    let seats_others = |g: &str| matches!(g, "admin" | "lead" | "programme");
    let mut failures = Vec::new();
    for api in [false, true] {
        for (g, granter) in GRANTERS.iter().enumerate() {
            for to_self in [true, false] {
                let (person, email) = if to_self {
                    let id = f.app.login_for(granter).person_id.clone();
                    let email = people::get(&f.app.store, &id).await.unwrap().email;
                    (id, email)
                } else {
                    f.someone().await
                };
                let before = boards::members(&f.app.store, &board).await.unwrap();
                let reply = if api {
                    let path = format!("/api/v1/boards/{board}/members");
                    let body = json!({"person_id": person, "board_role": "vice_chair"});
                    f.app
                        .api(Method::POST, &path, Some(&f.tokens[g]), Some(body))
                        .await
                } else {
                    let path = format!("/boards/{board}/members");
                    let fields = [("email", email.as_str()), ("board_role", "vice_chair")];
                    f.app.post(&path, &mut f.browsers[g], &fields).await
                };
                let after = boards::members(&f.app.store, &board).await.unwrap();
                let seated = after.iter().any(|m| {
                    m.person_id == person && m.board_role == concord_domain::BoardRole::ViceChair
                });
                let expected = !to_self && seats_others(granter);
                if seated != expected {
                    failures.push(format!(
                        "{} {granter} seats {}: expected {expected}, got {} ({})",
                        if api { "API" } else { "page" },
                        if to_self {
                            "themselves"
                        } else {
                            "someone else"
                        },
                        seated,
                        reply.status
                    ));
                }
                if !expected {
                    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{granter}");
                    assert_eq!(before.len(), after.len(), "a refused seat changes nothing");
                }
                // Put the board back as it was for the next check.
                if seated {
                    boards::remove_member(&f.app.store, &system, &board, &person)
                        .await
                        .unwrap();
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The probes from the issue, replayed: a partner lead making themselves administrator, and a
/// council's lead giving themselves a direct-care role to break glass on a practice's patients.
#[tokio::test]
async fn the_reported_escalations_are_closed() {
    let f = Fixture::new().await;
    let lead = f.app.token("lead").await;
    let own = f.app.login_for("lead");
    let reply = f
        .app
        .api(
            Method::POST,
            &format!("/api/v1/organisations/{}/memberships", own.organisation_id),
            Some(&lead),
            Some(json!({"person_id": own.person_id, "role": "system_administrator"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("themselves"), "{}", reply.body);
    let audit = f
        .app
        .api(Method::GET, "/api/v1/audit", Some(&lead), None)
        .await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);

    let council_lead = f.app.token("otherlead").await;
    let other = f.app.login_for("otherlead");
    let reply = f
        .app
        .api(
            Method::POST,
            &format!(
                "/api/v1/organisations/{}/memberships",
                other.organisation_id
            ),
            Some(&council_lead),
            Some(json!({"person_id": other.person_id, "role": "direct_care_clinician"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    // Even a direct-care role in the council, put there by an operator, opens no break glass.
    people::add_membership(
        &f.app.store,
        &Actor::system("test"),
        &other.organisation_id,
        &concord_domain::MembershipDraft {
            person_id: other.person_id.clone(),
            role: "direct_care_clinician".into(),
        },
    )
    .await
    .unwrap();
    let cohort = concord_store::population::save_cohort(
        &f.app.store,
        &Actor::system("test"),
        None,
        &f.icb,
        "name = \"Older people\"\nwhere = \"age >= 65\"\n",
    )
    .await
    .unwrap();
    let mut browser = f.app.browser("otherlead").await;
    let page = f
        .app
        .get(
            &format!("/population/cohorts/{cohort}/break-glass"),
            &mut browser,
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn forms_offer_only_the_roles_that_would_be_accepted() {
    let f = Fixture::new().await;
    let option = |role: Role| format!("value=\"{}\"", role.as_str());
    let mut lead = f.app.browser("lead").await;
    let page = f
        .app
        .get(&format!("/organisations/{}", f.trust), &mut lead)
        .await;
    assert!(page.body.contains(&option(Role::DirectCareClinician)));
    assert!(!page.body.contains(&option(Role::SystemAdministrator)));
    let mut council = f.app.browser("otherlead").await;
    for path in [
        format!("/organisations/{}", f.council),
        format!("/organisations/{}/people/new", f.council),
    ] {
        let page = f.app.get(&path, &mut council).await;
        assert!(page.body.contains(&option(Role::Analyst)), "{path}");
        assert!(
            !page.body.contains(&option(Role::SystemAdministrator)),
            "{path}"
        );
        assert!(
            !page.body.contains(&option(Role::DirectCareClinician)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_last_administrator_who_can_sign_in_stays() {
    let f = Fixture::new().await;
    // A second administrator without a sign-in account does not count.
    let draft = PersonDraft {
        given_name: "No".into(),
        family_name: "Account".into(),
        email: "no.account@example.nhs.uk".into(),
        ..Default::default()
    };
    people::create_in_organisation(
        &f.app.store,
        &Actor::system("test"),
        &f.icb,
        &draft,
        "system_administrator",
    )
    .await
    .unwrap();
    let admin = f.app.login_for("admin");
    let membership = people::memberships_of_person(&f.app.store, &admin.person_id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.role == Role::SystemAdministrator)
        .unwrap();
    let token = f.app.token("admin").await;
    let reply = f
        .app
        .api(
            Method::DELETE,
            &format!("/api/v1/memberships/{}", membership.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("can sign in"), "{}", reply.body);
    assert!(
        f.holds(&admin.person_id, &f.icb, Role::SystemAdministrator)
            .await
    );
}

/// An organisation's type decides whether direct-care roles may be held there, so a partner lead
/// may edit their organisation but not turn a council into a hospice (which gives care).
#[tokio::test]
async fn only_administrators_change_an_organisations_type() {
    let f = Fixture::new().await;
    let council = concord_store::organisations::get(&f.app.store, &f.council)
        .await
        .unwrap();
    let body = |org_type: &str| {
        json!({"name": council.name, "code": council.code, "org_type": org_type,
               "parent_id": council.parent_id, "description": "Updated"})
    };
    let path = format!("/api/v1/organisations/{}", f.council);
    let lead = f.app.token("otherlead").await;
    let same = f
        .app
        .api(Method::PUT, &path, Some(&lead), Some(body("council")))
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    let changed = f
        .app
        .api(Method::PUT, &path, Some(&lead), Some(body("hospice")))
        .await;
    assert_eq!(changed.status, StatusCode::FORBIDDEN, "{}", changed.body);
    let after = concord_store::organisations::get(&f.app.store, &f.council)
        .await
        .unwrap();
    assert_eq!(after.org_type, concord_domain::OrgType::Council);
    let admin = f.app.token("admin").await;
    let by_admin = f
        .app
        .api(Method::PUT, &path, Some(&admin), Some(body("hospice")))
        .await;
    assert_eq!(by_admin.status, StatusCode::OK, "{}", by_admin.body);

    // The edit form offers the same: a lead sees only the current type, an administrator all.
    let edit = format!("/organisations/{}/edit", f.council);
    let mut lead = f.app.browser("otherlead").await;
    let page = f.app.get(&edit, &mut lead).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("value=\"hospice\""), "{}", page.body);
    assert!(!page.body.contains("value=\"council\""), "{}", page.body);
    assert!(page.body.contains("Only a system administrator can change"));
    let mut admin = f.app.browser("admin").await;
    let page = f.app.get(&edit, &mut admin).await;
    assert!(page.body.contains("value=\"council\""), "{}", page.body);
    assert!(!page.body.contains("Only a system administrator can change"));
}
