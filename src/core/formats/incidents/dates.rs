//! The date formats incident exports are written in. Trackers export in the exporting user's
//! locale and rarely say the zone, so times without one are read as UTC (documented per export).
//!
//! Read: RFC 3339; `2024-05-11 15:26[:SS[.fff]]` (also with `T`, or `/`), optionally followed
//! by `Z`, `UTC`, `±hh:mm` or `±hhmm`, with or without a space; Jira's default
//! `dd/MMM/yy h:mm a` (`11/May/24 03:26 PM`, also `11-May-2024 15:26`); numeric `6/21/2025 16:14`
//! and `21/06/2025 16:14` (day or month first: see [`Order`]); `11.05.2024 15:26`; the Log
//! Analytics portal's `11/18/2026, 8:02:47.123 AM`; epoch milliseconds (TheHive).

use crate::core::time::Timestamp;

/// Which comes first in a numeric `a/b/yyyy` date. Decided per file from its values: a first
/// number above 12 is a day, a second above 12 makes the first a month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// US style, and the default when no value in the file tells.
    #[default]
    MonthFirst,
    DayFirst,
}

impl Order {
    /// The order the numeric slash dates among `values` show, and whether it is a guess: there
    /// are such dates and none tells.
    pub fn of<'v>(values: impl Iterator<Item = &'v str>) -> (Order, bool) {
        let (mut month_first, mut seen) = (false, false);
        for value in values {
            let Some((a, b)) = slash_numbers(value) else {
                continue;
            };
            if a > 12 {
                return (Order::DayFirst, false);
            }
            seen = true;
            month_first |= b > 12;
        }
        (Order::MonthFirst, seen && !month_first)
    }

    /// The warning for a guessed order.
    pub fn guessed() -> String {
        "dates such as 05/06/2025 could be day or month first, and no date in the file tells: \
         read as month/day (US)"
            .into()
    }
}

/// The two leading numbers of a numeric `a/b/c` date.
fn slash_numbers(value: &str) -> Option<(u32, u32)> {
    let mut parts = value.trim().split('/');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next()?.parse().ok()?;
    let year = parts.next()?;
    year.starts_with(|c: char| c.is_ascii_digit())
        .then_some((a, b))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A time in any of the formats above; `None` when it is none of them.
pub fn parse(text: &str, order: Order) -> Option<Timestamp> {
    let text = text.trim();
    if let Some(t) = Timestamp::parse_rfc3339(text) {
        return Some(t);
    }
    // Epoch milliseconds: 12 digits or more (from 1973 on); shorter numbers are not times.
    if text.len() >= 12 && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(Timestamp);
    }
    // `T` only where ISO puts it: month names such as `OCT` hold one too.
    let iso_t = (text.as_bytes().get(10) == Some(&b'T')).then_some(10);
    let split = text
        .find([' ', ','])
        .or(iso_t)
        .filter(|&at| at > 0)
        .unwrap_or(text.len());
    let (date, rest) = text.split_at(split);
    let (year, month, day) = date_part(date, order)?;
    let c = time_part(rest.trim_start_matches([',', 'T', ' ']))?;
    let sign = if c.offset_minutes < 0 { '-' } else { '+' };
    let offset = c.offset_minutes.unsigned_abs();
    let iso = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
        c.hour,
        c.minute,
        c.second,
        c.millis,
        offset / 60,
        offset % 60
    );
    Timestamp::parse_rfc3339(&iso)
}

