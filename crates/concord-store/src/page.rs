//! Pagination of lists.

use serde::{Deserialize, Serialize};

/// Which page of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageRequest {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page, 1 to 200.
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    /// A request clamped into range: page at least 1, per_page 1..=200.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }

    /// The SQL LIMIT.
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    /// The SQL OFFSET.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }
}

/// One page of a list, with the total so that callers can show "x of y".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// This page's number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items across all pages.
    pub total: i64,
}

impl<T> Page<T> {
    /// The number of pages.
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from((self.total + per - 1) / per)
            .unwrap_or(u32::MAX)
            .max(1)
    }

    /// True if a later page exists.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_page_counts() {
        let r = PageRequest::new(Some(3), Some(20));
        assert_eq!((r.limit(), r.offset()), (20, 40));
        assert_eq!(
            PageRequest::new(Some(0), Some(1000)),
            PageRequest {
                page: 1,
                per_page: 200
            }
        );
        let p = Page::<()> {
            items: vec![],
            page: 1,
            per_page: 20,
            total: 41,
        };
        assert_eq!(p.pages(), 3);
        assert!(p.has_next());
        let empty = Page::<()> {
            items: vec![],
            page: 1,
            per_page: 20,
            total: 0,
        };
        assert_eq!(empty.pages(), 1);
    }
}
