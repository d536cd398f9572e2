//! Names and values CloudWatch and SNS accept for metric filters, alarms,
//! alert topics and saved queries.

use super::{Check, Problem};

pub const STATISTICS: &[&str] = &["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
pub const COMPARISONS: &[&str] = &[
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
];
pub const TREAT_MISSING_DATA: &[&str] = &["breaching", "notBreaching", "ignore", "missing"];

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Check {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(
        Problem::new(format!("\"{value}\" is not a CloudWatch {what}"))
            .help(format!("allowed: {}", allowed.join(", "))),
    )
}

pub fn statistic(s: &str) -> Check {
    one_of("statistic", s, STATISTICS)
}

pub fn comparison(s: &str) -> Check {
    one_of("comparison operator", s, COMPARISONS)
}

pub fn treat_missing_data(s: &str) -> Check {
    one_of("treat_missing_data value", s, TREAT_MISSING_DATA)
}

/// PutMetricAlarm: 10, 20 or 30 seconds (high resolution), or a multiple of 60.
pub fn period(seconds: u32) -> Check {
    if [10, 20, 30].contains(&seconds) || (seconds >= 60 && seconds.is_multiple_of(60)) {
        return Ok(());
    }
    Err(Problem::new(format!(
        "CloudWatch does not accept a period of {seconds} seconds"
    ))
    .help("use 10, 20, 30 or a multiple of 60 (300 is five minutes)"))
}

/// The evaluation window: at most one day for periods under an hour, seven
/// days otherwise.
pub fn evaluation_window(period: u32, evaluation_periods: u32) -> Check {
    let window = u64::from(period) * u64::from(evaluation_periods);
    let max = if period >= 3600 { 7 * 86_400 } else { 86_400 };
    if window <= max {
        return Ok(());
    }
    Err(Problem::new(format!(
        "period x evaluation_periods is {window} seconds; CloudWatch allows at most {max}"
    ))
    .help("fewer evaluation periods, or a longer period"))
}

fn name_rule(what: &str, name: &str, max: usize, forbidden: &str) -> Check {
    let len = name.chars().count();
    if len == 0 || len > max {
        return Err(Problem::new(format!("{what} is {len} characters long"))
            .help(format!("{what}s are 1-{max} characters")));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || forbidden.contains(*c))
    {
        return Err(
            Problem::new(format!("{what} \"{name}\" contains {c:?}")).help(format!(
                "{what}s may not contain control characters{}",
                if forbidden.is_empty() {
                    String::new()
                } else {
                    format!(" or any of {forbidden}")
                }
            )),
        );
    }
    Ok(())
}

/// `name(value)`: CloudWatch's rule for one kind of name: what it is
/// called, how long it may be, and which characters it may not hold (nor
/// control characters).
macro_rules! name_rules {
    ($($name:ident: $what:literal, $max:literal, $forbidden:literal;)*) => {
        $(pub fn $name(name: &str) -> Check {
            name_rule($what, name, $max, $forbidden)
        })*
    };
}

name_rules! {
    filter_name: "metric filter name", 512, ":*";
    metric_name: "metric name", 255, ":$";
    alarm_name: "alarm name", 255, "";
    query_name: "query name", 255, "";
}

pub fn namespace(ns: &str) -> Check {
    name_rule("metric namespace", ns, 255, ":$*")?;
    if ns.starts_with("AWS/") {
        return Err(
            Problem::new(format!("namespace \"{ns}\" is reserved for AWS services"))
                .help("use your own, e.g. CloudTrailMetrics"),
        );
    }
    Ok(())
}

/// SNS topic names: 1-256 letters, digits, hyphens and underscores.
pub fn topic_name(name: &str) -> Check {
    let ok = !name.is_empty()
        && name.len() <= 256
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(Problem::new(format!("\"{name}\" is not an SNS topic name"))
        .help("1-256 letters, digits, hyphens and underscores (or give the topic's ARN)"))
}

pub fn topic_arn(arn: &str) -> Check {
    let parts: Vec<&str> = arn.split(':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "sns"
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && topic_name(parts[5]).is_ok();
    if ok {
        return Ok(());
    }
    Err(Problem::new(format!("\"{arn}\" is not an SNS topic ARN"))
        .help("arn:aws:sns:<region>:<account id>:<topic name>"))
}

/// An alarm action: an SNS topic ARN (the alert topic is added for you).
pub fn action_arn(arn: &str) -> Check {
    topic_arn(arn).map_err(|p| p.help("alarm actions here are SNS topic ARNs"))
}

pub fn email(address: &str) -> Check {
    let ok = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        return Ok(());
    }
    Err(
        Problem::new(format!("\"{address}\" is not an email address"))
            .help("SNS sends a confirmation link to each address, e.g. secops@example.com"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_values() {
        assert!(period(300).is_ok() && period(10).is_ok());
        assert!(period(45).is_err() && period(0).is_err());
        assert!(evaluation_window(300, 288).is_ok());
        assert!(evaluation_window(300, 289).is_err());
        assert!(evaluation_window(3600, 168).is_ok());
        assert!(statistic("Sum").is_ok() && statistic("sum").is_err());
        assert!(comparison("GreaterThanOrEqualToThreshold").is_ok());
        assert!(comparison(">=").is_err());
    }

    #[test]
    fn names_and_addresses() {
        assert!(filter_name("RootUsage").is_ok() && filter_name("a:b").is_err());
        assert!(namespace("CloudTrailMetrics").is_ok() && namespace("AWS/Logs").is_err());
        assert!(topic_arn("arn:aws:sns:us-east-1:123456789012:security-alerts").is_ok());
        assert!(topic_arn("arn:aws:sqs:us-east-1:123456789012:q").is_err());
        assert!(email("secops@example.com").is_ok());
        assert!(email("secops").is_err() && email("a@b").is_err());
    }
}
