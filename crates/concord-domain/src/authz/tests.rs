//! The policy's rules, role by role.

use super::*;

#[test]
fn worklists_are_for_a_practices_own_clinicians_only() {
    let practices = vec!["practice".to_string()];
    let clinician = person("c", &[("practice", Role::DirectCareClinician)]);
    let elsewhere = person("e", &[("trust", Role::DirectCareClinician)]);
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    let lead = person("l", &[("practice", Role::PartnerLead)]);
    let action = Action::ViewWorklist {
        practice_ids: &practices,
    };
    assert!(decide(Some(&clinician), action).is_allowed());
    for other in [&elsewhere, &admin, &lead] {
        assert_eq!(
            decide(Some(other), action),
            Decision::Denied,
            "{}",
            other.person_id
        );
    }
    assert_eq!(decide(None, action), Decision::NeedsSignIn);
    let care = vec!["trust".to_string()];
    let break_glass = Action::BreakGlass {
        care_organisation_ids: &care,
    };
    assert!(decide(Some(&elsewhere), break_glass).is_allowed());
    assert_eq!(decide(Some(&admin), break_glass), Decision::Denied);
    let council_clinician = person("x", &[("council", Role::DirectCareClinician)]);
    assert_eq!(
        decide(Some(&council_clinician), break_glass),
        Decision::Denied,
        "a clinician role held where no care is given opens nothing"
    );
    let load = Action::LoadRegisteredList {
        practice_ids: &practices,
    };
    assert!(decide(Some(&lead), load).is_allowed());
    assert_eq!(decide(Some(&admin), load), Decision::Denied);
}

/// A person holding `grants` (organisation id, role), for the policy's tests.
pub(crate) fn person(id: &str, grants: &[(&str, Role)]) -> Principal {
    Principal {
        person_id: id.into(),
        display_name: id.into(),
        grants: grants
            .iter()
            .map(|(org, role)| Grant {
                organisation_id: (*org).into(),
                organisation_name: (*org).into(),
                role: *role,
            })
            .collect(),
    }
}

#[test]
fn the_public_reads_public_pages_only() {
    assert!(decide(None, Action::ReadPublic).is_allowed());
    assert_eq!(decide(None, Action::ReadDirectory), Decision::NeedsSignIn);
    assert_eq!(
        decide(
            None,
            Action::EditOrganisation {
                organisation_id: "a"
            }
        ),
        Decision::NeedsSignIn
    );
}

#[test]
fn a_partner_lead_edits_their_own_organisation_and_not_another() {
    let lead = person(
        "p",
        &[("trust", Role::PartnerLead), ("council", Role::Analyst)],
    );
    let own = decide(
        Some(&lead),
        Action::EditOrganisation {
            organisation_id: "trust",
        },
    );
    assert_eq!(
        own,
        Decision::Allowed {
            via: Some(lead.grants[0].clone())
        }
    );
    assert_eq!(
        decide(
            Some(&lead),
            Action::EditOrganisation {
                organisation_id: "council"
            }
        ),
        Decision::Denied
    );
    assert_eq!(
        decide(
            Some(&lead),
            Action::EditOrganisation {
                organisation_id: "other"
            }
        ),
        Decision::Denied
    );
    assert_eq!(
        decide(Some(&lead), Action::CreateOrganisation),
        Decision::Denied
    );
}

#[test]
fn an_administrator_may_do_everything() {
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    for action in [
        Action::CreateOrganisation,
        Action::EditOrganisation {
            organisation_id: "x",
        },
        Action::ManagePlaces,
        Action::ViewAudit,
        Action::ManageMailQueue,
        Action::ManageExchange,
        Action::RunTrustPulse,
        Action::ManageAccounts,
        Action::ManageBoard {
            host_organisation_id: "y",
        },
        Action::EditPerson {
            person_id: "z",
            person_organisations: &[],
        },
    ] {
        assert!(decide(Some(&admin), action).is_allowed(), "{action:?}");
    }
}

#[test]
fn other_roles_only_read_and_edit_themselves() {
    for role in [
        Role::ProgrammeManager,
        Role::Analyst,
        Role::DirectCareClinician,
        Role::VcseWorker,
    ] {
        let p = person("me", &[("org", role)]);
        assert!(decide(Some(&p), Action::ReadDirectory).is_allowed());
        assert_eq!(
            decide(
                Some(&p),
                Action::EditOrganisation {
                    organisation_id: "org"
                }
            ),
            Decision::Denied
        );
        assert_eq!(decide(Some(&p), Action::ViewAudit), Decision::Denied);
        let orgs = ["org".to_string()];
        assert!(decide(
            Some(&p),
            Action::EditPerson {
                person_id: "me",
                person_organisations: &orgs
            }
        )
        .is_allowed());
        assert_eq!(
            decide(
                Some(&p),
                Action::EditPerson {
                    person_id: "you",
                    person_organisations: &orgs
                }
            ),
            Decision::Denied
        );
    }
}

