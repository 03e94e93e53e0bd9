"""Magnetic tape: the AWS and HET file formats and the 3420 tape unit.

Expected values come from the formats as Hercules defines them (tapedev.h,
hetlib.h: a 6-byte header per chunk, current length and previous chunk's length
little-endian, flags X'80' beginning of block, X'40' tape mark, X'20' end of
block, X'01' zlib, X'02' bzip2), from the IBM 3420/3803 status and sense bytes
(sense byte 0 X'80' command reject, X'40' intervention required, X'10'
equipment check; byte 1 X'40' TU status A, X'20' TU status B, X'08' load point,
X'04' write status, X'02' file protected; byte 4 X'40' tape indicate) and from
GA22-7000 for the channel (read backward stores downward from the data
address; CSW unit status X'0C' channel end and device end, X'01' unit exception,
X'02' unit check; channel status X'40' incorrect length).

Hercules' own tools are the independent oracles of the file formats: hetinit
makes tapes read here, and hetmap, hetget and hetupd read tapes written here.
"""

from __future__ import annotations

import bz2
import errno
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from conformance.strategies import ccw
from reference.arch.ebcdic import to_ebcdic
from reference.asm.assembler import assemble
from reference.cli.main import main
from reference.io.channel import ChannelSubsystem
from reference.io.config import ConfigError, IPLError, load_configuration
from reference.io.devices import DEVICE_TYPES
from reference.io.tape import Tape3420, TapeFile, TapeFormatError, eot_margin, scan_tape
from reference.machine.instructions import io
from reference.machine.machine import Machine
from reference.vm.directory import load_directory
from reference.vm.vmio import VMIOError
from tests.support import make_machine

TAPE = 0x181
CE_DE, UX, UC = 0x0C, 0x01, 0x02
SLI, CC = 0x20, 0x40
SENSE_AT = 0x3000

CAW, CSW = 0x48, 0x40
DATA = 0x1000          # data areas in the tests
CCWS = 0x800           # channel programs in the tests

HETINIT = shutil.which("hetinit")
HETMAP = shutil.which("hetmap")
HETGET = shutil.which("hetget")
HETUPD = shutil.which("hetupd")


def machine(devices: dict[int, object]) -> Machine:
    m = make_machine(b"")
    channels = ChannelSubsystem(m)
    for address, device in devices.items():
        channels.attach(address, device)
    m.channels = channels
    return m


def put(m: Machine, address: int, blob: bytes) -> None:
    m.mem[address:address + len(blob)] = blob


def set_caw(m: Machine, address: int) -> None:
    put(m, CAW, address.to_bytes(4, "big"))


def sio(m: Machine, address: int) -> int:
    io.start_io(m, 0, address)
    return m.cc


def finish(m: Machine, address: int, limit: int = 100_000) -> int:
    """Wait until the device's channel program ends; TEST I/O clears and stores
    its CSW: the condition code (1)."""
    for _ in range(limit):
        if not m.channels.subchannels[address].working:
            break
        m.idle_us += 1
        m.channels.advance(m.now())
    io.test_io(m, 0, address)
    return m.cc


def csw_of(m: Machine) -> tuple[int, int, int, int, int]:
    """(key, CCW address, unit status, channel status, count) at location 64."""
    c = bytes(m.mem[CSW:CSW + 8])
    return c[0] >> 4, int.from_bytes(c[1:4], "big"), c[4], c[5], int.from_bytes(c[6:8], "big")


def tool(name: str | None, what: str) -> str:
    if name is None:
        pytest.skip(f"Hercules' {what} is not installed (Debian package hercules)")
    return name


def header(length: int, previous: int, flags1: int, flags2: int = 0) -> bytes:
    return length.to_bytes(2, "little") + previous.to_bytes(2, "little") + bytes(
        [flags1, flags2])


def blocks_of(path: Path) -> list[bytes | None]:
    """Every block (None: a tape mark) of a tape file, read from the load point."""
    tape = TapeFile(path, writable=False)
    out: list[bytes | None] = []
    try:
        while True:
            b = tape.forward()
            if b.kind == "end":
                return out
            out.append(None if b.kind == "mark" else b.data)
    finally:
        tape.close()


def write_tape(path: Path, records: list[bytes | None], fmt: str = "aws",
               compression: str = "zlib") -> None:
    tape = TapeFile(path, fmt, compression)
    for r in records:
        tape.write(r)
    tape.close()


