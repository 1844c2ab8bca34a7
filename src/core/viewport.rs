//! The geometry of a virtualised list: which row a scroll position shows, and where the window
//! of rendered rows goes. Pure arithmetic, so the page holds none and tests can check it.
//!
//! A browser caps an element's height (Chromium near 33.5 million px, Firefox near 17.9 million),
//! and a million rows of 32 px are 32 million: above `max_px` the scroll range is scaled onto
//! the rows. The window is then placed so that the row a position stands for sits at the top of
//! the viewport, and clipped at the list's end: a window reaching below it would make the list
//! taller than its scroll range, and the browser would move the rows under the reader.

/// A list of `rows` rows of `row_px`, seen through `viewport_px`, at most `max_px` tall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub rows: u32,
    pub row_px: f64,
    pub viewport_px: f64,
    pub max_px: f64,
}

/// Where to draw a window of rendered rows: its top and its height, both in px of the list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub top: f64,
    pub height: f64,
}

impl Viewport {
    /// The list's height: every row, or the cap.
    pub fn height(&self) -> f64 {
        (f64::from(self.rows) * self.row_px).min(self.max_px)
    }

    /// Rows that fit in the viewport (a fraction: the last one may be cut).
    fn rows_in_view(&self) -> f64 {
        self.viewport_px / self.row_px
    }

    /// The row at the top of the viewport at scroll position `top`, with its fraction: a
    /// position per row's height when the list fits, else the scroll range spread over the rows
    /// (its end shows the last rows whole).
    pub fn row_at(&self, top: f64) -> f64 {
        let last_top = (f64::from(self.rows) - self.rows_in_view()).max(0.0);
        let row = if f64::from(self.rows) * self.row_px <= self.max_px {
            top / self.row_px
        } else {
            let scrollable = (self.height() - self.viewport_px).max(1.0);
            top / scrollable * last_top
        };
        row.clamp(0.0, last_top)
    }

    /// The first whole row at `top`: what to ask for.
    pub fn first_row(&self, top: f64) -> u32 {
        (self.row_at(top).floor() as u32).min(self.rows.saturating_sub(1))
    }

    /// Where a window of `count` rows from row `start` goes at scroll position `top`: row
    /// `row_at(top)` at `top` (when the list fits, simply each row at its own place), cut at the
    /// list's end.
    pub fn place(&self, top: f64, start: u32, count: u32) -> Placement {
        let at = (top - (self.row_at(top) - f64::from(start)) * self.row_px).max(0.0);
        let height = (f64::from(count) * self.row_px).min((self.height() - at).max(0.0));
        Placement { top: at, height }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: f64 = 32.0;
    const VIEW: f64 = 560.0;

    fn list(rows: u32) -> Viewport {
        Viewport {
            rows,
            row_px: ROW,
            viewport_px: VIEW,
            max_px: 8_000_000.0,
        }
    }

    #[test]
    fn a_list_that_fits_puts_each_row_at_its_place() {
        let l = list(1_000);
        assert_eq!(l.height(), 32_000.0);
        assert_eq!(l.first_row(3_200.0), 100);
        // A window from row 80 at scroll 3,200: row 80 at 2,560, whatever the scroll.
        assert_eq!(
            l.place(3_200.0, 80, 57),
            Placement {
                top: 2_560.0,
                height: 57.0 * ROW
            }
        );
        // At the end: the last 17.5 rows fill the viewport.
        let end = l.height() - VIEW;
        assert_eq!(l.row_at(end), 982.5);
        let window = l.place(end, 962, 38);
        assert_eq!(window.top + window.height, l.height());
    }

    #[test]
    fn a_million_rows_show_the_row_a_position_stands_for_and_end_on_the_last() {
        let l = list(1_000_000);
        assert_eq!(l.height(), 8_000_000.0);
        let scrollable = l.height() - VIEW;
        // Half way down: row 499,991.25 (of 999,982.5 at the top of the last view).
        let top = scrollable / 2.0;
        let row = l.row_at(top);
        assert_eq!(row, 999_982.5 / 2.0);
        let first = l.first_row(top);
        let window = l.place(top, first - 20, 57);
        // Row `first` sits where `row` would: at `top`, less the fraction.
        let first_at = window.top + 20.0 * ROW;
        assert!((first_at - (top - (row - f64::from(first)) * ROW)).abs() < 1e-6);
        assert!(window.top + window.height <= l.height());
        // At the end: the last rows, whole, end where the list ends; nothing hangs below.
        let end = l.place(scrollable, l.first_row(scrollable) - 20, 57);
        let last_row_bottom = end.top + f64::from(1_000_000 - (l.first_row(scrollable) - 20)) * ROW;
        assert!(
            (last_row_bottom - l.height()).abs() < 1e-6,
            "{last_row_bottom}"
        );
        assert!(end.top + end.height <= l.height());
        // Near the end, a window reaching past it is cut, not pushed up.
        let near = scrollable - 400.0;
        let w = l.place(near, l.first_row(near) - 20, 57);
        assert!(w.top + w.height <= l.height() + 1e-6);
        assert!((w.top + 20.0 * ROW - (near - l.row_at(near).fract() * ROW)).abs() < 1e-6);
    }

    #[test]
    fn an_empty_or_short_list_has_no_scroll() {
        assert_eq!(list(0).row_at(100.0), 0.0);
        assert_eq!(list(0).first_row(100.0), 0);
        assert_eq!(list(5).row_at(0.0), 0.0);
        assert_eq!(
            list(5).place(0.0, 0, 5),
            Placement {
                top: 0.0,
                height: 160.0
            }
        );
    }
}
