//! The one authoriser: "may this person do this, to this?"
//!
//! Every question of permission in Concord is asked here: the route guard asks before a handler
//! runs, pages ask before they show a button, and handlers ask about each target a request's body
//! names (the organisation a loaded row belongs to, the owner of a new metric). A question is a
//! [`Rule`] and a [`Target`]; [`authorise`] looks up what the policy needs to know about the
//! target (the board's host, the person's seat, the programme's lead) and asks the domain's pure
//! policy, [`concord_domain::decide`]. This module is the only caller of `decide` outside the
//! domain (a test keeps it so). The lookups are grouped by capability, one module each.

mod agree;
mod deliver;
mod design;
mod foundation;
mod listen;
mod measure;
mod refer;
mod understand;

use concord_domain::{decide, Action, Decision, Principal};
use concord_store::{organisations, Store, StoreError};

pub use design::may_save_scenario_for;
pub use listen::{may_answer_pulse_for, may_run_consultation_for};
pub use measure::{may_act_for, ActFor};
pub use refer::{may_make_referral, may_manage_services, referral_side};
pub use understand::{care_organisations_of, gp_practices_of};

/// What a route or a button requires, and what its target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in: reading the partnership directory.
    SignedIn,
    /// Anyone signed in, acting on their own account.
    OwnAccount,
    /// System administrators: adding organisations.
    CreateOrganisation,
    /// System administrators: places and neighbourhoods.
    ManagePlaces,
    /// System administrators: the audit log.
    ViewAudit,
    /// System administrators: sign-in accounts.
    ManageAccounts,
    /// Editing the organisation `{id}` (its details, people, places): its partner lead or an administrator.
    EditOrganisation,
    /// Creating a board hosted by organisation `{id}`.
    CreateBoard,
    /// Editing the person `{id}`: themself, a partner lead of one of their organisations, or an administrator.
    EditPerson,
    /// Managing the board `{id}`: a partner lead of its host organisation, or an administrator.
    ManageBoard,
    /// Changing the members of board `{id}`: its chair or vice chair, a partner lead of its host
    /// organisation, or an administrator; nobody seats themselves (checked per seat by the store).
    ManageBoardMembers,
    /// Removing the membership `{id}`: as for editing its organisation.
    RemoveMembership,
    /// Managing the strategy round `{id}`: as for managing the board that owns it.
    ManageRound,
    /// Recording organisation `{organisation_id}`'s view in round `{id}`: that organisation's partner lead.
    EditPartnerView,
    /// Amending or deciding the proposal `{id}`: as for managing its round's board.
    ManageProposal,
    /// Commenting on a draft: anyone signed in.
    Comment,
    /// Responding to proposal `{id}` for organisation `{organisation_id}`: a member of the deciding
    /// board who belongs to that organisation.
    RespondToProposal,
    /// Starting a programme led by organisation `{id}`: its partner lead or a programme manager there.
    CreateProgramme,
    /// Changing programme `{id}` or anything in it: its SRO or manager, the lead partner's lead, or an
    /// administrator.
    EditProgramme,
    /// Scheduling meetings of board `{id}`: its chair or vice chair, the host's partner lead, or an
    /// administrator.
    ScheduleMeeting,
    /// Building the agenda and minutes of meeting `{id}`: as for scheduling its board's meetings.
    ManageMeeting,
    /// Recording decisions and actions at meeting `{id}`: the board's voting members.
    RecordDecision,
    /// Completing action `{id}`: its owner, or a voting member of the board that set it.
    UpdateAction,
    /// Starting an improvement project for a team of organisation `{id}`: anyone in it.
    StartImprovement,
    /// Working on improvement project `{id}`: anyone in its organisation, or its lead.
    RunImprovement,
    /// Loading data or adding metrics: an analyst or partner lead anywhere, or an administrator;
    /// each row or metric is then checked against its own organisation ([`may_act_for`]).
    ContributeData,
    /// Changing metric `{id}`: an analyst or partner lead of its owner, or an administrator.
    EditMetric,
    /// Rebasing series `{id}`: an analyst or partner lead of the organisation it belongs to (for a
    /// place or the whole system, the metric's owner), or an administrator.
    RebaseSeries,
    /// Setting up financial years and pooled budgets: system administrators.
    ManageFinance,
    /// Saving a new population cohort: an analyst or partner lead anywhere, or an administrator.
    SaveCohort,
    /// Changing cohort `{id}`: an analyst or partner lead of its owner, or an administrator.
    EditCohort,
    /// Cohort `{id}`'s identifiable worklist: a direct-care clinician of a GP practice, for that
    /// practice's own registered patients only.
    ViewWorklist,
    /// Marking a person on cohort `{id}`'s worklist for practice `{organisation_id}`: a
    /// direct-care clinician of that GP practice.
    MarkWorklist,
    /// Breaking glass on cohort `{id}`'s worklist: a direct-care clinician, with a reason.
    BreakGlass,
    /// Loading a GP practice's registered list: the practice's clinicians and partner lead.
    LoadRegisteredList,
    /// Reviewing break-glass views: system administrators.
    ReviewBreakGlass,
    /// The e-mail queue of notifications: system administrators.
    ManageMailQueue,
    /// Saving a new what-if scenario: an analyst, partner lead or programme manager anywhere, or
    /// an administrator (each scenario is then checked against its owner).
    SaveScenario,
    /// Changing or running scenario `{id}`: an analyst, partner lead or programme manager of its
    /// owner, or an administrator.
    EditScenario,
    /// Importing directory services: a partner lead or VCSE worker anywhere, or an administrator
    /// (each import is then checked against the partner whose services it brings).
    ManageServices,
    /// Keeping directory service `{id}` (its capacity): its partner's lead or VCSE workers, or for
    /// a service of the system's own directory, an administrator.
    KeepService,
    /// Referring a person: a direct-care clinician of a GP practice (each person is then checked
    /// against the practice's registered list).
    MakeReferral,
    /// Referral `{id}`: the care team that made it, or the service while it is with them.
    SeeReferral,
    /// One's referrals: direct-care clinicians and VCSE workers (each sees their own
    /// organisations' only).
    WorkOnReferrals,
    /// Referring oneself to a service on the public form: anyone.
    SelfRefer,
    /// Publishing documents for the system to other Concord systems, and subscribing to theirs:
    /// system administrators.
    ManageExchange,
    /// Starting a consultation: a partner lead, programme manager or analyst anywhere, or an
    /// administrator (each is then checked against the organisation that will run it).
    StartConsultation,
    /// Running consultation `{id}` (questions, publishing, entering responses, themes, "you said,
    /// we did", closing): its organisation's partner leads, programme managers and analysts, or
    /// an administrator.
    RunConsultation,
    /// Reading consultation `{id}`'s free-text answers and tagging them: analysts anywhere, and
    /// those who run it.
    AnalyseConsultation,
    /// Opening and closing trust pulse rounds and recording events: system administrators.
    RunTrustPulse,
}

