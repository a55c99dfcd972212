-- Board packs as circulated. Issuing a meeting's pack freezes it: the pack as its board's members
-- read it and as everyone else may (confidential items withheld), each as the HTML shown in
-- Concord and the PDF circulated (base64), with the PDF's SHA-256. Later changes never alter an
-- issued pack; issuing again makes the next version. Rows are never updated or deleted.
CREATE TABLE board_pack_issues (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    version BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    note TEXT NOT NULL,
    members_html TEXT NOT NULL,
    members_pdf TEXT NOT NULL,
    members_sha256 TEXT NOT NULL,
    open_html TEXT NOT NULL,
    open_pdf TEXT NOT NULL,
    open_sha256 TEXT NOT NULL,
    UNIQUE (meeting_id, version)
);

-- Apologies sent for a meeting by members of its board.
CREATE TABLE meeting_apologies (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- Interests declared for a meeting, for the whole meeting or one agenda item.
CREATE TABLE meeting_declarations (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    agenda_item_id TEXT REFERENCES agenda_items(id),
    interest TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_declarations_meeting ON meeting_declarations(meeting_id);

-- A meeting's minutes, once approved as a true record at a later meeting: which, and when.
ALTER TABLE meetings ADD COLUMN minutes_approved_at_meeting TEXT;
ALTER TABLE meetings ADD COLUMN minutes_approved_on TEXT;
