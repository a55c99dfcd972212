-- Refer: the service directory to the Open Referral UK standard (HSDS 3.0). Each service is kept
-- as HSDS gives it (a JSON document, so it is served and exported as it was imported), with
-- what finding it needs beside it: its words, terms, places and capacity. A service run by a
-- partner of the system belongs to that partner (edited by its own people); one from a council's
-- or a national feed belongs to no partner (administrators keep it).
CREATE TABLE directory_imports (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    partner_organisation_id TEXT REFERENCES organisations(id),
    file_sha256 TEXT NOT NULL,
    services BIGINT NOT NULL,
    taxonomies BIGINT NOT NULL,
    taxonomy_terms BIGINT NOT NULL,
    -- Records passed over (belonging to nothing in the package), a line each.
    passed_over TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE directory_services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    organization_id TEXT,
    organization_name TEXT,
    partner_organisation_id TEXT REFERENCES organisations(id),
    search_text TEXT NOT NULL,
    capacity_available DOUBLE PRECISION,
    capacity_maximum DOUBLE PRECISION,
    capacity_unit TEXT,
    capacity_updated TEXT,
    minimum_age BIGINT,
    maximum_age BIGINT,
    -- When the service last changed: its own last_modified, else when it was imported.
    modified_at TEXT NOT NULL,
    document TEXT NOT NULL,
    import_id TEXT NOT NULL REFERENCES directory_imports(id)
);
CREATE INDEX directory_services_partner ON directory_services(partner_organisation_id);
CREATE INDEX directory_services_modified ON directory_services(modified_at);

CREATE TABLE directory_service_terms (
    service_id TEXT NOT NULL REFERENCES directory_services(id),
    taxonomy_term_id TEXT NOT NULL,
    PRIMARY KEY (service_id, taxonomy_term_id)
);
CREATE INDEX directory_service_terms_term ON directory_service_terms(taxonomy_term_id);

-- Where each service is offered: one row per service at a location.
CREATE TABLE directory_service_places (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES directory_services(id),
    location_id TEXT,
    name TEXT,
    postcode_district TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION
);
CREATE INDEX directory_service_places_service ON directory_service_places(service_id);
CREATE INDEX directory_service_places_district ON directory_service_places(postcode_district);

CREATE TABLE directory_taxonomies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE directory_taxonomy_terms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT,
    taxonomy_id TEXT,
    parent_id TEXT,
    document TEXT NOT NULL
);
CREATE INDEX directory_taxonomy_terms_taxonomy ON directory_taxonomy_terms(taxonomy_id);
