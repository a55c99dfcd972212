//! Refer's pages: find a service (by words, need, postcode district or distance from its middle,
//! and whether it has places now), a service's page (what it offers, where and when, how to be referred, its capacity as
//! its provider last said), importing services (a partner's own, or the system's directory), and
//! the whole directory as an HSDS feed.

use crate::authz::{Rule, Target};
use crate::error::PageError;
use crate::extract::{Context, Params};
use crate::ui::filters;
use crate::ui::upload::{
    file_problems, read_upload, upload_page, FileField, Outcome, SecondChoice, UploadDef,
};
use crate::ui::{page_link, render, showing, Choice, Layout};
use askama::Template;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use concord_app::refer::directory::{self as use_case, may_manage_services, Upload};
use concord_directory::distance::{self, Position};
use concord_directory::feed::FeedKind;
use concord_directory::hsds::{Schedule, Service};
use concord_domain::{Role, ValidationErrors};
use concord_store::directory::{self, ServiceFilter, StoredService};
use concord_store::{lookups, Page, PageRequest, StoreError};
use serde::Deserialize;

/// The search on the services page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FindQuery {
    /// Words.
    pub q: String,
    /// A need (taxonomy term id).
    pub need: String,
    /// A postcode or postcode district.
    pub district: String,
    /// "yes": only services with places now.
    pub available: String,
    /// Metres from the middle of the district (blank: in the district itself).
    pub within: String,
    /// The page, from 1.
    pub page: Option<u32>,
}

/// A service as listed.
pub struct ServiceLine {
    /// The service.
    pub stored: StoredService,
    /// Where it is offered, in words.
    pub places: String,
    /// Its capacity in words, or empty.
    pub capacity: String,
    /// How far its nearest place is from the point searched near, in words, or empty.
    pub distance: String,
}

impl ServiceLine {
    fn of(stored: StoredService) -> ServiceLine {
        let places: Vec<String> = stored
            .service
            .service_at_locations
            .iter()
            .flatten()
            .filter_map(|at| {
                let location = at.location.as_deref()?;
                let postcode = location
                    .addresses
                    .iter()
                    .flatten()
                    .map(|a| a.postal_code.clone())
                    .next();
                Some(match (&location.name, postcode) {
                    (Some(name), Some(postcode)) => format!("{name}, {postcode}"),
                    (Some(name), None) => name.clone(),
                    (None, Some(postcode)) => postcode,
                    (None, None) => return None,
                })
            })
            .collect();
        ServiceLine {
            places: places.join("; "),
            capacity: capacity_words(&stored),
            distance: String::new(),
            stored,
        }
    }

    /// With how far its nearest place is from `centre`.
    fn from(mut self, centre: Position) -> ServiceLine {
        let nearest = concord_directory::index::of(&self.stored.service)
            .places
            .iter()
            .filter_map(|p| Position::new(p.latitude?, p.longitude?))
            .map(|p| distance::metres_between(centre, p))
            .min_by(f64::total_cmp);
        if let Some(metres) = nearest {
            self.distance = distance::words(metres);
        }
        self
    }
}

/// The distances a search may reach from the middle of a district, in metres, with their words.
const WITHIN: [(&str, &str); 4] = [
    ("1000", "Within 1 km of its middle"),
    ("2000", "Within 2 km of its middle"),
    ("5000", "Within 5 km of its middle"),
    ("10000", "Within 10 km of its middle"),
];

/// "12 of 20 places available (updated 3 December 2026)", "Full: 0 of 20 places", or empty
/// when the provider keeps no count.
fn capacity_words(stored: &StoredService) -> String {
    let Some((available, maximum, unit, updated)) = &stored.capacity else {
        return String::new();
    };
    let when =
        filters::date(updated.as_str(), &askama::NO_VALUES).unwrap_or_else(|_| updated.clone());
    let unit = if unit.is_empty() {
        "places"
    } else {
        unit.as_str()
    };
    let count = |x: f64| concord_domain::format::count(x.round() as i64);
    match maximum {
        Some(max) if *available <= 0.0 => format!(
            "Full: 0 of {} {unit} available (updated {when})",
            count(*max)
        ),
        Some(max) => format!(
            "{} of {} {unit} available (updated {when})",
            count(*available),
            count(*max)
        ),
        None => format!("{} {unit} available (updated {when})", count(*available)),
    }
}

