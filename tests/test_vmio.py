"""Channel I/O under the VMCP (reference/vm/vmio.py): virtual devices, spool,
minidisks by CCW translation, and the restrictions the module lists.

What "right" means: a guest doing channel I/O under the VMCP behaves exactly as
the same image on the native machine with the same devices (the native machine's
channel and devices are checked against GA22-7000 ch.12-13 and Hercules in
tests/test_io.py).  Every equivalence test compares the whole architectural state
(``differences`` of tests/support.py: PSW, registers, storage, keys, clocks,
pending I/O conditions, step count, interruptions taken), the device output files
and the disk images; and, where the outcome can be said by hand, the test says it
too (CSW fields, sense bytes, disk blocks), so that an equivalence that holds
because both sides did nothing cannot pass.

CSW (GA22-7000 ch.12): byte 0 key, bytes 1-3 last CCW address + 8, byte 4 unit
status (08 channel end, 04 device end, 02 unit check, 01 unit exception), byte 5
channel status (80 PCI, 40 incorrect length, 20 program check, 10 protection
check), bytes 6-7 residual count.  CCW flags: 80 CD, 40 CC, 20 SLI, 10 SKIP,
08 PCI, 04 IDA.  3370 (reference.io.devices.Disk3370): DEFINE EXTENT X'63' (mask,
origin, first, last), LOCATE X'43' (operation, count, block), READ X'42', WRITE
X'41', READ IPL X'02', SENSE X'04' (24 bytes; byte 0 X'80' command reject, X'10'
equipment check).

Most guests here are one driver program (``DRIVER``): it sets the storage keys of
a table with SSK, then starts each channel program of a request table with START
I/O (the CAW from the table) and waits for the device's I/O interruption in an
enabled wait, logging the SIO condition code and both CSWs.  Channel programs and
data are placed by the tests.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.strategies import ccw, ccws, extents, locates, valid_extents
from conformance.strategies import define_extent as de
from conformance.strategies import locate as loc
from reference.arch.ebcdic import to_ebcdic
from reference.asm.assembler import assemble
from reference.cli.main import main
from reference.io.channel import (
    CC,
    CD,
    IDA,
    PCI_FLAG,
    SKIP,
    SLI,
    ChannelSubsystem,
)
from reference.io.ckd import CKDDevice
from reference.io.config import load_configuration
from reference.io.dasd import Record as CKDRecord
from reference.io.dasd import build_track, create, open_image
from reference.io.devices import (
    CardPunch2540,
    CardReader2540,
    Console3215,
    Disk3370,
    Printer1403,
)
from reference.io.tape import Tape3420
from reference.machine.machine import Machine
from reference.session import configured_guest, configured_run, start_machine
from reference.vm.directory import load_directory
from reference.vm.paging import PAGE as PAGE_4K
from reference.vm.virtual_machine import VirtualMachine
from reference.vm.vmcp import VMCP, VMCPError
from reference.vm.vmio import AREA_SIZE, CKDMinidisk, Minidisk, VirtualDevice, VMIOError
from tests.support import DISK_PROGRAM, asm, card, collect_garbage, differences, ipl_deck

REPO = Path(__file__).resolve().parent.parent
K = 1024
M = 1024 * 1024
GUEST = 64 * K
BLOCK = 512

# Guest device addresses (the same natively and in the VM), and the VMCP's real disk.
CONSOLE, READER, PUNCH, PRINTER, DISK = 0x009, 0x00C, 0x00D, 0x00E, 0x150
REAL_DISK = 0x130

# Unit and channel status bits (GA22-7000 ch.12).
CE_DE = 0x0C
UNIT_CHECK = 0x02
UNIT_EXCEPTION = 0x01
INCORRECT_LENGTH = 0x40
PROGRAM_CHECK = 0x20
PROTECTION_CHECK = 0x10
COMMAND_REJECT = 0x80
EQUIPMENT_CHECK = 0x10


# ---------------------------------------------------------------------------
# The driver program
# ---------------------------------------------------------------------------
KEYT, REQ, LOG = 0x300, 0x380, 0x500    # key table, request table, log
ENTRY = 24                              # log bytes per request

DRIVER = """
DRV      START 0
         DC    X'00000000',A(BEGIN)     restart new PSW: BC mode, key 0
         ORG   DRV+X'68'
         DC    X'00020000',A(X'BAD')    program new PSW: disabled wait at BAD
         ORG   DRV+X'78'
         DC    X'00000000',A(IOINT)     I/O new PSW: BC mode, disabled
         ORG   DRV+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,X'300'                storage keys to set: address, key
KLOOP    L     4,0(0,10)
         LTR   4,4
         BM    REQS                     address -1 ends the table
         L     5,4(0,10)
         SSK   5,4
         LA    10,8(0,10)
         B     KLOOP
REQS     LA    10,X'380'                the requests: CAW, device address
         LA    13,X'500'                the log: 24 bytes a request
NEXT     L     2,4(0,10)
         LTR   2,2
         BM    FINISH                   device -1 ends the table
         MVC   X'48'(4,0),0(10)         CAW
         SIO   0(2)
         BALR  3,0                      the condition code in bits 2-3
         ST    3,0(0,13)
         MVC   8(8,13),X'40'(0)         the CSW as START I/O left it
         BC    7,ADVANCE                CC 1, 2, 3: no interruption to wait for
WAIT     LPSW  WAITPSW
IOINT    CLC   X'3A'(2,0),6(10)         the interruption of the device started?
         BNE   WAIT
         MVC   16(8,13),X'40'(0)        its CSW
ADVANCE  LA    13,24(0,13)
         LA    10,8(0,10)
         B     NEXT
FINISH   LPSW  STOP
         DS    0D
WAITPSW  DC    X'FE020000',A(0)         BC mode, every channel enabled, wait
STOP     DC    X'00020000',A(0)         disabled wait
         END
"""
DRIVER_IMAGE = asm(DRIVER)
assert len(DRIVER_IMAGE) <= KEYT


def image(requests: list[tuple[int, int, int]], data: dict[int, bytes] | None = None,
          keys: list[tuple[int, int]] | None = None, size: int = 0) -> bytes:
    """The driver with ``requests`` (CCW address, device, CAW key), ``keys``
    (block address, storage key) and ``data`` (address -> bytes)."""
    data = data or {}
    end = max([LOG + ENTRY * 32, size] + [a + len(b) for a, b in data.items()])
    out = bytearray(end)
    out[:len(DRIVER_IMAGE)] = DRIVER_IMAGE
    table = b"".join(a.to_bytes(4, "big") + k.to_bytes(4, "big") for a, k in keys or [])
    out[KEYT:KEYT + len(table) + 4] = table + b"\xff" * 4
    reqs = b"".join(((key << 28) | a).to_bytes(4, "big") + d.to_bytes(4, "big")
                    for a, d, key in requests)
    assert len(reqs) <= LOG - REQ - 8
    out[REQ:REQ + len(reqs) + 8] = reqs + b"\xff" * 8
    for a, b in data.items():
        out[a:a + len(b)] = b
    return bytes(out)


@dataclass
class Logged:
    """One request as the driver logged it."""

    cc: int                                  # START I/O condition code
    sio: tuple[int, int, int, int, int]      # CSW after START I/O (CC 1)
    end: tuple[int, int, int, int, int]      # CSW of the I/O interruption (CC 0)


def _csw(b: bytes) -> tuple[int, int, int, int, int]:
    return b[0] >> 4, int.from_bytes(b[1:4], "big"), b[4], b[5], int.from_bytes(b[6:8], "big")


def logged(cpu: Machine | VirtualMachine, i: int) -> Logged:
    e = bytes(cpu.mem[LOG + ENTRY * i:LOG + ENTRY * (i + 1)])
    return Logged(e[0] >> 4 & 3, _csw(e[8:16]), _csw(e[16:24]))


def pattern(blocks: int, first: int = 0) -> bytes:
    """Blocks whose every byte is the block number (plus ``first``)."""
    return b"".join(bytes([(first + b) & 0xFF]) * BLOCK for b in range(blocks))


def text(s: str) -> bytes:
    return to_ebcdic(s)


# ---------------------------------------------------------------------------
# The same guest natively and under the VMCP
# ---------------------------------------------------------------------------
@dataclass
class Program:
    """A real channel program the VMCP ran: its CCWs decoded against real storage
    as they were when it started."""

    device: int
    key: int
    ccws: list[tuple[int, int, int, int]]
    data: bytes
    area: int
    minidisk: Any = None

    def data_bytes(self, address: int, n: int) -> bytes:
        at = address - self.area - 8 * len(self.ccws)
        assert 0 <= at and at + n <= len(self.data), "real CCW data outside the program"
        return self.data[at:at + n]

    def extent(self) -> tuple[int, int, int, int]:
        c, a, _, n = self.ccws[0]
        assert (c, n) == (0x63, 16)
        d = self.data_bytes(a, 16)
        return (d[0], int.from_bytes(d[4:8], "big"), int.from_bytes(d[8:12], "big"),
                int.from_bytes(d[12:16], "big"))

    def located(self) -> tuple[int, int, int]:
        c, a, _, n = self.ccws[1]
        assert (c, n) == (0x43, 8)
        d = self.data_bytes(a, 8)
        return d[0], int.from_bytes(d[2:4], "big"), int.from_bytes(d[4:8], "big")

    def real_pieces(self) -> list[tuple[int, int]]:
        """(real address, length) of the data of the READ/WRITE CCWs, in order,
        following the IDAWs as the channel does (GA22-7000 ch.12 "Channel
        Indirect Data Addressing"); a skip is (-1, length)."""
        out = []
        for _, a, f, n in self.ccws[2:]:
            if f & SKIP:
                out.append((-1, n))
                continue
            assert f & IDA
            k = 0
            while n > 0:
                w = int.from_bytes(self.data_bytes(a + 4 * k, 4), "big")
                assert w >> 24 == 0
                if k:
                    assert w % 0x800 == 0, "an IDAW after the first on a 2K boundary"
                take = min(n, 0x800 - w % 0x800)
                out.append((w, take))
                n -= take
                k += 1
        return out


@dataclass
class Both:
    m: Machine
    cp: VMCP
    vm: VirtualMachine
    native: dict[str, bytes]          # console, punch, printer, disk
    virtual: dict[str, bytes]         # console, punch, printer (released spool)
    real_disk: bytes                  # the whole real disk after the run
    before: bytes                     # ... and before it
    programs: list[Program] = field(default_factory=list)

    def assert_same(self, start: int = 0) -> None:
        diff = differences(self.m, self.vm)
        assert not diff, "\n".join(diff)
        for name in ("console", "punch", "printer"):
            assert self.virtual[name] == self.native[name], name
        disk = self.native["disk"]
        if disk:
            at, end = start * BLOCK, start * BLOCK + len(disk)
            assert self.real_disk[at:end] == disk, "the minidisk differs from the native disk"
            assert self.real_disk[:at] == self.before[:at], "real blocks before the extent"
            assert self.real_disk[end:] == self.before[end:], "real blocks after the extent"
        for p in self.programs:     # every real program: DE of the minidisk, LOCATE, data
            assert p.minidisk is not None
            assert p.extent()[1:] == (p.minidisk.start_block, 0, p.minidisk.blocks - 1)
            assert p.ccws[1][0] == 0x43 and all(c == p.ccws[2][0] for c, *_ in p.ccws[2:])


@contextmanager
def capture(cp: VMCP, out: list[Program]) -> Iterator[None]:
    """Record every real channel program of the VMCP (RealIO.run) with the
    minidisk it serves."""
    assert cp.io is not None
    io = cp.io
    original = io.run
    real_program = Minidisk._real_program
    bounce_program = Minidisk._bounce_program

    serving: list[Any] = []

    def run(device: int, key: int, ccws: list[tuple[int, int, int, int]],
            data: bytes) -> tuple[int, int]:
        out.append(Program(device, key, list(ccws), bytes(data), io.area,
                           serving[-1] if serving else None))
        return original(device, key, ccws, data)

    def tracked(self: Minidisk, *args: Any) -> int:
        serving.append(self)
        try:
            return real_program(self, *args)
        finally:
            serving.pop()

    def tracked_bounce(self: Minidisk, *args: Any) -> int:
        serving.append(self)
        try:
            return bounce_program(self, *args)
        finally:
            serving.pop()

    setattr(io, "run", run)                        # noqa: B010 - a test's wrapper
    setattr(Minidisk, "_real_program", tracked)    # noqa: B010
    setattr(Minidisk, "_bounce_program", tracked_bounce)    # noqa: B010
    try:
        yield
    finally:
        setattr(Minidisk, "_real_program", real_program)  # noqa: B010
        setattr(Minidisk, "_bounce_program", bounce_program)  # noqa: B010
        setattr(io, "run", original)                       # noqa: B010


def native_devices(folder: Path, script: list[str], cards: list[bytes],
                   disk: bytes | None) -> dict[int, Any]:
    devices: dict[int, Any] = {
        CONSOLE: Console3215(folder / "console", list(script), []),
        READER: CardReader2540(list(cards)),
        PUNCH: CardPunch2540(folder / "punch"),
        PRINTER: Printer1403(folder / "printer"),
    }
    if disk is not None:
        (folder / "disk").write_bytes(disk)
        devices[DISK] = Disk3370(folder / "disk")
    return devices


def run_native(img: bytes, folder: Path, *, storage: int = GUEST, steps: int = 20_000,
               script: list[str] | None = None, cards: list[bytes] | None = None,
               disk: bytes | None = None, ipl: int | None = None) -> tuple[Machine,
                                                                         dict[str, bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    m = start_machine(img, storage) if ipl is None else Machine(storage)
    channels = ChannelSubsystem(m)
    for address, device in native_devices(folder, script or [], cards or [], disk).items():
        channels.attach(address, device)
    m.channels = channels
    if ipl is not None:
        assert channels.ipl(ipl) is None
    m.interruption_log = []
    m.run(steps)
    channels.close()
    files = {n: (folder / n).read_bytes() for n in ("console", "punch", "printer")}
    files["disk"] = (folder / "disk").read_bytes() if disk is not None else b""
    return m, files


def virtual_devices(folder: Path, script: list[str], cards: list[bytes], blocks: int,
                    start: int) -> list[VirtualDevice]:
    specs = [VirtualDevice(CONSOLE, "3215", script=list(script), release_to=folder / "console"),
             VirtualDevice(READER, "2540R", cards=list(cards)),
             VirtualDevice(PUNCH, "2540P", release_to=folder / "punch"),
             VirtualDevice(PRINTER, "1403", release_to=folder / "printer")]
    if blocks:
        specs.append(VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=start, blocks=blocks))
    return specs


def run_both(tmp: Path, img: bytes, *, storage: int = GUEST, steps: int = 20_000,
             script: list[str] | None = None, cards: list[bytes] | None = None,
             disk: bytes | None = None, start: int = 0, real_blocks: int = 0,
             paging: int = 0, paged: bool = False, ipl: int | None = None,
             setup: Callable[[VMCP], None] | None = None) -> Both:
    """``img`` natively and as the only VM of a VMCP, with a console (``script``),
    a reader (``cards``), a punch, a printer and, with ``disk``, a 3370 holding
    ``disk`` natively / a minidisk of as many blocks from block ``start`` of a real
    3370 of ``real_blocks`` blocks (the blocks around it hold another pattern)."""
    m, native = run_native(img, tmp / "native", storage=storage, steps=steps, script=script,
                           cards=cards, disk=disk, ipl=ipl)
    folder = tmp / "vm"
    folder.mkdir(parents=True, exist_ok=True)
    cp = VMCP(real_storage=M, spool_directory=tmp / "spool", paging=paging)
    programs: list[Program] = []
    blocks = len(disk) // BLOCK if disk is not None else 0
    before = b""
    if disk is not None:
        real = bytearray(pattern(max(real_blocks, start + blocks), 0x80))
        real[start * BLOCK:(start + blocks) * BLOCK] = disk
        before = bytes(real)
        (folder / "real.img").write_bytes(before)
        cp.attach_real_disk(REAL_DISK, folder / "real.img")
        if setup is not None:
            setup(cp)
    with capture(cp, programs) if disk is not None else _nothing():
        vm = cp.create_vm(b"" if ipl is not None else img, storage, max_steps=steps,
                          devices=virtual_devices(folder, script or [], cards or [], blocks,
                                                  start),
                          ipl=ipl, paged=paged)
        vm.interruption_log = []
        cp.run()
    cp.release_spool(vm)
    if cp.real.channels is not None:
        cp.real.channels.close()
    files = {n: (folder / n).read_bytes() for n in ("console", "punch", "printer")}
    real_disk = (folder / "real.img").read_bytes() if disk is not None else b""
    return Both(m, cp, vm, native, files, real_disk, before, programs)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def disk_program(extent: bytes, locate: bytes, command: int, address: int, count: int,
                 flags: int = 0, at: int = 0x800, data: int = 0xA00) -> dict[int, bytes]:
    """DEFINE EXTENT (data at ``data``), LOCATE (at ``data`` + 16), then one
    READ/WRITE CCW: the channel program at ``at``."""
    return {at: ccw(0x63, data, CC, 16) + ccw(0x43, data + 16, CC, 8)
            + ccw(command, address, flags, count),
            data: extent, data + 16: locate}


SENSE_AT = 0xF00          # a SENSE channel program, its 24 bytes at SENSE_DATA
SENSE_DATA = 0xF80


def with_sense(data: dict[int, bytes]) -> dict[int, bytes]:
    return {**data, SENSE_AT: ccw(0x04, SENSE_DATA, 0, 24)}


# ===========================================================================
# 1. Equivalence with the native machine
# ===========================================================================
def test_console_write_and_scripted_read_run_as_natively(tmp_path):
    # Write with carrier return (X'09') 10 bytes; read inquiry (X'0A') count 20
    # with SLI: the line "REPLY" (5 bytes) -> residual 15, no incorrect length;
    # count 20 without SLI: "SECOND LINE" (11) -> residual 9 and incorrect length;
    # the script exhausted: unit exception, nothing moved (residual 20).
    data = 0x1000
    img = image([(0x800, CONSOLE, 0), (0x808, CONSOLE, 0), (0x810, CONSOLE, 0),
                 (0x818, CONSOLE, 0)],
                {0x800: ccw(0x09, data, 0, 10) + ccw(0x0A, data + 0x100, SLI, 20)
                 + ccw(0x0A, data + 0x200, 0, 20) + ccw(0x0A, data + 0x300, SLI, 20),
                 data: text("HELLO VMCP")})
    r = run_both(tmp_path, img, script=["REPLY", "SECOND LINE"])
    r.assert_same()
    vm = r.vm
    assert [logged(vm, i).cc for i in range(4)] == [0, 0, 0, 0]
    assert logged(vm, 0).end == (0, 0x808, CE_DE, 0, 0)
    assert logged(vm, 1).end == (0, 0x810, CE_DE, 0, 15)
    assert logged(vm, 2).end == (0, 0x818, CE_DE, INCORRECT_LENGTH, 9)
    assert logged(vm, 3).end == (0, 0x820, CE_DE | UNIT_EXCEPTION, 0, 20)
    assert bytes(vm.mem[data + 0x100:data + 0x105]) == text("REPLY")
    assert bytes(vm.mem[data + 0x200:data + 0x20B]) == text("SECOND LINE")
    # The console prints what is written and echoes what the operator types.
    assert r.virtual["console"] == b"HELLO VMCP\nREPLY\nSECOND LINE\n"


def test_printer_and_punch_spool_files_are_released_as_the_native_files(tmp_path):
    # Printer: write and space 1 (X'09'), write no space (X'01') then space 2
    # immediately (X'13'); punch: one card (X'01', 80 bytes), one short card with
    # SLI (padded with blanks).
    data = 0x1000
    line = text("PRINTED LINE")
    img = image([(0x800, PRINTER, 0), (0x808, PRINTER, 0), (0x818, PUNCH, 0),
                 (0x820, PUNCH, 0)],
                {0x800: ccw(0x09, data, 0, len(line)) + ccw(0x01, data, CC, len(line))
                 + ccw(0x13, data, 0, 1) + ccw(0x01, data + 0x100, 0, 80)
                 + ccw(0x01, data, SLI, len(line)),
                 data: line, data + 0x100: card("PUNCHED CARD")})
    r = run_both(tmp_path, img)
    r.assert_same()
    assert r.virtual["printer"] == b"PRINTED LINE\nPRINTED LINE\r\n\n"
    assert r.virtual["punch"] == b"PUNCHED CARD\nPRINTED LINE\n"
    assert [logged(r.vm, i).end[2] for i in range(4)] == [CE_DE] * 4


def _cards_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "examples" / "cards.txt", folder)
    shutil.copy(REPO / "examples" / "cards.toml", folder)
    return folder / "cards.toml"


def test_cards_to_printer_example_runs_under_the_vmcp_as_natively(tmp_path):
    # The bundled example through the Python API: the deck of examples/cards.txt
    # on the reader at 00C, the printer at 00E (examples/cards.toml, 256K).
    config = load_configuration(_cards_config(tmp_path / "native"))
    img = asm((REPO / "examples" / "cards_to_printer.asm").read_text())
    storage = config.storage or 0
    assert storage == 256 * K
    m = start_machine(img, storage)
    config.attach(m)
    m.interruption_log = []
    m.run(100_000)
    assert m.channels is not None
    m.channels.close()
    cards = next(d.options["cards"] for d in config.devices if d.type_name == "2540R")
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    out = tmp_path / "vm.prt"
    vm = cp.create_vm(img, storage, max_steps=100_000, devices=[
        VirtualDevice(READER, "2540R", cards=cards),
        VirtualDevice(PRINTER, "1403", release_to=out)])
    vm.interruption_log = []
    cp.run()
    assert cp.release_spool(vm) == [out]
    diff = differences(m, vm)
    assert not diff, "\n".join(diff)
    deck = (REPO / "examples" / "cards.txt").read_text().splitlines()
    printed = "".join(line.rstrip() + "\n" for line in deck)
    assert out.read_text() == printed
    assert (tmp_path / "native" / "cards_to_printer.prt").read_text() == printed
    assert vm.gpr[5] == len(deck) == 5
    # Each card: one read and one print interruption, taken in the enabled wait.
    assert [r.kind for r in vm.interruption_log or []].count("io") == 2 * len(deck) + 1


def test_cards_to_printer_example_under_vmcp_on_the_command_line(tmp_path, capsys):
    source = str(REPO / "examples" / "cards_to_printer.asm")
    outputs = []
    for name, extra in (("native", []), ("vmcp", ["--under", "vmcp"])):
        config = _cards_config(tmp_path / name)
        assert main(["run", source, "--config", str(config), "--json", "--dump", "200-3FF",
                     *extra]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    native, virtual = outputs
    assert virtual == native
    assert native["stop"] == "disabled-wait" and native["gpr"][5] == "00000005"
    printed = (tmp_path / "native" / "cards_to_printer.prt").read_text()
    assert (tmp_path / "vmcp" / "cards_to_printer.prt").read_text() == printed
    assert printed.splitlines()[1] == "CARD 2: THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG."


def test_the_hercules_checked_disk_program_runs_on_a_whole_disk_minidisk(tmp_path):
    # DISK_PROGRAM of tests/support.py (agrees with Hercules): write extent block 5,
    # read extent blocks 2-4 of an extent at device block 2 with data chaining,
    # LOCATE beyond the extent.  Natively a 16-block disk; here a minidisk of the
    # whole 16-block real disk.
    img = asm(DISK_PROGRAM)
    r = run_both(tmp_path, img, disk=pattern(16))
    r.assert_same()
    # Block 5 = 128 x "ABCD"; the read of device blocks 4-6 found 04.., ABCD.., 06..
    assert r.real_disk[5 * BLOCK:6 * BLOCK] == text("ABCD") * 128
    assert bytes(r.vm.mem[0x1000:0x1200]) == b"\x04" * BLOCK
    assert bytes(r.vm.mem[0x1400:0x1600]) == b"\x06" * BLOCK
    assert r.vm.stop_reason == "disabled-wait" and r.vm.psw_value() == 0x000A0000_00000000


MD_START, MD_BLOCKS, REAL_BLOCKS = 20, 8, 40   # a minidisk inside a larger real disk


def run_disk(tmp: Path, requests: list[tuple[int, int, int]], data: dict[int, bytes],
             keys: list[tuple[int, int]] | None = None, **kw: Any) -> Both:
    r = run_both(tmp, image(requests, with_sense(data), keys), disk=pattern(MD_BLOCKS),
                 start=MD_START, real_blocks=REAL_BLOCKS, **kw)
    r.assert_same(MD_START)
    return r


def test_disk_write_then_read_back_relocated_to_the_minidisk(tmp_path):
    # Write minidisk blocks 2-3 ("W" x 1024) and read blocks 1-4 back: 01.., W, W,
    # 04..; the real disk changes at blocks 22-23 (20 + 2, 20 + 3) only.
    w = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 2, 2), 0x41, 0x1000, 1024)
    rd = disk_program(de(0x40, 0, 0, 7), loc(0x06, 4, 1), 0x42, 0x2000, 2048,
                      at=0x840, data=0xA40)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (0x840, DISK, 0)],
                 {**w, **rd, 0x1000: b"W" * 1024})
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, 0, 0)
    assert logged(r.vm, 1).end == (0, 0x858, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x2000:0x2800]) == b"\x01" * 512 + b"W" * 1024 + b"\x04" * 512
    assert r.real_disk[22 * BLOCK:24 * BLOCK] == b"W" * 1024
    assert r.real_disk[21 * BLOCK:22 * BLOCK] == b"\x01" * BLOCK


