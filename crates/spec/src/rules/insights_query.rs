//! CloudWatch Logs Insights queries: a pipeline of commands separated by `|`.
//! Each stage must start with a known command, quotes, regular expressions
//! and parentheses must pair up, and `limit`/`sort` take what they allow.
//! Two forms Logs Insights refuses are caught with the accepted form as help
//! (CloudWatch Logs User Guide, "CloudWatch Logs Insights language query
//! syntax"): `field exists` (Logs Insights has `ispresent(field)`), and a
//! `sort` after `stats` on a name the stats stage does not produce (an
//! aggregate must be named with `as` to be sorted by that name).

use super::{Check, Problem};

/// The commands ctrail accepts in saved queries.
pub const COMMANDS: &[&str] = &[
    "fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup",
];

const MAX_LEN: usize = 10_000;

/// One stage of a query, with the (1-based) query line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub line: usize,
    pub command: String,
    pub args: String,
}

pub fn insights_query(query: &str) -> Check {
    stages(query).map(|_| ())
}

/// Splits a query into its stages, checking each.
pub fn stages(query: &str) -> Result<Vec<Stage>, Problem> {
    if query.trim().is_empty() {
        return Err(Problem::new("the query is empty").help(help()));
    }
    if query.chars().count() > MAX_LEN {
        return Err(Problem::new(format!(
            "the query is {} characters long; Logs Insights allows {MAX_LEN}",
            query.chars().count()
        )));
    }
    let mut out = Vec::new();
    // The fields a `stats` stage leaves; `None` before any.
    let mut after_stats: Option<Vec<String>> = None;
    for (line, text) in split(query)? {
        let text = text.trim();
        let at = |m: String| Problem::new(format!("query line {line}: {m}")).help(help());
        if text.is_empty() {
            return Err(at(
                "an empty stage (two `|` in a row, or `|` at the end)".into()
            ));
        }
        let command: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !COMMANDS.contains(&command.to_ascii_lowercase().as_str()) {
            return Err(at(format!(
                "`{}` is not a Logs Insights command",
                text.split_whitespace().next().unwrap_or(text)
            )));
        }
        let args = text[command.len()..].trim().to_owned();
        let command = command.to_ascii_lowercase();
        match command.as_str() {
            "limit" => match args.parse::<u32>() {
                Ok(n) if (1..=10_000).contains(&n) => {}
                _ => {
                    return Err(at(format!(
                        "limit takes a number from 1 to 10000, not `{args}`"
                    )));
                }
            },
            "sort" => {
                for key in args.split(',') {
                    let words: Vec<&str> = key.split_whitespace().collect();
                    let ok = match words.as_slice() {
                        [_] => true,
                        [_, dir] => ["asc", "desc"].contains(&dir.to_ascii_lowercase().as_str()),
                        _ => false,
                    };
                    if !ok {
                        return Err(at(format!(
                            "sort takes fields each followed by asc or desc, not `{}`",
                            key.trim()
                        )));
                    }
                    if let (Some(field), Some(left)) = (words.first(), &after_stats)
                        && !left.iter().any(|f| f == field)
                    {
                        return Err(Problem::new(format!(
                            "query line {line}: after `stats`, `{field}` is not a field (the stage leaves {})",
                            left.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                        ))
                        .help("name the aggregate with `as` and sort by that name, e.g. stats count(*) as count by eventName | sort count desc"));
                    }
                }
            }
            "filter" if !args.is_empty() => {
                if let Some(field) = exists_operand(&args) {
                    return Err(Problem::new(format!(
                        "query line {line}: `{field} exists` is not Logs Insights syntax"
                    ))
                    .help(format!(
                        "write `ispresent({field})` (or `not ispresent({field})`)"
                    )));
                }
            }
            "stats" if !args.is_empty() => after_stats = Some(stats_fields(&args)),
            _ if args.is_empty() => {
                return Err(at(format!("`{command}` needs arguments")));
            }
            _ => {}
        }
        out.push(Stage {
            line,
            command,
            args,
        });
    }
    Ok(out)
}

