-- System finance. Money is held as whole pence in BIGINT columns (exact; never floating point).
-- Months are the first day of the month, YYYY-MM-01; `year` is the financial year's label
-- (2026/27), repeated on each row so a year's figures are read with one condition.

CREATE TABLE financial_years (
    label TEXT PRIMARY KEY,
    starts_on TEXT NOT NULL,
    breakeven_rule TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row per organisation and month: the plan, the actual once reported, the body's forecast
-- outturn for the year as reported that month, and the reason for any variance.
CREATE TABLE finance_revenue (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    month TEXT NOT NULL,
    year TEXT NOT NULL REFERENCES financial_years(label),
    plan_income BIGINT NOT NULL,
    plan_expenditure BIGINT NOT NULL,
    actual_income BIGINT,
    actual_expenditure BIGINT,
    forecast_outturn BIGINT,
    variance_reason TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, month)
);
CREATE INDEX finance_revenue_year ON finance_revenue(year);

CREATE TABLE pooled_budgets (
    id TEXT PRIMARY KEY,
    year TEXT NOT NULL REFERENCES financial_years(label),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    host_organisation_id TEXT NOT NULL REFERENCES organisations(id),
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year, name)
);

CREATE TABLE pooled_budget_lines (
    budget_id TEXT NOT NULL REFERENCES pooled_budgets(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    month TEXT NOT NULL,
    contribution BIGINT NOT NULL,
    spend BIGINT,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (budget_id, organisation_id, month)
);

CREATE TABLE efficiency_lines (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    scheme TEXT NOT NULL,
    month TEXT NOT NULL,
    year TEXT NOT NULL REFERENCES financial_years(label),
    planned BIGINT NOT NULL,
    delivered BIGINT,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, scheme, month)
);
CREATE INDEX efficiency_lines_year ON efficiency_lines(year);
