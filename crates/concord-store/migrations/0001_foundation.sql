-- Concord foundation schema. One set of migrations for SQLite and PostgreSQL: only portable SQL
-- (TEXT, BIGINT, application-generated text ids, ISO-8601 UTC timestamps as fixed-width TEXT).

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    org_type TEXT NOT NULL,
    parent_id TEXT REFERENCES organisations(id),
    website TEXT,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_type_name ON organisations(org_type, name);
CREATE INDEX organisations_name ON organisations(name);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES places(id),
    population BIGINT,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX places_parent ON places(parent_id);

CREATE TABLE organisation_places (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    place_id TEXT NOT NULL REFERENCES places(id),
    PRIMARY KEY (organisation_id, place_id)
);
CREATE INDEX organisation_places_place ON organisation_places(place_id);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    job_title TEXT NOT NULL,
    phone TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_family_name ON people(family_name, given_name);

CREATE TABLE memberships (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (person_id, organisation_id, role)
);
CREATE INDEX memberships_organisation ON memberships(organisation_id);

CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    place_id TEXT REFERENCES places(id),
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX boards_organisation ON boards(organisation_id);

CREATE TABLE board_members (
    board_id TEXT NOT NULL REFERENCES boards(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    board_role TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations(id),
    PRIMARY KEY (board_id, person_id)
);
CREATE INDEX board_members_person ON board_members(person_id);

-- Local sign-in accounts. Identities from an OIDC provider (NHS CIS2, Entra ID) go in
-- external_identities and map to the same person: sessions do not care how a person signed in.
CREATE TABLE accounts (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT
);

CREATE TABLE external_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    csrf_token TEXT NOT NULL,
    auth_method TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE sign_in_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    first_failure_at TEXT NOT NULL,
    blocked_until TEXT
);

-- The append-only, hash-chained audit log. audit_head holds the chain's tip; every writer updates it
-- first, which serialises writers on both backends and makes the chain's order the commit order.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_person_id TEXT,
    actor_name TEXT NOT NULL,
    actor_role TEXT,
    actor_organisation_id TEXT,
    actor_organisation_name TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_person_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
