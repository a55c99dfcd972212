//! The authorisation layer every route passes through.
//!
//! Each route is registered in [`crate::routes`] with a [`Rule`]; [`guard`] runs before its handler,
//! resolves the rule's target from the path (which organisation an edit touches), asks the domain
//! policy ([`concord_domain::decide`]), records refusals in the audit log, and only then lets the
//! request through with a [`Permit`]. A route cannot be added without a rule.

use crate::auth::{is_api_path, Visitor};
use crate::error::Problem;
use crate::AppState;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use concord_domain::{decide, Action, Decision, Principal};
use concord_store::audit::outcome;
use concord_store::{
    boards, consent, improvement, meetings, metrics, organisations, people, population, programmes,
    strategy, Actor, AuditEntry, StoreError,
};

/// What a route requires, and where its target comes from.
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
    /// each row or metric is then checked against its own organisation.
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
    /// Breaking glass on cohort `{id}`'s worklist: a direct-care clinician, with a reason.
    BreakGlass,
    /// Loading a GP practice's registered list: the practice's clinicians and partner lead.
    LoadRegisteredList,
    /// Reviewing break-glass views: system administrators.
    ReviewBreakGlass,
}

/// What a handler receives once the guard has let a request through.
#[derive(Debug, Clone)]
pub struct Permit {
    /// The signed-in person, if any.
    pub principal: Option<Principal>,
    /// Who to record in the audit log for anything this request writes.
    pub actor: Actor,
}

impl Permit {
    /// The signed-in person; only for routes whose rule requires sign-in.
    pub fn person(&self) -> &Principal {
        self.principal
            .as_ref()
            .expect("this route's rule requires a signed-in person")
    }
}

/// Why a request could not be authorised.
enum Refusal {
    SignIn,
    Forbidden(String),
    Lookup(StoreError),
}