RECORDS: list[bytes | None] = [b"A" * 100, bytes(range(256)) * 3, None, b"C" * 10, None,
                               None]


# ---------------------------------------------------------------------------
# The file formats
# ---------------------------------------------------------------------------
def test_aws_layout_is_the_awstape_format(tmp_path):
    write_tape(tmp_path / "t.aws", [b"ABC", None, b"xy"])
    assert (tmp_path / "t.aws").read_bytes() == (
        header(3, 0, 0xA0) + b"ABC"          # BOR + EOR, first: previous length 0
        + header(0, 3, 0x40)                 # tape mark: length 0
        + header(2, 0, 0xA0) + b"xy")        # previous: the tape mark's length, 0


def test_het_compresses_a_block_only_when_that_makes_it_shorter(tmp_path):
    write_tape(tmp_path / "z.het", [bytes(1000), b"\x01\x02\x03"], "het", "zlib")
    data = (tmp_path / "z.het").read_bytes()
    n = data[0] | data[1] << 8
    assert data[4] == 0xA1 and zlib.decompress(data[6:6 + n]) == bytes(1000)
    assert data[6 + n:] == header(3, n, 0xA0) + b"\x01\x02\x03"
    write_tape(tmp_path / "b.het", [bytes(1000)], "het", "bzip2")
    data = (tmp_path / "b.het").read_bytes()
    assert data[4] == 0xA2 and bz2.decompress(data[6:]) == bytes(1000)
    assert blocks_of(tmp_path / "z.het") == [bytes(1000), b"\x01\x02\x03"]
    assert blocks_of(tmp_path / "b.het") == [bytes(1000)]


def test_round_trip_with_backspace_and_rewrite(tmp_path):
    for fmt, comp in (("aws", "none"), ("het", "zlib"), ("het", "bzip2")):
        path = tmp_path / f"r-{comp}.{fmt}"
        write_tape(path, RECORDS, fmt, comp)
        assert blocks_of(path) == RECORDS
        tape = TapeFile(path, fmt, comp)
        for _ in range(4):
            tape.forward()
        assert tape.backward().data == b"C" * 10
        assert tape.backward().kind == "mark"
        tape.write(b"new")                   # replaces the tape mark and what follows
        tape.close()
        assert blocks_of(path) == RECORDS[:2] + [b"new"]


def test_a_block_of_several_chunks_is_read_whole_and_spaced_over(tmp_path):
    path = tmp_path / "c.aws"
    path.write_bytes(header(3, 0, 0x80) + b"abc" + header(2, 3, 0x00) + b"de"
                     + header(1, 2, 0x20) + b"f" + header(0, 1, 0x40))
    assert blocks_of(path) == [b"abcdef", None]
    tape = TapeFile(path)
    tape.forward()
    tape.forward()
    assert tape.backward().kind == "mark"
    assert tape.backward().data == b"abcdef" and tape.at_load_point


@pytest.mark.parametrize("content, why", [
    (header(3, 0, 0xA0) + b"AB", "cut short"),
    (header(3, 0, 0xA0) + b"ABC" + b"\x00\x00", "cut short"),
    (header(3, 0, 0x20) + b"ABC", "does not begin"),
    (header(3, 0, 0x80) + b"ABC" + header(1, 3, 0xA0) + b"D", "inside a block"),
    (header(2, 0, 0x40) + b"AB", "tape mark"),
    (header(3, 0, 0xA3) + b"ABC", "unknown compression"),
])
def test_a_corrupt_file_is_not_a_tape(tmp_path, content, why):
    (tmp_path / "x.aws").write_bytes(content)
    compressed, problem = scan_tape(tmp_path / "x.aws")
    assert problem is not None and why in problem


def test_a_block_that_does_not_decompress_is_a_format_error(tmp_path):
    (tmp_path / "x.het").write_bytes(header(4, 0, 0xA1) + b"junk")
    assert scan_tape(tmp_path / "x.het") == (True, None)      # headers are valid
    with pytest.raises(TapeFormatError):
        TapeFile(tmp_path / "x.het", writable=False).forward()


