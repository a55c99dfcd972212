-- Measure: the metric catalogue, series of values per organisation, place or the whole system, and
-- the dates at which a series' process changed (rebases). Periods are dates written YYYY-MM-DD
-- (the first day of the month, week or quarter reported); values are double precision, as SPC
-- works on measurements, not money.

CREATE TABLE metrics (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    unit TEXT NOT NULL,
    improvement_direction TEXT NOT NULL,
    target DOUBLE PRECISION,
    owner_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    source TEXT NOT NULL,
    frequency TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- scope_key is 'system', 'organisation:<id>' or 'place:<id>', so each metric has one series per scope.
CREATE TABLE metric_series (
    id TEXT PRIMARY KEY,
    metric_id TEXT NOT NULL REFERENCES metrics(id),
    scope_kind TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations(id),
    place_id TEXT REFERENCES places(id),
    scope_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (metric_id, scope_key)
);
CREATE INDEX metric_series_organisation ON metric_series(organisation_id);

CREATE TABLE metric_values (
    series_id TEXT NOT NULL REFERENCES metric_series(id),
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (series_id, period)
);

CREATE TABLE metric_rebases (
    series_id TEXT NOT NULL REFERENCES metric_series(id),
    starts_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (series_id, starts_on)
);
