//! The authorisation policy: who may do what. Deny unless a rule below allows.
//!
//! This module is pure: the web layer resolves the target of a request (which organisation an edit
//! touches) and asks [`decide`]; nothing else in Concord grants access. Permissions are scoped to the
//! organisations a person belongs to: a partner lead edits their own organisation, not another's.

use crate::vocabulary;
use serde::Serialize;

vocabulary! {
    /// A role a person holds in an organisation. Members of the public hold none: they never sign in.
    Role {
        SystemAdministrator => ("system_administrator", "System administrator"),
        PartnerLead => ("partner_lead", "Partner lead"),
        ProgrammeManager => ("programme_manager", "Programme manager"),
        Analyst => ("analyst", "Analyst"),
        DirectCareClinician => ("direct_care_clinician", "Direct-care clinician"),
        VcseWorker => ("vcse_worker", "VCSE worker"),
    }
}

/// One role held in one organisation: the unit in which permissions are granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Grant {
    /// The organisation's id.
    pub organisation_id: String,
    /// The organisation's name, for headers and audit.
    pub organisation_name: String,
    /// The role held there.
    pub role: Role,
}

/// A signed-in person and every role they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Principal {
    /// The person's id.
    pub person_id: String,
    /// The person's full name.
    pub display_name: String,
    /// Every (organisation, role) the person holds.
    pub grants: Vec<Grant>,
}

impl Principal {
    /// The grant shown in the page header and recorded when no specific grant applies.
    pub fn primary_grant(&self) -> Option<&Grant> {
        self.grants
            .iter()
            .find(|g| g.role == Role::SystemAdministrator)
            .or_else(|| self.grants.first())
    }

    /// The person's first grant of `role`, anywhere.
    pub fn grant_with(&self, role: Role) -> Option<&Grant> {
        self.grants.iter().find(|g| g.role == role)
    }

    /// The person's grant of `role` in one organisation, if they hold it there.
    pub fn grant_in(&self, role: Role, organisation_id: &str) -> Option<&Grant> {
        self.grants
            .iter()
            .find(|g| g.role == role && g.organisation_id == organisation_id)
    }

    /// True when the person administers the whole system.
    pub fn is_administrator(&self) -> bool {
        self.grant_with(Role::SystemAdministrator).is_some()
    }
}