@pytest.mark.parametrize("extent", [
    de(0x80, 0, 0, 7),          # file mask 10: invalid
    de(0xC8, 0, 0, 7),          # reserved mask bit (X'08')
    de(0x40, 0, 5, 4),          # last before first
    de(0x40, 8, 0, 0),          # origin beyond the minidisk (8 blocks)
    de(0x40, 0, 0, 8),          # 9 blocks on a disk of 8
    de(0x40, 7, 10, 11),        # 2 blocks from block 7
], ids=["mask-10", "reserved-bit", "last-before-first", "origin-beyond", "nine-blocks",
        "two-from-7"])
def test_invalid_define_extent_is_command_reject_as_natively(tmp_path, extent):
    prog = disk_program(extent, loc(0x06, 1, 0), 0x42, 0x2000, 512)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (SENSE_AT, DISK, 0)], prog)
    # The DE ends with unit check (its 16 bytes taken: residual 0); no chaining.
    assert logged(r.vm, 0).end == (0, 0x808, CE_DE | UNIT_CHECK, 0, 0)
    assert r.vm.mem[SENSE_DATA] == COMMAND_REJECT
    assert bytes(r.vm.mem[0x2000:0x2200]) == bytes(512)
    assert r.programs == []           # nothing reached the real disk


@pytest.mark.parametrize("locate", [
    loc(0x06, 1, 8),            # the block after the extent
    loc(0x06, 2, 7),            # the last block and one beyond
    loc(0x06, 0xFFFF, 0),       # 65535 blocks
    loc(0x06, 1, 0xFFFFFFFF),
    loc(0x06, 0, 0),            # count zero
    loc(0x26, 1, 0),            # operation bits 0-2 not zero
], ids=["block-8", "7-and-8", "ffff-blocks", "block-ffffffff", "count-0", "bad-operation"])
def test_locate_beyond_the_extent_is_command_reject_as_natively(tmp_path, locate):
    prog = disk_program(de(0x40, 0, 0, 7), locate, 0x42, 0x2000, 1024)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (SENSE_AT, DISK, 0)], prog)
    assert logged(r.vm, 0).end == (0, 0x810, CE_DE | UNIT_CHECK, 0, 0)
    assert r.vm.mem[SENSE_DATA] == COMMAND_REJECT
    assert r.programs == []


def test_write_with_a_write_inhibiting_file_mask_is_rejected_and_writes_nothing(tmp_path):
    # Mask 01 (X'40') inhibits all writes: LOCATE for write is command reject;
    # mask 00 inhibits format writes only: the write is done.
    inhibited = disk_program(de(0x40, 0, 0, 7), loc(0x01, 1, 3), 0x41, 0x1000, 512)
    allowed = disk_program(de(0x00, 0, 0, 7), loc(0x01, 1, 4), 0x41, 0x1000, 512,
                           at=0x840, data=0xA40)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (SENSE_AT, DISK, 0), (0x840, DISK, 0)],
                 {**inhibited, **allowed, 0x1000: b"X" * 512})
    assert logged(r.vm, 0).end == (0, 0x810, CE_DE | UNIT_CHECK, 0, 0)
    assert r.vm.mem[SENSE_DATA] == COMMAND_REJECT
    assert logged(r.vm, 2).end == (0, 0x858, CE_DE, 0, 0)
    assert r.real_disk[(MD_START + 3) * BLOCK:(MD_START + 4) * BLOCK] == b"\x03" * BLOCK
    assert r.real_disk[(MD_START + 4) * BLOCK:(MD_START + 5) * BLOCK] == b"X" * BLOCK


def test_a_data_area_running_beyond_guest_storage_mid_transfer(tmp_path):
    # READ 2 blocks (1024 bytes) into X'FE00' of 64K: 512 bytes fit, then the
    # address X'10000' is outside storage: program check with channel end and
    # device end; residual 512; block 1 (01..) stored, nothing beyond.
    # WRITE 1 block from X'FF00': 256 bytes in storage, then program check: nothing
    # is written (the device never got the data).
    rd = disk_program(de(0x40, 0, 0, 7), loc(0x06, 2, 1), 0x42, 0xFE00, 1024)
    wr = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 1, 6), 0x41, 0xFF00, 512,
                      at=0x840, data=0xA40)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (0x840, DISK, 0)], {**rd, **wr})
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, PROGRAM_CHECK, 512)
    assert bytes(r.vm.mem[0xFE00:0x10000]) == b"\x01" * 512
    assert logged(r.vm, 1).end == (0, 0x858, CE_DE, PROGRAM_CHECK, 256)
    assert r.real_disk[(MD_START + 6) * BLOCK:(MD_START + 7) * BLOCK] == b"\x06" * BLOCK


def test_a_read_into_a_block_of_another_key_is_a_protection_check(tmp_path):
    # CAW key 3.  The area X'3600'-X'39FF' starts in block X'3000' (key 3: may
    # store) and goes on into block X'3800' (key 5): 512 bytes stored, then a
    # protection check; residual 512.  The SSKs are simulated by the VMCP.
    rd = disk_program(de(0x40, 0, 0, 7), loc(0x06, 2, 2), 0x42, 0x3600, 1024)
    r = run_disk(tmp_path, [(0x800, DISK, 3)], rd, keys=[(0x3000, 0x30), (0x3800, 0x50)])
    assert logged(r.vm, 0).end == (3, 0x818, CE_DE, PROTECTION_CHECK, 512)
    assert bytes(r.vm.mem[0x3600:0x3800]) == b"\x02" * 512
    assert bytes(r.vm.mem[0x3800:0x3A00]) == bytes(512)
    # The channel set the reference and change bits of the block it stored into.
    assert r.vm.keys[0x3000 >> 11] == 0x36 and r.vm.keys[0x3800 >> 11] == 0x50


def test_a_write_from_a_fetch_protected_block_of_another_key_writes_nothing(tmp_path):
    # CAW key 3; the output area is in a block of key 5 with fetch protection
    # (X'58'): protection check at once (residual 512), nothing written; key 5
    # matches: the block is written.
    a = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 1, 2), 0x41, 0x3000, 512)
    b = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 1, 3), 0x41, 0x3000, 512, at=0x840,
                     data=0xA40)
    r = run_disk(tmp_path, [(0x800, DISK, 3), (0x840, DISK, 5)],
                 {**a, **b, 0x3000: b"P" * 512}, keys=[(0x3000, 0x58)])
    assert logged(r.vm, 0).end == (3, 0x818, CE_DE, PROTECTION_CHECK, 512)
    assert logged(r.vm, 1).end == (5, 0x858, CE_DE, 0, 0)
    assert r.real_disk[(MD_START + 2) * BLOCK:(MD_START + 3) * BLOCK] == b"\x02" * BLOCK
    assert r.real_disk[(MD_START + 3) * BLOCK:(MD_START + 4) * BLOCK] == b"P" * BLOCK
    assert len(r.programs) == 1 and r.programs[0].key == 5


def test_data_chaining_and_skip_across_block_boundaries(tmp_path):
    # READ 3 blocks (1536 bytes) through four areas: 100 bytes, 700 (crossing
    # the 512 boundary), 300 skipped (crossing 1024), 436.  WRITE 2 blocks from
    # three areas of 200, 600, 224 bytes.  Block n holds bytes n.
    rd = {0x800: ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
          + ccw(0x42, 0x4000, CD, 100) + ccw(0x00, 0x4100, CD, 700)
          + ccw(0x00, 0x5000, CD | SKIP, 300) + ccw(0x00, 0x4800, 0, 436),
          0xA00: de(0x40, 0, 0, 7), 0xA10: loc(0x06, 3, 0)}
    wr = {0x840: ccw(0x63, 0xA40, CC, 16) + ccw(0x43, 0xA50, CC, 8)
          + ccw(0x41, 0x6000, CD, 200) + ccw(0x00, 0x6400, CD, 600)
          + ccw(0x00, 0x6C00, 0, 224),
          0xA40: de(0xC0, 0, 0, 7), 0xA50: loc(0x01, 2, 5),
          0x6000: b"a" * 200, 0x6400: b"b" * 600, 0x6C00: b"c" * 224}
    r = run_disk(tmp_path, [(0x800, DISK, 0), (0x840, DISK, 0)], {**rd, **wr})
    assert logged(r.vm, 0).end == (0, 0x830, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x4000:0x4064]) == b"\x00" * 100
    assert bytes(r.vm.mem[0x4100:0x43BC]) == b"\x00" * 412 + b"\x01" * 288
    assert bytes(r.vm.mem[0x5000:0x512C]) == bytes(300)            # skipped
    assert bytes(r.vm.mem[0x4800:0x49B4]) == b"\x02" * 436
    assert logged(r.vm, 1).end == (0, 0x868, CE_DE, 0, 0)
    written = r.real_disk[(MD_START + 5) * BLOCK:(MD_START + 7) * BLOCK]
    assert written == b"a" * 200 + b"b" * 600 + b"c" * 224


def test_short_write_is_padded_and_guest_idaws_and_read_ipl_work(tmp_path):
    # WRITE 600 bytes with SLI to 2 located blocks: the device pads with zeros.
    # READ with the guest's own IDAWs: X'57F0' (16 bytes to its 2K boundary), then
    # X'6000'.  READ IPL (X'02') reads minidisk block 0, chained READ block 1.
    wr = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 2, 6), 0x41, 0x1000, 600, flags=SLI)
    idaws = (0x57F0).to_bytes(4, "big") + (0x6000).to_bytes(4, "big")
    rd = disk_program(de(0x40, 0, 0, 7), loc(0x06, 2, 6), 0x42, 0x980, 1024, flags=IDA,
                      at=0x840, data=0xA40)
    ipl = {0x880: ccw(0x02, 0x7000, CC | SLI, 512) + ccw(0x42, 0x7200, 0, 512)}
    r = run_disk(tmp_path, [(0x800, DISK, 0), (0x840, DISK, 0), (0x880, DISK, 0)],
                 {**wr, **rd, **ipl, 0x980: idaws, 0x1000: b"S" * 600})
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, 0, 0)
    assert r.real_disk[(MD_START + 6) * BLOCK:(MD_START + 8) * BLOCK] == \
        b"S" * 600 + bytes(1024 - 600)
    assert logged(r.vm, 1).end == (0, 0x858, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x57F0:0x5800]) == b"S" * 16
    assert bytes(r.vm.mem[0x6000:0x63F0]) == b"S" * 584 + bytes(424)
    assert logged(r.vm, 2).end == (0, 0x890, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x7000:0x7400]) == b"\x00" * 512 + b"\x01" * 512


def test_ida_with_a_data_address_off_a_word_boundary_is_program_check_as_natively(tmp_path):
    # The IDAW list must be on a word boundary (GA22-7000 ch.12 "Channel Indirect
    # Data Addressing"; reference/io/channel.py checks ``data & 3``): an invalid data
    # address found in the data transfer: channel end, device end, program check,
    # nothing moved (residual = count), nothing printed; for input, nothing stored.
    img = image([(0x800, PRINTER, 0), (0x808, READER, 0)],
                {0x800: ccw(0x09, 0x1001, IDA, 12) + ccw(0x02, 0x1102, IDA, 80),
                 0x1000: (0x2000).to_bytes(4, "big") * 2, 0x1100: (0x3000).to_bytes(4, "big")
                 * 2, 0x2000: text("NOT PRINTED.")})
    r = run_both(tmp_path, img, cards=[card("NOT READ")])
    r.assert_same()
    assert logged(r.vm, 0).end == (0, 0x808, CE_DE, PROGRAM_CHECK, 12)
    assert logged(r.vm, 1).end == (0, 0x810, CE_DE, PROGRAM_CHECK, 80)
    assert r.virtual["printer"] == b""
    assert bytes(r.vm.mem[0x3000:0x3050]) == bytes(80)


def test_ipl_from_a_card_deck_as_natively(tmp_path):
    # tests/test_io.py ipl_deck: card 1 = PSW to X'400' + read card 2 there.
    deck = ipl_deck()
    r = run_both(tmp_path, b"", cards=[deck[:80], deck[80:]], ipl=READER, steps=100)
    r.assert_same()
    # BC-mode IPL PSW: the device address at locations 2-3; the program ran LA 7,X'77'.
    assert bytes(r.vm.mem[0:8]) == bytes.fromhex("0000000C00000400")
    assert r.vm.gpr[7] == 0x77 and r.vm.stop_reason == "disabled-wait"


def ipl_disk(img: bytes) -> tuple[bytes, int]:
    """A bootable disk for ``img``: block 0 holds the IPL PSW and a READ of block 1
    into location 0 (chained); block 1 is ``img``'s first 512 bytes with, at 16, a
    LOCATE of blocks 2.. and a READ of them into X'200' (the READ of block 1
    replaced the CCWs the channel fetches next).  Returns (disk, blocks loaded)."""
    n = (len(img) - 0x200 + BLOCK - 1) // BLOCK
    block0 = bytearray(BLOCK)
    block0[8:16] = ccw(0x42, 0, CC, BLOCK)
    block1 = bytearray(img[:BLOCK])
    block1[16:32] = ccw(0x43, 0x100, CC, 8) + ccw(0x42, 0x200, SLI, n * BLOCK)
    block1[0x100:0x108] = loc(0x06, n, 2)
    rest = img[0x200:].ljust(n * BLOCK, b"\0")
    return bytes(block0 + block1) + rest, n


@pytest.mark.parametrize("paged", [False, True], ids=["resident", "paged"])
def test_ipl_from_a_minidisk_at_a_nonzero_block_of_a_larger_real_disk(tmp_path, paged):
    # The driver, loaded from the minidisk by IPL, then writes its block 30 and
    # reads block 31 back.  Natively: a disk holding just the minidisk's blocks.
    # Under the VMCP: blocks 50-81 of a 100-block real disk.
    start, blocks = 50, 32
    body = disk_program(de(0xC0, 0, 0, blocks - 1), loc(0x01, 1, 30), 0x41, 0x1000, 512)
    body.update(disk_program(de(0x40, 0, 0, blocks - 1), loc(0x06, 1, 31), 0x42, 0x2000, 512,
                             at=0x840, data=0xA40))
    img = image([(0x800, DISK, 0), (0x840, DISK, 0)], {**body, 0x1000: b"I" * 512})
    disk, n = ipl_disk(img)
    disk = disk + pattern(blocks - len(disk) // BLOCK, 0x40 + len(disk) // BLOCK)
    assert len(disk) == blocks * BLOCK and n < 29
    r = run_both(tmp_path, b"", disk=disk, start=start, real_blocks=100, ipl=DISK,
                 paging=8 * PAGE_4K if paged else 0, paged=paged)
    r.assert_same(start)
    assert r.vm.stop_reason == "disabled-wait" and r.vm.psw_value() == 0x00020000_00000000
    assert bytes(r.vm.mem[2:4]) == bytes.fromhex("0150")     # BC mode: the IPL device
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, 0, 0)
    assert r.real_disk[(start + 30) * BLOCK:(start + 31) * BLOCK] == b"I" * BLOCK
    assert bytes(r.vm.mem[0x2000:0x2200]) == bytes([0x40 + 31]) * BLOCK
    # The IPL itself was three real programs: block 0, block 1, blocks 2..n+1.
    assert [p.located()[1:] for p in r.programs[:3]] == [(1, 0), (1, 1), (n, 2)]


