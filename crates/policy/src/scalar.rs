//! The typed values condition operators compare ("IAM JSON policy elements:
//! Condition operators",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
//! numbers, dates (ISO 8601 or epoch seconds), IP addresses and CIDR
//! blocks, base-64 binary values and ARNs split into their six parts.
//!
//! Every comparison answers `Some(bool)` when both sides are values of the
//! type and `None` when one is not (a request value that is no IP address
//! for `IpAddress`, a policy value that is no ARN for `ArnLike`): such a pair
//! matches neither the operator nor its negation.

use std::cmp::Ordering;
use std::net::IpAddr;

use crate::glob;

/// A number as the Numeric operators read it (integers and decimals).
pub(crate) fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(crate) fn compare_numbers(policy: &str, sent: &str) -> Option<Ordering> {
    let (p, s) = (number(policy)?, number(sent)?);
    s.partial_cmp(&p)
}

/// A date as milliseconds since the epoch. The Date operators take the W3C
/// profile of ISO 8601 (`2026-01-01`, `2026-01-01T00:00:00Z`, with
/// fractional seconds or an offset) or epoch (UNIX) seconds.
pub(crate) fn date_millis(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut ymd = date.split('-');
    let year: i64 = digits(ymd.next()?, 4)?;
    let month: i64 = digits(ymd.next()?, 2)?;
    let day: i64 = digits(ymd.next()?, 2)?;
    if ymd.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    if let Some(t) = time {
        // Offset: Z, +hh:mm or -hh:mm; none read as UTC.
        let (clock, offset_min) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, 0)
        } else if let Some(i) = t.rfind(['+', '-']) {
            let (c, o) = t.split_at(i);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':').unwrap_or((&o[1..], "00"));
            (c, sign * (digits(h, 2)? * 60 + digits(m, 2)?))
        } else {
            (t, 0)
        };
        let mut hms = clock.split(':');
        let h: i64 = digits(hms.next()?, 2)?;
        let m: i64 = digits(hms.next()?, 2)?;
        let (sec, frac) = match hms.next() {
            Some(sec) => match sec.split_once('.') {
                Some((s, f)) => (digits(s, 2)?, frac_millis(f)?),
                None => (digits(sec, 2)?, 0),
            },
            None => (0, 0),
        };
        if hms.next().is_some() || h > 24 || m > 59 || sec > 60 {
            return None;
        }
        millis += ((h * 60 + m - offset_min) * 60 + sec) * 1000 + frac;
    }
    Some(millis)
}

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn frac_millis(f: &str) -> Option<i64> {
    if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let three: String = f.chars().chain("000".chars()).take(3).collect();
    three.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn compare_dates(policy: &str, sent: &str) -> Option<Ordering> {
    Some(date_millis(sent)?.cmp(&date_millis(policy)?))
}

/// Whether `sent` (an IP address) lies in `policy` (a CIDR block, or one
/// address). An IPv4 block never holds an IPv6 address and the other way
/// round: that is an answer (false), not an error.
pub(crate) fn ip_in(policy: &str, sent: &str) -> Option<bool> {
    let sent: IpAddr = sent.trim().parse().ok()?;
    let (net, bits) = match policy.trim().split_once('/') {
        Some((n, b)) => (n.parse::<IpAddr>().ok()?, Some(b.parse::<u32>().ok()?)),
        None => (policy.trim().parse::<IpAddr>().ok()?, None),
    };
    // Both addresses as numbers of the family's width in bits.
    let (net, sent, width) = match (net, sent) {
        (IpAddr::V4(n), IpAddr::V4(s)) => (u32::from(n).into(), u32::from(s).into(), 32),
        (IpAddr::V6(n), IpAddr::V6(s)) => (u128::from(n), u128::from(s), 128),
        _ => return Some(false),
    };
    let bits = bits.unwrap_or(width);
    if bits > width {
        return None;
    }
    // The first `bits` bits of each: none for /0.
    let prefix = |a: u128| a.checked_shr(width - bits).unwrap_or(0);
    Some(prefix(net) == prefix(sent))
}

/// Standard base-64 (RFC 4648, padded) decoded.
pub(crate) fn base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let bytes = s.as_bytes();
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let last = i + 1 == bytes.len() / 4;
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for c in &chunk[..4 - pad] {
            n = n << 6 | value(*c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

/// `ArnEquals` / `ArnLike`: "each of the six colon-delimited components of
/// the ARN is checked separately and each can include multi-character match
/// wildcards (*) or single-character match wildcards (?)" (Condition
/// operators, ARN condition operators). The sixth part, the resource, is
/// the rest of the ARN and may itself hold colons; a `*` in an earlier part
/// never crosses a `:`.
pub(crate) fn arn_like(policy: &str, sent: &str) -> Option<bool> {
    let (p, s) = (arn_parts(policy)?, arn_parts(sent)?);
    Some(p.iter().zip(&s).all(|(p, s)| glob::matches(p, s, false)))
}

fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    (parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(compare_numbers("10", "10.0"), Some(Ordering::Equal));
        assert_eq!(compare_numbers("2.5", "3"), Some(Ordering::Greater));
        assert_eq!(compare_numbers("10", "ten"), None);
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(date_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(date_millis("2026-01-01T00:00:00Z"), Some(1_767_225_600_000));
        assert_eq!(date_millis("2026-01-01"), date_millis("1767225600"));
        assert_eq!(
            date_millis("2026-01-01T01:00:00+01:00"),
            date_millis("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            date_millis("2026-01-01T00:00:00.5Z"),
            Some(1_767_225_600_500)
        );
        assert_eq!(date_millis("yesterday"), None);
        assert_eq!(date_millis("2026-13-01"), None);
    }

    #[test]
    fn ip_blocks_v4_and_v6() {
        assert_eq!(ip_in("10.0.0.0/8", "10.200.1.1"), Some(true));
        assert_eq!(ip_in("10.0.0.0/8", "11.0.0.1"), Some(false));
        assert_eq!(ip_in("203.0.113.7", "203.0.113.7"), Some(true));
        assert_eq!(ip_in("0.0.0.0/0", "1.2.3.4"), Some(true));
        assert_eq!(ip_in("2001:db8::/32", "2001:db8:ffff::1"), Some(true));
        assert_eq!(ip_in("2001:db8::/32", "2001:db9::1"), Some(false));
        assert_eq!(ip_in("10.0.0.0/8", "2001:db8::1"), Some(false));
        assert_eq!(ip_in("10.0.0.0/8", "not-an-ip"), None);
        assert_eq!(ip_in("10.0.0.0/33", "10.0.0.1"), None);
    }

    #[test]
    fn base64_values() {
        assert_eq!(base64("QUJD"), Some(b"ABC".to_vec()));
        assert_eq!(base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64("aGVsbG8"), None);
        assert_eq!(base64("a=GV"), None);
    }

    #[test]
    fn arn_parts_match_separately() {
        let p = "arn:aws:cloudtrail:*:111122223333:trail/*";
        assert_eq!(
            arn_like(p, "arn:aws:cloudtrail:us-east-1:111122223333:trail/a:b"),
            Some(true)
        );
        // The `*` of the region does not swallow `us-east-1:x`.
        assert_eq!(
            arn_like(p, "arn:aws:cloudtrail:us-east-1:x:111122223333:trail/t"),
            Some(false)
        );
        assert_eq!(arn_like("*", "arn:aws:s3:::b"), None);
        assert_eq!(arn_like("arn:aws:s3:::*", "arn:aws:s3:::b"), Some(true));
    }
}