fn date_part(date: &str, order: Order) -> Option<(u32, u32, u32)> {
    let separator = date.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = date.split(separator).collect();
    let [a, b, c] = parts[..] else { return None };
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year = |s: &str| -> Option<u32> {
        let y = number(s)?;
        Some(match s.len() {
            4 => y,
            // Two-digit years: 70–99 are the 1900s, as Java's `yy` pivot would have it today.
            2 if y >= 70 => 1900 + y,
            2 => 2000 + y,
            _ => return None,
        })
    };
    let month_name = |s: &str| -> Option<u32> {
        let lower = s.to_ascii_lowercase();
        let at = MONTHS.iter().position(|m| lower.starts_with(m))?;
        Some(at as u32 + 1)
    };
    if a.len() == 4 {
        return Some((year(a)?, number(b)?, number(c)?));
    }
    if let Some(month) = month_name(b) {
        return Some((year(c)?, month, number(a)?));
    }
    let (first, second) = (number(a)?, number(b)?);
    let (month, day) = if separator == '.' || order == Order::DayFirst {
        (second, first)
    } else {
        (first, second)
    };
    Some((year(c)?, month, day))
}

/// `H:mm[:ss[.fff]][ AM|PM]`, then optionally a zone: `Z`, `UTC`, `±hh:mm` or `±hhmm` (Jira's
/// REST API and Java write the last). An empty time is midnight. Anything else after the time
/// makes it no time at all: a zone read past would shift the time silently.
fn time_part(time: &str) -> Option<Clock> {
    let time = time.trim();
    if time.is_empty() {
        return Some(Clock::default());
    }
    let lower = time.to_ascii_lowercase();
    let (rest, offset_minutes) = zone(&lower)?;
    let (clock, meridiem) = match rest.strip_suffix("am") {
        Some(clock) => (clock, Some(false)),
        None => match rest.strip_suffix("pm") {
            Some(clock) => (clock, Some(true)),
            None => (rest, None),
        },
    };
    let mut parts = clock.trim().split(':');
    let hour = number(parts.next()?, 2)?;
    let minute = number(parts.next()?, 2)?;
    let (second, millis) = match parts.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, fraction) = match s.split_once('.') {
                Some((whole, fraction)) => (whole, Some(fraction)),
                None => (s, None),
            };
            let millis = match fraction {
                None => 0,
                Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
                Some(f) => f
                    .chars()
                    .chain("000".chars())
                    .take(3)
                    .collect::<String>()
                    .parse()
                    .ok()?,
            };
            (number(whole, 2)?, millis)
        }
    };
    if parts.next().is_some() {
        return None;
    }
    let hour = match meridiem {
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(false) => hour % 12,
        Some(true) => hour % 12 + 12,
    };
    Some(Clock {
        hour,
        minute,
        second,
        millis,
        offset_minutes,
    })
}

/// A time of day as written, and its zone's offset from UTC.
#[derive(Default)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    offset_minutes: i32,
}

/// The time without its zone, and the zone's offset in minutes (none written: UTC). `None`
/// when what follows a `+` or `-` is not `hh:mm` or `hhmm`.
fn zone(lower: &str) -> Option<(&str, i32)> {
    if let Some(rest) = lower
        .strip_suffix("utc")
        .or_else(|| lower.strip_suffix('z'))
    {
        return Some((rest.trim_end(), 0));
    }
    let Some(at) = lower.rfind(['+', '-']) else {
        return Some((lower, 0));
    };
    let (rest, offset) = lower.split_at(at);
    let digits = &offset[1..];
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) if h.len() == 2 && m.len() == 2 => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        _ => return None,
    };
    let (hours, minutes) = (number(hours, 2)?, number(minutes, 2)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let minutes = (hours * 60 + minutes) as i32;
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    Some((rest.trim_end(), sign * minutes))
}

