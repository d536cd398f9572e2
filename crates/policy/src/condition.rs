//! One condition (operator, key, values) judged against the values a request
//! sends for the key.
//!
//! Sources, IAM User Guide:
//! - "IAM JSON policy elements: Condition operators"
//!   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
//!   the String, Numeric, Date, Bool, Binary, IpAddress and Arn operators,
//!   `...IfExists` ("If the key is not present, evaluate the condition
//!   element as true"; not for `Null`) and `Null`; a key missing from the
//!   request makes an operator false and a negated one (`StringNotLike`,
//!   `ArnNotLike`, ...) true.
//! - "Single-valued vs. multivalued context keys"
//!   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
//!   `ForAllValues:` is true when every value the request sends matches, and
//!   when the key is absent; `ForAnyValue:` when at least one does, and false
//!   when the key is absent. A negated operator is applied to each request
//!   value: `ForAnyValue:StringNotEquals` holds when some value the request
//!   sends equals none of the policy's values. The page says multivalued keys
//!   require a set operator and leaves a plain operator on several values
//!   open; ctrail counts it unmet, as iam-simulate does (its author reports
//!   it so confirmed by AWS); ctrail's own requests send one value a key.
//! - `ForAnyValue:...IfExists` on an absent key: the pages leave the
//!   combination open; AWS was observed to deny with
//!   `ForAnyValue:StringEqualsIfExists` and no key
//!   (https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w/foranyvalue-stringequalsifexists-behaving-unexpectedly),
//!   and iam-simulate agrees: false.
//! - "IAM JSON policy elements: Condition", multiple values for one key are
//!   ORed: `Null` with `["true", "false"]` always holds.

use std::cmp::Ordering;

use crate::document::Condition;
use crate::glob;
use crate::scalar;

/// A condition's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    Holds,
    Fails,
    /// The operator is one ctrail does not know.
    Unknown,
}

impl From<bool> for Truth {
    fn from(b: bool) -> Self {
        if b { Truth::Holds } else { Truth::Fails }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    None,
    AnyValue,
    AllValues,
}

/// The comparison an operator makes, before negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Arn,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, o: Ordering) -> bool {
        match self {
            Cmp::Eq => o == Ordering::Equal,
            Cmp::Lt => o == Ordering::Less,
            Cmp::Le => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Ge => o != Ordering::Less,
        }
    }
}

/// The operator name without its set prefix and `IfExists` suffix, as a
/// test and whether it is negated.
fn base(name: &str) -> Option<(Test, bool)> {
    use Cmp::*;
    let ordered = |family: fn(Cmp) -> Test, rest: &str| -> Option<(Test, bool)> {
        Some(match rest {
            "Equals" => (family(Eq), false),
            "NotEquals" => (family(Eq), true),
            "LessThan" => (family(Lt), false),
            "LessThanEquals" => (family(Le), false),
            "GreaterThan" => (family(Gt), false),
            "GreaterThanEquals" => (family(Ge), false),
            _ => return None,
        })
    };
    if let Some(rest) = name.strip_prefix("Numeric") {
        return ordered(Test::Numeric, rest);
    }
    if let Some(rest) = name.strip_prefix("Date") {
        return ordered(Test::Date, rest);
    }
    Some(match name {
        "StringEquals" => (Test::StringEquals, false),
        "StringNotEquals" => (Test::StringEquals, true),
        "StringEqualsIgnoreCase" => (Test::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Test::StringEqualsIgnoreCase, true),
        "StringLike" => (Test::StringLike, false),
        "StringNotLike" => (Test::StringLike, true),
        // ArnEquals and ArnLike behave the same: both take wildcards.
        "ArnEquals" | "ArnLike" => (Test::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Test::Arn, true),
        "Bool" => (Test::Bool, false),
        "BinaryEquals" => (Test::Binary, false),
        "IpAddress" => (Test::Ip, false),
        "NotIpAddress" => (Test::Ip, true),
        _ => return None,
    })
}

