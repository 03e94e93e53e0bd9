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

``test_the_property_finds_a_wrong_minidisk`` and
``test_the_property_finds_a_wrong_test_io`` show the property can fail: against a
VMCP whose minidisks relocate to the wrong real block, or whose TEST I/O does not ask
the channel, ``hypothesis.find`` comes up with a program that tells them apart.

Only the reference takes device configurations (``takes_devices``): other
implementations are skipped.  The Hypothesis profile is the suite's (``ci``: 100
examples, derandomized; the file runs in a few seconds).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, note, settings
from hypothesis.errors import NoSuchExample

from reference.asm.assembler import assemble
from reference.io.config import load_configuration
from reference.vm import vmio
from reference.vm.simulate import SIMULATIONS, Simulation

from .comparison import differences
from .corpus import Program, check, programs, report
from .expectations import ExpectationError, load
from .implementations import Implementation, Outcome, Reference, takes_devices
from .strategies import (
    CHANNEL_DEVICES,
    CHANNEL_DISK_BLOCKS,
    CHANNEL_STORAGE,
    channel_programs,
)

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
    assert {"io/console", "io/cards", "io/disk", "io/ipl"} <= every - plain
    assert "control/channel_io" in plain
