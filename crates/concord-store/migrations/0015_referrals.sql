-- Refer: referrals across organisations. A referral is made by a person's care team (from their
-- own practice's registered list) or by the person on a public form, to a partner's service in
-- the directory; it moves through FHIR Task's statuses, each move kept as an event. It holds
-- only what the service needs to get in touch (name, contact details, what the person would like
-- help with) and, for the figures, the person's age, sex and postcode district at referral.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES directory_services(id),
    service_name TEXT NOT NULL,
    receiving_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    referring_organisation_id TEXT REFERENCES organisations(id),
    referred_by TEXT REFERENCES people(id),
    referred_by_name TEXT,
    cohort_id TEXT,
    -- The referring practice's key for the person; never shown to the service.
    nhs_number TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    age BIGINT,
    sex TEXT,
    postcode_district TEXT,
    deprivation_decile BIGINT,
    ethnicity TEXT,
    phone TEXT,
    email TEXT,
    contact_preference TEXT NOT NULL,
    need_term_id TEXT,
    need_label TEXT,
    reason TEXT NOT NULL,
    priority TEXT NOT NULL,
    -- Who recorded the person's agreement to share, and when (none on a draft not yet agreed).
    consent_recorded_by TEXT,
    consent_at TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_note TEXT,
    capacity_reply TEXT,
    authored_on TEXT NOT NULL,
    sent_at TEXT,
    replied_at TEXT,
    first_contact_at TEXT,
    closed_at TEXT,
    last_modified TEXT NOT NULL,
    -- Raised by every change, so two changes at once cannot both succeed.
    version BIGINT NOT NULL
);
CREATE INDEX referrals_receiving ON referrals(receiving_organisation_id, status);
CREATE INDEX referrals_referring ON referrals(referring_organisation_id, status);
CREATE INDEX referrals_service ON referrals(service_id, sent_at);
-- One open referral of a person by a practice to a service at a time (two sent at once cannot
-- both be kept).
CREATE UNIQUE INDEX referrals_one_open ON referrals(referring_organisation_id, nhs_number, service_id)
    WHERE closed_at IS NULL AND status <> 'draft' AND nhs_number IS NOT NULL;

CREATE TABLE referral_events (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    note TEXT NOT NULL,
    capacity_reply TEXT,
    side TEXT NOT NULL,
    by_person TEXT,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, at);

-- A link worker's or service's record of working with the person: contacts and next steps.
CREATE TABLE referral_contacts (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    contact_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    next_step TEXT NOT NULL,
    next_step_due TEXT,
    side TEXT NOT NULL,
    by_person TEXT,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX referral_contacts_referral ON referral_contacts(referral_id, contact_on);

-- Outcome measures: ONS4 (each item 0-10) and UCLA 3-item loneliness (each 1-3), at first
-- contact and at follow-up. An instrument is recorded whole or not at all.
CREATE TABLE referral_outcomes (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    stage TEXT NOT NULL,
    life_satisfaction BIGINT,
    worthwhile BIGINT,
    happiness BIGINT,
    anxiety BIGINT,
    companionship BIGINT,
    left_out BIGINT,
    isolated BIGINT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX referral_outcomes_referral ON referral_outcomes(referral_id, stage);
