-- Population health. The analytical store (pseudonymised Parquet) lives outside the database; here
-- are the saved cohort definitions, the registered lists practices supply for direct care (the only
-- identifiable population data Concord holds, read only to re-identify a practice's own patients on
-- a worklist), and break-glass views awaiting review.

CREATE TABLE cohorts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    owner_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cohorts_name ON cohorts(name);

CREATE TABLE registered_lists (
    practice_id TEXT PRIMARY KEY REFERENCES organisations(id),
    patients BIGINT NOT NULL,
    file_sha256 TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);

CREATE TABLE registered_patients (
    practice_id TEXT NOT NULL REFERENCES organisations(id),
    nhs_number TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    postcode TEXT NOT NULL,
    PRIMARY KEY (practice_id, nhs_number)
);

CREATE TABLE break_glass (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    practice_id TEXT NOT NULL REFERENCES organisations(id),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT
);
CREATE INDEX break_glass_open ON break_glass(reviewed_at, created_at);