# ---------------------------------------------------------------------------
# Hercules' tools as oracles
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("options", [["-d"], []], ids=["uncompressed", "compressed"])
def test_a_tape_made_by_hetinit_is_read_here(tmp_path, options):
    path = tmp_path / "init.het"
    subprocess.run([tool(HETINIT, "hetinit"), *options, str(path), "VOL001", "OWNER"],
                   check=True, capture_output=True)
    blocks = blocks_of(path)
    # IEHINITT layout: VOL1 label, HDR1 label (80 bytes each, EBCDIC), tape mark.
    assert [None if b is None else len(b) for b in blocks] == [80, 80, None]
    assert blocks[0] is not None and blocks[1] is not None
    assert blocks[0][:10] == to_ebcdic("VOL1VOL001")
    assert blocks[0][41:46] == to_ebcdic("OWNER")
    assert blocks[1][:4] == to_ebcdic("HDR1")
    assert scan_tape(path) == (not options, None)


def _hetmap_blocks(path: Path) -> list[int]:
    out = subprocess.run([tool(HETMAP, "hetmap"), str(path)], capture_output=True,
                         text=True, check=True).stdout
    per_file = re.findall(r"^File #\s*:\s*\d+\s*\nBlocks\s*:\s*(\d+)", out, re.M)
    return [int(n) for n in per_file]


@pytest.mark.parametrize("fmt, comp", [("aws", "none"), ("het", "zlib"), ("het", "bzip2")])
def test_hetmap_and_hetget_read_a_tape_written_here(tmp_path, fmt, comp):
    path = tmp_path / f"t.{fmt}"
    write_tape(path, RECORDS, fmt, comp)
    # Three files: 2 blocks, 1 block, then an empty one before the second mark.
    assert _hetmap_blocks(path) == [2, 1, 0]
    get = tool(HETGET, "hetget")
    for n, expected in ((1, RECORDS[0] + RECORDS[1]), (2, RECORDS[3])):   # type: ignore[operator]
        out = tmp_path / f"f{n}.bin"
        subprocess.run([get, "-n", str(path), str(out), str(n), "U", "0", "65535"],
                       check=True, capture_output=True)
        assert out.read_bytes() == expected


def test_hetupd_decompresses_a_het_written_here_into_the_aws_written_here(tmp_path):
    write_tape(tmp_path / "t.het", RECORDS, "het", "zlib")
    write_tape(tmp_path / "t.aws", RECORDS, "aws")
    subprocess.run([tool(HETUPD, "hetupd"), "-d", str(tmp_path / "t.het"),
                    str(tmp_path / "d.het")], check=True, capture_output=True)
    assert (tmp_path / "d.het").read_bytes() == (tmp_path / "t.aws").read_bytes()


@pytest.mark.parametrize("option, method", [("-z", "zlib"), ("-b", "bzip2")])
def test_hetupd_compresses_an_aws_written_here_into_the_het_written_here(tmp_path, option,
                                                                          method):
    # hetupd compresses as hetlib writes (level 4, one chunk a block): the same
    # bytes as the HET written here, which reads back as the blocks written.
    write_tape(tmp_path / "t.aws", RECORDS, "aws")
    write_tape(tmp_path / "t.het", RECORDS, "het", method)
    subprocess.run([tool(HETUPD, "hetupd"), option, str(tmp_path / "t.aws"),
                    str(tmp_path / "h.het")], check=True, capture_output=True)
    data = (tmp_path / "h.het").read_bytes()
    assert data[4] & 0x03 == (0x01 if method == "zlib" else 0x02)
    assert data == (tmp_path / "t.het").read_bytes()
    assert blocks_of(tmp_path / "h.het") == RECORDS


def test_a_block_of_no_bytes_reads_as_a_tape_mark(tmp_path):
    # Hercules' AWS and HET readers take a block of length 0 for a tape mark.
    (tmp_path / "z.aws").write_bytes(header(0, 0, 0xA0) + header(1, 0, 0xA0) + b"x")
    assert blocks_of(tmp_path / "z.aws") == [None, b"x"]


# ---------------------------------------------------------------------------
# The 3420 through the channel
# ---------------------------------------------------------------------------
def tape_machine(path: Path, **kw: object) -> tuple[Machine, Tape3420]:
    unit = Tape3420(path, **kw)   # type: ignore[arg-type]
    return machine({TAPE: unit}), unit


def run(m: Machine, *program: bytes) -> tuple[int, int, int]:
    """Run a channel program: (unit status, channel status, residual count)."""
    put(m, CCWS, b"".join(program))
    set_caw(m, CCWS)
    if sio(m, TAPE) == 0:
        assert finish(m, TAPE) == 1
    _, _, unit, channel, count = csw_of(m)
    return unit, channel, count