/// Something a person asks to do, with the target it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Read public pages (no sign-in needed).
    ReadPublic,
    /// Read the partnership directory: organisations, places, people, boards.
    ReadDirectory,
    /// Manage one's own account and API tokens.
    ManageOwnAccount,
    /// Create a new organisation.
    CreateOrganisation,
    /// Change an organisation's details, or add people, boards and places to it.
    EditOrganisation {
        /// The organisation touched.
        organisation_id: &'a str,
    },
    /// Change a person's details.
    EditPerson {
        /// The person touched.
        person_id: &'a str,
        /// The organisations the person belongs to.
        person_organisations: &'a [String],
    },
    /// Create or change places and neighbourhoods.
    ManagePlaces,
    /// Change a board's details, or start a strategy round for it.
    ManageBoard {
        /// The organisation hosting the board.
        host_organisation_id: &'a str,
    },
    /// Open the board's membership for change: its chair or vice chair, the host organisation's
    /// partner lead, or an administrator. Each seat given is then checked against the rule table
    /// in [`crate::grants`] (nobody seats themselves).
    ManageBoardMembers {
        /// The organisation hosting the board.
        host_organisation_id: &'a str,
        /// Whether the person chairs (or vice-chairs) the board.
        chairs_board: bool,
    },
    /// Respond to a consent proposal on behalf of an organisation.
    RespondToProposal {
        /// The organisation the response speaks for.
        organisation_id: &'a str,
        /// Whether the person sits on the board that decides the proposal.
        sits_on_deciding_board: bool,
    },
    /// Comment on a draft (any signed-in person of a partner).
    Comment,
    /// Browse and export the audit log.
    ViewAudit,
    /// Start an integration programme led by an organisation.
    CreateProgramme {
        /// The lead organisation.
        organisation_id: &'a str,
    },
    /// Change a programme or anything in it (status, projects, RAID, milestones, benefits).
    EditProgramme {
        /// The programme's lead organisation.
        lead_organisation_id: &'a str,
        /// Whether the person is the programme's senior responsible owner or manager.
        leads_programme: bool,
    },
    /// Schedule a board's meetings, build agendas and write minutes.
    ManageMeetings {
        /// The organisation hosting the board.
        host_organisation_id: &'a str,
        /// Whether the person chairs (or vice-chairs) the board.
        chairs_board: bool,
    },
    /// Record a board's decisions and actions.
    RecordDecision {
        /// Whether the person holds a voting seat (chair, vice chair or member) on the board.
        sits_on_board: bool,
    },
    /// Update or complete an action.
    UpdateAction {
        /// Whether the person owns the action.
        owns_action: bool,
        /// Whether the person holds a voting seat on the board that set it.
        sits_on_board: bool,
    },
    /// Run a frontline improvement project for an organisation's team.
    RunImprovement {
        /// The organisation whose team runs it.
        organisation_id: &'a str,
        /// Whether the person leads the project.
        leads_project: bool,
    },
    /// Create sign-in accounts for people.
    ManageAccounts,
    /// Add or change a metric in the system's catalogue.
    ManageMetric {
        /// The organisation that owns (or will own) the metric.
        owner_organisation_id: &'a str,
    },
    /// Load values into a metric's series, or change how a series is charted (rebasing).
    LoadMetricData {
        /// The organisation the series belongs to; for a place or whole-system series, the
        /// metric's owner.
        organisation_id: &'a str,
    },
    /// Open the pages that load data (values or finance): anyone who may load for some organisation.
    ContributeData,
    /// Load an organisation's finance returns (revenue, pooled-budget lines, efficiency plans).
    LoadFinance {
        /// The organisation whose figures are loaded.
        organisation_id: &'a str,
    },
    /// Set up financial years (and their rule sets) and pooled budgets.
    ManageFinance,
    /// Save a population cohort definition owned by an organisation (none: open the form, for
    /// anyone who may save one for some organisation).
    SaveCohort {
        /// The organisation that owns (or will own) the cohort.
        owner_organisation_id: Option<&'a str>,
    },
    /// See a cohort's identifiable worklist: names re-identified for direct care, only for a
    /// direct-care clinician and only of patients registered at their own GP practice.
    ViewWorklist {
        /// The GP practices among the person's organisations.
        practice_ids: &'a [String],
    },
    /// Break glass: see a practice's patients on a worklist outside one's own practice, with a
    /// reason, raising an alert for review. Direct-care clinicians only, holding that role in an
    /// organisation that gives direct care.
    BreakGlass {
        /// The organisations among the person's that give direct care (practices, PCNs, trusts,
        /// hospices).
        care_organisation_ids: &'a [String],
    },
    /// Load a GP practice's registered list (the only identifiable population data Concord holds).
    LoadRegisteredList {
        /// The GP practices among the person's organisations.
        practice_ids: &'a [String],
    },
    /// Review break-glass views.
    ReviewBreakGlass,
    /// See the e-mail queue (notifications waiting or failing) and try again.
    ManageMailQueue,
    /// Publish documents for the whole system to other Concord systems, and subscribe to theirs.
    ManageExchange,
    /// Open and close rounds of the partnership trust pulse and record events to read it
    /// against: system administrators, who speak for the whole partnership. Nobody, an
    /// administrator included, may see who answered what.
    RunTrustPulse,
    /// Answer the trust pulse for an organisation: anyone holding a role there, and only there.
    AnswerTrustPulse {
        /// The organisation the answer speaks for.
        organisation_id: &'a str,
    },
    /// Run a consultation owned by an organisation (none: start one, for anyone who may for some
    /// organisation): its questions, publishing, staff-entered responses, themes, "you said, we
    /// did" and closing. Its partner leads, programme managers and analysts.
    RunConsultation {
        /// The organisation that runs it.
        owner_organisation_id: Option<&'a str>,
    },
    /// Read a consultation's free-text answers and tag them with its themes: analysts anywhere in
    /// the partnership, and those who run it.
    AnalyseConsultation {
        /// The organisation that runs it.
        owner_organisation_id: &'a str,
    },
    /// Save or run a what-if scenario owned by an organisation (none: open the form, for anyone
    /// who may save one for some organisation): its analysts, partner leads and programme
    /// managers.
    SaveScenario {
        /// The organisation that owns (or will own) the scenario.
        owner_organisation_id: Option<&'a str>,
    },
    /// Add or change services in the service directory: a partner's own (its partner lead and
    /// VCSE workers), or services that are no partner's, such as a council's feed (system
    /// administrators).
    ManageServices {
        /// The partner whose services they are; None for no partner's.
        partner_organisation_id: Option<&'a str>,
    },
    /// Open the form to add or change directory services (for anyone who may for some
    /// partner).
    OpenServicesForm,
    /// Refer a person on a GP practice's registered list to a service: the practice's own
    /// direct-care clinicians (social prescribing link workers among them).
    MakeReferral {
        /// The GP practices among the person's organisations.
        practice_ids: &'a [String],
    },
    /// See who a referral is about and act for the referrer: a direct-care clinician of the
    /// organisation that made it (nobody, for a self-referral).
    ActForReferrer {
        /// The organisation that made the referral.
        referring_organisation_id: Option<&'a str>,
    },
    /// See who a referral is about and act for the service: a VCSE worker or direct-care
    /// clinician of the organisation running it, and only while the referral is theirs to act
    /// on (sent and not yet ended).
    ActForService {
        /// The organisation running the service.
        receiving_organisation_id: &'a str,
        /// Whether the referral is with the service now.
        with_service: bool,
    },
    /// Refer oneself to a service on the public form (anyone; no sign-in).
    SelfRefer,
    /// Open one's referrals: direct-care clinicians (whose teams refer) and VCSE workers (whose
    /// services receive); what each sees is then their own organisations' only.
    WorkOnReferrals,
}