CODE_OVERWRITE = """
T        START 0
         DC    X'00000000',A(BEGIN)
         ORG   T+X'200'
BEGIN    BALR  12,0
         USING *,12
         L     15,CODE
         BALR  14,15                    run the code at X'2000': LA 7,1
         ST    7,FIRST
         MVC   X'48'(4,0),CAW
         SIO   X'150'                   read minidisk block 2 over it
         BNZ   FAIL
POLL     TIO   X'150'
         BC    2,POLL                   CC 2: still working
         MVC   CSW(8),X'40'(0)
         L     15,CODE
         BALR  14,15                    run it again: LA 7,2 now
         ST    7,SECOND
         LPSW  DONE
FAIL     LPSW  BAD
         DS    0D
DONE     DC    X'00020000',A(0)
BAD      DC    X'00020000',A(X'BAD')
PROG     DC    X'63',AL3(DEXT),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(X'2000'),X'00',X'00',AL2(512)
DEXT     DC    X'40000000',F'0',F'0',F'7'
LOCR     DC    X'06000001',F'2'
CAW      DC    A(PROG)
CODE     DC    A(X'2000')
FIRST    DS    F
SECOND   DS    F
CSW      DS    D
         ORG   T+X'2000'
         LA    7,1
         BR    14
         END
"""


@pytest.mark.parametrize("paged", [False, True], ids=["resident", "paged"])
def test_a_read_over_code_the_guest_already_ran_takes_effect(tmp_path, paged):
    # The real channel stores into the VM's frames: the instructions the real
    # machine decoded there before are stale (GA22-7000 ch.5: a store by a
    # channel is seen by the next instruction fetch).  Block 2 holds LA 7,2; BR 14.
    img = asm(CODE_OVERWRITE)
    disk = bytearray(pattern(MD_BLOCKS))
    disk[2 * BLOCK:2 * BLOCK + 6] = bytes.fromhex("4170000207FE")
    r = run_both(tmp_path, img, disk=bytes(disk), start=MD_START, real_blocks=REAL_BLOCKS,
                 paging=8 * PAGE_4K if paged else 0, paged=paged)
    r.assert_same(MD_START)
    assert img[0x2000:0x2006] == bytes.fromhex("4170000107FE")     # LA 7,1; BR 14
    at = asm_symbol(CODE_OVERWRITE, "FIRST")
    assert int.from_bytes(bytes(r.vm.mem[at:at + 8]), "big") == (1 << 32) | 2
    assert r.vm.stop_reason == "disabled-wait" and r.vm.psw_value() == 0x00020000_00000000


def asm_symbol(source: str, name: str) -> int:
    return int(assemble(source, "test.asm").symbols[name])


ATTENTION = """
T        START 0
         DC    X'00000000',A(BEGIN)
         ORG   T+X'78'
         DC    X'00000000',A(IOINT)     I/O new PSW
         ORG   T+X'200'
BEGIN    BALR  12,0
         USING *,12
         LPSW  WAITPSW                  wait for the operator's request key
IOINT    MVC   OLD1(8),X'38'(0)         old PSW: the device at 3A-3B
         MVC   CSW1(8),X'40'(0)         CSW: attention
         MVC   X'78'(8,0),NEW2          the next one goes to IOINT2
         MVC   X'48'(4,0),CAW
         SIO   X'009'                   read inquiry
         BNZ   FAIL
         LPSW  WAITPSW
IOINT2   MVC   OLD2(8),X'38'(0)
         MVC   CSW2(8),X'40'(0)
         LPSW  DONE
FAIL     LPSW  BAD
         DS    0D
WAITPSW  DC    X'80020000',A(0)         BC mode, channel 0 enabled, wait
DONE     DC    X'00020000',A(0)
BAD      DC    X'00020000',A(X'BAD')
NEW2     DC    X'00000000',A(IOINT2)
READ     DC    X'0A',AL3(BUF),X'20',X'00',AL2(40)
CAW      DC    A(READ)
OLD1     DS    D
CSW1     DS    D
OLD2     DS    D
CSW2     DS    D
BUF      DS    CL40
         END
"""


def test_console_attention_wakes_a_waiting_guest_at_the_native_time(tmp_path):
    # The operator presses REQUEST at guest time 500 us while the guest waits
    # (enabled for channel 0): attention (X'80'), key, address and count zero;
    # the guest reads the line "OPERATOR" (8 bytes: count 40 with SLI, residual
    # 32).  The waiting VM is woken by its own channel event.
    img = asm(ATTENTION)
    folder = tmp_path / "vm"
    folder.mkdir()
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    vm = cp.create_vm(img, GUEST, max_steps=20_000, devices=[VirtualDevice(
        CONSOLE, "3215", script=["OPERATOR"], attention=[500], release_to=folder / "c")])
    vm.interruption_log = []
    m = start_machine(img, GUEST)
    channels = ChannelSubsystem(m)
    channels.attach(CONSOLE, Console3215(tmp_path / "native-c", ["OPERATOR"], [500]))
    m.channels = channels
    m.interruption_log = []
    m.run(20_000)
    channels.close()
    cp.run()
    cp.release_spool(vm)
    diff = differences(m, vm)
    assert not diff, "\n".join(diff)
    sym = {n: asm_symbol(ATTENTION, n) for n in ("OLD1", "CSW1", "CSW2", "READ", "BUF")}
    mem = bytes(vm.mem)
    assert mem[sym["OLD1"] + 2:sym["OLD1"] + 4] == bytes.fromhex("0009")
    assert mem[sym["CSW1"]:sym["CSW1"] + 8] == bytes.fromhex("0000000080000000")
    assert _csw(mem[sym["CSW2"]:sym["CSW2"] + 8]) == (0, sym["READ"] + 8, CE_DE, 0, 32)
    assert mem[sym["BUF"]:sym["BUF"] + 8] == text("OPERATOR")
    assert vm.now() > 500
    assert (folder / "c").read_text() == "OPERATOR\n" == (tmp_path / "native-c").read_text()
    assert [r.kind for r in vm.interruption_log or []] == ["io", "io"]


HALT_CLEAR = """
T        START 0
         DC    X'00000000',A(BEGIN)
         ORG   T+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    13,X'500'
         MVC   X'48'(4,0),CAWR
         SIO   X'150'                   read 8 blocks: DE 26 us, LOCATE 18, READ 4106
         BALR  3,0
         ST    3,0(0,13)
         LA    4,60
LOOP1    BCT   4,LOOP1                  60 us: the READ is under way
         HIO   X'150'                   halt: status zero stored, CC 1
         BALR  3,0
         ST    3,4(0,13)
         MVC   8(8,13),X'40'(0)
         TIO   X'150'                   the ending: CC 1
         BALR  3,0
         ST    3,16(0,13)
         MVC   24(8,13),X'40'(0)
         MVC   X'48'(4,0),CAWW
         SIO   X'150'                   write 8 blocks
         LA    4,60
LOOP2    BCT   4,LOOP2
         CLRIO X'150'                   working: CC 1, CSW stored, available
         BALR  3,0
         ST    3,32(0,13)
         MVC   40(8,13),X'40'(0)
         TIO   X'150'                   available: CC 0
         BALR  3,0
         ST    3,48(0,13)
         LPSW  DONE
         DS    0D
DONE     DC    X'00020000',A(0)
PROGR    DC    X'63',AL3(DEXTR),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(X'2000'),X'00',X'00',AL2(4096)
PROGW    DC    X'63',AL3(DEXTW),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCW),X'40',X'00',AL2(8)
         DC    X'41',AL3(X'1000'),X'00',X'00',AL2(4096)
DEXTR    DC    X'40000000',F'0',F'0',F'15'
DEXTW    DC    X'C0000000',F'0',F'0',F'15'
LOCR     DC    X'06000008',F'0'
LOCW     DC    X'01000008',F'8'
CAWR     DC    A(PROGR)
CAWW     DC    A(PROGW)
         ORG   T+X'1000'
         DC    4096C'H'
         END
"""


def test_halt_and_clear_during_a_minidisk_transfer_as_natively(tmp_path):
    # The data of a command moves when the channel initiates it (the real program
    # ran then): HALT I/O during the READ ends it with the data stored; CLEAR I/O
    # during the WRITE leaves the blocks written (reference/io/channel.py model).
    img = asm(HALT_CLEAR)
    r = run_both(tmp_path, img, disk=pattern(16), start=4, real_blocks=24)
    r.assert_same(4)
    log = bytes(r.vm.mem[0x500:0x538])

    def cc(at: int) -> int:                  # BALR in the BC mode: CC in bits 2-3
        return log[at] >> 4 & 3
    prog_r, prog_w = asm_symbol(HALT_CLEAR, "PROGR"), asm_symbol(HALT_CLEAR, "PROGW")
    assert (cc(0), cc(4), cc(16), cc(32), cc(48)) == (0, 1, 1, 1, 0)  # SIO HIO TIO CLRIO TIO
    assert log[12:14] == b"\0\0"                  # HIO stored a status portion of zero
    # TIO: the halted READ's ending: its CCW, channel end and device end, all moved.
    assert _csw(log[24:32]) == (0, prog_r + 24, CE_DE, 0, 0)
    # CLRIO on the working WRITE: its CSW with unit status zero.
    assert _csw(log[40:48]) == (0, prog_w + 24, 0, 0, 0)
    assert bytes(r.vm.mem[0x2000:0x3000]) == pattern(8)
    assert r.real_disk[(4 + 8) * BLOCK:(4 + 16) * BLOCK] == text("H") * 4096


def test_a_failed_ipl_leaves_no_vm_and_frees_its_minidisk(tmp_path):
    # IPL from an empty reader (unit exception) and from a device the VM does not
    # have: VMCPError, the VM is gone, and its minidisk's blocks are free again.
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    cp.attach_real_disk(REAL_DISK, _real_disk(tmp_path))
    for ipl in (READER, 0x00F):
        with pytest.raises(VMCPError, match="IPL"):
            cp.create_vm(b"", GUEST, ipl=ipl, devices=[
                VirtualDevice(READER, "2540R", cards=[]),
                VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=0, blocks=40)])
        assert cp.vms == []
    vm = cp.create_vm(image([]), GUEST, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=0, blocks=40)])
    assert cp.vms == [vm]


