-- Agree: priority decisions on service areas, and specific objectives.

CREATE TABLE area_priorities (
    area_id TEXT PRIMARY KEY REFERENCES service_areas(id),
    stance TEXT NOT NULL,
    rationale TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

CREATE TABLE objectives (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES strategy_rounds(id),
    outcome TEXT NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline TEXT NOT NULL,
    target TEXT NOT NULL,
    target_date TEXT NOT NULL,
    owner_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX objectives_round ON objectives(round_id);

CREATE TABLE objective_areas (
    objective_id TEXT NOT NULL REFERENCES objectives(id),
    area_id TEXT NOT NULL REFERENCES service_areas(id),
    PRIMARY KEY (objective_id, area_id)
);
