//! Tags: the spec's tags, applied to every resource that takes them.

use std::collections::BTreeMap;

/// The spec's tags for a resource.
pub fn desired(spec: &ctrail_spec::Spec) -> BTreeMap<String, String> {
    spec.tags.clone()
}

/// Tags from AWS's key/value pairs.
pub fn from_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
