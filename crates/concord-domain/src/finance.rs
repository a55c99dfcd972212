//! System finance: exact money, financial years (April to March) and the rule set each year is
//! judged by, pooled budgets, and which bodies carry a statutory duty to break even.
//!
//! Money is a decimal number of pounds with at most two decimal places ([`Money`]); it is never a
//! floating-point number, so sums are exact to the penny.

use crate::validation::ValidationErrors;
use crate::{vocabulary, OrgType};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The largest amount Concord holds: ±£10 trillion, far beyond any ICS budget and well inside the
/// range of a 64-bit count of pence.
const MAX_POUNDS: i64 = 10_000_000_000_000;

/// An exact amount of money in pounds, to the penny.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from a whole number of pence.
    pub fn from_pence(pence: i64) -> Money {
        Money(Decimal::new(pence, 2))
    }

    /// The amount as a whole number of pence (exact: a `Money` never holds a fraction of a penny).
    /// A 128-bit count holds any sum of amounts; one parsed amount also fits in 64 bits
    /// ([`Money::pence_i64`]).
    pub fn pence(self) -> i128 {
        let whole = (self.0 * Decimal::ONE_HUNDRED).trunc();
        whole.mantissa() / 10_i128.pow(whole.scale())
    }

    /// The amount in pence as stored (BIGINT), if it fits; every amount [`Money::parse`] accepts does.
    pub fn pence_i64(self) -> Option<i64> {
        i64::try_from(self.pence()).ok()
    }

    /// True when below zero (a deficit, an overspend).
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The amount as a floating-point number, for charts only (never for arithmetic).
    pub fn to_f64_for_chart(self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// Reads an amount as people and spreadsheets write it: `1234.5`, `-1,234.56`, `£1,234`,
    /// `(1,234.56)` (accounting negative) or `−£12`. More than two decimal places is an error.
    pub fn parse(text: &str) -> Result<Money, String> {
        let original = text.trim();
        if original.is_empty() {
            return Err("the amount is missing".into());
        }
        let mut body = original.replace([',', ' ', '\u{a0}'], "");
        let mut negative = false;
        if body.starts_with('(') && body.ends_with(')') && body.len() > 2 {
            negative = true;
            body = body[1..body.len() - 1].to_string();
        }
        if negative && (body.starts_with('-') || body.starts_with('\u{2212}')) {
            return Err(format!(
                "'{original}' has two minus signs: write a negative once, as -12.34 or (12.34)"
            ));
        }
        if let Some(rest) = body
            .strip_prefix('-')
            .or_else(|| body.strip_prefix('\u{2212}'))
        {
            negative = !negative;
            body = rest.to_string();
        }
        let body = body.strip_prefix('£').unwrap_or(&body);
        let plain = !body.is_empty()
            && body.chars().all(|c| c.is_ascii_digit() || c == '.')
            && body.chars().filter(|c| *c == '.').count() <= 1
            && body.chars().any(|c| c.is_ascii_digit());
        let not_money =
            || format!("'{original}' is not an amount of money (write it like 1234.56)");
        if !plain {
            return Err(not_money());
        }
        let value = Decimal::from_str(body).map_err(|_| not_money())?;
        if value.normalize().scale() > 2 {
            return Err(format!(
                "'{original}' has more than two decimal places: give pounds and pence"
            ));
        }
        if value > Decimal::from(MAX_POUNDS) {
            return Err(format!("'{original}' is too large"));
        }
        let value = if negative { -value } else { value };
        Ok(Money(value.round_dp(2)))
    }

    /// The amount with a pound sign, thousands separators and pence: `£1,234,567.89`, `−£12.00`.
    pub fn display(self) -> String {
        let pence = self.pence();
        let sign = if pence < 0 { "\u{2212}" } else { "" };
        let abs = pence.unsigned_abs();
        format!(
            "{sign}£{}.{:02}",
            crate::format::group_thousands(abs / 100),
            abs % 100
        )
    }

    /// The amount in thousands of pounds to one decimal place, as NHS finance reports show it:
    /// `£1,234.6k`. For summaries only; tables beside them carry the exact amount.
    pub fn display_thousands(self) -> String {
        let tenths = (self.0 / Decimal::from(100))
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let tenths = Money(tenths).pence() / 100;
        let sign = if tenths < 0 { "\u{2212}" } else { "" };
        let abs = tenths.unsigned_abs();
        format!(
            "{sign}£{}.{}k",
            crate::format::group_thousands(abs / 10),
            abs % 10
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Money travels as a decimal string, `"1234.56"`, so no JSON reader turns it into a float.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = crate::validation::string_or_number(d)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An exact amount in pounds with two decimal places"))
            .examples(["1234.56"])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

/// An NHS financial year, 1 April to 31 March, named like `2026/27`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    /// The calendar year in which it starts.
    pub start_year: i32,
}

impl FinancialYear {
    /// The financial year containing `date`.
    pub fn containing(date: NaiveDate) -> FinancialYear {
        let start_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear { start_year }
    }

    /// Reads `2026/27`, `2026-27` or `2026/2027`.
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let (start, end) = text.trim().split_once(['/', '-'])?;
        let start_year: i32 = start.parse().ok()?;
        let end_year: i32 = end.parse().ok()?;
        let expected_end = start_year + 1;
        let matches = match end.len() {
            2 => end_year == expected_end % 100,
            4 => end_year == expected_end,
            _ => false,
        };
        (matches && (1990..=2200).contains(&start_year)).then_some(FinancialYear { start_year })
    }

    /// The name: `2026/27`.
    pub fn label(self) -> String {
        format!("{}/{:02}", self.start_year, (self.start_year + 1) % 100)
    }

    /// The first day of month `index` (0 = April, 11 = March).
    pub fn month(self, index: u8) -> NaiveDate {
        let month0 = (u32::from(index) + 3) % 12;
        let year = self.start_year + i32::from(index >= 9);
        NaiveDate::from_ymd_opt(year, month0 + 1, 1).expect("a valid month")
    }

    /// The month index (0 = April) of `date`, if it falls in this year.
    pub fn month_index(self, date: NaiveDate) -> Option<u8> {
        (FinancialYear::containing(date) == self).then(|| ((date.month() + 8) % 12) as u8)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Reads a month as `YYYY-MM`, `YYYY-MM-DD` (any day: the month is taken) or `MM/YYYY`.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (year, month) = if let Some((m, y)) = text.split_once('/').filter(|(_, y)| y.len() == 4) {
        (y, m)
    } else {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?;
        let month = parts.next()?;
        if let Some(day) = parts.next() {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
            let _ = day;
        }
        (year, month)
    };
    if year.len() != 4 || month.is_empty() || month.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

vocabulary! {
    /// How a financial year judges whether the system's NHS bodies have met their financial duty.
    BreakevenRule {
        SystemAggregate => ("system_aggregate", "The system breaks even in aggregate"),
        IndividualBodies => ("individual_bodies", "Each NHS body breaks even on its own"),
    }
}

impl BreakevenRule {
    /// What the rule means, for the finance page.
    pub fn explanation(self) -> &'static str {
        match self {
            BreakevenRule::SystemAggregate => "The ICB and trusts are judged together: a deficit in one body may be offset by surpluses in others, so long as the system's summed net position is not in deficit.",
            BreakevenRule::IndividualBodies => "The ICB and each trust must break even as an individual body: a surplus elsewhere in the system does not offset a deficit.",
        }
    }
}

vocabulary! {
    /// The legal basis of a pooled budget.
    PooledBudgetKind {
        BetterCareFund => ("better_care_fund", "Better Care Fund"),
        Section75 => ("section_75", "Section 75 agreement"),
        Other => ("other", "Other pooled arrangement"),
    }
}

/// Whether a body of this type carries a statutory duty to break even that the system's financial
/// rules judge: the ICB and NHS trusts. GP practices and PCNs are independent contractors; councils
/// and VCSE partners answer to their own regimes.
pub fn has_breakeven_duty(kind: OrgType) -> bool {
    matches!(
        kind,
        OrgType::Icb | OrgType::AcuteTrust | OrgType::CommunityTrust | OrgType::MentalHealthTrust
    )
}

/// A financial year as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FinancialYearDraft {
    /// Its name, for example `2026/27`.
    #[schema(required)]
    pub label: String,
    /// `system_aggregate` or `individual_bodies`.
    #[schema(required)]
    pub breakeven_rule: String,
    /// Anything else about the year's regime (planning guidance, control totals).
    pub notes: String,
}

impl FinancialYearDraft {
    /// Validates the year.
    pub fn validate(&self) -> Result<(FinancialYear, BreakevenRule), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let year = FinancialYear::parse(&self.label);
        if year.is_none() {
            errors.add("label", "Enter the financial year like 2026/27");
        }
        let rule = errors.require_code::<BreakevenRule>(
            "breakeven_rule",
            "the rule set",
            &self.breakeven_rule,
        );
        errors.optional_text("notes", "the notes", &self.notes, 2000);
        errors.into_result()?;
        Ok((year.expect("checked"), rule.expect("checked")))
    }
}