#[derive(Template)]
#[template(path = "refer/services.html")]
struct FindPage {
    layout: Layout,
    query: FindQuery,
    needs: Vec<Choice>,
    districts: Vec<Choice>,
    results: Page<ServiceLine>,
    showing: String,
    prev: String,
    next: String,
    can_import: bool,
    district_error: Option<String>,
    within: Vec<Choice>,
    distance_rule: String,
}

/// `GET /services`: find a service.
pub async fn find(
    Context(state, visitor, permit): Context,
    Params(query): Params<FindQuery>,
) -> Result<Response, PageError> {
    let district = query.district.trim();
    let (postcode_district, district_error) = if district.is_empty() {
        (None, None)
    } else {
        match concord_directory::index::postcode_district(district) {
            Some(d) => (Some(d), None),
            None => (
                None,
                Some(format!("Enter a postcode or the first part of one, such as RV2 4AB or RV2 (\u{201c}{district}\u{201d} is neither)")),
            ),
        }
    };
    // Near the district's middle (its listed places' median position) instead of in it, when asked.
    let mut near = None;
    let mut district_error = district_error;
    let mut distance_rule = String::new();
    if let Some((metres, _)) = WITHIN.iter().find(|(m, _)| *m == query.within) {
        match &postcode_district {
            Some(d) => match directory::district_centre(&state.store, d).await? {
                Some((centre, places)) => {
                    near = directory::Near::new(centre, metres.parse().unwrap_or_default());
                    distance_rule = format!(
                        "Nearest first. Distances are in a straight line from the middle of {d}: the median position of the {} listed there.",
                        concord_domain::format::plural(places, "place", "places")
                    );
                }
                None => {
                    district_error = Some(format!(
                        "No place listed in {d} has a position, so distances from it cannot be measured: search the district itself"
                    ))
                }
            },
            None if district_error.is_none() => {
                district_error =
                    Some("Enter a postcode or district to search near it".to_string())
            }
            None => {}
        }
    }
    let filter = ServiceFilter {
        search: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        taxonomy_term_id: Some(query.need.clone()).filter(|n| !n.is_empty()),
        postcode_district: if near.is_some() {
            None
        } else {
            postcode_district
        },
        with_capacity: query.available == "yes",
        near,
        ..ServiceFilter::default()
    };
    let page = directory::services(
        &state.store,
        &filter,
        PageRequest::new(query.page, Some(25)),
    )
    .await?;
    let params = [
        ("q", query.q.as_str()),
        ("need", query.need.as_str()),
        ("district", query.district.as_str()),
        ("available", query.available.as_str()),
        ("within", query.within.as_str()),
    ];
    let prev = if page.page > 1 {
        page_link(&params, page.page - 1)
    } else {
        String::new()
    };
    let next = if page.has_next() {
        page_link(&params, page.page + 1)
    } else {
        String::new()
    };
    let results = Page {
        items: page
            .items
            .into_iter()
            .map(|s| match &near {
                Some(near) => ServiceLine::of(s).from(near.centre()),
                None => ServiceLine::of(s),
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    };
    let needs = directory::terms_in_use(&state.store)
        .await?
        .into_iter()
        .map(|(id, name, n)| (id, format!("{name} ({n})")))
        .collect();
    let districts = directory::districts(&state.store)
        .await?
        .into_iter()
        .map(|(d, n)| (d.clone(), format!("{d} ({n})")))
        .collect();
    let mut layout = Layout::new(&state, &visitor, &permit, "Find a service", "services");
    layout.has_errors = district_error.is_some();
    Ok(render(&FindPage {
        layout,
        showing: showing(&results),
        results,
        needs,
        districts,
        prev,
        next,
        can_import: permit
            .may(&state, Rule::ManageServices, Target::NONE)
            .await?,
        district_error,
        within: WITHIN
            .iter()
            .map(|(m, label)| (m.to_string(), label.to_string()))
            .collect(),
        distance_rule,
        query,
    }))
}

/// A schedule in words: "Tuesdays, 10:00 to 15:00".
fn schedule_words(schedule: &Schedule) -> String {
    let days: Vec<&str> = schedule
        .byday
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|d| match d.trim() {
            "MO" => Some("Mondays"),
            "TU" => Some("Tuesdays"),
            "WE" => Some("Wednesdays"),
            "TH" => Some("Thursdays"),
            "FR" => Some("Fridays"),
            "SA" => Some("Saturdays"),
            "SU" => Some("Sundays"),
            _ => None,
        })
        .collect();
    let hours = match (&schedule.opens_at, &schedule.closes_at) {
        (Some(o), Some(c)) => format!("{} to {}", o.get(..5).unwrap_or(o), c.get(..5).unwrap_or(c)),
        _ => String::new(),
    };
    match (days.is_empty(), hours.is_empty()) {
        (false, false) => format!("{}, {hours}", days.join(" and ")),
        (false, true) => days.join(" and "),
        (true, false) => hours,
        (true, true) => schedule.description.clone().unwrap_or_default(),
    }
}

/// A place a service is offered, for its page.
pub struct PlaceView {
    /// Its name.
    pub name: String,
    /// Its address, a line each.
    pub address: Vec<String>,
    /// When, a line each.
    pub when: Vec<String>,
}

#[derive(Template)]
#[template(path = "refer/service.html")]
struct ServicePage {
    layout: Layout,
    stored: StoredService,
    service: Service,
    capacity: String,
    needs: Vec<String>,
    places: Vec<PlaceView>,
    when: Vec<String>,
    phones: Vec<String>,
    can_manage: bool,
    /// Whether the service takes referrals through Concord (a partner's, and active).
    takes_referrals: bool,
    /// Whether the viewer may refer someone (a GP practice's direct-care clinician).
    may_refer: bool,
    /// "Usually replies in N working days; M% of referrals accepted", or why it cannot be said.
    record: String,
}

/// A service's record of replying, in words, with its rule.
fn reply_words(record: Option<concord_app::refer::referrals::ReplyRecord>) -> String {
    use concord_app::refer::referrals::MIN_REPLIES;
    match record {
        // No counts, and the share to the nearest 10%: a service's record must not give away
        // how a handful of people's referrals went.
        Some(r) => format!(
            "Usually replies within {} and accepts about {} of referrals (the median time to reply, and the share accepted, of the referrals it replied to in the last 12 months)",
            concord_domain::format::plural(i64::from(r.median_working_days), "working day", "working days"),
            concord_domain::format::percent((r.accepted_share * 10.0).round() * 10.0, 0),
        ),
        None => format!(
            "Too few referrals in the last 12 months to say how quickly it replies (it is said once {MIN_REPLIES} have had a reply)"
        ),
    }
}

/// `GET /services/{id}`.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let stored = directory::service(&state.store, &id).await?;
    let service = stored.service.clone();
    let needs = service
        .attributes
        .iter()
        .flatten()
        .filter_map(|a| a.taxonomy_term.as_ref().map(|t| t.name.clone()))
        .collect();
    let places = service
        .service_at_locations
        .iter()
        .flatten()
        .map(|at| {
            let location = at.location.as_deref();
            PlaceView {
                name: location
                    .and_then(|l| l.name.clone())
                    .unwrap_or_else(|| "A place".into()),
                address: location
                    .and_then(|l| l.addresses.as_ref()?.first().cloned())
                    .map(|a| {
                        [
                            Some(a.address_1),
                            a.address_2,
                            Some(a.city),
                            Some(a.postal_code),
                        ]
                        .into_iter()
                        .flatten()
                        .filter(|l| !l.trim().is_empty())
                        .collect()
                    })
                    .unwrap_or_default(),
                when: at.schedules.iter().flatten().map(schedule_words).collect(),
            }
        })
        .collect();
    let phones = service
        .phones
        .iter()
        .flatten()
        .map(|p| p.number.clone())
        .collect();
    let when = service
        .schedules
        .iter()
        .flatten()
        .map(schedule_words)
        .collect();
    let can_manage = may_manage_services(
        permit.principal.as_ref(),
        stored.partner_organisation_id.as_deref(),
    );
    let takes_referrals = stored.partner_organisation_id.is_some() && stored.status == "active";
    let practices =
        concord_app::authz::gp_practices_of(&state.store, permit.principal.as_ref()).await?;
    let may_refer = concord_app::authz::may_make_referral(permit.principal.as_ref(), &practices);
    let record = if takes_referrals {
        reply_words(concord_app::refer::referrals::service_record(&state.store, &id).await?)
    } else {
        String::new()
    };
    Ok(render(&ServicePage {
        takes_referrals,
        may_refer,
        record,
        layout: Layout::new(&state, &visitor, &permit, stored.name.clone(), "services"),
        capacity: capacity_words(&stored),
        service,
        stored,
        needs,
        places,
        when,
        phones,
        can_manage,
    }))
}

