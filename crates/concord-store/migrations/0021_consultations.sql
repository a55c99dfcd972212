-- Listen: consultations tied to the round, programme or decision they inform, their questions,
-- responses (with only what people chose to say about themselves: never a name, contact details
-- or a postcode), the themes analysts tag free-text answers with, each analyst's tags, and each
-- theme's "you said, we did" answer.

CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    audience TEXT NOT NULL,
    owner_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);

CREATE TABLE consultation_questions (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    hint TEXT NOT NULL,
    options TEXT NOT NULL,
    required BIGINT NOT NULL
);
CREATE INDEX consultation_questions_of ON consultation_questions(consultation_id, position);

CREATE TABLE consultation_responses (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    received_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    entered_by TEXT REFERENCES people(id),
    place_id TEXT REFERENCES places(id),
    age_band TEXT,
    sex TEXT,
    ethnic_group TEXT,
    deprivation_decile BIGINT
);
CREATE INDEX consultation_responses_of ON consultation_responses(consultation_id);

CREATE TABLE consultation_answers (
    response_id TEXT NOT NULL REFERENCES consultation_responses(id),
    question_id TEXT NOT NULL REFERENCES consultation_questions(id),
    answer TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);
-- Choice answers are counted by question and answer straight from this index.
CREATE INDEX consultation_answers_question ON consultation_answers(question_id, answer);

CREATE TABLE consultation_themes (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    outcome TEXT,
    we_did TEXT,
    link_kind TEXT,
    link_id TEXT,
    answered_by TEXT REFERENCES people(id),
    answered_at TEXT
);
CREATE INDEX consultation_themes_of ON consultation_themes(consultation_id, position);

-- Which answers each analyst has read and tagged (a row even when no theme applied), and the
-- themes they applied: agreement is measured over the answers two analysts both tagged.
CREATE TABLE consultation_reviews (
    response_id TEXT NOT NULL REFERENCES consultation_responses(id),
    question_id TEXT NOT NULL REFERENCES consultation_questions(id),
    analyst_id TEXT NOT NULL REFERENCES people(id),
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id, analyst_id)
);
CREATE TABLE consultation_tags (
    response_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    analyst_id TEXT NOT NULL,
    theme_id TEXT NOT NULL REFERENCES consultation_themes(id),
    PRIMARY KEY (response_id, question_id, theme_id, analyst_id),
    FOREIGN KEY (response_id, question_id, analyst_id) REFERENCES consultation_reviews(response_id, question_id, analyst_id)
);
CREATE INDEX consultation_tags_theme ON consultation_tags(theme_id);
CREATE INDEX consultation_tags_question ON consultation_tags(question_id);
CREATE INDEX consultation_reviews_question ON consultation_reviews(question_id);
