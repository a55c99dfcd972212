-- A programme's benefit may be shown by a metric in the measurement catalogue: its readings are
-- then the metric's whole-system values (none are typed), and its name, unit and direction the
-- metric's.
ALTER TABLE benefits ADD COLUMN metric_id TEXT REFERENCES metrics(id);
