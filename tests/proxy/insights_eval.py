"""A CloudWatch Logs Insights evaluator for the test proxy.

The emulator's StartQuery returns every event in the time range with only the
`@` fields: it ignores `filter`, `stats` and JSON fields. The proxy runs
queries itself with this module, over the events it reads from the emulator,
so a test of `ctrail query` checks rows a real query would return.

Supported, with Logs Insights' semantics for the parts CloudTrail queries use:
  fields a, b.c [as x], ...      display a, b        limit N
  filter <expr>                  sort a [asc|desc], b [asc|desc]
  stats agg(x) [as y], ... [by a [as z], bin(1h) [as t], ...]
        (count(), count(*), count(x), count_distinct(x), sum, avg, min, max)
  dedup a, b                     parse @message "glob * text *" as a, b
  parse @message /(?<name>re)/
Filter expressions: = != < <= > >=, like / not like with /regex/ or "substring",
=~ /regex/, in [..] / not in [..], and / or / not (also && || !), parentheses,
ispresent(x), isempty(x), isblank(x), isIpInSubnet(x, "cidr").
JSON log events are flattened as Logs Insights discovers them: nested keys
joined with '.', list items by index (resources.0.ARN).
"""

import datetime
import ipaddress
import json
import re


class QueryError(Exception):
    """A malformed query (CloudWatch answers MalformedQueryException)."""


# --- events -> records ------------------------------------------------------


def flatten(value, prefix, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(v, f"{prefix}.{i}" if prefix else str(i), out)
        if prefix and value and all(not isinstance(v, (dict, list)) for v in value):
            out[prefix] = json.dumps(value)
    elif prefix:
        out[prefix] = value


def timestamp_text(ms: int) -> str:
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def record(event: dict, log_group: str, account: str) -> dict:
    """The fields Logs Insights discovers in one event."""
    r = {}
    message = event.get("message", "")
    try:
        doc = json.loads(message)
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        # Nested objects are also fields themselves (resources, requestParameters).
        for k, v in doc.items():
            if isinstance(v, (dict, list)):
                r[k] = json.dumps(v, separators=(",", ":"))
        flatten(doc, "", r)
    r["@timestamp"] = event["timestamp"]
    r["@message"] = message
    r["@logStream"] = event.get("logStreamName", "")
    r["@log"] = f"{account}:{log_group}"
    r["@ingestionTime"] = event.get("ingestionTime", event["timestamp"])
    return r


# --- tokens -----------------------------------------------------------------

TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<num>-?\d+(?:\.\d+)?(?![\w.]))
    | (?P<op>&&|\|\||<=|>=|!=|=~|[=<>!(),\[\]*+\-/])
    | (?P<name>`[^`]+`|[@A-Za-z_][\w.@\-]*|\d+[A-Za-z]+)
    )""",
    re.X,
)


def tokenize(text: str):
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        # A regular expression where an operand is expected after like / =~ / ( / ,
        if text[i] == "/" and (not out or out[-1][1].lower() in ("like", "=~", "(", ",")):
            j = i + 1
            while j < len(text) and text[j] != "/":
                j += 2 if text[j] == "\\" else 1
            if j >= len(text):
                raise QueryError("unterminated regular expression")
            out.append(("re", text[i + 1 : j]))
            i = j + 1
            continue
        m = TOKEN.match(text, i)
        if not m or m.end() == i:
            raise QueryError(f"unexpected character {text[i]!r}")
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = bytes(value[1:-1], "utf-8").decode("unicode_escape")
        elif kind == "name" and value.startswith("`"):
            value = value[1:-1]
        out.append((kind, value))
        i = m.end()
    return out


class Tokens:
    def __init__(self, text):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, k=0):
        return self.toks[self.i + k] if self.i + k < len(self.toks) else (None, None)

    def word(self, *words, k=0):
        kind, value = self.peek(k)
        return kind in ("name", "op") and isinstance(value, str) and value.lower() in words

    def take(self):
        t = self.peek()
        if t[0] is None:
            raise QueryError("the query ends too early")
        self.i += 1
        return t

    def expect(self, value):
        kind, v = self.take()
        if v is None or v.lower() != value:
            raise QueryError(f"expected {value!r}, found {v!r}")

    def items(self, close, parse):
        """Comma-separated `parse`d items up to `close`, which is taken."""
        out = []
        while not self.word(close):
            out.append(parse(self))
            if self.word(","):
                self.take()
        self.expect(close)
        return out

    def done(self):
        return self.i >= len(self.toks)

    def end(self, command):
        if not self.done():
            raise QueryError(f"unexpected {self.peek()[1]!r} in {command}")


