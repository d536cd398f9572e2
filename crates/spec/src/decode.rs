//! Typed reads from the located YAML tree. Every read records a diagnostic
//! (with the field's path and location) instead of stopping, so one run finds
//! every problem in a file.

use crate::diagnostic::Sink;
use crate::shape::Object;
use crate::yaml::{Kind, Loc, Node};

/// A value read from the spec, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located<T> {
    pub value: T,
    pub loc: Loc,
    pub path: String,
}

/// A node together with its path in the spec.
#[derive(Clone, Copy)]
pub(crate) struct Field<'a> {
    pub node: &'a Node,
    pub path: &'a str,
    /// Where the node's key is, when it is the value of a mapping entry.
    pub key: Option<Loc>,
}

impl Field<'_> {
    /// Where to point for a problem with the whole value: the key for a list
    /// or mapping (whose own location is its first item), the value otherwise.
    pub(crate) fn at(&self) -> Loc {
        match (&self.node.kind, self.key) {
            (Kind::Seq(_) | Kind::Map(_), Some(k)) => k,
            _ => self.node.loc,
        }
    }
}

/// The entries of one mapping, checked against the keys it may hold.
pub(crate) struct Fields<'a> {
    pub loc: Loc,
    shape: &'static Object,
    entries: Vec<(String, String, Loc, &'a Node)>,
}

impl<'a> Fields<'a> {
    /// The value under `key` (with its path), if the key is present.
    pub(crate) fn get(&self, key: &str) -> Option<Field<'_>> {
        self.known(key);
        self.entries
            .iter()
            .find(|(k, _, _, _)| k == key)
            .map(|(_, path, key, node)| Field {
                node,
                path,
                key: Some(*key),
            })
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.known(key);
        self.entries.iter().any(|(k, _, _, _)| k == key)
    }

    /// Every key given, with where its key stands.
    pub(crate) fn given(&self) -> impl Iterator<Item = (&str, Loc)> {
        self.entries.iter().map(|(k, _, loc, _)| (k.as_str(), *loc))
    }

    /// The decoder reads only keys its shape declares (so the schema,
    /// generated from the shape, lists every key the decoder reads).
    fn known(&self, key: &str) {
        debug_assert!(
            self.shape.has_key(key),
            "the decoder reads `{key}`, which the shape `{}` does not declare",
            self.shape.title
        );
    }
}

pub(crate) fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Reads a mapping whose keys must be among its shape's; unknown keys are
/// reported with the allowed list and the closest match.
pub(crate) fn mapping<'a>(
    sink: &mut Sink,
    f: Field<'a>,
    shape: &'static Object,
) -> Option<Fields<'a>> {
    let keys = shape.keys();
    let allowed = &keys[..];
    let Kind::Map(entries) = &f.node.kind else {
        sink.error(
            f.at(),
            f.path,
            format!("expected a mapping, found {}", f.node.describe()),
        )
        .help(format!("allowed keys: {}", allowed.join(", ")));
        return None;
    };
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let Kind::Str(key) = &k.kind else {
            sink.error(
                k.loc,
                f.path,
                format!("keys must be strings, found {}", k.describe()),
            );
            continue;
        };
        let path = child_path(f.path, key);
        if out.iter().any(|(k, _, _, _)| k == key) {
            sink.error(k.loc, &path, format!("`{key}` is given twice"))
                .help("each key may appear once in a mapping; remove one");
            continue;
        }
        if !allowed.contains(&key.as_str()) {
            let report = sink.error(k.loc, &path, format!("unknown field `{key}`"));
            match closest(key, allowed) {
                Some(s) => report.help(format!(
                    "did you mean `{s}`? allowed here: {}",
                    allowed.join(", ")
                )),
                None => report.help(format!("allowed here: {}", allowed.join(", "))),
            }
            continue;
        }
        out.push((key.clone(), path, k.loc, v));
    }
    Some(Fields {
        loc: f.at(),
        shape,
        entries: out,
    })
}

/// A string; integers are accepted and kept as written (YAML has no other
/// spelling for them), booleans and decimals must be quoted to be strings.
pub(crate) fn string(sink: &mut Sink, f: Field<'_>) -> Option<Located<String>> {
    let value = match &f.node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(i) => i.to_string(),
        Kind::Bool(_) | Kind::Float(_) => {
            sink.error(
                f.node.loc,
                f.path,
                format!("expected a string, found {}", f.node.describe()),
            )
            .help("quote the value to make it a string, e.g. \"true\" or \"1.0\"");
            return None;
        }
        _ => {
            sink.error(
                f.node.loc,
                f.path,
                format!("expected a string, found {}", f.node.describe()),
            );
            return None;
        }
    };
    Some(Located {
        value,
        loc: f.node.loc,
        path: f.path.to_owned(),
    })
}