async fn resolve(
    state: &AppState,
    principal: Option<&Principal>,
    rule: Rule,
    id: Option<&str>,
    organisation_param: Option<&str>,
) -> Result<Decision, StoreError> {
    let id = id.unwrap_or_default();
    let decision = match rule {
        Rule::Public => decide(principal, Action::ReadPublic),
        Rule::SignedIn => decide(principal, Action::ReadDirectory),
        Rule::OwnAccount => decide(principal, Action::ManageOwnAccount),
        Rule::Comment => decide(principal, Action::Comment),
        Rule::CreateOrganisation => decide(principal, Action::CreateOrganisation),
        Rule::ManagePlaces => decide(principal, Action::ManagePlaces),
        Rule::ViewAudit => decide(principal, Action::ViewAudit),
        Rule::ManageAccounts => decide(principal, Action::ManageAccounts),
        Rule::ContributeData => decide(principal, Action::ContributeData),
        Rule::ManageFinance => decide(principal, Action::ManageFinance),
        Rule::SaveCohort => decide(
            principal,
            Action::SaveCohort {
                owner_organisation_id: None,
            },
        ),
        Rule::ReviewBreakGlass => decide(principal, Action::ReviewBreakGlass),
        // Anonymous visitors are sent to sign in before anything about the target is looked up.
        _ if principal.is_none() => Decision::NeedsSignIn,
        Rule::EditOrganisation => {
            organisations::get(&state.store, id).await?;
            decide(
                principal,
                Action::EditOrganisation {
                    organisation_id: id,
                },
            )
        }
        Rule::CreateBoard => {
            organisations::get(&state.store, id).await?;
            decide(
                principal,
                Action::ManageBoard {
                    host_organisation_id: id,
                },
            )
        }
        Rule::RemoveMembership => {
            let membership = people::membership(&state.store, id).await?;
            decide(
                principal,
                Action::EditOrganisation {
                    organisation_id: &membership.organisation_id,
                },
            )
        }
        Rule::EditPerson => {
            people::get(&state.store, id).await?;
            let orgs = people::organisation_ids_of(&state.store, id).await?;
            decide(
                principal,
                Action::EditPerson {
                    person_id: id,
                    person_organisations: &orgs,
                },
            )
        }
        Rule::ManageBoard => {
            let board = boards::get(&state.store, id).await?;
            decide(
                principal,
                Action::ManageBoard {
                    host_organisation_id: &board.organisation_id,
                },
            )
        }
        Rule::ManageBoardMembers => {
            let board = boards::get(&state.store, id).await?;
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let seat = meetings::seat(&state.store, id, person).await?;
            decide(
                principal,
                Action::ManageBoardMembers {
                    host_organisation_id: &board.organisation_id,
                    chairs_board: chairs(seat),
                },
            )
        }
        Rule::ManageRound => {
            let round = strategy::get(&state.store, id).await?;
            decide(
                principal,
                Action::ManageBoard {
                    host_organisation_id: &round.host_organisation_id,
                },
            )
        }
        Rule::ManageProposal => {
            let proposal = consent::get(&state.store, id).await?;
            let round = strategy::get(&state.store, &proposal.round_id).await?;
            decide(
                principal,
                Action::ManageBoard {
                    host_organisation_id: &round.host_organisation_id,
                },
            )
        }
        Rule::RespondToProposal => {
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let sits_on_deciding_board =
                consent::sits_on_deciding_board(&state.store, id, person).await?;
            let organisation_id = organisation_param.unwrap_or_default();
            organisations::get(&state.store, organisation_id).await?;
            decide(
                principal,
                Action::RespondToProposal {
                    organisation_id,
                    sits_on_deciding_board,
                },
            )
        }
        Rule::CreateProgramme => {
            organisations::get(&state.store, id).await?;
            decide(
                principal,
                Action::CreateProgramme {
                    organisation_id: id,
                },
            )
        }
        Rule::EditProgramme => {
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let (lead, leads) = programmes::access(&state.store, id, person).await?;
            decide(
                principal,
                Action::EditProgramme {
                    lead_organisation_id: &lead,
                    leads_programme: leads,
                },
            )
        }
        Rule::ScheduleMeeting | Rule::ManageMeeting => {
            let board_id = match rule {
                Rule::ManageMeeting => meetings::get(&state.store, id).await?.board_id,
                _ => id.to_string(),
            };
            let board = boards::get(&state.store, &board_id).await?;
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let seat = meetings::seat(&state.store, &board_id, person).await?;
            decide(
                principal,
                Action::ManageMeetings {
                    host_organisation_id: &board.organisation_id,
                    chairs_board: chairs(seat),
                },
            )
        }
        Rule::RecordDecision => {
            let meeting = meetings::get(&state.store, id).await?;
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let seat = meetings::seat(&state.store, &meeting.board_id, person).await?;
            decide(
                principal,
                Action::RecordDecision {
                    sits_on_board: meetings::is_voting(seat),
                },
            )
        }
        Rule::UpdateAction => {
            let (action, board) = meetings::action(&state.store, id).await?;
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let seat = match &board {
                Some(b) => meetings::seat(&state.store, b, person).await?,
                None => None,
            };
            decide(
                principal,
                Action::UpdateAction {
                    owns_action: action.owner_person_id == person,
                    sits_on_board: meetings::is_voting(seat),
                },
            )
        }
        Rule::StartImprovement => {
            organisations::get(&state.store, id).await?;
            decide(
                principal,
                Action::RunImprovement {
                    organisation_id: id,
                    leads_project: false,
                },
            )
        }
        Rule::RunImprovement => {
            let person = principal.map(|p| p.person_id.as_str()).unwrap_or_default();
            let (organisation_id, leads) = improvement::access(&state.store, id, person).await?;
            decide(
                principal,
                Action::RunImprovement {
                    organisation_id: &organisation_id,
                    leads_project: leads,
                },
            )
        }
        Rule::EditMetric => {
            let metric = metrics::get(&state.store, id).await?;
            decide(
                principal,
                Action::ManageMetric {
                    owner_organisation_id: &metric.owner_organisation_id,
                },
            )
        }
        Rule::RebaseSeries => {
            let series = metrics::get_series(&state.store, id).await?;
            let owner = match &series.organisation_id {
                Some(organisation) => organisation.clone(),
                None => {
                    metrics::get(&state.store, &series.metric_id)
                        .await?
                        .owner_organisation_id
                }
            };
            decide(
                principal,
                Action::LoadMetricData {
                    organisation_id: &owner,
                },
            )
        }
        Rule::EditCohort => {
            let cohort = population::cohort(&state.store, id).await?;
            decide(
                principal,
                Action::SaveCohort {
                    owner_organisation_id: Some(&cohort.owner_organisation_id),
                },
            )
        }
        Rule::ViewWorklist => {
            population::cohort(&state.store, id).await?;
            let practice_ids = gp_practices_of(state, principal).await?;
            decide(
                principal,
                Action::ViewWorklist {
                    practice_ids: &practice_ids,
                },
            )
        }
        Rule::BreakGlass => {
            population::cohort(&state.store, id).await?;
            let care_organisation_ids = care_organisations_of(state, principal).await?;
            decide(
                principal,
                Action::BreakGlass {
                    care_organisation_ids: &care_organisation_ids,
                },
            )
        }
        Rule::LoadRegisteredList => {
            let practice_ids = gp_practices_of(state, principal).await?;
            decide(
                principal,
                Action::LoadRegisteredList {
                    practice_ids: &practice_ids,
                },
            )
        }
        Rule::EditPartnerView => {
            strategy::get(&state.store, id).await?;
            let organisation_id = organisation_param.unwrap_or_default();
            organisations::get(&state.store, organisation_id).await?;
            decide(principal, Action::EditOrganisation { organisation_id })
        }
    };
    Ok(decision)
}

