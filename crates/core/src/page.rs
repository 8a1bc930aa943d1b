//! Pagination arithmetic of the list envelope (CONTRACT.md §1).

/// The largest page the API serves.
pub const MAX_PER_PAGE: u64 = 50;

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
        let page = page
            .and_then(|p| p.trim().parse::<i64>().ok())
            .map_or(1, |p| p.max(1) as u64);
        let size_text = per_page.or(limit_param).or(limit_header);
        let per_page = match size_text.map(|s| s.trim().parse::<i64>()) {
            Some(Ok(n)) => n.clamp(1, MAX_PER_PAGE as i64) as u64,
            _ => MAX_PER_PAGE,
        };
        PageRequest { page, per_page }
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Number of pages for `total` items: never below 1.
    pub fn page_count(&self, total: u64) -> u64 {
        total.div_ceil(self.per_page).max(1)
    }
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