# --- expressions --------------------------------------------------------------
# An expression is a function of a record: ("field", name), ("lit", value),
# ("call", fname, args), ("cmp", op, a, b), ("and"/"or", a, b), ("not", a),
# ("like", a, regex), ("in", a, [values]).


def parse_left_assoc(t: Tokens, op: str, words: tuple, operand):
    """`operand (op operand)*`, grouped from the left."""
    left = operand(t)
    while t.word(*words):
        t.take()
        left = (op, left, operand(t))
    return left


def parse_expr(t: Tokens):
    return parse_left_assoc(t, "or", ("or", "||"), parse_and)


def parse_and(t: Tokens):
    return parse_left_assoc(t, "and", ("and", "&&"), parse_not)


def parse_not(t: Tokens):
    if t.word("not", "!") and not t.word("like", k=1) and not t.word("in", k=1):
        t.take()
        return ("not", parse_not(t))
    return parse_comparison(t)


def parse_comparison(t: Tokens):
    left = parse_operand(t)
    negate = False
    if t.word("not") and (t.word("like", k=1) or t.word("in", k=1)):
        t.take()
        negate = True
    if t.word("like", "=~"):
        t.take()
        kind, value = t.take()
        if kind == "re":
            rx = re.compile(value)
        elif kind == "str":
            rx = re.compile(re.escape(value))
        else:
            raise QueryError("like takes a /regular expression/ or a \"string\"")
        node = ("like", left, rx)
        return ("not", node) if negate else node
    if t.word("in"):
        t.take()
        t.expect("[")
        node = ("in", left, t.items("]", parse_operand))
        return ("not", node) if negate else node
    kind, value = t.peek()
    if kind == "op" and value in ("=", "!=", "<", "<=", ">", ">="):
        t.take()
        return ("cmp", value, left, parse_operand(t))
    return left


def parse_operand(t: Tokens):
    kind, value = t.take()
    if kind == "op" and value == "(":
        e = parse_expr(t)
        t.expect(")")
        return e
    if kind == "str":
        return ("lit", value)
    if kind == "num":
        return ("lit", float(value) if "." in value else int(value))
    if kind == "op" and value == "*":
        return ("lit", "*")
    if kind == "name":
        if t.word("("):
            t.take()
            return ("call", value.lower(), t.items(")", parse_expr))
        return ("field", value)
    raise QueryError(f"unexpected {value!r}")


