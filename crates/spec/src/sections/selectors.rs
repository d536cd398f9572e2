//! Basic and advanced event selectors.

use super::Cx;
use crate::decode::{self, Field, Item, Located};
use crate::defaults;
use crate::model::{AdvancedSelector, BasicSelector, DataResource, FieldSelector, ReadWriteType};
use crate::rules::resource_types;
use crate::rules::selectors as rules;
use crate::shape::{Count, Field as Key, Object, Str, Ty};

const VALUES: Ty = Ty::List(&Ty::Str(Str::ANY), Count::ANY);

pub(crate) const BASIC_SHAPE: Object = Object::new(
    "basic event selector",
    &[
        Key::new(
            "read_write_type",
            Ty::Str(Str::one_of(&ReadWriteType::NAMES)),
            "Which events: All (default), ReadOnly or WriteOnly.",
        ),
        Key::new(
            "include_management_events",
            Ty::Bool,
            "Log management events (default true).",
        ),
        Key::new(
            "data_resources",
            Ty::List(&Ty::Object(&RESOURCE_SHAPE), Count::ANY),
            "Data events to log, by resource type and ARN.",
        ),
        Key::new(
            "exclude_management_event_sources",
            VALUES,
            "Event sources whose management events are not logged (e.g. kms.amazonaws.com).",
        ),
    ],
)
.also(&[
    r#"{"not": {"required": ["include_management_events"], "properties": {"include_management_events": {"const": false}, "data_resources": {"maxItems": 0}}}}"#,
])
.unchecked(&["at most 250 data resource values across a trail's basic selectors"]);

const RESOURCE_SHAPE: Object = Object::new(
    "data resource",
    &[
        Key::new(
            "type",
            Ty::Str(Str::one_of(rules::BASIC_DATA_TYPES)),
            "The resource type (other types need advanced selectors).",
        )
        .required(),
        Key::new(
            "values",
            VALUES,
            "ARNs, or ARN prefixes, of the resources (arn:aws:s3:::bucket/ for a bucket's objects).",
        )
        .required(),
    ],
)
.also(&[
    r#"{"if": {"properties": {"type": {"const": "AWS::S3::Object"}}}, "then": {"properties": {"values": {"items": {"pattern": "^arn:[^:]+:s3(:::.*/.*)?$"}}}}}"#,
    r#"{"if": {"properties": {"type": {"const": "AWS::Lambda::Function"}}}, "then": {"properties": {"values": {"items": {"pattern": "^arn:[^:]+:lambda"}}}}}"#,
    r#"{"if": {"properties": {"type": {"const": "AWS::DynamoDB::Table"}}}, "then": {"properties": {"values": {"items": {"pattern": "^arn:[^:]+:dynamodb"}}}}}"#,
])
.unchecked(&["a data resource ARN names the spec region's partition"]);

