"""Bad input to the parsers of the ``s370`` command: machine configurations
(docs/configuration.md), VMCP directories (docs/vmcp.md) and assembler sources.

The contract (README.md, "s370 run"): bad input gets one line on standard error
naming the place and the problem, and exit status 2; never a traceback, never a
hang.  The fuzz tests start from the valid inputs of the project (examples/,
conformance/programs/io/*.toml, the corpus programs), mutate them structurally
(nesting, values replaced by other TOML types, sizes, encodings, dropped and
duplicated keys, tables and lines, truncation) and run each through the command
in-process, in a temporary directory, with few steps: the run ends with exit 0, or
with exactly one line on standard error and exit 2 (``s370 vmcp`` and ``s370 run
--under vmcp`` may also end with 3 when spooled output could not be delivered).

Each fuzz runs ``tests.support.fuzz_examples()`` examples: 200, or the number in
the environment variable ``S370_FUZZ_EXAMPLES`` (``S370_FUZZ_EXAMPLES=10000 pytest
tests/test_bad_input.py`` for a long campaign).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from reference.cli.main import main
from reference.io import dasd
from reference.io.config import MAX_TOML_BYTES, MAX_TOML_NESTING, _toml_nesting
from tests.support import fuzz_examples, within, working_directory

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
IO = REPO / "conformance" / "programs" / "io"
HANG_SECONDS = 120
MAX_STEPS = "300"


# ---------------------------------------------------------------------------
# Running the command
# ---------------------------------------------------------------------------
def run_cli(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``s370 ARGV`` in ``cwd``."""
    out, err = io.StringIO(), io.StringIO()
    with working_directory(cwd), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err), within(HANG_SECONDS):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def assert_clean_end(status: int, err: str, undelivered: bool = False) -> None:
    """Exit 0 and nothing on standard error, or one line on it and exit 2 (or, where
    ``undelivered``, exit 3 with a line per spool file kept)."""
    event(f"exit {status}")      # --hypothesis-show-statistics shows the mix
    assert "Traceback" not in err
    if status == 0:
        assert err == ""
    elif status == 2:
        assert err.endswith("\n") and err.count("\n") == 1 and ": " in err, err
    else:
        assert status == 3 and undelivered, (status, err)
        assert err and all("output kept in" in line for line in err.splitlines()), err


def one_line_error(argv: list[str], cwd: Path) -> str:
    """The one line on standard error of a command that must end with exit 2."""
    status, _, err = run_cli(argv, cwd)
    assert status == 2, (status, err)
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.rstrip("\n")