fn chairs(seat: Option<concord_domain::BoardRole>) -> bool {
    matches!(
        seat,
        Some(concord_domain::BoardRole::Chair | concord_domain::BoardRole::ViceChair)
    )
}

/// The GP practices among the organisations a person holds a role in.
pub async fn gp_practices_of(
    state: &AppState,
    principal: Option<&Principal>,
) -> Result<Vec<String>, StoreError> {
    organisations_of_type(state, principal, |t| {
        t == concord_domain::OrgType::GpPractice
    })
    .await
}

/// The organisations among a person's that give direct care (practices, PCNs, trusts, hospices).
pub async fn care_organisations_of(
    state: &AppState,
    principal: Option<&Principal>,
) -> Result<Vec<String>, StoreError> {
    organisations_of_type(state, principal, concord_domain::OrgType::gives_direct_care).await
}

async fn organisations_of_type(
    state: &AppState,
    principal: Option<&Principal>,
    wanted: impl Fn(concord_domain::OrgType) -> bool,
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for grant in principal.map(|p| p.grants.as_slice()).unwrap_or_default() {
        let organisation = organisations::get(&state.store, &grant.organisation_id).await?;
        if wanted(organisation.org_type) && !out.contains(&grant.organisation_id) {
            out.push(grant.organisation_id.clone());
        }
    }
    Ok(out)
}

/// Middleware for one route: lets the request through only if `rule` allows this visitor.
pub async fn guard(
    State((state, rule)): State<(AppState, Rule)>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let visitor = parts
        .extensions
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let params = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok();
    let param = |name: &str| {
        params.as_ref().and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    let (id, organisation_param) = (param("id"), param("organisation_id"));
    let api = is_api_path(parts.uri.path());
    let principal = visitor.principal.as_ref();
    let outcome = match resolve(
        &state,
        principal,
        rule,
        id.as_deref(),
        organisation_param.as_deref(),
    )
    .await
    {
        Ok(Decision::Allowed { via }) => {
            let actor = match principal {
                Some(p) => Actor::person(p, via.as_ref()),
                None => Actor::system(&format!("visitor from {}", visitor.client)),
            };
            Ok(Permit {
                principal: visitor.principal.clone(),
                actor,
            })
        }
        Ok(Decision::NeedsSignIn) => Err(Refusal::SignIn),
        Ok(Decision::Denied) => Err(Refusal::Forbidden(format!(
            "{} {}",
            parts.method,
            parts.uri.path()
        ))),
        Err(err) => Err(Refusal::Lookup(err)),
    };
    match outcome {
        Ok(permit) => {
            parts.extensions.insert(permit);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(Refusal::SignIn) if api => {
            let mut response = Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Not signed in",
                "Send an API token: Authorization: Bearer <token>",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        Err(Refusal::SignIn) => {
            let next_path = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if parts.method == axum::http::Method::GET {
                next_path
            } else {
                "/"
            };
            Redirect::to(&format!("/login?next={}", urlencode(target))).into_response()
        }
        Err(Refusal::Forbidden(what)) => {
            let principal = principal.expect("only signed-in visitors are denied");
            let entry = AuditEntry {
                outcome: outcome::DENIED.into(),
                ..AuditEntry::success(
                    &Actor::person(principal, None),
                    "authz.denied",
                    "route",
                    id.as_deref(),
                    what,
                )
            };
            if let Err(err) = state.store.audit_only(entry).await {
                return crate::error::PageError::from(err).into_response();
            }
            let problem = Problem::new(StatusCode::FORBIDDEN, "forbidden", "You do not have permission", "Your roles do not allow this. Ask your organisation's partner lead or a system administrator.");
            if api {
                problem.into_response()
            } else {
                crate::pages::error_page(&problem)
            }
        }
        Err(Refusal::Lookup(err)) => {
            let problem = crate::error::problem_for(&err);
            if api {
                problem.into_response()
            } else {
                crate::pages::error_page(&problem)
            }
        }
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}
