//! Money as integer minor units (tiyin, 1/100 of a sum): read exactly from the decimal
//! text a client sent and written back with two decimals (`"1000.50"`). No float ever
//! holds an amount, so what is read back equals what was written, to the tiyin.

/// The largest amount accepted: 999,999,999,999.99 (fits any payroll with room).
pub const MAX_MINOR: i64 = 99_999_999_999_999;

/// Why an amount was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a decimal number (letters, several points, an exponent, empty).
    NotANumber,
    /// Below zero.
    Negative,
    /// More than two decimals.
    TooPrecise,
    /// Above [`MAX_MINOR`].
    TooLarge,
}

/// Reads `"1000"`, `"1000.5"`, `"1000.50"`, `"0.10"`, `".5"` or `"12,50"` (a comma as the
/// decimal mark, as Uzbek and Russian write it) into minor units. Trailing zeros past
/// the second decimal are fine (`"1.500"`); other digits there are [`AmountError::TooPrecise`].
pub fn parse_minor(text: &str) -> Result<i64, AmountError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace(',', ".");
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (digits.as_str(), ""),
    };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(AmountError::NotANumber);
    }
    let (cents, rest) = fraction.split_at(fraction.len().min(2));
    if rest.bytes().any(|b| b != b'0') {
        return Err(AmountError::TooPrecise);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 13 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::NotANumber)?
    };
    let cents: i64 = format!("{cents:0<2}")
        .parse()
        .map_err(|_| AmountError::NotANumber)?;
    let minor = whole * 100 + cents;
    if negative && minor > 0 {
        return Err(AmountError::Negative);
    }
    if minor > MAX_MINOR {
        return Err(AmountError::TooLarge);
    }
    Ok(minor)
}

/// Minor units as the API writes money: `"1000.50"`, `"0.10"`, `"-3.05"`.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_amounts_clients_send() {
        assert_eq!(parse_minor("1000"), Ok(100_000));
        assert_eq!(parse_minor("1000.5"), Ok(100_050));
        assert_eq!(parse_minor("1000.50"), Ok(100_050));
        assert_eq!(parse_minor("0.10"), Ok(10));
        assert_eq!(parse_minor("0.1"), Ok(10));
        assert_eq!(parse_minor(".5"), Ok(50));
        assert_eq!(parse_minor("12,25"), Ok(1225));
        assert_eq!(parse_minor("99999999.99"), Ok(9_999_999_999));
        assert_eq!(parse_minor("1.500"), Ok(150));
        assert_eq!(parse_minor("0"), Ok(0));
        assert_eq!(parse_minor("-0"), Ok(0));
        assert_eq!(parse_minor(" 7 "), Ok(700));
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        assert_eq!(parse_minor(""), Err(AmountError::NotANumber));
        assert_eq!(parse_minor("."), Err(AmountError::NotANumber));
        assert_eq!(parse_minor("1e3"), Err(AmountError::NotANumber));
        assert_eq!(parse_minor("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(parse_minor("abc"), Err(AmountError::NotANumber));
        assert_eq!(parse_minor("1.005"), Err(AmountError::TooPrecise));
        assert_eq!(parse_minor("-1"), Err(AmountError::Negative));
        assert_eq!(parse_minor("1000000000000"), Err(AmountError::TooLarge));
        assert_eq!(
            parse_minor("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn writes_two_decimals() {
        assert_eq!(format_minor(100_050), "1000.50");
        assert_eq!(format_minor(10), "0.10");
        assert_eq!(format_minor(0), "0.00");
        assert_eq!(format_minor(9_999_999_999), "99999999.99");
        assert_eq!(format_minor(-305), "-3.05");
    }

    #[test]
    fn every_written_amount_reads_back() {
        for minor in [0, 1, 9, 10, 99, 100, 12_345, MAX_MINOR] {
            assert_eq!(parse_minor(&format_minor(minor)), Ok(minor));
        }
    }
}