pub(crate) const ADVANCED_SHAPE: Object = Object::new(
    "advanced event selector",
    &[
        Key::new(
            "name",
            Ty::Str(Str::ANY.len(1, 1000)),
            "A name for the selector.",
        ),
        Key::new(
            "field_selectors",
            Ty::List(&Ty::Object(&FIELD_SHAPE), Count::NON_EMPTY),
            "The conditions; one must be eventCategory equals Management, Data or NetworkActivity. Management selectors take eventSource and readOnly; Data selectors need resources.type (equals) and take eventName, eventSource, eventType, readOnly, resources.ARN, sessionCredentialFromConsole and userIdentity.arn; NetworkActivity selectors need eventSource (equals) and take eventName, errorCode (equals VpceAccessDenied only), vpcEndpointId and userIdentity.arn.",
        )
        .required(),
    ],
)
.also(&[
    r#"{"properties": {"field_selectors": {"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "eventCategory"}, "equals": {"minItems": 1, "maxItems": 1}}}}}}"#,
    // The fields each category takes and requires (rules::selectors::CATEGORY_FIELDS).
    r#"{"if": {"required": ["field_selectors"], "properties": {"field_selectors": {"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "eventCategory"}, "equals": {"contains": {"const": "Management"}}}}}}}, "then": {"properties": {"field_selectors": {"items": {"properties": {"field": {"enum": ["eventCategory", "readOnly", "eventSource"]}}}}}}}"#,
    r#"{"if": {"required": ["field_selectors"], "properties": {"field_selectors": {"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "eventCategory"}, "equals": {"contains": {"const": "Data"}}}}}}}, "then": {"properties": {"field_selectors": {"items": {"properties": {"field": {"enum": ["eventCategory", "eventName", "eventSource", "eventType", "resources.type", "readOnly", "resources.ARN", "sessionCredentialFromConsole", "userIdentity.arn"]}}}, "allOf": [{"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "resources.type"}, "equals": {"minItems": 1}}}}]}}}}"#,
    r#"{"if": {"required": ["field_selectors"], "properties": {"field_selectors": {"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "eventCategory"}, "equals": {"contains": {"const": "NetworkActivity"}}}}}}}, "then": {"properties": {"field_selectors": {"items": {"properties": {"field": {"enum": ["eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"]}}, "if": {"properties": {"field": {"const": "errorCode"}}}, "then": {"required": ["equals"], "properties": {"equals": {"minItems": 1, "items": {"enum": ["VpceAccessDenied"]}}, "not_equals": {"maxItems": 0}, "starts_with": {"maxItems": 0}, "not_starts_with": {"maxItems": 0}, "ends_with": {"maxItems": 0}, "not_ends_with": {"maxItems": 0}}}}, "allOf": [{"contains": {"required": ["field", "equals"], "properties": {"field": {"const": "eventSource"}, "equals": {"minItems": 1}}}}]}}}}"#,
])
.unchecked(&[
    "at most 500 condition values across a trail's advanced selectors",
]);

const FIELD_SHAPE: Object = Object::new(
    "field selector",
    &[
        Key::new(
            "field",
            Ty::Str(Str::one_of(rules::ADVANCED_FIELDS)),
            "The event field the condition tests.",
        )
        .required(),
        Key::new("equals", VALUES, "Values the field equals."),
        Key::new("not_equals", VALUES, "Values the field does not equal."),
        Key::new("starts_with", VALUES, "Prefixes the field starts with."),
        Key::new("not_starts_with", VALUES, "Prefixes the field does not start with."),
        Key::new("ends_with", VALUES, "Suffixes the field ends with."),
        Key::new("not_ends_with", VALUES, "Suffixes the field does not end with."),
    ],
)
.also(&[
    r#"{"anyOf": [{"required": ["equals"], "properties": {"equals": {"minItems": 1}}}, {"required": ["not_equals"], "properties": {"not_equals": {"minItems": 1}}}, {"required": ["starts_with"], "properties": {"starts_with": {"minItems": 1}}}, {"required": ["not_starts_with"], "properties": {"not_starts_with": {"minItems": 1}}}, {"required": ["ends_with"], "properties": {"ends_with": {"minItems": 1}}}, {"required": ["not_ends_with"], "properties": {"not_ends_with": {"minItems": 1}}}]}"#,
    r#"{"if": {"properties": {"field": {"const": "eventCategory"}}}, "then": {"properties": {"equals": {"items": {"enum": ["Management", "Data", "NetworkActivity"]}}}}}"#,
]);

/// The selectors listed at `f`; an empty list is an error (the key left
/// out logs every management event).
fn listed<'a>(cx: &mut Cx<'_>, f: Field<'a>, what: &str) -> Option<Vec<Item<'a>>> {
    let items = decode::list(cx.sink, f)?;
    if items.is_empty() {
        cx.sink
            .error(f.at(), f.path, format!("no {what} given"))
            .help("remove the key to log all management events");
        return None;
    }
    Some(items)
}

