//! A document the report shows as a table (a policy, one row per
//! statement; a trail's event selectors, one row per selector), and how it
//! reads in HTML and Markdown. Each cell is a list of lines.

use std::fmt::Write;

use serde::Serialize;

/// One cell: its lines, shown one per line.
pub type Cell = Vec<String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// What the document is ("Bucket policy", "Event selectors").
    pub title: String,
    pub columns: Vec<String>,
    /// One row per statement or selector, a cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Why there are no rows, when there are none (not found, unreadable,
    /// no statements).
    pub note: Option<String>,
}

impl Table {
    pub fn new(title: &str, columns: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        let note = rows.is_empty().then(|| "no entries".to_owned());
        Table {
            title: title.to_owned(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows,
            note,
        }
    }

    /// A document that cannot be shown as rows, and why.
    pub fn absent(title: &str, why: impl Into<String>) -> Table {
        Table {
            title: title.to_owned(),
            columns: Vec::new(),
            rows: Vec::new(),
            note: Some(why.into()),
        }
    }
}

/// The style rules of the report's document tables, for the page's `<style>`.
pub const HTML_STYLE: &str = "table.document{margin:1rem 0}\
    table.document caption{text-align:left;font-weight:600;padding:.3rem 0}\
    table.document th{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;background:#f6f8fa}\
    table.document td:first-child{width:auto;font-weight:400;background:none}\
    table.document td{font-family:ui-monospace,monospace;font-size:.85rem}";

/// Text for an HTML page: `&`, `<`, `>` and `"` escaped.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `<table class="document">` with the title as its caption, a header row,
/// and one `<tr>` per row in its body; every cell escaped, its lines
/// separated by `<br>`. A table without rows is a paragraph saying why.
pub fn html(t: &Table) -> String {
    let title = escape_html(&t.title);
    if t.rows.is_empty() {
        let note = escape_html(t.note.as_deref().unwrap_or("no entries"));
        return format!("<p class=\"document\"><strong>{title}:</strong> {note}</p>\n");
    }
    let mut out = format!("<table class=\"document\"><caption>{title}</caption>\n<thead><tr>");
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape_html(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            let lines: Vec<String> = cell.iter().map(|l| escape_html(l)).collect();
            let _ = write!(out, "<td>{}</td>", lines.join("<br>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// A Markdown line's worth of a value: `|` escaped, `<`, `>` and `&` as
/// entities (the cells separate lines with `<br>`), no line breaks.
fn markdown_cell(cell: &Cell) -> String {
    cell.iter()
        .map(|l| {
            l.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('|', "\\|")
                .replace(['\r', '\n'], " ")
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// The title in bold, then a pipe table with one row per row (a cell's
/// lines separated by `<br>`); a table without rows is one line saying why.
pub fn markdown(t: &Table) -> String {
    let title = t.title.replace(['\r', '\n'], " ");
    if t.rows.is_empty() {
        let note = t.note.as_deref().unwrap_or("no entries");
        return format!("**{title}:** {note}\n\n");
    }
    let header: Vec<Cell> = t.columns.iter().map(|c| vec![c.clone()]).collect();
    let line = |cells: &[Cell]| {
        let cells: Vec<String> = cells.iter().map(markdown_cell).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = format!("**{title}**\n\n");
    out.push_str(&line(&header));
    let _ = writeln!(out, "|{}", "---|".repeat(t.columns.len()));
    for row in &t.rows {
        out.push_str(&line(row));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table::new(
            "Bucket <policy>",
            &["Sid", "Action"],
            vec![
                vec![
                    vec!["A&B".into()],
                    vec!["s3:Get*".into(), "s3:List*".into()],
                ],
                vec![vec!["\"q\"".into()], vec!["a|b".into()]],
            ],
        )
    }

    #[test]
    fn html_has_one_body_row_per_row_and_escapes_every_cell() {
        let h = html(&sample());
        assert_eq!(h.matches("<tr>").count(), 3, "{h}");
        assert!(
            h.contains("<caption>Bucket &lt;policy&gt;</caption>"),
            "{h}"
        );
        assert!(
            h.contains("<td>A&amp;B</td><td>s3:Get*<br>s3:List*</td>"),
            "{h}"
        );
        assert!(h.contains("<td>&quot;q&quot;</td>"), "{h}");
    }

    #[test]
    fn markdown_keeps_a_row_on_one_line() {
        let m = markdown(&sample());
        assert_eq!(
            m,
            "**Bucket <policy>**\n\n| Sid | Action |\n|---|---|\n| A&amp;B | s3:Get*<br>s3:List* |\n| \"q\" | a\\|b |\n\n"
        );
    }

    #[test]
    fn a_table_without_rows_says_why() {
        let t = Table::absent("Trust policy", "role <not> found");
        assert_eq!(
            html(&t),
            "<p class=\"document\"><strong>Trust policy:</strong> role &lt;not&gt; found</p>\n"
        );
        assert_eq!(markdown(&t), "**Trust policy:** role <not> found\n\n");
        assert_eq!(
            Table::new("Event selectors", &["Name"], Vec::new()).note,
            Some("no entries".to_owned())
        );
    }
}