def test_a_disk_configuration_under_vmcp_on_the_command_line(tmp_path, capsys):
    # s370 run --config with a 3370: under the VMCP the configured image file is
    # the real disk, given whole to the VM as a minidisk.  The JSON state and the
    # disk image are the native ones (block 5 = 128 x "ABCD").
    outputs = []
    for name, extra in (("native", []), ("vmcp", ["--under", "vmcp"])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "disk.img").write_bytes(pattern(16))
        (folder / "disk.asm").write_text(DISK_PROGRAM)
        (folder / "m.toml").write_text('[[device]]\naddress = "150"\ntype = "3370"\n'
                                       'file = "disk.img"\n')
        assert main(["run", str(folder / "disk.asm"), "--config", str(folder / "m.toml"),
                     "--json", "--dump", "200-3FF", "--dump", "1000-17FF", *extra]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[1] == outputs[0]
    disk = (tmp_path / "native" / "disk.img").read_bytes()
    assert (tmp_path / "vmcp" / "disk.img").read_bytes() == disk
    assert disk[5 * BLOCK:6 * BLOCK] == text("ABCD") * 128


# ===========================================================================
# 2. CCW translation
# ===========================================================================
def _covered(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent (address, length) pieces merged."""
    out: list[tuple[int, int]] = []
    for a, n in pieces:
        if out and a >= 0 and out[-1][0] + out[-1][1] == a:
            out[-1] = (out[-1][0], out[-1][1] + n)
        else:
            out.append((a, n))
    return out


@pytest.mark.parametrize("command", [0x42, 0x41], ids=["read", "write"])
def test_a_transfer_crossing_2k_and_4k_boundaries_uses_idaws_on_the_vms_frames(
        tmp_path, command):
    # 5 blocks (2560 bytes) at X'17F0': crosses the 2K boundary X'1800' and the 4K
    # boundary X'2000' (ends at X'21EF').  CAW key 3, the blocks' keys 3.
    area = 0x17F0
    prog = disk_program(de(0xC0, 0, 0, 7), loc(0x06 if command == 0x42 else 0x01, 5, 1),
                        command, area, 5 * BLOCK)
    r = run_disk(tmp_path, [(0x800, DISK, 3)], prog,
                 keys=[(0x1000, 0x30), (0x1800, 0x30), (0x2000, 0x30)])
    assert logged(r.vm, 0).end == (3, 0x818, CE_DE, 0, 0)
    assert len(r.programs) == 1
    p = r.programs[0]
    assert p.key == 3                                      # the guest's CAW key
    assert all(f & IDA for _, _, f, _ in p.ccws[2:])
    pieces = p.real_pieces()
    assert len(pieces) >= 3                                # several IDAWs
    # The data goes exactly to the VM's frames of X'17F0'-X'21EF'.
    assert _covered(pieces) == [(r.vm.origin + area, 5 * BLOCK)]
    assert {a for a, _ in pieces} >= {r.vm.origin + 0x17F0, r.vm.origin + 0x1800,
                                      r.vm.origin + 0x2000}


def _wrap_real_program(monkeypatch: pytest.MonkeyPatch,
                       seen: list[list[bool]]) -> None:
    """Record, for every real program, whether each piece's guest page was
    resident when the VMCP began to build it."""
    original = Minidisk._real_program

    def wrapper(self: Minidisk, command: int, block: int, first: int, blocks: int,
                pieces: list[tuple[int, int, int]], key: int) -> int:
        assert self.vm.paged is not None
        seen.append([self.vm.paged.resident_frame(a // PAGE_4K) is not None
                     for a, _, _ in pieces])
        return original(self, command, block, first, blocks, pieces, key)
    monkeypatch.setattr(Minidisk, "_real_program", wrapper)


def test_a_paged_vm_with_its_buffer_pages_paged_out_gets_the_native_results(
        tmp_path, monkeypatch):
    # Paged through 8 real frames (32K): loading the 64K image left only its last
    # 8 pages resident, so the buffers at X'1000'-X'3FFF' are paged out at SIO.
    # WRITE 2 blocks from X'1F00' (crossing 4K), READ them back to X'37F0'.
    wr = disk_program(de(0xC0, 0, 0, 7), loc(0x01, 2, 3), 0x41, 0x1F00, 1024)
    rd = disk_program(de(0x40, 0, 0, 7), loc(0x06, 3, 2), 0x42, 0x2BF0, 1536,
                      at=0x840, data=0xA40)
    seen: list[list[bool]] = []
    _wrap_real_program(monkeypatch, seen)
    data = {**wr, **rd, 0x1F00: bytes(range(256)) * 4}
    r = run_both(tmp_path, image([(0x800, DISK, 0), (0x840, DISK, 0)], data, size=GUEST),
                 disk=pattern(MD_BLOCKS), start=MD_START, real_blocks=REAL_BLOCKS,
                 paging=8 * PAGE_4K, paged=True)
    r.assert_same(MD_START)
    assert seen and not all(seen[0])                 # paged out when the SIO came
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, 0, 0)
    assert logged(r.vm, 1).end == (0, 0x858, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x2BF0:0x31F0]) == b"\x02" * 512 + bytes(range(256)) * 4
    # Every real address of the data is in one of the pager's frames.
    lent = _pager_frames(r.cp)
    for p in r.programs:
        for a, n in p.real_pieces():
            assert a - a % PAGE_4K in lent and (a + n - 1) - (a + n - 1) % PAGE_4K in lent


def _pager_frames(cp: VMCP) -> set[int]:
    assert cp.pager is not None
    lent = set(cp.pager.free)
    for (_, page), owner in cp.pager.resident.items():
        f = owner.resident_frame(page)
        assert f is not None
        lent.add(f)
    return lent


# ===========================================================================
# 3. Minidisk relocation and bounds
# ===========================================================================
BOUNDS_PROGRAMS: list[tuple[bytes, bytes, int]] = [
    (de(0xC0, 8, 0, 0), loc(0x01, 1, 0), 0x808),            # origin = minidisk size
    (de(0xC0, 0, 0, 8), loc(0x01, 1, 8), 0x808),            # 9 blocks
    (de(0xC0, 0xFFFFFFF0, 0, 0), loc(0x01, 1, 0), 0x808),   # origin far beyond
    (de(0xC0, 0, 0, 7), loc(0x01, 1, 8), 0x810),            # LOCATE the 9th block
    (de(0xC0, 0, 0, 7), loc(0x01, 9, 0), 0x810),            # LOCATE 9 blocks
    (de(0xC0, 4, 100, 103), loc(0x01, 1, 104), 0x810),      # one past a sub-extent
    (de(0xC0, 4, 100, 103), loc(0x01, 1, 99), 0x810),       # one before it
]


def test_guest_io_cannot_touch_real_blocks_outside_its_minidisk(tmp_path):
    # Every program tries to write outside the minidisk (blocks 20-27 of a real
    # disk of 40): each is command reject as on a native 3370 of 8 blocks (the CSW
    # names the CCW that broke the rule).  Then the legal extremes: the last block
    # through a sub-extent starting at block 7 numbered from 1000, and all 8 blocks.
    requests, data = [], {}
    for i, (extent, locate, _) in enumerate(BOUNDS_PROGRAMS):
        at, d = 0x800 + 0x20 * i, 0xA00 + 0x20 * i
        data.update(disk_program(extent, locate, 0x41, 0x1000, 512, at=at, data=d))
        requests += [(at, DISK, 0), (SENSE_AT, DISK, 0)]
    n = len(BOUNDS_PROGRAMS)
    data.update(disk_program(de(0xC0, 7, 1000, 1000), loc(0x01, 1, 1000), 0x41, 0x1000, 512,
                             at=0xC00, data=0xD00))
    data.update(disk_program(de(0xC0, 0, 0, 7), loc(0x01, 8, 0), 0x41, 0x2000, 8 * BLOCK,
                             at=0xC40, data=0xD40))
    data[0x1000] = b"E" * 512
    data[0x2000] = b"".join(bytes([0xE0 + b]) * BLOCK for b in range(8))
    requests += [(0xC00, DISK, 0), (0xC40, DISK, 0)]
    r = run_disk(tmp_path, requests, data)
    for i, (_, _, address) in enumerate(BOUNDS_PROGRAMS):
        at = 0x800 + 0x20 * i
        assert logged(r.vm, 2 * i).end == (0, at + address - 0x800, CE_DE | UNIT_CHECK,
                                           0, 0), i
        assert logged(r.vm, 2 * i + 1).end[2] == CE_DE
    assert r.vm.mem[SENSE_DATA] == COMMAND_REJECT
    assert logged(r.vm, 2 * n).end == (0, 0xC18, CE_DE, 0, 0)
    assert logged(r.vm, 2 * n + 1).end == (0, 0xC58, CE_DE, 0, 0)
    # Only the real blocks 20-27 changed (run_disk compared the rest with before).
    assert r.real_disk[MD_START * BLOCK:(MD_START + 8) * BLOCK] == data[0x2000]
    # And every real DEFINE EXTENT was the minidisk's: origin 20, blocks 0-7.
    assert len(r.programs) == 2
    assert {p.extent()[1:] for p in r.programs} == {(MD_START, 0, MD_BLOCKS - 1)}
    # The sub-extent's block 1000 is minidisk block 7: real LOCATE of block 7.
    assert r.programs[0].located() == (0x01, 1, 7)


def test_the_real_define_extent_always_designates_exactly_the_minidisk(tmp_path):
    # Whatever extent the guest defines (here blocks 3-5 as 0-2, and 6 as 40), the
    # real DEFINE EXTENT is the minidisk's own (origin 20, first 0, last 7), and
    # the real LOCATE names the minidisk block (3 + 1 = 4; 6).
    a = disk_program(de(0x40, 3, 0, 2), loc(0x06, 1, 1), 0x42, 0x1000, 512)
    b = disk_program(de(0xC0, 6, 40, 40), loc(0x01, 1, 40), 0x41, 0x2000, 512,
                     at=0x840, data=0xA40)
    r = run_disk(tmp_path, [(0x800, DISK, 0), (0x840, DISK, 0)], {**a, **b})
    assert [p.extent() for p in r.programs] == [(0x40, MD_START, 0, 7), (0xC0, MD_START, 0, 7)]
    assert [p.located() for p in r.programs] == [(0x06, 1, 4), (0x01, 1, 6)]
    assert bytes(r.vm.mem[0x1000:0x1200]) == b"\x04" * BLOCK


def _real_disk(tmp: Path, blocks: int = 40) -> Path:
    p = tmp / "real.img"
    p.write_bytes(pattern(blocks))
    return p


def test_overlapping_minidisks_of_two_vms_are_refused(tmp_path):
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    cp.attach_real_disk(REAL_DISK, _real_disk(tmp_path))
    img = image([])
    first = cp.create_vm(img, GUEST, devices=[VirtualDevice(DISK, "MDISK", real=REAL_DISK,
                                                            start=10, blocks=10)])
    for start, blocks in ((5, 6), (19, 1), (12, 2), (0, 40)):
        with pytest.raises(VMCPError, match="overlap"):
            cp.create_vm(img, GUEST, devices=[
                VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=start, blocks=blocks)])
    second = cp.create_vm(img, GUEST, devices=[   # adjacent on both sides: fine
        VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=20, blocks=5),
        VirtualDevice(0x151, "MDISK", real=REAL_DISK, start=0, blocks=10)])
    assert cp.vms == [first, second]
    with pytest.raises(VMIOError):
        cp.minidisk(second, REAL_DISK, 19, 1)      # first's last block
    # When the first VM's devices are released its extent is free again.
    cp.release_spool(first)
    assert cp.minidisk(second, REAL_DISK, 10, 10).blocks == 10


@pytest.mark.parametrize("real, start, blocks", [
    (REAL_DISK, 35, 6), (REAL_DISK, 40, 1), (REAL_DISK, -1, 2), (REAL_DISK, 0, 0),
    (0x131, 0, 1), (CONSOLE, 0, 1)],
    ids=["past-end", "at-end", "negative-start", "no-blocks", "no-real-disk", "not-a-disk"])
def test_a_minidisk_not_on_the_real_disk_is_refused(tmp_path, real, start, blocks):
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    cp.attach_real_disk(REAL_DISK, _real_disk(tmp_path))
    with pytest.raises(VMCPError):
        cp.create_vm(image([]), GUEST, devices=[
            VirtualDevice(DISK, "MDISK", real=real, start=start, blocks=blocks)])
    assert cp.vms == []
    with pytest.raises(VMIOError):
        cp.minidisk(cp.create_vm(image([]), GUEST), real, start, blocks)


def test_a_guest_sees_only_its_own_devices_absent_ones_answer_cc3(tmp_path):
    # GA22-7000 ch.13: CC 3 when the channel or device is not operational.  The
    # VM has 009, 00C, 00D, 00E and 150: 00F (channel 0 installed, device not),
    # 20E (channel 2 not installed) and 130 (the VMCP's real disk, not the
    # guest's) are not operational.
    reqs = [(0x800, 0x00F, 0), (0x800, 0x20E, 0), (0x800, REAL_DISK, 0), (0x800, DISK, 0)]
    r = run_disk(tmp_path, reqs, {0x800: ccw(0x03, 0, 0, 1)})
    assert [logged(r.vm, i).cc for i in range(4)] == [3, 3, 3, 1]
    # NOP (X'03') to the minidisk: immediate, CSW stored by SIO: CE DE, count 1.
    assert logged(r.vm, 3).sio == (0, 0x808, CE_DE, 0, 1)
    assert r.programs == []


TCH_STIDC = """
T        START 0
         DC    X'00000000',A(BEGIN)
         ORG   T+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    13,X'500'
         TCH   X'000'                   channel 0: devices, nothing pending
         BALR  3,0
         ST    3,0(0,13)
         TCH   X'1FF'                   channel 1 (bits 24-31 ignored)
         BALR  3,0
         ST    3,4(0,13)
         TCH   X'300'                   channel 3: not installed
         BALR  3,0
         ST    3,8(0,13)
         STIDC X'000'
         BALR  3,0
         ST    3,12(0,13)
         MVC   16(4,13),X'A8'(0)        channel ID: byte multiplexer
         STIDC X'100'
         BALR  3,0
         ST    3,20(0,13)
         MVC   24(4,13),X'A8'(0)        channel ID: block multiplexer
         STIDC X'300'
         BALR  3,0
         ST    3,28(0,13)
         SIOF  X'00F'                   not operational
         BALR  3,0
         ST    3,48(0,13)
         TIO   X'00F'
         BALR  3,0
         ST    3,32(0,13)
         HIO   X'20E'
         BALR  3,0
         ST    3,36(0,13)
         CLRIO X'150'                   available: CC 0
         BALR  3,0
         ST    3,40(0,13)
         HDV   X'150'                   idle device: status zero stored, CC 1
         BALR  3,0
         ST    3,44(0,13)
         LPSW  STOP
         DS    0D
STOP     DC    X'00020000',A(0)
         END
"""


def test_tch_stidc_tio_hio_clrio_hdv_under_the_vmcp_as_natively(tmp_path):
    r = run_both(tmp_path, asm(TCH_STIDC), disk=pattern(4))
    r.assert_same()
    words = [int.from_bytes(bytes(r.vm.mem[0x500 + 4 * i:0x504 + 4 * i]), "big")
             for i in range(13)]
    cc = [w >> 28 & 3 for w in words]   # BALR in the BC mode: the CC in bits 2-3
    # TCH 0, TCH 1, TCH 3, STIDC 0, STIDC 1, STIDC 3, TIO, HIO, CLRIO, HDV, SIOF
    assert [cc[i] for i in (0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 12)] == \
        [0, 0, 3, 0, 0, 3, 3, 3, 0, 1, 3]
    assert (words[4], words[6]) == (0x10000000, 0x20000000)


EC_MODE_IO = """
T        START 0
         DC    X'00080000',A(BEGIN)     restart new PSW: EC mode, disabled
         ORG   T+X'78'
         DC    X'00080000',A(IOINT)     I/O new PSW: EC mode, disabled
         ORG   T+X'200'
BEGIN    BALR  12,0
         USING *,12
         LCTL  2,2,CR2                  channel masks
         MVC   X'48'(4,0),CAW
         SIO   X'150'                   the 4th instruction: machine time 4
         BNZ   FAIL
         LPSW  WAITPSW                  EC mode, I/O enabled, wait
IOINT    MVC   ADDR(2),X'BA'(0)         the I/O address (EC mode: 186-187)
         MVC   OLD(8),X'38'(0)
         MVC   CSWS(8),X'40'(0)
         LPSW  DONE
FAIL     LPSW  BAD
         DS    0D
WAITPSW  DC    X'020A0000',A(0)
DONE     DC    X'000A0000',A(0)
BAD      DC    X'000A0000',A(X'BAD')
PROG     DC    X'63',AL3(DEXT),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(X'2000'),X'00',X'00',AL2(512)
DEXT     DC    X'40000000',F'0',F'0',F'7'
LOCR     DC    X'06000001',F'4'
CAW      DC    A(PROG)
CR2      DC    X'{cr2}'
ADDR     DS    H
         DS    0D
OLD      DS    D
CSWS     DS    D
         END
"""


@pytest.mark.parametrize("cr2", ["FFFFFFFF", "BFFFFFFF"], ids=["enabled", "channel-1-masked"])
def test_ec_mode_io_interruption_and_channel_masks_under_the_vmcp_as_natively(tmp_path, cr2):
    # GA22-7000 ch.6/ch.13: in the EC mode the I/O address is stored at 186-187;
    # channel 1 is enabled by PSW bit 6 and CR2 bit 1.  The READ chain started by
    # the SIO at 4 us ends at 4 + 26 + 18 + 522 = 570 us; the interruption ends
    # the wait there and 4 more instructions run (574 us, 10 instructions).  With
    # channel 1 masked in CR2 nothing can end the wait: it stops at 570 us with the
    # condition still pending.
    source = EC_MODE_IO.replace("{cr2}", cr2)
    r = run_both(tmp_path, asm(source), disk=pattern(8), start=3, real_blocks=20, steps=5000)
    r.assert_same(3)
    sym = {n: asm_symbol(source, n) for n in ("ADDR", "OLD", "CSWS", "PROG")}
    mem = bytes(r.vm.mem)
    if cr2 == "FFFFFFFF":
        assert (r.vm.stop_reason, r.vm.now(), r.vm.steps) == ("disabled-wait", 574, 10)
        assert mem[sym["ADDR"]:sym["ADDR"] + 2] == bytes.fromhex("0150")
        assert mem[sym["OLD"]:sym["OLD"] + 8] == bytes.fromhex("020A000000000000")
        assert _csw(mem[sym["CSWS"]:sym["CSWS"] + 8]) == (0, sym["PROG"] + 24, CE_DE, 0, 0)
    else:
        assert (r.vm.stop_reason, r.vm.now(), r.vm.steps) == ("enabled-wait", 570, 6)
        pending = f"io:0150:{sym['PROG'] + 24:08X}0C000000"
        assert r.vm.state().pending == (pending,)
    assert bytes(r.vm.mem[0x2000:0x2200]) == b"\x04" * BLOCK


# ===========================================================================
# 4. The restrictions of reference/vm/vmio.py
# ===========================================================================
def test_restriction_1_real_io_is_synchronous_and_invisible_to_guest_time(tmp_path):
    # A NOP, then DE, LOCATE and a one-block READ into X'1000' (inside one 2K
    # block).  The guest's command times (10 us a command + 1 us a byte): NOP 10,
    # DE 26, LOCATE 18, READ 522.  The real program: DE 26, LOCATE 18, one READ
    # CCW of 512 bytes 522 = 566 us of real time, spent while the guest's SIO was
    # being simulated; the guest's time is its own, as natively.
    prog = {0x800: ccw(0x03, 0, CC, 1) + ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
            + ccw(0x42, 0x1000, 0, 512),
            0xA00: de(0x40, 0, 0, 7), 0xA10: loc(0x06, 1, 5)}
    done: list[tuple[bool, bool]] = []

    def watch(cp: VMCP) -> None:
        assert cp.io is not None and cp.real.channels is not None
        run, sc = cp.io.run, cp.real.channels.subchannels[REAL_DISK]

        def after(*args: Any) -> tuple[int, int]:
            out = run(*args)
            done.append((sc.working, sc.pending is not None))
            return out
        setattr(cp.io, "run", after)  # noqa: B010 - a test's wrapper
    r = run_disk(tmp_path, [(0x800, DISK, 0)], prog, setup=watch)
    assert r.cp.io is not None
    assert (r.cp.io.programs, r.cp.io.real_us) == (1, 566)
    assert done == [(False, False)]       # ended, status taken, before the guest went on
    assert logged(r.vm, 0).end == (0, 0x820, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x1000:0x1200]) == b"\x05" * BLOCK


def test_restriction_2_a_self_modifying_channel_program_runs_as_natively(tmp_path):
    # READ of minidisk block 3 (24 bytes, SLI, CC) into X'818', where the next CCWs
    # of the same program are: the block holds LOCATE (data X'828') + READ 512 into
    # X'3000' + the LOCATE data (block 5).  The channel fetches the CCW at X'818'
    # after the READ, so the new CCWs run (copied at SIO, an invalid CCW would).
    block3 = (ccw(0x43, 0x828, CC, 8) + ccw(0x42, 0x3000, 0, 512) + loc(0x06, 1, 5)
              ).ljust(BLOCK, b"\0")
    disk = bytearray(pattern(MD_BLOCKS))
    disk[3 * BLOCK:4 * BLOCK] = block3
    prog = {0x800: ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
            + ccw(0x42, 0x818, CC | SLI, 24) + ccw(0x00, 0, 0, 0) + ccw(0x00, 0, 0, 0),
            0xA00: de(0x40, 0, 0, 7), 0xA10: loc(0x06, 1, 3)}
    r = run_both(tmp_path, image([(0x800, DISK, 0)], prog), disk=bytes(disk),
                 start=MD_START, real_blocks=REAL_BLOCKS)
    r.assert_same(MD_START)
    assert logged(r.vm, 0).end == (0, 0x828, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x3000:0x3200]) == b"\x05" * BLOCK
    assert len(r.programs) == 2


def test_restriction_2_a_ccw_read_by_data_chaining_is_used_as_natively(tmp_path):
    # GA22-7000 ch.12 "Data Chaining": during an input operation the new CCW is
    # fetched when all data of the current CCW has been placed in storage, so a
    # CCW read as data is used in the same operation.  READ of minidisk block 3:
    # 8 bytes (CD) into X'818', the next CCW of the data chain; the block's first
    # 8 bytes are CCW(X'00', X'3000', 0, 504): the other 504 bytes (X'33') go to
    # X'3000', not to X'4000' where the CCW pointed before.  CSW: the new CCW.
    block3 = ccw(0x00, 0x3000, 0, 504).ljust(BLOCK, b"\x33")
    disk = bytearray(pattern(MD_BLOCKS))
    disk[3 * BLOCK:4 * BLOCK] = block3
    prog = {0x800: ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
            + ccw(0x42, 0x818, CD, 8) + ccw(0x00, 0x4000, 0, 504),
            0xA00: de(0x40, 0, 0, 7), 0xA10: loc(0x06, 1, 3)}
    r = run_both(tmp_path, image([(0x800, DISK, 0)], prog), disk=bytes(disk),
                 start=MD_START, real_blocks=REAL_BLOCKS)
    assert bytes(r.m.mem[0x3000:0x31F8]) == b"\x33" * 504        # the native machine
    r.assert_same(MD_START)
    assert logged(r.vm, 0).end == (0, 0x820, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x818:0x820]) == ccw(0x00, 0x3000, 0, 504)
    assert bytes(r.vm.mem[0x3000:0x31F8]) == b"\x33" * 504
    assert bytes(r.vm.mem[0x4000:0x41F8]) == bytes(504)


def test_restriction_3_no_guest_ccw_reaches_a_real_device_untranslated(tmp_path):
    # Commands of every kind to the minidisk: NOP, SENSE, an invalid command, a
    # TIC chain, DE + LOCATE without data transfer, READ IPL + READ, WRITE.  Only
    # the transfers (READ IPL, READ, WRITE: 3) made real programs; each is DE of
    # the minidisk, LOCATE, and READ/WRITE CCWs with IDA or SKIP whose data are in
    # the VMCP's own area; the only real device is the VMCP's 3370.
    progs = {0x800: ccw(0x03, 0, 0, 1),
             0x808: ccw(0x04, 0x1000, 0, 24),
             0x810: ccw(0x05, 0x1000, 0, 8),
             0x818: ccw(0x03, 0, CC, 1) + ccw(0x08, 0x840, 0, 0),
             0x840: ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, 0, 8),
             0x860: ccw(0x02, 0x2000, CC | SLI, 512) + ccw(0x42, 0x2200, 0, 512),
             0x880: ccw(0x63, 0xA40, CC, 16) + ccw(0x43, 0xA50, CC, 8)
             + ccw(0x41, 0x3000, 0, 1024),
             0xA00: de(0x40, 0, 0, 7), 0xA10: loc(0x06, 1, 1),
             0xA40: de(0xC0, 0, 0, 7), 0xA50: loc(0x01, 2, 6)}
    reqs = [(a, DISK, 0) for a in (0x800, 0x808, 0x810, 0x818, 0x860, 0x880)]
    r = run_disk(tmp_path, reqs, progs)
    assert r.cp.real.channels is not None
    assert set(r.cp.real.channels.subchannels) == {REAL_DISK}
    assert len(r.programs) == 3
    io = r.cp.io
    assert io is not None
    for p in r.programs:
        assert p.device == REAL_DISK
        assert p.extent()[1:] == (MD_START, 0, MD_BLOCKS - 1)
        assert p.ccws[1][0] == 0x43
        for c, _, f, _ in p.ccws[2:]:
            assert c in (0x41, 0x42) and f & (IDA | SKIP)
        for _, a, f, _ in p.ccws:
            if not f & SKIP:
                assert io.area <= a < io.area + AREA_SIZE
    # A guest CCW never appears among the real ones.
    guest = {bytes(r.vm.mem[a:a + 8]) for a in range(0x800, 0x8A0, 8)}
    real = {ccw(c, a, f, n) for p in r.programs for c, a, f, n in p.ccws}
    assert not guest & real


class _FailingFile:
    """A host image file whose writes (or reads) fail as a broken disk's would."""

    def __init__(self, file: Any, fail: str) -> None:
        self._file = file
        self._fail = fail

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def write(self, data: bytes) -> int:
        if self._fail == "write":
            raise OSError(5, "Input/output error")
        return int(self._file.write(data))

    def read(self, n: int = -1) -> bytes:
        if self._fail == "read":
            raise OSError(5, "Input/output error")
        return bytes(self._file.read(n))


@pytest.mark.parametrize("fail", ["write", "read"])
def test_restriction_4_a_real_disk_error_is_an_equipment_check_on_the_minidisk(
        tmp_path, fail):
    # The real 3370's host file fails: the guest's WRITE (READ) ends with unit
    # check, and SENSE gives equipment check (X'10') in byte 0; the VMCP goes on.
    command, op = (0x41, 0x01) if fail == "write" else (0x42, 0x06)
    prog = disk_program(de(0xC0, 0, 0, 7), loc(op, 1, 2), command, 0x1000, 512)
    img = image([(0x800, DISK, 0), (SENSE_AT, DISK, 0)], with_sense({**prog}))
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    disk = cp.attach_real_disk(REAL_DISK, _real_disk(tmp_path))
    disk.file = _FailingFile(disk.file, fail)  # type: ignore[assignment]
    vm = cp.create_vm(img, GUEST, max_steps=10_000, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_DISK, start=MD_START, blocks=MD_BLOCKS)])
    cp.run()
    assert vm.stop_reason == "disabled-wait" and vm.psw_value() == 0x00020000_00000000
    assert logged(vm, 0).end == (0, 0x818, CE_DE | UNIT_CHECK, 0, 0)
    assert logged(vm, 1).end == (0, SENSE_AT + 8, CE_DE, 0, 0)
    assert vm.mem[SENSE_DATA] == EQUIPMENT_CHECK
    disk.file = disk.file._file  # type: ignore[attr-defined]
    cp.release_spool(vm)
    disk.close()
    assert (tmp_path / "real.img").read_bytes() == pattern(40)