# ---------------------------------------------------------------------------
# Nesting, sizes and encodings of TOML files
# ---------------------------------------------------------------------------
def cards_setup(tmp_path: Path, config: str | bytes) -> list[str]:
    """examples/cards.toml's neighbours in tmp_path and ``config`` as cfg.toml: the
    arguments of a native run of the cards example with it."""
    for name in ("cards_to_printer.asm", "cards.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    cfg = tmp_path / "cfg.toml"
    if isinstance(config, str):
        cfg.write_text(config, encoding="utf-8")
    else:
        cfg.write_bytes(config)
    return ["run", "cards_to_printer.asm", "--config", "cfg.toml", "--max-steps", MAX_STEPS]


CARDS = (EXAMPLES / "cards.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", [
    "[" * 10_000 + "]" * 10_000,
    "{a = " * 10_000 + "1" + "}" * 10_000,
    "[{a = " * 5_000 + "1" + "}]" * 5_000,
], ids=["arrays", "inline-tables", "both"])
def test_value_nested_thousands_deep_in_configuration_is_one_line_error(tmp_path, value):
    # examples/cards.toml has 12 lines; the value is on line 13.
    err = one_line_error(cards_setup(tmp_path, CARDS + f"attention = {value}\n"), tmp_path)
    assert err == (f"cfg.toml:13: nested more than {MAX_TOML_NESTING} levels deep (arrays, "
                   "inline tables, parts of keys and table headers)")


@pytest.mark.parametrize("line", [
    "format" + ".a" * 10_000 + " = 1",              # a dotted key: tables in tables
    "[" + ".".join(["device"] * 10_000) + "]",      # a table header of 10,000 parts
    "[[" + ".".join(["device"] * 10_000) + "]]",
], ids=["dotted-key", "table-header", "array-of-tables-header"])
def test_key_of_thousands_of_parts_in_configuration_is_one_line_error(tmp_path, line):
    err = one_line_error(cards_setup(tmp_path, CARDS + line + "\n"), tmp_path)
    assert err.startswith("cfg.toml:13: nested more than 64 levels deep")


def test_directory_nested_thousands_deep_is_one_line_error(tmp_path):
    directory = copy_examples(tmp_path)
    text = directory.read_text(encoding="utf-8").splitlines()
    # Line 32 (alpha's printer: file = "alpha.prt") gets a deep value instead.
    assert text[31].strip() == 'file = "alpha.prt"'
    text[31] = "  file = " + "[" * 50_000 + "]" * 50_000
    directory.write_text("\n".join(text) + "\n", encoding="utf-8")
    err = one_line_error(["vmcp", "--directory", str(directory)], tmp_path)
    assert err == (f"{directory}:32: nested more than 64 levels deep (arrays, inline "
                   "tables, parts of keys and table headers)")


@pytest.mark.parametrize("levels, nested", [(MAX_TOML_NESTING, False),
                                            (MAX_TOML_NESTING + 1, True)])
def test_nesting_limit_counts_each_array_as_a_level(tmp_path, levels, nested):
    # A key of the top-level table holding `levels` arrays: `levels` levels
    # (docs/configuration.md).  Within the limit the file is read, and its unknown
    # key is the error.
    text = "x = " + "[" * levels + "]" * levels + "\n"
    err = one_line_error(cards_setup(tmp_path, text), tmp_path)
    if nested:
        assert err.startswith("cfg.toml:1: nested more than 64 levels deep")
    else:
        assert err == "cfg.toml:1: unknown key 'x' (storage, floating_point, [[device]])"


def test_brackets_in_strings_and_comments_are_not_nesting(tmp_path):
    deep = "[{" * 1000
    text = CARDS.replace('file = "cards_to_printer.prt"',
                         f'file = "{deep}.prt"   # {deep}\n'
                         f"# {deep}\n"
                         f"format = '{deep}'\n"
                         f'storage2 = """\n{deep}\n"""\n'
                         f"storage3 = '''{deep}\n'''")
    # The scan reads past every bracket in strings and comments, so tomllib's
    # verdict stands: the printer has no key format, the first error in the table.
    err = one_line_error(cards_setup(tmp_path, text), tmp_path)
    assert err == "cfg.toml:14: 1403: unknown key 'format' (file)"


def _depth(value: object) -> int:
    """How many tables and arrays nest in ``value`` below the top-level table."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


# Pieces of nested values and the levels each opens: an array or inline table is
# one, and so is each dot of a bare key (not of a quoted one).
_LEVELS = {"[": 1, "{x = ": 1, "[{y.z = ": 3, '{"q.r" = [': 2}
_nest_parts = st.lists(st.sampled_from(sorted(_LEVELS)), min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(key_parts=st.integers(1, 30), header_parts=st.integers(0, 30),
       double=st.booleans(), opening=_nest_parts)
def test_the_scan_counts_no_fewer_levels_than_tomllib_builds(key_parts, header_parts,
                                                             double, opening):
    # tomllib is the independent judge of how deep a text nests: whenever the scan
    # lets a text through, what tomllib builds from it is within the limit, and
    # whenever the scan counts within the limit the count is no smaller than the
    # depth built.
    closing = "".join({"[": "]", "{x = ": "}", "[{y.z = ": "}]",
                       '{"q.r" = [': "]}"}[p] for p in reversed(opening))
    inner = "1" if not opening or opening[-1] != "[" else "1, 2"
    header = ""
    if header_parts:
        name = ".".join(f"h{i}" for i in range(header_parts))
        header = f"[[{name}]]\n" if double else f"[{name}]\n"
    key = ".".join(f"k{i}" for i in range(key_parts))
    text = f"# comment [[[\n{header}{key} = {''.join(opening)}{inner}{closing}\n"
    depth = _depth(tomllib.loads(text))
    line = _toml_nesting(text)
    if line is None:
        assert depth <= MAX_TOML_NESTING
    if depth > MAX_TOML_NESTING:
        assert line is not None
    counted = header_parts + double + key_parts - 1 + sum(_LEVELS[p] for p in opening)
    assert (line is not None) == (counted > MAX_TOML_NESTING)
    assert counted >= depth


def test_integer_of_5000_digits_in_configuration_is_one_line_error(tmp_path):
    err = one_line_error(cards_setup(tmp_path, CARDS + "attention = [" + "9" * 5000 + "]\n"),
                         tmp_path)
    assert err == f"cfg.toml:13: integer of more than {sys.get_int_max_str_digits()} digits"


@pytest.mark.parametrize("storage, problem", [
    ("9" * 5000 + "K", "must be a multiple of 2K from 64K to 16M"),
    ("١٢٨K", "not a size"),                       # digits, but not 0-9
], ids=["5000-digits", "arabic-indic-digits"])
def test_storage_of_5000_digits_or_other_digits_is_one_line_error(tmp_path, storage, problem):
    text = CARDS.replace('storage = "256K"', f'storage = "{storage}"')
    err = one_line_error(cards_setup(tmp_path, text), tmp_path)
    assert err.startswith("cfg.toml:2: storage ") and problem in err


def test_configuration_larger_than_the_bound_is_one_line_error(tmp_path):
    padding = ("#" * 99 + "\n") * (MAX_TOML_BYTES // 100 + 1)
    err = one_line_error(cards_setup(tmp_path, CARDS + padding), tmp_path)
    assert err == f"cfg.toml:1: larger than {MAX_TOML_BYTES} bytes"


def test_invalid_utf8_in_configuration_names_its_line(tmp_path):
    data = CARDS.encode() + b'file2 = "\xff"\n'
    err = one_line_error(cards_setup(tmp_path, data), tmp_path)
    assert err == "cfg.toml:13: not UTF-8 text (invalid start byte)"


def test_attention_time_true_is_one_line_error(tmp_path):
    # A TOML boolean is no machine time (docs/configuration.md: a list of times in
    # microseconds), though Python counts True as the integer 1.
    text = CARDS.replace('storage = "256K"', 'storage = "256K"\n\n[[device]]\n'
                         'address = "009"\ntype = "3215"\nattention = [true]')
    err = one_line_error(cards_setup(tmp_path, text), tmp_path)
    assert err == "cfg.toml:7: attention: a list of machine times in microseconds"


def test_max_steps_true_in_directory_is_one_line_error(tmp_path):
    directory = copy_examples(tmp_path)
    text = directory.read_text(encoding="utf-8")
    directory.write_text(text.replace('name = "beta"', 'name = "beta"\nmax_steps = true'),
                         encoding="utf-8")
    err = one_line_error(["vmcp", "--directory", str(directory)], tmp_path)
    assert err == f"{directory}:36: max_steps True: a number of instructions"


def _limited_memory() -> None:
    """In the child: at most 1G of address space, so that reading without bound
    ends in MemoryError instead of exhausting the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("argv", [
    ["run", "/dev/null", "--config", "/dev/zero"],
    ["vmcp", "--directory", "/dev/zero"],
])
def test_endless_configuration_file_is_refused_after_its_bound(argv):
    done = subprocess.run([sys.executable, "-m", "reference.cli", *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_limited_memory)
    assert (done.returncode, done.stderr) == (
        2, f"/dev/zero:1: larger than {MAX_TOML_BYTES} bytes\n")


# ---------------------------------------------------------------------------
# Fuzz: the valid inputs
# ---------------------------------------------------------------------------
def _without_comments(text: str) -> str:
    """The text without its comments (a '#' after an even number of quotes), so
    that no mutation can turn a comment's '/' into a file name."""
    out = []
    for line in text.splitlines():
        for i, ch in enumerate(line):
            if ch == "#" and line[:i].count('"') % 2 == 0 and line[:i].count("'") % 2 == 0:
                line = line[:i].rstrip()
                break
        out.append(line)
    return "\n".join(out) + "\n"


def _io_configuration(name: str) -> str:
    """The machine configuration in conformance/programs/io/NAME.toml: its storage
    and its [[device]] tables."""
    text = _without_comments((IO / f"{name}.toml").read_text(encoding="utf-8"))
    storage = tomllib.loads(text)["program"].get("storage", "64K")
    keep, inside = [f'storage = "{storage}"', ""], False
    for line in text.splitlines():
        if line.startswith("["):
            inside = line.startswith("[[device]]")
        if inside:
            keep.append(line)
    return "\n".join(keep) + "\n"


# (configuration text, the arguments of `s370 run` before --config)
CONFIGURATIONS: list[tuple[str, list[str]]] = [
    (_without_comments(CARDS), ["cards_to_printer.asm"]),
    (_io_configuration("cards"), ["cards.asm"]),
    (_io_configuration("console"), ["console.asm"]),
    (_io_configuration("disk"), ["disk.asm"]),
    (_io_configuration("ipl"), ["--ipl", "00C"]),
]
DIRECTORIES: list[str] = [
    _without_comments((EXAMPLES / "directory.toml").read_text(encoding="utf-8")),
    # The same run by interpretive execution (the directory's execution key).
    'execution = "sie"\n'
    + _without_comments((EXAMPLES / "directory.toml").read_text(encoding="utf-8")),
    # A VM loaded by IPL from its spooled reader, with a console.
    '[[vm]]\nname = "ipl"\nipl = "00C"\nstorage = "64K"\n\n  [[vm.device]]\n'
    '  address = "00C"\n  type = "2540R"\n  file = "ipl.deck"\n  format = "binary"\n\n'
    '  [[vm.device]]\n  address = "009"\n  type = "3215"\n  input = "console.in"\n'
    '  output = "console.txt"\n',
]
SOURCES = sorted(EXAMPLES.glob("*.asm")) + sorted((REPO / "conformance" / "programs")
                                                  .glob("**/*.asm"))
# The files that the configurations and directories above name.
INPUT_FILES = [EXAMPLES / n for n in ("cards.txt", "cards_to_printer.asm", "disk_to_printer.asm",
                                      "hello.asm", "pack.img")] + \
    [IO / n for n in ("cards.asm", "console.asm", "console.in", "deck.txt", "disk.asm",
                      "disk16.img", "ipl.asm", "ipl.deck")]
FILE_NAMES = sorted({p.name for p in INPUT_FILES}) + ["out.prt", "", ".", "..", "missing.txt"]
for _text, _ in CONFIGURATIONS:
    assert "/" not in _text and "\\" not in _text
for _text in DIRECTORIES:
    assert "/" not in _text and "\\" not in _text


def copy_examples(tmp_path: Path) -> Path:
    """examples/ and conformance/programs/io/ (but their TOML files) in tmp_path;
    the path of a copy of examples/directory.toml there."""
    for p in INPUT_FILES:
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(EXAMPLES / "directory.toml", tmp_path / "directory.toml")
    return tmp_path / "directory.toml"


# ---------------------------------------------------------------------------
# Fuzz: mutations of TOML text
# ---------------------------------------------------------------------------
# No '/' or '\\' in generated text: every file name a mutation makes stays in the
# temporary directory.
_SAFE_CHARS = st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",))
_KEYS = ["storage", "device", "address", "type", "file", "format", "eof", "output", "input",
         "attention", "disk", "vm", "name", "program", "ipl", "share", "max_steps", "start",
         "blocks", "colour", "x", "execution"]
_WORDS = ["00C", "00E", "009", "00D", "150", "130", "191", "1F", "FFFF", "20FF", "2000",
          "3215", "2540R", "2540P", "1403", "3370", "MDISK", "mdisk", "text", "binary",
          "64K", "16M", "17M", "0", "2K", "1", "256K", "trap", "assist", "sie"]
_HEADERS = ["[[device]]", "[device]", "[[vm]]", "[vm]", "[[vm.device]]", "[vm.device]",
            "[[disk]]", "[disk]", "[program]", "[[device.x]]", "[x]", "[[x]]", "[storage]"]
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\"'.-]+)\s*=")


def _basic(text: str) -> str:
    """A TOML basic string holding ``text`` (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


_strings = st.one_of(
    st.text(_SAFE_CHARS, max_size=20),
    st.sampled_from(FILE_NAMES + _WORDS),
    st.integers(0, 70_000).map(lambda n: "A" * n),
)
_scalars = st.one_of(
    st.integers(-(2 ** 70), 2 ** 70).map(str),
    st.integers(0, 20).map(str),
    st.integers(4000, 5000).map(lambda n: "9" * n),
    st.sampled_from(["0x7FFFFFFF", "0o777", "0b101", "+inf", "nan", "1e400", "-0.0", "3.5",
                     "true", "false", "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27",
                     "1_000", "-1", "10000000000"]),
    _strings.map(_basic),
    _strings.map(lambda s: "'" + re.sub("['\n\r]", "", s) + "'"),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4).map(
            lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}")),
    max_leaves=12)
_depths = st.one_of(st.sampled_from([MAX_TOML_NESTING - 2, MAX_TOML_NESTING - 1,
                                     MAX_TOML_NESTING, MAX_TOML_NESTING + 1, 1000, 100_000]),
                    st.integers(1, 3000))


def _deep_value(draw: st.DrawFn) -> str:
    n = draw(_depths)
    kind = draw(st.sampled_from(["array", "table", "mixed"]))
    if kind == "array":
        return "[" * n + draw(_scalars) + "]" * n
    if kind == "table":
        return "{a = " * n + draw(_scalars) + "}" * n
    return "[{a = " * n + "1" + "}]" * n


Lines = list[str]


def _pick(draw: st.DrawFn, lines: Lines) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


def _key_lines(lines: Lines) -> list[int]:
    return [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]


def _blocks(lines: Lines) -> list[tuple[int, int]]:
    """(first, end) of each table: a header line up to the next header."""
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("[")]
    return list(zip(starts, starts[1:] + [len(lines)]))


def m_replace_value(draw: st.DrawFn, lines: Lines) -> Lines:
    keyed = _key_lines(lines)
    if keyed:
        i = draw(st.sampled_from(keyed))
        m = _KEY_LINE.match(lines[i])
        assert m is not None
        value = _deep_value(draw) if draw(st.integers(0, 9)) == 0 else draw(_values)
        lines[i] = f"{m.group(0)} {value}"
    return lines


def m_insert_key(draw: st.DrawFn, lines: Lines) -> Lines:
    key = draw(st.sampled_from(_KEYS))
    if draw(st.integers(0, 9)) == 0:
        key = ".".join([key] * draw(_depths))
    lines.insert(_pick(draw, lines) + 1, f"{key} = {draw(_values)}")
    return lines


def m_drop_line(draw: st.DrawFn, lines: Lines) -> Lines:
    if lines:
        del lines[_pick(draw, lines)]
    return lines


def m_duplicate_line(draw: st.DrawFn, lines: Lines) -> Lines:
    if lines:
        i = _pick(draw, lines)
        lines.insert(draw(st.integers(0, len(lines))), lines[i])
    return lines


def m_duplicate_table(draw: st.DrawFn, lines: Lines) -> Lines:
    """A table copied up to 300 times, with its address changed in each copy
    or not: many devices, many VMs, duplicated addresses and names."""
    blocks = _blocks(lines)
    if not blocks:
        return lines
    first, end = draw(st.sampled_from(blocks))
    copies = draw(st.one_of(st.integers(1, 3), st.integers(4, 300)))
    renumber = draw(st.booleans())
    added: Lines = []
    for n in range(copies):
        for line in lines[first:end]:
            if renumber and re.match(r"\s*address\s*=", line):
                line = f'address = "{(0x100 + n) % 0x2000:03X}"'
            elif renumber and re.match(r"\s*name\s*=", line):
                line = f'name = "v{n}"'
            added.append(line)
    return lines[:end] + added + lines[end:]


def m_drop_table(draw: st.DrawFn, lines: Lines) -> Lines:
    blocks = _blocks(lines)
    if blocks:
        first, end = draw(st.sampled_from(blocks))
        del lines[first:end]
    return lines


def m_header(draw: st.DrawFn, lines: Lines) -> Lines:
    heads = [i for i, line in enumerate(lines) if line.lstrip().startswith("[")]
    if heads:
        i = draw(st.sampled_from(heads))
        if draw(st.integers(0, 9)) == 0:
            lines[i] = "[" + ".".join(["vm"] * draw(_depths)) + "]"
        else:
            lines[i] = draw(st.sampled_from(_HEADERS))
    return lines


def m_insert_text(draw: st.DrawFn, lines: Lines) -> Lines:
    if lines:
        i = _pick(draw, lines)
        j = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:j] + draw(st.text(_SAFE_CHARS, min_size=1, max_size=12)) \
            + lines[i][j:]
    return lines


def m_truncate(draw: st.DrawFn, lines: Lines) -> Lines:
    if lines:
        i = _pick(draw, lines)
        lines = lines[:i + 1]
        lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
    return lines


# Values each key takes in a valid file, for mutations that keep a file valid (or
# nearly), so that runs go past the checks too.
_VALID = {
    "storage": ['"64K"', '"2M"', '"16M"', '"256K"', "65536"],
    "address": ['"00C"', '"00E"', '"009"', '"00D"', '"150"', '"1FF"', '"FFF"', '"191"'],
    "type": ['"3215"', '"2540R"', '"2540P"', '"1403"', '"3370"', '"MDISK"'],
    "file": [_basic(n) for n in FILE_NAMES], "output": ['"console.txt"', '"out.prt"'],
    "input": ['"console.in"', '"cards.txt"'], "format": ['"text"', '"binary"'],
    "eof": ["true", "false"], "attention": ["[]", "[0]", "[100, 5000]"],
    "name": ['"a"', '"b1"', '"alpha"'], "ipl": ['"00C"', '"009"'],
    "program": ['"hello.asm"', '"cards_to_printer.asm"', '"disk_to_printer.asm"'],
    "share": ["1", "10", "10000"], "max_steps": ["0", "100", "5000"],
    "start": ["0", "1", "7"], "blocks": ["1", "4", "8"], "disk": ['"130"', '"131"'],
    "execution": ['"trap"', '"assist"', '"sie"'],
}


def m_valid_value(draw: st.DrawFn, lines: Lines) -> Lines:
    keyed = [i for i in _key_lines(lines) if lines[i].split("=")[0].strip() in _VALID]
    if keyed:
        i = draw(st.sampled_from(keyed))
        key = lines[i].split("=")[0].strip()
        lines[i] = f"{key} = {draw(st.sampled_from(_VALID[key]))}"
    return lines


TOML_MUTATIONS: list[Callable[[st.DrawFn, Lines], Lines]] = [
    m_valid_value, m_valid_value, m_valid_value, m_replace_value, m_replace_value,
    m_insert_key, m_drop_line, m_duplicate_line, m_duplicate_table, m_drop_table, m_header,
    m_insert_text, m_truncate]


def _encode(draw: st.DrawFn, text: str) -> bytes:
    """The text as UTF-8 mostly; sometimes with a byte-order mark, in UTF-16 or
    Latin-1, or with bytes that are not UTF-8 (or NUL) put in."""
    how = draw(st.sampled_from(["utf-8"] * 12 + ["bom", "utf-16", "latin-1", "bytes"]))
    if how == "utf-8":
        return text.encode()
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "latin-1":
        return (text + "é").encode("latin-1", "replace")
    data = text.encode()
    at = draw(st.integers(0, len(data)))
    bad = draw(st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\x00", b"\xc0\xaf"]))
    return data[:at] + bad + data[at:]


@st.composite
def mutated_toml(draw: st.DrawFn, base: str) -> bytes:
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(st.sampled_from(TOML_MUTATIONS))(draw, lines)
    return _encode(draw, "\n".join(lines) + "\n")


def _safe_to_run(data: bytes) -> bool:
    """False for a file whose strings hold '/' (a name outside the temporary
    directory: a decoded escape can make one) or whose VMs may run many steps."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        if len(data) > MAX_TOML_BYTES or _toml_nesting(text) is not None:
            return True          # refused before tomllib reads it
        parsed = tomllib.loads(text)
    except (UnicodeDecodeError, ValueError):
        return True              # the command refuses it before using any file
    stack: list[object] = [parsed]
    while stack:
        v = stack.pop()
        if isinstance(v, str) and "/" in v:
            return False
        if isinstance(v, dict):
            steps = v.get("max_steps")
            if isinstance(steps, int) and steps > 5000:
                return False
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return True


FUZZ = settings(max_examples=fuzz_examples(), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])