def sense(m: Machine) -> bytes:
    assert run(m, ccw(0x04, SENSE_AT, 0, 24))[:2] == (CE_DE, 0)
    return bytes(m.mem[SENSE_AT:SENSE_AT + 24])


def write(m: Machine, data: bytes, flags: int = 0) -> tuple[int, int, int]:
    put(m, DATA, data)
    return run(m, ccw(0x01, DATA, flags, len(data)))


def test_3420_is_a_configurable_device_type():
    assert DEVICE_TYPES["3420"] is Tape3420


def test_write_blocks_and_tape_marks_rewind_and_read_them_back(tmp_path):
    m, unit = tape_machine(tmp_path / "t.aws")
    assert sense(m)[1] == 0x48                       # ready, at load point
    assert write(m, b"\xC1" * 100) == (CE_DE, 0, 0)
    assert sense(m)[1] == 0x44                       # ready, write status
    assert write(m, b"\xC2" * 20) == (CE_DE, 0, 0)
    assert run(m, ccw(0x1F, 0, 0, 1)) == (CE_DE, 0, 1)
    assert write(m, b"\xC3" * 5) == (CE_DE, 0, 0)
    assert run(m, ccw(0x1F, 0, CC, 1), ccw(0x1F, 0, 0, 1))[0] == CE_DE
    assert run(m, ccw(0x07, 0, 0, 1))[0] == CE_DE
    assert sense(m)[1] == 0x48
    assert run(m, ccw(0x02, DATA, 0, 100)) == (CE_DE, 0, 0)
    assert bytes(m.mem[DATA:DATA + 100]) == b"\xC1" * 100
    # A count longer than the block: incorrect length, unless suppressed.
    assert run(m, ccw(0x02, DATA, 0, 50)) == (CE_DE, 0x40, 30)
    assert bytes(m.mem[DATA:DATA + 20]) == b"\xC2" * 20
    assert run(m, ccw(0x02, DATA, SLI, 50)) == (CE_DE | UX, 0, 50)   # the tape mark
    assert run(m, ccw(0x02, DATA, SLI, 3)) == (CE_DE, 0, 0)          # 5-byte block, SLI
    assert run(m, ccw(0x02, DATA, SLI, 9))[0] == CE_DE | UX
    unit.close()
    assert blocks_of(tmp_path / "t.aws") == [b"\xC1" * 100, b"\xC2" * 20, None,
                                             b"\xC3" * 5, None, None]


def test_read_backward_stores_the_block_downward_from_the_data_address(tmp_path):
    block = bytes(range(1, 101))
    write_tape(tmp_path / "t.aws", [block, None])
    m, _ = tape_machine(tmp_path / "t.aws")
    # At load point: unit check, sense byte 0 zero, load point in byte 1; no
    # byte was read, so incorrect length (a short block), unless SLI.
    assert run(m, ccw(0x0C, DATA + 99, 0, 100)) == (CE_DE | UC, 0x40, 100)
    sense(m)
    assert run(m, ccw(0x0C, DATA + 99, SLI, 100)) == (CE_DE | UC, 0, 100)
    s = sense(m)
    assert s[0] == 0 and s[1] & 0x08
    assert run(m, ccw(0x02, DATA, SLI, 1))[0] == CE_DE
    assert run(m, ccw(0x0C, DATA + 0x200 + 99, 0, 100)) == (CE_DE, 0, 0)
    assert bytes(m.mem[DATA + 0x200:DATA + 0x200 + 100]) == block
    assert sense(m)[1] & 0x08                        # back at load point
    # A count of 10: the last 10 bytes of the block, ending at the data address.
    run(m, ccw(0x37, 0, 0, 1))
    assert run(m, ccw(0x0C, DATA + 0x400 + 9, SLI, 10)) == (CE_DE, 0, 0)
    assert bytes(m.mem[DATA + 0x400:DATA + 0x400 + 10]) == block[-10:]
    # Backward over a tape mark: unit exception.
    run(m, ccw(0x3F, 0, 0, 1))
    assert run(m, ccw(0x0C, DATA + 99, SLI, 100))[0] == CE_DE | UX