/// The partners `principal` may import services for, and (for administrators) the system's own.
async fn owner_choices(
    state: &crate::AppState,
    permit: &crate::authz::Permit,
) -> Result<Vec<Choice>, StoreError> {
    let principal = permit.principal.as_ref();
    let mut choices = Vec::new();
    if may_manage_services(principal, None) {
        choices.push((
            String::new(),
            "No partner: the system's own directory (a council's or a national feed)".to_string(),
        ));
        choices.extend(lookups::partner_organisations(&state.store).await?);
    } else if let Some(p) = principal {
        for grant in &p.grants {
            if matches!(grant.role, Role::PartnerLead | Role::VcseWorker)
                && !choices.iter().any(|(id, _)| id == &grant.organisation_id)
            {
                choices.push((
                    grant.organisation_id.clone(),
                    grant.organisation_name.clone(),
                ));
            }
        }
    }
    Ok(choices)
}

const PACKAGE: &str = "csv_package";

fn import_def(owners: Vec<Choice>, owner: &str, kind: &str) -> UploadDef {
    let mut kinds: Vec<Choice> = FeedKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                format!("HSDS JSON: {}", k.label().to_lowercase()),
            )
        })
        .collect();
    kinds.push((
        PACKAGE.into(),
        "HSDS CSV data package (choose all its .csv files)".into(),
    ));
    UploadDef {
        heading: "Import services".into(),
        action: "/services/import".into(),
        help: vec![
            "An Open Referral UK (HSDS 3.0) feed: a JSON file of services (one, a list, or a page of the Open Referral API), or the CSV files of a data package (services.csv, organizations.csv, locations.csv ...). Capacity may be given as HSDS 3.1's service capacity.".into(),
            "Every service is added, or replaced if it is already there; a file with any problem changes nothing, and each problem is named by file, record and field. Importing the same file again changes nothing.".into(),
            "A partner's services are its own: only its partner lead and VCSE workers import them, and a file that names another partner's service is refused.".into(),
        ],
        datasets: kinds,
        chosen: kind.to_string(),
        choice_label: "What the file holds".into(),
        back: ("/services".into(), "Find a service".into()),
        second: Some(SecondChoice {
            name: "partner_organisation_id".into(),
            label: "Whose services these are".into(),
            options: owners,
            chosen: owner.to_string(),
        }),
        file: FileField {
            label: "File".into(),
            hint: "A JSON feed, or every CSV file of a data package. At most 20 MB.".into(),
            accept: ".json,application/json,.csv,text/csv".into(),
            multiple: true,
        },
    }
}

