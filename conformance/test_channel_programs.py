"""Channel programs natively and under the VMCP (Hypothesis).

``conformance.strategies.channel_programs`` generates a guest that starts one channel
program, valid or not (any command code, count zero, flag bits 38-39, TIC and TIC to
TIC, data addresses beyond storage, IDA with bad IDAWs, CD, CC, SKIP, SLI, PCI, a
random CAW key and storage keys), on a device of one configuration: a 3215 console
with one line of operator input, a 2540 reader with a four-card deck, a 2540 punch, a
1403 printer and a 3370 disk of 16 blocks (``CHANNEL_DEVICES``), waits for its end
(enabled for the I/O interruption, or in a TEST I/O loop), records the condition
codes, CSWs and interruptions, and stops.

The property: run natively and under the VMCP (the reference's two modes) with the
same devices, each in a directory of its own, the two runs end in the same state
(``CPU.state()``: registers, PSW, storage, keys, timers, the pending interruption
conditions, the instruction count) with the same interruptions, and the devices hold
the same: the console, printer and punch files and the disk image.  Nothing may
raise a Python exception, whatever the program: an invalid one ends in an
architected check.  For a program whose CAW or first CCW is invalid (GA22-7000-4
ch.12: invalid CAW format or CCW address, TIC first, an invalid command code, a count
of zero, bits 38-39) the test also checks that START I/O gave CC 1 with a program (or
protection) check in the CSW and no unit status (the model reports these errors at
START I/O: docs/configuration.md).

``test_ckd_and_tape_channel_programs_end_architected``: the same guest with a
channel program for a 3350 CKD disk (a small volume whose tracks ``CKD_TRACKS`` hold
records) or a 3420 tape (a reel of ``TAPE_BLOCKS``): ``ckd_chains`` (SEEK, SET FILE
MASK, SEARCH ID/KEY/HA with a TIC back to it, reads and writes) and ``tape_chains``
(write, read, read backward, tape marks, rewind, spacing, sense), or any CCWs.  It
ends in an architected outcome natively (the guest in its wait, its interruptions
the device's with status, the tape file and every track valid), two fresh native
runs agree (state, interruptions, tracks, tape), and under the VMCP, when it gives
a VM a CKD minidisk and a tape (``vmcp_takes_ckd_and_tape``), the run is the native
one with the same tracks and tape.

``test_the_property_finds_a_wrong_minidisk`` and
``test_the_property_finds_a_wrong_test_io`` show the property can fail: against a
VMCP whose minidisks relocate to the wrong real block, or whose TEST I/O does not ask
the channel, ``hypothesis.find`` comes up with a program that tells them apart.

Only the reference takes device configurations (``takes_devices``): other
implementations are skipped.  The Hypothesis profile is the suite's (``ci``: 100
examples, derandomized; the file runs in a few seconds).
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from reference.asm.assembler import assemble
from reference.io.config import load_configuration
from reference.io.dasd import Record, build_track, create, open_image, parse_track
from reference.io.tape import TapeFile, scan_tape
from reference.vm import vmio
from reference.vm.simulate import SIMULATIONS, Simulation

from .comparison import differences
from .corpus import Program, check, programs, report
from .expectations import ExpectationError, load
from .implementations import DeviceSetupError, Implementation, Outcome, Reference, takes_devices
from .strategies import (
    CHANNEL_DEVICES,
    CHANNEL_DISK_BLOCKS,
    CHANNEL_STORAGE,
    channel_programs,
)
from .strategies.channel import CKD_CYLINDERS, CKD_HEADS, CKD_TRACKS, TAPE_BLOCKS

STEPS = 3000
DECK = ["CARD ONE", "CARD TWO: THE QUICK BROWN FOX", "", "LAST CARD (4)"]
REPLY = "OPERATOR REPLY"
OUTPUTS = {CHANNEL_DEVICES["3215"]: "console.txt", CHANNEL_DEVICES["2540P"]: "punch.txt",
           CHANNEL_DEVICES["1403"]: "print.txt", CHANNEL_DEVICES["3370"]: "disk.img"}
CONFIGURATION = f"""\
[[device]]
address = "{CHANNEL_DEVICES['3215']:03X}"
type = "3215"
input = "console.in"
output = "console.txt"

