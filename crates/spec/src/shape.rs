//! The spec's shape: each mapping's keys, each key's type and what it means.
//!
//! The decoder reads every mapping through its [`Object`] here (a key that is
//! not in it is an unknown field, and reading one that is not in it is a bug
//! the decoder's debug assertions catch), and [`json_schema`] turns the same
//! objects into the JSON Schema that editors use to complete and check specs
//! (`schema/ctrail-spec.schema.json`). So the schema's keys cannot drift from
//! the decoder's; that their types, ranges and patterns agree is tested over
//! a corpus of valid and invalid specs (`crates/spec/tests/schema.rs`).

use serde_json::{Map, Value, json};

/// One mapping of the spec.
#[derive(Debug, Clone, Copy)]
pub struct Object {
    pub title: &'static str,
    pub fields: &'static [Field],
    /// Keys of which at most one may be given.
    pub exclusive: &'static [&'static str],
    /// Rules between this mapping's fields, as JSON Schema text (`if`/`then`,
    /// `dependencies`), added to the object's `allOf`.
    pub also: &'static [&'static str],
    /// Rules `ctrail validate` checks here that a JSON Schema cannot express,
    /// in words; the schema's description lists them.
    pub unchecked: &'static [&'static str],
}

impl Object {
    pub const fn new(title: &'static str, fields: &'static [Field]) -> Self {
        Self {
            title,
            fields,
            exclusive: &[],
            also: &[],
            unchecked: &[],
        }
    }

    pub const fn exclusive(mut self, keys: &'static [&'static str]) -> Self {
        self.exclusive = keys;
        self
    }

    pub const fn also(mut self, rules: &'static [&'static str]) -> Self {
        self.also = rules;
        self
    }

    pub const fn unchecked(mut self, rules: &'static [&'static str]) -> Self {
        self.unchecked = rules;
        self
    }

    /// The keys this mapping may hold, in the order they are documented.
    pub fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    pub fn has_key(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.name == key)
    }
}

/// One key of a mapping.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

