//! Interval arithmetic on spans of unix seconds `[start, end)`: overlaps, covers,
//! unions and differences of the few spans one day row deals with.

/// A span of unix seconds, `[start, end)`; empty when `end <= start`.
pub(crate) type Span = (i64, i64);

/// The length of a span, 0 when empty.
pub(crate) fn length(span: Span) -> i64 {
    (span.1 - span.0).max(0)
}

/// The common part of two spans (possibly empty).
pub(crate) fn clip(span: Span, window: Span) -> Span {
    (span.0.max(window.0), span.1.min(window.1))
}

/// |a ∩ b|.
pub(crate) fn overlap(a: Span, b: Span) -> i64 {
    length(clip(a, b))
}

/// |spans ∩ window|, for disjoint spans.
pub(crate) fn cover(spans: &[Span], window: Span) -> i64 {
    spans.iter().map(|span| overlap(*span, window)).sum()
}

/// |spans ∩ window − holes|, for disjoint spans and disjoint holes.
pub(crate) fn cover_outside(spans: &[Span], window: Span, holes: &[Span]) -> i64 {
    let inside: i64 = holes
        .iter()
        .map(|hole| cover(spans, clip(*hole, window)))
        .sum();
    cover(spans, window) - inside
}

/// Sorts spans and merges the ones that touch or overlap; drops empty spans.
pub(crate) fn merge(spans: &mut Vec<Span>) {
    spans.retain(|span| span.1 > span.0);
    spans.sort_unstable();
    let mut kept = 0;
    for i in 0..spans.len() {
        if kept > 0 && spans[i].0 <= spans[kept - 1].1 {
            spans[kept - 1].1 = spans[kept - 1].1.max(spans[i].1);
        } else {
            spans[kept] = spans[i];
            kept += 1;
        }
    }
    spans.truncate(kept);
}

/// Removes the disjoint `holes` from the disjoint `spans`, in place.
pub(crate) fn subtract(spans: &mut Vec<Span>, holes: &[Span]) {
    for hole in holes {
        let mut i = 0;
        while i < spans.len() {
            let span = spans[i];
            if hole.1 <= span.0 || span.1 <= hole.0 {
                i += 1;
                continue;
            }
            let left = (span.0, hole.0);
            let right = (hole.1, span.1);
            match (length(left) > 0, length(right) > 0) {
                (true, true) => {
                    spans[i] = left;
                    spans.insert(i + 1, right);
                    i += 2;
                }
                (true, false) => {
                    spans[i] = left;
                    i += 1;
                }
                (false, true) => {
                    spans[i] = right;
                    i += 1;
                }
                (false, false) => {
                    spans.remove(i);
                }
            }
        }
    }
}

/// The first instant of `window` that no hole covers.
pub(crate) fn first_free(window: Span, holes: &[Span]) -> Option<i64> {
    let mut at = window.0;
    while let Some(hole) = holes.iter().find(|h| h.0 <= at && at < h.1) {
        at = hole.1;
    }
    (at < window.1).then_some(at)
}

/// The last instant of `window` (its end) that no hole covers.
pub(crate) fn last_free(window: Span, holes: &[Span]) -> Option<i64> {
    let mut at = window.1;
    while let Some(hole) = holes.iter().find(|h| h.0 < at && at <= h.1) {
        at = hole.0;
    }
    (at > window.0).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_count_only_the_window_outside_the_holes() {
        let spans = [(0, 10), (20, 30)];
        assert_eq!(cover(&spans, (5, 25)), 10);
        assert_eq!(cover_outside(&spans, (0, 30), &[(8, 22)]), 16);
        assert_eq!(overlap((0, 5), (7, 9)), 0);
    }

    #[test]
    fn merge_and_subtract_keep_spans_disjoint() {
        let mut spans = vec![(5, 8), (0, 3), (3, 4), (9, 9), (7, 12)];
        merge(&mut spans);
        assert_eq!(spans, vec![(0, 4), (5, 12)]);
        subtract(&mut spans, &[(1, 2), (4, 6), (10, 20)]);
        assert_eq!(spans, vec![(0, 1), (2, 4), (6, 10)]);
        subtract(&mut spans, &[(0, 100)]);
        assert!(spans.is_empty());
    }

    #[test]
    fn free_ends_skip_chained_holes() {
        let holes = [(0, 5), (5, 7), (9, 10)];
        assert_eq!(first_free((0, 10), &holes), Some(7));
        assert_eq!(last_free((0, 10), &holes), Some(9));
        assert_eq!(first_free((0, 7), &holes), None);
        assert_eq!(last_free((0, 7), &holes), None);
    }
}