/// One policy value against one request value: `None` when they are not
/// both values of the operator's type.
fn compare(test: Test, policy: &str, sent: &str) -> Option<bool> {
    match test {
        Test::StringEquals => Some(policy == sent),
        Test::StringEqualsIgnoreCase => Some(policy.to_lowercase() == sent.to_lowercase()),
        Test::StringLike => Some(glob::matches(policy, sent, false)),
        Test::Arn => scalar::arn_like(policy, sent),
        Test::Numeric(c) => scalar::compare_numbers(policy, sent).map(|o| c.holds(o)),
        Test::Date(c) => scalar::compare_dates(policy, sent).map(|o| c.holds(o)),
        Test::Bool => {
            let b = |s: &str| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
            (b(policy) && b(sent)).then(|| policy.eq_ignore_ascii_case(sent))
        }
        Test::Binary => Some(scalar::base64(policy)? == scalar::base64(sent)?),
        Test::Ip => scalar::ip_in(policy, sent),
    }
}

enum Parsed {
    Null,
    Op {
        set: Set,
        test: Test,
        negated: bool,
        if_exists: bool,
    },
}

fn parse(operator: &str) -> Option<Parsed> {
    let (set, rest) = match operator.split_once(':') {
        Some(("ForAnyValue", rest)) => (Set::AnyValue, rest),
        Some(("ForAllValues", rest)) => (Set::AllValues, rest),
        Some(_) => return None,
        None => (Set::None, operator),
    };
    if rest == "Null" {
        return Some(Parsed::Null);
    }
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let (test, negated) = base(name)?;
    Some(Parsed::Op {
        set,
        test,
        negated,
        if_exists,
    })
}