#[test]
fn only_board_members_respond_and_only_for_their_own_organisation() {
    let member = person("m", &[("council", Role::Analyst)]);
    let respond = |org, sits| Action::RespondToProposal {
        organisation_id: org,
        sits_on_deciding_board: sits,
    };
    assert!(decide(Some(&member), respond("council", true)).is_allowed());
    assert_eq!(
        decide(Some(&member), respond("council", false)),
        Decision::Denied
    );
    assert_eq!(
        decide(Some(&member), respond("trust", true)),
        Decision::Denied
    );
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    assert_eq!(
        decide(Some(&admin), respond("council", false)),
        Decision::Denied
    );
}

#[test]
fn a_lead_edits_people_in_their_organisation() {
    let lead = person("lead", &[("org", Role::PartnerLead)]);
    let theirs = ["org".to_string()];
    let elsewhere = ["other".to_string()];
    assert!(decide(
        Some(&lead),
        Action::EditPerson {
            person_id: "x",
            person_organisations: &theirs
        }
    )
    .is_allowed());
    assert_eq!(
        decide(
            Some(&lead),
            Action::EditPerson {
                person_id: "x",
                person_organisations: &elsewhere
            }
        ),
        Decision::Denied
    );
}

#[test]
fn programmes_are_edited_by_their_leaders_and_the_lead_partner_only() {
    let manager = person("m", &[("council", Role::ProgrammeManager)]);
    let lead = person("l", &[("trust", Role::PartnerLead)]);
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    let edit = |leads| Action::EditProgramme {
        lead_organisation_id: "trust",
        leads_programme: leads,
    };
    assert!(decide(Some(&manager), edit(true)).is_allowed());
    assert_eq!(decide(Some(&manager), edit(false)), Decision::Denied);
    assert!(decide(Some(&lead), edit(false)).is_allowed());
    assert!(decide(Some(&admin), edit(false)).is_allowed());
    let create = |org| Action::CreateProgramme {
        organisation_id: org,
    };
    assert!(decide(Some(&manager), create("council")).is_allowed());
    assert_eq!(decide(Some(&manager), create("trust")), Decision::Denied);
    let analyst = person("x", &[("council", Role::Analyst)]);
    assert_eq!(decide(Some(&analyst), create("council")), Decision::Denied);
}

#[test]
fn only_board_members_record_decisions_and_owners_or_members_close_actions() {
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    let member = person("b", &[("trust", Role::Analyst)]);
    let record = |sits| Action::RecordDecision {
        sits_on_board: sits,
    };
    assert_eq!(decide(Some(&admin), record(false)), Decision::Denied);
    assert!(decide(Some(&member), record(true)).is_allowed());
    assert_eq!(decide(None, record(true)), Decision::NeedsSignIn);
    let update = |owns, sits| Action::UpdateAction {
        owns_action: owns,
        sits_on_board: sits,
    };
    assert!(decide(Some(&member), update(true, false)).is_allowed());
    assert!(decide(Some(&member), update(false, true)).is_allowed());
    assert_eq!(
        decide(Some(&member), update(false, false)),
        Decision::Denied
    );
}

#[test]
fn anyone_in_a_teams_organisation_runs_its_improvement_work() {
    let clinician = person("c", &[("practice", Role::DirectCareClinician)]);
    let run = |org, leads| Action::RunImprovement {
        organisation_id: org,
        leads_project: leads,
    };
    assert!(decide(Some(&clinician), run("practice", false)).is_allowed());
    assert_eq!(
        decide(Some(&clinician), run("trust", false)),
        Decision::Denied
    );
    assert!(decide(Some(&clinician), run("trust", true)).is_allowed());
}

#[test]
fn finance_figures_belong_to_the_reporting_organisation() {
    let analyst = person("a", &[("trust", Role::Analyst)]);
    let clinician = person("c", &[("trust", Role::DirectCareClinician)]);
    let admin = person("x", &[("icb", Role::SystemAdministrator)]);
    let load = |org| Action::LoadFinance {
        organisation_id: org,
    };
    assert!(decide(Some(&analyst), load("trust")).is_allowed());
    assert_eq!(decide(Some(&analyst), load("council")), Decision::Denied);
    assert_eq!(decide(Some(&clinician), load("trust")), Decision::Denied);
    assert!(decide(Some(&admin), load("council")).is_allowed());
    assert!(decide(Some(&analyst), Action::ContributeData).is_allowed());
    assert_eq!(
        decide(Some(&clinician), Action::ContributeData),
        Decision::Denied
    );
    assert_eq!(
        decide(Some(&analyst), Action::ManageFinance),
        Decision::Denied
    );
    assert!(decide(Some(&admin), Action::ManageFinance).is_allowed());
}

