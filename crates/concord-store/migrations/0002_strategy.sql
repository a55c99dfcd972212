-- Agree: strategy rounds, the service areas they weigh, and each partner's view (ranking and aims).

CREATE TABLE strategy_rounds (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    stage TEXT NOT NULL,
    board_id TEXT NOT NULL REFERENCES boards(id),
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE service_areas (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (round_id, name)
);

CREATE TABLE partner_views (
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    aims TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (round_id, organisation_id)
);

CREATE TABLE partner_ranks (
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    area_id TEXT NOT NULL REFERENCES service_areas(id),
    rank_value BIGINT NOT NULL,
    PRIMARY KEY (round_id, organisation_id, area_id)
);