pub(crate) fn boolean(sink: &mut Sink, f: Field<'_>) -> Option<bool> {
    match &f.node.kind {
        Kind::Bool(b) => Some(*b),
        _ => {
            sink.error(
                f.node.loc,
                f.path,
                format!("expected true or false, found {}", f.node.describe()),
            );
            None
        }
    }
}

/// A whole number within `min..=max`.
pub(crate) fn integer(sink: &mut Sink, f: Field<'_>, min: i128, max: i128) -> Option<Located<u32>> {
    match &f.node.kind {
        Kind::Int(i) if (min..=max).contains(i) => Some(Located {
            value: u32::try_from(*i).ok()?,
            loc: f.node.loc,
            path: f.path.to_owned(),
        }),
        Kind::Int(i) => {
            sink.error(
                f.node.loc,
                f.path,
                format!("{i} is out of range; allowed: {min} to {max}"),
            );
            None
        }
        _ => {
            sink.error(
                f.node.loc,
                f.path,
                format!("expected a whole number, found {}", f.node.describe()),
            );
            None
        }
    }
}

/// One item of a list, with its indexed path (`trail.insights[1]`).
pub(crate) struct Item<'a> {
    pub path: String,
    pub node: &'a Node,
}

impl Item<'_> {
    pub(crate) fn field(&self) -> Field<'_> {
        Field {
            node: self.node,
            path: &self.path,
            key: None,
        }
    }
}

/// The items of a list.
/// The items of the list under `key`; none when the key is absent or (an
/// error) its value is not a list.
pub(crate) fn list_at<'a>(sink: &mut Sink, fields: &'a Fields<'_>, key: &str) -> Vec<Item<'a>> {
    fields
        .get(key)
        .and_then(|f| list(sink, f))
        .unwrap_or_default()
}

pub(crate) fn list<'a>(sink: &mut Sink, f: Field<'a>) -> Option<Vec<Item<'a>>> {
    match &f.node.kind {
        Kind::Seq(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, node)| Item {
                    path: format!("{}[{i}]", f.path),
                    node,
                })
                .collect(),
        ),
        _ => {
            sink.error(
                f.node.loc,
                f.path,
                format!("expected a list, found {}", f.node.describe()),
            );
            None
        }
    }
}

/// A list of strings.
pub(crate) fn string_list(sink: &mut Sink, f: Field<'_>) -> Option<Vec<Located<String>>> {
    let items = list(sink, f)?;
    let mut out = Vec::with_capacity(items.len());
    let before = sink.error_count();
    for item in &items {
        if let Some(s) = string(sink, item.field()) {
            out.push(s);
        }
    }
    (sink.error_count() == before).then_some(out)
}

/// A mapping from string keys to string values (tags).
pub(crate) fn string_map(
    sink: &mut Sink,
    f: Field<'_>,
) -> Option<Vec<(Located<String>, Located<String>)>> {
    let Kind::Map(entries) = &f.node.kind else {
        sink.error(
            f.node.loc,
            f.path,
            format!(
                "expected a mapping of names to values, found {}",
                f.node.describe()
            ),
        );
        return None;
    };
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let key_path = f.path.to_owned();
        let Some(key) = string(
            sink,
            Field {
                node: k,
                path: &key_path,
                key: None,
            },
        ) else {
            continue;
        };
        let path = format!("{}.{}", f.path, key.value);
        if out
            .iter()
            .any(|(k, _): &(Located<String>, Located<String>)| k.value == key.value)
        {
            sink.error(key.loc, &path, format!("`{}` is given twice", key.value))
                .help("each key may appear once in a mapping; remove one");
            continue;
        }
        if let Some(value) = string(
            sink,
            Field {
                node: v,
                path: &path,
                key: Some(k.loc),
            },
        ) {
            out.push((
                Located {
                    path: path.clone(),
                    ..key
                },
                value,
            ));
        }
    }
    Some(out)
}

/// The allowed word closest to `word`, when it is close enough to be a typo.
pub(crate) fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(word, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(
            closest("retension_days", &["retention_days", "log_group"]),
            Some("retention_days")
        );
        assert_eq!(closest("zzz", &["retention_days", "log_group"]), None);
    }
}
