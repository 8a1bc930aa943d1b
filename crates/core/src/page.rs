//! Pagination arithmetic of the list envelope (CONTRACT.md §1).

/// The largest page the API serves.
pub const MAX_PER_PAGE: u64 = 50;
/// The largest page number read: a larger one (however many digits) is read as this,
/// which is past the end of any list, so it answers the empty page (CONTRACT.md §1).
/// Both backends take it as an `OFFSET` (a signed 64-bit integer).
pub const MAX_PAGE: u64 = i64::MAX as u64;

/// A requested page, already clamped to what the API serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Items per page, 1..=50.
    pub per_page: u64,
}

impl PageRequest {
    /// Reads `page` and the page size from the raw request values: `per-page` wins over
    /// the `limit` query parameter, which wins over the `limit` header. A page below 1
    /// is 1; a size that is not a number is 50; sizes are clamped to 1..=50.
    pub fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
        limit_param: Option<&str>,
        limit_header: Option<&str>,
    ) -> PageRequest {
        let page = page.map_or(1, page_number);
        let size_text = per_page.or(limit_param).or(limit_header);
        let per_page = match size_text.map(|s| s.trim().parse::<i64>()) {
            Some(Ok(n)) => n.clamp(1, MAX_PER_PAGE as i64) as u64,
            _ => MAX_PER_PAGE,
        };
        PageRequest { page, per_page }
    }

    /// Rows to skip: at most [`MAX_PAGE`], so that any page is a valid `OFFSET`.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page).min(MAX_PAGE)
    }

    /// Number of pages for `total` items: never below 1.
    pub fn page_count(&self, total: u64) -> u64 {
        total.div_ceil(self.per_page).max(1)
    }
}

/// A `page` value: an integer below 1 (or not a number) is 1; one above [`MAX_PAGE`],
/// however long, is [`MAX_PAGE`].
fn page_number(text: &str) -> u64 {
    let text = text.trim();
    let digits = text.strip_prefix('+').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse::<u64>()
            .map_or(MAX_PAGE, |p| p.clamp(1, MAX_PAGE));
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_clamps() {
        assert_eq!(
            PageRequest::parse(None, None, None, None),
            PageRequest {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(
            PageRequest::parse(Some("0"), Some("500"), None, None),
            PageRequest {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(
            PageRequest::parse(Some("-3"), Some("0"), None, None),
            PageRequest {
                page: 1,
                per_page: 1
            }
        );
        assert_eq!(
            PageRequest::parse(Some("x"), Some("abc"), None, None).per_page,
            50
        );
        assert_eq!(
            PageRequest::parse(None, None, Some("7"), Some("9")).per_page,
            7
        );
        assert_eq!(
            PageRequest::parse(None, Some("5"), Some("7"), Some("9")).per_page,
            5
        );
        assert_eq!(PageRequest::parse(None, None, None, Some("9")).per_page, 9);
    }

    #[test]
    fn huge_pages_are_read_and_skip_a_valid_offset() {
        let huge = |text| PageRequest::parse(Some(text), None, None, None);
        assert_eq!(huge("184467440737095518").page, 184_467_440_737_095_518);
        assert_eq!(huge("184467440737095518").offset(), MAX_PAGE);
        assert_eq!(huge("99999999999999999999999").page, MAX_PAGE);
        assert_eq!(huge("9223372036854775807").offset(), MAX_PAGE);
        assert_eq!(huge("-99999999999999999999999").page, 1);
        assert_eq!(huge("12abc").page, 1);
    }

    #[test]
    fn page_count_is_at_least_one() {
        let p = PageRequest {
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.page_count(0), 1);
        assert_eq!(p.page_count(50), 1);
        assert_eq!(p.page_count(51), 2);
        assert_eq!(
            PageRequest {
                page: 3,
                per_page: 10
            }
            .offset(),
            20
        );
    }
}
