"""The reference machine against Hercules 3.13 on the conformance corpus.

Every program of conformance/programs/ runs on both machines (tests/hercules.py:
one persistent Hercules process for the session) and the final states are compared:
PSW, general and control registers, the storage ranges the program names in its
``* COMPARE:`` line and the storage keys of the 2K blocks in them.  A program whose
header names a known difference (``* KNOWN: H2``) is an expected failure, strict: the
entry must exist in docs/hercules-differences.md, and the program must still differ.

Without Hercules the comparison tests are skipped; the corpus checks that need only
the reference machine (every program assembles and ends in a disabled wait) still run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import hercules as H

DIFFERENCES_DOC = H.REPO / "docs" / "hercules-differences.md"
NEEDS_HERCULES = pytest.mark.skipif(H.hercules_executable() is None,
                                    reason="hercules is not on PATH")


def _known_differences() -> dict[str, str]:
    """Table entry -> its one-line summary, from the first two columns of the rows
    of docs/hercules-differences.md that start with an entry name (H1, X3, ...)."""
    out: dict[str, str] = {}
    if DIFFERENCES_DOC.exists():
        for line in DIFFERENCES_DOC.read_text().splitlines():
            m = re.match(r"^\|\s*([A-Z]\d+)\s*\|\s*([^|]+?)\s*\|", line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


KNOWN = _known_differences()
PROGRAMS = H.corpus()


def _param(prog: H.Program) -> object:
    marks = []
    if prog.known:
        reason = f"known difference {prog.known}: {KNOWN.get(prog.known, '(not in the table)')}"
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(prog, id=prog.name, marks=marks)


@pytest.fixture(scope="session")
def hercules_process() -> Iterator[H.Hercules]:
    with H.Hercules() as herc:
        yield herc


@pytest.fixture(scope="module")
def images() -> dict[str, bytes]:
    pytest.importorskip("reference.assembler")
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
# The corpus itself (reference machine only)
# ---------------------------------------------------------------------------
def test_corpus_has_at_least_110_programs_in_chapter_folders() -> None:
    assert len(PROGRAMS) >= 110
    folders = {Path(p.name).parts[0] for p in PROGRAMS}
    assert {"general", "decimal", "control", "interruptions", "dat", "timers"} <= folders


def test_every_known_difference_is_in_the_table() -> None:
    for prog in PROGRAMS:
        if prog.known:
            assert prog.known in KNOWN, f"{prog.name}: {prog.known} not in {DIFFERENCES_DOC}"


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
