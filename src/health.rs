//! Connection health as the connected state shows it: how soon the token expires (from the
//! `expires-at` attribute or the date given when connecting) and what a `reconnect` code the host
//! learned from the proxy's `check` means.
//!
//! Pure: the caller supplies the clock and the browser's date parse, so every rule is tested
//! natively.

use azdo_connect_core::ErrorCode;

/// Inside this many days the expiry is shown as a warning.
pub const WARN_WITHIN_DAYS: i64 = 14;

const DAY_MS: f64 = 86_400_000.0;

/// How soon a token expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Whole days left, more than [`WARN_WITHIN_DAYS`].
    Later(i64),
    /// Whole days left, [`WARN_WITHIN_DAYS`] or fewer (0: it expires today).
    Soon(i64),
    /// It has expired.
    Expired,
}

impl Expiry {
    /// The expiry of a token that stops working at `end_ms`, seen at `now_ms` (both
    /// milliseconds since the Unix epoch).
    pub fn at(end_ms: f64, now_ms: f64) -> Expiry {
        // A NaN compares as nothing: expired rather than far away.
        if end_ms.partial_cmp(&now_ms) != Some(std::cmp::Ordering::Greater) {
            return Expiry::Expired;
        }
        // Whole days: a token good until tomorrow evening has 1 day left, not 2.
        let days = ((end_ms - now_ms) / DAY_MS).floor() as i64;
        if days <= WARN_WITHIN_DAYS {
            Expiry::Soon(days)
        } else {
            Expiry::Later(days)
        }
    }

    /// Whether to show it as a warning.
    pub fn is_warning(self) -> bool {
        !matches!(self, Expiry::Later(_))
    }
}

/// When a stored expiry stops working, given the text and the browser's `Date.parse` of it: a
/// bare date (`2027-03-01`, as Azure DevOps shows it) means the token works through that day
/// (UTC); a date-time is exact. `None` when the text is not a date.
pub fn end_of(text: &str, parsed_ms: f64) -> Option<f64> {
    if parsed_ms.is_nan() {
        return None;
    }
    let date_only = text.trim().len() == "2027-03-01".len();
    Some(if date_only {
        parsed_ms + DAY_MS
    } else {
        parsed_ms
    })
}

/// The message key that says what a `reconnect` code means: the contract code's own message, or
/// a generic one for a code this version does not know.
pub fn reconnect_message_key(code: &str) -> String {
    match ErrorCode::ALL.iter().find(|c| c.as_str() == code.trim()) {
        Some(known) => format!("error.{}", known.as_str()),
        None => "reconnect.unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_764_669_600_000.0; // 2025-12-02T10:00:00Z

    #[test]
    fn days_left_warn_inside_two_weeks_and_expire() {
        let days = |n: f64| NOW + n * DAY_MS;
        assert_eq!(Expiry::at(days(30.5), NOW), Expiry::Later(30));
        assert_eq!(Expiry::at(days(15.0), NOW), Expiry::Later(15));
        assert_eq!(Expiry::at(days(14.9), NOW), Expiry::Soon(14));
        assert_eq!(Expiry::at(days(1.2), NOW), Expiry::Soon(1));
        assert_eq!(Expiry::at(days(0.1), NOW), Expiry::Soon(0));
        assert_eq!(Expiry::at(NOW, NOW), Expiry::Expired);
        assert_eq!(Expiry::at(days(-3.0), NOW), Expiry::Expired);
        assert_eq!(Expiry::at(f64::NAN, NOW), Expiry::Expired);
        assert!(!Expiry::Later(15).is_warning());
        assert!(Expiry::Soon(14).is_warning() && Expiry::Expired.is_warning());
    }

    #[test]
    fn a_bare_date_lasts_through_that_day() {
        let midnight = 1_764_633_600_000.0; // Date.parse("2025-12-02")
        assert_eq!(end_of("2025-12-02", midnight), Some(midnight + DAY_MS));
        assert_eq!(
            Expiry::at(end_of("2025-12-02", midnight).unwrap(), NOW),
            Expiry::Soon(0)
        );
        assert_eq!(end_of(" 2025-12-02T00:00:00Z", midnight), Some(midnight));
        assert_eq!(end_of("soon", f64::NAN), None);
    }

    #[test]
    fn reconnect_codes_map_to_their_message_or_a_generic_one() {
        assert_eq!(
            reconnect_message_key("token_expired"),
            "error.token_expired"
        );
        assert_eq!(
            reconnect_message_key(" missing_scopes "),
            "error.missing_scopes"
        );
        assert_eq!(
            reconnect_message_key("token_invalid"),
            "error.token_invalid"
        );
        assert_eq!(reconnect_message_key("gremlins"), "reconnect.unknown");
        assert_eq!(reconnect_message_key(""), "reconnect.unknown");
    }
}