/// The outcome of asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; `via` is the grant that allowed it (none for public or any-signed-in actions).
    Allowed {
        /// The grant that allowed the action.
        via: Option<Grant>,
    },
    /// Not signed in, and the action needs a signed-in person.
    NeedsSignIn,
    /// Signed in, but no rule allows this person to do it.
    Denied,
}

impl Decision {
    /// True if allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// Decides whether `principal` (None = a member of the public) may perform `action`.
pub fn decide(principal: Option<&Principal>, action: Action<'_>) -> Decision {
    if matches!(action, Action::ReadPublic | Action::SelfRefer) {
        return Decision::Allowed { via: None };
    }
    let Some(p) = principal else {
        return Decision::NeedsSignIn;
    };
    let admin = p.grant_with(Role::SystemAdministrator);
    let allowed = |via: Option<&Grant>| Decision::Allowed { via: via.cloned() };
    let admin_or = |grant: Option<&Grant>| match admin.or(grant) {
        Some(g) => allowed(Some(g)),
        None => Decision::Denied,
    };
    match action {
        Action::ReadPublic | Action::SelfRefer => unreachable!("handled above"),
        Action::ReadDirectory | Action::ManageOwnAccount => allowed(None),
        Action::Comment => allowed(p.primary_grant()),
        Action::CreateOrganisation
        | Action::ManagePlaces
        | Action::ViewAudit
        | Action::ManageAccounts
        | Action::ManageFinance
        | Action::ReviewBreakGlass
        | Action::ManageMailQueue
        | Action::ManageExchange
        | Action::RunTrustPulse => admin_or(None),
        // Only for an organisation where the person holds a role: no administrator override.
        Action::AnswerTrustPulse { organisation_id } => {
            match p
                .grants
                .iter()
                .find(|g| g.organisation_id == organisation_id)
            {
                Some(g) => allowed(Some(g)),
                None => Decision::Denied,
            }
        }
        Action::SaveCohort {
            owner_organisation_id: None,
        } => admin_or(
            p.grant_with(Role::Analyst)
                .or_else(|| p.grant_with(Role::PartnerLead)),
        ),
        Action::SaveCohort {
            owner_organisation_id: Some(organisation_id),
        } => admin_or(
            p.grant_in(Role::Analyst, organisation_id)
                .or_else(|| p.grant_in(Role::PartnerLead, organisation_id)),
        ),
        Action::SaveScenario {
            owner_organisation_id: None,
        } => admin_or(
            p.grant_with(Role::Analyst)
                .or_else(|| p.grant_with(Role::PartnerLead))
                .or_else(|| p.grant_with(Role::ProgrammeManager)),
        ),
        Action::SaveScenario {
            owner_organisation_id: Some(organisation_id),
        } => admin_or(
            p.grant_in(Role::Analyst, organisation_id)
                .or_else(|| p.grant_in(Role::PartnerLead, organisation_id))
                .or_else(|| p.grant_in(Role::ProgrammeManager, organisation_id)),
        ),
        Action::RunConsultation {
            owner_organisation_id: None,
        } => admin_or(
            p.grant_with(Role::PartnerLead)
                .or_else(|| p.grant_with(Role::ProgrammeManager))
                .or_else(|| p.grant_with(Role::Analyst)),
        ),
        Action::RunConsultation {
            owner_organisation_id: Some(organisation_id),
        } => admin_or(
            p.grant_in(Role::PartnerLead, organisation_id)
                .or_else(|| p.grant_in(Role::ProgrammeManager, organisation_id))
                .or_else(|| p.grant_in(Role::Analyst, organisation_id)),
        ),
        Action::AnalyseConsultation {
            owner_organisation_id,
        } => admin_or(
            p.grant_with(Role::Analyst)
                .or_else(|| p.grant_in(Role::PartnerLead, owner_organisation_id))
                .or_else(|| p.grant_in(Role::ProgrammeManager, owner_organisation_id)),
        ),
        Action::ManageServices {
            partner_organisation_id: None,
        } => admin_or(None),
        Action::ManageServices {
            partner_organisation_id: Some(organisation_id),
        } => admin_or(
            p.grant_in(Role::PartnerLead, organisation_id)
                .or_else(|| p.grant_in(Role::VcseWorker, organisation_id)),
        ),
        Action::OpenServicesForm => admin_or(
            p.grant_with(Role::PartnerLead)
                .or_else(|| p.grant_with(Role::VcseWorker)),
        ),
        // Identifiable data are for the person's own direct-care team only: no administrator
        // override, no other role.
        Action::ViewWorklist { practice_ids } => match p.grants.iter().find(|g| {
            g.role == Role::DirectCareClinician && practice_ids.contains(&g.organisation_id)
        }) {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::BreakGlass {
            care_organisation_ids,
        } => match p.grants.iter().find(|g| {
            g.role == Role::DirectCareClinician
                && care_organisation_ids.contains(&g.organisation_id)
        }) {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        // Referrals carry identifiable details: the referring care team and the service acting
        // on it only, never an administrator.
        Action::WorkOnReferrals => match p
            .grant_with(Role::DirectCareClinician)
            .or_else(|| p.grant_with(Role::VcseWorker))
        {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::MakeReferral { practice_ids } => match p.grants.iter().find(|g| {
            g.role == Role::DirectCareClinician && practice_ids.contains(&g.organisation_id)
        }) {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::ActForReferrer {
            referring_organisation_id,
        } => match referring_organisation_id
            .and_then(|id| p.grant_in(Role::DirectCareClinician, id))
        {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::ActForService {
            receiving_organisation_id,
            with_service,
        } => match p.grants.iter().find(|g| {
            with_service
                && matches!(g.role, Role::VcseWorker | Role::DirectCareClinician)
                && g.organisation_id == receiving_organisation_id
        }) {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::LoadRegisteredList { practice_ids } => match p.grants.iter().find(|g| {
            matches!(g.role, Role::DirectCareClinician | Role::PartnerLead)
                && practice_ids.contains(&g.organisation_id)
        }) {
            Some(g) => allowed(Some(g)),
            None => Decision::Denied,
        },
        Action::EditOrganisation { organisation_id } => {
            admin_or(p.grant_in(Role::PartnerLead, organisation_id))
        }
        Action::CreateProgramme { organisation_id } => admin_or(
            p.grant_in(Role::PartnerLead, organisation_id)
                .or_else(|| p.grant_in(Role::ProgrammeManager, organisation_id)),
        ),
        Action::EditProgramme {
            lead_organisation_id,
            leads_programme,
        } => match p.grant_in(Role::PartnerLead, lead_organisation_id) {
            Some(g) => allowed(Some(g)),
            None if leads_programme => allowed(p.primary_grant()),
            None => admin_or(None),
        },
        Action::ManageMeetings {
            host_organisation_id,
            chairs_board,
        } => match p.grant_in(Role::PartnerLead, host_organisation_id) {
            Some(g) => allowed(Some(g)),
            None if chairs_board => allowed(p.primary_grant()),
            None => admin_or(None),
        },
        // Decisions are the board's own: not even an administrator records one for it.
        Action::RecordDecision { sits_on_board } => match sits_on_board {
            true => allowed(p.primary_grant()),
            false => Decision::Denied,
        },
        Action::UpdateAction {
            owns_action,
            sits_on_board,
        } => match owns_action || sits_on_board {
            true => allowed(p.primary_grant()),
            false => Decision::Denied,
        },
        // Improvement belongs to the front line: anyone in the team's organisation takes part.
        Action::RunImprovement {
            organisation_id,
            leads_project,
        } => match p
            .grants
            .iter()
            .find(|g| g.organisation_id == organisation_id)
        {
            Some(g) => allowed(Some(g)),
            None if leads_project => allowed(p.primary_grant()),
            None => admin_or(None),
        },
        Action::ManageBoard {
            host_organisation_id,
        } => admin_or(p.grant_in(Role::PartnerLead, host_organisation_id)),
        Action::ManageBoardMembers {
            host_organisation_id,
            chairs_board,
        } => match admin.or_else(|| p.grant_in(Role::PartnerLead, host_organisation_id)) {
            Some(g) => allowed(Some(g)),
            None if chairs_board => allowed(p.primary_grant()),
            None => Decision::Denied,
        },
        // Data belong to the organisation that reports them: its analysts and its lead.
        Action::ManageMetric {
            owner_organisation_id: organisation_id,
        }
        | Action::LoadMetricData { organisation_id }
        | Action::LoadFinance { organisation_id } => admin_or(
            p.grant_in(Role::Analyst, organisation_id)
                .or_else(|| p.grant_in(Role::PartnerLead, organisation_id)),
        ),
        Action::ContributeData => admin_or(
            p.grant_with(Role::Analyst)
                .or_else(|| p.grant_with(Role::PartnerLead)),
        ),
        // Only the deciding board's members respond, each for an organisation they belong to; not
        // even an administrator may speak for a partner.
        Action::RespondToProposal {
            organisation_id,
            sits_on_deciding_board,
        } => {
            match p
                .grants
                .iter()
                .find(|g| g.organisation_id == organisation_id)
            {
                Some(g) if sits_on_deciding_board => allowed(Some(g)),
                _ => Decision::Denied,
            }
        }
        Action::EditPerson {
            person_id,
            person_organisations,
        } => {
            if let Some(g) = admin {
                return allowed(Some(g));
            }
            let lead = person_organisations
                .iter()
                .find_map(|org| p.grant_in(Role::PartnerLead, org));
            match lead {
                Some(g) => allowed(Some(g)),
                None if p.person_id == person_id => allowed(p.primary_grant()),
                None => Decision::Denied,
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