def test_restriction_5_a_paged_transfer_over_more_than_4_pages_is_split(
        tmp_path, monkeypatch):
    # READ 40 blocks (20K, 6 guest pages from X'4800') and WRITE them back 24
    # blocks further on, in a VM paged through 8 frames: several real programs,
    # each moving data of at most 4 guest pages; the results are the native ones.
    seen: list[list[bool]] = []
    _wrap_real_program(monkeypatch, seen)
    blocks = 64
    rd = disk_program(de(0x40, 0, 0, 63), loc(0x06, 40, 0), 0x42, 0x4800, 40 * BLOCK)
    wr = disk_program(de(0xC0, 0, 0, 63), loc(0x01, 40, 24), 0x41, 0x4800, 40 * BLOCK,
                      at=0x840, data=0xA40)
    r = run_both(tmp_path, image([(0x800, DISK, 0), (0x840, DISK, 0)], {**rd, **wr},
                                 size=GUEST),
                 disk=pattern(blocks), start=3, real_blocks=80, paging=8 * PAGE_4K,
                 paged=True)
    r.assert_same(3)
    assert logged(r.vm, 0).end == (0, 0x818, CE_DE, 0, 0)
    assert logged(r.vm, 1).end == (0, 0x858, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x4800:0x4800 + 40 * BLOCK]) == pattern(40)
    assert r.real_disk[(3 + 24) * BLOCK:(3 + 64) * BLOCK] == pattern(40)
    assert len(r.programs) >= 2 * 2          # 6 pages: at least 2 programs each way
    for p in r.programs:
        pages = {a // PAGE_4K for a, _ in p.real_pieces() if a >= 0}
        assert len(pages) <= 4


@pytest.mark.parametrize("pages", [6, 10], ids=["7-pages", "11-pages"])
def test_a_paged_transfer_of_one_block_scattered_over_many_pages(tmp_path, pages):
    # One block read through data chaining into 1 byte of each of ``pages`` pages
    # (X'1000', X'2000', ...) and the rest at X'C000', in a VM paged through 8
    # frames.  Natively the bytes land where the CCWs say.  The VMCP must move
    # them without exceeding its frames (11 pages > 8), and, as its restriction 5
    # says, with at most 4 guest pages a real program (7 pages > 4).
    chain = ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
    for i in range(pages):
        chain += ccw(0x42 if i == 0 else 0x00, 0x1000 * (i + 1), CD, 1)
    chain += ccw(0x00, 0xC000, SLI, 512 - pages)
    img = image([(0x800, DISK, 0)], {0x800: chain, 0xA00: de(0x40, 0, 0, 7),
                                     0xA10: loc(0x06, 1, 3)}, size=GUEST)
    r = run_both(tmp_path, img, disk=pattern(MD_BLOCKS), start=MD_START,
                 real_blocks=REAL_BLOCKS, paging=8 * PAGE_4K, paged=True)
    r.assert_same(MD_START)
    assert logged(r.vm, 0).end == (0, 0x818 + 8 * pages, CE_DE, 0, 0)
    assert [r.vm.mem[0x1000 * (i + 1)] for i in range(pages)] == [3] * pages
    for p in r.programs:
        assert len({a // PAGE_4K for a, _ in p.real_pieces() if a >= 0}) <= 4


def test_a_write_of_one_block_gathered_from_many_pages_goes_through_a_buffer(tmp_path):
    # One block written by data chaining from 1 byte of each of 10 pages (X'1000',
    # X'2000', ... holding 1, 2, ..., 10) and 502 bytes at X'C000' (holding X'EE'),
    # in a VM paged through 8 frames.  A write is whole blocks, so the block cannot
    # be split between real programs: it goes through the VMCP's buffer
    # (restriction 5).  Natively the block is 01 02 ... 0A then 502 x EE.
    pages = 10
    chain = ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
    for i in range(pages):
        chain += ccw(0x41 if i == 0 else 0x00, 0x1000 * (i + 1), CD, 1)
    chain += ccw(0x00, 0xC000, 0, 512 - pages)
    data = {0x800: chain, 0xA00: de(0xC0, 0, 0, 7), 0xA10: loc(0x01, 1, 3),
            0xC000: b"\xee" * (512 - pages)}
    for i in range(pages):
        data[0x1000 * (i + 1)] = bytes([i + 1])
    img = image([(0x800, DISK, 0)], data, size=GUEST)
    r = run_both(tmp_path, img, disk=pattern(MD_BLOCKS), start=MD_START,
                 real_blocks=REAL_BLOCKS, paging=8 * PAGE_4K, paged=True)
    r.assert_same(MD_START)
    written = bytes(range(1, pages + 1)) + b"\xee" * (512 - pages)
    at = (MD_START + 3) * BLOCK
    assert r.real_disk[at:at + BLOCK] == written
    # The CSW: the last CCW (DE, LOCATE, 10 one-byte CCWs from X'810', the last
    # at X'860') + 8; channel end and device end; residual 0.
    assert logged(r.vm, 0).end == (0, 0x868, CE_DE, 0, 0)
    # The data CCW of the real program that wrote it addresses the VMCP's area
    # (its buffer), not a guest frame.
    writes = [p for p in r.programs if p.ccws[2][0] == 0x41]
    assert len(writes) == 1 and writes[0].ccws[2][1] >= r.cp.io.area


def test_a_skip_of_more_than_64k_bytes_in_a_translated_read_as_natively(tmp_path):
    # LOCATE 150 blocks (76800 bytes) of a 160-block minidisk; READ skipping
    # 40000 + 31680 = 71680 bytes (blocks 0-139) by two data-chained SKIP CCWs,
    # then 5120 bytes (blocks 140-149: bytes X'8C'-X'95') into X'4000'.  One skip
    # of the translated program would need a count beyond 65535.
    blocks = 160
    prog = {0x800: ccw(0x63, 0xA00, CC, 16) + ccw(0x43, 0xA10, CC, 8)
            + ccw(0x42, 0, CD | SKIP, 40000) + ccw(0x00, 0, CD | SKIP, 31680)
            + ccw(0x00, 0x4000, 0, 5120),
            0xA00: de(0x40, 0, 0, blocks - 1), 0xA10: loc(0x06, 150, 0)}
    r = run_both(tmp_path, image([(0x800, DISK, 0)], prog), disk=pattern(blocks), start=5,
                 real_blocks=200)
    expected = b"".join(bytes([140 + b]) * BLOCK for b in range(10))
    assert bytes(r.m.mem[0x4000:0x5400]) == expected               # the native machine
    r.assert_same(5)
    assert logged(r.vm, 0).end == (0, 0x828, CE_DE, 0, 0)
    assert bytes(r.vm.mem[0x4000:0x5400]) == expected


# ===========================================================================
# 5. Isolation: random channel programs of one VM against two others
# ===========================================================================
A_BLOCKS = 8
B_START, A_START, C_START, FREE_START, ISO_BLOCKS = 0, 8, 16, 24, 32

# B and C: a fixed program: write 2 blocks, read 3 back, print, punch, console.
FIXED = image(
    [(0x800, DISK, 0), (0x840, DISK, 0), (0x880, PRINTER, 0), (0x888, PUNCH, 0),
     (0x890, CONSOLE, 0), (SENSE_AT, DISK, 0)],
    with_sense({**disk_program(de(0xC0, 0, 0, 7), loc(0x01, 2, 2), 0x41, 0x1000, 1024),
                **disk_program(de(0x40, 0, 0, 7), loc(0x06, 3, 1), 0x42, 0x3000, 1536,
                               at=0x840, data=0xA40),
                0x880: ccw(0x09, 0x2000, 0, 12), 0x888: ccw(0x01, 0x2100, 0, 80),
                0x890: ccw(0x09, 0x2000, 0, 12),
                0x1000: b"B" * 1024, 0x2000: text("FIXED OUTPUT"),
                0x2100: card("FIXED CARD")}),
    keys=[(0x3000, 0x20)])

COMMANDS = [0x63, 0x43, 0x42, 0x41, 0x02, 0x03, 0x04, 0x08, 0x09, 0x01, 0x0A, 0x0B, 0x00,
            0xF1, 0x0C, 0x89, 0x8B, 0x05, 0x11]
SLOTS = [0x800, 0x880, 0x900]
DATA_ADDRESSES = [0x1000, 0x17F0, 0x1FFC, 0x4000, 0x7FF0, 0xFE00, 0xFFF8, 0x10000,
                  0xA00, 0xA10, 0xA40, 0x800, 0x818, 0x880, 0x100, 0x0]
COUNTS = [0, 1, 8, 16, 24, 80, 100, 512, 600, 1024, 1536, 4096, 0xFFFF]
VALID_DE, VALID_LOC, ANY_DE, ANY_LOC, IDAWS = 0xA00, 0xA10, 0xA20, 0xA30, 0xA40


# A data address: one of DATA_ADDRESSES, or anywhere in the first 128K.
ANYWHERE = st.one_of(st.sampled_from(DATA_ADDRESSES), st.integers(0, 0x1FFFF))


def random_ccw(command: int | None = None, count: int | None = None) -> st.SearchStrategy[bytes]:
    """One CCW: ``command`` (or one of COMMANDS), a data address ANYWHERE, the flags
    ``ccw_flags`` draws, ``count`` (or one of COUNTS)."""
    return ccws(COMMANDS if command is None else [command], ANYWHERE,
                COUNTS if count is None else [count])


GOOD_ADDRESSES = [0x1000, 0x17F0, 0x2000, 0x2A00, 0x4000, 0x47F0, 0xE000]


@st.composite
def data_ccws(draw: st.DrawFn, command: int, count: int | None) -> bytes:
    """The READ/WRITE of a disk program: mostly a plain area in storage, else the
    IDAW list, else data chaining over two areas, else any CCW."""
    kind = draw(st.integers(0, 9))
    n = count if count is not None else draw(st.sampled_from(COUNTS))
    if kind < 5:
        return ccw(command, draw(st.sampled_from(GOOD_ADDRESSES)),
                   draw(st.sampled_from([0, SLI, SLI, CC | SLI, PCI_FLAG | SLI, SKIP | SLI])), n)
    if kind < 7:
        return ccw(command, IDAWS, draw(st.sampled_from([IDA, IDA | SLI])), n)
    if kind < 9 and n > 1:
        k = draw(st.integers(1, n - 1))
        return (ccw(command, draw(st.sampled_from(GOOD_ADDRESSES)), CD, k)
                + ccw(draw(st.sampled_from([0x00, 0x08, command])),
                      draw(st.sampled_from(GOOD_ADDRESSES + [IDAWS])),
                      draw(st.sampled_from([0, SLI, CD | SLI, IDA, SKIP])), n - k))
    return draw(random_ccw(command, count))


@st.composite
def disk_chains(draw: st.DrawFn, blocks: int, command: int) -> bytes:
    """Disk-shaped: DEFINE EXTENT and LOCATE (mostly the valid pair), a READ/WRITE
    (mostly the command and size located), then up to 2 CCWs of any kind."""
    out = ccw(0x63, draw(st.sampled_from([VALID_DE] * 4 + [ANY_DE])),
              draw(st.sampled_from([CC] * 6 + [0, CC | PCI_FLAG])), 16)
    out += ccw(0x43, draw(st.sampled_from([VALID_LOC] * 4 + [ANY_LOC])),
               draw(st.sampled_from([CC] * 6 + [0])), 8)
    command = draw(st.sampled_from([command] * 6 + [0x42, 0x41, 0x02]))
    count = draw(st.sampled_from([blocks * BLOCK, blocks * BLOCK, None]))
    out += draw(data_ccws(command, count))
    for _ in range(draw(st.integers(0, 2))):
        out += draw(random_ccw())
    return out


@st.composite
def any_programs(draw: st.DrawFn) -> bytes:
    """1-4 CCWs of any kind (unit-record commands among them)."""
    return b"".join(draw(random_ccw()) for _ in range(draw(st.integers(1, 4))))


@st.composite
def requests(draw: st.DrawFn) -> tuple[int, int, int]:
    """(CCW address, device, CAW key): mostly a disk program to the minidisk or
    any program to any device; sometimes a bad CAW address."""
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        at, device = draw(st.sampled_from(SLOTS[:2])), DISK
    elif kind <= 4:
        at = draw(st.sampled_from(SLOTS))
        device = draw(st.sampled_from([PRINTER, PUNCH, CONSOLE, READER, DISK, 0x0FF]))
    else:
        at = draw(st.sampled_from([0x808, 0x804, 0x1FFF8, VALID_DE, 0xFFF8]))
        device = draw(st.sampled_from([DISK, PRINTER, READER]))
    return at, device, draw(st.sampled_from([0, 0, 0, 0, 0, 2, 3, 5, 15]))


@st.composite
def guest_a(draw: st.DrawFn) -> bytes:
    keys = [(draw(st.sampled_from([0x800, 0x1000, 0x1800, 0x2000, 0x2800, 0x4000, 0xF800])),
             draw(st.sampled_from([0x00, 0x20, 0x30, 0x38, 0x50, 0xF8])))
            for _ in range(draw(st.integers(0, 4)))]
    first_idaw = draw(st.sampled_from([0x1000, 0x17F0, 0x2000, 0x27FC, 0xFFF0, 0x01001000]))
    idaws = first_idaw.to_bytes(4, "big") + b"".join(
        draw(st.sampled_from([0x3000, 0x3800, 0x4000, 0xF800, 0x3000, 0x10000, 0x01001000,
                              0x1804])).to_bytes(4, "big") for _ in range(3))
    extent, where, blocks, command = draw(valid_extents(A_BLOCKS))
    data = {SLOTS[0]: draw(disk_chains(blocks, command)),
            SLOTS[1]: draw(st.one_of(disk_chains(blocks, command), any_programs())),
            SLOTS[2]: draw(any_programs()),
            VALID_DE: extent, VALID_LOC: where, ANY_DE: draw(extents(A_BLOCKS)),
            ANY_LOC: draw(locates(A_BLOCKS)), IDAWS: idaws,
            0x1000: bytes(range(256)) * 4, 0x4000: text("DATA FOR A") * 8}
    return image(draw(st.lists(requests(), min_size=1, max_size=5)), data, keys, size=GUEST)


@dataclass
class Fixed:
    """B (or C) run natively: its state, files and disk."""

    m: Machine
    files: dict[str, bytes]


_FIXED_NATIVE: dict[int, Fixed] = {}


def fixed_native(first: int) -> Fixed:
    if first not in _FIXED_NATIVE:
        with tempfile.TemporaryDirectory() as d:
            m, files = run_native(FIXED, Path(d), steps=5000, script=["B"],
                                  disk=pattern(8, first))
        _FIXED_NATIVE[first] = Fixed(m, files)
    return _FIXED_NATIVE[first]


def _same_outside(before: bytes, after: bytes, allowed: list[tuple[int, int]]) -> list[str]:
    """Ranges of real storage outside ``allowed`` (start, end) that changed."""
    out = []
    at = 0
    for lo, hi in sorted(allowed) + [(len(before), len(before))]:
        if before[at:lo] != after[at:lo]:
            i = next(i for i in range(at, lo) if before[i] != after[i])
            out.append(f"{i:06X}")
        at = max(at, hi)
    return out


# Low storage the real machine writes when it takes an interruption or does I/O:
# the old PSWs (8-F, 18-3F), CSW and CAW (40-4B), interval timer (50-53) and the
# interruption codes and addresses (80-BF).  The new PSWs (0-7, 58-7F) are the
# VMCP's and must never change.
PSA_WRITTEN = [(0x08, 0x10), (0x18, 0x58), (0x80, 0xC0)]


def check_isolation(img: bytes, paged: bool = False) -> None:
    """Run guest ``img`` as VM A between VMs B and C (the fixed program) and
    assert isolation (and that A runs as natively)."""
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        # A natively (its own 8-block disk, console, reader, punch, printer).
        a_disk = pattern(8, 0x10)
        ma, a_files = run_native(img, tmp / "a", steps=3000, script=["LINE A"],
                                 cards=[card("CARD A")], disk=a_disk)
        # Under the VMCP: B, A, C in that order (A's frames between theirs), their
        # minidisks adjacent on one real disk, the last 8 blocks nobody's.
        real = bytearray(pattern(ISO_BLOCKS, 0x80))
        real[A_START * BLOCK:(A_START + 8) * BLOCK] = a_disk
        real[B_START * BLOCK:(B_START + 8) * BLOCK] = pattern(8, 0x20)
        real[C_START * BLOCK:(C_START + 8) * BLOCK] = pattern(8, 0x30)
        before_disk = bytes(real)
        (tmp / "real.img").write_bytes(before_disk)
        cp = VMCP(real_storage=M, spool_directory=tmp / "spool",
                  paging=8 * PAGE_4K if paged else 0)
        cp.attach_real_disk(REAL_DISK, tmp / "real.img")
        assert cp.io is not None
        area = (cp.io.area, cp.io.area + AREA_SIZE)
        pool = (min(cp.pager.free), max(cp.pager.free) + PAGE_4K) if cp.pager else (0, 0)
        folders = {n: tmp / f"vm-{n}" for n in "ABC"}
        for f in folders.values():
            f.mkdir()
        vms = {}
        for name, start, program, script, cards in (
                ("B", B_START, FIXED, ["B"], []),
                ("A", A_START, img, ["LINE A"], [card("CARD A")]),
                ("C", C_START, FIXED, ["B"], [])):
            vms[name] = cp.create_vm(program, GUEST, name=name,
                                     max_steps=3000 if name == "A" else 5000,
                                     paged=paged and name == "A",
                                     devices=virtual_devices(folders[name], script, cards, 8,
                                                             start))
            vms[name].interruption_log = []

        def own(vm: VirtualMachine) -> list[tuple[int, int]]:
            # Its state description (interpretive execution) is the VMCP's for it.
            sd = (vm.state_description, vm.state_description + 256)
            if vm.paged is None:
                return [(vm.origin, vm.origin + vm.size), sd]
            # A paged VM: the pager's frames, and its tables (rebuilt at page-in).
            return [pool, (vm.segment_table, vm.segment_table + 0x1000), sd]

        programs: list[Program] = []
        violations: list[str] = []
        original = Minidisk._real_program
        inner: Any = None

        def checked(self: Minidisk, *args: Any) -> int:
            # Each real program may change only the frames of the VM it serves,
            # the VMCP's channel-program area and the real CSW/CAW.
            snapshot = bytes(cp.real.mem)
            status = int(inner(self, *args))
            allowed = own(self.vm) + [area, (0x40, 0x4C)]
            bad = _same_outside(snapshot, bytes(cp.real.mem), allowed)
            violations.extend(f"{self.vm.name}: {b}" for b in bad)
            return status
        whole_before = bytes(cp.real.mem)
        with capture(cp, programs):
            inner = Minidisk._real_program
            setattr(Minidisk, "_real_program", checked)  # noqa: B010 - a test's wrapper
            try:
                cp.run()
            finally:
                setattr(Minidisk, "_real_program", inner)  # noqa: B010
        assert Minidisk._real_program is original
        whole_after = bytes(cp.real.mem)
        for vm in vms.values():
            cp.release_spool(vm)
        assert cp.real.channels is not None
        cp.real.channels.close()
        after_disk = (tmp / "real.img").read_bytes()

        assert violations == []
        # The VMCP's own storage: new PSWs, tables, free storage unchanged.
        everyone = [r for vm in vms.values() for r in own(vm)]
        assert _same_outside(whole_before, whole_after, everyone + [area] + PSA_WRITTEN) == []
        for p in programs:
            assert p.minidisk is not None
            assert p.extent()[1:] == (p.minidisk.start_block, 0, 7)
        # A ran as natively.
        diff = differences(ma, vms["A"])
        assert not diff, "\n".join(diff)
        for n in ("console", "punch", "printer"):
            assert (folders["A"] / n).read_bytes() == a_files[n], n
        assert after_disk[A_START * BLOCK:(A_START + 8) * BLOCK] == a_files["disk"]
        # B and C ran as they run alone natively.
        for name, start, first in (("B", B_START, 0x20), ("C", C_START, 0x30)):
            ref = fixed_native(first)
            diff = differences(ref.m, vms[name])
            assert not diff, name + ": " + "\n".join(diff)
            for n in ("console", "punch", "printer"):
                assert (folders[name] / n).read_bytes() == ref.files[n], (name, n)
            assert after_disk[start * BLOCK:(start + 8) * BLOCK] == ref.files["disk"], name
        assert after_disk[FREE_START * BLOCK:] == before_disk[FREE_START * BLOCK:]


@pytest.mark.parametrize("paged", [False, True], ids=["resident", "paged"])
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(img=guest_a())
def test_random_channel_programs_of_one_vm_leave_the_others_and_the_vmcp_intact(paged, img):
    check_isolation(img, paged)


ISOLATION_PROBE = image([(0x800, DISK, 0), (0x840, DISK, 0)], {
    **disk_program(de(0xC0, 0, 0, 7), loc(0x01, 1, 0), 0x41, 0x1000, 512),
    **disk_program(de(0x40, 0, 0, 7), loc(0x06, 2, 3), 0x42, 0x2000, 1024, at=0x840,
                   data=0xA40),
    0x1000: b"Z" * 512}, size=GUEST)


def test_the_isolation_probe_passes_with_the_vmcp_as_it_is():
    check_isolation(ISOLATION_PROBE)


@pytest.mark.parametrize("breakage", ["relocation", "translation"])
def test_the_isolation_check_finds_a_vmcp_that_breaks_isolation(monkeypatch, breakage):
    # A VMCP whose real DEFINE EXTENT starts at real block 0 (B's minidisk), or
    # whose CCW translation adds 64K to the real addresses (the next VM's
    # frames): the check must fail on the probe that passes above.
    original = Minidisk._real_program
    shifting: list[bool] = []

    def wrong(self: Minidisk, *args: Any) -> int:
        if breakage == "relocation":
            saved, self.start_block = self.start_block, 0
            try:
                return original(self, *args)
            finally:
                self.start_block = saved
        shifting.append(True)
        try:
            return original(self, *args)
        finally:
            shifting.pop()
    real_frame = VirtualMachine.real_frame

    def shifted(self: VirtualMachine, absolute: int, page_in: bool = False) -> int | None:
        out = real_frame(self, absolute, page_in)
        return out + GUEST if shifting and out is not None else out
    monkeypatch.setattr(Minidisk, "_real_program", wrong)
    monkeypatch.setattr(VirtualMachine, "real_frame", shifted)
    with pytest.raises(AssertionError):
        check_isolation(ISOLATION_PROBE)


def test_the_fixed_program_of_the_isolation_test_does_real_work():
    # B's reference run is not vacuous: it wrote "B" to blocks 2-3, read blocks
    # 1-3 back, printed and punched, with normal endings.
    ref = fixed_native(0x20)
    assert ref.files["disk"][2 * BLOCK:4 * BLOCK] == b"B" * 1024
    assert bytes(ref.m.mem[0x3000:0x3600]) == b"\x21" * 512 + b"B" * 1024
    assert ref.files["printer"] == b"FIXED OUTPUT\n"
    assert ref.files["punch"] == b"FIXED CARD\n"
    assert ref.files["console"] == b"FIXED OUTPUT\n"
    assert [logged(ref.m, i).end[2] for i in range(5)] == [CE_DE] * 5


def test_a_spooled_deck_of_cards_not_80_bytes_is_refused(tmp_path):
    # A card is 80 columns (the 2540 reader's record): a deck given through the
    # API with a shorter card is a bad directory entry, refused in one line.
    cp = VMCP(real_storage=1 << 20, spool_directory=tmp_path / "spool")
    with pytest.raises(VMCPError, match="device 00C: card 2 is 79 bytes, not 80"):
        cp.create_vm(b"", 64 * 1024, devices=[
            VirtualDevice(0x00C, "2540R", cards=[bytes(80), bytes(79)])])
    assert cp.vms == []


def test_minidisk_transfer_reads_a_block_scattered_over_many_pages_through_a_buffer(tmp_path):
    # Minidisk._transfer directly (the channel never hands a read more than two
    # pages of one block, one CCW at a time; the translation itself must still
    # hold): block 2 of a minidisk at block 5 of the real disk, its 512 bytes to
    # be stored 1 byte into each of 10 pages (X'1000' ... X'A000') and the rest at
    # X'C000', in a VM paged through 8 frames.  The block's bytes are all X'07'
    # (pattern: real block 5 + 2 = 7), so every target byte becomes X'07'.
    (tmp_path / "real.img").write_bytes(pattern(16))
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool", paging=8 * PAGE_4K)
    cp.attach_real_disk(REAL_DISK, tmp_path / "real.img")
    vm = cp.create_vm(b"", GUEST, devices=[VirtualDevice(DISK, "MDISK", real=REAL_DISK,
                                                         start=5, blocks=4)], paged=True)
    md = cp.devices[vm.order].minidisks[DISK]
    pieces = [(0x1000 * (i + 1), i, 1) for i in range(10)] + [(0xC000, 10, 502)]
    assert md._transfer(0x42, 2, 1, pieces) == CE_DE
    assert [vm.mem[0x1000 * (i + 1)] for i in range(10)] == [7] * 10
    assert bytes(vm.mem[0xC000:0xC000 + 502]) == b"\x07" * 502
    assert vm.mem[0xC000 + 502] == 0 and vm.mem[0x1001] == 0      # nothing else
    assert md.real_programs == 1                                  # one, through the buffer
    cp.release_spool(vm)


def test_a_real_disk_that_cannot_be_opened_or_is_attached_twice_is_refused(tmp_path):
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    with pytest.raises(VMCPError, match="real disk 130: No such file or directory"):
        cp.attach_real_disk(0x130, tmp_path / "missing.img")
    (tmp_path / "real.img").write_bytes(pattern(4))
    cp.attach_real_disk(0x130, tmp_path / "real.img")
    with pytest.raises(VMCPError, match="I/O address 130 configured twice"):
        cp.attach_real_disk(0x130, tmp_path / "real.img")


def test_ipl_of_a_vm_without_devices_is_refused_and_leaves_nothing(tmp_path):
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    free = list(cp._free)
    with pytest.raises(VMCPError, match="IPL 00C: the VM has no devices"):
        cp.create_vm(b"", GUEST, ipl=0x00C)
    assert cp.vms == [] and cp._free == free


# ---------------------------------------------------------------------------
# Host files: spool files that fail, output that cannot be delivered, the
# directory's file checks
# ---------------------------------------------------------------------------
FULL = Path("/dev/full")          # every write fails with ENOSPC
NEEDS_DEV_FULL = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
PRINT_AND_SENSE = image([(0x800, PRINTER, 0), (0x808, PRINTER, 0)],
                        {0x800: ccw(0x09, 0x1000, 0, 12), 0x808: ccw(0x04, 0x1100, 0, 1),
                         0x1000: text("PRINTED LINE")})


@NEEDS_DEV_FULL
def test_a_spool_file_that_cannot_be_written_is_an_equipment_check_as_natively(
        tmp_path, monkeypatch):
    # The printer's write (X'09', 12 bytes) ends with channel end, device end and
    # unit check; the SENSE after it gives equipment check (X'10'): natively with
    # the printer on /dev/full, under the VMCP with its spool file there.
    m = start_machine(PRINT_AND_SENSE, GUEST)
    m.channels = ChannelSubsystem(m)
    m.channels.attach(PRINTER, Printer1403(FULL))
    m.interruption_log = []
    m.run(20_000)
    m.channels.close()
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    spool_path = cp.spool.path
    monkeypatch.setattr(cp.spool, "path", lambda vm, address, kind: FULL if kind == "1403"
                        else spool_path(vm, address, kind))
    vm = cp.create_vm(PRINT_AND_SENSE, GUEST, max_steps=20_000,
                      devices=[VirtualDevice(PRINTER, "1403")])
    vm.interruption_log = []
    cp.run()
    cp.release_spool(vm)
    for cpu in (m, vm):
        assert cpu.stop_reason == "disabled-wait"
        assert [logged(cpu, i).cc for i in range(2)] == [0, 0]
        assert logged(cpu, 0).end == (0, 0x808, CE_DE | UNIT_CHECK, 0, 0)
        assert logged(cpu, 1).end == (0, 0x810, CE_DE, 0, 0)
        assert cpu.mem[0x1100] == EQUIPMENT_CHECK
    diff = differences(m, vm)
    assert not diff, "\n".join(diff)


@NEEDS_DEV_FULL
def test_output_whose_destination_cannot_be_written_stays_in_the_spool(tmp_path):
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "spool")
    punch_to = tmp_path / "punch.txt"
    img = image([(0x800, PRINTER, 0), (0x808, PUNCH, 0)],
                {0x800: ccw(0x09, 0x1000, 0, 12), 0x808: ccw(0x01, 0x1100, 0, 80),
                 0x1000: text("PRINTED LINE"), 0x1100: card("PUNCHED CARD")})
    vm = cp.create_vm(img, GUEST, name="alpha", max_steps=20_000, devices=[
        VirtualDevice(PRINTER, "1403", release_to=FULL),
        VirtualDevice(PUNCH, "2540P", release_to=punch_to)])
    cp.run()
    # The guest printed without trouble (the spool took the line).
    assert logged(vm, 0).end == (0, 0x808, CE_DE, 0, 0)
    assert cp.release_spool(vm) == [punch_to]
    assert punch_to.read_text() == "PUNCHED CARD\n"
    [kept] = cp.spool.undelivered
    assert (kept.vm, kept.address, kept.destination) == ("alpha", PRINTER, FULL)
    assert kept.reason == os.strerror(errno.ENOSPC)
    assert kept.path == tmp_path / "spool" / "001-alpha" / "00E.printer"
    assert kept.path.read_text() == "PRINTED LINE\n"


@NEEDS_DEV_FULL
def test_a_temporary_spool_holding_undelivered_output_is_not_removed(tmp_path):
    def run(destination: Path) -> tuple[Path, list[Any]]:
        cp = VMCP(real_storage=M)                   # a temporary spool
        vm = cp.create_vm(PRINT_AND_SENSE, GUEST, max_steps=20_000,
                          devices=[VirtualDevice(PRINTER, "1403", release_to=destination)])
        cp.run()
        cp.release_spool(vm)
        spool, kept = cp.spool.directory, list(cp.spool.undelivered)
        assert spool is not None and spool.is_dir()
        del cp, vm
        collect_garbage()
        return spool, kept

    spool, kept = run(tmp_path / "printed.txt")
    assert kept == [] and not spool.exists()       # delivered: the spool goes with the VMCP
    spool, kept = run(FULL)
    try:
        assert [k.path for k in kept] == [spool / "001-vm1" / "00E.printer"]
        assert kept[0].path.read_text() == "PRINTED LINE\n"
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def test_a_spool_that_cannot_hold_the_vms_files_is_refused_in_one_line(tmp_path):
    (tmp_path / "plain").write_text("not a folder\n")
    cp = VMCP(real_storage=M, spool_directory=tmp_path / "plain")
    with pytest.raises(VMCPError) as e:
        cp.create_vm(b"", GUEST, name="alpha", devices=[VirtualDevice(PRINTER, "1403")])
    assert str(e.value) == (f"device 00E: spool {tmp_path / 'plain' / '001-alpha'}: "
                            "Not a directory")
    assert cp.vms == [] and (tmp_path / "plain").read_text() == "not a folder\n"


# A directory whose files the tests vary; its lines: [[disk]] file at 3, alpha's
# program at 7 and printer file at 12, beta's reader deck at 21 and printer file
# at 26.
DIRECTORY = """\
[[disk]]
address = "130"
file = "pack.img"

[[vm]]
name = "alpha"
program = "p.bin"

  [[vm.device]]
  address = "00E"
  type = "1403"
  file = "{alpha}"

[[vm]]
name = "beta"
program = "p.bin"

  [[vm.device]]
  address = "00C"
  type = "2540R"
  file = "{deck}"

  [[vm.device]]
  address = "00E"
  type = "1403"
  file = "{beta}"
"""


def _directory(tmp_path: Path, alpha: str = "a.prt", deck: str = "cards.txt",
               beta: str = "b.prt") -> Path:
    (tmp_path / "pack.img").write_bytes(pattern(8))
    (tmp_path / "p.bin").write_bytes(bytes.fromhex("000A000000000000") + bytes(8))
    (tmp_path / "cards.txt").write_text("A CARD\n")
    (tmp_path / "hard.img").unlink(missing_ok=True)
    os.link(tmp_path / "pack.img", tmp_path / "hard.img")
    p = tmp_path / "d.toml"
    p.write_text(DIRECTORY.format(alpha=alpha, deck=deck, beta=beta))
    return p


@pytest.mark.parametrize("files, line, message", [
    ({"beta": "a.prt"}, 26, "file 'a.prt' of device 00E (1403) of VM beta is the same host "
                            "file as file 'a.prt' of device 00E (1403) of VM alpha at line 12"),
    ({"alpha": "pack.img"}, 12, "file 'pack.img' of device 00E (1403) of VM alpha is the "
                                "same host file as file 'pack.img' of disk 130 at line 3"),
    ({"beta": "hard.img"}, 26, "file 'hard.img' of device 00E (1403) of VM beta is the same "
                               "host file as file 'pack.img' of disk 130 at line 3"),
    ({"alpha": "cards.txt"}, 21, "file 'cards.txt' of device 00C (2540R) of VM beta is the "
                                 "same host file as file 'cards.txt' of device 00E (1403) of "
                                 "VM alpha at line 12"),
    ({"alpha": "p.bin"}, 12, "file 'p.bin' of device 00E (1403) of VM alpha is the same host "
                             "file as program 'p.bin' of VM alpha at line 7"),
    ({"beta": "d.toml"}, 26, "file 'd.toml' of device 00E (1403) of VM beta is the same host "
                             "file as this directory file"),
], ids=["two-printers", "printer-over-a-disk", "hard-link-to-a-disk", "deck-is-an-output",
        "over-a-program", "over-the-directory"])
def test_a_host_file_named_twice_in_a_directory_is_refused_and_left_untouched(
        tmp_path, files, line, message):
    p = _directory(tmp_path, **files)
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir()}
    with pytest.raises(VMIOError) as e:
        load_directory(p)
    assert str(e.value) == f"{p}:{line}: {message}"
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir()} == before


