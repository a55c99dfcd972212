//! Who may grant what: the rule table for roles in organisations and seats on boards.
//!
//! A role or a seat is a grant of power, so granting one is itself guarded, by these rules:
//!
//! | what is granted                        | who may grant it                                        |
//! |----------------------------------------|---------------------------------------------------------|
//! | system administrator                   | a system administrator                                  |
//! | direct-care clinician (in an organisation that gives direct care only) | that organisation's partner lead, or a system administrator |
//! | partner lead, programme manager, analyst, VCSE worker | that organisation's partner lead, or a system administrator |
//! | a seat on a board                      | the board's chair or vice chair, the host organisation's partner lead, or a system administrator |
//! | an organisation's type (it decides where direct care is given) | a system administrator |
//!
//! And for every row: **nobody grants anything to themselves** (not even an administrator; the first
//! administrator is made at the command line). Taking a role away follows the same table (who may
//! grant a role may revoke it), except that anyone may give up their own role or seat.
//!
//! [`crate::decide`] answers with these rules for [`crate::Action::GrantRole`],
//! [`crate::Action::RevokeRole`] and [`crate::Action::ChangeBoardSeat`]; the store asks them again
//! inside the write transaction, with the grantor's roles as they are at that moment, so a grant the
//! policy refuses can never be written by any route.

use crate::authz::{Grant, Principal, Role};
use crate::board::BoardRole;
use crate::organisation::OrgType;

/// A role about to be granted or revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleChange<'a> {
    /// The organisation the role is held in.
    pub organisation_id: &'a str,
    /// That organisation's type.
    pub organisation_type: OrgType,
    /// The role.
    pub role: Role,
    /// The person who would hold (or lose) it; none for a person being created by the grant.
    pub grantee_person_id: Option<&'a str>,
}

/// A seat on a board about to be given, changed or taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatChange<'a> {
    /// The organisation hosting the board.
    pub host_organisation_id: &'a str,
    /// Whether the person changing it chairs (or vice-chairs) the board.
    pub chairs_board: bool,
    /// The person whose seat changes.
    pub grantee_person_id: &'a str,
    /// The seat given, or none when the seat is taken away.
    pub seat: Option<BoardRole>,
}

/// Why a grant is refused, in words for the person who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantRefusal {
    /// Nobody grants a role or seat to themselves.
    #[error("Nobody may grant a role or a board seat to themselves: ask another partner lead or a system administrator")]
    ToThemselves,
    /// Only system administrators grant the system administrator role.
    #[error("Only a system administrator may grant or remove the system administrator role")]
    AdministratorsOnly,
    /// Direct-care roles exist only where direct care is given.
    #[error("A direct-care clinician role can only be held in an organisation that gives direct care (a GP practice, PCN, trust or hospice)")]
    NoDirectCareHere,
    /// Only the organisation's own partner lead (or an administrator) grants roles in it.
    #[error("Only this organisation's partner lead or a system administrator may grant or remove roles in it")]
    NotTheOrganisationsLead,
    /// An organisation's type decides whether direct-care roles may be held there.
    #[error("Only a system administrator may change an organisation's type: the type decides whether direct-care roles may be held there")]
    TypeChangeAdministratorsOnly,
    /// Only the board's chair, its host's partner lead or an administrator changes its seats.
    #[error("Only the board's chair or vice chair, the host organisation's partner lead or a system administrator may change its members")]
    NotTheBoardsChairOrHost,
}

impl OrgType {
    /// True for organisations whose staff give direct care to patients, where a direct-care
    /// clinician role means something.
    pub fn gives_direct_care(self) -> bool {
        matches!(
            self,
            OrgType::GpPractice
                | OrgType::Pcn
                | OrgType::AcuteTrust
                | OrgType::CommunityTrust
                | OrgType::MentalHealthTrust
                | OrgType::Hospice
        )
    }
}

/// May `grantor` give the role in `change`? `Ok` carries the grant that allows it.
pub fn may_grant_role<'p>(
    grantor: &'p Principal,
    change: &RoleChange<'_>,
) -> Result<&'p Grant, GrantRefusal> {
    if change.grantee_person_id == Some(grantor.person_id.as_str()) {
        return Err(GrantRefusal::ToThemselves);
    }
    if change.role == Role::DirectCareClinician && !change.organisation_type.gives_direct_care() {
        return Err(GrantRefusal::NoDirectCareHere);
    }
    role_authority(grantor, change)
}

