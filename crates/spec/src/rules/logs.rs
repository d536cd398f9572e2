//! CloudWatch Logs rules: log group names and retention values.

use super::{Check, Problem};

/// The retention values PutRetentionPolicy accepts.
pub const RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub fn retention_days(days: u32) -> Check {
    if RETENTION_DAYS.contains(&days) {
        return Ok(());
    }
    let list: Vec<String> = RETENTION_DAYS.iter().map(u32::to_string).collect();
    Err(Problem::new(format!(
        "CloudWatch Logs does not accept a retention of {days} days"
    ))
    .help(format!("allowed: {}, or \"never\"", list.join(", "))))
}

pub fn log_group_name(name: &str) -> Check {
    const RULES: &str = "log group names are 1-512 characters of letters, digits and _ - / . #";
    if name.is_empty() || name.chars().count() > 512 {
        return Err(Problem::new(format!(
            "log group name is {} characters long",
            name.chars().count()
        ))
        .help(RULES));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-/.#".contains(*c)))
    {
        return Err(Problem::new(format!("log group name \"{name}\" contains '{c}'")).help(RULES));
    }
    if name.starts_with("aws/") {
        return Err(Problem::new(format!(
            "log group name \"{name}\" starts with \"aws/\", which AWS reserves for its own services"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_and_names() {
        assert!(retention_days(90).is_ok());
        assert!(retention_days(45).is_err());
        assert!(log_group_name("CloudTrail/APILogs").is_ok());
        assert!(log_group_name("has space").is_err());
        assert!(log_group_name("").is_err());
    }
}