pub(crate) fn basic(cx: &mut Cx<'_>, f: Field<'_>) -> Option<Vec<BasicSelector>> {
    let items = listed(cx, f, "event selectors")?;
    if items.len() > rules::MAX_BASIC_SELECTORS {
        cx.sink
            .error(f.at(), f.path, format!("{} basic event selectors given", items.len()))
            .help(format!(
                "a trail takes at most {} basic event selectors; use advanced_event_selectors for more",
                rules::MAX_BASIC_SELECTORS
            ));
    }
    let before = cx.sink.error_count();
    let mut out = Vec::new();
    let mut total_values = 0usize;
    for item in &items {
        let Some(fields) = decode::mapping(cx.sink, item.field(), &BASIC_SHAPE) else {
            continue;
        };
        let read_write_type = match cx.string(&fields, "read_write_type") {
            None => ReadWriteType::All,
            Some(v) => match ReadWriteType::parse(&v.value) {
                Some(t) => t,
                None => {
                    cx.sink
                        .unknown(&v, "read_write_type", &ReadWriteType::NAMES);
                    ReadWriteType::All
                }
            },
        };
        let include_management_events = cx.bool_or(
            &fields,
            "include_management_events",
            defaults::INCLUDE_MANAGEMENT_EVENTS,
        );
        let exclude_management_event_sources = fields
            .get("exclude_management_event_sources")
            .and_then(|f| decode::string_list(cx.sink, f))
            .map(|v| v.into_iter().map(|s| s.value).collect())
            .unwrap_or_default();
        let mut data_resources = Vec::new();
        if let Some(rf) = fields.get("data_resources")
            && let Some(list) = decode::list(cx.sink, rf)
        {
            for ritem in &list {
                if let Some(r) = data_resource(cx, ritem.field()) {
                    total_values += r.values.len();
                    data_resources.push(r);
                }
            }
        }
        if !include_management_events && data_resources.is_empty() {
            cx.sink
                .error(fields.loc, &item.path, "this selector logs nothing")
                .help("include management events, or add data_resources");
        }
        out.push(BasicSelector {
            read_write_type,
            include_management_events,
            data_resources,
            exclude_management_event_sources,
        });
    }
    if total_values > rules::MAX_DATA_RESOURCE_VALUES {
        cx.sink
            .error(
                f.at(),
                f.path,
                format!("{total_values} data resource values given"),
            )
            .help(format!(
                "a trail takes at most {} data resource values across its basic selectors",
                rules::MAX_DATA_RESOURCE_VALUES
            ));
    }
    (cx.sink.error_count() == before).then_some(out)
}

fn data_resource(cx: &mut Cx<'_>, f: Field<'_>) -> Option<DataResource> {
    let fields = decode::mapping(cx.sink, f, &RESOURCE_SHAPE)?;
    let ty = cx.required(&fields, f.path, "type")?;
    if !rules::BASIC_DATA_TYPES.contains(&ty.value.as_str()) {
        cx.sink
            .error(
                ty.loc,
                &ty.path,
                format!("basic event selectors do not support \"{}\"", ty.value),
            )
            .help(format!(
                "allowed: {}; other resource types need advanced_event_selectors",
                rules::BASIC_DATA_TYPES.join(", ")
            ));
        return None;
    }
    let values = match fields.get("values") {
        Some(vf) => decode::string_list(cx.sink, vf)?,
        None => {
            cx.sink.error(
                fields.loc,
                &decode::child_path(f.path, "values"),
                "missing required field `values`",
            );
            return None;
        }
    };
    let mut ok = true;
    for v in &values {
        ok &= cx.check(
            v,
            rules::data_resource_value(&ty.value, &v.value, cx.partition),
        );
    }
    ok.then(|| DataResource {
        resource_type: ty.value,
        values: values.into_iter().map(|v| v.value).collect(),
    })
}

pub(crate) fn advanced(cx: &mut Cx<'_>, f: Field<'_>) -> Option<Vec<AdvancedSelector>> {
    let items = listed(cx, f, "advanced event selectors")?;
    let before = cx.sink.error_count();
    let mut out = Vec::new();
    let mut total_values = 0usize;
    for item in &items {
        let Some(fields) = decode::mapping(cx.sink, item.field(), &ADVANCED_SHAPE) else {
            continue;
        };
        let name = cx.string(&fields, "name");
        if let Some(n) = &name
            && (n.value.is_empty() || n.value.chars().count() > 1000)
        {
            cx.sink
                .error(n.loc, &n.path, "selector names are 1-1000 characters");
        }
        let Some(ff) = fields.get("field_selectors") else {
            cx.sink
                .error(
                    fields.loc,
                    &decode::child_path(&item.path, "field_selectors"),
                    "missing required field `field_selectors`",
                )
                .help("every advanced selector needs at least an eventCategory field selector");
            continue;
        };
        let Some(list) = decode::list(cx.sink, ff) else {
            continue;
        };
        let mut entries = Vec::new();
        for fitem in &list {
            if let Some((fs, n)) = field_selector(cx, fitem.field()) {
                total_values += n;
                entries.push(Located {
                    value: fs,
                    loc: fitem.node.loc,
                    path: fitem.path.clone(),
                });
            }
        }
        check_category(cx, ff, &entries);
        out.push(AdvancedSelector {
            name: name.map(|n| n.value),
            field_selectors: entries.into_iter().map(|e| e.value).collect(),
        });
    }
    if total_values > rules::MAX_ADVANCED_VALUES {
        cx.sink
            .error(
                f.at(),
                f.path,
                format!("{total_values} condition values given"),
            )
            .help(format!(
                "a trail takes at most {} across all advanced selectors",
                rules::MAX_ADVANCED_VALUES
            ));
    }
    (cx.sink.error_count() == before).then_some(out)
}

