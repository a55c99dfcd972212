-- Notifications: what Concord told each person, in Concord and by e-mail. A notification is
-- written once per person, kind and occasion (the UNIQUE key), so working out the same occasion
-- again never tells anyone twice. Its e-mail waits in notification_emails until a mail server
-- accepts it: a failed try is kept with its error and tried again later, never dropped.

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    occasion TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    in_app BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (person_id, kind, occasion)
);
CREATE INDEX notifications_person ON notifications(person_id, in_app, read_at);

-- status: waiting (to be tried at next_attempt_at), sending (claimed by a sender until
-- claimed_until), sent.
CREATE TABLE notification_emails (
    notification_id TEXT PRIMARY KEY REFERENCES notifications(id),
    to_address TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT NOT NULL,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX notification_emails_due ON notification_emails(status, next_attempt_at);

-- Each person's choice per kind; a kind with no row is told in both places.
CREATE TABLE notification_choices (
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    in_app BIGINT NOT NULL,
    email BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, kind)
);