/// What a question of permission is about: the record `id` (a board, a meeting, a cohort...) and,
/// for rules that act for an organisation, that organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target<'a> {
    /// The record the rule names as `{id}`.
    pub id: Option<&'a str>,
    /// The organisation the rule names as `{organisation_id}`.
    pub organisation_id: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// No target: rules about the whole system.
    pub const NONE: Target<'static> = Target {
        id: None,
        organisation_id: None,
    };

    /// The record `id`.
    pub fn id(id: &'a str) -> Self {
        Target {
            id: Some(id),
            organisation_id: None,
        }
    }

    /// The organisation `organisation_id`.
    pub fn organisation(organisation_id: &'a str) -> Self {
        Target {
            id: None,
            organisation_id: Some(organisation_id),
        }
    }

    /// The record `id`, acted on for organisation `organisation_id`.
    pub fn id_for(id: &'a str, organisation_id: &'a str) -> Self {
        Target {
            id: Some(id),
            organisation_id: Some(organisation_id),
        }
    }

    fn id_or_empty(&self) -> &'a str {
        self.id.unwrap_or_default()
    }

    fn organisation_or_empty(&self) -> &'a str {
        self.organisation_id.unwrap_or_default()
    }
}

/// Decides whether `principal` (None: a member of the public) may do what `rule` describes to
/// `target`. A target that does not exist is [`StoreError::NotFound`]; anonymous visitors are sent
/// to sign in before anything about a target is looked up.
pub async fn authorise(
    store: &Store,
    principal: Option<&Principal>,
    rule: Rule,
    target: Target<'_>,
) -> Result<Decision, StoreError> {
    if let Some(action) = system_wide(rule) {
        return Ok(decide(principal, action));
    }
    if principal.is_none() {
        return Ok(Decision::NeedsSignIn);
    }
    let ask = Ask {
        store,
        principal,
        target,
    };
    if let Some(decision) = foundation::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = agree::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = deliver::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = measure::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = understand::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = design::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = refer::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    if let Some(decision) = listen::resolve(&ask, rule).await? {
        return Ok(decision);
    }
    // Deny is the default: a rule no capability answers allows nothing.
    Ok(Decision::Denied)
}