/// Every advanced selector needs `eventCategory` Equals one category, and
/// then uses only the fields its category takes, with the ones it requires
/// (`rules::selectors::CATEGORY_FIELDS`, from the API Reference's
/// AdvancedFieldSelector). A `resources.type` CloudTrail does not list is a
/// warning naming the nearest listed type: AWS adds types faster than ctrail
/// is released (`rules::resource_types`).
///
/// Each refusal points at the field selector it is about: the one whose
/// field the category does not take, the `errorCode` one, the one for a
/// required field that lacks `equals`, or, when the required field has no
/// field selector at all, the `eventCategory` one that requires it. Only a
/// missing `eventCategory` points at `field_selectors` itself.
fn check_category(cx: &mut Cx<'_>, list: Field<'_>, fs: &[Located<FieldSelector>]) {
    let Some(category) = fs.iter().find(|f| f.value.field == "eventCategory") else {
        cx.sink
            .error(list.at(), list.path, "no `eventCategory` field selector")
            .help(format!(
                "every advanced selector needs eventCategory equals one of {}",
                rules::EVENT_CATEGORIES.join(", ")
            ));
        return;
    };
    let mut cats = category.value.equals.iter();
    let (Some(cat), None) = (cats.next(), cats.next()) else {
        cx.sink
            .error(
                category.loc,
                &category.path,
                "`eventCategory` must use `equals` with exactly one value",
            )
            .help(format!("one of {}", rules::EVENT_CATEGORIES.join(", ")));
        return;
    };
    let Some(rule) = rules::category_fields(cat) else {
        return; // already reported at the value
    };
    for bad in fs
        .iter()
        .filter(|f| !rule.allowed.contains(&f.value.field.as_str()))
    {
        cx.sink
            .error(
                bad.loc,
                &bad.path,
                format!("`{}` cannot be used in a {cat} selector", bad.value.field),
            )
            .help(format!(
                "{cat} selectors may use: {} (CloudTrail API Reference, AdvancedFieldSelector)",
                rule.allowed.join(", ")
            ));
    }
    for required in rule.required {
        if fs
            .iter()
            .any(|f| f.value.field == *required && !f.value.equals.is_empty())
        {
            continue;
        }
        let example = match *required {
            "resources.type" => "{ field: resources.type, equals: [AWS::S3::Object] }",
            _ => "{ field: eventSource, equals: [s3.amazonaws.com] }",
        };
        let at = fs
            .iter()
            .find(|f| f.value.field == *required)
            .unwrap_or(category);
        cx.sink
            .error(
                at.loc,
                &at.path,
                format!("a {cat} selector needs an equals condition on `{required}`"),
            )
            .help(format!("e.g. {example}"));
    }
    if cat != "NetworkActivity" {
        return;
    }
    for bad in fs.iter().filter(|f| {
        let f = &f.value;
        f.field == "errorCode"
            && (f.equals.is_empty()
                || !f.not_equals.is_empty()
                || !f.starts_with.is_empty()
                || !f.not_starts_with.is_empty()
                || !f.ends_with.is_empty()
                || !f.not_ends_with.is_empty()
                || f.equals
                    .iter()
                    .any(|v| !rules::NETWORK_ERROR_CODES.contains(&v.as_str())))
    }) {
        cx.sink
            .error(
                bad.loc,
                &bad.path,
                "`errorCode` in a NetworkActivity selector takes only `equals: [VpceAccessDenied]`",
            )
            .help("the only valid errorCode is VpceAccessDenied (CloudTrail API Reference, AdvancedFieldSelector)");
    }
}

