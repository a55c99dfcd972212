-- Design: what-if scenarios (a simulation model owned by an organisation, perhaps compared with
-- a base scenario and supporting a programme's business case) and their runs. A run is queued,
-- claimed by one worker (a conditional update), reports its progress as it goes, and keeps its
-- results (JSON) with the model exactly as it ran, so a later edit never changes a result.
CREATE TABLE design_scenarios (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    model TEXT NOT NULL,
    base_scenario_id TEXT REFERENCES design_scenarios(id),
    programme_id TEXT REFERENCES programmes(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX design_scenarios_programme ON design_scenarios(programme_id);

CREATE TABLE design_runs (
    id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL REFERENCES design_scenarios(id),
    -- The model as it ran, and the base's when the run compares (else NULL).
    model TEXT NOT NULL,
    base_model TEXT,
    base_scenario_id TEXT REFERENCES design_scenarios(id),
    status TEXT NOT NULL,
    done BIGINT NOT NULL,
    total BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_by_person_id TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    claimed_until TEXT,
    started_at TEXT,
    finished_at TEXT,
    result TEXT,
    -- The results' headline figures in words, for board packs.
    headline TEXT,
    error TEXT
);
CREATE INDEX design_runs_scenario ON design_runs(scenario_id, requested_at);
CREATE INDEX design_runs_status ON design_runs(status, requested_at);

-- A scenario shown with an agenda item, so the board pack carries it.
CREATE TABLE design_agenda_links (
    agenda_item_id TEXT NOT NULL REFERENCES agenda_items(id),
    scenario_id TEXT NOT NULL REFERENCES design_scenarios(id),
    linked_at TEXT NOT NULL,
    PRIMARY KEY (agenda_item_id, scenario_id)
);