[[device]]
address = "{CHANNEL_DEVICES['2540R']:03X}"
type = "2540R"
file = "deck.txt"

[[device]]
address = "{CHANNEL_DEVICES['2540P']:03X}"
type = "2540P"
file = "punch.txt"

[[device]]
address = "{CHANNEL_DEVICES['1403']:03X}"
type = "1403"
file = "print.txt"

[[device]]
address = "{CHANNEL_DEVICES['3370']:03X}"
type = "3370"
file = "disk.img"
"""


def disk_image() -> bytes:
    """16 blocks; every byte of block b is b * X'11' (block 0 X'00', block 1 X'11',
    ... block 15 X'FF'), so that a block read from the wrong place shows."""
    return b"".join(bytes([(b * 0x11) & 0xFF]) * 512 for b in range(CHANNEL_DISK_BLOCKS))


def run_with_devices(impl: Any, source: str, mode: str) -> tuple[Outcome, dict[int, bytes]]:
    """Run the generated program in ``mode`` with the devices of CONFIGURATION in a
    new directory; returns the outcome and what each output device and the disk
    hold at the end."""
    image = assemble(source, "<generated>").image
    with tempfile.TemporaryDirectory(prefix="s370-channel-") as tmp:
        work = Path(tmp)
        (work / "deck.txt").write_text("\n".join(DECK) + "\n")
        (work / "console.in").write_text(REPLY + "\n")
        (work / "disk.img").write_bytes(disk_image())
        (work / "machine.toml").write_text(CONFIGURATION)
        config = load_configuration(work / "machine.toml")
        out = impl.run_configured(image, CHANNEL_STORAGE, STEPS, mode, config, None)
        files = {a: (work / name).read_bytes() for a, name in OUTPUTS.items()}
    return out, files


def channel_discrepancies(source: str, impl: Any, mode: str) -> list[str]:
    """What differs between the native reference run and ``impl``'s run in ``mode``:
    the state and interruptions (conformance.comparison.differences), then the devices."""
    native, native_files = run_with_devices(Reference(), source, "native")
    got, files = run_with_devices(impl, source, mode)
    out = differences(native, got)
    for address, data in sorted(native_files.items()):
        other = files[address]
        if data != other:
            i = next((i for i in range(min(len(data), len(other))) if data[i] != other[i]),
                     min(len(data), len(other)))
            out.append(f"device {address:03X} ({OUTPUTS[address]}) at {i:X}: "
                       f"{data[i:i + 16]!r} vs {other[i:i + 16]!r}")
    return out


def _modes_to_compare(impl: Implementation, modes: tuple[str, ...]) -> list[str]:
    if not takes_devices(impl):
        pytest.skip(f"{impl.name} takes no device configurations (the adapter protocol "
                    f"has no devices)")
    if isinstance(impl, Reference):
        return [m for m in modes if m != "native"]
    return list(modes)


def definitely_invalid_start(image: bytes) -> bool:
    """Whether the CAW or the first CCW of the generated program is invalid in a way
    the channel must report (GA22-7000-4 ch.12 "Channel Address Word", "Program
    Check"): CAW bits 4-7 not zero, a command address not on a doubleword or beyond
    storage; the first CCW a TIC, with an invalid command code (bits 4-7 zero), a
    count of zero or bits 38-39 not zero."""
    caw = int.from_bytes(image[0x800:0x804], "big")
    at = caw & 0xFFFFFF
    if caw & 0x0F000000 or at & 7 or at + 8 > CHANNEL_STORAGE:
        return True
    ccw = image[at:at + 8] if at + 8 <= len(image) else bytes(8)
    command, flags, count = ccw[0], ccw[4], int.from_bytes(ccw[6:8], "big")
    return command & 0x0F in (0x00, 0x08) or bool(flags & 0x03) or count == 0


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=channel_programs())
def test_channel_programs_run_as_on_the_reference_machine(source, s370_impl, s370_modes):
    note(source)
    for mode in _modes_to_compare(s370_impl, s370_modes):
        diff = channel_discrepancies(source, s370_impl, mode)
        assert not diff, "\n".join(diff)
    image = assemble(source, "<generated>").image
    device = int.from_bytes(image[0x804:0x808], "big")     # the strategy's storage map
    if device != CHANNEL_DEVICES["none"] and definitely_invalid_start(image):
        out, _ = run_with_devices(Reference(), source, "native")
        result = out.read(0xB00, 16)          # BALR after SIO/SIOF, then the CSW
        cc = result[0] >> 4 & 3
        unit, channel = result[12], result[13]
        assert cc == 1, f"START I/O gave CC {cc}, not 1 (CSW stored)"
        assert channel & 0x30 and not unit, f"CSW status {unit:02X}{channel:02X}"


def _found(description: str, **pins: Any) -> str:
    impl = Reference()
    try:
        return find(channel_programs(**pins),
                    lambda source: bool(channel_discrepancies(source, impl, "vmcp")),
                    settings=settings(max_examples=300, derandomize=True, database=None,
                                      deadline=None, phases=[Phase.generate],
                                      suppress_health_check=list(HealthCheck)))
    except NoSuchExample as e:
        pytest.fail(f"the property did not find {description}: {e}")


def test_the_property_finds_a_wrong_minidisk(monkeypatch):
    """A VMCP whose minidisks start one block too far on the real disk: the guest's
    block b is the real block b + 1 (and its last block is beyond the real disk).
    The property finds a disk program that reads or writes the wrong block."""

    original = vmio.Minidisk.__init__

    def misplaced(self: Any, *args: Any, **kw: Any) -> None:
        original(self, *args, **kw)
        self.start_block += 1

    monkeypatch.setattr(vmio.Minidisk, "__init__", misplaced)
    found = _found("a wrong minidisk", device="3370")
    assert f"X'{CHANNEL_DEVICES['3370']:08X}'" in found
    monkeypatch.undo()
    assert not channel_discrepancies(found, Reference(), "vmcp")


def test_the_property_finds_a_wrong_test_io(monkeypatch):
    """A VMCP whose TEST I/O simulation answers CC 0 without asking the channel (as
    if every device were always available): the property finds a program that waits
    in a TEST I/O loop, or tests a device with an interruption pending."""

    def careless_tio(m: Any, b2: int, d2: int) -> None:
        m.cc = 0

    monkeypatch.setitem(SIMULATIONS, "TIO", Simulation(careless_tio))
    found = _found("a wrong TEST I/O", wait="tio")
    monkeypatch.undo()
    assert not channel_discrepancies(found, Reference(), "vmcp")


# ---------------------------------------------------------------------------
# CKD disk and tape
# ---------------------------------------------------------------------------
CKD_ADDRESS, TAPE_ADDRESS = CHANNEL_DEVICES["3350"], CHANNEL_DEVICES["3420"]
# Enough for the slowest chain to end while the guest loops on TEST I/O (five tape
# writes of 2K: the transfer takes the channel's time).
CKD_TAPE_STEPS = 40_000
CKD_TAPE_CONFIGURATION = f"""\
[[device]]
address = "{CKD_ADDRESS:03X}"
type = "3350"
file = "disk.cckd"

[[device]]
address = "{TAPE_ADDRESS:03X}"
type = "3420"
file = "tape.aws"
"""


def aws_reel(blocks: list[bytes | None]) -> bytes:
    """An AWS tape file of ``blocks`` (None: a tape mark), one chunk a block: the
    6-byte header (length LE16, previous length LE16, flags X'A0' a whole block or
    X'40' a tape mark, 0) before each (reference/io/tape.py)."""
    out, previous = bytearray(), 0
    for block in blocks:
        data = block or b""
        out += len(data).to_bytes(2, "little") + previous.to_bytes(2, "little")
        out += bytes([0x40 if block is None else 0xA0, 0]) + data
        previous = len(data)
    return bytes(out)


@functools.cache
def ckd_volume() -> bytes:
    """The 3350 volume of the CKD programs (a compressed image of CKD_CYLINDERS
    cylinders): made by ``dasd.create``, then the tracks of CKD_TRACKS written, each
    record's data all X'C0' + its number."""
    with tempfile.TemporaryDirectory(prefix="s370-ckd-") as tmp:
        path = str(Path(tmp) / "disk.cckd")
        create(path, "3350", "CHN001", "zlib", cylinders=CKD_CYLINDERS)
        with open_image(path) as image:
            for (cyl, head), records in CKD_TRACKS.items():
                image.write_track(cyl, head, build_track(cyl, head, [
                    Record(cyl, head, 0, b"", bytes(8)),
                    *(Record(cyl, head, r, key, bytes([0xC0 + r]) * dl)
                      for r, key, dl in records)]))
        return Path(path).read_bytes()


def volume_tracks(path: Path) -> list[list[Record]]:
    """Every track's records (ValueError: a track that is not a track image)."""
    with open_image(str(path), readonly=True) as image:
        return [parse_track(image.read_track(c, h))
                for c in range(image.cylinders) for h in range(image.heads)]


def run_ckd_tape(impl: Any, source: str, mode: str) -> tuple[Outcome, dict[int, Any]]:
    """Run the generated program in ``mode`` with the CKD disk and the tape of
    CKD_TAPE_CONFIGURATION (the volume ``ckd_volume``, the reel TAPE_BLOCKS) in a new
    directory; returns the outcome and what the devices hold at the end: the
    records of every track, the tape file."""
    image = assemble(source, "<generated>").image
    with tempfile.TemporaryDirectory(prefix="s370-ckd-tape-") as tmp:
        work = Path(tmp)
        (work / "disk.cckd").write_bytes(ckd_volume())
        (work / "tape.aws").write_bytes(aws_reel(TAPE_BLOCKS))
        (work / "machine.toml").write_text(CKD_TAPE_CONFIGURATION)
        config = load_configuration(work / "machine.toml")
        out = impl.run_configured(image, CHANNEL_STORAGE, CKD_TAPE_STEPS, mode, config,
                                  None)
        contents = {CKD_ADDRESS: volume_tracks(work / "disk.cckd"),
                    TAPE_ADDRESS: (work / "tape.aws").read_bytes()}
    return out, contents


@functools.cache
def vmcp_takes_ckd_and_tape() -> bool:
    """Whether the reference's VMCP gives a VM the CKD disk and the tape of
    CKD_TAPE_CONFIGURATION (``s370 run --config --under vmcp``)."""
    try:
        run_ckd_tape(Reference(), "T START 0\n DC X'000A0000',A(0)\n END\n", "vmcp")
    except DeviceSetupError:
        return False
    return True


def architected_end(out: Outcome, contents: dict[int, Any], device: int) -> list[str]:
    """What is not architected in the end of a CKD or tape channel program: the guest
    stops in its disabled wait (the end, or the program new PSW's X'E68'), or in its
    enabled wait when nothing is left to interrupt it (HALT I/O or CLEAR I/O at once
    ended the program: no interruption comes) or at the time limit in that wait (a
    channel program that never ends: a TIC back to a command that chains to it);
    each I/O
    interruption it recorded (the log at X'A00') is the device's and reports status,
    with the CSW's CCW address on a doubleword; the tape file is a valid AWS file;
    every track a valid track image (``volume_tracks`` has parsed them)."""
    problems = []
    if out.stop not in ("disabled-wait", "enabled-wait", "time-limit") or \
            out.psw & 0xFFFFFF not in (0, 0xE68) or \
            out.stop == "time-limit" and not out.psw >> 49 & 1:      # not in a wait
        problems.append(f"stopped {out.stop}, PSW {out.psw:016X}")
    end = out.gpr[9]
    if not 0xA00 <= end <= 0xB00 or end % 16:
        problems.append(f"interruption log ends at {end:X}")
    for at in range(0xA00, min(max(end, 0xA00), 0xB00), 16):
        record = out.read(at, 16)
        address = int.from_bytes(record[0:2], "big")
        csw = record[8:16]
        if address != device:
            problems.append(f"an interruption of {address:03X}, not {device:03X}")
        if not csw[4] and not csw[5]:
            problems.append(f"CSW {csw.hex().upper()}: no status")
        if int.from_bytes(csw[1:4], "big") % 8:
            problems.append(f"CSW {csw.hex().upper()}: CCW address not on a doubleword")
    with tempfile.TemporaryDirectory(prefix="s370-reel-") as tmp:
        reel = Path(tmp) / "tape.aws"
        reel.write_bytes(contents[TAPE_ADDRESS])
        _, problem = scan_tape(reel)
    if problem is not None:
        problems.append(f"tape file: {problem}")
    return problems


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=st.sampled_from(["3350", "3420"]).flatmap(
    lambda device: channel_programs(device=device)))
