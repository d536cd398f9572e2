//! The JSON Schema for specs (`schema/ctrail-spec.schema.json`), generated
//! from the decoder's own shapes, and how far it agrees with `ctrail validate`.
//!
//! `UPDATE_GOLDEN=1 cargo test -p ctrail-spec --test schema` rewrites the
//! schema file. The corpus is every shipped spec, every spec of the
//! invalid-spec suite (`tests/invalid/`) and `tests/schema-corpus/`. A spec
//! that `ctrail validate` refuses for a rule no JSON Schema can express says
//! so in a comment, `# schema cannot check: <rule>`, and that rule must be
//! one the schema's description lists.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> Value {
    ctrail_spec::json_schema().expect("the schema is generated")
}

fn rendered() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("JSON");
    text.push('\n');
    text
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    out.sort();
    out
}

/// The spec as an editor's YAML server sees it: `None` when it is not YAML
/// that a YAML parser accepts (syntax errors, duplicate keys, alias bombs).
fn as_json(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

#[test]
fn the_schema_file_is_generated_from_the_spec_crate() {
    let path = root().join(ctrail_spec::shape::SCHEMA_PATH);
    let want = rendered();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &want).expect("write the schema");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run UPDATE_GOLDEN=1 cargo test -p ctrail-spec --test schema",
        ctrail_spec::shape::SCHEMA_PATH
    );
}

#[test]
fn every_shipped_spec_names_the_schema_and_is_valid_under_it() {
    let validator = jsonschema::draft7::new(&schema()).expect("a draft-07 schema");
    let specs = yaml_files("specs");
    assert!(specs.len() >= 5);
    for path in specs {
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.lines()
                .take(5)
                .any(|l| l == "# yaml-language-server: $schema=../schema/ctrail-spec.schema.json"),
            "{} lacks the yaml-language-server modeline",
            path.display()
        );
        let doc = as_json(&text).expect("YAML");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

/// What the schema says of one spec.
fn schema_verdict(validator: &jsonschema::Validator, text: &str) -> Result<(), String> {
    let Some(doc) = as_json(text) else {
        return Err("not YAML".into());
    };
    match validator.iter_errors(&doc).next() {
        None => Ok(()),
        Some(e) => Err(format!("{}: {e}", e.instance_path())),
    }
}

/// A corpus file's label: shipped specs are valid, the invalid-spec suite
/// invalid, and `tests/schema-corpus/` says which by a `valid-` or
/// `invalid-` name (a file with neither fails).
fn labelled_valid(name: &str) -> bool {
    let (dir, file) = name.rsplit_once('/').unwrap_or(("", name));
    match dir {
        "specs" => true,
        "tests/invalid" => false,
        _ if file.starts_with("valid-") => true,
        _ if file.starts_with("invalid-") => false,
        _ => panic!("{name}: a corpus file is named valid-* or invalid-*"),
    }
}

#[test]
fn the_schema_and_validate_agree_over_the_corpus() {
    let schema = schema();
    let description = schema["description"].as_str().expect("description");
    let validator = jsonschema::draft7::new(&schema).expect("a draft-07 schema");
    let mut corpus = yaml_files("specs");
    corpus.extend(yaml_files("tests/invalid"));
    corpus.extend(yaml_files("tests/schema-corpus"));

    let (mut valid, mut invalid, mut beyond) = (0, 0, 0);
    let (mut disagreements, mut mislabelled) = (Vec::new(), Vec::new());
    for path in &corpus {
        let text = std::fs::read_to_string(path).expect("read");
        let name = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        let by_validate = ctrail_spec::parse(&name, &text).map(|_| ());
        let by_schema = schema_verdict(&validator, &text);
        let cannot_check: Option<&str> = text
            .lines()
            .find_map(|l| l.strip_prefix("# schema cannot check: "));
        let labelled = labelled_valid(&name);
        if by_validate.is_ok() != labelled {
            let label = if labelled { "valid" } else { "invalid" };
            let verdict = by_validate
                .as_ref()
                .map_or_else(|e| format!("refuses ({e})"), |()| "accepts".into());
            mislabelled.push(format!("{name}: labelled {label}, validate {verdict}"));
        }
        match (&by_validate, &by_schema, cannot_check) {
            (Ok(()), Ok(()), None) => valid += 1,
            (Err(_), Err(_), None) => invalid += 1,
            (Err(_), Ok(()), Some(rule)) => {
                assert!(
                    description.contains(rule.trim()),
                    "{name}: the schema's description does not list \"{rule}\" as a rule it cannot check"
                );
                beyond += 1;
            }
            (v, s, c) => disagreements.push(format!(
                "{name}: validate {}, schema {}{}",
                v.as_ref().map_or("refuses", |()| "accepts"),
                s.as_ref()
                    .map_or_else(|e| format!("refuses ({e})"), |()| "accepts".into()),
                c.map_or(String::new(), |r| format!(
                    ", marked as beyond the schema: {r}"
                )),
            )),
        }
    }
    eprintln!(
        "{} specs: {valid} valid under both, {invalid} invalid under both, {beyond} refused by \
         validate for a rule the schema states it cannot check; {} disagreements",
        corpus.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // Agreement alone would pass if both tools accepted (or refused)
    // everything: each file is what its label says.
    assert!(mislabelled.is_empty(), "{mislabelled:#?}");
    assert!(corpus.len() >= 80, "corpus of {}", corpus.len());
    assert!(
        valid >= 20 && invalid >= 45,
        "{valid} valid, {invalid} invalid"
    );
}