@st.composite
def configuration_runs(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    text, program = draw(st.sampled_from(CONFIGURATIONS))
    data = draw(mutated_toml(text))
    under = ["--under", "vmcp"] if draw(st.booleans()) else []
    # --execution, with --under vmcp or (a usage error) without it
    execution = draw(st.sampled_from([[], [], ["--execution", "trap"], ["--execution", "sie"]]))
    return data, ["run", *program, "--config", "cfg.toml", "--max-steps", MAX_STEPS,
                  "--json", *under, *execution]


@FUZZ
@given(configuration_runs())
def test_mutated_configurations_end_in_success_or_one_line_error(case):
    data, argv = case
    assume(_safe_to_run(data))
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        copy_examples(work)
        (work / "cfg.toml").write_bytes(data)
        status, _, err = run_cli(argv, work)
    assert_clean_end(status, err, undelivered="vmcp" in argv)


@FUZZ
@given(st.sampled_from(DIRECTORIES).flatmap(mutated_toml),
       st.sampled_from([[], [], ["--execution", "trap"], ["--execution", "sie"]]))
def test_mutated_directories_end_in_success_or_one_line_error(data, execution):
    assume(_safe_to_run(data))
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        copy_examples(work)
        (work / "dir.toml").write_bytes(data)
        status, _, err = run_cli(["vmcp", "--directory", "dir.toml", "--max-steps",
                                  MAX_STEPS, *execution], work)
    assert_clean_end(status, err, undelivered=True)


# ---------------------------------------------------------------------------
# Fuzz: mutations of assembler source
# ---------------------------------------------------------------------------
_OPERATIONS = ["LR", "L", "LA", "ST", "MVC", "CLI", "BC", "B", "BALR", "SVC", "LPSW", "SIO",
               "DC", "DS", "EQU", "ORG", "USING", "DROP", "LTORG", "START", "CSECT", "DSECT",
               "END", "CNOP", "TITLE", "AP", "ZAP", "SRP", "MVCL", "LM", "STM", "EX"]


@st.composite
def _expression(draw: st.DrawFn) -> str:
    terms = st.one_of(
        st.sampled_from(["0", "1", "4095", "4096", "2147483647", "2147483648", "*", "X'FF'",
                         "C'AB'", "B'101'", "L'*", "A", "BEGIN", "R1", "X'FFFFFFFFF'"]),
        st.integers(1, 5000).map(lambda n: "9" * n),
        st.integers(1, 300).map(lambda n: "S" * n),
    )
    parts = draw(st.lists(terms, min_size=1, max_size=6))
    ops = draw(st.lists(st.sampled_from("+-*/"), min_size=len(parts) - 1,
                        max_size=len(parts) - 1))
    text = parts[0] + "".join(o + p for o, p in zip(ops, parts[1:]))
    depth = draw(st.one_of(st.just(0), st.integers(1, 45), st.just(100_000)))
    return "(" * depth + text + ")" * depth


@st.composite
def _operand(draw: st.DrawFn) -> str:
    e = draw(_expression())
    form = draw(st.sampled_from(["{e}", "{e}(1)", "{e}(1,2)", "{e}(,2)", "{e}({e},{e})",
                                 "=F'{n}'", "=A({e})", "C'{s}'", "X'{x}'", "{d}F'1'",
                                 "{d}X'FF'", "CL{d}'A'", "A({e})", "S({e})", "P'{n}'",
                                 "D'1E{n}'", "({e})F'1'", "FL({e})'1'"]))
    return form.format(e=e, n=draw(st.integers(-(10 ** 30), 10 ** 30)),
                       s=draw(st.text(_SAFE_CHARS, max_size=10)).replace("'", "''"),
                       x=draw(st.text("0123456789ABCDEFG", max_size=20)),
                       d=draw(st.sampled_from(["0", "1", "65535", "65536", "16777216",
                                               "999999999", "9999999999"])))


def a_replace_operands(draw: st.DrawFn, lines: Lines) -> Lines:
    statements = [i for i, line in enumerate(lines)
                  if line.strip() and not line.startswith(("*", ".*"))]
    if statements:
        i = draw(st.sampled_from(statements))
        parts = lines[i].split(None, 2) if not lines[i].startswith(" ") else \
            [""] + lines[i].split(None, 1)
        label, op = parts[0], (parts[1] if len(parts) > 1 else "LR")
        operands = ",".join(draw(st.lists(_operand(), min_size=1, max_size=4)))
        lines[i] = f"{label} {op} {operands}"
    return lines


def a_insert_statement(draw: st.DrawFn, lines: Lines) -> Lines:
    label = draw(st.sampled_from(["", "A", "BEGIN", "R1", "X", "S" * 64, "1A", "A$#@_"]))
    op = draw(st.sampled_from(_OPERATIONS))
    operands = ",".join(draw(st.lists(_operand(), min_size=0, max_size=3)))
    lines.insert(_pick(draw, lines), f"{label} {op} {operands}")
    return lines


def a_equ_chain(draw: st.DrawFn, lines: Lines) -> Lines:
    """k chained EQUs in random order, ending in a value, an undefined symbol or a
    circle."""
    k = draw(st.one_of(st.integers(1, 50), st.integers(1000, 5000)))
    end = draw(st.sampled_from(["1", "UNDEFINED", "Q1", "*", "Q1+1"]))
    chain = [f"Q{i} EQU Q{i + 1}" for i in range(1, k)] + [f"Q{k} EQU {end}"]
    random.Random(draw(st.integers(0, 2 ** 32))).shuffle(chain)
    at = _pick(draw, lines)
    return lines[:at] + chain + lines[at:]


def a_insert_text(draw: st.DrawFn, lines: Lines) -> Lines:
    if lines:
        i = _pick(draw, lines)
        j = draw(st.integers(0, len(lines[i])))
        text = draw(st.one_of(st.text(max_size=12), st.sampled_from(
            ["\t", "\r", "\x00", "\x85", "\u2028", "'", "(", "=", ",", " ", "&&"])))
        lines[i] = lines[i][:j] + text + lines[i][j:]
    return lines


def a_long_line(draw: st.DrawFn, lines: Lines) -> Lines:
    n = draw(st.sampled_from([80, 1000, 100_000]))
    lines.insert(_pick(draw, lines), draw(st.sampled_from([
        "A" * n + " DC F'1'", " DC C'" + "A" * n + "'", " DC X'" + "F" * n + "'",
        "*" + "-" * n, " LA 1," + "+".join(["1"] * n)])))
    return lines


def a_renumber(draw: st.DrawFn, lines: Lines) -> Lines:
    """A number in a statement replaced by another that often keeps it valid."""
    numbered = [i for i, line in enumerate(lines)
                if not line.startswith("*") and re.search(r"(?<![A-Za-z0-9'])[0-9]+", line)]
    if numbered:
        i = draw(st.sampled_from(numbered))
        matches = list(re.finditer(r"(?<![A-Za-z0-9'])[0-9]+", lines[i]))
        m = draw(st.sampled_from(matches))
        n = draw(st.sampled_from(["0", "1", "2", "7", "8", "15", "16", "255", "4095"]))
        lines[i] = lines[i][:m.start()] + n + lines[i][m.end():]
    return lines


SOURCE_MUTATIONS: list[Callable[[st.DrawFn, Lines], Lines]] = [
    a_renumber, a_renumber, a_renumber, a_replace_operands, a_insert_statement, a_equ_chain,
    a_insert_text, a_long_line, m_drop_line, m_duplicate_line, m_truncate]


@st.composite
def mutated_sources(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(SOURCES)).read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(st.sampled_from(SOURCE_MUTATIONS))(draw, lines)
    return _encode(draw, "\n".join(lines) + "\n")


@FUZZ
@given(mutated_sources())
def test_mutated_assembler_sources_end_in_success_or_one_line_error(data):
    with tempfile.TemporaryDirectory() as name:
        (Path(name) / "prog.asm").write_bytes(data)
        status, _, err = run_cli(["run", "prog.asm", "--max-steps", MAX_STEPS, "--json"],
                                 Path(name))
    assert_clean_end(status, err)


# ---------------------------------------------------------------------------
# CKD disks in a configuration: every refusal is one line, exit 2, naming the
# line, before the machine starts (the printer's old output is left alone)
# ---------------------------------------------------------------------------
def _ckd_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-100])


