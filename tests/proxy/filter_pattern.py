"""CloudWatch Logs metric filter patterns, evaluated: the adapter serves
TestMetricFilter with this, since the emulator lacks it.

JSON patterns ("Filter pattern syntax for metric filters", CloudWatch Logs
User Guide): `{ SELECTOR OP VALUE }` joined by `&&` and `||` with
parentheses; a selector is `$.a.b` or `$.a[0].b`; `=` and `!=` compare
strings (a `*` in the value is a wildcard) or numbers, `<`, `<=`, `>`, `>=`
numbers; `EXISTS`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`, `IS NULL` test a
field. A bare word on the right is a string. Term patterns (`ERROR -DEBUG`,
`"a b"`, `?x ?y`) match text: every plain term must appear, no `-` term may,
and with `?` terms any one of them will do. An empty pattern matches
everything.
"""

import json
import re

from insights_eval import QueryError as PatternError
from insights_eval import Tokens, number

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})'
    r"|(?P<sel>\$(?:\.[A-Za-z0-9_@\-]+|\[\d+\])*)|(?P<name>[^\s()=!<>&|{}\"]+))"
)


def _tokens(text):
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            if text[i:].strip() == "":
                break
            raise PatternError(f"unexpected {text[i:i + 10]!r}")
        i = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = json.loads(value)
        out.append((kind, value))
    return out


class _Parser(Tokens):
    """The Insights evaluator's token cursor, over this pattern's tokens."""

    def __init__(self, toks):
        self.toks, self.i = toks, 0

    def chain(self, op, tag, operand):
        """`operand (op operand)*`, grouped from the left."""
        left = operand()
        while self.peek() == ("op", op):
            self.take()
            left = (tag, left, operand())
        return left

    def expr(self):
        return self.chain("||", "or", self.conj)

    def conj(self):
        return self.chain("&&", "and", self.atom)

    def atom(self):
        if self.peek() == ("op", "("):
            self.take()
            e = self.expr()
            if self.take() != ("op", ")"):
                raise PatternError("expected )")
            return e
        kind, sel = self.take()
        if kind != "sel":
            raise PatternError(f"expected a $. selector, found {sel!r}")
        if self.word("exists"):
            self.take()
            return ("exists", sel, True)
        if self.word("not") and self.word("exists", k=1):
            self.take(), self.take()
            return ("exists", sel, False)
        if self.word("is"):
            self.take()
            _, what = self.take()
            return ("is", sel, what.upper())
        kind, op = self.take()
        if kind != "op" or op not in ("=", "!=", "<", "<=", ">", ">="):
            raise PatternError(f"expected a comparison after {sel}")
        kind, value = self.take()
        if kind not in ("str", "name"):
            raise PatternError(f"expected a value after {op}")
        return ("cmp", sel, op, value, kind == "str")


def _select(doc, sel):
    """The value at `sel`, or a sentinel when the path does not exist."""
    cur = doc
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", sel[1:]):
        key, index = part
        if key:
            if not isinstance(cur, dict) or key not in cur:
                return _MISSING
            cur = cur[key]
        else:
            i = int(index)
            if not isinstance(cur, list) or i >= len(cur):
                return _MISSING
            cur = cur[i]
    return cur


_MISSING = object()


def _equal(actual, value, quoted):
    if actual is _MISSING or actual is None or isinstance(actual, (dict, list)):
        return False
    if not quoted and number(value) is not None and number(actual) is not None:
        return number(actual) == number(value)
    text = json.dumps(actual) if isinstance(actual, bool) else str(actual)
    if "*" in value:
        return re.fullmatch(".*".join(re.escape(p) for p in value.split("*")), text, re.S) is not None
    return text == value


def _holds(node, doc):
    tag = node[0]
    if tag == "or":
        return _holds(node[1], doc) or _holds(node[2], doc)
    if tag == "and":
        return _holds(node[1], doc) and _holds(node[2], doc)
    if tag == "exists":
        return (_select(doc, node[1]) is not _MISSING) == node[2]
    if tag == "is":
        v = _select(doc, node[1])
        return {"TRUE": v is True, "FALSE": v is False, "NULL": v is None}.get(node[2], False)
    _, sel, op, value, quoted = node
    actual = _select(doc, sel)
    if op == "=":
        return _equal(actual, value, quoted)
    if op == "!=":
        # A field that is not there is not equal to anything.
        return actual is not _MISSING and not _equal(actual, value, quoted)
    a, b = number(actual) if actual is not _MISSING else None, number(value)
    if a is None or b is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _terms_match(pattern, message):
    terms = re.findall(r'[-?]?"[^"]*"|\S+', pattern)
    required, optional = [], []
    for t in terms:
        sign = t[0] if t[0] in "-?" else ""
        word = t[len(sign):].strip('"')
        if sign == "-":
            if word in message:
                return False
        elif sign == "?":
            optional.append(word)
        else:
            required.append(word)
    if optional and not any(w in message for w in optional):
        return False
    return all(w in message for w in required)


def matches(pattern, message):
    """Whether the log event `message` matches the filter `pattern`."""
    text = pattern.strip()
    if not text:
        return True
    if text.startswith("{"):
        toks = _tokens(text)
        if toks[0] != ("op", "{") or toks[-1] != ("op", "}"):
            raise PatternError("a JSON pattern is { ... }")
        p = _Parser(toks[1:-1])
        tree = p.expr()
        if p.peek()[0] is not None:
            raise PatternError(f"unexpected {p.peek()[1]!r}")
        try:
            doc = json.loads(message)
        except ValueError:
            return False
        return _holds(tree, doc)
    if text.startswith("["):
        raise PatternError("space-delimited patterns are not evaluated here")
    return _terms_match(text, message)


def test_metric_filter(req):
    """TestMetricFilter: which of the messages the pattern matches."""
    pattern = req.get("filterPattern", "")
    out = []
    for n, message in enumerate(req.get("logEventMessages", []), start=1):
        if matches(pattern, message):
            out.append({"eventNumber": n, "eventMessage": message, "extractedValues": {}})
    return {"matches": out}