def test_forward_and_backspace_block_and_file(tmp_path):
    write_tape(tmp_path / "t.het", [b"1", b"2", None, b"3", None, b"4"], "het")
    m, _ = tape_machine(tmp_path / "t.het", fmt="het")
    # Backspace at load point: immediate operations, no incorrect length.
    assert run(m, ccw(0x27, 0, 0, 1)) == (CE_DE | UC, 0, 1)
    assert run(m, ccw(0x2F, 0, 0, 1)) == (CE_DE | UC, 0, 1)
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE | UX       # over the tape mark
    assert run(m, ccw(0x27, 0, 0, 1))[0] == CE_DE | UX       # back over it
    assert run(m, ccw(0x27, 0, 0, 1))[0] == CE_DE
    assert run(m, ccw(0x02, DATA, 0, 1))[0] == CE_DE and m.mem[DATA] == ord("2")
    assert run(m, ccw(0x3F, 0, 0, 1))[0] == CE_DE            # past the first mark
    assert run(m, ccw(0x02, DATA, 0, 1))[0] == CE_DE and m.mem[DATA] == ord("3")
    assert run(m, ccw(0x3F, 0, 0, 1))[0] == CE_DE
    assert run(m, ccw(0x2F, 0, 0, 1))[0] == CE_DE            # stops before the mark
    assert run(m, ccw(0x02, DATA, SLI, 1))[0] == CE_DE | UX  # so it reads it again
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE
    # Forward beyond the recorded data: equipment check, the tape ran off the reel.
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE | UC
    s = sense(m)
    assert s[0] == 0x10 and s[7] == 0x60
    assert run(m, ccw(0x3F, 0, 0, 1))[0] == CE_DE | UC
    assert run(m, ccw(0x02, DATA, SLI, 1))[0] == CE_DE | UC


def test_without_the_ring_writing_is_rejected_and_the_tape_is_file_protected(tmp_path):
    write_tape(tmp_path / "t.aws", [b"data", None])
    before = (tmp_path / "t.aws").read_bytes()
    m, _ = tape_machine(tmp_path / "t.aws", ring=False)
    for command in (0x01, 0x1F, 0x17):
        put(m, CCWS, ccw(command, DATA, 0, 4))
        set_caw(m, CCWS)
        assert sio(m, TAPE) == 1 and csw_of(m)[2] == UC     # rejected as it starts
        s = sense(m)
        assert s[0] == 0x80 and s[1] == 0x4A                # file protected
    assert run(m, ccw(0x02, DATA, 0, 4))[0] == CE_DE
    assert (tmp_path / "t.aws").read_bytes() == before


def test_after_rewind_unload_the_unit_needs_intervention(tmp_path):
    write_tape(tmp_path / "t.aws", [b"data"])
    m, _ = tape_machine(tmp_path / "t.aws")
    run(m, ccw(0x37, 0, 0, 1))
    assert run(m, ccw(0x0F, 0, 0, 1))[0] == CE_DE
    for command in (0x03, 0x02, 0x07, 0x01):
        put(m, CCWS, ccw(command, DATA, 0, 4))
        set_caw(m, CCWS)
        assert sio(m, TAPE) == 1 and csw_of(m)[2] == UC
    s = sense(m)
    assert s[0] == 0x40 and s[1] == 0x20                    # not ready: TU status B


def test_mode_set_no_op_and_an_unknown_command(tmp_path):
    m, _ = tape_machine(tmp_path / "t.aws")
    for command in (0xC3, 0xCB, 0xD3, 0x03):
        assert run(m, ccw(command, 0, 0, 1))[0] == CE_DE
    put(m, CCWS, ccw(0x0B, 0, 0, 1))
    set_caw(m, CCWS)
    assert sio(m, TAPE) == 1 and csw_of(m)[2] == UC and sense(m)[0] == 0x80
    s = sense(m)
    assert s[5] == 0xC0 and s[6] == 0x03 and len(s) == 24


def test_end_of_tape_marker_then_the_end_of_the_reel(tmp_path):
    size = 8192
    m, unit = tape_machine(tmp_path / "t.aws", max_size=size)
    marker = size - eot_margin(size)
    written = 0
    statuses: list[int] = []
    while True:
        unit_status = write(m, b"\xE7" * 1000)[0]
        statuses.append(unit_status)
        if unit_status & UC:
            break
        written += 1006
    # Blocks of 1006 bytes (header and data); the marker is at 8192 - 4096: the
    # writes that end at 1006 ... 4024 are normal, those that end beyond 4096 end
    # with unit exception (tape indicate), up to 8048; one more would end at
    # 9054, beyond the reel: not written, unit check, equipment check.
    assert marker == 4096
    assert statuses == [CE_DE] * 4 + [CE_DE | UX] * 4 + [CE_DE | UC]
    s = sense(m)
    assert s[0] == 0x10 and s[4] == 0x40 and s[7] == 0x60
    assert run(m, ccw(0x1F, 0, 0, 1))[0] == CE_DE | UX      # a tape mark still fits
    unit.close()
    assert os.path.getsize(tmp_path / "t.aws") == written + 6 <= size
    assert scan_tape(tmp_path / "t.aws") == (False, None)
    assert len(blocks_of(tmp_path / "t.aws")) == len(statuses)


