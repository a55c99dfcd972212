-- Agree: consent decisions. Every version of a proposal and every response ever given are kept;
-- a response is current while it is for the proposal's current version and not superseded.

CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    quorum BIGINT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX proposals_round ON proposals(round_id);

CREATE TABLE proposal_versions (
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, version)
);

CREATE TABLE proposal_responses (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    version BIGINT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    responded_at TEXT NOT NULL,
    superseded BIGINT NOT NULL
);
CREATE INDEX proposal_responses_proposal ON proposal_responses(proposal_id, version);