def test_directory_outputs_to_dev_null_are_allowed_even_twice(tmp_path):
    d = load_directory(_directory(tmp_path, alpha="/dev/null", beta="/dev/null"))
    assert [dev.release_to for vm in d.vms for dev in vm.devices
            if dev.type_name == "1403"] == [Path("/dev/null")] * 2


@pytest.mark.parametrize("files, setup, line, problem", [
    ({"alpha": "out"}, "folder", 12, "file 'out': a folder, not a file"),
    ({"beta": "nope/b.prt"}, None, 26, "file 'nope/b.prt': folder {tmp}/nope does not exist"),
    ({"deck": "decks"}, "folder", 21, "file 'decks': a folder, not a file"),
    ({}, "disk-folder", 3, "file 'pack.img': a folder, not a file"),
], ids=["printer-a-folder", "printer-without-folder", "deck-a-folder", "disk-a-folder"])
def test_a_directory_file_that_cannot_serve_is_one_line_naming_it(tmp_path, files, setup,
                                                                   line, problem):
    p = _directory(tmp_path, **files)
    if setup == "folder":
        (tmp_path / next(iter(files.values()))).mkdir()
    elif setup == "disk-folder":
        (tmp_path / "hard.img").unlink()
        (tmp_path / "pack.img").unlink()
        (tmp_path / "pack.img").mkdir()
    with pytest.raises(VMIOError) as e:
        load_directory(p)
    assert str(e.value) == f"{p}:{line}: " + problem.format(tmp=tmp_path)


# ===========================================================================
# CKD minidisks and tapes under the VMCP
# ===========================================================================
# A CKD minidisk (reference.vm.vmio.CKDMinidisk) is cylinders start ..
# start + N - 1 of a real CKD volume, given to the VM as a device of the real
# volume's type with N cylinders.  "Right": the guest's channel programs end as
# they end natively on a volume of N cylinders whose tracks hold what the
# minidisk's tracks hold (state, CSWs, sense bytes, and the tracks afterwards),
# and no track of the real volume outside the minidisk changes, byte for byte.
# CKD commands (reference.io.ckd): X'07' SEEK (BB CC HH), X'1B' SEEK HEAD, X'13'
# RECALIBRATE, X'1F' SET FILE MASK, X'19' WRITE HA, X'15' WRITE R0, X'1D' WRITE
# CKD, X'05' WRITE DATA, X'31' SEARCH ID EQUAL (X'B1' multitrack), X'29'
# SEARCH KEY EQUAL, X'1A' READ HA (X'9A'), X'16' READ R0, X'12' READ COUNT,
# X'1E' READ CKD (X'9E'), X'06' READ DATA, X'5E' READ MULTIPLE CKD, X'08' TIC.
# Sense byte 0 X'81' command reject with seek check; byte 1 X'20' end of
# cylinder; on a 3330-1, bytes 5-6 the cylinder and head.

REAL_CKD, TAPE, REAL_TAPE = 0x240, 0x181, 0x580
CKD_CCWS, CKD_DATA = 0x1000, 0x4000      # where the chains and their data go
SEEK_CHECK_REJECT = 0x81
END_OF_CYLINDER = 0x20


class Chains:
    """Channel programs for the driver: each chain a request, followed by a
    SENSE of the same device whose 24 bytes stay in storage (so that the sense
    bytes are compared with the rest of the state).  A CCW is (command,
    argument, flags, count): bytes to send, None for a zeroed buffer of
    ``count`` bytes, or for a TIC (X'08') the index of the CCW it goes to."""

    def __init__(self, device: int) -> None:
        self.device = device
        self.data: dict[int, bytes] = {}
        self.requests: list[tuple[int, int, int]] = []
        self.sense_at: list[int] = []
        self.reads: list[list[int]] = []      # the buffers of each chain's CCWs
        self._ccw_at = CKD_CCWS
        self._data_at = CKD_DATA

    def _put(self, data: bytes) -> int:
        at = self._data_at
        self.data[at] = data
        self._data_at = (at + len(data) + 7) & ~7
        assert self._data_at < GUEST
        return at

    def chain(self, ccws: list[tuple[int, bytes | int | None, int, int]],
              device: int | None = None) -> int:
        """Add a chain (and its SENSE) for ``device`` (default: the device of
        these chains); returns its number (its requests: 2n and 2n + 1)."""
        device = self.device if device is None else device
        start = self._ccw_at
        out, buffers = b"", []
        for command, argument, flags, count in ccws:
            if command == 0x08:
                assert isinstance(argument, int)
                out += ccw(0x08, start + 8 * argument, 0, 0)
                buffers.append(-1)
                continue
            at = self._put(argument if isinstance(argument, bytes) else bytes(count))
            out += ccw(command, at, flags, count)
            buffers.append(at)
        self.data[start] = out
        self._ccw_at = start + len(out)
        sense = self._put(bytes(24))
        self.data[self._ccw_at] = ccw(0x04, sense, SLI, 24)
        self.requests += [(start, device, 0), (self._ccw_at, device, 0)]
        self._ccw_at += 8
        assert self._ccw_at < CKD_DATA and len(self.requests) <= 46
        self.sense_at.append(sense)
        self.reads.append(buffers)
        return len(self.sense_at) - 1

    def image(self) -> bytes:
        return image(self.requests, self.data)


def seek(c: int, h: int) -> bytes:
    return bytes(2) + c.to_bytes(2, "big") + h.to_bytes(2, "big")


def count_field(c: int, h: int, r: int, kl: int, dl: int) -> bytes:
    return c.to_bytes(2, "big") + h.to_bytes(2, "big") + bytes([r, kl]) + dl.to_bytes(2, "big")


def slot_range(path: Path, c0: int, c1: int) -> tuple[int, int]:
    """The file bytes of cylinders [c0, c1) of an uncompressed image."""
    with open_image(str(path), readonly=True) as v:
        size, heads = v.track_size, v.heads
    return 512 + c0 * heads * size, 512 + c1 * heads * size


def mark_neighbours(path: Path, cylinders: list[int]) -> None:
    """A record of its own on every track of ``cylinders``: a read of a wrong
    track would show."""
    with open_image(str(path)) as v:
        for c in cylinders:
            for h in range(v.heads):
                v.write_track(c, h, build_track(c, h, [
                    CKDRecord(c, h, 0, b"", bytes(8)),
                    CKDRecord(c, h, 1, b"NBR1", bytes([c, h]) * 40)]))


