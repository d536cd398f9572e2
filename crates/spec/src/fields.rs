//! Where a value goes in a spec: a key of the top level or of one of its
//! sections, named by a constant and checked against the sections' shapes
//! (`shape::Object`), so that a misspelt field fails this module's tests.
//! `ctrail import` writes the values the kinds find at these places.

use crate::shape::{Field, Object, Ty};

/// A mapping of the spec that holds fields, in the order a spec is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Top,
    Trail,
    Bucket,
    CloudwatchLogs,
    Monitoring,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Top,
        Section::Trail,
        Section::Bucket,
        Section::CloudwatchLogs,
        Section::Monitoring,
    ];

    /// The section's key at the top level (`None` for the top level).
    pub fn key(self) -> Option<&'static str> {
        match self {
            Section::Top => None,
            Section::Trail => Some("trail"),
            Section::Bucket => Some("bucket"),
            Section::CloudwatchLogs => Some("cloudwatch_logs"),
            Section::Monitoring => Some("monitoring"),
        }
    }

    /// The section's shape, from the top level's.
    pub fn shape(self) -> Option<&'static Object> {
        let top = &crate::sections::SHAPE;
        let Some(key) = self.key() else {
            return Some(top);
        };
        match top.fields.iter().find(|f| f.name == key)?.ty {
            Ty::Object(o) | Ty::OffOr(o) => Some(o),
            _ => None,
        }
    }
}

/// One field of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath {
    pub section: Section,
    pub key: &'static str,
}

impl FieldPath {
    const fn new(section: Section, key: &'static str) -> Self {
        FieldPath { section, key }
    }

    /// The field as its section's shape declares it; `None` for a field
    /// no section has (which this module's tests refuse).
    pub fn shape(&self) -> Option<&'static Field> {
        self.section
            .shape()?
            .fields
            .iter()
            .find(|f| f.name == self.key)
    }

    /// Whether the field holds a list (its values are written as items).
    pub fn is_list(&self) -> bool {
        matches!(self.shape().map(|f| f.ty), Some(Ty::List(..)))
    }

    /// The field's dotted path, as diagnostics write it.
    pub fn dotted(&self) -> String {
        match self.section.key() {
            Some(s) => format!("{s}.{}", self.key),
            None => self.key.to_owned(),
        }
    }
}

macro_rules! fields {
    ($($name:ident => $section:ident . $key:literal,)*) => {
        $(pub const $name: FieldPath = FieldPath::new(Section::$section, $key);)*

        /// Every field named here.
        pub const ALL: &[FieldPath] = &[$($name,)*];
    };
}

fields! {
    TAGS => Top."tags",
    KMS_KEY_ID => Top."kms_key_id",
    MANAGE_KMS_KEY_POLICY => Top."manage_kms_key_policy",
    KMS_KEY_ROTATION => Top."kms_key_rotation",
    CLOUDWATCH_LOGS => Top."cloudwatch_logs",
    TRAIL_NAME => Trail."name",
    TRAIL_MULTI_REGION => Trail."multi_region",
    TRAIL_INCLUDE_GLOBAL_SERVICE_EVENTS => Trail."include_global_service_events",
    TRAIL_LOG_FILE_VALIDATION => Trail."log_file_validation",
    TRAIL_LOGGING => Trail."logging",
    TRAIL_ORGANIZATION => Trail."organization",
    TRAIL_S3_KEY_PREFIX => Trail."s3_key_prefix",
    TRAIL_SNS_TOPIC => Trail."sns_topic",
    TRAIL_DATA_EVENTS => Trail."data_events",
    TRAIL_EVENT_SELECTORS => Trail."event_selectors",
    TRAIL_ADVANCED_EVENT_SELECTORS => Trail."advanced_event_selectors",
    TRAIL_INSIGHTS => Trail."insights",
    TRAIL_RECURSIVE_LOGGING => Trail."recursive_logging",
    BUCKET_NAME => Bucket."name",
    BUCKET_VERSIONING => Bucket."versioning",
    BUCKET_PUBLIC_ACCESS_BLOCK => Bucket."public_access_block",
    BUCKET_BUCKET_KEY => Bucket."bucket_key",
    BUCKET_SSE_KMS => Bucket."sse_kms",
    BUCKET_LIFECYCLE => Bucket."lifecycle",
    BUCKET_POLICY => Bucket."policy",
    BUCKET_OBJECT_OWNERSHIP => Bucket."object_ownership",
    BUCKET_ACCESS_LOGGING => Bucket."access_logging",
    LOGS_LOG_GROUP => CloudwatchLogs."log_group",
    LOGS_RETENTION_DAYS => CloudwatchLogs."retention_days",
    LOGS_ROLE_NAME => CloudwatchLogs."role_name",
    LOGS_ENCRYPTED => CloudwatchLogs."encrypted",
    LOGS_ROLE_POLICY => CloudwatchLogs."role_policy",
    LOGS_ROLE_POLICY_NAME => CloudwatchLogs."role_policy_name",
    MONITORING_ALERT_TOPIC => Monitoring."alert_topic",
    MONITORING_METRIC_FILTERS => Monitoring."metric_filters",
    MONITORING_QUERIES => Monitoring."queries",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_named_is_in_its_sections_shape() {
        for section in Section::ALL {
            assert!(section.shape().is_some(), "{section:?} has no shape");
        }
        for field in ALL {
            assert!(field.shape().is_some(), "{} is in no shape", field.dotted());
        }
        let misspelt = FieldPath::new(Section::Trail, "multiregion");
        assert!(misspelt.shape().is_none());
    }

    #[test]
    fn list_fields_are_known_by_their_shape() {
        assert!(MONITORING_METRIC_FILTERS.is_list());
        assert!(MONITORING_QUERIES.is_list());
        assert!(!TRAIL_INSIGHTS.is_list(), "true, false or a list");
        assert_eq!(TRAIL_MULTI_REGION.dotted(), "trail.multi_region");
        assert_eq!(KMS_KEY_ID.dotted(), "kms_key_id");
    }
}
