"""Comparing traces: ``diff_files`` (two traces, line by line) and ``verify_file``
(a trace against the reference replaying the run its header describes); both
name the first place where the two part (``Divergence``).

Comparing traces is comparing lines: every line is in the format's one canonical
form, so two runs that behave alike give equal text, and a line is parsed only
where the two differ (and where a scan without parsing cannot show it to be one
record line in compact form).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from reference.arch.lowcore import MASK24
from reference.asm.disassembler import format_instruction
from reference.machine.cpu import StorageSizeError
from reference.trace.files import TraceReader, resolve_image
from reference.trace.format import (
    FOOTER_KEYS,
    HEADER_KEYS,
    RECORD_KEYS,
    TraceError,
    parse_line,
)
from reference.trace.recorder import record
from reference.vm.vmcp import VMCPError


@dataclass
class Divergence:
    """The first place two traces part."""

    step: int | None
    field: str
    a: str
    b: str
    line: int
    context: list[str] = dc_field(default_factory=list)   # the records before, from A
    record_a: str = ""
    record_b: str = ""
    instruction: str = ""

    def report(self, name_a: str, name_b: str) -> str:
        where = f"step {self.step}" if self.step is not None else "the header"
        out = [f"first divergence at {where} (line {self.line}): {self.field}",
               f"  {name_a}: {self.a}", f"  {name_b}: {self.b}"]
        if self.instruction:
            out.append(f"  instruction {self.instruction}")
        if self.context:
            out.append("  context:")
            out += [f"    {c.rstrip()}" for c in self.context]
        out.append(f"  {name_a}> {self.record_a.rstrip()}")
        out.append(f"  {name_b}> {self.record_b.rstrip()}")
        return "\n".join(out)


def _show(v: object) -> str:
    if v is None:
        return "(absent)"
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def first_field_difference(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, str, str]:
    """(field, value in a, value in b) of the first difference of two records, in
    the format's key order; maps and the interruption compare entry by entry."""
    order = list(dict.fromkeys([*RECORD_KEYS, *HEADER_KEYS, *FOOTER_KEYS, *a, *b]))
    for k in order:
        x, y = a.get(k), b.get(k)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            for sub in list(dict.fromkeys([*x, *y])):
                if x.get(sub) != y.get(sub):
                    return f"{k}.{sub}", _show(x.get(sub)), _show(y.get(sub))
        if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y)):
                if p != q:
                    return f"{k}[{i}]", _show(p), _show(q)
        return k, _show(x), _show(y)
    return "(text)", "", ""


def _instruction_text(rec: dict[str, Any]) -> str:
    if "b" not in rec or "p" not in rec:
        if rec.get("t") == "i":
            return f"{int(rec['p'], 16) & MASK24:06X}: (not fetched)"
        return ""
    code = bytes.fromhex(rec["b"])
    return f"{int(rec['p'], 16) & MASK24:06X}: {format_instruction(code)}  ({rec['b']})"


def _divergence(path_a: str, line: int, text_a: str, path_b: str, text_b: str,
                context: list[str], line_b: int | None = None) -> Divergence:
    a = parse_line(path_a, line, text_a)
    b = parse_line(path_b, line if line_b is None else line_b, text_b)
    name, x, y = first_field_difference(a, b)
    if a.get("t") != b.get("t"):
        name, x, y = "record", f'{a.get("t")} record', f'{b.get("t")} record'
    step = a.get("n") if isinstance(a.get("n"), int) else None
    instruction = _instruction_text(a) or _instruction_text(b)
    return Divergence(step, name, x, y, line, context[-3:], text_a, text_b, instruction)


_SAME_RUN_FIELDS = ("format", "version", "max_steps", "init")


def _compare_headers(a: dict[str, Any], b: dict[str, Any], text_a: str,
                     text_b: str) -> Divergence | None:
    """Headers agree when the run is the same: image digest, storage, step limit and
    initial state (the mode and where the image is found may differ)."""
    pairs = [(f"image.{k}", a["image"][k], b["image"][k]) for k in ("sha256", "size")]
    pairs.append(("machine.storage", a["machine"]["storage"], b["machine"]["storage"]))
    pairs += [(k, a[k], b[k]) for k in _SAME_RUN_FIELDS]
    for name, x, y in pairs:
        if x != y:
            if isinstance(x, dict) and isinstance(y, dict):
                sub, sx, sy = first_field_difference(x, y)
                return Divergence(None, f"{name}.{sub}", sx, sy, 1, [], text_a, text_b)
            return Divergence(None, name, _show(x), _show(y), 1, [], text_a, text_b)
    return None


def _footer_check(path: str, line: int, last: str | None) -> None:
    if last is None:
        raise TraceError(path, line + 1, "truncated: no records and no footer")
    obj = parse_line(path, line, last)
    if obj.get("t") != "f":
        raise TraceError(path, line + 1, "truncated: the trace ends without a footer")


_NOT_BRACES = bytes(sorted(set(range(256)) - set(b"{}")))


def _compact_records(text: str, count: int) -> bool:
    """Whether ``text``, ``count`` whole lines, is ``count`` record lines in compact
    form as far as a scan without parsing shows: each a JSON object that begins with
    its "t", no array, objects at most two deep, no white space."""
    if not (text.startswith('{"t":"') and text.count('\n{"t":"') == count - 1
            and text.count("}\n") == count and " " not in text and "\t" not in text
            and "\r" not in text and "[" not in text):
        return False
    # The braces alone, without two levels of innermost pairs: nothing is left.
    braces = text.encode("ascii", "replace").translate(None, _NOT_BRACES)
    return not braces.replace(b"{}", b"").replace(b"{}", b"")


