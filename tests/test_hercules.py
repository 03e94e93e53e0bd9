"""The reference machine against Hercules 3.13 on the conformance corpus.

Every program of conformance/programs/ runs on both machines (conformance/hercules.py:
one persistent Hercules process for the session) and the final states are compared:
PSW, general and control registers, the storage ranges the program names in its
``* COMPARE:`` line and the storage keys of the 2K blocks in them.  A program whose
header names a known difference (``* KNOWN: H2``) is an expected failure, strict: the
entry must exist in docs/hercules-differences.md, and the program must still differ.

The programs with devices (conformance/programs/io: cards, disk, ipl) also run on
Hercules with their devices, a Hercules process each, and Hercules must meet their
hand-derived expectations (registers, storage bytes, printer, punch and disk files),
except for named bytes that a documented difference of docs/configuration.md changes.

Without Hercules the comparison tests are skipped; the corpus checks that need only
the reference machine (every program assembles and ends in a disabled wait) still run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance import hercules as H
from conformance.corpus import Program, output_difference
from conformance.expectations import Expectations, load

NEEDS_HERCULES = pytest.mark.skipif(H.hercules_executable() is None,
                                    reason="hercules is not on PATH")


KNOWN = H.known_differences()
PROGRAMS = H.corpus()


def _param(prog: H.Program) -> object:
    marks = []
    if prog.known:
        reason = f"known difference {prog.known}: {KNOWN.get(prog.known, '(not in the table)')}"
        marks.append(pytest.mark.xfail(reason=reason))
    return pytest.param(prog, id=prog.name, marks=marks)


@pytest.fixture(scope="session")
def hercules_process() -> Iterator[H.Hercules]:
    with H.Hercules() as herc:
        yield herc


@pytest.fixture(scope="module")
def images() -> dict[str, bytes]:
    pytest.importorskip("reference.asm.assembler")
    return {prog.name: H.assemble(prog) for prog in PROGRAMS}


# ---------------------------------------------------------------------------
# The comparison with Hercules
# ---------------------------------------------------------------------------
@pytest.mark.hercules
@NEEDS_HERCULES
@pytest.mark.parametrize("prog", [_param(p) for p in PROGRAMS])
def test_reference_agrees_with_hercules(prog: H.Program, images: dict[str, bytes],
                                        hercules_process: H.Hercules) -> None:
    image = images[prog.name]
    ref = H.run_reference(image, prog.compare, prog.max_steps)
    herc = hercules_process.run(image, prog.compare)
    diffs = H.compare(ref, herc, prog)
    assert not diffs, f"{prog.name} differs from Hercules:\n  " + "\n  ".join(diffs)


@pytest.mark.hercules
@NEEDS_HERCULES
def test_harness_sees_a_difference_in_storage_registers_and_keys(
        hercules_process: H.Hercules) -> None:
    # BC PSW at 0 -> X'200': LA 1,5; ST 1,X'400'; LA 2,X'30'; LA 3,X'800'; SSK 2,3;
    # LPSW X'1F0' (disabled wait).  The reference run of an image with LA 1,6 must
    # differ in GR1 and in the byte at X'403', and nowhere else.
    def image(value: int) -> bytes:
        img = bytearray(0x500)
        img[0:8] = bytes.fromhex("0000000000000200")
        img[0x1F0:0x1F8] = bytes.fromhex("0002000000000000")
        code = bytes([0x41, 0x10, 0x00, value]) + bytes.fromhex(
            "50100400" "41200030" "41300800" "0823" "820001F0")
        img[0x200:0x200 + len(code)] = code
        return bytes(img)

    ranges = [(0x400, 0x4FF), (0x800, 0x80F)]
    herc = hercules_process.run(image(5), ranges)
    same = H.run_reference(image(5), ranges)
    other = H.run_reference(image(6), ranges)
    assert herc.stopped == "disabled-wait"
    assert herc.gpr[1] == 5 and herc.storage[(0x400, 0x4FF)][0:4] == b"\0\0\0\5"
    assert herc.keys == {0: 0x06, 0x800: 0x30}   # block 0 stored into; SSK: key 3, R0 C0
    assert H.compare(same, herc) == []
    diffs = H.compare(other, herc)
    assert diffs[0].startswith("GR1: reference 00000006, hercules 00000005")
    assert diffs[1].startswith("storage 000400-0004FF: 1 byte(s) differ, first at 000403")
    assert len(diffs) == 2


@pytest.mark.hercules
@NEEDS_HERCULES
def test_runaway_program_is_stopped_and_reported(hercules_process: H.Hercules) -> None:
    # PSW at 0 -> X'200': BC 15,X'200' (a loop that never waits).
    img = bytearray(0x300)
    img[0:8] = bytes.fromhex("0000000000000200")
    img[0x200:0x204] = bytes.fromhex("47F00200")
    result = hercules_process.run(bytes(img), [(0x200, 0x203)], timeout=0.2)
    assert result.stopped == "no wait"
    assert result.psw & 0xFFFFFF == 0x200


# ---------------------------------------------------------------------------
# The programs with devices: Hercules against their expectations
# ---------------------------------------------------------------------------
# conformance/programs/io/cards.asm, disk.asm and ipl.asm run on Hercules with the
# devices their TOML configures (conformance/hercules.py gives every program only a 1403 at
# 00E), and Hercules must meet the program's [expect]: stop, PSW, registers, storage
# bytes and [expect.output] (printer, punch, disk image).  Hercules has no 2540: its
# 3505 reader and 3525 punch answer the same commands (as in tests/test_io.py).  The
# TOMLs ask for 64K of storage; Hercules runs with its 2M (MAINSIZE 1 is refused): no
# program here depends on the size.  io/console.asm is left out: Hercules' 3215 is a
# telnet console, not a file a test can feed and read.
#
# The only fields not checked are the documented differences of docs/configuration.md
# ("Compared with Hercules 3.13"), each named below with its row and with the value
# that row predicts on Hercules, which the test checks instead: an exemption that no
# longer matches what Hercules does fails the test.  Two more rows of that table ("3370
# READ not chained from LOCATE", "data chaining to a CCW with count zero") concern
# io/disk.asm records 9 and 11, whose unit status disk.toml itself does not assert:
# nothing to exempt here.
CONFIGURATION_DOC = H.REPO / "docs" / "configuration.md"
IO_DIR = H.CORPUS / "io"
IO_PROGRAMS = ("cards", "disk", "ipl")
ROW_IMMEDIATE = "SIO of an immediate command without chaining"
ROW_HALT_IDLE = "HIO or HDV on an idle device"


@dataclass(frozen=True)
class Exemption:
    """Expected storage bytes first..last of a program that a documented difference
    changes on Hercules: ``row`` is the first column of that row of the table in
    docs/configuration.md, ``hercules`` the bytes the row predicts there."""

    first: int
    last: int
    row: str
    hercules: bytes
    why: str


IO_EXEMPTIONS: dict[str, tuple[Exemption, ...]] = {
    "cards": (
        # Record at X'8E0': SIO of SPACE (X'0B', immediate, no chaining) at 00F.
        Exemption(0x8E0, 0x8E0, ROW_IMMEDIATE, bytes([0x40 + 0 * 0x10]),
                  "SIO CC: CC 0 on Hercules (X'40' + 0 * X'10'), CC 1 expected (X'50')"),
        Exemption(0x8E2, 0x8E3, ROW_IMMEDIATE, bytes.fromhex("000F"),
                  "the interruption's I/O address: the interruption after CC 0 on Hercules "
                  "stores 00F at 186-187 (its fullword at 184) and the program records it; "
                  "with CC 1 there is none: the cleared X'BA' (0000) is recorded"),
        # Record at X'8F0': HDV of the idle reader 00C; 8FC-8FD the status portion of
        # the CSW at X'44' (set to X'FFFF' first).  Hercules' halt_io (io.c) serves HIO
        # (9E00) and HDV (9E01) alike, hence the HIO row.
        Exemption(0x8FC, 0x8FC, ROW_HALT_IDLE, bytes([0x0D]),
                  "unit status: Hercules stores the reader's last CSW, whose unit status "
                  "is the fourth READ's unit exception, channel end, device end (X'0D', "
                  "record X'8C0'); zero expected"),
    ),
}


def _hercules_table_rows() -> set[str]:
    """The first column of the rows of the table under "Compared with Hercules 3.13"
    in docs/configuration.md."""
    rows: set[str] = set()
    if CONFIGURATION_DOC.exists():
        section = CONFIGURATION_DOC.read_text().split("## Compared with Hercules 3.13", 1)
        for line in (section[1] if len(section) == 2 else "").splitlines():
            m = re.match(r"^\|\s*([^|]+?)\s*\|", line)
            if m:
                rows.add(m.group(1))
    return rows


def hercules_devices(exp: Expectations, home: Path, work: Path) -> tuple[str, dict[int, Path]]:
    """The Hercules device statements for the program's [[device]] tables (files named
    by absolute paths in ``work``; inputs and disk images copied there from ``home``,
    the program's directory); returns them and the file each output device and disk
    leaves, by I/O address."""
    lines: list[str] = []
    files: dict[int, Path] = {}
    for d in exp.devices:
        o = d.options
        kind = {"text": "ascii", "binary": "ebcdic"}[o.get("format", "text")]
        path = work / Path(str(o.get("file", ""))).name
        if d.type_name in ("2540R", "3370"):
            shutil.copyfile(home / o["file"], path)
        if d.type_name == "2540R":
            line = f"3505 {path} {kind} {'eof' if o.get('eof', True) else 'intrq'}"
        elif d.type_name == "2540P":
            line = f"3525 {path} {kind}"
        elif d.type_name in ("1403", "3370"):
            line = f"{d.type_name} {path}"
        else:
            raise ValueError(f"{d.type_name} at {d.address:03X}: no file-backed Hercules device")
        lines.append(f"{d.address:04X} {line}\n")
        if d.type_name != "2540R":
            files[d.address] = path
    return "".join(lines), files


@dataclass
class DeviceRun:
    stopped: str
    psw: int
    gpr: list[int]
    storage: bytes                 # absolute 0 up to the last expected byte
    outputs: dict[int, bytes | None]
    log: str


def run_hercules_with_devices(exp: Expectations, image: bytes, work: Path,
                              timeout: float = 20.0) -> DeviceRun:
    """A Hercules process of its own (conformance/hercules.py, on a pseudo-terminal) with the
    program's devices instead of the 1403 at 00E; the image loaded at 0, started by
    ``restart`` or, when the TOML names an IPL device, by ``ipl`` from it; the state
    read at the disabled wait; then ``quit``, which closes the device files.  (Daemon
    mode with a script that displays storage and quits loses the end of the log:
    Hercules' logger does not drain its pipe at shutdown, logger.c.)"""
    devices, files = hercules_devices(exp, IO_DIR, work)
    base = H.MACHINE                                        # no 1403 at 00E
    start = "restart" if exp.ipl is None else f"ipl {exp.ipl:04X}"
    end = max(a + len(b) for a, b in exp.storage_bytes.items()) - 1
    with H.Hercules(config_text=base + devices) as herc:
        result = herc.run_started(image, start, [(0, end)], timeout=timeout)
    return DeviceRun(stopped=result.stopped, psw=result.psw, gpr=result.gpr,
                     storage=result.storage[(0, end)],
                     outputs={a: p.read_bytes() if p.exists() else None
                              for a, p in files.items()},
                     log=result.log)


def expectation_misses(exp: Expectations, run: DeviceRun,
                       exemptions: tuple[Exemption, ...] = ()) -> list[str]:
    """Every expectation Hercules misses, leaving out the exempted bytes; and every
    exemption whose bytes are not what its row predicts on Hercules."""
    misses: list[str] = []
    if exp.stop is not None and run.stopped != exp.stop:
        misses.append(f"stop: expected {exp.stop}, hercules {run.stopped}")
    if exp.psw is not None and run.psw != exp.psw:
        misses.append(f"PSW: expected {exp.psw:016X}, hercules {run.psw:016X}")
    for r, value in sorted(exp.gpr.items()):
        if run.gpr[r] != value:
            misses.append(f"GR{r}: expected {value:08X}, hercules {run.gpr[r]:08X}")
    exempt = {a for e in exemptions for a in range(e.first, e.last + 1)}
    for start, data in sorted(exp.storage_bytes.items()):
        got = run.storage[start:start + len(data)]
        for i, want in enumerate(data):
            if start + i not in exempt and (i >= len(got) or got[i] != want):
                shown = f"{got[i]:02X}" if i < len(got) else "not displayed"
                misses.append(f"storage {start + i:06X}: expected {want:02X}, hercules {shown}")
    for e in exemptions:
        got = run.storage[e.first:e.last + 1]
        if got != e.hercules:
            misses.append(f"exempted {e.first:06X}-{e.last:06X} ({e.row}): the row predicts "
                          f"{e.hercules.hex().upper()} on hercules, got {got.hex().upper()}"
                          + (f" ({e.why})" if e.why else ""))
    for address, output in sorted(exp.output.items()):
        miss = output_difference(f"output {address:03X}", output, run.outputs.get(address))
        if miss is not None:
            misses.append(f"{miss.field}: expected {miss.expected}, hercules {miss.actual}")
    return misses


@pytest.mark.hercules
@NEEDS_HERCULES
@pytest.mark.parametrize("name", IO_PROGRAMS)
def test_io_program_meets_its_expectations_on_hercules_with_its_devices(
        name: str, tmp_path: Path) -> None:
    pytest.importorskip("reference.asm.assembler")
    prog = Program(IO_DIR / f"{name}.asm")
    exp = prog.expectations
    assert exp.devices, f"io/{name}: no [[device]] in its TOML"
    run = run_hercules_with_devices(exp, bytes(prog.image), tmp_path)
    misses = expectation_misses(exp, run, IO_EXEMPTIONS.get(name, ()))
    assert not misses, (f"io/{name} on Hercules misses its expectations:\n  "
                        + "\n  ".join(misses) + "\n--- hercules log (end) ---\n"
                        + run.log[-3000:])


def test_every_io_exemption_is_a_row_of_the_hercules_table_inside_an_expectation() -> None:
    rows = _hercules_table_rows()
    assert ROW_IMMEDIATE in rows and ROW_HALT_IDLE in rows
    assert set(IO_EXEMPTIONS) <= set(IO_PROGRAMS)
    for name, exemptions in IO_EXEMPTIONS.items():
        exp = load(IO_DIR / f"{name}.toml")
        expected = {start + i for start, data in exp.storage_bytes.items()
                    for i in range(len(data))}
        for e in exemptions:
            assert e.row in rows, f"io/{name}: {e.row!r} is not a row of {CONFIGURATION_DOC}"
            assert len(e.hercules) == e.last - e.first + 1
            assert set(range(e.first, e.last + 1)) <= expected, \
                f"io/{name}: {e.first:06X}-{e.last:06X} is not (all) expected storage"


def test_expectation_misses_names_each_byte_and_honours_only_its_exemptions() -> None:
    # Expected: X'50' at X'10', X'0000' at X'12'; a run with X'40' and X'000F' there.
    exp = Expectations(path=Path("x.toml"), stop="disabled-wait", psw=0x000A0000_00000000,
                       gpr={10: 0x900}, storage_bytes={0x10: bytes.fromhex("50000000")})
    storage = bytes(16) + bytes.fromhex("4000000F")
    run = DeviceRun("disabled-wait", 0x000A0000_00000000, [0] * 10 + [0x900] + [0] * 5,
                    storage, {}, "")
    assert expectation_misses(exp, run) == ["storage 000010: expected 50, hercules 40",
                                            "storage 000013: expected 00, hercules 0F"]
    cc = Exemption(0x10, 0x10, ROW_IMMEDIATE, b"\x40", "")
    address = Exemption(0x12, 0x13, ROW_IMMEDIATE, bytes.fromhex("000F"), "")
    assert expectation_misses(exp, run, (cc, address)) == []
    # An exemption whose bytes are not what its row predicts is a miss itself.
    stale = Exemption(0x12, 0x13, ROW_IMMEDIATE, bytes.fromhex("000E"), "")
    assert expectation_misses(exp, run, (cc, stale)) == [
        f"exempted 000012-000013 ({ROW_IMMEDIATE}): the row predicts 000E on hercules, "
        "got 000F"]


def test_hercules_devices_stand_in_for_the_cards_configuration(tmp_path: Path) -> None:
    # cards.toml: 2540R 00C deck.txt (text, eof by default), 2540P 00D punch.txt,
    # 1403 00F print.txt -> 3505 ascii eof, 3525 ascii, 1403; the deck copied.
    exp = load(IO_DIR / "cards.toml")
    text, files = hercules_devices(exp, IO_DIR, tmp_path)
    assert text == (f"000C 3505 {tmp_path / 'deck.txt'} ascii eof\n"
                    f"000D 3525 {tmp_path / 'punch.txt'} ascii\n"
                    f"000F 1403 {tmp_path / 'print.txt'}\n")
    assert files == {0x00D: tmp_path / "punch.txt", 0x00F: tmp_path / "print.txt"}
    assert (tmp_path / "deck.txt").read_bytes() == (IO_DIR / "deck.txt").read_bytes()


# ---------------------------------------------------------------------------
# The corpus itself (reference machine only)
# ---------------------------------------------------------------------------
def test_corpus_has_at_least_110_programs_in_chapter_folders() -> None:
    assert len(PROGRAMS) >= 110
    folders = {Path(p.name).parts[0] for p in PROGRAMS}
    assert {"general", "decimal", "control", "interruptions", "dat", "timers"} <= folders


def test_every_known_difference_is_in_the_table() -> None:
    for prog in PROGRAMS:
        if prog.known:
            assert prog.known in KNOWN, f"{prog.name}: {prog.known} not in {H.DIFFERENCES}"


@pytest.mark.parametrize("prog", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_program_ends_in_a_disabled_wait_on_the_reference(prog: H.Program,
                                                          images: dict[str, bytes]) -> None:
    image = images[prog.name]
    assert not any(image[8:16]), "bytes 8-15 (the restart old PSW) must be zero"
    assert len(image) <= H.KEY_RESET_AT
    assert all(last < H.KEY_RESET_AT for _, last in prog.compare)
    result = H.run_reference(image, prog.compare, prog.max_steps)
    assert result.stopped == "disabled-wait"


# ---------------------------------------------------------------------------
# Harness pieces that need no Hercules
# ---------------------------------------------------------------------------
def test_header_lines_give_ranges_steps_and_remarks(tmp_path: Path) -> None:
    p = tmp_path / "x.asm"
    p.write_text("* COMPARE: 0-FFF, 4000-40FF\n* COMPARE: 5000\n* MAXSTEPS: 77\n"
                 "* IGNORE: 4050-4053 the interval timer\n* IGNORE-GPR: 3, 5\n"
                 "* KNOWN: H2\nX START 0\n")
    prog = H.parse_program(p, tmp_path)
    assert prog.compare == [(0, 0xFFF), (0x4000, 0x40FF), (0x5000, 0x5000)]
    assert prog.max_steps == 77
    assert prog.ignore == [(0x4050, 0x4053)]
    assert prog.ignore_gpr == {3, 5}
    assert prog.known == "H2"


def test_a_program_without_compare_line_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.asm"
    p.write_text("* MAXSTEPS: 5\n")
    with pytest.raises(ValueError, match="COMPARE"):
        H.parse_program(p, tmp_path)


def test_nonzero_runs_skip_zero_blocks() -> None:
    image = bytearray(5 * 2048)
    image[3] = 1                    # block 0
    image[2048 + 7] = 2             # block 1
    image[4 * 2048] = 3             # block 4
    runs = H.nonzero_runs(bytes(image))
    assert [(a, len(d)) for a, d in runs] == [(0, 4096), (4 * 2048, 2048)]


def test_compare_leaves_out_the_interval_timer_and_the_restart_ilc() -> None:
    def result(storage: bytes, psw: int = 0x000A0000_00000000) -> H.Result:
        return H.Result("disabled-wait", psw, [0] * 16, [0] * 16, {(0, 0xFF): storage},
                        {0: 0x06})

    base = bytearray(256)
    other = bytearray(base)
    other[0x50:0x54] = b"\xff\xff\xff\x00"      # interval timer
    other[0x0C] = 0x80                          # ILC bits of the restart old PSW
    assert H.compare(result(bytes(base)), result(bytes(other))) == []
    other[0x0C] = 0x90                          # ... but not its condition code
    assert len(H.compare(result(bytes(base)), result(bytes(other)))) == 1


def test_compare_ignores_the_ilc_of_a_bc_mode_wait_psw_only() -> None:
    def result(psw: int) -> H.Result:
        return H.Result("disabled-wait", psw, [0] * 16, [0] * 16, {}, {})

    assert H.compare(result(0x00020000_00000000), result(0x00020000_80000000)) == []
    assert H.compare(result(0x00020000_00000000), result(0x00020000_10000000)) != []
    assert H.compare(result(0x000A0000_00000000), result(0x000A0000_00000004)) != []