@dataclass
class CKDBoth:
    m: Machine
    vm: VirtualMachine
    cp: VMCP
    native: Path
    real: Path
    before: bytes
    start: int
    cylinders: int
    other: VirtualMachine | None = None

    def assert_same(self) -> None:
        diff = differences(self.m, self.vm)
        assert not diff, "\n".join(diff)
        with open_image(str(self.native), readonly=True) as n, \
                open_image(str(self.real), readonly=True) as r:
            view = CKDMinidisk(r, self.start, self.cylinders)
            for c in range(self.cylinders):
                for h in range(n.heads):
                    assert view.read_track(c, h) == n.read_track(c, h), f"track {c}/{h}"
            compressed = r.compressed
        if compressed:
            # Track by track: every real track outside the minidisk as it was.
            (self.real.parent / "before.ckd").write_bytes(self.before)
            with open_image(str(self.real.parent / "before.ckd"), readonly=True) as b, \
                    open_image(str(self.real), readonly=True) as r:
                for c in range(r.cylinders):
                    if self.start <= c < self.start + self.cylinders:
                        continue
                    for h in range(r.heads):
                        assert r.read_track(c, h) == b.read_track(c, h), f"real {c}/{h}"
            return
        lo, hi = slot_range(self.real, self.start, self.start + self.cylinders)
        after = self.real.read_bytes()
        assert after[:lo] == self.before[:lo], "real tracks before the minidisk changed"
        assert after[hi:] == self.before[hi:], "real tracks after the minidisk changed"

    def sense(self, chains: Chains, i: int) -> bytes:
        at = chains.sense_at[i]
        return bytes(self.vm.mem[at:at + 24])


def ckd_volumes(tmp: Path, kind: str, cylinders: int, start: int,
                real_cylinders: int, compress: str | None = None) -> tuple[Path, Path]:
    """A real volume of ``real_cylinders`` (its neighbouring cylinders marked)
    and a native volume of ``cylinders`` holding what the minidisk of
    ``cylinders`` from ``start`` holds."""
    tmp.mkdir(parents=True, exist_ok=True)
    real, native = tmp / "real.ckd", tmp / "native.ckd"
    create(str(real), kind, cylinders=real_cylinders, compress=compress)
    mark_neighbours(real, [c for c in (start - 1, start + cylinders) if 0 <= c < real_cylinders])
    create(str(native), kind, cylinders=cylinders)
    with open_image(str(real), readonly=True) as r, open_image(str(native)) as n:
        view = CKDMinidisk(r, start, cylinders)
        for c in range(cylinders):
            for h in range(n.heads):
                n.write_track(c, h, view.read_track(c, h))
    return real, native


def run_ckd_both(tmp: Path, img: bytes, kind: str = "3330", cylinders: int = 3,
                 start: int = 4, real_cylinders: int = 10, steps: int = 200_000,
                 neighbour: bytes | None = None, paged: bool = False,
                 compress: str | None = None) -> CKDBoth:
    """``img`` natively with a ``kind`` of ``cylinders`` cylinders at DISK, and
    as a VM whose DISK is the minidisk of as many cylinders from ``start`` of a
    real volume of ``real_cylinders`` (with ``neighbour``: a second VM running
    it, with the minidisk of the cylinders after the first one's); ``paged``: the
    VM paged in 8 frames; ``compress``: the real volume a compressed image."""
    real, native = ckd_volumes(tmp, kind, cylinders, start, real_cylinders, compress)
    before = real.read_bytes()
    m = start_machine(img, GUEST)
    channels = ChannelSubsystem(m)
    channels.attach(DISK, CKDDevice(open_image(str(native))))
    m.channels = channels
    m.interruption_log = []
    m.run(steps)
    channels.close()
    cp = VMCP(real_storage=M, paging=8 * PAGE_4K if paged else 0)
    cp.attach_real_ckd(REAL_CKD, real, kind)
    vm = cp.create_vm(img, GUEST, max_steps=steps, paged=paged, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=start, cylinders=cylinders)])
    vm.interruption_log = []
    other = None
    if neighbour is not None:
        other = cp.create_vm(neighbour, GUEST, max_steps=steps, devices=[
            VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=start + cylinders,
                          cylinders=real_cylinders - start - cylinders)])
    cp.run()
    cp.close()
    return CKDBoth(m, vm, cp, native, real, before, start, cylinders, other)


def format_chain(c: int, h: int, records: list[tuple[bytes, bytes]],
                 mask: int = 0xC0) -> list[tuple[int, bytes | int | None, int, int]]:
    """SEEK, SET FILE MASK, WRITE HA, WRITE R0, then WRITE CKD of each (key,
    data) as records 1, 2, ..."""
    out: list[tuple[int, bytes | int | None, int, int]] = [
        (0x07, seek(c, h), CC, 6), (0x1F, bytes([mask]), CC, 1),
        (0x19, b"\0" + seek(c, h)[2:], CC, 5),
        (0x15, count_field(c, h, 0, 0, 8) + bytes(8), CC, 16)]
    for r, (key, data) in enumerate(records, 1):
        body = count_field(c, h, r, len(key), len(data)) + key + data
        out.append((0x1D, body, CC, len(body)))
    out[-1] = out[-1][:2] + (0,) + out[-1][3:]
    return out


@pytest.mark.parametrize("paged, compress", [(False, None), (True, None), (False, "zlib")])
def test_a_formatted_ckd_minidisk_is_written_searched_and_read_as_natively(
        tmp_path, paged, compress):
    heads = 19                        # a 3330
    n = 3
    ch = Chains(DISK)
    data1, data2 = bytes(range(100)), b"\xc2" * 50
    fmt = ch.chain(format_chain(1, 0, [(b"KEY1", data1), (b"KEY2", data2), (b"", b"")]))
    update = ch.chain([(0x07, seek(1, 0), CC, 6), (0x31, b"\0\x01\0\0\x02", CC, 5),
                       (0x08, 1, 0, 0), (0x05, b"\xe4" * 50, 0, 50)])
    read = ch.chain([(0x07, seek(1, 0), CC, 6), (0x1A, None, CC, 5), (0x16, None, CC, 16),
                     (0x1E, None, CC, 112), (0x12, None, CC, 8), (0x29, b"KEY2", CC, 4),
                     (0x08, 5, 0, 0), (0x06, None, CC, 50), (0x1E, None, 0, 8)])
    multiple = ch.chain([(0x07, seek(1, 0), CC, 6), (0x5E, None, SLI, 512)])
    eoc = ch.chain([(0x07, seek(n - 1, heads - 2), CC, 6),
                    (0xB1, b"\0\xff\0\xff\x01", CC, 5), (0x08, 1, 0, 0)])
    beyond = ch.chain([(0x07, seek(n, 0), 0, 6)])
    beyond_head = ch.chain([(0x07, seek(n - 1, heads), 0, 6)])
    home = ch.chain([(0x07, seek(n - 1, 3), CC, 6), (0x1B, seek(0, heads - 1), CC, 6),
                     (0x1A, None, CC, 5), (0x13, None, CC, 1), (0x1A, None, 0, 5)])
    mt_home = ch.chain([(0x07, seek(n - 1, heads - 1), CC, 6), (0x9A, None, 0, 5)])
    both = run_ckd_both(tmp_path, ch.image(), "3330", n, 4, 10, paged=paged,
                        compress=compress)
    both.assert_same()
    vm = both.vm

    def buffer(chain: int, k: int, length: int) -> bytes:
        at = ch.reads[chain][k]
        return bytes(vm.mem[at:at + length])

    for i in range(2 * len(ch.sense_at)):
        assert logged(vm, i).cc == 0
    assert logged(vm, 2 * fmt).end[2] == CE_DE
    assert logged(vm, 2 * update).end[2] == CE_DE
    # The guest sees its own cylinder in the home address and R0 of the track.
    assert buffer(read, 1, 5) == b"\0\0\x01\0\0"
    assert buffer(read, 2, 16) == count_field(1, 0, 0, 0, 8) + bytes(8)
    assert buffer(read, 3, 112) == count_field(1, 0, 1, 4, 100) + b"KEY1" + data1
    assert buffer(read, 4, 8) == count_field(1, 0, 2, 4, 50)
    assert buffer(read, 7, 50) == b"\xe4" * 50                 # updated by WRITE DATA
    assert logged(vm, 2 * read).end[2] == CE_DE | UNIT_EXCEPTION   # R3: end of file
    assert buffer(multiple, 1, 12) == count_field(1, 0, 1, 4, 100) + b"KEY1"
    # The multitrack search runs off the minidisk's last cylinder: end of cylinder.
    assert logged(vm, 2 * eoc).end[2] == CE_DE | UNIT_CHECK
    assert both.sense(ch, eoc)[1] == END_OF_CYLINDER
    assert both.sense(ch, eoc)[5:7] == bytes([n - 1, heads - 1])   # 3330-1: CC << 6 | HH
    # A seek beyond the minidisk is the seek check of a 3330 of 3 cylinders.
    for chain in (beyond, beyond_head):
        assert logged(vm, 2 * chain).end[2] == CE_DE | UNIT_CHECK
        assert both.sense(ch, chain)[0] == SEEK_CHECK_REJECT
    assert buffer(home, 2, 5) == b"\0\0\x02\0" + bytes([heads - 1])
    assert buffer(home, 4, 5) == bytes(5)                       # recalibrated: 0/0
    assert logged(vm, 2 * mt_home).end[2] == CE_DE | UNIT_CHECK
    assert both.sense(ch, mt_home)[1] == END_OF_CYLINDER
    # The real volume: the track is at real cylinder 5, its home address real.
    with open_image(str(both.real), readonly=True) as r:
        t = r.read_track(5, 0)
    assert t[:5] == b"\0\0\x05\0\0" and t[5:13] == count_field(5, 0, 0, 0, 8)
    assert t[21:29] == count_field(1, 0, 1, 4, 100)           # the guest's own count


def test_reading_the_neighbours_cylinder_is_impossible_by_any_seek(tmp_path):
    # Every seek argument to the cylinders of the real volume around the
    # minidisk (real cylinder numbers, 16-bit wrap, BB not zero) is refused as
    # natively; the neighbour's marked records are never read.
    ch = Chains(DISK)
    chains = []
    for c in (3, 4, 5, 6, 7, 8, 0xFFFF, 0x10000 - 4):
        chains.append(ch.chain([(0x07, seek(c & 0xFFFF, 0), CC, 6), (0x1E, None, SLI, 200)]))
    chains.append(ch.chain([(0x07, b"\0\x01\0\0\0\0", CC, 6), (0x1E, None, SLI, 200)]))
    both = run_ckd_both(tmp_path, ch.image(), "2311", 2, 4, 8)
    both.assert_same()
    for i in chains:
        at = ch.reads[i][1]
        assert b"NBR1" not in bytes(both.vm.mem[at:at + 200])
    assert logged(both.vm, 2 * chains[2]).end[2] == CE_DE | UNIT_CHECK
    assert both.sense(ch, chains[2])[0] == SEEK_CHECK_REJECT


def test_a_ckd_minidisk_at_cylinder_0_of_the_whole_volume_is_the_volume(tmp_path):
    # start 0, every cylinder: the view is the real volume itself.
    ch = Chains(DISK)
    ch.chain(format_chain(0, 1, [(b"", b"ONE")]))
    ch.chain([(0x02, None, SLI, 24)])                    # READ IPL: record 1 of 0/0
    both = run_ckd_both(tmp_path, ch.image(), "2314", 4, 0, 4)
    both.assert_same()
    with open_image(str(both.real), readonly=True) as r, \
            open_image(str(both.native), readonly=True) as n:
        for c in range(4):
            for h in range(r.heads):
                assert r.read_track(c, h) == n.read_track(c, h)


# --- random CKD channel programs: equivalence and isolation -----------------
_CKD_COMMANDS = [0x07, 0x0B, 0x1B, 0x13, 0x1F, 0x19, 0x15, 0x1D, 0x05, 0x0D, 0x11,
                 0x31, 0x51, 0x71, 0xB1, 0xD1, 0xF1, 0x29, 0x49, 0x69, 0xA9, 0x39, 0xB9,
                 0x1A, 0x9A, 0x16, 0x12, 0x92, 0x06, 0x86, 0x0E, 0x8E, 0x1E, 0x9E, 0x5E,
                 0x02, 0x04, 0x03, 0x22, 0x23, 0xB4, 0x94]


@st.composite
def ckd_argument(draw: st.DrawFn, command: int, cylinders: int, heads: int,
                 start: int) -> bytes:
    """An argument near what the command takes, its cylinder numbers drawn
    from the minidisk's, the real ones around it and beyond."""
    cyl = draw(st.sampled_from([0, 1, cylinders - 1, cylinders, start, start - 1,
                                start + cylinders, 0xFFFF]))
    head = draw(st.integers(0, heads + 1))
    if command in (0x07, 0x0B, 0x1B):
        return draw(st.sampled_from([seek(cyl, head), seek(cyl, head),
                                     b"\0\x01" + seek(cyl, head)[2:], seek(cyl, head)[:4]]))
    if command == 0x1F:
        return bytes([draw(st.sampled_from([0x00, 0x40, 0x80, 0xC0, 0xC8, 0xD0, 0xD8, 0x20]))])
    if command == 0x19:
        return b"\0" + cyl.to_bytes(2, "big") + head.to_bytes(2, "big")
    if command in (0x15, 0x1D):
        kl = draw(st.sampled_from([0, 4]))
        dl = draw(st.sampled_from([0, 8, 60, 300]))
        r = draw(st.integers(0, 3))
        return count_field(cyl, head, r, kl, dl) + draw(st.binary(min_size=kl + dl,
                                                                 max_size=kl + dl))
    if command & 0x7F in (0x31, 0x51, 0x71):
        return cyl.to_bytes(2, "big") + head.to_bytes(2, "big") + bytes([draw(
            st.integers(0, 3))])
    if command & 0x7F == 0x39:
        return cyl.to_bytes(2, "big") + head.to_bytes(2, "big")
    if command & 0x7F in (0x29, 0x49, 0x69):
        return draw(st.sampled_from([b"KEY1", b"\0\0\0\0", b"NBR1"]))
    return draw(st.binary(max_size=40))


@st.composite
def ckd_chains(draw: st.DrawFn, cylinders: int, heads: int,
               start: int) -> list[list[tuple[int, bytes | int | None, int, int]]]:
    """A few chains of random CKD commands (a seek first, mostly), TIC loops
    after searches included."""
    out = []
    numbers = [0, 1, cylinders - 1, cylinders, start, start - 1, start + cylinders, 0xFFFF]
    for _ in range(draw(st.integers(1, 5))):
        chain: list[tuple[int, bytes | int | None, int, int]] = []
        c, h = draw(st.integers(0, cylinders)), draw(st.integers(0, heads - 1))
        kind = draw(st.sampled_from(["format", "update", "random"]))
        if kind == "format":
            # A track formatted: its home address, R0 and records with counts
            # naming the minidisk's cylinder or real ones around it.
            named = draw(st.sampled_from([c, c, *numbers]))
            records = draw(st.lists(st.tuples(st.sampled_from([b"", b"KEY1", b"NBR1"]),
                                              st.binary(min_size=1, max_size=300)),
                                    min_size=1, max_size=4))
            chain = format_chain(c, h, records)
            for k, (command, argument, flags, n) in enumerate(chain):
                if command in (0x19, 0x15, 0x1D) and isinstance(argument, bytes):
                    at = 1 if command == 0x19 else 0
                    argument = argument[:at] + named.to_bytes(2, "big") + argument[at + 2:]
                    chain[k] = (command, argument, flags | CC, n)
        elif kind == "update":
            # SEARCH ID EQUAL / TIC, then a write that needs it.
            chain = [(0x07, seek(c, h), CC, 6),
                     (0x1F, bytes([draw(st.sampled_from([0x00, 0x80, 0xC0, 0x40]))]), CC, 1),
                     (0x31, seek(c, h)[2:] + bytes([draw(st.integers(0, 2))]), CC, 5),
                     (0x08, 2, 0, 0)]
            command = draw(st.sampled_from([0x05, 0x0D, 0x1D, 0x11]))
            argument = draw(ckd_argument(0x1D, cylinders, heads, start)) \
                if command == 0x1D else draw(st.binary(min_size=1, max_size=120))
            chain.append((command, argument, CC | SLI, len(argument)))
        else:
            chain.append((0x07, seek(c, h), CC, 6))
        for _ in range(draw(st.integers(0 if kind != "random" else 1, 4))):
            command = draw(st.sampled_from(_CKD_COMMANDS))
            flags = draw(st.sampled_from([CC, CC | SLI, SLI | CC]))
            if command in (0x07, 0x0B, 0x1B, 0x1F, 0x19, 0x15, 0x1D, 0x31, 0x51, 0x71,
                           0xB1, 0xD1, 0xF1, 0x29, 0x49, 0x69, 0xA9, 0x39, 0xB9, 0x05,
                           0x0D, 0x11, 0x23):
                argument = draw(ckd_argument(command, cylinders, heads, start))
                if command in (0x05, 0x0D, 0x11, 0x23):
                    argument = draw(st.binary(min_size=1, max_size=80))
                chain.append((command, argument, flags, max(len(argument), 1)))
                if command & 0x7F in (0x31, 0x29, 0x39, 0x51, 0x49) and draw(st.booleans()):
                    chain.append((0x08, len(chain) - 1, 0, 0))
            else:
                chain.append((command, None, flags, draw(st.sampled_from([5, 8, 16, 120,
                                                                          600]))))
        last = chain[-1]
        if last[0] != 0x08:
            chain[-1] = (last[0], last[1], last[2] & ~CC, last[3])
        out.append(chain)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_ckd_programs_on_a_minidisk_run_as_natively_and_stay_on_it(data):
    # One VM's random channel programs on its minidisk (cylinders 2-4 of a
    # real 2311 of 8 cylinders) while a second VM reads its own minidisk (the
    # cylinders after it): the first VM ends as natively on a 2311 of 3
    # cylinders, the tracks alike; the real volume outside its minidisk is
    # unchanged byte for byte; the neighbour reads its own track 0/0.
    cylinders, heads, start = 3, 10, 2
    ch = Chains(DISK)
    for chain in data.draw(ckd_chains(cylinders, heads, start)):
        ch.chain(chain)
    neighbour = Chains(DISK)
    probe = neighbour.chain([(0x07, seek(0, 0), CC, 6), (0x1A, None, CC, 5),
                             (0x1E, None, SLI, 96)])
    folder = Path(tempfile.mkdtemp(prefix="ckd-iso-"))
    try:
        both = run_ckd_both(folder, ch.image(), "2311", cylinders, start, 8, steps=100_000,
                            neighbour=neighbour.image())
        both.assert_same()
        assert both.other is not None
        home, record = neighbour.reads[probe][1:3]
        assert bytes(both.other.mem[home:home + 5]) == bytes(5)    # its own 0/0
        assert bytes(both.other.mem[record + 8:record + 12]) == b"NBR1"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_ckd_isolation_check_finds_a_view_that_lets_a_seek_through(tmp_path,
                                                                       monkeypatch):
    # The check of the test above is not vacuous: a minidisk view whose bound is
    # one cylinder too far lets a guest write on the neighbour's first cylinder.
    original = CKDMinidisk.__init__

    def wider(self: CKDMinidisk, real: Any, start: int, cylinders: int) -> None:
        original(self, real, start, cylinders)
        self.cylinders = cylinders + 1

    ch = Chains(DISK)
    ch.chain(format_chain(3, 0, [(b"", b"LEAK")]))
    img = ch.image()
    real, _ = ckd_volumes(tmp_path, "2311", 3, 2, 8)
    before = real.read_bytes()
    monkeypatch.setattr(CKDMinidisk, "__init__", wider)
    cp = VMCP(real_storage=M)
    cp.attach_real_ckd(REAL_CKD, real)
    cp.create_vm(img, GUEST, max_steps=100_000, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=2, cylinders=3)])
    cp.run()
    cp.close()
    lo, hi = slot_range(real, 2, 5)
    after = real.read_bytes()
    assert after[:lo] == before[:lo] and after[hi:] != before[hi:]


