-- Govern and deliver: programmes and projects, RAID, milestones, benefits, board meetings with
-- agendas, decisions and actions, and frontline improvement (PDSA). Dates people act on are
-- London calendar dates written YYYY-MM-DD; instants are fixed-width UTC timestamps. Flags are
-- BIGINT 0/1 so one schema serves SQLite and PostgreSQL.

ALTER TABLE boards ADD COLUMN terms_of_reference TEXT NOT NULL DEFAULT '';

CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    summary TEXT NOT NULL,
    lead_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    sro_person_id TEXT NOT NULL REFERENCES people(id),
    manager_person_id TEXT NOT NULL REFERENCES people(id),
    board_id TEXT REFERENCES boards(id),
    place_id TEXT REFERENCES places(id),
    status TEXT NOT NULL,
    rag TEXT NOT NULL,
    rag_reason TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX programmes_board ON programmes(board_id);

CREATE TABLE programme_objectives (
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    objective_id TEXT NOT NULL REFERENCES objectives(id),
    PRIMARY KEY (programme_id, objective_id)
);

CREATE TABLE programme_partners (
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (programme_id, organisation_id)
);

-- Every status report, and every change to a programme's details, in order: the RAG trend and the
-- programme's history.
CREATE TABLE programme_history (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    as_of TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    rag TEXT NOT NULL,
    rag_reason TEXT NOT NULL,
    progress TEXT NOT NULL,
    person_name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX programme_history_programme ON programme_history(programme_id, as_of);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    lead_person_id TEXT NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,
    rag TEXT NOT NULL,
    rag_reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (programme_id, name)
);

CREATE TABLE risks (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    project_id TEXT REFERENCES projects(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_person_id TEXT NOT NULL REFERENCES people(id),
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    target_likelihood BIGINT NOT NULL,
    target_impact BIGINT NOT NULL,
    mitigations TEXT NOT NULL,
    level TEXT NOT NULL,
    escalation_reason TEXT NOT NULL,
    status TEXT NOT NULL,
    confidential BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX risks_programme ON risks(programme_id);
CREATE INDEX risks_owner ON risks(owner_person_id);

CREATE TABLE risk_reviews (
    id TEXT PRIMARY KEY,
    risk_id TEXT NOT NULL REFERENCES risks(id),
    reviewed_on TEXT NOT NULL,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    note TEXT NOT NULL,
    person_name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX risk_reviews_risk ON risk_reviews(risk_id, reviewed_on);

CREATE TABLE raid_items (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    project_id TEXT REFERENCES projects(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_person_id TEXT NOT NULL REFERENCES people(id),
    due_on TEXT,
    level TEXT NOT NULL,
    escalation_reason TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX raid_items_programme ON raid_items(programme_id);

CREATE TABLE programme_dependencies (
    id TEXT PRIMARY KEY,
    from_programme_id TEXT NOT NULL REFERENCES programmes(id),
    on_programme_id TEXT NOT NULL REFERENCES programmes(id),
    description TEXT NOT NULL,
    needed_by TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    project_id TEXT REFERENCES projects(id),
    title TEXT NOT NULL,
    owner_person_id TEXT NOT NULL REFERENCES people(id),
    baseline_on TEXT NOT NULL,
    forecast_on TEXT NOT NULL,
    completed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX milestones_programme ON milestones(programme_id);

CREATE TABLE benefits (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    title TEXT NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    baseline DOUBLE PRECISION NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    target_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX benefits_programme ON benefits(programme_id);

CREATE TABLE benefit_impacts (
    benefit_id TEXT NOT NULL REFERENCES benefits(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    effect TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (benefit_id, organisation_id, effect)
);

CREATE TABLE benefit_measurements (
    benefit_id TEXT NOT NULL REFERENCES benefits(id),
    measured_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (benefit_id, measured_on)
);

CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    location TEXT NOT NULL,
    minutes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_board ON meetings(board_id, held_on);

CREATE TABLE agenda_items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    programme_id TEXT REFERENCES programmes(id),
    presenter_person_id TEXT REFERENCES people(id),
    paper TEXT NOT NULL,
    confidential BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    agenda_item_id TEXT REFERENCES agenda_items(id),
    programme_id TEXT REFERENCES programmes(id),
    title TEXT NOT NULL,
    decision TEXT NOT NULL,
    options_considered TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    proposal_id TEXT REFERENCES proposals(id),
    confidential BIGINT NOT NULL,
    recorded_by_person_id TEXT NOT NULL REFERENCES people(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);
CREATE INDEX decisions_programme ON decisions(programme_id);

CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT REFERENCES meetings(id),
    programme_id TEXT REFERENCES programmes(id),
    title TEXT NOT NULL,
    owner_person_id TEXT NOT NULL REFERENCES people(id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    completed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX actions_owner ON actions(owner_person_id, status);
CREATE INDEX actions_meeting ON actions(meeting_id);

CREATE TABLE improvement_projects (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    programme_id TEXT REFERENCES programmes(id),
    title TEXT NOT NULL,
    team TEXT NOT NULL,
    aim TEXT NOT NULL,
    lead_person_id TEXT NOT NULL REFERENCES people(id),
    measure_name TEXT NOT NULL,
    measure_unit TEXT NOT NULL,
    measure_direction TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE improvement_drivers (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES improvement_projects(id),
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES improvement_drivers(id),
    text TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE change_ideas (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES improvement_projects(id),
    driver_id TEXT NOT NULL REFERENCES improvement_drivers(id),
    text TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE pdsa_cycles (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES improvement_projects(id),
    change_idea_id TEXT NOT NULL REFERENCES change_ideas(id),
    title TEXT NOT NULL,
    plan TEXT NOT NULL,
    prediction TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    study_on TEXT NOT NULL,
    do_notes TEXT NOT NULL,
    study TEXT NOT NULL,
    act TEXT,
    act_notes TEXT NOT NULL,
    owner_person_id TEXT NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pdsa_cycles_project ON pdsa_cycles(project_id);

CREATE TABLE improvement_measurements (
    project_id TEXT NOT NULL REFERENCES improvement_projects(id),
    measured_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (project_id, measured_on)
);
