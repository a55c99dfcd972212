-- Agree: the shared vision, every version kept, and partners' comments on each version.

CREATE TABLE vision_versions (
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (round_id, version)
);

CREATE TABLE vision_comments (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    version BIGINT NOT NULL,
    person_id TEXT REFERENCES people(id),
    author_name TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX vision_comments_round ON vision_comments(round_id, version);