def test_a_corrupt_block_met_during_a_run_is_an_equipment_check(tmp_path):
    good = header(3, 0, 0xA0) + b"ABC"
    (tmp_path / "t.aws").write_bytes(good + header(9, 3, 0xA0) + b"cut")
    m, unit = tape_machine(tmp_path / "t.aws")
    assert run(m, ccw(0x02, DATA, 0, 3))[0] == CE_DE
    for command in (0x02, 0x37, 0x3F):
        assert run(m, ccw(command, DATA, SLI, 9))[0] == CE_DE | UC
        assert sense(m)[0] == 0x10
    assert run(m, ccw(0x27, 0, 0, 1))[0] == CE_DE            # the position is unchanged
    unit.close()
    assert (tmp_path / "t.aws").read_bytes() == good + header(9, 3, 0xA0) + b"cut"


# ---------------------------------------------------------------------------
# IPL from tape
# ---------------------------------------------------------------------------
PROGRAM = """
PROG     START X'400'
BEGIN    BALR  12,0
         USING *,12
         LH    2,2                     the IPL device (BC mode: locations 2-3)
         SR    5,5                     R5: blocks read before the tape mark
LOOP     LA    1,READ
         ST    1,X'48'
         SIO   0(2)
         BNZ   FAIL
POLL     TIO   0(2)
         BC    2,POLL                  busy
         BC    11,FAIL                 not CSW stored
         TM    X'44',X'01'             unit exception: the tape mark
         BO    EOF
         TM    X'44',X'F2'
         BNZ   FAIL
         A     5,ONE
         B     LOOP
EOF      ST    5,COUNT
         LPSW  DONE
FAIL     LPSW  BAD
         DS    0D
DONE     DC    X'000A0000',A(0)
BAD      DC    X'000A0000',A(X'BAD')
READ     DC    X'02',AL3(BUF),X'20',X'00',AL2(80)
ONE      DC    F'1'
COUNT    DC    F'0'
BUF      DS    CL80
         END   BEGIN
"""


def test_ipl_from_a_tape_reads_the_first_block_and_runs_the_program(tmp_path):
    asm = assemble(PROGRAM, "prog")
    program = asm.image[asm.origin:]
    # Block 1: a BC-mode PSW to X'400' and, at 8, READ of block 2 into X'400'.
    first = bytes.fromhex("0000000000000400") + ccw(0x02, 0x400, SLI, len(program)) \
        + ccw(0x03, 0, 0, 1)
    write_tape(tmp_path / "ipl.het", [first, program, b"x" * 80, b"y" * 80, b"z" * 20, None],
               "het")
    (tmp_path / "m.toml").write_text(
        'storage = "64K"\n[[device]]\naddress = "181"\ntype = "3420"\n'
        'file = "ipl.het"\nring = false\n')
    config = load_configuration(tmp_path / "m.toml")
    m = config.start(b"", 64 * 1024, ipl=0x181)
    assert bytes(m.mem[2:4]) == b"\x01\x81"
    assert m.run(100_000) == "disabled-wait"
    assert int.from_bytes(m.mem[asm.symbols["COUNT"]:asm.symbols["COUNT"] + 4], "big") == 3
    assert m.gpr[5] == 3
    m.channels.close()


def test_ipl_from_an_unloaded_or_blank_tape_fails(tmp_path):
    (tmp_path / "blank.aws").write_bytes(b"")
    (tmp_path / "m.toml").write_text(
        '[[device]]\naddress = "181"\ntype = "3420"\nfile = "blank.aws"\n')
    with pytest.raises(IPLError, match="IPL 181 failed"):
        load_configuration(tmp_path / "m.toml").start(b"", 64 * 1024, ipl=0x181)


# ---------------------------------------------------------------------------
# The configuration
# ---------------------------------------------------------------------------
def config_file(tmp_path: Path, lines: str) -> Path:
    p = tmp_path / "c.toml"
    p.write_text('[[device]]\naddress = "181"\ntype = "3420"\n' + lines)
    return p


