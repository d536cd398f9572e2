//! What every resource kind declares: its typed attributes (the type itself),
//! how the spec implies it, and its rules. The AWS side (read, put, delete)
//! is `crate::aws::Api`.

use ctrail_model::{Address, AttributeChange, EdgeReason, Place, ResourceKind, Variant};
use ctrail_spec::Spec;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::import::{ImportCx, SpecField};
use crate::policies::Names;

/// One resource of a kind that a spec implies.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired<T> {
    pub name: String,
    pub value: T,
    /// What must exist first, and why.
    pub after: Vec<(Address, EdgeReason)>,
    /// `Some(allow_destroy)` for a resource that holds audit logs.
    pub audit_logs: Option<bool>,
}

impl<T> Desired<T> {
    pub fn new(name: impl Into<String>, value: T) -> Self {
        Desired {
            name: name.into(),
            value,
            after: Vec::new(),
            audit_logs: None,
        }
    }

    /// `first` must exist before this resource, because of `why`.
    pub fn after(mut self, first: Address, why: EdgeReason) -> Self {
        self.after.push((first, why));
        self
    }

    /// After the spec's key policy, when ctrail writes it and this resource
    /// is `encrypted` with the spec's key: the service checks the policy
    /// as the resource is created, or as it first uses the key.
    pub fn after_key_policy(self, spec: &ctrail_spec::Spec, encrypted: bool) -> Self {
        match spec
            .kms
            .as_ref()
            .filter(|k| k.manage_key_policy && encrypted)
        {
            Some(k) => self.after(
                Address::new(ResourceKind::KmsKeyPolicy, k.key.as_str()),
                EdgeReason::KeyPolicyChecked,
            ),
            None => self,
        }
    }

    /// A setting of `parent` with its own API call (the parent must exist).
    pub fn part_of(self, parent: ResourceKind) -> Self {
        self.after_sibling(parent, EdgeReason::PartOf)
    }

    /// The resource of kind `first` with this one's name must exist first.
    pub fn after_sibling(self, first: ResourceKind, why: EdgeReason) -> Self {
        let first = Address::new(first, &self.name);
        self.after(first, why)
    }

    /// Holds audit logs: never deleted or replaced unless `allow_destroy`.
    pub fn holds_audit_logs(mut self, allow_destroy: bool) -> Self {
        self.audit_logs = Some(allow_destroy);
        self
    }
}

/// How an attribute's values compare.
#[derive(Debug, Clone, Copy)]
pub enum Compare {
    /// A policy document, or a list of statements: by meaning.
    Policy,
    /// Lists at these paths are sets. A path is `.`-separated; `[]` steps
    /// into every element of a list and `*` into every member of an object;
    /// the empty path is the attribute itself.
    Sets(&'static [&'static str]),
}

/// A ranking of an attribute's values, weakest first.
pub type Ranker = fn(Option<&Value>) -> i64;

/// How a change to an attribute bears on the audit trail's security.
#[derive(Debug, Clone, Copy)]
pub enum Security {
    /// Ordered values: stronger or weaker.
    Ranked(Ranker),
    /// Any change matters (who may do what).
    AnyChange,
    /// Only replacing one value by another matters; setting or unsetting it
    /// is covered by a ranked attribute beside it.
    Replaced,
}

/// A security-relevant attribute any change of which matters (who may do
/// what): its path and what it protects, for `Rules::security_relevant`.
pub const fn any_change(
    path: &'static str,
    protects: &'static str,
) -> (&'static str, &'static str, Security) {
    (path, protects, Security::AnyChange)
}

/// A kind's rules, read by the differ.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Attributes compared by meaning, not as written.
    pub compare: &'static [(&'static str, Compare)],
    /// Attributes AWS cannot change in place: a new value means a new resource.
    pub replaced_by: &'static [&'static str],
    /// Security-relevant attributes (by their last path step; `*` for every
    /// attribute), what they protect, and how a change bears on it.
    pub security: &'static [(&'static str, &'static str, Security)],
    /// A setting a destroy deletes on its own, before its resource: AWS
    /// refuses to delete the resource while the setting is on it, or it must
    /// stop first. Every other setting goes with its resource's delete.
    pub deleted_first: bool,
}

impl Rules {
    pub const NONE: Rules = Rules {
        compare: &[],
        replaced_by: &[],
        security: &[],
        deleted_first: false,
    };