def number(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def evaluate(e, r: dict):
    tag = e[0]
    if tag == "field":
        return r.get(e[1])
    if tag == "lit":
        return e[1]
    if tag == "and":
        return truthy(evaluate(e[1], r)) and truthy(evaluate(e[2], r))
    if tag == "or":
        return truthy(evaluate(e[1], r)) or truthy(evaluate(e[2], r))
    if tag == "not":
        return not truthy(evaluate(e[1], r))
    if tag == "like":
        v = evaluate(e[1], r)
        return v is not None and e[2].search(text(v)) is not None
    if tag == "in":
        v = text(evaluate(e[1], r))
        return v is not None and v in [text(evaluate(x, r)) for x in e[2]]
    if tag == "cmp":
        return compare(e[1], evaluate(e[2], r), evaluate(e[3], r))
    if tag == "call":
        return call(e[1], [evaluate(a, r) for a in e[2]])
    raise QueryError(f"cannot evaluate {tag}")


def truthy(v):
    return bool(v) and v != "false"


def compare(op, a, b):
    if a is None or b is None:
        return op == "!=" and (a is None) != (b is None)
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        a, b = na, nb
    else:
        a, b = text(a), text(b)
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def call(name, args):
    if name == "ispresent":
        return args[0] is not None
    if name == "isempty":
        return args[0] is None or args[0] == ""
    if name == "isblank":
        return args[0] is None or str(args[0]).strip() == ""
    if name == "isipinsubnet":
        try:
            return ipaddress.ip_address(str(args[0])) in ipaddress.ip_network(str(args[1]), strict=False)
        except ValueError:
            return False
    if name == "tolower":
        return None if args[0] is None else str(args[0]).lower()
    if name == "toupper":
        return None if args[0] is None else str(args[0]).upper()
    if name == "strlen":
        return None if args[0] is None else len(str(args[0]))
    raise QueryError(f"unknown function {name}")


def label(e) -> str:
    """The column name Logs Insights gives an unnamed expression."""
    tag = e[0]
    if tag == "field":
        return e[1]
    if tag == "lit":
        return text(e[1])
    if tag == "call":
        return f"{e[1]}({', '.join(label(a) for a in e[2])})"
    return "expr"


# --- commands -------------------------------------------------------------------


def split_stages(query: str):
    """Stages separated by `|` outside quotes, regular expressions and parentheses."""
    lines = []
    for line in query.splitlines():
        quote = None
        for i, c in enumerate(line):
            if quote:
                if c == quote:
                    quote = None
            elif c in "\"'`":
                quote = c
            elif c == "#":
                line = line[:i]
                break
        lines.append(line)
    query = "\n".join(lines)
    stages, cur, depth, quote = [], [], 0, None
    for c in query:
        if quote:
            cur.append(c)
            if c == quote:
                quote = None
            continue
        if c in "\"'`":
            quote = c
        elif c == "/" and re.search(r"(like|=~|\(|,)\s*$", "".join(cur), re.I):
            quote = "/"
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            stages.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    stages.append("".join(cur).strip())
    if any(not s for s in stages):
        raise QueryError("empty stage")
    return stages


def named_list(t: Tokens):
    """`expr [as name], ...` -> [(name, expr)]."""
    out = []
    while not t.done() and not t.word("by"):
        e = parse_expr(t)
        name = label(e)
        if t.word("as"):
            t.take()
            name = t.take()[1]
        out.append((name, e))
        if t.word(","):
            t.take()
        else:
            break
    return out


BIN_UNITS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800}


def bin_seconds(spec: str) -> float:
    m = re.fullmatch(r"(\d+)\s*([a-z]+)", spec.strip().lower())
    if not m or m.group(2) not in BIN_UNITS:
        raise QueryError(f"bin() takes a period like 5m or 1h, not {spec!r}")
    return int(m.group(1)) * BIN_UNITS[m.group(2)]


