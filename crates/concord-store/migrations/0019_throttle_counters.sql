-- The sign-in throttle's counters also slow down repeated self-referrals from one client.
ALTER TABLE sign_in_throttle RENAME TO throttle_counters;
