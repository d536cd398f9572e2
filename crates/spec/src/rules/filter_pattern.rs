//! CloudWatch Logs metric filter patterns. JSON patterns (`{ $.a = "b" && ...}`)
//! are parsed fully: balanced braces and parentheses, `$.field` selectors,
//! comparison operators, `EXISTS`/`NOT EXISTS`/`IS TRUE|FALSE|NULL`, `&&` and
//! `||`. Space-delimited (`[a, b, ...]`) and term patterns are checked for
//! balanced brackets and quotes.

use super::{Check, Problem};

const MAX_LEN: usize = 1024;

pub fn filter_pattern(pattern: &str) -> Check {
    if pattern.chars().count() > MAX_LEN {
        return Err(
            Problem::new(format!("the pattern is {} characters long", pattern.len()))
                .help("CloudWatch Logs allows filter patterns of at most 1024 characters"),
        );
    }
    let trimmed = pattern.trim();
    if trimmed.starts_with('{') {
        let parsed = lex(trimmed).and_then(|toks| {
            Parser {
                toks,
                pos: 0,
                end: trimmed.len(),
            }
            .pattern()
        });
        return parsed.map_err(|(at, what)| {
            Problem::new(format!("filter pattern: {what} at character {}", at + 1)).help(
                "JSON patterns look like { ($.eventName = \"ConsoleLogin\") && ($.errorCode NOT EXISTS) }; \
                 selectors start with $. and comparisons are = != < > <= >=, EXISTS, NOT EXISTS, IS TRUE/FALSE/NULL",
            )
        });
    }
    balanced(trimmed)
}

/// Space-delimited and term patterns: brackets and quotes must pair up.
fn balanced(p: &str) -> Check {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in p.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return Err(Problem::new(format!(
                        "filter pattern: unmatched `]` at character {}",
                        i + 1
                    )));
                }
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Problem::new("filter pattern: a quoted term is not closed"));
    }
    if depth != 0 {
        return Err(Problem::new("filter pattern: `[` is not closed with `]`"));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    And,
    Or,
    Op,
    Selector,
    Word(String),
    Quoted,
}

