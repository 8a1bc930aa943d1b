//! Charts drawn on the server as SVG (no chart library, nothing loaded from outside):
//! a stacked bar per day of a month (on time, late, absent, on leave) and horizontal
//! bars of hours by department. Each chart carries a title for screen readers; the
//! page shows the same numbers as a table beside it.

use std::fmt::Write;

/// One stacked bar: its label and its parts (value, CSS class), bottom first.
pub struct Stack {
    pub label: String,
    pub parts: Vec<(u32, &'static str)>,
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HEIGHT: f64 = 180.0;
const BAR: f64 = 14.0;
const GAP: f64 = 4.0;
const AXIS: f64 = 28.0;

/// Stacked vertical bars, one per stack, scaled to the largest total.
pub fn stacked_bars(title: &str, stacks: &[Stack]) -> String {
    let largest = stacks
        .iter()
        .map(|s| s.parts.iter().map(|p| p.0).sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = AXIS + stacks.len() as f64 * (BAR + GAP);
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {width} {total}" preserveAspectRatio="xMinYMin meet"><title>{title}</title>"#,
        total = HEIGHT + 20.0,
        title = escape(title)
    );
    let _ = write!(
        svg,
        r#"<text x="0" y="10" class="axis">{largest}</text><text x="0" y="{HEIGHT}" class="axis">0</text>"#
    );
    for (i, stack) in stacks.iter().enumerate() {
        let x = AXIS + i as f64 * (BAR + GAP);
        let mut top = HEIGHT;
        for (value, class) in &stack.parts {
            let height = f64::from(*value) / f64::from(largest) * (HEIGHT - 10.0);
            top -= height;
            if *value > 0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{top:.1}" width="{BAR}" height="{height:.1}" class="{class}"><title>{} — {value}</title></rect>"#,
                    escape(&stack.label)
                );
            }
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" class="axis" text-anchor="middle">{}</text>"#,
            x + BAR / 2.0,
            HEIGHT + 14.0,
            escape(&stack.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars with their labels and values shown.
pub fn bars(title: &str, rows: &[(String, f64, String)]) -> String {
    let largest = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0);
    let line = 22.0;
    let height = rows.len() as f64 * line + 4.0;
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 600 {height}" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        escape(title)
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = i as f64 * line + 2.0;
        let width = value / largest * 330.0;
        let _ = write!(
            svg,
            r#"<text x="0" y="{:.1}" class="label">{}</text><rect x="200" y="{y:.1}" width="{width:.1}" height="16" class="bar-hours"/><text x="{:.1}" y="{:.1}" class="label">{}</text>"#,
            y + 12.0,
            escape(label),
            204.0 + width,
            y + 12.0,
            escape(shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_their_labels() {
        let svg = stacked_bars(
            "March <2025>",
            &[
                Stack {
                    label: "1".into(),
                    parts: vec![(3, "on-time"), (1, "late")],
                },
                Stack {
                    label: "2".into(),
                    parts: vec![(2, "on-time"), (0, "late")],
                },
            ],
        );
        assert!(svg.contains("<title>March &lt;2025&gt;</title>"));
        // The first day's total (4) is the full height: 170 of 180.
        assert!(
            svg.contains(r#"y="52.5" width="14" height="127.5" class="on-time""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"class="late"><title>1 — 1</title>"#),
            "{svg}"
        );
        assert!(
            !svg.contains(r#"<title>2 — 0</title>"#),
            "empty parts are not drawn"
        );
        let svg = bars("Hours", &[("R&D".into(), 10.0, "10:00".into())]);
        assert!(svg.contains("R&amp;D"));
        assert!(svg.contains(r#"width="330.0""#), "{svg}");
    }
}