/// The field of a `field exists` test in a filter, outside strings and
/// regular expressions.
fn exists_operand(args: &str) -> Option<String> {
    let mut plain = String::new();
    let mut quote: Option<char> = None;
    for c in args.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`' | '/') => {
                quote = Some(c);
                plain.push(' ');
            }
            None => plain.push(c),
        }
    }
    let words: Vec<&str> = plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-')))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).find_map(|w| {
        (w[1].eq_ignore_ascii_case("exists") && !w[0].eq_ignore_ascii_case("not"))
            .then(|| w[0].to_owned())
    })
}

/// The fields a `stats` stage leaves: each aggregate as written or its
/// `as` name, and each `by` group as written or its `as` name.
fn stats_fields(args: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0i32, String::new());
    for c in args.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    let mut out = Vec::new();
    for part in parts {
        // " by " splits the aggregates from the groups, at the top level.
        for piece in split_word(&part, "by") {
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            let named = split_word(piece, "as");
            out.push(named.last().map(|s| s.trim()).unwrap_or(piece).to_owned());
        }
    }
    out
}

/// `text` split at the whole word `word` (any letter case) outside parentheses.
fn split_word<'a>(text: &'a str, word: &str) -> Vec<&'a str> {
    let lower = text.to_ascii_lowercase();
    let needle = format!(" {word} ");
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0 && lower[i..].starts_with(&needle) => {
                out.push(&text[start..i]);
                i += needle.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// The query line a problem from this module names ("query line N: ..."),
/// so the spec decoder can point at the spec line holding it.
pub fn problem_line(p: &Problem) -> Option<usize> {
    p.message
        .strip_prefix("query line ")?
        .split(':')
        .next()?
        .parse()
        .ok()
}

fn help() -> String {
    format!(
        "a query is commands separated by `|`, e.g. fields @timestamp, eventName | filter ispresent(errorCode) | sort @timestamp desc; commands: {}",
        COMMANDS.join(", ")
    )
}

/// The stages of a query with their start lines; `|`, quotes, regular
/// expressions and parentheses are matched, and `#` comments dropped.
fn split(query: &str) -> Result<Vec<(usize, String)>, Problem> {
    let mut stages = Vec::new();
    let mut cur = String::new();
    let mut start_line = None;
    let mut depth: Vec<(char, usize)> = Vec::new();
    for (n, raw) in query.lines().enumerate() {
        let line = n + 1;
        let mut chars = raw.chars().peekable();
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        while let Some(c) = chars.next() {
            if let Some(q) = quote {
                cur.push(c);
                if c == '\\' {
                    if let Some(e) = chars.next() {
                        cur.push(e);
                    }
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '#' => break,
                '"' | '\'' | '`' => quote = Some(c),
                // A regular expression follows `like`, `=~` or `(`, `,`.
                '/' if regex_may_start(&cur, prev) => quote = Some('/'),
                '(' => depth.push(('(', line)),
                ')' if depth.pop().is_none() => {
                    return Err(Problem::new(format!("query line {line}: `)` without `(`")));
                }
                '|' if depth.is_empty() => {
                    stages.push((start_line.unwrap_or(line), std::mem::take(&mut cur)));
                    start_line = None;
                    prev = c;
                    continue;
                }
                _ => {}
            }
            if start_line.is_none() && !c.is_whitespace() {
                start_line = Some(line);
            }
            cur.push(c);
            if !c.is_whitespace() {
                prev = c;
            }
        }
        if let Some(q) = quote {
            return Err(Problem::new(format!(
                "query line {line}: {} is not closed on its line",
                if q == '/' {
                    "a /regular expression/".to_owned()
                } else {
                    format!("a {q}quoted{q} string")
                }
            )));
        }
        cur.push('\n');
    }
    if let Some((_, line)) = depth.last() {
        return Err(Problem::new(format!(
            "query line {line}: `(` is not closed"
        )));
    }
    stages.push((start_line.unwrap_or(query.lines().count().max(1)), cur));
    Ok(stages)
}

fn regex_may_start(before: &str, prev: char) -> bool {
    let t = before.trim_end();
    matches!(prev, '(' | ',' | '~')
        || t.to_ascii_lowercase().ends_with(" like")
        || t.ends_with("=~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_queries() {
        for q in [
            "fields @timestamp, sourceIPAddress, userIdentity.userName, eventName, errorCode, errorMessage\n| filter ispresent(errorCode)\n| stats count(*) as failures by userIdentity.userName, errorCode, eventName\n| sort failures desc",
            "fields @timestamp, userIdentity.userName, eventName\n| filter eventName like /Delete/\n| sort @timestamp desc",
            "stats count(*) as calls by bin(1h) as hour\n| sort hour asc",
            "stats count(*) by eventSource, bin(1h)\n| sort count(*) desc",
            "filter not ispresent(errorCode) and eventName = \"exists\"\n| limit 5",
            "fields @timestamp\n| filter isIpInSubnet(sourceIPAddress, \"10.0.0.0/8\") # comment | not a stage\n| limit 100",
            "fields a | parse @message \"user=* ip=*\" as user, ip | display user | dedup user",
        ] {
            assert_eq!(insights_query(q), Ok(()), "{q}");
        }
        let s = stages("fields a\n| filter b = \"x|y\"\n| sort a desc").expect("ok");
        assert_eq!(s.iter().map(|s| s.line).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(s[1].args, "b = \"x|y\"");
    }

    #[test]
    fn refuses_broken_queries_naming_the_line() {
        for (q, what) in [
            (
                "fields a\n| select b",
                "line 2: `select` is not a Logs Insights command",
            ),
            ("fields a\n| limit many", "line 2: limit takes a number"),
            ("fields a\n| sort a sideways", "sort takes fields"),
            ("fields a |", "empty stage"),
            ("fields a\n| filter (b = 1", "line 2: `(` is not closed"),
            (
                "fields a\n| filter b = \"x",
                "line 2: a \"quoted\" string is not closed",
            ),
            ("fields a\n| filter b like /x", "regular expression"),
            ("", "empty"),
            ("fields a\n| filter", "`filter` needs arguments"),
            // The seed's two forms Logs Insights refuses.
            (
                "fields a\n| filter errorCode exists",
                "line 2: `errorCode exists` is not Logs Insights syntax",
            ),
            (
                "fields a\n| stats count() by userIdentity.userName, errorCode\n| sort count desc",
                "line 3: after `stats`, `count` is not a field",
            ),
            (
                "stats count(*) as calls by bin(1h)\n| sort @timestamp asc",
                "line 2: after `stats`, `@timestamp` is not a field",
            ),
        ] {
            let e = insights_query(q).expect_err(q);
            assert!(e.message.contains(what), "{q}: {}", e.message);
            if let Some(n) = what.strip_prefix("line ").and_then(|w| w.split(':').next()) {
                assert_eq!(problem_line(&e).map(|l| l.to_string()).as_deref(), Some(n));
            }
        }
    }
}