/// A `resources.type` value CloudTrail does not list: a warning naming the
/// nearest listed one, never an error (a type newer than ctrail must apply).
fn warn_unknown_resource_types(cx: &mut Cx<'_>, field: &str, values: &[Located<String>]) {
    if field != "resources.type" {
        return;
    }
    for v in values {
        if !resource_types::is_known(&v.value) {
            cx.sink
                .warning(
                    v.loc,
                    &v.path,
                    format!(
                        "\"{}\" is not in CloudTrail's list of data event resource types; nearest: {}",
                        v.value,
                        resource_types::nearest(&v.value)
                    ),
                )
                .help("a type newer than ctrail's list still applies; check the spelling against the CloudTrail User Guide's data events table");
        }
    }
}

/// Returns the selector and its number of condition values.
fn field_selector(cx: &mut Cx<'_>, f: Field<'_>) -> Option<(FieldSelector, usize)> {
    let fields = decode::mapping(cx.sink, f, &FIELD_SHAPE)?;
    let field = cx.required(&fields, f.path, "field")?;
    if !rules::ADVANCED_FIELDS.contains(&field.value.as_str()) {
        cx.sink.unknown(&field, "field", rules::ADVANCED_FIELDS);
        return None;
    }
    let mut read = |key: &str| -> Vec<Located<String>> {
        fields
            .get(key)
            .and_then(|lf| decode::string_list(cx.sink, lf))
            .unwrap_or_default()
    };
    let equals = read("equals");
    let not_equals = read("not_equals");
    let starts_with = read("starts_with");
    let not_starts_with = read("not_starts_with");
    let ends_with = read("ends_with");
    let not_ends_with = read("not_ends_with");
    let all = [
        &equals,
        &not_equals,
        &starts_with,
        &not_starts_with,
        &ends_with,
        &not_ends_with,
    ];
    let count: usize = all.iter().map(|v| v.len()).sum();
    for values in all {
        warn_unknown_resource_types(cx, &field.value, values);
    }
    if count == 0 {
        cx.sink
            .error(fields.loc, f.path, format!("field selector `{}` has no condition", field.value))
            .help("give at least one of: equals, not_equals, starts_with, not_starts_with, ends_with, not_ends_with");
        return None;
    }
    if field.value == "eventCategory"
        && let Some(bad) = equals
            .iter()
            .find(|v| !rules::EVENT_CATEGORIES.contains(&v.value.as_str()))
    {
        cx.sink
            .unknown(bad, "event category", rules::EVENT_CATEGORIES);
    }
    if field.value == "readOnly"
        && let Some(bad) = equals
            .iter()
            .find(|v| v.value != "true" && v.value != "false")
    {
        cx.sink.error(
            bad.loc,
            &bad.path,
            format!(
                "readOnly takes \"true\" or \"false\", not \"{}\"",
                bad.value
            ),
        );
    }
    let plain = |v: Vec<Located<String>>| v.into_iter().map(|l| l.value).collect();
    Some((
        FieldSelector {
            field: field.value,
            equals: plain(equals),
            not_equals: plain(not_equals),
            starts_with: plain(starts_with),
            not_starts_with: plain(not_starts_with),
            ends_with: plain(ends_with),
            not_ends_with: plain(not_ends_with),
        },
        count,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema's per-category rules name the same fields as the rules
    /// `ctrail validate` applies.
    #[test]
    fn the_schema_names_each_categorys_fields_as_the_rules_do() {
        for rule in rules::CATEGORY_FIELDS {
            let found = ADVANCED_SHAPE.also.iter().any(|text| {
                let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
                let cat = &v["if"]["properties"]["field_selectors"]["contains"]["properties"]
                    ["equals"]["contains"]["const"];
                let then = &v["then"]["properties"]["field_selectors"];
                let allowed: Vec<&str> = then["items"]["properties"]["field"]["enum"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                let required: Vec<&str> = then["allOf"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x["contains"]["properties"]["field"]["const"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                cat == rule.category && allowed == rule.allowed && required == rule.required
            });
            assert!(found, "{}: the schema's fields differ", rule.category);
        }
    }
}
