-- What a GP practice did about each person on a cohort's worklist: contacted, referred, declined or
-- not appropriate, with who marked it and when. Every mark is kept and the latest is shown. Marks
-- are the practice's direct-care records, held like its registered list and read only by its own
-- clinicians.

CREATE TABLE worklist_marks (
    id TEXT PRIMARY KEY,
    cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    practice_id TEXT NOT NULL REFERENCES organisations(id),
    nhs_number TEXT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT NOT NULL,
    marked_by TEXT NOT NULL,
    marked_at TEXT NOT NULL
);
CREATE INDEX worklist_marks_list ON worklist_marks(cohort_id, practice_id, nhs_number, marked_at);