# --- directory, VMCP and configuration checks ----------------------------------
def test_ckd_minidisks_that_overlap_or_leave_the_volume_are_refused(tmp_path):
    real = tmp_path / "r.ckd"
    create(str(real), "2311", cylinders=6)
    cp = VMCP(real_storage=M)
    cp.attach_real_ckd(REAL_CKD, real)
    a = cp.create_vm(b"", GUEST, name="a", devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=1, cylinders=2)])
    for start, cylinders, message in ((2, 2, "overlap a minidisk of a"),
                                      (5, 2, "are not on the real 2311"),
                                      (4, 3, "cylinders 4-6 are not on the real 2311")):
        with pytest.raises(VMCPError, match=message):
            cp.create_vm(b"", GUEST, name="b", devices=[
                VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=start,
                              cylinders=cylinders)])
    with pytest.raises(VMCPError, match="no real CKD volume at 130"):
        cp.create_vm(b"", GUEST, name="c", devices=[
            VirtualDevice(DISK, "MDISK", real=0x130, start=0, cylinders=1)])
    with pytest.raises(VMCPError, match="no real 3370 at 240"):
        cp.create_vm(b"", GUEST, name="d", devices=[
            VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=0, blocks=1)])
    cp.destroy_vm(a)                # its cylinders are free again
    cp.create_vm(b"", GUEST, name="e", devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=0, cylinders=6)])
    with pytest.raises(VMCPError, match="is a 2311 image, not a 3350"):
        cp.attach_real_ckd(0x241, real, "3350")
    cp.close()


def _ckd_directory(tmp_path: Path, disk: str, devices: list[str]) -> Path:
    (tmp_path / "p.asm").write_text("P        START 0\n         DC    X'000A0000',A(0)\n"
                                    "         END\n")
    text = disk + "".join(
        f'[[vm]]\nname = "v{i}"\nprogram = "p.asm"\nstorage = "64K"\n' + d
        for i, d in enumerate(devices))
    path = tmp_path / "d.toml"
    path.write_text(text)
    return path


_CKD_DISK = '[[disk]]\naddress = "240"\ntype = "2311"\nfile = "r.ckd"\n'
_MD = '  [[vm.device]]\n  address = "150"\n  type = "MDISK"\n  disk = "240"\n'


@pytest.mark.parametrize("disk, devices, line, message", [
    (_CKD_DISK, [_MD + "  start = 0\n  cylinders = 3\n", _MD + "  start = 2\n  cylinders = 2\n"],
     24, "cylinders 2-3 of disk 240 overlap the minidisk at line 9"),
    (_CKD_DISK, [_MD + "  start = 4\n  cylinders = 3\n"], 14,
     "cylinders 4-6 are not on disk 240 (2311, 6 cylinders)"),
    (_CKD_DISK, [_MD + "  start = 0\n  blocks = 3\n"], 14,
     "disk 240 is a 2311: a minidisk of it has cylinders, not blocks"),
    (_CKD_DISK.replace("2311", "3350"), [], 4, "file 'r.ckd': a 2311 image, not a 3350"),
    (_CKD_DISK.replace("2311", "3351"), [], 3, "type '3351': a disk is a 3370 or one of"),
    (_CKD_DISK, ['  [[vm.device]]\n  address = "150"\n  type = "2311"\n  file = "r.ckd"\n'],
     9, "a VM's disk is a minidisk"),
    (_CKD_DISK.replace("r.ckd", "x.img").replace('type = "2311"', 'type = "3370"') + "", [
        '  [[vm.device]]\n  address = "150"\n  type = "MDISK"\n  disk = "240"\n'
        '  cylinders = 1\n'], 13, "disk 240 is a 3370: a minidisk of it has blocks"),
])
def test_a_bad_ckd_minidisk_in_the_directory_is_one_line_with_its_place(
        tmp_path, disk, devices, line, message):
    create(str(tmp_path / "r.ckd"), "2311", cylinders=6)
    (tmp_path / "x.img").write_bytes(bytes(512 * 8))
    path = _ckd_directory(tmp_path, disk, devices)
    with pytest.raises(VMIOError) as e:
        load_directory(path)
    assert str(e.value).startswith(f"{path}:{line}: "), str(e.value)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_a_directory_gives_ckd_minidisks_a_dedicated_tape_and_a_tape_of_its_own(
        tmp_path, capsys):
    # VM v0: cylinders 0-2 of the real 2311 and the real tape unit 580 dedicated
    # to it at 181; VM v1: cylinders 3-5 and a tape unit on its own file.  Each
    # formats track 1/0 of its minidisk with a record of its own and writes a
    # block on its tape.
    create(str(tmp_path / "r.ckd"), "2311", cylinders=6)
    for name in ("v0", "v1"):
        ch = Chains(DISK)
        ch.chain(format_chain(1, 0, [(b"", f"{name} DISK".encode())]))
        ch.chain([(0x01, f"{name} TAPE".encode(), 0, 7)], TAPE)
        (tmp_path / f"{name}.bin").write_bytes(ch.image())
    vm = '[[vm]]\nname = "{0}"\nprogram = "{0}.bin"\nstorage = "64K"\nmax_steps = 50000\n'
    d = tmp_path / "d.toml"
    d.write_text(_CKD_DISK + '[[tape]]\naddress = "580"\nfile = "real.aws"\n'
                 + vm.format("v0") + _MD + "  start = 0\n  cylinders = 3\n"
                 '  [[vm.device]]\n  address = "181"\n  type = "TAPE"\n  tape = "580"\n'
                 + vm.format("v1") + _MD + "  start = 3\n  cylinders = 3\n"
                 '  [[vm.device]]\n  address = "181"\n  type = "3420"\n  file = "own.aws"\n')
    directory = load_directory(d)
    assert directory.ckd == {0x240: ("2311", 6)}
    assert directory.dedicated == {0x580: ("v0", 22)}
    devices = directory.vms[1].devices
    assert (devices[0].start, devices[0].cylinders) == (3, 3)
    assert devices[1].type_name == "3420" and devices[1].tape["path"] == tmp_path / "own.aws"
    assert main(["vmcp", "--directory", str(d)]) == 0
    capsys.readouterr()
    assert b"v0 TAPE" in (tmp_path / "real.aws").read_bytes()
    assert b"v1 TAPE" in (tmp_path / "own.aws").read_bytes()
    with open_image(str(tmp_path / "r.ckd"), readonly=True) as r:
        assert b"v0 DISK" in r.read_track(1, 0) and b"v1 DISK" in r.read_track(4, 0)
        assert r.read_track(4, 0)[21:29] == count_field(1, 0, 1, 0, 7)   # the guest's


def test_a_tape_dedicated_to_two_vms_or_not_in_the_directory_is_one_line(tmp_path):
    (tmp_path / "p.asm").write_text("P        START 0\n         DC    X'000A0000',A(0)\n"
                                    "         END\n")
    vm = '[[vm]]\nname = "{0}"\nprogram = "p.asm"\n'
    dev = '  [[vm.device]]\n  address = "181"\n  type = "TAPE"\n  tape = "{0}"\n'
    tape = '[[tape]]\naddress = "580"\nfile = "real.aws"\n'
    for text, line, message in (
            (tape + vm.format("a") + dev.format("580") + vm.format("b") + dev.format("580"),
             17, "tape 580 is dedicated to VM a at line 10: a tape unit goes to one VM"),
            (tape + vm.format("a") + dev.format("581"), 10,
             "tape 581: not a [[tape]] of the directory"),
            (tape + '[[tape]]\naddress = "580"\nfile = "other.aws"\n', 5,
             "address 580 already configured at line 2")):
        (tmp_path / "d.toml").write_text(text)
        with pytest.raises(VMIOError) as e:
            load_directory(tmp_path / "d.toml")
        assert str(e.value).startswith(f"{tmp_path / 'd.toml'}:{line}: "), str(e.value)
        assert message in str(e.value)


# --- tapes ------------------------------------------------------------------------
def tape_program() -> Chains:
    ch = Chains(TAPE)
    ch.chain([(0x01, b"FIRST BLOCK", CC, 11), (0x1F, None, CC, 1),
              (0x01, b"SECOND" * 20, 0, 120)])
    ch.chain([(0x07, None, 0, 1)])                       # rewind
    ch.chain([(0x02, None, SLI, 40)])                    # FIRST BLOCK
    ch.chain([(0x02, None, 0, 40)])                      # the tape mark: unit exception
    ch.chain([(0x02, None, 0, 100)])                     # incorrect length
    ch.chain([(0x27, None, CC, 1), (0x0C, None, SLI, 120)])  # backspace, read backward
    ch.chain([(0x3F, None, 0, 1)])                       # past the end: unit check
    ch.chain([(0x0F, None, 0, 1)])                       # rewind unload
    ch.chain([(0x02, None, 0, 8)])                       # not ready: intervention
    return ch


def test_an_attached_tape_runs_as_natively(tmp_path):
    img = tape_program().image()
    m = start_machine(img, GUEST)
    channels = ChannelSubsystem(m)
    channels.attach(TAPE, Tape3420(tmp_path / "native.aws"))
    m.channels = channels
    m.interruption_log = []
    m.run(50_000)
    channels.close()
    cp = VMCP(real_storage=M)
    tape = cp.attach_real_tape(REAL_TAPE, tmp_path / "vm.aws")
    vm = cp.create_vm(img, GUEST, max_steps=50_000,
                      devices=[VirtualDevice(TAPE, "TAPE", real=REAL_TAPE)])
    vm.interruption_log = []
    cp.run()
    cp.release_spool(vm)
    assert cp.real.channels is not None
    assert cp.real.channels.subchannels[REAL_TAPE].device is tape    # back to the VMCP
    cp.close()
    diff = differences(m, vm)
    assert not diff, "\n".join(diff)
    assert (tmp_path / "vm.aws").read_bytes() == (tmp_path / "native.aws").read_bytes()
    assert b"SECOND" in (tmp_path / "vm.aws").read_bytes()
    assert logged(vm, 6).end[2] == CE_DE | UNIT_EXCEPTION      # the tape mark
    rejected = logged(vm, 16)                    # intervention required: CC 1, unit check
    assert rejected.cc == 1 and rejected.sio[2] == UNIT_CHECK


def test_a_tape_is_attached_to_one_vm_at_a_time(tmp_path):
    cp = VMCP(real_storage=M)
    cp.attach_real_tape(REAL_TAPE, tmp_path / "t.aws")
    a = cp.create_vm(b"", GUEST, name="a",
                     devices=[VirtualDevice(TAPE, "TAPE", real=REAL_TAPE)])
    with pytest.raises(VMCPError, match="tape 580 is attached to a"):
        cp.create_vm(b"", GUEST, name="b", devices=[VirtualDevice(TAPE, "TAPE",
                                                                  real=REAL_TAPE)])
    with pytest.raises(VMCPError, match="no real tape unit at 581"):
        cp.create_vm(b"", GUEST, name="c", devices=[VirtualDevice(TAPE, "TAPE", real=0x581)])
    cp.destroy_vm(a)                          # detached: the tape stays open for the next
    b = cp.create_vm(tape_program().image(), GUEST, name="b", max_steps=50_000,
                     devices=[VirtualDevice(TAPE, "TAPE", real=REAL_TAPE)])
    cp.run()
    cp.close()
    assert logged(b, 0).end[2] == CE_DE
    assert b"FIRST BLOCK" in (tmp_path / "t.aws").read_bytes()


def test_a_configuration_with_a_ckd_disk_and_a_tape_runs_under_the_vmcp_as_natively(
        tmp_path):
    # configured_guest: the 2311 a real volume and a whole-volume minidisk, the
    # 3420 a real tape attached to the VM; the files end as the native run's.
    ch = Chains(DISK)
    ch.chain(format_chain(1, 2, [(b"K", b"DATA" * 10)]))
    ch.chain([(0x07, seek(1, 2), CC, 6), (0x1E, None, SLI, 60)])
    ch.chain([(0x07, seek(6, 0), 0, 6)])                       # beyond the volume
    ch.chain([(0x01, b"TAPE BLOCK", 0, 10)], TAPE)
    img = ch.image()
    results = {}
    for mode in ("native", "vmcp"):
        folder = tmp_path / mode
        folder.mkdir()
        create(str(folder / "d.ckd"), "2311", cylinders=6)
        (folder / "c.toml").write_text(
            '[[device]]\naddress = "150"\ntype = "2311"\nfile = "d.ckd"\n'
            '[[device]]\naddress = "181"\ntype = "3420"\nfile = "t.aws"\n')
        config = load_configuration(folder / "c.toml")
        if mode == "native":
            cpu: Any = config.start(img, GUEST)
            cpu.interruption_log = []
            cpu.run(100_000)
            assert cpu.channels is not None
            cpu.channels.close()
        else:
            cp, cpu = configured_guest(config, img, GUEST, max_steps=100_000)
            cpu.interruption_log = []
            cp.run()
            cp.close()
        results[mode] = (cpu, (folder / "d.ckd").read_bytes(), (folder / "t.aws").read_bytes())
    diff = differences(results["native"][0], results["vmcp"][0])
    assert not diff, "\n".join(diff)
    assert results["native"][1:] == results["vmcp"][1:]
    assert b"TAPE BLOCK" in results["vmcp"][2]
    vm = results["vmcp"][0]
    assert logged(vm, 4).end[2] == CE_DE | UNIT_CHECK           # seek to cylinder 6


def test_a_compressed_real_volume_is_flushed_and_closed_when_the_vmcp_closes(tmp_path):
    # The CCKD header's "opened" bit (byte 3 of the compressed-device header,
    # X'80', reference/io/dasd.py) is on while the image is open for writing
    # and off once it is flushed and closed.
    real = tmp_path / "r.cckd"
    create(str(real), "2314", cylinders=4, compress="zlib")
    ch = Chains(DISK)
    ch.chain(format_chain(0, 3, [(b"", b"KEPT" * 20)]))
    cp = VMCP(real_storage=M)
    cp.attach_real_ckd(REAL_CKD, real, "2314")
    cp.create_vm(ch.image(), GUEST, max_steps=50_000, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=1, cylinders=2)])
    cp.run()
    assert real.read_bytes()[512 + 3] & 0x80          # written, not yet closed
    cp.close()
    assert not real.read_bytes()[512 + 3] & 0x80
    with open_image(str(real), readonly=True) as v:
        assert b"KEPT" * 20 in v.read_track(1, 3)
        v.check_tables()


def test_ipl_from_a_ckd_minidisk_as_natively(tmp_path):
    # A new volume's IPL records (reference/io/dasd.py ``create``, as dasdinit
    # writes them): READ IPL of cylinder 0 head 0 record 1, natively and from the
    # minidisk of cylinders 2-4 of a larger volume whose cylinder 0 was copied
    # there.
    create(str(tmp_path / "n.ckd"), "3350", cylinders=3)
    create(str(tmp_path / "r.ckd"), "3350", cylinders=6)
    with open_image(str(tmp_path / "n.ckd"), readonly=True) as n, \
            open_image(str(tmp_path / "r.ckd")) as r:
        view = CKDMinidisk(r, 2, 3)
        for h in range(n.heads):
            view.write_track(0, h, n.read_track(0, h))
    m = Machine(GUEST)
    channels = ChannelSubsystem(m)
    channels.attach(DISK, CKDDevice(open_image(str(tmp_path / "n.ckd"))))
    m.channels = channels
    assert channels.ipl(DISK) is None
    m.interruption_log = []
    m.run(1000)
    channels.close()
    cp = VMCP(real_storage=M)
    cp.attach_real_ckd(REAL_CKD, tmp_path / "r.ckd", "3350")
    vm = cp.create_vm(b"", GUEST, max_steps=1000, ipl=DISK, devices=[
        VirtualDevice(DISK, "MDISK", real=REAL_CKD, start=2, cylinders=3)])
    vm.interruption_log = []
    cp.run()
    cp.close()
    diff = differences(m, vm)
    assert not diff, "\n".join(diff)
    assert vm.stop_reason == "disabled-wait" and bytes(vm.mem[2:4]) == DISK.to_bytes(2, "big")
    with open_image(str(tmp_path / "r.ckd"), readonly=True) as r:
        assert r.read_track(2, 0)[1:5] == b"\0\x02\0\0"       # the real home address


_TAPE_COMMANDS = [0x01, 0x01, 0x02, 0x02, 0x0C, 0x1F, 0x17, 0x07, 0x37, 0x27, 0x3F, 0x2F,
                  0xC3, 0x03, 0x04, 0x0F, 0xFF]


@st.composite
def tape_chains(draw: st.DrawFn) -> list[list[tuple[int, bytes | int | None, int, int]]]:
    out = []
    for _ in range(draw(st.integers(1, 8))):
        chain: list[tuple[int, bytes | int | None, int, int]] = []
        for _ in range(draw(st.integers(1, 3))):
            command = draw(st.sampled_from(_TAPE_COMMANDS))
            flags = draw(st.sampled_from([CC, CC | SLI]))
            if command == 0x01:
                block = draw(st.binary(min_size=1, max_size=90))
                chain.append((command, block, flags, len(block)))
            else:
                chain.append((command, None, flags, draw(st.sampled_from([1, 8, 24, 100]))))
        last = chain[-1]
        chain[-1] = (last[0], last[1], last[2] & ~CC, last[3])
        out.append(chain)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(chains=tape_chains(), attached=st.booleans(), existing=st.booleans())
def test_random_tape_programs_run_as_natively(chains, attached, existing):
    # Random chains of 3420 commands on a new tape or one with two blocks and a
    # tape mark, natively and on an attached real tape unit or a virtual one on
    # its own file: the same state, CSWs and sense bytes, the same tape file.
    ch = Chains(TAPE)
    for chain in chains:
        ch.chain(chain)
    img = ch.image()
    folder = Path(tempfile.mkdtemp(prefix="tape-"))
    try:
        for name in ("native.aws", "vm.aws"):
            if existing:
                # AWS: length LE16, previous length LE16, flags (X'A0' a block,
                # X'40' a tape mark), 0.
                (folder / name).write_bytes(bytes.fromhex("0300 0000 A000") + b"ONE"
                                            + bytes.fromhex("0000 0300 4000")
                                            + bytes.fromhex("0300 0000 A000") + b"TWO")
        m = start_machine(img, GUEST)
        channels = ChannelSubsystem(m)
        channels.attach(TAPE, Tape3420(folder / "native.aws"))
        m.channels = channels
        m.interruption_log = []
        m.run(50_000)
        channels.close()
        cp = VMCP(real_storage=M)
        if attached:
            cp.attach_real_tape(REAL_TAPE, folder / "vm.aws")
            device = VirtualDevice(TAPE, "TAPE", real=REAL_TAPE)
        else:
            device = VirtualDevice(TAPE, "3420", tape={"path": folder / "vm.aws"})
        vm = cp.create_vm(img, GUEST, max_steps=50_000, devices=[device])
        vm.interruption_log = []
        cp.run()
        cp.close()
        diff = differences(m, vm)
        assert not diff, "\n".join(diff)
        assert (folder / "vm.aws").read_bytes() == (folder / "native.aws").read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


HALTED_WRITE = """\
T        START 0
         USING T,0
         DC    X'00000000',A(BEGIN)
         ORG   T+X'200'
BEGIN    LA    3,X'181'
         MVC   X'48'(4,0),CAW
         SIO   0(3)
         HIO   0(3)
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)
CAW      DC    A(CHAIN)
         DS    0D
CHAIN    DC    X'01',AL3(DATA),X'0000',H'1'     WRITE, 1 byte
DATA     DC    C'A'
         END
"""


def test_an_attached_tape_halted_at_once_leaves_its_interruption_pending_as_natively(
        tmp_path):
    # HALT I/O right after START I/O: the write is still in progress (it lasts
    # longer than one instruction), so HIO ends it at once and an interruption
    # condition (channel end, device end) stays pending at the subchannel
    # (GA22-7000 ch.13 "Halt I/O").  The guest stops disabled, so it is still
    # pending at the end, natively and for the VM that had the tape attached.
    source = tmp_path / "halt.asm"
    source.write_text(HALTED_WRITE)
    image = assemble(HALTED_WRITE, "halt.asm").image
    config_file = tmp_path / "tape.toml"
    config_file.write_text(f'[[device]]\naddress = "181"\ntype = "3420"\n'
                           f'file = "{tmp_path / "reel.aws"}"\n')
    states = []
    for mode in ("native", "vmcp"):
        (tmp_path / "reel.aws").unlink(missing_ok=True)
        cpu, stop, _ = configured_run(image, 64 * 1024, 1000,
                                      load_configuration(str(config_file)), mode,
                                      tmp_path / mode)
        assert stop == "disabled-wait"
        states.append(cpu.state())
    assert any(p.startswith("io:0181:") for p in states[0].pending)
    assert states[0] == states[1]
