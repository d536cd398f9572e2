//! IAM's wildcards: `*` matches any run of characters (none included), `?`
//! exactly one. Used for `Action` (case-insensitive), `Resource`, ARN and
//! `StringLike` matching (case-sensitive).

pub(crate) fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    // Iterative matching with one backtrack point (the last `*`).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches(
            "kms:GenerateDataKey*",
            "kms:GenerateDataKey",
            false
        ));
        assert!(matches(
            "kms:GenerateDataKey*",
            "kms:GenerateDataKeyWithoutPlaintext",
            false
        ));
        assert!(matches("S3:*", "s3:PutObject", true));
        assert!(!matches("s3:Get*", "s3:PutObject", true));
        assert!(matches(
            "arn:aws:s3:::b/AWSLogs/1/*",
            "arn:aws:s3:::b/AWSLogs/1/CloudTrail/x.gz",
            false
        ));
        assert!(!matches(
            "arn:aws:s3:::b/AWSLogs/1/*",
            "arn:aws:s3:::b/AWSLogs/2/x",
            false
        ));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("*", "", false));
        assert!(matches("a*b*c", "aXbYbZc", false));
    }
}