/// May `grantor` take away the role in `change`? Anyone may give up their own role (the store keeps
/// the last administrator who can sign in), and a role held where it should not be (a direct-care
/// role in a council, say) may be taken away by whoever could grant roles there.
pub fn may_revoke_role<'p>(
    grantor: &'p Principal,
    change: &RoleChange<'_>,
) -> Result<Option<&'p Grant>, GrantRefusal> {
    if change.grantee_person_id == Some(grantor.person_id.as_str()) {
        return Ok(grantor.primary_grant());
    }
    role_authority(grantor, change).map(Some)
}

fn role_authority<'p>(
    grantor: &'p Principal,
    change: &RoleChange<'_>,
) -> Result<&'p Grant, GrantRefusal> {
    let admin = grantor.grant_with(Role::SystemAdministrator);
    if change.role == Role::SystemAdministrator {
        return admin.ok_or(GrantRefusal::AdministratorsOnly);
    }
    admin
        .or_else(|| grantor.grant_in(Role::PartnerLead, change.organisation_id))
        .ok_or(GrantRefusal::NotTheOrganisationsLead)
}

/// May `editor` change an organisation's type? Only administrators: a type that gives direct care
/// opens direct-care roles, break glass and registered lists, so changing it is a grant too.
pub fn may_change_organisation_type(editor: &Principal) -> Result<&Grant, GrantRefusal> {
    editor
        .grant_with(Role::SystemAdministrator)
        .ok_or(GrantRefusal::TypeChangeAdministratorsOnly)
}

/// May `grantor` give, change or take away the board seat in `change`? Anyone may leave a board.
pub fn may_change_seat<'p>(
    grantor: &'p Principal,
    change: &SeatChange<'_>,
) -> Result<Option<&'p Grant>, GrantRefusal> {
    let own = change.grantee_person_id == grantor.person_id;
    if own && change.seat.is_none() {
        return Ok(grantor.primary_grant());
    }
    if own {
        return Err(GrantRefusal::ToThemselves);
    }
    if let Some(g) = grantor
        .grant_with(Role::SystemAdministrator)
        .or_else(|| grantor.grant_in(Role::PartnerLead, change.host_organisation_id))
    {
        return Ok(Some(g));
    }
    if change.chairs_board {
        return Ok(grantor.primary_grant());
    }
    Err(GrantRefusal::NotTheBoardsChairOrHost)
}

