-- Listen: the partnership trust pulse. Rounds of the survey; who has answered a round (only to
-- stop a second answer: never linked to what they said); the answers, kept with nothing but the
-- organisation answered for, under a random key so that the order they are stored in does not
-- follow the order people answered in; and the events a trend is read against.

CREATE TABLE pulse_rounds (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES people(id),
    opened_at TEXT NOT NULL,
    closed_at TEXT
);

CREATE TABLE pulse_answered (
    round_id TEXT NOT NULL REFERENCES pulse_rounds(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (round_id, person_id)
);

-- INTEGER PRIMARY KEY is SQLite's row id: a random one scatters the rows.
CREATE TABLE pulse_answers (
    id INTEGER PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES pulse_rounds(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    answers TEXT NOT NULL
);
CREATE INDEX pulse_answers_round ON pulse_answers(round_id);

CREATE TABLE pulse_events (
    id TEXT PRIMARY KEY,
    happened_on TEXT NOT NULL,
    title TEXT NOT NULL,
    organisation_ids TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES people(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX pulse_events_on ON pulse_events(happened_on);