/// A pooled budget as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PooledBudgetDraft {
    /// The financial year, for example `2026/27`.
    #[schema(required)]
    pub year: String,
    /// Its name, unique within the year, for example "Riverside Better Care Fund".
    #[schema(required)]
    pub name: String,
    /// `better_care_fund`, `section_75` or `other`.
    #[schema(required)]
    pub kind: String,
    /// The organisation that hosts the pool.
    #[schema(required)]
    pub host_organisation_id: String,
    /// What it pays for.
    pub description: String,
}

impl PooledBudgetDraft {
    /// Validates the budget.
    pub fn validate(&self) -> Result<(FinancialYear, PooledBudgetKind), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let year = FinancialYear::parse(&self.year);
        if year.is_none() {
            errors.add("year", "Enter the financial year like 2026/27");
        }
        errors.require_text("name", "the budget's name", &self.name, 200);
        let kind = errors.require_code::<PooledBudgetKind>("kind", "the kind of pool", &self.kind);
        errors.require_id(
            "host_organisation_id",
            "the host organisation",
            &self.host_organisation_id,
        );
        errors.optional_text("description", "the description", &self.description, 2000);
        errors.into_result()?;
        Ok((year.expect("checked"), kind.expect("checked")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn money_reads_what_spreadsheets_write() {
        let p = |s| Money::parse(s).map(Money::pence);
        assert_eq!(p("1234.56"), Ok(123_456));
        assert_eq!(p("£1,234"), Ok(123_400));
        assert_eq!(p("-1,234.5"), Ok(-123_450));
        assert_eq!(p("(1,234.56)"), Ok(-123_456));
        assert_eq!(p("\u{2212}£12"), Ok(-1200));
        assert_eq!(p("0.10"), Ok(10));
        assert_eq!(p("1.230"), Ok(123), "trailing zeros are not extra pence");
        assert!(p("1.234")
            .unwrap_err()
            .contains("more than two decimal places"));
        assert!(p("12abc").unwrap_err().contains("not an amount"));
        assert!(p("1e5").is_err(), "no exponents");
        assert!(p("").unwrap_err().contains("missing"));
        assert!(p("99999999999999").unwrap_err().contains("too large"));
        assert!(p("(-1,234)").unwrap_err().contains("two minus signs"));
        assert!(p("(\u{2212}£5)").unwrap_err().contains("two minus signs"));
    }

    #[test]
    fn money_is_shown_in_pounds_and_pence_and_in_thousands() {
        assert_eq!(Money::from_pence(123_456_789).display(), "£1,234,567.89");
        assert_eq!(Money::from_pence(-1200).display(), "\u{2212}£12.00");
        assert_eq!(Money::from_pence(5).display(), "£0.05");
        assert_eq!(
            Money::from_pence(123_456_789).display_thousands(),
            "£1,234.6k"
        );
        assert_eq!(
            Money::from_pence(-5_000).display_thousands(),
            "\u{2212}£0.1k"
        );
        assert_eq!(Money::from_pence(1_234).to_string(), "12.34");
    }

    #[test]
    fn sums_beyond_64_bits_of_pence_are_still_exact() {
        let big = Money::parse("9999999999999.99").unwrap();
        let sum: Money = std::iter::repeat_n(big, 10_000).sum();
        assert_eq!(sum.pence(), 999_999_999_999_999 * 10_000);
        assert_eq!(sum.pence_i64(), None);
        assert!(sum.display().starts_with("£99,999,999,999,999,900"));
    }

    #[test]
    fn money_adds_exactly_where_floats_do_not() {
        // 0.1 + 0.2 != 0.3 in binary floating point; in pence it is exact.
        let sum: Money = ["0.10", "0.20"]
            .iter()
            .map(|s| Money::parse(s).unwrap())
            .sum();
        assert_eq!(sum, Money::parse("0.30").unwrap());
        assert_ne!(0.1_f64 + 0.2, 0.3);
    }

    #[test]
    fn a_financial_year_runs_april_to_march() {
        let year = FinancialYear::parse("2026/27").unwrap();
        assert_eq!(year.label(), "2026/27");
        assert_eq!(year.month(0), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(year.month(8), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(year.month(9), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(year.month(11), NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 15).unwrap();
        assert_eq!(year.month_index(d(2026, 4)), Some(0));
        assert_eq!(year.month_index(d(2027, 3)), Some(11));
        assert_eq!(year.month_index(d(2026, 3)), None);
        assert_eq!(FinancialYear::containing(d(2027, 2)), year);
        assert_eq!(FinancialYear::parse("2026-2027"), Some(year));
        assert_eq!(FinancialYear::parse("2026/28"), None);
        assert_eq!(
            FinancialYear::parse("1999/00").map(|y| y.label()),
            Some("1999/00".into())
        );
    }

    #[test]
    fn months_are_read_in_the_usual_forms() {
        let april = NaiveDate::from_ymd_opt(2026, 4, 1);
        assert_eq!(parse_month("2026-04"), april);
        assert_eq!(parse_month("2026-04-30"), april);
        assert_eq!(parse_month("04/2026"), april);
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("2026-02-30"), None);
        assert_eq!(parse_month("April"), None);
    }

    #[test]
    fn only_statutory_nhs_bodies_carry_the_breakeven_duty() {
        assert!(has_breakeven_duty(OrgType::Icb));
        assert!(has_breakeven_duty(OrgType::MentalHealthTrust));
        assert!(!has_breakeven_duty(OrgType::GpPractice));
        assert!(!has_breakeven_duty(OrgType::Council));
    }

    proptest! {
        #[test]
        fn money_round_trips_through_its_text(pence in -1_000_000_000_000_i64..1_000_000_000_000) {
            let money = Money::from_pence(pence);
            prop_assert_eq!(Money::parse(&money.to_string()).unwrap().pence(), i128::from(pence));
            prop_assert_eq!(Money::parse(&money.display()).unwrap().pence(), i128::from(pence));
        }

        #[test]
        fn every_month_of_a_year_maps_back_to_its_index(start in 1990_i32..2100, index in 0_u8..12) {
            let year = FinancialYear { start_year: start };
            prop_assert_eq!(year.month_index(year.month(index)), Some(index));
        }
    }
}