type Failure = (usize, String);

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(i, _)| *i)
    }

    fn fail<T>(&self, what: impl Into<String>) -> Result<T, Failure> {
        Err((self.at(), what.into()))
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn pattern(&mut self) -> Result<(), Failure> {
        if self.next() != Some(Tok::Open('{')) {
            return self.fail("expected `{`");
        }
        self.expr()?;
        match self.next() {
            Some(Tok::Close('}')) => {}
            Some(_) => {
                self.pos -= 1;
                return self.fail("expected `&&`, `||` or `}`");
            }
            None => return self.fail("`{` is not closed with `}`"),
        }
        if self.peek().is_some() {
            return self.fail("text after the closing `}`");
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<(), Failure> {
        self.term()?;
        while matches!(self.peek(), Some(Tok::And | Tok::Or)) {
            self.pos += 1;
            self.term()?;
        }
        Ok(())
    }

    fn term(&mut self) -> Result<(), Failure> {
        match self.peek() {
            Some(Tok::Open('(')) => {
                self.pos += 1;
                self.expr()?;
                match self.next() {
                    Some(Tok::Close(')')) => Ok(()),
                    None => self.fail("`(` is not closed with `)`"),
                    Some(_) => {
                        self.pos -= 1;
                        self.fail("expected `)`")
                    }
                }
            }
            Some(Tok::Selector) => {
                self.pos += 1;
                self.comparison()
            }
            None => self.fail("the pattern ends where a comparison should be"),
            Some(_) => self.fail("expected a selector such as $.eventName"),
        }
    }

    fn comparison(&mut self) -> Result<(), Failure> {
        match self.next() {
            Some(Tok::Op) => match self.next() {
                Some(Tok::Quoted) => Ok(()),
                Some(Tok::Word(w)) if !is_keyword(&w) => Ok(()),
                _ => {
                    self.pos -= 1;
                    self.fail("expected a value after the operator")
                }
            },
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("EXISTS") => Ok(()),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("NOT") => match self.next() {
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("EXISTS") => Ok(()),
                _ => {
                    self.pos -= 1;
                    self.fail("expected EXISTS after NOT")
                }
            },
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IS") => match self.next() {
                Some(Tok::Word(w))
                    if ["TRUE", "FALSE", "NULL"]
                        .iter()
                        .any(|k| w.eq_ignore_ascii_case(k)) =>
                {
                    Ok(())
                }
                _ => {
                    self.pos -= 1;
                    self.fail("expected TRUE, FALSE or NULL after IS")
                }
            },
            _ => {
                self.pos -= 1;
                self.fail("expected an operator (= != < > <= >=), EXISTS, NOT EXISTS or IS")
            }
        }
    }
}

fn is_keyword(w: &str) -> bool {
    ["EXISTS", "NOT", "IS"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, Failure> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|(_, c)| *c);
        match c {
            c if c.is_whitespace() => i += 1,
            '{' | '(' => {
                out.push((at, Tok::Open(c)));
                i += 1;
            }
            '}' | ')' => {
                out.push((at, Tok::Close(c)));
                i += 1;
            }
            '&' | '|' => {
                if next != Some(c) {
                    return Err((at, format!("`{c}` alone; use `{c}{c}`")));
                }
                out.push((at, if c == '&' { Tok::And } else { Tok::Or }));
                i += 2;
            }
            '=' => {
                out.push((at, Tok::Op));
                i += 1;
            }
            '!' | '<' | '>' => {
                if c == '!' && next != Some('=') {
                    return Err((at, "`!` must be followed by `=`".into()));
                }
                i += if next == Some('=') { 2 } else { 1 };
                out.push((at, Tok::Op));
            }
            '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].1 != '"' {
                    j += if chars[j].1 == '\\' { 2 } else { 1 };
                }
                if j >= chars.len() {
                    return Err((at, "a quoted value is not closed".into()));
                }
                out.push((at, Tok::Quoted));
                i = j + 1;
            }
            '%' => {
                let Some(j) = (i + 1..chars.len()).find(|&j| chars[j].1 == '%') else {
                    return Err((at, "a %regular expression% is not closed".into()));
                };
                out.push((at, Tok::Quoted));
                i = j + 1;
            }
            '$' => {
                let mut j = i + 1;
                let mut parts = 0;
                loop {
                    match chars.get(j).map(|(_, c)| *c) {
                        Some('.') => {
                            let start = j + 1;
                            j = start;
                            while chars
                                .get(j)
                                .is_some_and(|(_, c)| c.is_alphanumeric() || "_-@*".contains(*c))
                            {
                                j += 1;
                            }
                            if j == start {
                                return Err((
                                    chars[start - 1].0,
                                    "a selector has an empty field name after `.`".into(),
                                ));
                            }
                        }
                        Some('[') => {
                            let start = j + 1;
                            j = start;
                            while chars
                                .get(j)
                                .is_some_and(|(_, c)| c.is_ascii_digit() || *c == '*')
                            {
                                j += 1;
                            }
                            if j == start || chars.get(j).map(|(_, c)| *c) != Some(']') {
                                return Err((
                                    chars[start - 1].0,
                                    "an array index must be [digits]".into(),
                                ));
                            }
                            j += 1;
                        }
                        _ => break,
                    }
                    parts += 1;
                }
                if parts == 0 {
                    return Err((at, "a selector must name a field: $.field".into()));
                }
                out.push((at, Tok::Selector));
                i = j;
            }
            c if c.is_alphanumeric() || "_-*.:/+@".contains(c) => {
                let mut j = i;
                let mut word = String::new();
                while let Some((_, c)) = chars.get(j)
                    && (c.is_alphanumeric() || "_-*.:/+@".contains(*c))
                {
                    word.push(*c);
                    j += 1;
                }
                out.push((at, Tok::Word(word)));
                i = j;
            }
            other => return Err((at, format!("unexpected `{other}`"))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_patterns() {
        for p in [
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            r#"{ ($.errorCode = "*UnauthorizedAccess*") || ($.errorCode = "AccessDenied*") }"#,
            r#"{ ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) }"#,
            r#"{$.eventName = "Put*Policy" || $.eventName = "Delete*Policy"}"#,
            r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"#,
            r#"{ $.responseElements[0].x IS NULL && $.n >= 3 && $.m = %ab+c% }"#,
            "[ip, user, status=4*, size]",
            "ERROR",
            "",
        ] {
            assert_eq!(filter_pattern(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn refuses_broken_patterns_saying_where() {
        for (p, what) in [
            (r#"{ ($.eventName = "A") "#, "not closed"),
            (r#"{ ($.eventName = "A" }"#, "expected `)`"),
            (r#"{ eventName = "A" }"#, "selector"),
            (r#"{ $.eventName "A" }"#, "operator"),
            (r#"{ $.a = "A" & $.b = 1 }"#, "`&&`"),
            (r#"{ $. = 1 }"#, "empty field name"),
            (r#"{ $.a = "x }"#, "not closed"),
            (r#"{ $.a = 1 } extra"#, "after the closing"),
            (r#"{ $.a NOT THERE }"#, "EXISTS after NOT"),
            ("[a, b", "not closed"),
        ] {
            let e = filter_pattern(p).expect_err(p);
            assert!(e.message.contains(what), "{p}: {}", e.message);
        }
    }
}
