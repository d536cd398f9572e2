//! Event selector rules (basic and advanced), from CloudTrail's limits.

use super::{Check, Problem};

/// At most 5 basic event selectors per trail.
pub const MAX_BASIC_SELECTORS: usize = 5;
/// At most 250 data resource values across all basic selectors of a trail.
pub const MAX_DATA_RESOURCE_VALUES: usize = 250;
/// At most 500 condition values across all advanced selectors of a trail.
pub const MAX_ADVANCED_VALUES: usize = 500;

/// Data resource types basic selectors accept (others need advanced selectors).
pub const BASIC_DATA_TYPES: &[&str] = &[
    "AWS::S3::Object",
    "AWS::Lambda::Function",
    "AWS::DynamoDB::Table",
];

/// Fields an advanced field selector may name.
pub const ADVANCED_FIELDS: &[&str] = &[
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "errorCode",
    "sessionCredentialFromConsole",
    "userIdentity.arn",
    "vpcEndpointId",
];

/// The event categories a trail's advanced selectors take (CloudTrail API
/// Reference, AdvancedEventSelector; the other categories are for event data
/// stores only).
pub const EVENT_CATEGORIES: &[&str] = &["Management", "Data", "NetworkActivity"];

/// Which fields a trail's advanced selector of one category may use, and
/// which it must, from the CloudTrail API Reference, AdvancedFieldSelector
/// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html):
///
/// > For CloudTrail management events, supported fields include
/// > eventCategory (required), eventSource, and readOnly. [...]
/// > For CloudTrail data events, supported fields include eventCategory
/// > (required), eventName, eventSource, eventType, resources.type
/// > (required), readOnly, resources.ARN, sessionCredentialFromConsole, and
/// > userIdentity.arn.
/// > For CloudTrail network activity events, supported fields include
/// > eventCategory (required), eventSource (required), eventName,
/// > errorCode, and vpcEndpointId.
///
/// The Markdown version of the same page adds "The following additional
/// field is available for trails: userIdentity.arn" to network activity
/// events; the HTML version does not. ctrail accepts it (a newer page is
/// the likelier one), so a selector AWS accepts is never blocked.
pub struct CategoryFields {
    pub category: &'static str,
    pub allowed: &'static [&'static str],
    /// Fields the selector must name with an `equals` condition.
    pub required: &'static [&'static str],
}

pub const CATEGORY_FIELDS: &[CategoryFields] = &[
    CategoryFields {
        category: "Management",
        allowed: MANAGEMENT_FIELDS,
        required: &[],
    },
    CategoryFields {
        category: "Data",
        allowed: &[
            "eventCategory",
            "eventName",
            "eventSource",
            "eventType",
            "resources.type",
            "readOnly",
            "resources.ARN",
            "sessionCredentialFromConsole",
            "userIdentity.arn",
        ],
        required: &["resources.type"],
    },
    CategoryFields {
        category: "NetworkActivity",
        allowed: &[
            "eventCategory",
            "eventSource",
            "eventName",
            "errorCode",
            "vpcEndpointId",
            "userIdentity.arn",
        ],
        required: &["eventSource"],
    },
];

/// Fields allowed when a selector's eventCategory is Management.
pub const MANAGEMENT_FIELDS: &[&str] = &["eventCategory", "readOnly", "eventSource"];

/// The fields of `category` (one of [`EVENT_CATEGORIES`]).
pub fn category_fields(category: &str) -> Option<&'static CategoryFields> {
    CATEGORY_FIELDS.iter().find(|c| c.category == category)
}

/// The only `errorCode` value network activity selectors take (API
/// Reference, AdvancedFieldSelector: "The only valid value for errorCode is
/// VpceAccessDenied").
pub const NETWORK_ERROR_CODES: &[&str] = &["VpceAccessDenied"];

/// Checks one basic data resource value against its type.
pub fn data_resource_value(resource_type: &str, value: &str, partition: &str) -> Check {
    let service = match resource_type {
        "AWS::S3::Object" => "s3",
        "AWS::Lambda::Function" => "lambda",
        "AWS::DynamoDB::Table" => "dynamodb",
        _ => return Ok(()),
    };
    let prefix = format!("arn:{partition}:{service}");
    if !value.starts_with(&prefix) {
        return Err(Problem::new(format!(
            "\"{value}\" is not a {resource_type} ARN (it must start with \"{prefix}\")"
        ))
        .help(format!(
            "use \"{prefix}\" for all resources of this type, or a specific ARN"
        )));
    }
    if service == "s3" && value != prefix && value.matches(':').count() >= 5 {
        let rest = &value[prefix.len()..];
        if !rest.starts_with(":::") {
            return Err(
                Problem::new(format!("\"{value}\" is not an S3 object ARN")).help(
                    "S3 object ARNs look like arn:aws:s3:::bucket/ or arn:aws:s3:::bucket/prefix",
                ),
            );
        }
        if !rest[3..].contains('/') {
            return Err(Problem::new(format!(
                "\"{value}\" names a bucket without a trailing '/'"
            ))
            .help("CloudTrail matches objects: write arn:aws:s3:::bucket/ for every object in the bucket"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_resource_values() {
        assert!(data_resource_value("AWS::S3::Object", "arn:aws:s3", "aws").is_ok());
        assert!(data_resource_value("AWS::S3::Object", "arn:aws:s3:::b/", "aws").is_ok());
        assert!(data_resource_value("AWS::S3::Object", "arn:aws:s3:::b", "aws").is_err());
        assert!(data_resource_value("AWS::Lambda::Function", "arn:aws:s3", "aws").is_err());
    }
}