/// The condition judged against what the request sends for its key
/// (`None`: the key is absent).
pub(crate) fn judge(c: &Condition, sent: Option<&[String]>) -> Truth {
    let Some(parsed) = parse(&c.operator) else {
        // "...IfExists": if the key is not present, the condition is true,
        // whatever the operator ("Condition operators", "...IfExists
        // condition operators"); ForAnyValue on an absent key stays false.
        // Null has no IfExists form: `NullIfExists` is no operator at all.
        let any_value = c.operator.starts_with("ForAnyValue:");
        let null = c.operator.rsplit(':').next() == Some("NullIfExists");
        if sent.is_none() && c.operator.ends_with("IfExists") && !any_value && !null {
            return Truth::Holds;
        }
        return Truth::Unknown;
    };
    let (set, test, negated, if_exists) = match parsed {
        Parsed::Null => {
            let goal = if sent.is_none() { "true" } else { "false" };
            return c.values.iter().any(|v| v.eq_ignore_ascii_case(goal)).into();
        }
        Parsed::Op {
            set,
            test,
            negated,
            if_exists,
        } => (set, test, negated, if_exists),
    };
    let Some(sent) = sent else {
        return match set {
            Set::AnyValue => Truth::Fails,
            _ if if_exists => Truth::Holds,
            Set::AllValues => Truth::Holds,
            Set::None => negated.into(),
        };
    };
    // One request value: a positive operator matches when some policy value
    // matches it; a negated one when it matches none of them (and each pair
    // is comparable).
    let one = |v: &String| {
        if negated {
            c.values.iter().all(|p| compare(test, p, v) == Some(false))
        } else {
            c.values.iter().any(|p| compare(test, p, v) == Some(true))
        }
    };
    match set {
        Set::None => (sent.len() == 1 && one(&sent[0])).into(),
        Set::AnyValue => sent.iter().any(one).into(),
        Set::AllValues => sent.iter().all(one).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, values: &[&str]) -> Condition {
        Condition {
            operator: op.into(),
            key: "k".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn sent(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn holds(op: &str, values: &[&str], request: Option<&[&str]>) -> Truth {
        let r = request.map(sent);
        judge(&cond(op, values), r.as_deref())
    }

    use Truth::{Fails, Holds, Unknown};

    #[test]
    fn ip_address_and_its_negation() {
        assert_eq!(
            holds("IpAddress", &["10.0.0.0/8"], Some(&["10.1.2.3"])),
            Holds
        );
        assert_eq!(
            holds("IpAddress", &["10.0.0.0/8"], Some(&["11.1.2.3"])),
            Fails
        );
        assert_eq!(
            holds("IpAddress", &["2001:db8::/32"], Some(&["2001:db8::7"])),
            Holds
        );
        assert_eq!(
            holds("NotIpAddress", &["10.0.0.0/8"], Some(&["11.1.2.3"])),
            Holds
        );
        assert_eq!(
            holds(
                "NotIpAddress",
                &["10.0.0.0/8", "11.0.0.0/8"],
                Some(&["11.1.2.3"])
            ),
            Fails
        );
        // A service's request carries no aws:SourceIp: the negation holds.
        assert_eq!(holds("NotIpAddress", &["10.0.0.0/8"], None), Holds);
        assert_eq!(holds("IpAddress", &["10.0.0.0/8"], None), Fails);
    }

    #[test]
    fn numeric_operators() {
        let ten = Some(&["10"][..]);
        assert_eq!(holds("NumericEquals", &["10.0"], ten), Holds);
        assert_eq!(holds("NumericEquals", &["11"], ten), Fails);
        assert_eq!(holds("NumericNotEquals", &["11"], ten), Holds);
        assert_eq!(holds("NumericNotEquals", &["10"], ten), Fails);
        assert_eq!(holds("NumericLessThan", &["11"], ten), Holds);
        assert_eq!(holds("NumericLessThan", &["10"], ten), Fails);
        assert_eq!(holds("NumericLessThanEquals", &["10"], ten), Holds);
        assert_eq!(holds("NumericLessThanEquals", &["9.5"], ten), Fails);
        assert_eq!(holds("NumericGreaterThan", &["9"], ten), Holds);
        assert_eq!(holds("NumericGreaterThan", &["10"], ten), Fails);
        assert_eq!(holds("NumericGreaterThanEquals", &["10"], ten), Holds);
        assert_eq!(holds("NumericGreaterThanEquals", &["10.5"], ten), Fails);
        assert_eq!(holds("NumericEquals", &["10"], Some(&["ten"])), Fails);
        assert_eq!(holds("NumericNotEquals", &["10"], Some(&["ten"])), Fails);
    }

    #[test]
    fn date_operators_iso_and_epoch() {
        let new_year = Some(&["2026-01-01T00:00:00Z"][..]);
        assert_eq!(holds("DateEquals", &["1767225600"], new_year), Holds);
        assert_eq!(holds("DateEquals", &["2026-01-02"], new_year), Fails);
        assert_eq!(holds("DateNotEquals", &["2026-01-02"], new_year), Holds);
        assert_eq!(holds("DateNotEquals", &["2026-01-01"], new_year), Fails);
        assert_eq!(
            holds("DateLessThan", &["2026-01-01T00:00:01Z"], new_year),
            Holds
        );
        assert_eq!(holds("DateLessThan", &["2026-01-01"], new_year), Fails);
        assert_eq!(
            holds("DateLessThanEquals", &["2026-01-01"], new_year),
            Holds
        );
        assert_eq!(
            holds("DateLessThanEquals", &["2025-12-31"], new_year),
            Fails
        );
        assert_eq!(
            holds("DateGreaterThan", &["2025-12-31T23:59:59Z"], new_year),
            Holds
        );
        assert_eq!(holds("DateGreaterThan", &["1767225600"], new_year), Fails);
        assert_eq!(
            holds("DateGreaterThanEquals", &["1767225600"], new_year),
            Holds
        );
        assert_eq!(
            holds("DateGreaterThanEquals", &["2026-06-01"], new_year),
            Fails
        );
    }

    #[test]
    fn binary_and_bool() {
        assert_eq!(holds("BinaryEquals", &["QUJD"], Some(&["QUJD"])), Holds);
        assert_eq!(holds("BinaryEquals", &["QUJD"], Some(&["QUJE"])), Fails);
        assert_eq!(holds("Bool", &["TRUE"], Some(&["true"])), Holds);
        assert_eq!(holds("Bool", &["true"], Some(&["false"])), Fails);
    }

    #[test]
    fn if_exists_is_true_on_an_absent_key_before_the_operator() {
        assert_eq!(holds("StringEqualsIfExists", &["a"], None), Holds);
        assert_eq!(holds("NumericLessThanIfExists", &["1"], None), Holds);
        assert_eq!(
            holds("DateGreaterThanIfExists", &["2026-01-01"], None),
            Holds
        );
        assert_eq!(holds("StringEqualsIfExists", &["a"], Some(&["b"])), Fails);
        assert_eq!(holds("BoolIfExists", &["false"], Some(&["false"])), Holds);
        // Null has no IfExists form.
        assert_eq!(holds("NullIfExists", &["true"], None), Unknown);
        assert_eq!(holds("Null", &["true"], None), Holds);
        assert_eq!(holds("Null", &["true"], Some(&["x"])), Fails);
        assert_eq!(holds("Null", &["true", "false"], Some(&["x"])), Holds);
    }

    #[test]
    fn set_operators_and_absent_keys() {
        assert_eq!(holds("ForAnyValue:StringEquals", &["a"], None), Fails);
        assert_eq!(
            holds("ForAnyValue:StringEqualsIfExists", &["a"], None),
            Fails
        );
        assert_eq!(holds("ForAllValues:StringEquals", &["a"], None), Holds);
        assert_eq!(
            holds("ForAnyValue:StringEquals", &["a"], Some(&["b", "a"])),
            Holds
        );
        assert_eq!(
            holds("ForAllValues:StringEquals", &["a"], Some(&["b", "a"])),
            Fails
        );
        assert_eq!(
            holds("ForAllValues:StringEquals", &["a", "b"], Some(&["b", "a"])),
            Holds
        );
    }

    #[test]
    fn negated_set_operators_compare_value_by_value() {
        // Some value ("b") equals none of the policy's values.
        assert_eq!(
            holds("ForAnyValue:StringNotEquals", &["a"], Some(&["a", "b"])),
            Holds
        );
        assert_eq!(
            holds(
                "ForAnyValue:StringNotEquals",
                &["a", "b"],
                Some(&["a", "b"])
            ),
            Fails
        );
        assert_eq!(
            holds("ForAllValues:StringNotLike", &["a*"], Some(&["b", "c"])),
            Holds
        );
        assert_eq!(
            holds("ForAllValues:StringNotLike", &["a*"], Some(&["b", "ab"])),
            Fails
        );
        // A plain operator reads one value; several need a set operator.
        assert_eq!(holds("StringNotEquals", &["a"], Some(&["b", "c"])), Fails);
        assert_eq!(holds("StringEquals", &["a"], Some(&["a", "c"])), Fails);
    }

    #[test]
    fn arn_operators_match_part_by_part() {
        let p = &["arn:aws:cloudtrail:*:111122223333:trail/*"][..];
        let ok = Some(&["arn:aws:cloudtrail:us-east-1:111122223333:trail/t"][..]);
        let crossing = Some(&["arn:aws:cloudtrail:us-east-1:x:111122223333:trail/t"][..]);
        assert_eq!(holds("ArnLike", p, ok), Holds);
        assert_eq!(holds("ArnLike", p, crossing), Fails);
        assert_eq!(holds("ArnEquals", p, ok), Holds);
        assert_eq!(holds("ArnNotLike", p, crossing), Holds);
        assert_eq!(holds("ArnNotLike", p, ok), Fails);
        assert_eq!(holds("ArnNotEquals", p, crossing), Holds);
    }

    #[test]
    fn unknown_operators() {
        assert_eq!(holds("StringSortOf", &["a"], Some(&["a"])), Unknown);
        assert_eq!(
            holds("ForSomeValues:StringEquals", &["a"], Some(&["a"])),
            Unknown
        );
    }
}
