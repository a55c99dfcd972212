//! The NHS number: ten digits, the last a Modulus 11 check digit.
//!
//! The algorithm is the NHS Data Dictionary's ("NHS Number" attribute): multiply each of the first
//! nine digits by a weight from 10 down to 2, sum, take the remainder on division by 11, and
//! subtract it from 11. A result of 11 makes the check digit 0; a result of 10 means the number is
//! not valid (no NHS number is issued with it). Spaces and hyphens, as people write the number
//! (`943 476 5919`), are ignored.

use std::fmt;

/// A valid NHS number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber([u8; 10]);

/// Why a text is not a valid NHS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    /// Not ten digits once spaces and hyphens are removed.
    #[error("an NHS number has 10 digits; '{0}' does not")]
    NotTenDigits(String),
    /// The check digit does not match the first nine.
    #[error("'{0}' fails the NHS number check digit (Modulus 11)")]
    CheckDigit(String),
    /// The first nine digits give a check value of 10, which no NHS number has.
    #[error("'{0}' cannot be an NHS number: its check value would be 10")]
    CheckValueTen(String),
}

/// The check digit for nine digits, or `None` when the check value is 10 (not a valid number).
pub fn check_digit(first_nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        n => Some(n as u8),
    }
}

impl NhsNumber {
    /// Reads and validates an NHS number.
    pub fn parse(text: &str) -> Result<NhsNumber, NhsNumberError> {
        let digits: Vec<u8> = text
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .map(|c| c.to_digit(10).map(|d| d as u8))
            .collect::<Option<_>>()
            .unwrap_or_default();
        let digits: [u8; 10] = digits
            .try_into()
            .map_err(|_| NhsNumberError::NotTenDigits(text.trim().to_string()))?;
        let first_nine: [u8; 9] = digits[..9].try_into().expect("nine digits");
        match check_digit(&first_nine) {
            None => Err(NhsNumberError::CheckValueTen(text.trim().to_string())),
            Some(d) if d != digits[9] => Err(NhsNumberError::CheckDigit(text.trim().to_string())),
            Some(_) => Ok(NhsNumber(digits)),
        }
    }

    /// The ten digits without spaces.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// Shown as people write it: `943 476 5919`.
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_example_numbers_are_valid() {
        // Each worked by hand with the Data Dictionary's weights:
        // 943 476 5919: 9x10+4x9+3x8+4x7+7x6+6x5+5x4+9x3+1x2 = 299; 299 mod 11 = 2; 11-2 = 9.
        // 401 023 2137: 4x10+0+1x8+0+2x6+3x5+2x4+1x3+3x2 = 92; 92 mod 11 = 4; 11-4 = 7.
        // 900 000 0009 (the PDS FHIR API sandbox's test patient): 9x10 = 90; 90 mod 11 = 2; 11-2 = 9.
        for n in [
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            "4010232137",
            "9000000009",
        ] {
            assert!(NhsNumber::parse(n).is_ok(), "{n}");
        }
        assert_eq!(
            NhsNumber::parse("9434765919").unwrap().to_string(),
            "943 476 5919"
        );
    }

    #[test]
    fn a_wrong_check_digit_or_length_is_refused() {
        assert_eq!(
            NhsNumber::parse("9434765918"),
            Err(NhsNumberError::CheckDigit("9434765918".into()))
        );
        assert!(matches!(
            NhsNumber::parse("943476591"),
            Err(NhsNumberError::NotTenDigits(_))
        ));
        assert!(matches!(
            NhsNumber::parse("94347659190"),
            Err(NhsNumberError::NotTenDigits(_))
        ));
        assert!(matches!(
            NhsNumber::parse("94347659a9"),
            Err(NhsNumberError::NotTenDigits(_))
        ));
        assert!(matches!(
            NhsNumber::parse(""),
            Err(NhsNumberError::NotTenDigits(_))
        ));
    }

    #[test]
    fn a_check_value_of_ten_is_never_valid() {
        // 1,2,3,4,5,6,7,8,9 weighted 10..2 sums to 1x10+2x9+...+9x2 = 210; 210 mod 11 = 1; 11-1 = 10.
        assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), None);
        for last in 0..=9 {
            let n = format!("123456789{last}");
            assert_eq!(
                NhsNumber::parse(&n),
                Err(NhsNumberError::CheckValueTen(n.clone()))
            );
        }
    }

    proptest! {
        #[test]
        fn exactly_one_last_digit_completes_any_nine_unless_the_check_value_is_ten(
            nine in proptest::array::uniform9(0_u8..10)
        ) {
            let stem: String = nine.iter().map(|d| char::from(b'0' + d)).collect();
            let valid = (0..=9).filter(|d| NhsNumber::parse(&format!("{stem}{d}")).is_ok()).count();
            prop_assert_eq!(valid, usize::from(check_digit(&nine).is_some()));
        }

        #[test]
        fn any_single_digit_change_is_caught(
            nine in proptest::array::uniform9(0_u8..10), at in 0_usize..10, to in 0_u8..10
        ) {
            if let Some(check) = check_digit(&nine) {
                let mut digits: Vec<u8> = nine.to_vec();
                digits.push(check);
                prop_assume!(digits[at] != to);
                digits[at] = to;
                let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                prop_assert!(NhsNumber::parse(&text).is_err());
            }
        }
    }
}
