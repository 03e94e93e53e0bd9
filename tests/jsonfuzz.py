"""Structural mutations of valid JSON lines, for the parser fuzzes of
tests/test_trace.py (trace headers and records) and tests/test_adapter.py (adapter
responses).

``mutated_line(obj)`` draws one line made from the JSON object ``obj`` (a valid line
of the format under test): a value somewhere in it nested deeper and deeper, replaced
by a value of another JSON type, grown (huge numbers, long strings, long lists),
dropped, duplicated or joined by an unknown key; then, or instead, the text itself
written otherwise (spaces, indentation, escapes), cut short, or given bytes that are
not ASCII or not UTF-8 (a byte-order mark, invalid sequences, raw non-ASCII
characters, control characters).  The result is bytes, ending in a newline unless it
was cut.  Huge fragments are spliced into the text, never built as Python objects,
so that drawing them needs no recursion either.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

_MARK = "\ue000"        # placeholder values and keys, replaced in the text
SHALLOW = (2, 3, 15, 16, 17, 31, 32, 33)      # about the readers' bounds (16, 32)
DEEP = (1_000, 100_000)                       # beyond the interpreter's recursion limit
SIZES = (0, 1, 17, 4_300, 4_301, 100_000)     # 4,300: the digits int() converts
# One mutation of the object, or of the text alone; the kinds that reach past a
# bound come more than once, so that 200 examples try each of them several times.
PLANS = ("nest-deep", "nest-deep", "nest-deep", "nest", "nest", "number", "number",
         "string", "list", "other", "other", "drop", "duplicate", "add-key", "text", "text",
         "text")
TEXTUAL = ("spaced", "indented", "escaped", "cut", "insert", "insert", "bom", "crlf")
JUNK = (b"\xff", b"\xc3", b"\xc3\xa9", b"\xe2\x82", b"\x00", b"\r", b"\t", b" ", b"\x85",
        "\u2028".encode(), b"\xed\xa0\x80")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(1 << 70), max_value=1 << 70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.text(alphabet="0123456789ABCDEFabcdef", max_size=20))
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) |
    st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=8)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in ``obj`` (the root is the empty path)."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:20]):      # long lists: their first elements
            out += _paths(v, (*prefix, i))
    return out


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        obj = obj[k]
    return obj


def _fragment(draw: st.DrawFn, plan: str, value: Any) -> str:
    """JSON text to stand for ``value``: deeper, bigger, or of another kind."""
    text = json.dumps(value, separators=(",", ":"))
    if plan in ("nest-deep", "nest"):
        n = draw(st.sampled_from(DEEP if plan == "nest-deep" else SHALLOW))
        if draw(st.booleans()):
            return "[" * n + text + "]" * n
        return '{"a":' * n + text + "}" * n
    size = draw(st.sampled_from(SIZES))
    if plan == "number":
        return draw(st.sampled_from(["-", ""])) + "9" * max(size, 1) + \
            draw(st.sampled_from(["", ".5", "e400", "e-400", "E+2"]))
    if plan == "string":
        return '"' + draw(st.sampled_from(["A", "0", "\\u00e9", "\\\\", "\u00e9", " "])) \
            * size + '"'
    if plan == "list":    # long, up to about a million characters
        return "[" + ",".join([text] * min(size, 1 + 1_000_000 // len(text))) + "]"
    return json.dumps(draw(values), separators=(",", ":"))


@st.composite
def mutated_line(draw: st.DrawFn, original: dict[str, Any]) -> bytes:
    obj = copy.deepcopy(original)
    fragments: dict[str, str] = {}
    keys: dict[str, str] = {}
    plan = draw(st.sampled_from(PLANS))
    if plan != "text":
        path = draw(st.sampled_from(_paths(obj)))
        parent = _get(obj, path[:-1]) if path else None
        if plan in ("drop", "duplicate", "add-key") and parent is None:
            plan = "other"
        if plan == "drop":
            del parent[path[-1]]
        elif plan in ("duplicate", "add-key") and isinstance(parent, dict):
            # a key given twice (its value, or another), or a key the format lacks
            mark = f"{_MARK}k{len(keys)}"
            keys[mark] = path[-1] if plan == "duplicate" else draw(st.text(max_size=6))
            parent[mark] = draw(st.one_of(st.just(parent[path[-1]]), values))
        elif plan in ("duplicate", "add-key"):
            parent.insert(path[-1], parent[path[-1]])
        else:
            mark = f"{_MARK}{len(fragments)}"
            fragments[mark] = _fragment(draw, plan, _get(obj, path))
            if parent is None:
                obj = mark
            else:
                parent[path[-1]] = mark
    text = json.dumps(obj, separators=(",", ":"))
    for mark, fragment in fragments.items():
        text = text.replace(json.dumps(mark), fragment)
    for mark, key in keys.items():
        text = text.replace(json.dumps(mark), json.dumps(key))
    line = (text + "\n").encode("utf-8")
    textual = draw(st.sampled_from(TEXTUAL)) if plan == "text" or draw(st.integers(0, 3)) == 0 \
        else "none"
    if textual in ("spaced", "indented", "escaped") and not fragments and not keys:
        if textual == "spaced":
            line = (json.dumps(obj) + "\n").encode()
        elif textual == "indented":
            line = (json.dumps(obj, indent=1) + "\n").encode()
        else:
            line = (json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
                    .replace("0", "\\u0030", 1) + "\n").encode("utf-8")
    elif textual == "cut":
        line = line[:draw(st.integers(0, len(line) - 1))]
    elif textual in ("insert", "spaced", "indented", "escaped"):
        at = draw(st.integers(0, len(line) - 1))
        line = line[:at] + draw(st.sampled_from(JUNK)) + line[at:]
    elif textual == "bom":
        line = b"\xef\xbb\xbf" + line
    elif textual == "crlf":
        line = line[:-1] + b"\r\n"
    return line
