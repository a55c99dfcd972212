//! The JSON API under `/api/v1`: everything the pages do, for programs.
//!
//! The OpenAPI 3.1 document at `/api/openapi.json` is generated from these handlers' annotations and
//! the types' `ToSchema` derives, so it cannot drift from the code. Callers authenticate with an API
//! token (`Authorization: Bearer concord_...`) made on their account page; errors are RFC 9457
//! problem+json naming the field that failed; lists are paginated with `page` and `per_page`.

use crate::agree::api::{strategy, writes as agree_writes};
use crate::deliver::api as delivery;
use crate::design::api as design;
use crate::error::Problem;
use crate::foundation::api::{directory, governance};
use crate::measure::api as measure;
use crate::refer::open_referral as oruk;
use crate::refer::referral_api as referrals;
use crate::understand::api as population;
use axum::Json;
use concord_domain::{
    BoardDraft, FieldError, Grant, MembershipDraft, OrganisationDraft, PersonDraft, PlaceDraft,
    Principal,
};
use concord_store::audit::AuditRecord;
use concord_store::boards::{Board, BoardMember, BoardMemberDraft};
use concord_store::organisations::{Organisation, PlaceRef};
use concord_store::people::{Membership, Person};
use concord_store::places::Place;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("concord API token")
                    .build(),
            ),
        );
    }
}

/// Documents the errors every operation can give, as `application/problem+json` (RFC 9457): 401
/// without a valid token, 403 when the caller's roles do not allow it, 404 for an unknown id in the
/// path, 422 for a query parameter that cannot be read, and for a request with a body 400
/// (unreadable), 413 (too large), 415 (not JSON) and 422 (a field broke a rule). Problems the handlers already document are served as problem+json too.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        const PROBLEM_JSON: &str = "application/problem+json";
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM_JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            for operation in [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let has_body = operation.request_body.is_some();
                let has_query =
                    operation.parameters.iter().flatten().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    });
                let responses = &mut operation.responses.responses;
                for response in responses.values_mut() {
                    if let RefOr::T(response) = response {
                        let problem_schema = response.content.get("application/json").is_some_and(
                            |c| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")),
                        );
                        if problem_schema {
                            if let Some(content) = response.content.shift_remove("application/json")
                            {
                                response.content.insert(PROBLEM_JSON.to_string(), content);
                            }
                        }
                    }
                }
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_string())
                        .or_insert_with(|| problem(description));
                };
                add(
                    "401",
                    "Not signed in: send an API token (Authorization: Bearer <token>)",
                );
                add("403", "The caller's roles do not allow this");
                if has_id {
                    add("404", "Nothing has that id");
                }
                if has_query {
                    add(
                        "422",
                        "A query parameter could not be read; the problem names it",
                    );
                }
                if has_body {
                    add("400", "The body could not be read");
                    add("413", "The body is too large");
                    add("415", "The body is not JSON");
                    add("422", "A field broke a rule; each problem names its field");
                }
            }
        }
    }
}