/// The roles `grantor` may give in an organisation to `grantee` (none: a new person), in display
/// order: what a form should offer.
pub fn grantable_roles(
    grantor: &Principal,
    organisation_id: &str,
    organisation_type: OrgType,
    grantee_person_id: Option<&str>,
) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|&role| {
            may_grant_role(
                grantor,
                &RoleChange {
                    organisation_id,
                    organisation_type,
                    role,
                    grantee_person_id,
                },
            )
            .is_ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::tests::person;

    fn change<'a>(org: &'a str, kind: OrgType, role: Role, to: &'a str) -> RoleChange<'a> {
        RoleChange {
            organisation_id: org,
            organisation_type: kind,
            role,
            grantee_person_id: Some(to),
        }
    }

    #[test]
    fn nobody_grants_themselves_anything_not_even_an_administrator() {
        let lead = person("lead", &[("council", Role::PartnerLead)]);
        let admin = person("admin", &[("icb", Role::SystemAdministrator)]);
        for role in Role::ALL.iter().copied() {
            let own = change("council", OrgType::Council, role, "lead");
            assert_eq!(may_grant_role(&lead, &own), Err(GrantRefusal::ToThemselves));
            let own = change("icb", OrgType::Icb, role, "admin");
            assert_eq!(
                may_grant_role(&admin, &own),
                Err(GrantRefusal::ToThemselves)
            );
        }
    }

    #[test]
    fn only_administrators_grant_administrator() {
        let lead = person("lead", &[("icb", Role::PartnerLead)]);
        let admin = person("admin", &[("icb", Role::SystemAdministrator)]);
        let grant = change("icb", OrgType::Icb, Role::SystemAdministrator, "other");
        assert_eq!(
            may_grant_role(&lead, &grant),
            Err(GrantRefusal::AdministratorsOnly)
        );
        assert!(may_grant_role(&admin, &grant).is_ok());
        assert_eq!(
            may_revoke_role(&lead, &grant),
            Err(GrantRefusal::AdministratorsOnly)
        );
    }

    #[test]
    fn direct_care_roles_only_where_care_is_given_and_by_that_organisations_lead() {
        let council_lead = person("c", &[("council", Role::PartnerLead)]);
        let practice_lead = person("p", &[("practice", Role::PartnerLead)]);
        let admin = person("a", &[("icb", Role::SystemAdministrator)]);
        let in_council = change("council", OrgType::Council, Role::DirectCareClinician, "x");
        let in_practice = change(
            "practice",
            OrgType::GpPractice,
            Role::DirectCareClinician,
            "x",
        );
        for who in [&council_lead, &admin] {
            assert_eq!(
                may_grant_role(who, &in_council),
                Err(GrantRefusal::NoDirectCareHere)
            );
        }
        assert!(may_grant_role(&practice_lead, &in_practice).is_ok());
        assert!(may_grant_role(&admin, &in_practice).is_ok());
        assert_eq!(
            may_grant_role(&council_lead, &in_practice),
            Err(GrantRefusal::NotTheOrganisationsLead)
        );
    }

    #[test]
    fn a_lead_grants_ordinary_roles_in_their_own_organisation_only() {
        let lead = person(
            "l",
            &[("trust", Role::PartnerLead), ("council", Role::Analyst)],
        );
        for role in [
            Role::PartnerLead,
            Role::ProgrammeManager,
            Role::Analyst,
            Role::VcseWorker,
            Role::DirectCareClinician,
        ] {
            assert!(
                may_grant_role(&lead, &change("trust", OrgType::AcuteTrust, role, "x")).is_ok()
            );
            assert!(
                may_grant_role(&lead, &change("other", OrgType::AcuteTrust, role, "x")).is_err()
            );
        }
        let analyst = person("a", &[("trust", Role::Analyst)]);
        assert_eq!(
            may_grant_role(
                &analyst,
                &change("trust", OrgType::AcuteTrust, Role::Analyst, "x")
            ),
            Err(GrantRefusal::NotTheOrganisationsLead)
        );
    }

    #[test]
    fn forms_offer_exactly_what_would_be_accepted() {
        let lead = person("l", &[("council", Role::PartnerLead)]);
        let offered = grantable_roles(&lead, "council", OrgType::Council, None);
        assert_eq!(
            offered,
            vec![
                Role::PartnerLead,
                Role::ProgrammeManager,
                Role::Analyst,
                Role::VcseWorker
            ]
        );
        assert!(grantable_roles(&lead, "council", OrgType::Council, Some("l")).is_empty());
        let admin = person("a", &[("icb", Role::SystemAdministrator)]);
        assert_eq!(
            grantable_roles(&admin, "practice", OrgType::GpPractice, None).len(),
            Role::ALL.len()
        );
    }

    #[test]
    fn anyone_may_give_up_their_own_role_or_seat() {
        let analyst = person("a", &[("trust", Role::Analyst)]);
        let own = change("trust", OrgType::AcuteTrust, Role::Analyst, "a");
        assert!(may_revoke_role(&analyst, &own).is_ok());
        let seat = SeatChange {
            host_organisation_id: "icb",
            chairs_board: false,
            grantee_person_id: "a",
            seat: None,
        };
        assert!(may_change_seat(&analyst, &seat).is_ok());
    }

    #[test]
    fn board_seats_are_given_by_the_chair_the_host_lead_or_an_administrator_never_to_oneself() {
        let admin = person("admin", &[("icb", Role::SystemAdministrator)]);
        let chair = person("chair", &[("trust", Role::Analyst)]);
        let host_lead = person("lead", &[("icb", Role::PartnerLead)]);
        let stranger = person("s", &[("council", Role::PartnerLead)]);
        let seat = |to, chairs| SeatChange {
            host_organisation_id: "icb",
            chairs_board: chairs,
            grantee_person_id: to,
            seat: Some(BoardRole::Member),
        };
        assert_eq!(
            may_change_seat(&admin, &seat("admin", false)),
            Err(GrantRefusal::ToThemselves)
        );
        assert_eq!(
            may_change_seat(&chair, &seat("chair", true)),
            Err(GrantRefusal::ToThemselves)
        );
        assert!(may_change_seat(&admin, &seat("x", false)).is_ok());
        assert!(may_change_seat(&chair, &seat("x", true)).is_ok());
        assert!(may_change_seat(&host_lead, &seat("x", false)).is_ok());
        assert_eq!(
            may_change_seat(&stranger, &seat("x", false)),
            Err(GrantRefusal::NotTheBoardsChairOrHost)
        );
    }
}
