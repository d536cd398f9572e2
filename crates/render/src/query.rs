//! Logs Insights results as a table for a terminal, CSV for spreadsheets and
//! JSON for tools. Pure functions of the columns and rows.

use std::fmt::Write as _;

use serde_json::Value;

/// A table with a header, a rule and left-aligned columns; a missing value
/// is blank. Ends with the row count.
pub fn table(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| v.as_deref().map(one_line).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(v.chars().count());
        }
    }
    let mut out = String::new();
    if !columns.is_empty() {
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        for row in [columns, &rule]
            .into_iter()
            .chain(cells.iter().map(Vec::as_slice))
        {
            line(&mut out, row, &widths);
        }
    }
    let _ = writeln!(
        out,
        "({} row{})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    out
}

fn one_line(v: &str) -> String {
    v.replace(['\n', '\r', '\t'], " ")
}

fn line(out: &mut String, cells: &[String], widths: &[usize]) {
    let mut text = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            text.push_str("  ");
        }
        let _ = write!(text, "{cell:<w$}");
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

/// RFC 4180 CSV: a header row, then one row per result; fields with commas,
/// quotes or line breaks are quoted, quotes doubled.
pub fn csv(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let mut out = String::new();
    let mut record = |cells: Vec<&str>| {
        let fields: Vec<String> = cells.into_iter().map(csv_field).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    record(columns.iter().map(String::as_str).collect());
    for row in rows {
        record(row.iter().map(|v| v.as_deref().unwrap_or("")).collect());
    }
    out
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

/// A JSON array of objects, one per row, keys in column order (written by
/// hand: a JSON map would sort them); a missing value is left out.
pub fn json(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let quote = |s: &str| Value::String(s.to_owned()).to_string();
    let objects: Vec<String> = rows
        .iter()
        .map(|row| {
            let members: Vec<String> = columns
                .iter()
                .zip(row)
                .filter_map(|(c, v)| v.as_deref().map(|v| format!("{}: {}", quote(c), quote(v))))
                .collect();
            format!("  {{{}}}", members.join(", "))
        })
        .collect();
    if objects.is_empty() {
        "[]\n".to_owned()
    } else {
        format!("[\n{}\n]\n", objects.join(",\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<String>, Vec<Vec<Option<String>>>) {
        (
            vec!["user".into(), "note".into(), "n".into()],
            vec![
                vec![
                    Some("alice".into()),
                    Some("said \"hi\", then\nleft".into()),
                    Some("2".into()),
                ],
                vec![Some("bob".into()), None, Some("10".into())],
            ],
        )
    }

    #[test]
    fn table_aligns_columns_and_counts_rows() {
        let (c, r) = sample();
        assert_eq!(
            table(&c, &r),
            "user   note                  n\n\
             -----  --------------------  --\n\
             alice  said \"hi\", then left  2\n\
             bob                          10\n\
             (2 rows)\n"
        );
        assert_eq!(table(&c, &[]).lines().last(), Some("(0 rows)"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let (c, r) = sample();
        assert_eq!(
            csv(&c, &r),
            "user,note,n\r\nalice,\"said \"\"hi\"\", then\nleft\",2\r\nbob,,10\r\n"
        );
    }

    #[test]
    fn json_keeps_column_order_and_leaves_out_missing_values() {
        let (c, r) = sample();
        let out = json(&c, &r);
        assert!(out.find("\"user\"") < out.find("\"note\""));
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v[1], serde_json::json!({"user": "bob", "n": "10"}));
    }
}
