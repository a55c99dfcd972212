//! Cells for CSV files people open in spreadsheets: the one rule every CSV export follows.

/// A cell safe to open in a spreadsheet (OWASP's CSV injection advice): text that a spreadsheet
/// would run as a formula or command (it begins with `=`, `+`, `-`, `@`, a tab, a carriage return,
/// `|` or `%`) is prefixed with `'` so it shows as the text it is. Plain numbers such as `-5` or
/// `+3.2` are left alone, so figures stay figures.
pub fn csv_cell(cell: &str) -> String {
    let risky = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '|' | '%')
    );
    if risky && cell.parse::<f64>().map_or(true, |n| !n.is_finite()) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for risky in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
            "|x",
            "%x",
            "-inf",
        ] {
            assert_eq!(csv_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["-5", "+3.2", "-0.25", "1e3", "Riverside PCN", "", "a=b"] {
            assert_eq!(csv_cell(plain), plain);
        }
    }
}