/// `GET /services/import`.
pub async fn import_form(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let owners = owner_choices(&state, &permit).await?;
    let owner = owners.first().map(|o| o.0.clone()).unwrap_or_default();
    Ok(upload_page(
        Layout::new(&state, &visitor, &permit, "Import services", "services"),
        import_def(owners, &owner, FeedKind::Services.as_str()),
        Outcome::Blank,
    ))
}

/// `POST /services/import`.
pub async fn import(
    Context(state, visitor, permit): Context,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let form = read_upload(&headers, body).await?;
    let owner = form.field("partner_organisation_id").to_string();
    let kind = form.field("dataset").to_string();
    let owners = owner_choices(&state, &permit).await?;
    let layout = Layout::new(&state, &visitor, &permit, "Import services", "services");
    let def = import_def(owners, &owner, &kind);
    let files: Vec<(String, Vec<u8>)> = form
        .files
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .collect();
    if files.is_empty() {
        return Ok(upload_page(
            layout,
            def,
            file_problems(["Choose the file to import".to_string()]),
        ));
    }
    let upload = if kind == PACKAGE {
        Upload::Package { files }
    } else {
        let Some(feed_kind) = FeedKind::from_code(&kind) else {
            return Ok(upload_page(
                layout,
                def,
                Outcome::Refused(vec![(
                    "dataset".into(),
                    "Choose what the file holds".into(),
                )]),
            ));
        };
        if files.len() > 1 {
            return Ok(upload_page(
                layout,
                def,
                file_problems([
                    "Choose one JSON file (several files make a CSV data package)".to_string(),
                ]),
            ));
        }
        let (file_name, bytes) = files.into_iter().next().expect("one file");
        Upload::Feed {
            file_name,
            bytes,
            kind: feed_kind,
        }
    };
    let Some(principal) = permit.principal.as_ref() else {
        return Err(StoreError::Forbidden("Sign in to import services".into()).into());
    };
    let owner = Some(owner.as_str()).filter(|o| !o.is_empty());
    match use_case::import(&state.store, principal, &permit.actor, owner, &upload).await {
        Ok(report) => {
            let mut summary = format!(
                "Imported: {} new, {} changed and {} unchanged services; {} taxonomy terms.",
                report.added, report.changed, report.unchanged, report.taxonomy_terms
            );
            if !report.passed_over.is_empty() {
                summary.push_str(&format!(
                    " {} records belonged to nothing in the file and were passed over: {}",
                    report.passed_over.len(),
                    report.passed_over.join("; ")
                ));
            }
            Ok(upload_page(layout, def, Outcome::Loaded(summary)))
        }
        Err(StoreError::Invalid(ValidationErrors(errors))) => Ok(upload_page(
            layout,
            def,
            Outcome::Refused(
                errors
                    .into_iter()
                    .map(|e| {
                        let at = if e.field == "partner_organisation_id" {
                            e.field
                        } else {
                            "file".to_string()
                        };
                        (at, e.message)
                    })
                    .collect(),
            ),
        )),
        Err(other) => Err(other.into()),
    }
}

/// `GET /services/export.json`: the whole directory as an HSDS JSON feed, every service in full.
pub async fn export(Context(state, _, _): Context) -> Result<Response, PageError> {
    let json = use_case::export_json(&state.store).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"services.json\"",
            ),
        ],
        json,
    )
        .into_response())
}

/// `GET /services/export.zip`: the whole directory as an HSDS CSV data package, zipped.
pub async fn export_package(Context(state, _, _): Context) -> Result<Response, PageError> {
    let zip = use_case::export_package(&state.store).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"services-hsds-package.zip\"",
            ),
        ],
        zip,
    )
        .into_response())
}
