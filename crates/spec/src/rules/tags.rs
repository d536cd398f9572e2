//! Tag rules shared by S3, IAM, CloudWatch Logs, CloudTrail and SNS.

use super::{Check, Problem};

/// CloudTrail and IAM allow 50 tags per resource; S3 allows 50 too.
pub const MAX_TAGS: usize = 50;

fn allowed_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

pub fn key(k: &str) -> Check {
    let len = k.chars().count();
    if !(1..=128).contains(&len) {
        return Err(
            Problem::new(format!("tag key \"{k}\" is {len} characters long"))
                .help("tag keys are 1-128 characters"),
        );
    }
    if k.to_ascii_lowercase().starts_with("aws:") {
        return Err(
            Problem::new(format!("tag key \"{k}\" uses the reserved prefix \"aws:\""))
                .help("keys starting with aws: are reserved for AWS"),
        );
    }
    if let Some(c) = k.chars().find(|c| !allowed_char(*c)) {
        return Err(Problem::new(format!("tag key \"{k}\" contains '{c}'"))
            .help("tags use letters, digits, spaces and _ . : / = + - @"));
    }
    Ok(())
}

pub fn value(v: &str) -> Check {
    let len = v.chars().count();
    if len > 256 {
        return Err(Problem::new(format!("tag value is {len} characters long"))
            .help("tag values are at most 256 characters"));
    }
    if let Some(c) = v.chars().find(|c| !allowed_char(*c)) {
        return Err(Problem::new(format!("tag value \"{v}\" contains '{c}'"))
            .help("tags use letters, digits, spaces and _ . : / = + - @"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert!(key("CostCenter").is_ok());
        assert!(key("aws:foo").is_err());
        assert!(key("AWS:foo").is_err());
        assert!(key("").is_err());
        assert!(value("IT-001").is_ok());
        assert!(value(&"v".repeat(257)).is_err());
        assert!(value("a;b").is_err());
    }
}