def test_ckd_and_tape_channel_programs_end_architected(source, s370_impl, s370_modes):
    """A CKD (3350) or tape (3420) channel program (``ckd_chains``, ``tape_chains``, or
    any CCWs) ends in an architected outcome natively: no Python exception, the
    guest in its disabled wait, its I/O interruptions the device's with status, the
    tape file and the tracks valid; two fresh native runs agree (state,
    interruptions, tracks and tape); and under the VMCP, when it gives a VM these
    devices (``vmcp_takes_ckd_and_tape``), the run is the native one."""
    note(source)
    if not takes_devices(s370_impl):
        pytest.skip(f"{s370_impl.name} takes no device configurations")
    image = assemble(source, "<generated>").image
    device = int.from_bytes(image[0x804:0x808], "big")     # the strategy's storage map
    native, contents = run_ckd_tape(Reference(), source, "native")
    problems = architected_end(native, contents, device)
    assert not problems, "\n".join(problems)
    again, contents_again = run_ckd_tape(Reference(), source, "native")
    assert not differences(native, again), "\n".join(differences(native, again))
    assert contents_again == contents, "two native runs left different device contents"
    if definitely_invalid_start(image):
        result = native.read(0xB00, 16)
        assert result[0] >> 4 & 3 == 1 and result[13] & 0x30 and not result[12], \
            f"START I/O of an invalid first CCW: {result.hex().upper()}"
    for mode in _modes_to_compare(s370_impl, s370_modes):
        if mode == "vmcp" and isinstance(s370_impl, Reference) and \
                not vmcp_takes_ckd_and_tape():
            continue
        got, got_contents = run_ckd_tape(s370_impl, source, mode)
        diff = differences(native, got)
        assert not diff, "\n".join(diff)
        assert got_contents == contents, f"{mode}: the devices hold something else"