def group_value(e, r):
    if e[0] == "call" and e[1] == "bin":
        if len(e[2]) != 1:
            raise QueryError("bin() takes one period")
        period = bin_seconds(label(e[2][0]))
        ms = r["@timestamp"]
        start = int(ms // (period * 1000) * period * 1000)
        return timestamp_text(start)
    v = evaluate(e, r)
    return text(v)


def aggregate(e, rows):
    if e[0] != "call":
        raise QueryError("stats takes aggregate functions such as count(*) or sum(bytes)")
    name, args = e[1], e[2]
    if name == "count":
        if not args or args[0] == ("lit", "*"):
            return len(rows)
        return sum(1 for r in rows if evaluate(args[0], r) is not None)
    if name == "count_distinct":
        return len({text(evaluate(args[0], r)) for r in rows if evaluate(args[0], r) is not None})
    values = [number(evaluate(args[0], r)) for r in rows] if args else []
    values = [v for v in values if v is not None]
    if name == "sum":
        return sum(values)
    if name == "avg":
        return sum(values) / len(values) if values else None
    if name == "min":
        return min(values) if values else None
    if name == "max":
        return max(values) if values else None
    raise QueryError(f"unknown aggregate function {name}")


def stats(args: str, rows):
    t = Tokens(args)
    aggs = named_list(t)
    groups = []
    if t.word("by"):
        t.take()
        groups = named_list(t)
    t.end("stats")
    if not aggs:
        raise QueryError("stats needs an aggregate function")
    buckets = {}
    for r in rows:
        key = tuple(group_value(e, r) for _, e in groups)
        buckets.setdefault(key, []).append(r)
    out = []
    for key, members in buckets.items():
        row = {name: v for (name, _), v in zip(groups, key) if v is not None}
        for name, e in aggs:
            v = aggregate(e, members)
            if v is not None:
                row[name] = v
        out.append(row)
    return out, [n for n, _ in groups] + [n for n, _ in aggs]


def sort_rows(args: str, rows):
    keys = []
    for part in args.split(","):
        words = part.split()
        if not words:
            raise QueryError("sort needs a field")
        keys.append((words[0], len(words) > 1 and words[1].lower() == "desc"))
    for field, desc in reversed(keys):
        present = [r for r in rows if r.get(field) is not None]
        missing = [r for r in rows if r.get(field) is None]
        numeric = all(number(r[field]) is not None for r in present)
        present.sort(key=lambda r: number(r[field]) if numeric else text(r[field]), reverse=desc)
        rows = present + missing
    return rows


def parse_command(args: str, rows):
    regex = re.fullmatch(r"\s*(\S+)\s+/(.*)/\s*", args, re.S)
    if regex:
        # parse FIELD /regex with (?<name>...) groups/
        t = Tokens(regex.group(1))
        source = parse_operand(t)
        kind, pattern = "re", re.sub(r"\(\?<(?=\w)", "(?P<", regex.group(2))
    else:
        t = Tokens(args)
        source = parse_operand(t)
        kind, pattern = t.take()
    if kind == "re":
        rx = re.compile(pattern)
        names = list(rx.groupindex)
    elif kind == "str":
        parts = pattern.split("*")
        glob = re.escape(parts[0])
        for i, part in enumerate(parts[1:]):
            last = i == len(parts) - 2 and part == ""
            glob += ("(.*)" if last else "(.*?)") + re.escape(part)
        rx = re.compile(glob)
        t.expect("as")
        names = []
        while not t.done():
            names.append(t.take()[1])
            if t.word(","):
                t.take()
    else:
        raise QueryError("parse takes a \"glob * pattern\" or a /regular expression/")
    for r in rows:
        v = evaluate(source, r)
        m = rx.search(text(v)) if v is not None else None
        if m:
            for i, n in enumerate(names):
                r[n] = m.group(n) if kind == "re" else m.group(i + 1)
    return rows


DEFAULT_COLUMNS = ["@timestamp", "@message"]


def run(query: str, events: list, limit: int | None = None):
    """Rows (lists of {field, value}) as GetQueryResults returns them, and
    statistics. `events` are records (see `record`)."""
    rows = [dict(r) for r in events]
    scanned = len(rows)
    columns = None
    aggregated = False
    matched = None  # records that reached the first stats or limit, as Logs Insights counts them
    for stage in split_stages(query):
        m = re.match(r"([A-Za-z_]+)\s*(.*)", stage, re.S)
        if not m:
            raise QueryError(f"not a command: {stage!r}")
        command, args = m.group(1).lower(), m.group(2).strip()
        if command == "fields":
            t = Tokens(args)
            pairs = named_list(t)
            t.end("fields")
            for r in rows:
                for name, e in pairs:
                    v = evaluate(e, r)
                    if v is not None:
                        r[name] = v
            columns = (columns or []) + [n for n, _ in pairs if n not in (columns or [])]
        elif command == "display":
            columns = [n for n, _ in named_list(Tokens(args))]
        elif command == "filter":
            t = Tokens(args)
            e = parse_expr(t)
            t.end("filter")
            rows = [r for r in rows if truthy(evaluate(e, r))]
        elif command == "stats":
            if matched is None:
                matched = len(rows)
            rows, columns = stats(args, rows)
            aggregated = True
        elif command == "sort":
            rows = sort_rows(args, rows)
        elif command == "limit":
            if matched is None:
                matched = len(rows)
            rows = rows[: int(args)]
        elif command == "dedup":
            seen, kept = set(), []
            fields = [n for n, _ in named_list(Tokens(args))]
            for r in rows:
                key = tuple(text(r.get(f)) for f in fields)
                if key not in seen:
                    seen.add(key)
                    kept.append(r)
            rows = kept
        elif command == "parse":
            rows = parse_command(args, rows)
        else:
            raise QueryError(f"unknown command {command}")
    if matched is None:
        matched = len(rows)
    if limit:
        rows = rows[:limit]
    columns = columns or DEFAULT_COLUMNS
    results = []
    for n, r in enumerate(rows):
        cells = []
        for c in columns:
            v = r.get(c)
            if v is None:
                continue
            if c in ("@timestamp", "@ingestionTime") and isinstance(v, int) and not aggregated:
                v = timestamp_text(v)
            cells.append({"field": c, "value": text(v)})
        if not aggregated:
            cells.append({"field": "@ptr", "value": f"ptr-{n}"})
        results.append(cells)
    return results, {"recordsMatched": float(matched), "recordsScanned": float(scanned), "bytesScanned": 0.0}
