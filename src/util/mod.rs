//! Plumbing with no knowledge of members or ledgers: atomic file writes and
//! a small work-sharing loop.

pub mod atomic;
pub mod parallel;

/// Today's date in UTC: the default `--as-of`.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}