    /// These attributes compare by meaning.
    pub const fn compare_by(self, compare: &'static [(&'static str, Compare)]) -> Rules {
        Rules { compare, ..self }
    }

    /// A new value of one of these attributes means a new resource.
    pub const fn replace_on(self, replaced_by: &'static [&'static str]) -> Rules {
        Rules {
            replaced_by,
            ..self
        }
    }

    /// These attributes bear on the audit trail's security.
    pub const fn security_relevant(
        self,
        security: &'static [(&'static str, &'static str, Security)],
    ) -> Rules {
        Rules { security, ..self }
    }

    /// A destroy deletes this setting on its own, before its resource.
    pub const fn deleted_before_its_resource(self) -> Rules {
        Rules {
            deleted_first: true,
            ..self
        }
    }

    pub fn compare(&self, attribute: &str) -> Option<Compare> {
        self.compare
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, c)| *c)
    }

    /// Whether a change to `attribute` is one value, never split by path
    /// inside it: a policy document, which a reviewer reads whole (plans
    /// show it statement by statement). Lists are one value anyway.
    pub fn whole(&self, attribute: &str) -> bool {
        matches!(self.compare(attribute), Some(Compare::Policy))
    }

    /// The subject and rule for a change at `path`, by its last step.
    pub fn security(&self, path: &str) -> Option<(&'static str, Security)> {
        let leaf = path.rsplit('.').next().unwrap_or(path);
        self.security
            .iter()
            .find(|(a, _, _)| *a == leaf || *a == "*")
            .map(|(_, subject, rule)| (*subject, *rule))
    }
}

/// What a kind's resources are to ownership (docs/ownership.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A setting of another resource: it belongs to whoever owns that one.
    Setting,
    /// A resource on its own: owned, adopted and listed in the ledger.
    /// `prunable`: a plan deletes it when the spec drops it and ctrail owns
    /// it (it is deleted whole by its own delete and holds no audit logs).
    Resource { prunable: bool },
}

/// A kind in the registry (`lib.rs`), which says once which `ResourceKind`
/// the type is (`Variant::KIND`) and makes it one variant of
/// [`crate::Attributes`].
pub trait Registered: Variant<crate::Attributes> + Into<crate::Attributes> {}

/// A resource kind: the type is its attributes, whose JSON form (serde) is
/// what the differ compares and the plan shows.
pub trait Kind: Registered + Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const RULES: Rules = Rules::NONE;

    /// A resource on its own, or a setting of one.
    const STANDING: Standing = Standing::Setting;

    /// The account it lives in: the trail's, or the log bucket's. Every
    /// call of its read, put and delete goes to that account's clients.
    const PLACE: Place = Place::Trail;

    /// For the kind holding another kind's tags: that kind (ctrail's
    /// ownership tag is read here).
    const TAGS_OF: Option<ResourceKind> = None;

    /// Every resource of this kind the spec implies.
    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>>;

    /// The spec fields that give this live value (`name`'s) back from
    /// `desired`: the inverse of `desired`, for `ctrail import`. A field
    /// whose default gives the value found is left out. None by default: a
    /// setting its resource's fields cover, or one a spec cannot say.
    fn import(&self, _name: &str, _cx: &ImportCx<'_>) -> Vec<SpecField> {
        Vec::new()
    }

    /// What starts billing when an attribute changes (from `old`, live, to
    /// `new`, desired); `created`: the resource is new. Prices change: the
    /// note says where to check.
    fn billing(_change: &AttributeChange, _created: bool) -> Option<&'static str> {
        None
    }

    /// ctrail's ownership tag as found on it (the trail it names), for the
    /// kinds that hold tags (`TAGS_OF`, or the KMS key, which holds its own).
    fn owner(&self) -> Option<&str> {
        None
    }

    /// What a reviewer should know when it is created (not a change).
    fn on_create(&self) -> Vec<String> {
        Vec::new()
    }

    /// What a reviewer should know about it as it is live (not a change).
    fn on_live(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A kind's typed attributes: a struct whose canonical JSON form (serde,
/// unknown fields refused) is what the differ compares and the plan shows.
/// `attributes! { pub struct Versioning { pub status: Option<String> } }`
/// The rules of a kind with one security-relevant attribute whose values
/// are ranked (a change down the ranking weakens security):
/// `ranked!("status", "versioning of log files", rank)`.
#[macro_export]
macro_rules! ranked {
    ($attribute:literal, $protects:literal, $rank:expr) => {
        $crate::Rules::NONE.security_relevant(&[(
            $attribute,
            $protects,
            $crate::Security::Ranked($rank),
        )])
    };
}

#[macro_export]
macro_rules! attributes {
    ($(#[$meta:meta])* pub struct $name:ident $body:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name $body
    };
}

/// Rankers shared by kinds.
pub mod rank {
    use serde_json::Value;

    pub fn bool(v: Option<&Value>) -> i64 {
        i64::from(v.and_then(Value::as_bool).unwrap_or(false))
    }

    pub fn present(v: Option<&Value>) -> i64 {
        i64::from(v.is_some_and(|v| !v.is_null()))
    }
}