#[test]
fn a_partner_keeps_its_own_directory_services_and_administrators_keep_the_rest() {
    let manage = |organisation: Option<&'static str>| Action::ManageServices {
        partner_organisation_id: organisation,
    };
    for role in [Role::VcseWorker, Role::PartnerLead] {
        let p = person("me", &[("vcse", role)]);
        assert!(decide(Some(&p), manage(Some("vcse"))).is_allowed());
        assert_eq!(decide(Some(&p), manage(Some("other"))), Decision::Denied);
        assert_eq!(decide(Some(&p), manage(None)), Decision::Denied);
        assert!(decide(Some(&p), Action::OpenServicesForm).is_allowed());
    }
    for role in [
        Role::ProgrammeManager,
        Role::Analyst,
        Role::DirectCareClinician,
    ] {
        let p = person("me", &[("vcse", role)]);
        assert_eq!(decide(Some(&p), manage(Some("vcse"))), Decision::Denied);
        assert_eq!(decide(Some(&p), Action::OpenServicesForm), Decision::Denied);
    }
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    assert!(decide(Some(&admin), manage(None)).is_allowed());
    assert!(decide(Some(&admin), manage(Some("vcse"))).is_allowed());
    assert_eq!(decide(None, manage(None)), Decision::NeedsSignIn);
}

#[test]
fn referrals_are_seen_by_the_referring_team_and_by_the_service_only_while_it_is_theirs() {
    let clinician = person("c", &[("practice", Role::DirectCareClinician)]);
    let worker = person("w", &[("charity", Role::VcseWorker)]);
    let charity_lead = person("l", &[("charity", Role::PartnerLead)]);
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    let practices = vec!["practice".to_string()];
    let make = Action::MakeReferral {
        practice_ids: &practices,
    };
    assert!(decide(Some(&clinician), make).is_allowed());
    assert!(!decide(Some(&worker), make).is_allowed());
    assert!(!decide(Some(&admin), make).is_allowed());
    let referrer = Action::ActForReferrer {
        referring_organisation_id: Some("practice"),
    };
    assert!(decide(Some(&clinician), referrer).is_allowed());
    for other in [&worker, &charity_lead, &admin] {
        assert!(!decide(Some(other), referrer).is_allowed());
    }
    let nobody = Action::ActForReferrer {
        referring_organisation_id: None,
    };
    assert!(!decide(Some(&clinician), nobody).is_allowed());
    let service = |with_service| Action::ActForService {
        receiving_organisation_id: "charity",
        with_service,
    };
    assert!(decide(Some(&worker), service(true)).is_allowed());
    assert!(!decide(Some(&worker), service(false)).is_allowed());
    for other in [&clinician, &charity_lead, &admin] {
        assert!(!decide(Some(other), service(true)).is_allowed());
    }
    assert!(decide(None, Action::SelfRefer).is_allowed());
    assert!(decide(Some(&clinician), Action::WorkOnReferrals).is_allowed());
    assert!(decide(Some(&worker), Action::WorkOnReferrals).is_allowed());
    assert!(!decide(Some(&charity_lead), Action::WorkOnReferrals).is_allowed());
    assert!(!decide(Some(&admin), Action::WorkOnReferrals).is_allowed());
    assert_eq!(decide(None, referrer), Decision::NeedsSignIn);
}

#[test]
fn the_pulse_is_answered_only_for_ones_own_organisation_and_run_by_administrators() {
    let admin = person("a", &[("icb", Role::SystemAdministrator)]);
    let worker = person("w", &[("hospice", Role::VcseWorker)]);
    let answer = |org| Action::AnswerTrustPulse {
        organisation_id: org,
    };
    assert!(decide(Some(&worker), answer("hospice")).is_allowed());
    assert_eq!(decide(Some(&worker), answer("icb")), Decision::Denied);
    // No administrator override: an administrator answers only where they hold a role.
    assert!(decide(Some(&admin), answer("icb")).is_allowed());
    assert_eq!(decide(Some(&admin), answer("hospice")), Decision::Denied);
    assert!(decide(Some(&admin), Action::RunTrustPulse).is_allowed());
    assert_eq!(
        decide(Some(&worker), Action::RunTrustPulse),
        Decision::Denied
    );
    assert_eq!(decide(None, answer("hospice")), Decision::NeedsSignIn);
}