def _unshaped(lines: list[str]) -> list[int]:
    """The lines that ``diff`` must parse although the other trace has them too:
    those the scan of ``_compact_records`` does not pass (a footer whose stop reason
    holds a space, and lines that are no records)."""
    if _compact_records("".join(lines), len(lines)):
        return []
    return [i for i, line in enumerate(lines) if not _compact_records(line, 1)]


@dataclass
class DiffResult:
    divergence: Divergence | None
    records: int
    modes: tuple[str, str]


def diff_files(path_a: str | Path, path_b: str | Path, chunk: int = 4096) -> DiffResult:
    """Compare two traces line by line; the first divergence, if any.  Raises
    ``TraceError`` for a malformed, truncated or wrong-version trace."""
    with TraceReader(path_a) as ra, TraceReader(path_b) as rb:
        modes = (ra.header["machine"]["mode"], rb.header["machine"]["mode"])
        d = _compare_headers(ra.header, rb.header, ra.header_line, rb.header_line)
        if d is not None:
            return DiffResult(d, 0, modes)
        prev_a: list[str] = []
        last_a: str | None = None
        last_b: str | None = None
        records = 0
        while True:
            ca, cb = ra.read(chunk), rb.read(chunk)
            k = min(len(ca), len(cb))
            if k and len(ca) != len(cb):   # a read stopped at the end of a block
                ra.unread(len(ca) - k)
                rb.unread(len(cb) - k)
                ca, cb = ca[:k], cb[:k]
            for r, c in ((ra, ca), (rb, cb)):
                start = r.line - len(c)
                for i in _unshaped(c):
                    parse_line(r.path, start + i + 1, c[i])
            if ca == cb:
                if not ca:
                    break
                records += len(ca)
                last_a, last_b = ca[-1], cb[-1]
                prev_a = (prev_a + ca[-3:])[-3:]
                continue
            i = next((i for i, (x, y) in enumerate(zip(ca, cb)) if x != y),
                     min(len(ca), len(cb)))
            line = ra.line - len(ca) + i + 1
            if i >= len(ca) or i >= len(cb):
                # One ends here: it must end with a footer, and then the other has more.
                short, longer = (ra, rb) if i >= len(ca) else (rb, ra)
                last_short = (ca if short is ra else cb)[i - 1] if i else \
                    (last_a if short is ra else last_b)
                _footer_check(short.path, line - 1, last_short)
                extra = (cb if short is ra else ca)[i]
                parse_line(longer.path, line, extra)
                raise TraceError(longer.path, line, "records after the footer")
            context = (prev_a + ca[:i])[-3:]
            return DiffResult(_divergence(ra.path, line, ca[i], rb.path, cb[i], context),
                              records + i, modes)
        _footer_check(ra.path, ra.line, last_a)
        _footer_check(rb.path, rb.line, last_b)
        return DiffResult(None, records, modes)


# ---------------------------------------------------------------------------
# Verify: replay the reference from the header
# ---------------------------------------------------------------------------
class _Diverged(Exception):
    def __init__(self, divergence: Divergence) -> None:
        super().__init__(divergence.field)
        self.divergence = divergence


@dataclass
class VerifyResult:
    divergence: Divergence | None
    records: int


class _Replay:
    """The sink of a replay: each batch of lines the reference records is compared
    with as many lines of the trace."""

    def __init__(self, reader: TraceReader) -> None:
        self.reader = reader
        self.records = 0
        self.previous: list[str] = []
        self.header_seen = False

    def __call__(self, lines: list[str]) -> None:
        reader = self.reader
        if not self.header_seen:
            self.header_seen = True
            # A: the trace, B: the replay (as the report names them)
            d = _compare_headers(reader.header, json.loads(lines[0]), reader.header_line,
                                 lines[0])
            if d is not None:
                raise _Diverged(d)
            lines = lines[1:]
        done = 0
        while done < len(lines):
            got = reader.read(len(lines) - done)
            want = lines[done:done + len(got)]
            if got == want and got:
                self.records += len(got)
                self.previous = (self.previous + got[-3:])[-3:]
                done += len(got)
                continue
            i = next((i for i, (x, y) in enumerate(zip(got, want)) if x != y),
                     len(got))
            line = reader.line - len(got) + i + 1
            if i >= len(got):
                raise TraceError(reader.path, line, "truncated: the trace ends before the "
                                                    "replay does")
            context = (self.previous + got[:i])[-3:]
            self.records += i
            raise _Diverged(_divergence(reader.path, line, got[i], "replay", want[i],
                                        context, line))


def verify_file(path: str | Path, image_path: str | None = None) -> VerifyResult:
    """Replay the reference from the trace's header and compare every record."""
    with TraceReader(path) as reader:
        header = reader.header
        image = resolve_image(reader, image_path)
        storage = header["machine"]["storage"]
        if len(image) > storage:
            raise TraceError(reader.path, 1, "the image is larger than storage")
        replay = _Replay(reader)
        try:
            record(image, storage, header["machine"]["mode"], header["max_steps"], replay,
                   header["image"])
        except _Diverged as e:
            return VerifyResult(e.divergence, replay.records)
        except (StorageSizeError, VMCPError) as e:
            raise TraceError(reader.path, 1, f"the run the header describes is not "
                                             f"possible: {e}") from None
        more = reader.read(1)
        if more:
            parse_line(reader.path, reader.line, more[0])
            raise TraceError(reader.path, reader.line, "records after the footer")
        return VerifyResult(None, replay.records)