def test_the_ckd_and_tape_devices_start_as_the_strategy_says():
    volume = volume_tracks_of(ckd_volume())
    heads = CKD_HEADS
    assert len(volume) == CKD_CYLINDERS * heads
    for (cyl, head), records in CKD_TRACKS.items():
        got = volume[cyl * heads + head]
        assert [(r.record, r.key, r.data) for r in got[1:]] == [
            (r, key, bytes([0xC0 + r]) * dl) for r, key, dl in records]
    assert [r.record for r in volume[5]] == [0]                # an empty track: R0
    with tempfile.TemporaryDirectory() as tmp:
        reel = Path(tmp) / "t.aws"
        reel.write_bytes(aws_reel(TAPE_BLOCKS))
        tape = TapeFile(reel, writable=False)
        try:
            kinds = [tape.forward() for _ in range(len(TAPE_BLOCKS) + 1)]
        finally:
            tape.close()
    assert [b.data if b.kind == "data" else b.kind for b in kinds] == [
        *(b if b is not None else "mark" for b in TAPE_BLOCKS), "end"]


def volume_tracks_of(data: bytes) -> list[list[Record]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.cckd"
        path.write_bytes(data)
        return volume_tracks(path)


# ---------------------------------------------------------------------------
# The corpus runner with devices (conformance.corpus, conformance.expectations)
# ---------------------------------------------------------------------------
PRINT_PROGRAM = """\
* Print one line on the 1403 at 00E and stop.
*! [program]
*! storage = "64K"
*! [[device]]
*! address = "00E"
*! type = "1403"
*! file = "print.txt"
*! [[device]]
*! address = "150"
*! type = "3370"
*! file = "disk.img"
*! [expect]
*! stop = "disabled-wait"
*! [expect.output]
*! "00E" = "HELLO\\n"
*! "150" = { bytes = { "0" = "00000000" } }
P        START 0
         DC    X'00000000',A(X'200')
         ORG   P+X'200'
         MVC   X'48'(4,0),X'300'(0)
         SIO   X'00E'(0)
         TIO   X'00E'(0)
         BC    2,X'20A'(0,0)
         LPSW  X'310'(0)
         ORG   P+X'300'
         DC    A(X'320')
         ORG   P+X'310'
         DC    X'000A0000',A(0)
         ORG   P+X'320'
         DC    X'09',AL3(X'328'),X'00',X'00',AL2(5)
         DC    C'HELLO'
         END
"""


def _program_dir(tmp_path: Path, source: str = PRINT_PROGRAM) -> Path:
    (tmp_path / "p.asm").write_text(source)
    (tmp_path / "disk.img").write_bytes(bytes(1024))
    return tmp_path / "p.asm"


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_program_with_devices_meets_its_output_and_leaves_its_directory_alone(
        tmp_path, mode):
    source = _program_dir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    out, misses = check(Program(source), Reference(), mode)
    assert misses == []
    assert out.outputs[0x00E] == b"HELLO\n" and out.outputs[0x150] == bytes(1024)
    assert sorted(p.name for p in tmp_path.iterdir()) == before      # no print.txt here
    assert (tmp_path / "disk.img").read_bytes() == bytes(1024)


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_wrong_device_output_is_a_miss_naming_the_device_and_line(tmp_path, mode):
    source = _program_dir(tmp_path, PRINT_PROGRAM.replace('"HELLO\\n"', '"HELLO\\nX\\n"')
                          .replace('"0" = "00000000"', '"3FE" = "0001"'))
    program = Program(source)
    out, misses = check(program, Reference(), mode)
    assert [(m.field, m.expected, m.actual) for m in misses] == [
        ("output 00E line 2", "'X\\n'", "(end of output)"),
        ("output 150 at 0003FF", "01", "00")]
    text = report(program, Reference(), mode, out, misses)
    assert text.startswith(f"p [reference, {mode}]: output 00E line 2: expected 'X\\n', got "
                           f"(end of output)")
    assert "--config" in text


@pytest.mark.parametrize("table, problem", [
    ('[[device]]\naddress = "00E"\n', "needs an address and a type"),
    ('[[device]]\naddress = "0E"\ntype = "1403"\nfile = "a/b.txt"\n', "plain file name"),
    ('[[device]]\naddress = "2000"\ntype = "1403"\nfile = "p.txt"\n', "beyond 1F"),
    ('[[device]]\naddress = "00C"\ntype = "2540R"\nfile = "no-such.txt"\n', "no such file"),
    ('[[device]]\naddress = "00E"\ntype = "1403"\nfile = "p.txt"\ncolor = 1\n', "no key 'color'"),
    ('[[device]]\naddress = "00E"\ntype = "1402"\nfile = "p.txt"\n', "is not one of"),
    ('[program]\nipl = "00C"\n', "no such [[device]]"),
    ('[expect.output]\n"00E" = "X"\n', "no such [[device]]"),
    ('[[device]]\naddress = "009"\ntype = "3215"\n[expect.output]\n"009" = "X"\n',
     "writes no file"),
    ('[[device]]\naddress = "181"\ntype = "3420"\nfile = "a/t.aws"\n', "plain file name"),
    ('[[device]]\naddress = "181"\ntype = "3420"\nfile = "t.aws"\n[expect.output]\n'
     '"181" = { hex = "A0B" }\n', "odd number of hex digits"),
    ('[[device]]\naddress = "181"\ntype = "3420"\nfile = "t.aws"\n[expect.output]\n'
     '"181" = { hex = [1] }\n', "a string or a list of strings"),
    ('[[device]]\naddress = "181"\ntype = "3420"\nfile = "t.aws"\n[expect.output]\n'
     '"181" = { tracks = { "00000001" = [] } }\n', "tracks are for a CKD disk"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "no-such.cckd"\n',
     "no such image beside the program"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "v.ckd"\nvolser = "lower"\n',
     "volser 'lower'"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "v.ckd"\nvolser = "V1"\n'
     'cylinders = 1\n', "cylinders 1"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "sub/v.ckd"\nvolser = "V1"\n',
     "a new volume is a plain file name"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "v.ckd"\nvolser = "V1"\n'
     '[expect.output]\n"190" = { tracks = { "0001" = [] } }\n', "CCCCHHHH"),
    ('[[device]]\naddress = "190"\ntype = "3350"\nfile = "v.ckd"\nvolser = "V1"\n'
     '[expect.output]\n"190" = { tracks = { "00000001" = ["0000000100000002 C1"] } }\n',
     "do not match its bytes"),
])
def test_malformed_device_tables_are_expectation_errors(tmp_path, table, problem):
    path = tmp_path / "p.toml"
    path.write_text(table)
    with pytest.raises(ExpectationError, match=re.escape(problem)):
        load(path)


def test_programs_with_devices_are_left_out_of_the_plain_enumeration():
    # The golden traces (conformance.goldens.golden_cases) and Implementation.run use
    # programs(): a program with devices cannot run there.
    plain = {p.name for p in programs()}
    every = {p.name for p in programs(devices=True)}
    assert {"io/console", "io/cards", "io/disk", "io/ipl", "io/tape", "io/ckd"} <= \
        every - plain
    assert "control/channel_io" in plain


TAPE_PROGRAM = """\
* Write one block of 3 bytes on the tape at 181 and stop.
*! [program]
*! storage = "64K"
*! [[device]]
*! address = "181"
*! type = "3420"
*! file = "t.aws"
*! [expect]
*! stop = "disabled-wait"
*! [expect.output]
*! "181" = { hex = ["0500 0000 A000 F1F2F3F4F5", "0300 0500 A000 C1C2C3"] }
P        START 0
         DC    X'00000000',A(X'200')
         ORG   P+X'200'
         MVC   X'48'(4,0),X'300'(0)
         SIO   X'181'(0)
         TIO   X'181'(0)
         BC    2,X'20A'(0,0)
         LPSW  X'310'(0)
         ORG   P+X'300'
         DC    A(X'320')
         ORG   P+X'310'
         DC    X'000A0000',A(0)
         ORG   P+X'320'
         DC    X'37',AL3(0),X'40',X'00',AL2(1)
         DC    X'01',AL3(X'330'),X'00',X'00',AL2(3)
         ORG   P+X'330'
         DC    C'ABC'
         END
"""


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_tape_program_starts_from_the_reel_beside_it_and_is_checked_whole(tmp_path, mode):
    """The reel beside the program (one block of 5 bytes) is copied for the run:
    FORWARD SPACE BLOCK over it, then WRITE ABC after it; the file beside the program
    is unchanged.  Without the reel the tape starts empty and the forward space runs
    off the blank tape (unit check: the chain ends, nothing is written)."""
    source = tmp_path / "p.asm"
    source.write_text(TAPE_PROGRAM)
    reel = aws_reel([bytes.fromhex("F1F2F3F4F5")])
    (tmp_path / "t.aws").write_bytes(reel)
    out, misses = check(Program(source), Reference(), mode)
    assert misses == [], misses
    assert out.outputs[TAPE_ADDRESS] == reel + bytes.fromhex("0300 0500 A000 C1C2C3")
    assert (tmp_path / "t.aws").read_bytes() == reel
    (tmp_path / "t.aws").unlink()
    out, misses = check(Program(source), Reference(), mode)
    assert out.outputs[TAPE_ADDRESS] == b""
    assert [(m.field, m.expected, m.actual) for m in misses] == [
        ("output 181 at 000000", "05000000A000F1F2", "(end of file)")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.asm"]


CKD_PROGRAM = """\
* Write record 1 (key K, data AB) on cylinder 0 head 3 of a new 3330 volume.
*! [program]
*! storage = "64K"
*! [[device]]
*! address = "190"
*! type = "3330"
*! file = "v.cckd"
*! volser = "T00001"
*! format = "cckd"
*! [expect]
*! stop = "disabled-wait"
*! [expect.output]
*! "190" = { tracks = { "0000 0003" = ["00000003 00 00 0008 0000000000000000",
*!                                     "00000003 01 01 0002 D2 C1C2"] } }
P        START 0
         DC    X'00000000',A(X'200')
         ORG   P+X'200'
         MVC   X'48'(4,0),X'300'(0)
         SIO   X'190'(0)
         TIO   X'190'(0)
         BC    2,X'20A'(0,0)
         LPSW  X'310'(0)
         ORG   P+X'300'
         DC    A(X'320')
         ORG   P+X'310'
         DC    X'000A0000',A(0)
         ORG   P+X'320'
         DC    X'07',AL3(X'360'),X'40',X'00',AL2(6)
         DC    X'1F',AL3(X'368'),X'40',X'00',AL2(1)
         DC    X'31',AL3(X'370'),X'40',X'00',AL2(5)
         DC    X'08',AL3(X'330'),X'00',X'00',AL2(0)
         DC    X'1D',AL3(X'378'),X'00',X'00',AL2(11)
         ORG   P+X'360'
         DC    X'000000000003'
         ORG   P+X'368'
         DC    X'C0'
         ORG   P+X'370'
         DC    X'0000000300'
         ORG   P+X'378'
         DC    X'0000000301010002',C'K',C'AB'
         END
"""


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_ckd_program_on_a_new_volume_is_checked_by_track(tmp_path, mode):
    """A new 3330 volume made for the run (nothing beside the program); SEARCH ID
    R0 and WRITE CKD of R1 on track 0/3.  The expectation names the track's records;
    a wrong one is a miss naming the track and the record."""
    source = tmp_path / "p.asm"
    source.write_text(CKD_PROGRAM)
    out, misses = check(Program(source), Reference(), mode)
    assert misses == [], misses
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.asm"]
    source.write_text(CKD_PROGRAM.replace("D2 C1C2", "D2 C1C3"))
    program = Program(source)
    out, misses = check(program, Reference(), mode)
    assert [(m.field, m.expected, m.actual) for m in misses] == [
        ("output 190 track 0000 0003 record 1", "00000003 01 01 0002 D2 C1C3",
         "00000003 01 01 0002 D2 C1C2")]
    source.write_text(CKD_PROGRAM.replace('"00000003 01 01 0002 D2 C1C2"',
                                          '"00000003 01 01 0002 D2 C1C2", '
                                          '"00000003 02 00 0001 00"'))
    out, misses = check(Program(source), Reference(), mode)
    assert [(m.field, m.actual) for m in misses] == [
        ("output 190 track 0000 0003 record 2", "(no record)")]
    assert "--config" in report(program, Reference(), mode, out, misses)