/// True when [`authorise`] allows: what a page asks before it shows a button or a link.
pub async fn may(
    store: &Store,
    principal: Option<&Principal>,
    rule: Rule,
    target: Target<'_>,
) -> Result<bool, StoreError> {
    Ok(authorise(store, principal, rule, target)
        .await?
        .is_allowed())
}

/// Rules whose answer depends only on who is asking, never on a stored target.
fn system_wide(rule: Rule) -> Option<Action<'static>> {
    Some(match rule {
        Rule::Public => Action::ReadPublic,
        Rule::SignedIn => Action::ReadDirectory,
        Rule::OwnAccount => Action::ManageOwnAccount,
        Rule::Comment => Action::Comment,
        Rule::CreateOrganisation => Action::CreateOrganisation,
        Rule::ManagePlaces => Action::ManagePlaces,
        Rule::ViewAudit => Action::ViewAudit,
        Rule::ManageAccounts => Action::ManageAccounts,
        Rule::ContributeData => Action::ContributeData,
        Rule::ManageFinance => Action::ManageFinance,
        Rule::SaveCohort => Action::SaveCohort {
            owner_organisation_id: None,
        },
        Rule::ReviewBreakGlass => Action::ReviewBreakGlass,
        Rule::ManageMailQueue => Action::ManageMailQueue,
        Rule::ManageExchange => Action::ManageExchange,
        Rule::RunTrustPulse => Action::RunTrustPulse,
        Rule::StartConsultation => Action::RunConsultation {
            owner_organisation_id: None,
        },
        Rule::SaveScenario => Action::SaveScenario {
            owner_organisation_id: None,
        },
        Rule::ManageServices => Action::OpenServicesForm,
        Rule::WorkOnReferrals => Action::WorkOnReferrals,
        Rule::SelfRefer => Action::SelfRefer,
        _ => return None,
    })
}

/// One question being answered: the store to look the target up in, who asks, and the target.
struct Ask<'a> {
    store: &'a Store,
    principal: Option<&'a Principal>,
    target: Target<'a>,
}

impl Ask<'_> {
    /// The domain policy's answer for `action`.
    fn decide(&self, action: Action<'_>) -> Decision {
        decide(self.principal, action)
    }

    /// The asking person's id (empty for the public, who never get this far).
    fn person_id(&self) -> &str {
        self.principal
            .map(|p| p.person_id.as_str())
            .unwrap_or_default()
    }

    /// Fails with not-found unless the organisation exists.
    async fn organisation_exists(&self, id: &str) -> Result<(), StoreError> {
        organisations::get(self.store, id).await.map(|_| ())
    }
}