def test_a_new_tape_is_created_when_the_machine_starts(tmp_path):
    p = config_file(tmp_path, 'file = "new.het"\ncompression = "bzip2"\n')
    config = load_configuration(p)
    spec = config.devices[0]
    assert spec.options["format"] == "het" and spec.options["compression"] == "bzip2"
    assert not (tmp_path / "new.het").exists()
    m = config.start(b"", 64 * 1024)
    put(m, DATA, bytes(500))
    put(m, CCWS, ccw(0x01, DATA, 0, 500))
    set_caw(m, CCWS)
    assert sio(m, TAPE) == 0 and finish(m, TAPE) == 1
    m.channels.close()
    assert (tmp_path / "new.het").read_bytes()[4] == 0xA2
    assert blocks_of(tmp_path / "new.het") == [bytes(500)]


def test_the_format_is_found_from_the_content(tmp_path):
    write_tape(tmp_path / "t.tape", [bytes(100)], "het")
    config = load_configuration(config_file(tmp_path, 'file = "t.tape"\n'))
    assert config.devices[0].options["format"] == "het"
    write_tape(tmp_path / "u.tape", [bytes(100)], "aws")
    config = load_configuration(config_file(tmp_path, 'file = "u.tape"\n'))
    assert config.devices[0].options["format"] == "aws"


@pytest.mark.parametrize("lines, line, message", [
    ('file = "bad.aws"\n', 4, "not an AWS or HET tape file"),
    ('file = "c.het"\nformat = "aws"\n', 5, "compressed blocks"),
    ('file = "ok.aws"\nformat = "tar"\n', 5, "aws or het"),
    ('file = "ok.aws"\ncompression = "zlib"\n', 5, "compression is for HET"),
    ('file = "ok.aws"\nring = "yes"\n', 5, "ring must be true or false"),
    ('file = "ok.aws"\nmax_size = "big"\n', 5, "max_size"),
    ('file = "ok.aws"\nmax_size = 100\n', 5, "at least 4K"),
    ('file = "missing.aws"\nring = false\n', 4, "no such file"),
    ('file = "ok.aws"\ndensity = 1600\n', 5, "unknown key 'density'"),
    ('file = "ro.aws"\n', 4, "not writable"),
])
def test_bad_tape_configurations(tmp_path, lines, line, message):
    (tmp_path / "bad.aws").write_bytes(header(5, 0, 0xA0) + b"ab")
    write_tape(tmp_path / "c.het", [bytes(100)], "het")
    write_tape(tmp_path / "ok.aws", [b"x"])
    write_tape(tmp_path / "ro.aws", [b"x"])
    os.chmod(tmp_path / "ro.aws", 0o444)
    if os.access(tmp_path / "ro.aws", os.W_OK) and "ro.aws" in lines:
        pytest.skip("running as a user who may write any file")
    with pytest.raises(ConfigError) as e:
        load_configuration(config_file(tmp_path, lines))
    assert str(e.value).startswith(f"{tmp_path / 'c.toml'}:{line}: ")
    assert message in str(e.value)


def test_two_units_may_share_a_tape_only_without_rings(tmp_path):
    write_tape(tmp_path / "t.aws", [b"x"])
    p = tmp_path / "two.toml"
    text = ('[[device]]\naddress = "181"\ntype = "3420"\nfile = "t.aws"\nring = false\n'
            '[[device]]\naddress = "182"\ntype = "3420"\nfile = "t.aws"\nring = {}\n')
    p.write_text(text.format("false"))
    assert len(load_configuration(p).devices) == 2
    p.write_text(text.format("true"))
    with pytest.raises(ConfigError, match="same host file"):
        load_configuration(p)


def test_a_vm_of_the_directory_has_a_tape_unit_on_its_own_file(tmp_path):
    # (reference/vm/vmio.py: a virtual 3420 on its tape file; tests/test_vmio.py
    # runs one.)
    write_tape(tmp_path / "t.aws", [b"x"])
    (tmp_path / "p.asm").write_text(" LPSW 0\n")
    (tmp_path / "d.toml").write_text(
        '[[vm]]\nname = "a"\nprogram = "p.asm"\nstorage = "64K"\n'
        '  [[vm.device]]\n  address = "181"\n  type = "3420"\n  file = "t.aws"\n')
    device = load_directory(tmp_path / "d.toml").vms[0].devices[0]
    assert device.type_name == "3420" and device.tape["path"] == tmp_path / "t.aws"
    (tmp_path / "d.toml").write_text(
        '[[vm]]\nname = "a"\nprogram = "p.asm"\nstorage = "64K"\n'
        '  [[vm.device]]\n  address = "181"\n  type = "3420"\n  file = "t.aws"\n'
        '[[vm]]\nname = "b"\nprogram = "p.asm"\nstorage = "64K"\n'
        '  [[vm.device]]\n  address = "181"\n  type = "3420"\n  file = "t.aws"\n')
    with pytest.raises(VMIOError, match=r"d.toml:\d+: .*same host file"):
        load_directory(tmp_path / "d.toml")


