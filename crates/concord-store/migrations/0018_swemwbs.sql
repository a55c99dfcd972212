-- SWEMWBS answers, where the system has switched SWEMWBS on with its licence: the seven answers
-- (each 1 to 5) as seven digits, statement 1 first. The metric score is read from the
-- licence-holders' conversion table when shown, never stored (the table is theirs).
ALTER TABLE referral_outcomes ADD COLUMN swemwbs_answers TEXT;