/// One to `most` ASCII digits (`str::parse` alone would take a sign).
fn number(text: &str, most: usize) -> Option<u32> {
    (!text.is_empty() && text.len() <= most && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, order: Order) -> String {
        parse(text, order).map_or("none".into(), |t| t.to_string())
    }

    #[test]
    fn the_formats_exports_use() {
        let m = Order::MonthFirst;
        for (text, expect) in [
            ("2024-05-11T15:26:00+02:00", "2024-05-11T13:26:00Z"),
            ("2024-05-11 15:26", "2024-05-11T15:26:00Z"),
            ("2024-05-11 15:26:07.5", "2024-05-11T15:26:07.500Z"),
            ("2024-05-11T15:26:07", "2024-05-11T15:26:07Z"),
            ("11/May/24 03:26 PM", "2024-05-11T15:26:00Z"),
            ("11/May/24 3:26 AM", "2024-05-11T03:26:00Z"),
            ("11/May/24 12:05 AM", "2024-05-11T00:05:00Z"),
            ("11/May/24 12:05 PM", "2024-05-11T12:05:00Z"),
            ("11-May-2024 15:26", "2024-05-11T15:26:00Z"),
            ("11/OCT/24 3:26 PM", "2024-10-11T15:26:00Z"),
            ("6/21/2025 16:14", "2025-06-21T16:14:00Z"),
            ("11.05.2024 15:26", "2024-05-11T15:26:00Z"),
            ("11/18/2026, 8:02:47.123 AM", "2026-11-18T08:02:47.123Z"),
            ("1715441160000", "2024-05-11T15:26:00Z"),
            ("2024-05-11", "2024-05-11T00:00:00Z"),
            // Zones after the time, with or without a fraction: 10:00 at +02:00 is 08:00 UTC,
            // at −05:00 it is 15:00 UTC.
            ("2026-11-02T10:00:00.000+0200", "2026-11-02T08:00:00Z"),
            ("2026-11-02 10:00:00.000 +0200", "2026-11-02T08:00:00Z"),
            ("2026-11-02T10:00:00+0200", "2026-11-02T08:00:00Z"),
            ("2026-11-02 10:00:00.000 -05:00", "2026-11-02T15:00:00Z"),
            ("2026-11-02 10:00 +02:00", "2026-11-02T08:00:00Z"),
            ("2026-11-02 10:00:00.25Z", "2026-11-02T10:00:00.250Z"),
            ("2026-11-02 10:00:00 UTC", "2026-11-02T10:00:00Z"),
            // 23:30 at −01:00 is 00:30 UTC the next day.
            ("2026-11-02 23:30 -0100", "2026-11-03T00:30:00Z"),
        ] {
            assert_eq!(at(text, m), expect, "{text}");
        }
        assert_eq!(
            at("05/06/2024 10:00", Order::DayFirst),
            "2024-06-05T10:00:00Z"
        );
        assert_eq!(at("05/06/2024 10:00", m), "2024-05-06T10:00:00Z");
    }

    #[test]
    fn not_times() {
        for bad in [
            "",
            "soon",
            "32/May/24 10:00",
            "11/Mai/24 10:00 PM",
            "13:00",
            "2024-02-30 10:00",
            "11/May/24 13:00 PM",
            "1234",
            "1/2",
            "11/May/24 10:00:00:00",
            // A suffix that is not a zone Posture reads, or a fraction that is not digits.
            "2026-11-02T10:00:00.000 CET",
            "2026-11-02T10:00:00.000+02",
            "2026-11-02T10:00:00.000+2500",
            "2026-11-02T10:00:00.000+02:0",
            "2026-11-02 10:00:00.0x0Z",
            "2026-11-02 10:00:00.",
            "2026-11-02 10:00:00.000 garbage",
            "2026-11-02 10:+5",
        ] {
            assert_eq!(parse(bad, Order::MonthFirst), None, "{bad:?}");
        }
    }

    #[test]
    fn the_order_comes_from_the_values() {
        let days = ["01/02/2025 10:00", "21/06/2025 16:14"];
        assert_eq!(Order::of(days.into_iter()), (Order::DayFirst, false));
        let months = ["01/02/2025 10:00", "6/21/2025 16:14"];
        assert_eq!(Order::of(months.into_iter()), (Order::MonthFirst, false));
        let unclear = ["01/02/2025"];
        assert_eq!(Order::of(unclear.into_iter()), (Order::MonthFirst, true));
        let named = ["02/Nov/26 10:00 AM"];
        assert_eq!(Order::of(named.into_iter()), (Order::MonthFirst, false));
    }
}
