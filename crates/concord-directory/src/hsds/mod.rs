//! The Human Services Data Specification (HSDS) 3.0 objects, as Open Referral publishes them,
//! with HSDS 3.1's service capacity: each object's fields as the schema names them, nested as in
//! its "full" examples. Required fields are plain; the rest are optional, and a list that was
//! given (even empty) is kept as given, so a feed read and written again says the same thing.
//! Numbers keep the form they were written in. Unknown fields are refused, as the upstream
//! validation does (additional properties are not allowed anywhere).

mod parts;

pub use parts::*;

use serde::{Deserialize, Serialize};
use serde_json::Number;

/// HSDS `service`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Identifier.
    pub id: String,
    /// Organization Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Program Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_id: Option<String>,
    /// Name.
    pub name: String,
    /// Alternate Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Status.
    pub status: String,
    /// Interpretation Services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpretation_services: Option<String>,
    /// Application Process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_process: Option<String>,
    /// Fees Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_description: Option<String>,
    /// Wait Time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_time: Option<String>,
    /// Fees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<String>,
    /// Accreditations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditations: Option<String>,
    /// Eligibility Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    /// Minimum Age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<Number>,
    /// Maximum Age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<Number>,
    /// Assured Date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<String>,
    /// Assurer Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurer_email: Option<String>,
    /// Licenses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<String>,
    /// Alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// Last Modified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    /// Schedules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<Schedule>>,
    /// Service Areas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_areas: Option<Vec<ServiceArea>>,
    /// Service At Locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_at_locations: Option<Vec<ServiceAtLocation>>,
    /// Languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<Language>>,
    /// Organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Box<Organization>>,
    /// Funding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Vec<Funding>>,
    /// Cost Options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_options: Option<Vec<CostOption>>,
    /// Program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<Box<Program>>,
    /// Required Documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_documents: Option<Vec<RequiredDocument>>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
    /// Capacity (HSDS 3.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacities: Option<Vec<ServiceCapacity>>,
}

/// HSDS `organization`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Alternate Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    /// Description.
    pub description: String,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Tax Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_status: Option<String>,
    /// Tax Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    /// Year Incorporated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_incorporated: Option<Number>,
    /// Legal Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<String>,
    /// Logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Parent Organization Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_organization_id: Option<String>,
    /// Funding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Vec<Funding>>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// Phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    /// Locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<Location>>,
    /// Programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<Program>>,
    /// Organization Identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_identifiers: Option<Vec<OrganizationIdentifier>>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
    /// Services (in a full organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<Service>>,
}

/// HSDS `location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Identifier.
    pub id: String,
    /// Location Type.
    pub location_type: String,
    /// URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Organization Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Alternate Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Transportation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transportation: Option<String>,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<Number>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<Number>,
    /// External Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier: Option<String>,
    /// External Identifier Type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier_type: Option<String>,
    /// Languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<Language>>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// Accessibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<Vec<Accessibility>>,
    /// Phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    /// Schedules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<Schedule>>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}

/// HSDS `service_at_location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAtLocation {
    /// Identifier.
    pub id: String,
    /// Service Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Location Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// Phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    /// Schedules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<Schedule>>,
    /// Location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Box<Location>>,
    /// The service (in a full service-at-location, as the API's list gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Box<Service>>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}

/// HSDS `taxonomy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}

/// HSDS `taxonomy_term`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyTerm {
    /// Identifier.
    pub id: String,
    /// Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parent Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Taxonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// Taxonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_detail: Option<Box<Taxonomy>>,
    /// Language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Taxonomy Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_id: Option<String>,
    /// Term URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_uri: Option<String>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}

/// HSDS `service_capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceCapacity {
    /// Identifier.
    pub id: String,
    /// Service Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Unit.
    pub unit: Box<Unit>,
    /// Unit ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// Available.
    pub available: Number,
    /// Maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Date Updated.
    pub updated: String,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}

/// HSDS `unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Unit Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<Metadata>>,
}
