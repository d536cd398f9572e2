//! A located YAML tree, parsed by serde-saphyr with strict budgets.
//!
//! The spec is read into this generic tree first (every node keeps its line and
//! column) and decoded by hand afterwards, so that one run reports every problem
//! in the file instead of stopping at the first one, as a derived `Deserialize`
//! would.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Largest spec file accepted, in bytes. Real specs are a few kilobytes.
pub const MAX_SPEC_BYTES: usize = 1024 * 1024;
/// Deepest nesting accepted. The deepest real spec path is about 6 levels.
pub const MAX_DEPTH: usize = 32;
/// Most YAML nodes accepted (after alias expansion).
pub const MAX_NODES: usize = 50_000;
/// Most aliases accepted; specs rarely need any.
pub const MAX_ALIASES: usize = 100;

/// A 1-based line and column in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub loc: Loc,
}

impl Node {
    /// What this node is, in words, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing (null)",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a decimal number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// A syntax error or a refused (hostile or oversized) document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub loc: Loc,
    pub message: String,
}

/// Parses YAML text into a located tree, refusing oversized or hostile input.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(ParseError {
            loc: Loc { line: 1, column: 1 },
            message: format!(
                "the file is {} bytes; specs larger than {} bytes are refused",
                text.len(),
                MAX_SPEC_BYTES
            ),
        });
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        with_snippet: false,
        // Duplicates are reported by the decoder, which knows the field's path.
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_documents: 1,
            max_total_scalar_bytes: MAX_SPEC_BYTES,
        },
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawKind>>(text, options) {
        Ok(root) => Ok(convert(root)),
        Err(e) => {
            let loc = e
                .location()
                .map(|l| Loc {
                    line: clamp(l.line()),
                    column: clamp(l.column()),
                })
                .unwrap_or(Loc { line: 1, column: 1 });
            Err(ParseError {
                loc,
                message: clean_message(&e.to_string()),
            })
        }
    }
}

fn clamp(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX).max(1)
}

/// serde-saphyr prefixes messages with "line X column Y:" and adds hints aimed
/// at Rust developers; the CLI prints its own location, so both are dropped.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    let without_loc = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => first,
    };
    let msg = without_loc
        .replace(", set DuplicateKeyPolicy in Options if acceptable", "")
        .replace(
            "budget breached: ",
            "input refused (too large or too deeply nested): ",
        );
    if msg.contains("Depth {") || msg.contains("recursion limit") {
        format!("input refused: nesting deeper than {MAX_DEPTH} levels")
    } else if msg.contains("Nodes {") {
        format!("input refused: more than {MAX_NODES} YAML nodes (after expanding aliases)")
    } else if msg.contains("Aliases {") {
        format!("input refused: more than {MAX_ALIASES} YAML aliases")
    } else if msg.contains("Documents {") {
        "input refused: a spec file holds exactly one YAML document".to_string()
    } else {
        msg
    }
}

fn convert(s: Spanned<RawKind>) -> Node {
    let loc = Loc {
        line: clamp(s.referenced.line()),
        column: clamp(s.referenced.column()),
    };
    let kind = match s.value {
        RawKind::Null => Kind::Null,
        RawKind::Bool(b) => Kind::Bool(b),
        RawKind::Int(i) => Kind::Int(i),
        RawKind::Float(f) => Kind::Float(f),
        RawKind::Str(v) => Kind::Str(v),
        RawKind::Seq(items) => Kind::Seq(items.into_iter().map(convert).collect()),
        RawKind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(k), convert(v)))
                .collect(),
        ),
    };
    Node { kind, loc }
}

/// The tree as serde-saphyr hands it over: every child wrapped in `Spanned`.
enum RawKind {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawKind>>),
    Map(Vec<(Spanned<RawKind>, Spanned<RawKind>)>),
}

impl<'de> Deserialize<'de> for RawKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawKind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawKind, E> {
        Ok(RawKind::Null)
    }
    fn visit_none<E>(self) -> Result<RawKind, E> {
        Ok(RawKind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawKind, D::Error> {
        RawKind::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawKind, E> {
        Ok(RawKind::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawKind, E> {
        Ok(RawKind::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawKind, E> {
        Ok(RawKind::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawKind, E> {
        Ok(RawKind::Int(v))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<RawKind, E> {
        i128::try_from(v)
            .map(RawKind::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawKind, E> {
        Ok(RawKind::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawKind, E> {
        Ok(RawKind::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawKind, E> {
        Ok(RawKind::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawKind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = a.next_element::<Spanned<RawKind>>()? {
            items.push(item);
        }
        Ok(RawKind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawKind, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = a.next_entry::<Spanned<RawKind>, Spanned<RawKind>>()? {
            entries.push(entry);
        }
        Ok(RawKind::Map(entries))
    }
}

/// Where the field at a dotted `path` (`trail.log_file_validation`) is set:
/// the location of its key, or of the deepest enclosing key that is there
/// (a default is set where its section is, or nowhere: `None`).
/// `root` is the parsed document ([`parse`]), so several paths cost one parse.
pub fn locate(root: &Node, path: &str) -> Option<Loc> {
    let mut node = root;
    let mut found = None;
    for key in path.split('.') {
        let Kind::Map(entries) = &node.kind else {
            break;
        };
        let Some((k, v)) = entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, Kind::Str(s) if s == key))
        else {
            break;
        };
        found = Some(k.loc);
        node = v;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_locations_of_nested_values() {
        let root = parse("a:\n  b: [x, 2]\n").expect("valid");
        let Kind::Map(top) = &root.kind else {
            panic!("map expected")
        };
        let Kind::Map(inner) = &top[0].1.kind else {
            panic!("map expected")
        };
        let Kind::Seq(items) = &inner[0].1.kind else {
            panic!("seq expected")
        };
        assert_eq!(
            items[1].loc,
            Loc {
                line: 2,
                column: 10
            }
        );
        assert_eq!(items[1].kind, Kind::Int(2));
    }

    #[test]
    fn leading_zero_account_ids_stay_strings() {
        let root = parse("id: 012345678901\nb: yes\n").expect("valid");
        let Kind::Map(top) = &root.kind else {
            panic!("map expected")
        };
        assert_eq!(top[0].1.kind, Kind::Str("012345678901".into()));
        assert_eq!(top[1].1.kind, Kind::Str("yes".into()));
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = format!("a: {}{}", "[".repeat(500), "]".repeat(500));
        let err = parse(&text).expect_err("too deep");
        assert!(err.message.contains("nesting deeper"), "{}", err.message);
    }

    #[test]
    fn refuses_alias_bombs() {
        let mut text = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(",");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = parse(&text).expect_err("bomb");
        assert!(err.message.starts_with("input refused"), "{}", err.message);
    }

    #[test]
    fn refuses_huge_input() {
        let text = format!("a: \"{}\"\n", "x".repeat(MAX_SPEC_BYTES + 1));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn keeps_duplicate_keys_for_the_decoder() {
        let root = parse("a: 1\na: 2\n").expect("parsed");
        let Kind::Map(top) = &root.kind else {
            panic!("map expected")
        };
        assert_eq!(top.len(), 2);
        assert_eq!(top[1].0.loc, Loc { line: 2, column: 1 });
    }
}