def _ckd_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:300])


def _ckd_not_an_image(path: Path) -> None:
    path.write_bytes(b"HELLO, WORLD\n" * 100)


def _cckd_cut(path: Path) -> None:
    # The last bytes of a compressed image are track 1's stored image.
    path.write_bytes(path.read_bytes()[:-10])


def _cckd_overlap(path: Path) -> None:
    # Track 1's level-2 entry made to point into track 0's space.
    data = bytearray(path.read_bytes())
    l2 = 512 + 512 + 4
    pos0 = int.from_bytes(data[l2:l2 + 4], "little")
    data[l2 + 8:l2 + 12] = (pos0 + 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _cckd_level1_outside(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[1024:1028] = (len(data) + 4096).to_bytes(4, "little")
    path.write_bytes(bytes(data))


CKD_CASES = [
    # (image: compress, then damage), extra lines after `file`, line, message
    (None, None, 'format = "fba"\n', 5, "format 'fba': ckd or cckd"),
    ("zlib", None, 'format = "ckd"\n', 5, "format 'ckd': file 'vol.ckd' is a compressed"),
    (None, None, 'format = "cckd"\n', 5, "format 'cckd': file 'vol.ckd' is an uncompressed"),
    (None, None, 'readonly = "yes"\n', 5, "readonly must be true or false"),
    (None, None, 'ring = true\n', 5, "3350: unknown key 'ring' (file, format, readonly)"),
    (None, _ckd_truncated, "", 4, "file 'vol.ckd': truncated: "),
    (None, _ckd_short, "", 4, "file 'vol.ckd': truncated: 300 bytes, shorter than the "
                              "512-byte device header"),
    (None, _ckd_not_an_image, "", 4, "file 'vol.ckd': not a Hercules CKD image"),
    ("zlib", _cckd_cut, "", 4, "file 'vol.ckd': truncated: track 0/1 at offset"),
    ("zlib", _cckd_overlap, "", 4, "file 'vol.ckd': space at offset"),
    ("bzip2", _cckd_level1_outside, "", 4, "file 'vol.ckd': level-1 entry 0"),
]


@pytest.mark.parametrize("compress, damage, extra, line, message", CKD_CASES,
                         ids=["format-value", "format-ckd-on-cckd", "format-cckd-on-ckd",
                              "readonly-value", "unknown-key", "truncated", "short",
                              "not-an-image", "cckd-cut", "cckd-overlap", "cckd-level1"])
def test_bad_ckd_device_is_one_line_naming_its_line(tmp_path, compress, damage, extra,
                                                     line, message):
    vol = tmp_path / "vol.ckd"
    dasd.create(str(vol), "3350", compress=compress, cylinders=2)
    if damage is not None:
        damage(vol)
    (tmp_path / "print.txt").write_text("OLD PRINTER OUTPUT\n")
    (tmp_path / "cfg.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3350"\nfile = "vol.ckd"\n' + extra
        + '[[device]]\naddress = "00E"\ntype = "1403"\nfile = "print.txt"\n')
    err = one_line_error(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert err.startswith(f"cfg.toml:{line}: {message}"), err
    assert (tmp_path / "print.txt").read_text() == "OLD PRINTER OUTPUT\n"


def test_ckd_image_of_another_device_type_is_refused(tmp_path):
    dasd.create(str(tmp_path / "vol.ckd"), "3350", cylinders=2)
    (tmp_path / "cfg.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3330"\nfile = "vol.ckd"\n')
    err = one_line_error(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert err == "cfg.toml:4: file 'vol.ckd' is a 3350 image, not a 3330"


@pytest.mark.parametrize("text, line, message", [
    ('[[device]]\naddress = "150"\ntype = "3380"\n', 1, "3380 150: no file"),
    ('[[device]]\naddress = "150"\ntype = "3380"\nfile = "gone.ckd"\n', 4,
     "file 'gone.ckd': no such file"),
    ('[[device]]\naddress = "150"\ntype = "3380"\nfile = 3380\n', 4,
     "file must be a file name"),
    ('[[device]]\naddress = "150"\ntype = "3390"\nfile = "vol.ckd"\n', 3,
     "type '3390': not one of 3215, 2540R, 2540P, 1403, 3370, 3420, 2311, 2314, 3330,"),
])
def test_ckd_device_without_a_usable_file_is_one_line(tmp_path, text, line, message):
    (tmp_path / "cfg.toml").write_text(text)
    err = one_line_error(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert err.startswith(f"cfg.toml:{line}: {message}"), err


def test_ckd_image_not_writable_is_refused_unless_readonly(tmp_path, monkeypatch):
    # Root passes permission bits: the host's refusal is simulated by os.access.
    dasd.create(str(tmp_path / "vol.ckd"), "3380", cylinders=2)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not mode & os.W_OK
                        if Path(path).name == "vol.ckd" else real_access(path, mode, **kw))
    (tmp_path / "cfg.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3380"\nfile = "vol.ckd"\n')
    err = one_line_error(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert err.startswith("cfg.toml:4: file 'vol.ckd': not writable (a CKD image is read "
                          "and written in place"), err
    (tmp_path / "cfg.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3380"\nfile = "vol.ckd"\nreadonly = true\n')
    status, out, err = run_cli(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert status == 0 and err == "" and "disabled-wait" in out


def test_one_ckd_image_on_two_devices_is_refused_unless_both_only_read_it(tmp_path):
    dasd.create(str(tmp_path / "vol.ckd"), "3350", cylinders=2)
    (tmp_path / "cfg.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3350"\nfile = "vol.ckd"\nreadonly = true\n'
        '[[device]]\naddress = "151"\ntype = "3350"\nfile = "vol.ckd"\n')
    err = one_line_error(["run", "--config", "cfg.toml", "--ipl", "150"], tmp_path)
    assert err == ("cfg.toml:9: file 'vol.ckd' of device 151 (3350) is the same host file "
                   "as file 'vol.ckd' of device 150 (3350) at line 4")
