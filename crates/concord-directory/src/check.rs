//! Checks what the HSDS schema says beyond shape: codes from its lists (a service's status, a
//! location's type, a schedule's frequency), dates and times in their formats, e-mail addresses
//! and web addresses that can be used, ages and capacity that make sense, and ids given once.
//!
//! A location's latitude and longitude are not refused when they are outside the globe (the
//! schema allows any number, and its own example has a latitude of 100): such a place is simply
//! not used for distances.

use crate::hsds::{
    Address, Attribute, Contact, Location, Phone, Schedule, Service, ServiceAtLocation,
    ServiceCapacity, TaxonomyTerm,
};
use crate::{Directory, Problem, Problems};
use chrono::{DateTime, NaiveDate, NaiveTime};
use serde_json::Number;
use std::collections::HashSet;

/// Whether `id` is a UUID in its hyphenated form, as HSDS's ids are.
pub fn is_uuid(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

/// The longest name accepted.
pub const MAX_NAME_CHARS: usize = 500;

/// The largest service accepted, as JSON.
pub const MAX_SERVICE_BYTES: usize = 256 * 1024;

/// The schemes a web address may have (what a reader can safely follow).
pub const URL_SCHEMES: [&str; 2] = ["http", "https"];

/// A service's status, as HSDS lists them.
pub const SERVICE_STATUSES: [&str; 4] = ["active", "inactive", "defunct", "temporarily closed"];

/// A location's or an address's type, as HSDS lists them.
pub const PLACE_TYPES: [&str; 3] = ["physical", "postal", "virtual"];

/// Checks `directory`, read from `file`: every problem named by record and field.
pub fn check(file: &str, directory: &Directory) -> Result<(), Problems> {
    let mut problems = Problems::default();
    let mut ids = HashSet::new();
    let mut places = HashSet::new();
    for (i, service) in directory.services.iter().enumerate() {
        let mut at = At {
            file,
            number: i + 1,
            id: &service.id,
            problems: &mut problems,
        };
        if !ids.insert(service.id.as_str()) {
            at.problem("id", "this service's id is given twice");
        }
        for (k, place) in service.service_at_locations.iter().flatten().enumerate() {
            if !places.insert(place.id.as_str()) {
                at.problem(
                    &format!("service_at_locations[{k}].id"),
                    "this service at location's id is given twice: each place a service is offered has its own",
                );
            }
        }
        at.service(service);
        let value = serde_json::to_value(service).expect("HSDS objects always serialise");
        at.no_nul("", &value);
        let size = value.to_string().len();
        if size > MAX_SERVICE_BYTES {
            at.problem(
                "",
                format!(
                    "the service is {} KB; a service may be at most {} KB",
                    size / 1024,
                    MAX_SERVICE_BYTES / 1024
                ),
            );
        }
    }
    let mut term_ids = HashSet::new();
    for (i, term) in directory.taxonomy_terms.iter().enumerate() {
        let mut at = At {
            file,
            number: i + 1,
            id: &term.id,
            problems: &mut problems,
        };
        if !term_ids.insert(term.id.as_str()) {
            at.problem("id", "this taxonomy term's id is given twice");
        }
        at.term("", term);
        let value = serde_json::to_value(term).expect("HSDS objects always serialise");
        at.no_nul("", &value);
    }
    let mut taxonomy_ids = HashSet::new();
    for (i, taxonomy) in directory.taxonomies.iter().enumerate() {
        let mut at = At {
            file,
            number: i + 1,
            id: &taxonomy.id,
            problems: &mut problems,
        };
        if !taxonomy_ids.insert(taxonomy.id.as_str()) {
            at.problem("id", "this taxonomy's id is given twice");
        }
        at.id("id", &taxonomy.id);
        at.name("name", &taxonomy.name);
        at.uri("uri", taxonomy.uri.as_deref());
        let value = serde_json::to_value(taxonomy).expect("HSDS objects always serialise");
        at.no_nul("", &value);
    }
    problems.into_result()
}

/// Where the checks are: a record of a file.
struct At<'a> {
    file: &'a str,
    number: usize,
    id: &'a str,
    problems: &'a mut Problems,
}

/// `base.field`, or `field` at the top.
fn path(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_string()
    } else {
        format!("{base}.{field}")
    }
}

