"""CKD disks and 3420 tapes against Hercules 3.13 (conformance/hercules_dasd.py).

Each scenario is one program running channel programs on a CKD volume (3330,
3350 in a compressed image, 2314) or a 3420 tape (AWS, HET): formatting tracks,
searches by ID and key with TIC loops, multitrack searches to the end of the
cylinder, file-mask violations, invalid seeks, tape marks, spacing, read backward,
IPL from a volume and from a tape.  It runs on the reference machine and on
Hercules, each with its own copy of the same device file; compared are the
registers, storage (the program, its data areas and a record per channel program:
condition codes, CSW, sense bytes) and the device files track by track or block
by block.  What differs must be what an entry of docs/hercules-differences.md
("CKD disks and 3420 tapes") predicts, exactly, and every entry must still show
(strict).  Without Hercules those comparisons are skipped; the reference's side
of every scenario still runs and is checked here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import hercules as H
from conformance import hercules_dasd as D

NEEDS_HERCULES = pytest.mark.skipif(H.hercules_executable() is None,
                                    reason="hercules is not on PATH")

SCENARIOS = D.scenarios()
NAMES = [s.name for s in SCENARIOS]
BY_NAME = {s.name: s for s in SCENARIOS}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, D.Outcome]:
    return {s.name: D.check(s) for s in SCENARIOS}


# ---------------------------------------------------------------------------
# The comparison with Hercules
# ---------------------------------------------------------------------------
@pytest.mark.hercules
@NEEDS_HERCULES
@pytest.mark.parametrize("name", NAMES)
def test_scenario_agrees_with_hercules_or_differs_as_known(
        outcomes: dict[str, D.Outcome], name: str) -> None:
    out = outcomes[name]
    assert out.ref.stopped == "disabled-wait"
    assert out.herc.stopped == "disabled-wait"
    assert sorted(out.diffs) == sorted(D.expected(BY_NAME[name]))


@pytest.mark.hercules
@NEEDS_HERCULES
def test_every_rule_still_explains_a_difference(outcomes: dict[str, D.Outcome]) -> None:
    used = set().union(*(o.rules for o in outcomes.values()))
    assert used == set(D.RULES)


@pytest.mark.hercules
@NEEDS_HERCULES
def test_the_rules_explain_only_what_they_name(outcomes: dict[str, D.Outcome]) -> None:
    # Every raw difference is either left (and known) or in a step record, the
    # part the rules look at.
    for name, out in outcomes.items():
        for line in out.raw:
            assert line in out.diffs or line.startswith("step "), (name, line)


# ---------------------------------------------------------------------------
# The entries
# ---------------------------------------------------------------------------
def test_every_entry_used_is_in_the_table() -> None:
    table = H.known_differences()
    entries = set(D.RULES) | {e for lines in D.KNOWN.values() for e, _ in lines}
    assert entries == {"H10", "H11", "H13", "H14", "H16", "M13", "M14", "M15", "M16"}
    assert entries <= set(table)


def test_known_lines_belong_to_scenarios() -> None:
    assert set(D.KNOWN) <= set(NAMES)


def _record(**fields: bytes) -> bytearray:
    rec = bytearray(D.SLOT)
    at = {"cc": 0, "csw": 8, "csw2": 16, "scc": 24, "scsw": 32, "sense": 48}
    for name, value in fields.items():
        rec[at[name]:at[name] + len(value)] = value
    return rec


def _sense(**bytes_at: int) -> bytes:
    s = bytearray(24)
    for k, v in bytes_at.items():
        s[int(k[1:])] = v
    return bytes(s)


@pytest.mark.parametrize("device,drive", [("3330", 0x38), ("3350", 0x80)])
def test_m13_takes_out_the_drive_byte_only(device: str, drive: int) -> None:
    s = BY_NAME[f"search-{device}" + ("-zlib" if device == "3350" else "")]
    r = bytes(_record(sense=_sense(b5=2)))
    h = _record(sense=_sense(b4=drive, b5=2))
    assert D.RULES["M13"](s, r, h) and h == bytearray(r)
    h = _record(sense=_sense(b4=drive ^ 1, b5=2))
    assert not D.RULES["M13"](s, r, h)
    assert not D.RULES["M13"](BY_NAME["search-2314"], r, _record(sense=_sense(b4=drive)))


def test_m14_immediate_command_condition_codes() -> None:
    s = BY_NAME["tape-aws"]
    r = bytes(_record(cc=b"\x50\0\0"))
    h = _record(cc=b"\x40\x50\0")
    assert D.RULES["M14"](s, r, h) and h == bytearray(r)
    assert not D.RULES["M14"](s, r, _record(cc=b"\x40\x40\0"))


def test_h11_incorrect_length_pattern() -> None:
    s = BY_NAME["filemask-3330"]
    csw = bytes.fromhex("0000036002000010")
    r = bytes(_record(csw=csw))
    h = _record(csw=bytes.fromhex("000003600E400010"))
    assert D.RULES["H11"](s, r, h) and h == bytearray(r)
    # Unit check with channel end on both: not a rejection at initiation.
    r = bytes(_record(csw=bytes.fromhex("000003E80E000006")))
    assert not D.RULES["H11"](s, r, _record(csw=bytes.fromhex("000003E80E400006")))


def test_h13_and_m15_command_reject_sense() -> None:
    s = BY_NAME["filemask-3330"]
    r = bytes(_record(sense=_sense(b0=0x81)))
    h = _record(sense=_sense(b0=0x80, b7=4))
    assert D.RULES["H13"](s, r, h)
    assert D.RULES["M15"](s, r, h) and h == bytearray(r)
    r = bytes(_record(sense=_sense(b0=0x80, b1=0x04)))
    h = _record(sense=_sense(b0=0x80, b7=2))
    assert D.RULES["H13"](s, r, h) and D.RULES["M15"](s, r, h) and h == bytearray(r)
    # Not a command reject: no rule.
    r = bytes(_record(sense=_sense(b1=0x08)))
    assert not D.RULES["H13"](s, r, _record(sense=_sense(b1=0x00)))


def test_tape_sense_rules() -> None:
    s = BY_NAME["tape-aws"]
    r = bytes(_record(sense=_sense(b1=0x44, b5=0xC0, b6=0x03)))
    h = _record(sense=_sense(b1=0x40, b5=0xC0, b6=0x03, b13=0x80, b14=1, b16=1,
                             b19=0xFF, b20=0xFF))
    assert D.RULES["M16"](s, r, h)
    assert D.RULES["H10"](s, r, h) and h == bytearray(r)


# ---------------------------------------------------------------------------
# The reference's side, with or without Hercules
# ---------------------------------------------------------------------------
@pytest.fixture
def workdir() -> Iterator[str]:
    d = tempfile.mkdtemp(prefix="s370-dasd-test-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def run_reference(s: D.Scenario, workdir: str) -> tuple[H.Result, str]:
    image = D.image_of(s)
    path = os.path.join(workdir, D.file_name(s))
    D.make_file(s, path)
    if s.ipl:
        D.install_ipl(s, path, image)
    return D.run_reference(s, image, path, D.ranges_of(s, image)), path


def log_of(s: D.Scenario, result: H.Result) -> bytes:
    return result.storage[(D.LOG, D.LOG + D.SLOT * len(s.steps) - 1)]


@pytest.mark.parametrize("name", NAMES)
def test_reference_runs_every_step_to_a_disabled_wait(name: str, workdir: str) -> None:
    s = BY_NAME[name]
    result, _ = run_reference(s, workdir)
    assert result.stopped == "disabled-wait"
    assert result.psw == 0x000A000000000000
    log = log_of(s, result)
    for i in range(len(s.steps)):
        rec = log[i * D.SLOT:(i + 1) * D.SLOT]
        assert rec[0] in (0x40, 0x50), (i, rec[:3].hex())     # SIO: CC 0 or 1
        assert rec[12] & 0x0C == 0x0C or rec[12] == 0x02       # ended
        assert rec[24] == 0x40 and rec[36] == 0x0C             # SENSE read


def test_tape_file_holds_the_blocks_and_marks_written(workdir: str) -> None:
    s = BY_NAME["tape-aws"]
    _, path = run_reference(s, workdir)
    blocks = D.tape_blocks(path)
    b1, b2, b3, b4 = (s.data[b] for b in ("B1", "B2", "B3", "B4"))
    # The second WRITE starts after block 3 (FSF past the first tape mark, FSR
    # over block 3) and replaces the rest of the tape.
    assert blocks == [b1, b2, None, b3, b1, b2, None, b3, b4, None, None]


def test_tape_read_backward_stores_downward(workdir: str) -> None:
    s = BY_NAME["tape-aws"]
    result, _ = run_reference(s, workdir)
    image = D.image_of(s)
    rng = D.ranges_of(s, image)[0]
    mem = result.storage[rng]
    buf = D.symbols(s)["BUF"]
    # BSF stopped before the first tape mark; RDBACK (40 bytes, SLI, data
    # address BUF+1999) read block 2 backward: its last 40 bytes, stored downward,
    # end at BUF+1999 in their order on the tape.
    assert mem[buf + 1960:buf + 2000] == s.data["B2"][-40:]
    # RDBACK2 (800 bytes ending at BUF+2999) then read block 1 (80 bytes):
    # incorrect length; the block ends at BUF+2999.
    assert mem[buf + 2920:buf + 3000] == s.data["B1"]


def test_format_writes_the_records_it_was_given(workdir: str) -> None:
    s = BY_NAME["format-3330"]
    _, path = run_reference(s, workdir)
    from reference.io import dasd
    with dasd.open_image(path, readonly=True) as img:
        recs = dasd.parse_track(img.read_track(1, 0))
        assert [(r.record, len(r.key), len(r.data)) for r in recs] == [
            (0, 0, 8), (1, 4, 80), (2, 0, 300), (3, 8, 0)]
        # The record that did not fit (invalid track format) was not written.
        assert [r.record for r in dasd.parse_track(img.read_track(1, 1))] == [0, 1]


def test_ipl_loads_the_program_from_the_volume(workdir: str) -> None:
    s = BY_NAME["ipl-3330"]
    result, _ = run_reference(s, workdir)
    assert result.stopped == "disabled-wait"
    mem = result.storage[D.ranges_of(s, D.image_of(s))[0]]
    assert mem[0xBA:0xBC] == D.DISK.to_bytes(2, "big")      # EC mode: 186-187
    assert mem[:8] == D.IPL_PSW


def test_scenario_files_are_fresh_copies(workdir: str) -> None:
    # Each run makes its own volume: two runs of one scenario agree.
    s = BY_NAME["search-3330"]
    a, _ = run_reference(s, workdir)
    other = os.path.join(workdir, "again")
    os.mkdir(other)
    b, _ = run_reference(s, other)
    assert a.storage == b.storage and a.gpr == b.gpr
    assert Path(workdir, D.file_name(s)).exists()
