//! Instants as milliseconds since the Unix epoch (UTC), with RFC 3339 parsing and printing.
//!
//! Small and dependency-free on purpose: the core needs "parse the timestamp a scanner wrote",
//! "print one back" and "how many days between two instants", nothing more. The clock itself is
//! not read here (there is none in `wasm32-unknown-unknown`); callers pass `now` in.

use std::fmt;

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

pub const MS_PER_HOUR: i64 = 3_600_000;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

impl Timestamp {
    /// The span of four-digit years, 0000-01-01 to 9999-12-31: every time a file can write. A
    /// time beyond it comes only from damaged bytes (a summary's), whose arithmetic would
    /// overflow.
    pub const EARLIEST: Timestamp = Timestamp(-62_167_219_200_000);
    pub const LATEST: Timestamp = Timestamp(253_402_300_799_999);

    pub fn in_range(self) -> bool {
        (Timestamp::EARLIEST..=Timestamp::LATEST).contains(&self)
    }

    /// Parses RFC 3339 (`2021-08-25T12:20:30.000000005Z`, `2024-01-15T08:58:29+02:00`); a space may
    /// stand for the `T`. Fractions beyond milliseconds are truncated. `None` when it is not one.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.trim().as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 3 {
                    millis = millis * 10 + i64::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..3 {
                millis *= 10;
            }
        }
        let offset_minutes = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
                let minutes = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
                if sign == b'-' { -minutes } else { minutes }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
        Some(Timestamp(seconds * 1_000 + millis))
    }

    pub fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Whole and fractional days from `earlier` to `self`.
    pub fn days_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / MS_PER_DAY as f64
    }

    pub fn minus_days(self, days: i64) -> Timestamp {
        Timestamp(self.0 - days * MS_PER_DAY)
    }

    /// The day, `2026-11-18` (UTC).
    pub fn day(self) -> String {
        self.to_string()[..10].to_string()
    }

    /// The day as people write it: `18 Nov 2026` (UTC).
    pub fn date_text(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (year, month, day) = civil_from_days(self.0.div_euclid(MS_PER_DAY));
        format!("{day} {} {year}", MONTHS[(month as usize).clamp(1, 12) - 1])
    }

    /// Midnight (UTC) of the Monday that starts this instant's week.
    pub fn week_start(self) -> Timestamp {
        let days = self.0.div_euclid(MS_PER_DAY);
        // 1970-01-01 was a Thursday: three days after a Monday.
        Timestamp((days - (days + 3).rem_euclid(7)) * MS_PER_DAY)
    }
}

/// RFC 3339 in UTC: `2026-11-23T10:00:00Z`, with `.mmm` only when the milliseconds are not zero.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.div_euclid(1_000);
        let millis = self.0.rem_euclid(1_000);
        let days = seconds.div_euclid(86_400);
        let secs_of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3_600,
            secs_of_day % 3_600 / 60,
            secs_of_day % 60
        )?;
        if millis != 0 {
            write!(f, ".{millis:03}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's `days_from_civil` / `civil_from_days`: exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_as_people_write_them() {
        let at = |t| Timestamp::parse_rfc3339(t).unwrap_or_default();
        assert_eq!(at("2026-11-18T13:00:00Z").date_text(), "18 Nov 2026");
        assert_eq!(at("2021-01-05T00:00:00Z").date_text(), "5 Jan 2021");
        assert_eq!(at("1999-12-31T23:59:59Z").date_text(), "31 Dec 1999");
    }

    use super::*;

    #[test]
    fn the_range_is_the_four_digit_years() {
        assert_eq!(
            Timestamp::parse_rfc3339("0000-01-01T00:00:00Z"),
            Some(Timestamp::EARLIEST)
        );
        assert_eq!(
            Timestamp::parse_rfc3339("9999-12-31T23:59:59.999Z"),
            Some(Timestamp::LATEST)
        );
        assert!(!Timestamp(i64::MAX).in_range() && !Timestamp(i64::MIN).in_range());
    }

    fn round_trip(text: &str, expect: &str) {
        let ts = Timestamp::parse_rfc3339(text).unwrap_or_else(|| panic!("{text} did not parse"));
        assert_eq!(ts.to_string(), expect);
    }

    #[test]
    fn parses_what_scanners_write() {
        round_trip("2021-08-25T12:20:30.000000005Z", "2021-08-25T12:20:30Z");
        round_trip("2024-01-15T08:58:29.82753744Z", "2024-01-15T08:58:29.827Z");
        round_trip("2022-03-01T10:00:00+02:00", "2022-03-01T08:00:00Z");
        round_trip("2022-03-01 10:00:00-01:30", "2022-03-01T11:30:00Z");
        round_trip("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z");
        round_trip("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z");
    }

    #[test]
    fn epoch_and_known_instant() {
        assert_eq!(
            Timestamp::parse_rfc3339("1970-01-01T00:00:00Z"),
            Some(Timestamp(0))
        );
        // `date -u -d 2026-11-23T10:00:00Z +%s` = 1795428000
        assert_eq!(
            Timestamp::parse_rfc3339("2026-11-23T10:00:00Z"),
            Some(Timestamp(1_795_428_000_000))
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-18 is a Wednesday (`date -d 2026-11-18 +%A`); its week began on the 16th.
        let wednesday = Timestamp::parse_rfc3339("2026-11-18T13:00:00Z").unwrap();
        assert_eq!(wednesday.week_start().to_string(), "2026-11-16T00:00:00Z");
        let monday = Timestamp::parse_rfc3339("2026-11-16T00:00:00Z").unwrap();
        assert_eq!(monday.week_start(), monday);
        assert_eq!(wednesday.day(), "2026-11-18");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "2021-08-25",
            "2021-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2021-08-25T12:20:30",
            "2021-08-25T25:00:00Z",
            "2021-08-25T12:20:30.Z",
            "2021-08-25T12:20:30+0200",
            "not a date",
            "2021-08-25T12:20:30Zjunk",
            "२०२१-08-25T12:20:30Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad:?}");
        }
    }
}
