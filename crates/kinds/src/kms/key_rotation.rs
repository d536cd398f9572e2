//! `kms_key_rotation`: automatic rotation of the customer managed key that
//! encrypts the log files (CIS 3.6: yearly new key material, old material
//! kept to decrypt what it encrypted). Named like `kms_key_policy`, by the
//! key as the spec names it; an alias is resolved to its key first, because
//! the rotation calls take a key id or ARN only.
//! <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>

use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::enabled;

crate::attributes! {
    pub struct KeyRotation {
        pub enabled: bool,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_bool) == Some(true))
}

impl Kind for KeyRotation {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Key;
    const RULES: Rules = crate::ranked!("enabled", "rotation of the log files' key", rank);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        spec.kms
            .iter()
            .map(|k| {
                let value = KeyRotation {
                    enabled: k.rotation,
                };
                crate::kms::key::of_key(k, Desired::new(k.key.as_str(), value))
            })
            .collect()
    }

    fn import(&self, _name: &str, _cx: &ImportCx<'_>) -> Vec<SpecField> {
        if self.enabled == ctrail_spec::defaults::KMS_KEY_ROTATION {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::KMS_KEY_ROTATION,
            self.enabled,
            "found: automatic rotation off (default on; CIS 3.6)",
        )]
    }
}