/// The OpenAPI document, assembled from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "Concord API", description = "The JSON API of Concord, the shared operating platform of an integrated care system."),
    modifiers(&BearerAuth, &ProblemResponses),
    security(("bearer" = [])),
    paths(
        governance::me, governance::my_notifications,
        directory::search,
        directory::list_organisations, directory::create_organisation, directory::get_organisation, directory::update_organisation,
        directory::list_memberships, directory::add_membership, directory::remove_membership, directory::create_person,
        directory::set_places,
        directory::list_places, directory::create_place, directory::get_place, directory::update_place,
        governance::list_people, governance::get_person, governance::update_person,
        governance::list_boards, governance::create_board, governance::get_board, governance::update_board,
        governance::list_board_members, governance::set_board_member, governance::remove_board_member,
        governance::list_audit,
        strategy::list_rounds, strategy::alignment, strategy::set_view, strategy::get_round, strategy::set_priority, strategy::create_objective, strategy::get_proposal, strategy::respond,
        agree_writes::create_round, agree_writes::update_round, agree_writes::add_area, agree_writes::get_vision, agree_writes::save_vision,
        agree_writes::comment, agree_writes::create_proposal, agree_writes::amend_proposal, agree_writes::decide_proposal,
        delivery::list_programmes, delivery::create_programme, delivery::get_programme, delivery::update_programme, delivery::report_status,
        delivery::add_project, delivery::update_project, delivery::add_milestone, delivery::update_milestone, delivery::add_benefit, delivery::record_reading,
        delivery::raise_risk, delivery::review_risk, delivery::escalate_risk, delivery::add_raid_item, delivery::add_dependency,
        delivery::list_dependencies, delivery::highlight, delivery::list_meetings, delivery::schedule_meeting, delivery::get_meeting,
        delivery::board_pack, delivery::add_agenda_item, delivery::write_minutes, delivery::record_decision, delivery::set_action,
        delivery::complete_action, delivery::my_work, delivery::list_improvement, delivery::create_improvement, delivery::get_improvement,
        delivery::add_driver, delivery::add_idea, delivery::start_cycle, delivery::update_cycle, delivery::add_readings,
        measure::list_metrics, measure::create_metric, measure::get_metric, measure::update_metric, measure::get_series,
        measure::load_values, measure::add_rebase, measure::remove_rebase, measure::list_years, measure::save_year,
        measure::year_overview, measure::body_year, measure::list_pools, measure::create_pool, measure::load_return,
        population::overview, population::list, population::get, population::create, population::update, population::count,
        design::list, design::get, design::create, design::update, design::request_run, design::run, design::link_to_agenda_item,
        oruk::root, oruk::services, oruk::service, oruk::service_at_locations, oruk::service_at_location,
        oruk::taxonomies, oruk::taxonomy, oruk::taxonomy_terms, oruk::taxonomy_term,
        referrals::caseload, referrals::create, referrals::get, referrals::change_status, referrals::add_contact,
        referrals::record_outcome, crate::refer::figures::api, crate::refer::capacity::put, referrals::fhir_task, referrals::fhir_update_task, referrals::fhir_service_request, referrals::fhir_create_service_request,
        crate::listen::well_known::index, crate::listen::well_known::key, crate::listen::well_known::latest, crate::listen::well_known::version,
        crate::listen::exchange_api::list_published, crate::listen::exchange_api::publish, crate::listen::exchange_api::list_peers, crate::listen::exchange_api::add_peer,
        crate::listen::exchange_api::import_document, crate::listen::exchange_api::check_peer, crate::listen::exchange_api::list_received,
        crate::listen::consultation_api::list, crate::listen::consultation_api::get, crate::listen::consultation_api::figures, crate::listen::consultation_api::enter,
        crate::listen::pulse_api::rounds, crate::listen::pulse_api::results, crate::listen::pulse_api::open, crate::listen::pulse_api::close,
        crate::listen::pulse_api::answer, crate::listen::pulse_api::events, crate::listen::pulse_api::record_event, crate::listen::pulse_api::relationships,
    ),
    components(schemas(
        governance::NotificationList, concord_store::notifications::Notification,
        concord_domain::notification::NotificationKind,
        Problem, FieldError, Principal, Grant, Organisation, OrganisationDraft, PlaceRef, Membership, MembershipDraft, Person, PersonDraft,
        Place, PlaceDraft, Board, BoardDraft, BoardMember, BoardMemberDraft, AuditRecord, Created, PlaceIds, NewPerson,
        OrganisationPage, PersonPage, AuditPage, concord_store::strategy::Round, concord_domain::strategy::RoundStage,
        concord_domain::strategy::PartnerViewDraft, concord_domain::strategy::AreaRank, strategy::RoundDetail,
        concord_store::objectives::AreaPriority, concord_store::objectives::Objective, concord_domain::strategy::PriorityStance,
        concord_domain::strategy::PriorityDraft, concord_domain::strategy::ObjectiveDraft, strategy::ProposalDetail,
        concord_store::consent::Proposal, concord_store::consent::ProposalResponse, concord_domain::consent::Standing,
        concord_domain::consent::ResponseDraft, concord_domain::consent::ResponseKind, concord_domain::consent::ProposalStatus,
        agree_writes::Vision, agree_writes::TextBody, agree_writes::DecisionBody, concord_store::vision::VisionVersion,
        concord_store::vision::VisionComment, concord_domain::strategy::RoundDraft, concord_domain::strategy::AreaDraft, concord_domain::consent::ProposalDraft,
        delivery::ProgrammeDetail, delivery::Escalated, delivery::MeetingDetail, delivery::ImprovementDetail, delivery::Readings,
        concord_store::metrics::Metric, concord_domain::metric::MetricDraft, measure::SeriesSummary, measure::MetricDetail, measure::SeriesChart,
        concord_store::metrics::Series, concord_store::metrics::SeriesValue, concord_store::metrics::Rebase, measure::ValueBatch,
        concord_store::metric_load::ValueRow, concord_store::metric_load::LoadSummary, measure::RebaseDraft,
        concord_store::finance::Year, concord_domain::finance::FinancialYearDraft, concord_app::finance::Overview,
        concord_app::finance::BodyPosition, concord_app::finance::PoolOverview, concord_store::finance::PooledBudget,
        concord_store::finance::Party, measure::BodyYear, measure::BodyMonth, concord_domain::finance::PooledBudgetDraft,
        measure::FinanceBatch, concord_store::finance_load::FinanceLoadSummary,
        concord_store::population::SavedCohort, population::DefinitionBody, population::CohortResults, population::PopulationOverview,
        population::PublishedCounts, population::PublishedCount, population::PublishedTable, population::PublishedCells,
        concord_store::design::Scenario, concord_domain::design::ScenarioDraft, concord_domain::design::RunStatus,
        design::ScenarioOut, design::ParameterOut, design::RunOut, design::ScenarioLink, concord_store::design::PackScenario,
        crate::refer::figures::FiguresOut, crate::refer::figures::CountTableOut, crate::refer::figures::OutcomeChangeOut, crate::refer::figures::ProvisionOut,
        referrals::CaseloadOut, referrals::ReferralOut, referrals::ReferredPersonOut, referrals::StatusOut,
        concord_domain::referral::ReferralDraft, concord_domain::referral::StatusChangeDraft, concord_domain::directory::CapacityDraft,
        concord_domain::referral::caseload::ContactDraft, concord_domain::referral::outcome::OutcomeDraft,
        crate::listen::exchange_api::PublishedOut, crate::listen::exchange_api::PeerOut, crate::listen::exchange_api::ReceivedOut,
        concord_app::listen::exchange::publish::Offer, concord_app::listen::exchange::subscribe::PeerDraft, concord_app::listen::exchange::subscribe::Imported,
        concord_store::consultations::Consultation, concord_store::consultations::Theme, concord_domain::consultation::Question, concord_domain::consultation::response::ResponseDraft,
        crate::listen::consultation_api::ConsultationOut, crate::listen::consultation_api::ConsultationFiguresOut, crate::listen::consultation_api::CountsOut, crate::listen::consultation_api::AgreementOut,
        concord_store::pulse::Round, concord_store::pulse::RoundResults, concord_store::pulse::Event, concord_store::pulse::PackPulse,
        concord_domain::pulse::results::PulseResults, concord_domain::pulse::results::PulseCell, concord_domain::pulse::results::Figure,
        concord_domain::pulse::results::PrincipleFigures, concord_domain::pulse::results::Withheld, concord_domain::pulse::Principle,
        concord_domain::pulse::TrustItem, concord_domain::pulse::RoundStatus, concord_domain::pulse::PulseDraft, concord_domain::pulse::Agreement,
        concord_app::listen::pulse::RoundDraft, concord_app::listen::pulse::EventDraft, crate::listen::pulse_api::PulseRoundResultsOut,
        concord_app::listen::relationships::Network, concord_app::listen::relationships::Edge, concord_store::relationships::Node, concord_store::relationships::Links,
        concord_domain::consultation::SubjectKind, concord_domain::consultation::ConsultationStatus, concord_domain::consultation::QuestionKind, concord_domain::consultation::ThemeOutcome, concord_domain::consultation::LinkKind,
    )),
    tags((name = "directory", description = "Organisations, places, people and memberships"), (name = "governance", description = "Boards, audit and the caller"), (name = "agree", description = "Strategy rounds and where partners align"), (name = "deliver", description = "Programmes, RAID, board meetings, board packs, actions and frontline improvement"), (name = "measure", description = "Metrics, SPC charts, values and system finance"), (name = "understand", description = "The pseudonymised population picture: overview, cohorts and their published counts"), (name = "design", description = "What-if scenarios of care pathways and waiting lists, their runs, comparisons and partner ledgers"), (name = "openreferral", description = "The service directory as the Open Referral UK API serves it (HSDS 3.0, read only, open to anyone)"), (name = "refer", description = "Referrals across organisations: made, moved through FHIR Task's lifecycle, worked as a caseload, with ONS4 and UCLA-3 outcomes; also as FHIR R4 Task and ServiceRequest"), (name = "listen", description = "Consultations: their questions, figures through the disclosure rule, themes with their \"you said, we did\" answers, and responses entered by those who run them; the partnership trust pulse: rounds, answers for one's own organisation, events, and closed rounds' results as protected aggregates"), (name = "exchange", description = "Signed, versioned documents exchanged between Concord systems: what this system publishes (open to anyone at /.well-known/concord), its peers and what they publish"))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The id of something just created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// The new object's id.
    pub id: String,
}

/// A set of place ids.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlaceIds {
    /// The places' ids.
    pub place_ids: Vec<String>,
}

/// A new person and the role they take in the organisation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewPerson {
    /// The person's details.
    #[serde(flatten)]
    pub person: PersonDraft,
    /// Their role code in the organisation, for example `analyst`.
    #[schema(required)]
    pub role: String,
}

/// Page-number query parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
}

impl Paging {
    /// The store's page request.
    pub fn request(&self) -> concord_store::PageRequest {
        concord_store::PageRequest::new(self.page, self.per_page)
    }
}

/// A page of organisations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganisationPage {
    /// The organisations on this page.
    pub items: Vec<Organisation>,
    /// This page's number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items across all pages.
    pub total: i64,
}

/// A page of people.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonPage {
    /// The people on this page.
    pub items: Vec<Person>,
    /// This page's number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items across all pages.
    pub total: i64,
}

/// A page of audit entries.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// The entries on this page, newest first.
    pub items: Vec<AuditRecord>,
    /// This page's number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Entries across all pages.
    pub total: i64,
}