impl At<'_> {
    /// Text with a NUL character in it (which no database keeps as text), anywhere in `value`.
    fn no_nul(&mut self, base: &str, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(text) if text.contains('\0') => {
                self.problem(base, "contains a NUL character (\\u0000)");
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.no_nul(&format!("{base}[{i}]"), item);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    self.no_nul(&path(base, key), item);
                }
            }
            _ => {}
        }
    }

    fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem::field(
            self.file,
            self.number,
            Some(self.id),
            field,
            message,
        ));
    }

    /// An id, which HSDS makes a UUID in its hyphenated form.
    fn id(&mut self, field: &str, id: &str) {
        if !is_uuid(id) {
            self.problem(
                field,
                format!(
                    "\u{201c}{}\u{201d} is not a UUID (such as ac148810-d857-441c-9679-408f346de14b): HSDS ids are UUIDs",
                    id.chars().take(60).collect::<String>()
                ),
            );
        }
    }

    fn link(&mut self, field: &str, id: Option<&str>) {
        if let Some(id) = id {
            self.id(field, id);
        }
    }

    fn name(&mut self, field: &str, name: &str) {
        if name.trim().is_empty() {
            self.problem(field, "a name must not be blank");
        } else if name.chars().count() > MAX_NAME_CHARS {
            self.problem(
                field,
                format!("a name may be at most {MAX_NAME_CHARS} characters"),
            );
        }
    }

    fn one_of(&mut self, field: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(value) = value {
            if !allowed.contains(&value) {
                self.problem(
                    field,
                    format!(
                        "\u{201c}{value}\u{201d} is not one of {}",
                        allowed
                            .iter()
                            .map(|a| format!("\u{201c}{a}\u{201d}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }

    fn date(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            if NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err() {
                self.problem(
                    field,
                    format!("\u{201c}{value}\u{201d} is not a date (YYYY-MM-DD)"),
                );
            }
        }
    }

    fn date_time(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            if DateTime::parse_from_rfc3339(value).is_err() {
                self.problem(
                    field,
                    format!(
                        "\u{201c}{value}\u{201d} is not a date and time (such as 2024-05-16T09:30:00Z)"
                    ),
                );
            }
        }
    }

    fn time(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            let ok = NaiveTime::parse_from_str(value, "%H:%M:%S").is_ok()
                || NaiveTime::parse_from_str(value, "%H:%M").is_ok();
            if !ok {
                self.problem(
                    field,
                    format!("\u{201c}{value}\u{201d} is not a time of day (HH:MM or HH:MM:SS)"),
                );
            }
        }
    }

    fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            let ok = value.split_once('@').is_some_and(|(user, host)| {
                let user_ok = !user.is_empty()
                    && user
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
                let labels: Vec<&str> = host.split('.').collect();
                let host_ok = labels.len() >= 2
                    && labels.iter().all(|l| {
                        !l.is_empty()
                            && !l.starts_with('-')
                            && !l.ends_with('-')
                            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                user_ok && host_ok
            });
            if !ok {
                self.problem(
                    field,
                    format!("\u{201c}{value}\u{201d} is not an e-mail address"),
                );
            }
        }
    }

    fn uri(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
            let ok = scheme.is_some_and(|s| URL_SCHEMES.contains(&s.as_str()))
                && value.len() > "https://".len()
                && !value.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                self.problem(
                    field,
                    format!("\u{201c}{value}\u{201d} is not a web address (such as https://example.org)"),
                );
            }
        }
    }

    /// A number that must be a whole number from `low` to `high`.
    fn whole(&mut self, field: &str, value: Option<&Number>, low: i64, high: i64) -> Option<i64> {
        let value = value?;
        match value.as_i64().filter(|v| (low..=high).contains(v)) {
            Some(v) => Some(v),
            None => {
                self.problem(
                    field,
                    format!("{value} is not a whole number from {low} to {high}"),
                );
                None
            }
        }
    }

    fn not_negative(&mut self, field: &str, value: Option<&Number>) -> Option<f64> {
        let v = value?.as_f64()?;
        if v < 0.0 {
            self.problem(field, format!("{v} is below 0"));
        }
        Some(v)
    }

    fn service(&mut self, s: &Service) {
        self.id("id", &s.id);
        if s.organization
            .as_ref()
            .is_some_and(|o| o.services.is_some())
        {
            self.problem(
                "organization.services",
                "a service's organization does not list services (give each as a service of the feed)",
            );
        }
        for (i, at) in s.service_at_locations.iter().flatten().enumerate() {
            if at.service.is_some() {
                self.problem(
                    &format!("service_at_locations[{i}].service"),
                    "a service's places do not carry a service",
                );
            }
        }
        self.link("organization_id", s.organization_id.as_deref());
        self.link("program_id", s.program_id.as_deref());
        self.name("name", &s.name);
        self.one_of("status", Some(&s.status), &SERVICE_STATUSES);
        self.email("email", s.email.as_deref());
        self.email("assurer_email", s.assurer_email.as_deref());
        self.uri("url", s.url.as_deref());
        self.date("assured_date", s.assured_date.as_deref());
        self.date_time("last_modified", s.last_modified.as_deref());
        let low = self.whole("minimum_age", s.minimum_age.as_ref(), 0, 150);
        let high = self.whole("maximum_age", s.maximum_age.as_ref(), 0, 150);
        if let (Some(low), Some(high)) = (low, high) {
            if low > high {
                self.problem(
                    "maximum_age",
                    format!("the maximum age ({high}) is below the minimum age ({low})"),
                );
            }
        }
        if let Some(organization) = &s.organization {
            self.id("organization.id", &organization.id);
            self.name("organization.name", &organization.name);
            self.email("organization.email", organization.email.as_deref());
            self.uri("organization.website", organization.website.as_deref());
            for (i, phone) in organization.phones.iter().flatten().enumerate() {
                self.phone(&format!("organization.phones[{i}]"), phone);
            }
            for (i, contact) in organization.contacts.iter().flatten().enumerate() {
                self.contact(&format!("organization.contacts[{i}]"), contact);
            }
        }
        for (i, phone) in s.phones.iter().flatten().enumerate() {
            self.phone(&format!("phones[{i}]"), phone);
        }
        for (i, schedule) in s.schedules.iter().flatten().enumerate() {
            self.schedule(&format!("schedules[{i}]"), schedule);
        }
        for (i, contact) in s.contacts.iter().flatten().enumerate() {
            self.contact(&format!("contacts[{i}]"), contact);
        }
        for (i, at) in s.service_at_locations.iter().flatten().enumerate() {
            self.service_at_location(&format!("service_at_locations[{i}]"), at);
        }
        for (i, cost) in s.cost_options.iter().flatten().enumerate() {
            let base = format!("cost_options[{i}]");
            self.date(&path(&base, "valid_from"), cost.valid_from.as_deref());
            self.date(&path(&base, "valid_to"), cost.valid_to.as_deref());
            self.not_negative(&path(&base, "amount"), cost.amount.as_ref());
        }
        for (i, capacity) in s.capacities.iter().flatten().enumerate() {
            self.capacity(&format!("capacities[{i}]"), capacity);
        }
        for (i, attribute) in s.attributes.iter().flatten().enumerate() {
            self.attribute(&format!("attributes[{i}]"), attribute);
        }
    }

    fn phone(&mut self, base: &str, phone: &Phone) {
        self.id(&path(base, "id"), &phone.id);
        if phone.number.trim().is_empty() {
            self.problem(&path(base, "number"), "a phone number must not be blank");
        }
    }

    fn contact(&mut self, base: &str, contact: &Contact) {
        self.id(&path(base, "id"), &contact.id);
        self.email(&path(base, "email"), contact.email.as_deref());
        for (i, phone) in contact.phones.iter().flatten().enumerate() {
            self.phone(&format!("{base}.phones[{i}]"), phone);
        }
    }

    fn schedule(&mut self, base: &str, schedule: &Schedule) {
        self.id(&path(base, "id"), &schedule.id);
        self.one_of(
            &path(base, "wkst"),
            schedule.wkst.as_deref(),
            &["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        );
        self.one_of(
            &path(base, "freq"),
            schedule.freq.as_deref(),
            &["WEEKLY", "MONTHLY"],
        );
        for (field, value) in [
            ("valid_from", &schedule.valid_from),
            ("valid_to", &schedule.valid_to),
            ("dtstart", &schedule.dtstart),
            ("until", &schedule.until),
        ] {
            self.date(&path(base, field), value.as_deref());
        }
        self.time(&path(base, "opens_at"), schedule.opens_at.as_deref());
        self.time(&path(base, "closes_at"), schedule.closes_at.as_deref());
        self.whole(&path(base, "interval"), schedule.interval.as_ref(), 1, 1000);
        self.whole(&path(base, "count"), schedule.count.as_ref(), 1, 100_000);
        self.uri(
            &path(base, "schedule_link"),
            schedule.schedule_link.as_deref(),
        );
    }

    fn service_at_location(&mut self, base: &str, at: &ServiceAtLocation) {
        self.id(&path(base, "id"), &at.id);
        self.link(&path(base, "service_id"), at.service_id.as_deref());
        self.link(&path(base, "location_id"), at.location_id.as_deref());
        for (i, schedule) in at.schedules.iter().flatten().enumerate() {
            self.schedule(&format!("{base}.schedules[{i}]"), schedule);
        }
        for (i, phone) in at.phones.iter().flatten().enumerate() {
            self.phone(&format!("{base}.phones[{i}]"), phone);
        }
        for (i, contact) in at.contacts.iter().flatten().enumerate() {
            self.contact(&format!("{base}.contacts[{i}]"), contact);
        }
        if let Some(location) = &at.location {
            self.location(&path(base, "location"), location);
        }
    }

    fn location(&mut self, base: &str, location: &Location) {
        self.id(&path(base, "id"), &location.id);
        self.one_of(
            &path(base, "location_type"),
            Some(&location.location_type),
            &PLACE_TYPES,
        );
        self.uri(&path(base, "url"), location.url.as_deref());
        for (i, address) in location.addresses.iter().flatten().enumerate() {
            self.address(&format!("{base}.addresses[{i}]"), address);
        }
        for (i, phone) in location.phones.iter().flatten().enumerate() {
            self.phone(&format!("{base}.phones[{i}]"), phone);
        }
        for (i, schedule) in location.schedules.iter().flatten().enumerate() {
            self.schedule(&format!("{base}.schedules[{i}]"), schedule);
        }
    }

    fn address(&mut self, base: &str, address: &Address) {
        self.id(&path(base, "id"), &address.id);
        self.one_of(
            &path(base, "address_type"),
            Some(&address.address_type),
            &PLACE_TYPES,
        );
        if address.address_1.trim().is_empty() {
            self.problem(&path(base, "address_1"), "the first line must not be blank");
        }
    }

    fn capacity(&mut self, base: &str, capacity: &ServiceCapacity) {
        self.id(&path(base, "id"), &capacity.id);
        self.name(&path(base, "unit.name"), &capacity.unit.name);
        let available = self.not_negative(&path(base, "available"), Some(&capacity.available));
        let maximum = self.not_negative(&path(base, "maximum"), capacity.maximum.as_ref());
        if let (Some(available), Some(maximum)) = (available, maximum) {
            if available > maximum {
                self.problem(
                    &path(base, "available"),
                    format!("{available} available is more than the maximum of {maximum}"),
                );
            }
        }
        self.date_time(&path(base, "updated"), Some(&capacity.updated));
    }

    fn attribute(&mut self, base: &str, attribute: &Attribute) {
        self.id(&path(base, "id"), &attribute.id);
        match &attribute.taxonomy_term {
            Some(term) => self.term(&path(base, "taxonomy_term"), term),
            None if attribute.taxonomy_term_id.is_some() => self.link(
                &path(base, "taxonomy_term_id"),
                attribute.taxonomy_term_id.as_deref(),
            ),
            None => self.problem(
                &path(base, "taxonomy_term"),
                "an attribute must name its taxonomy term (taxonomy_term or taxonomy_term_id)",
            ),
        }
    }

    fn term(&mut self, base: &str, term: &TaxonomyTerm) {
        self.id(&path(base, "id"), &term.id);
        self.link(&path(base, "parent_id"), term.parent_id.as_deref());
        self.link(&path(base, "taxonomy_id"), term.taxonomy_id.as_deref());
        self.name(&path(base, "name"), &term.name);
        self.uri(&path(base, "term_uri"), term.term_uri.as_deref());
    }
}