def test_a_write_the_host_file_refuses_is_an_equipment_check(tmp_path, monkeypatch):
    write_tape(tmp_path / "t.aws", [b"one", b"two", None])
    m, unit = tape_machine(tmp_path / "t.aws")
    assert run(m, ccw(0x37, 0, 0, 1))[0] == CE_DE
    written: list[int] = []

    real = os.pwrite

    def full(fd: int, data: bytes, offset: int) -> int:
        # The first byte of the block goes in, then the host file is full; the
        # unit puts back what it overwrote.
        written.append(offset)
        if len(written) == 1:
            return real(fd, bytes(data)[:1], offset)
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data, offset)

    def refuse(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr("reference.io.tape.os.pwrite", full)
    assert write(m, b"newer")[0] == CE_DE | UC
    assert sense(m)[0] == 0x10
    monkeypatch.setattr("reference.io.tape.os.pwrite", refuse)
    assert run(m, ccw(0x1F, 0, 0, 1))[0] == CE_DE | UC
    monkeypatch.undo()
    assert written                                     # the write was attempted
    assert blocks_of(tmp_path / "t.aws") == [b"one", b"two", None]   # nothing lost
    # The unit goes on at the same position: a write replaces the rest of the reel.
    assert write(m, b"NEW")[0] == CE_DE
    unit.close()
    assert blocks_of(tmp_path / "t.aws") == [b"one", b"NEW"]


def test_data_chained_read_and_write(tmp_path):
    m, unit = tape_machine(tmp_path / "t.aws")
    put(m, DATA, b"abc")
    put(m, DATA + 0x100, b"defg")
    assert run(m, ccw(0x01, DATA, 0x80, 3), ccw(0x01, DATA + 0x100, 0, 4)) == (CE_DE, 0, 0)
    run(m, ccw(0x07, 0, 0, 1))
    assert run(m, ccw(0x02, DATA + 0x200, 0x80, 2), ccw(0x02, DATA + 0x300, 0, 5)) == (
        CE_DE, 0, 0)
    assert bytes(m.mem[DATA + 0x200:DATA + 0x202]) == b"ab"
    assert bytes(m.mem[DATA + 0x300:DATA + 0x305]) == b"cdefg"
    unit.close()
    assert blocks_of(tmp_path / "t.aws") == [b"abcdefg"]


def test_a_bustech_zlib_block_is_read(tmp_path):
    packed = zlib.compress(b"B" * 300)
    (tmp_path / "b.het").write_bytes(header(len(packed), 0, 0xA0, 0x80) + packed)
    assert scan_tape(tmp_path / "b.het") == (True, None)
    assert blocks_of(tmp_path / "b.het") == [b"B" * 300]


def test_max_size_is_bytes_or_k_or_m(tmp_path):
    write_tape(tmp_path / "ok.aws", [b"x"])
    for value, size in (('"8K"', 8192), ("10000", 10000), ('"2M"', 2 * 1024 * 1024)):
        config = load_configuration(config_file(tmp_path, f'file = "ok.aws"\nmax_size = {value}\n'))
        assert config.devices[0].options["max_size"] == size


def test_a_configured_3420_runs_under_the_vmcp_attached_to_the_vm(tmp_path, capsys):
    # (the VMCP attaches the configured tape unit to the VM: reference/vm/vmio.py;
    # tests/test_vmio.py compares a tape program's run with the native one.)
    cfg = tmp_path / "tape.toml"
    cfg.write_text(f'[[device]]\naddress = "181"\ntype = "3420"\nfile = "{tmp_path / "t.aws"}"\n')
    prog = tmp_path / "p.asm"
    prog.write_text("P        START 0\n         DC    X'000A0000',A(0)\n         END\n")
    assert main(["run", str(prog), "--config", str(cfg), "--under", "vmcp"]) == 0
    assert (tmp_path / "t.aws").exists()          # the new tape, as natively