impl Field {
    pub const fn new(name: &'static str, ty: Ty, doc: &'static str) -> Self {
        Self {
            name,
            ty,
            required: false,
            doc,
        }
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A value's type, with the limits a schema can state.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Bool,
    /// A whole number in `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    /// A whole number from a fixed list.
    IntIn(&'static [u32]),
    /// A number, whole or decimal.
    Number,
    Str(Str),
    List(&'static Ty, Count),
    Object(&'static Object),
    /// `false` (turned off) or the mapping.
    OffOr(&'static Object),
    /// Any one of these.
    Either(&'static [Ty]),
    /// A mapping of names to values (tags).
    Map {
        key: Str,
        value: Str,
        max: usize,
    },
    /// Any value as written (a policy statement, a sample event), described
    /// by the JSON Schema text given.
    Json(&'static str),
}

/// How many items a list holds.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub min: usize,
    pub max: Option<usize>,
}

impl Count {
    pub const ANY: Self = Self { min: 0, max: None };
    pub const NON_EMPTY: Self = Self { min: 1, max: None };

    pub const fn at_most(self, max: usize) -> Self {
        Self {
            max: Some(max),
            ..self
        }
    }
}

/// A string's limits. YAML integers are read as strings too (kept as
/// written), so the schema allows them where a string is expected.
#[derive(Debug, Clone, Copy)]
pub struct Str {
    pub one_of: &'static [&'static str],
    pub pattern: Option<&'static str>,
    /// Patterns the value must not match (reserved prefixes and forms).
    pub not: &'static [&'static str],
    pub min: usize,
    pub max: Option<usize>,
}

impl Str {
    pub const ANY: Self = Self {
        one_of: &[],
        pattern: None,
        not: &[],
        min: 0,
        max: None,
    };

    pub const fn one_of(values: &'static [&'static str]) -> Self {
        Self {
            one_of: values,
            ..Self::ANY
        }
    }

    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    pub const fn not(mut self, patterns: &'static [&'static str]) -> Self {
        self.not = patterns;
        self
    }

    pub const fn len(mut self, min: usize, max: usize) -> Self {
        self.min = min;
        self.max = Some(max);
        self
    }
}

/// Where a schema for specs is published in this repository.
pub const SCHEMA_PATH: &str = "schema/ctrail-spec.schema.json";

/// The JSON Schema (draft-07, what editors' YAML servers read) of a spec.
///
/// # Errors
/// When a rule written as schema text in an [`Object`] is not JSON: a bug
/// in this crate, which its tests catch.
pub fn json_schema() -> Result<Value, serde_json::Error> {
    let mut root = object(&crate::sections::SHAPE)?;
    let mut unchecked = Vec::new();
    collect_unchecked(&crate::sections::SHAPE, "", &mut unchecked);
    let description = format!(
        "A ctrail spec: one AWS account's CloudTrail trail, its bucket, CloudWatch Logs \
         delivery and monitoring. Check a spec with `ctrail validate`, which also checks \
         what this schema cannot express:\n{}",
        unchecked
            .iter()
            .map(|(path, rule)| format!("- {path}: {rule}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    if let Value::Object(m) = &mut root {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-07/schema#"),
        );
        head.insert("description".into(), json!(description));
        head.append(m);
        *m = head;
    }
    Ok(root)
}

/// Every unchecked rule, with the path of the mapping it belongs to.
pub fn collect_unchecked(o: &Object, path: &str, out: &mut Vec<(String, &'static str)>) {
    let here = if path.is_empty() { "(top level)" } else { path };
    for rule in o.unchecked {
        out.push((here.to_owned(), rule));
    }
    for f in o.fields {
        let child = if path.is_empty() {
            f.name.to_owned()
        } else {
            format!("{path}.{}", f.name)
        };
        collect_in(&f.ty, &child, out);
    }
}

fn collect_in(ty: &Ty, path: &str, out: &mut Vec<(String, &'static str)>) {
    match ty {
        Ty::Object(o) | Ty::OffOr(o) => collect_unchecked(o, path, out),
        Ty::Either(tys) => tys.iter().for_each(|t| collect_in(t, path, out)),
        Ty::List(item, _) => collect_in(item, &format!("{path}[]"), out),
        _ => {}
    }
}

fn object(o: &Object) -> Result<Value, serde_json::Error> {
    let mut properties = Map::new();
    for f in o.fields {
        let mut v = ty(&f.ty)?;
        if let Value::Object(m) = &mut v {
            m.insert("description".into(), json!(f.doc));
        }
        properties.insert(f.name.into(), v);
    }
    let required: Vec<&str> = o
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut m = Map::new();
    m.insert("title".into(), json!(o.title));
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(properties));
    m.insert("additionalProperties".into(), json!(false));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    let mut all_of = Vec::new();
    if !o.exclusive.is_empty() {
        let mut pairs = Vec::new();
        for (i, a) in o.exclusive.iter().enumerate() {
            for b in &o.exclusive[i + 1..] {
                pairs.push(json!({"required": [a, b]}));
            }
        }
        all_of.push(json!({"not": {"anyOf": pairs}}));
    }
    for rule in o.also {
        all_of.push(serde_json::from_str(rule)?);
    }
    if !all_of.is_empty() {
        m.insert("allOf".into(), Value::Array(all_of));
    }
    Ok(Value::Object(m))
}

fn string(s: &Str) -> Value {
    let mut m = Map::new();
    if !s.one_of.is_empty() {
        m.insert("enum".into(), json!(s.one_of));
        return Value::Object(m);
    }
    m.insert("type".into(), json!(["string", "integer"]));
    if let Some(p) = s.pattern {
        m.insert("pattern".into(), json!(p));
    }
    if s.min > 0 {
        m.insert("minLength".into(), json!(s.min));
    }
    if let Some(max) = s.max {
        m.insert("maxLength".into(), json!(max));
    }
    if !s.not.is_empty() {
        let nots: Vec<Value> = s.not.iter().map(|p| json!({"pattern": p})).collect();
        m.insert("not".into(), json!({"anyOf": nots}));
    }
    Value::Object(m)
}

fn ty(t: &Ty) -> Result<Value, serde_json::Error> {
    Ok(match t {
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::IntIn(values) => json!({"type": "integer", "enum": values}),
        Ty::Number => json!({"type": "number"}),
        Ty::Str(s) => string(s),
        Ty::List(item, count) => {
            let mut m = Map::new();
            m.insert("type".into(), json!("array"));
            m.insert("items".into(), ty(item)?);
            if count.min > 0 {
                m.insert("minItems".into(), json!(count.min));
            }
            if let Some(max) = count.max {
                m.insert("maxItems".into(), json!(max));
            }
            Value::Object(m)
        }
        Ty::Object(o) => object(o)?,
        Ty::OffOr(o) => json!({"oneOf": [{"const": false}, object(o)?]}),
        Ty::Either(tys) => json!({"anyOf": tys.iter().map(ty).collect::<Result<Vec<_>, _>>()?}),
        Ty::Map { key, value, max } => json!({
            "type": "object",
            "maxProperties": max,
            "propertyNames": string(key),
            "additionalProperties": string(value),
        }),
        Ty::Json(schema) => serde_json::from_str(schema)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_generated_from_every_section() {
        let schema = json_schema().expect("every rule written as schema text is JSON");
        let props = &schema["properties"];
        for key in crate::sections::SHAPE.keys() {
            assert!(props.get(key).is_some(), "{key} missing from the schema");
        }
        assert_eq!(schema["additionalProperties"], json!(false));
        let trail = &props["trail"]["properties"];
        assert!(trail.get("advanced_event_selectors").is_some());
    }

    #[test]
    fn exclusive_keys_become_a_not_any_of_pairs() {
        const O: Object = Object::new(
            "t",
            &[
                Field::new("a", Ty::Bool, ""),
                Field::new("b", Ty::Bool, ""),
                Field::new("c", Ty::Bool, ""),
            ],
        )
        .exclusive(&["a", "b", "c"]);
        let v = object(&O).expect("valid");
        assert_eq!(
            v["allOf"][0]["not"]["anyOf"].as_array().map(Vec::len),
            Some(3)
        );
    }
}
