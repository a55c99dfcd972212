-- A practice's registered list may say each person's ethnic category (the NHS Data Dictionary's
-- one-letter code, as the GP record holds it), so a referral can carry the person's broad ethnic
-- group for the figures on who is reached; the service never sees it.
ALTER TABLE registered_patients ADD COLUMN ethnic_category TEXT;
