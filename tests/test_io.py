"""Channel I/O: the I/O instructions, channel programs, I/O interruptions, the
devices, IPL, the configuration file, and the comparison with Hercules.

Expected values come from GA22-7000 ch.12-13 ("Input/Output Operations",
"Input/Output Instructions") and the CSW layout (ch.12 "Channel Status Word"):

    CSW   byte 0 key (bits 0-3) | bytes 1-3 CCW address (last CCW used + 8)
          byte 4 unit status:    80 attention 40 status modifier 20 control-unit end
                                 10 busy 08 channel end 04 device end 02 unit check
                                 01 unit exception
          byte 5 channel status: 80 PCI 40 incorrect length 20 program check
                                 10 protection check ...
          bytes 6-7 residual count
    CCW   command, data address (3 bytes), flags (80 CD 40 CC 20 SLI 10 SKIP 08 PCI
          04 IDA), zero byte, count (2 bytes)

Time (reference/io/channel.py): a command lasts 10 µs plus 1 µs a byte transferred.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import hercules as H
from conformance.strategies import ccw, ccws
from conformance.strategies import define_extent as de
from conformance.strategies import locate as loc
from reference.arch.ebcdic import to_ebcdic
from reference.arch.opcodes import lookup
from reference.asm.assembler import assemble
from reference.cli.main import main
from reference.io import dasd
from reference.io.channel import (
    CE_DE,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    ChannelSubsystem,
    Immediate,
    Input,
    Output,
    Reject,
    Start,
)
from reference.io.config import ConfigError, load_configuration
from reference.io.devices import (
    CardPunch2540,
    CardReader2540,
    Console3215,
    Disk3370,
    Printer1403,
)
from reference.machine.instructions import io
from reference.machine.machine import Machine
from tests.support import DISK_PROGRAM, card, ins, ipl_deck, make_machine

REPO = Path(__file__).resolve().parent.parent
CAW, CSW = 0x48, 0x40
DATA = 0x1000          # data areas in the tests
CCWS = 0x800           # channel programs in the tests


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def csw_of(m: Machine) -> tuple[int, int, int, int, int]:
    """(key, CCW address, unit status, channel status, count) at location 64."""
    c = bytes(m.mem[CSW:CSW + 8])
    return c[0] >> 4, int.from_bytes(c[1:4], "big"), c[4], c[5], int.from_bytes(c[6:8], "big")


class Fake:
    """A device whose answers the test chooses: writes record their data; X'02'
    and X'0C' send ``record``; X'03' is immediate; X'04' sends the sense byte;
    ``answers`` overrides any command."""

    type_name = "FAKE"

    def __init__(self, record: bytes = b"", want: int = 80, exact: bool = True,
                 answers: dict[int, Callable[[], Start]] | None = None,
                 attention: list[int] | None = None) -> None:
        self.sense = bytearray(1)
        self.record = record
        self.want = want
        self.exact = exact
        self.answers = answers or {}
        self.log: list[tuple[int, int | None]] = []
        self.written: list[bytes] = []
        self.attention = attention or []

    def attention_times(self) -> list[int]:
        return self.attention

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass

    def start(self, command: int, previous: int | None) -> Start:
        self.log.append((command, previous))
        if command in self.answers:
            return self.answers[command]()
        if command & 3 == 1:
            def finish(data: bytes) -> int:
                self.written.append(data)
                return CE_DE
            return Output(self.want, finish, self.exact)
        if command in (0x02, 0x0C):
            return Input(self.record)
        if command == 0x03:
            return Immediate()
        if command == 0x04:
            return Input(bytes(self.sense))
        self.sense[0] = 0x80
        return Reject(UNIT_CHECK)


def machine(devices: dict[int, object], code: bytes = b"", *, ec: bool = False,
            system_mask: int = 0, data: dict[int, bytes] | None = None,
            storage: int = 64 * 1024, end: bool = True) -> Machine:
    m = make_machine(code, ec=ec, system_mask=system_mask, data=data, storage=storage,
                     end=end)
    channels = ChannelSubsystem(m)
    for address, device in devices.items():
        channels.attach(address, device)
    m.channels = channels
    return m


def put(m: Machine, address: int, blob: bytes) -> None:
    m.mem[address:address + len(blob)] = blob


def set_caw(m: Machine, address: int, key: int = 0) -> None:
    put(m, CAW, ((key << 28) | address).to_bytes(4, "big"))


def elapse(m: Machine, us: int) -> None:
    """Let machine time pass (as an idle CPU would) and service the channels."""
    m.idle_us += us
    m.channels.advance(m.now())


def sio(m: Machine, address: int) -> int:
    io.start_io(m, 0, address)
    return m.cc


def tio(m: Machine, address: int) -> int:
    io.test_io(m, 0, address)
    return m.cc


def finish(m: Machine, address: int, limit: int = 100_000) -> int:
    """Wait until the device's channel program ends; TEST I/O clears and stores
    its CSW: the condition code (1)."""
    for _ in range(limit):
        sc = m.channels.subchannels[address]
        if not sc.working:
            break
        elapse(m, 1)
    return tio(m, address)


# ---------------------------------------------------------------------------
# The opcode table: 9C-9F select by bit 15 only
# ---------------------------------------------------------------------------
def test_io_opcodes_ignore_bits_8_to_14():
    # GA22-7000 ch.13: 9C00 SIO, 9C01 SIOF, 9D00 TIO, 9D01 CLRIO, 9E00 HIO, 9E01 HDV,
    # 9F00 TCH; bits 8-14 are ignored, so 9CFE is SIO and 9DFF is CLRIO.
    assert lookup(bytes.fromhex("9CFE0000")).mnemonic == "SIO"
    assert lookup(bytes.fromhex("9C030000")).mnemonic == "SIOF"
    assert lookup(bytes.fromhex("9DFF0000")).mnemonic == "CLRIO"
    assert lookup(bytes.fromhex("9E800000")).mnemonic == "HIO"
    assert lookup(bytes.fromhex("9FFE0000")).mnemonic == "TCH"
    assert lookup(bytes.fromhex("B2030000")).mnemonic == "STIDC"
    # 9F01 would be CLEAR CHANNEL, not installed on this machine: no row, so an
    # operation exception.
    assert lookup(bytes.fromhex("9F010000")) is None


# ---------------------------------------------------------------------------
# START I/O, TEST I/O: condition codes and CSW
# ---------------------------------------------------------------------------
def test_sio_without_channels_sets_cc3():
    m = make_machine(b"")
    assert sio(m, 0x00C) == 3


@pytest.mark.parametrize("instruction", [
    io.start_io, io.start_io_fast_release, io.test_io, io.clear_io, io.halt_io,
    io.halt_device, io.test_channel, io.store_channel_id], ids=lambda f: f.__name__)
def test_every_io_instruction_without_channels_sets_cc3(instruction):
    # GA22-7000 ch.13: CC 3, not operational, when the addressed channel (or
    # device) is not provided: on a machine without channels, none is.  Nothing
    # is stored (no CSW, no channel ID).
    m = make_machine(b"")
    m.cc = 0
    storage = bytes(m.mem)
    instruction(m, 0, 0x00C)
    assert m.cc == 3
    assert bytes(m.mem) == storage


def test_sio_to_an_unconfigured_device_or_channel_sets_cc3():
    m = machine({0x00E: Fake()})
    set_caw(m, CCWS)
    assert sio(m, 0x00D) == 3          # channel 0 installed, device 0D not
    assert sio(m, 0x10E) == 3          # channel 1 not installed


def test_sio_ignores_bits_8_to_15_of_the_address():
    # Bits 16-23 channel, 24-31 device: X'12000E' addresses 00E.
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    assert sio(m, 0x12000E) == 0


def test_sio_starts_a_write_and_the_interruption_condition_follows():
    f = Fake(want=4)
    m = machine({0x00E: f}, data={CCWS: ccw(0x01, DATA, 0, 4), DATA: b"ABCD"})
    set_caw(m, CCWS, key=0)
    assert sio(m, 0x00E) == 0
    assert f.written == [b"ABCD"]
    assert tio(m, 0x00E) == 2          # the subchannel works for 10 + 4 µs
    elapse(m, 14)
    assert tio(m, 0x00E) == 1          # interruption condition: CSW stored, cleared
    # CCW at X'800': CSW address X'808'; channel end + device end; residual 0.
    assert csw_of(m) == (0, CCWS + 8, 0x0C, 0x00, 0)
    assert tio(m, 0x00E) == 0          # available


def test_the_command_ends_exactly_10_plus_1_per_byte_microseconds_later():
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    sio(m, 0x00E)
    elapse(m, 13)
    assert m.channels.subchannels[0x00E].working
    elapse(m, 1)
    assert not m.channels.subchannels[0x00E].working


def test_sio_with_an_interruption_pending_in_the_subchannel_sets_cc2():
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    sio(m, 0x00E)
    assert sio(m, 0x00E) == 2          # working
    elapse(m, 20)
    assert sio(m, 0x00E) == 2          # interruption pending in the subchannel
    assert tio(m, 0x00E) == 1
    assert sio(m, 0x00E) == 0


@pytest.mark.parametrize("caw", [0x01000800, 0x00000804, 0x00FFFFF8],
                         ids=["bits-4-7", "not-doubleword", "beyond-storage"])
def test_sio_with_an_invalid_caw_stores_program_check_cc1(caw):
    # CAW bits 4-7 must be zero; the command address must be on a doubleword and
    # in storage: program check, CSW stored by START I/O, CC 1.
    m = machine({0x00E: Fake()})
    put(m, CAW, caw.to_bytes(4, "big"))
    assert sio(m, 0x00E) == 1
    _, _, unit, channel, _ = csw_of(m)
    assert (unit, channel) == (0x00, 0x20)
    assert not m.channels.subchannels[0x00E].working


@pytest.mark.parametrize("first, name", [
    (ccw(0x08, CCWS + 8, 0, 0), "TIC first"),
    (ccw(0x00, DATA, 0, 10), "command 00"),
    (ccw(0xF0, DATA, 0, 10), "command F0"),
    (ccw(0x01, DATA, 0, 0), "count 0"),
    (ccw(0x01, DATA, 0x01, 10), "flag bit 39"),
    (ccw(0x01, DATA, 0x02, 10), "flag bit 38"),
])
def test_sio_with_an_invalid_first_ccw_stores_program_check_cc1(first, name):
    # GA22-7000 ch.12 "Program Check": invalid command code (four low-order
    # zeros), invalid count (zero), invalid CCW format (bits 38-39), invalid
    # sequence (the first CCW a TIC).  CSW: the invalid CCW's address + 8,
    # channel end and device end off.
    f = Fake()
    m = machine({0x00E: f}, data={CCWS: first})
    set_caw(m, CCWS, key=0)
    assert sio(m, 0x00E) == 1
    assert csw_of(m)[1:4] == (CCWS + 8, 0x00, 0x20)
    assert f.log == []                 # the device was never selected


def test_sio_with_a_rejected_command_stores_unit_check_and_sense_shows_why():
    f = Fake()
    m = machine({0x00E: f}, data={CCWS: ccw(0x07, DATA, 0x40, 7),
                                  CCWS + 8: ccw(0x04, DATA, 0, 1)})
    set_caw(m, CCWS, key=3)
    assert sio(m, 0x00E) == 1
    # Concluded at initiation: unit check, CE and DE off; count = the CCW's 7;
    # the CCW address + 8; key from the CAW (3); no chaining.
    assert csw_of(m) == (3, CCWS + 8, 0x02, 0x00, 7)
    set_caw(m, CCWS + 8)
    assert sio(m, 0x00E) == 0
    assert finish(m, 0x00E) == 1
    assert m.mem[DATA] == 0x80         # sense byte 0: command reject


def test_sio_of_an_immediate_command_without_chaining_stores_the_csw_cc1():
    # GA22-7000 ch.13 START I/O, CC 1 case 3: immediate operation, no chaining:
    # channel end (and device end) in the CSW, count = the CCW's (nothing moved).
    m = machine({0x00E: Fake()}, data={CCWS: ccw(0x03, DATA, 0, 5)})
    set_caw(m, CCWS)
    assert sio(m, 0x00E) == 1
    assert csw_of(m) == (0, CCWS + 8, 0x0C, 0x00, 5)
    assert tio(m, 0x00E) == 0          # no interruption condition was generated


def test_immediate_command_with_chaining_goes_on_and_interrupts_at_the_end():
    f = Fake(want=2)
    m = machine({0x00E: f}, data={CCWS: ccw(0x03, DATA, 0x40, 1),
                                  CCWS + 8: ccw(0x01, DATA, 0, 2)})
    set_caw(m, CCWS)
    assert sio(m, 0x00E) == 0
    assert finish(m, 0x00E) == 1
    assert csw_of(m)[1:] == (CCWS + 16, 0x0C, 0x00, 0)
    assert [c for c, _ in f.log] == [0x03, 0x01]
    assert f.log[1] == (0x01, 0x03)     # the device sees the chain


def test_sio_to_a_device_with_attention_pending_stores_busy_and_clears_it():
    # Interruption condition in the device (state AAI): CC 1, the status portion
    # holds busy + attention (X'90'), the condition is cleared.
    m = machine({0x009: Fake(attention=[5])})
    put(m, CSW, bytes.fromhex("1100001122334455"))
    elapse(m, 5)
    set_caw(m, CCWS)
    assert sio(m, 0x009) == 1
    assert bytes(m.mem[CSW:CSW + 8]) == bytes.fromhex("1100001190004455")
    assert tio(m, 0x009) == 0


def test_tio_stores_and_clears_an_attention_condition():
    m = machine({0x009: Fake(attention=[5])})
    elapse(m, 4)
    assert tio(m, 0x009) == 0
    elapse(m, 1)
    assert tio(m, 0x009) == 1
    # Conditions arising after the operation was concluded: key, address and
    # count zero (GA22-7000 ch.12).
    assert csw_of(m) == (0, 0, 0x80, 0x00, 0)


def test_io_instructions_are_privileged():
    for mnemonic in ("SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC"):
        m = make_machine(ins(mnemonic, 0, 0x00E), problem=True)
        m.mem[0x68:0x70] = bytes.fromhex("000A000000000000")   # program new: wait
        m.run(100)
        # Program old PSW (BC): interruption code 2, ILC 2 (4 bytes).
        old = int.from_bytes(m.mem[0x28:0x30], "big")
        assert (old >> 32) & 0xFFFF == 0x0002, mnemonic
        assert (old >> 30) & 3 == 2, mnemonic


# ---------------------------------------------------------------------------
# HALT I/O, HALT DEVICE, CLEAR I/O, TEST CHANNEL, STORE CHANNEL ID
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("halt", [io.halt_io, io.halt_device])
def test_halt_on_a_working_subchannel_stores_status_zero_and_ends_the_chain(halt):
    f = Fake(want=4)
    m = machine({0x00E: f}, data={CCWS: ccw(0x01, DATA, 0x40, 4),
                                  CCWS + 8: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    put(m, CSW, bytes.fromhex("FFFFFFFFFFFFFFFF"))
    assert sio(m, 0x00E) == 0
    halt(m, 0, 0x00E)
    assert m.cc == 1
    assert bytes(m.mem[CSW:CSW + 8]) == bytes.fromhex("FFFFFFFF0000FFFF")  # status only
    assert tio(m, 0x00E) == 1          # ending at once, no chaining to the 2nd CCW
    assert csw_of(m)[1:3] == (CCWS + 8, 0x0C)
    assert len(f.written) == 1


def test_halt_io_with_an_interruption_pending_sets_cc0_and_does_nothing():
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    sio(m, 0x00E)
    elapse(m, 50)
    io.halt_io(m, 0, 0x00E)
    assert m.cc == 0
    assert tio(m, 0x00E) == 1


def test_halt_io_on_an_idle_device_stores_status_zero_cc1_and_unknown_is_cc3():
    m = machine({0x00E: Fake()})
    io.halt_io(m, 0, 0x00E)
    assert m.cc == 1
    io.halt_io(m, 0, 0x00F)
    assert m.cc == 3


def test_clear_io_clears_a_pending_condition_with_the_csw_stored():
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    io.clear_io(m, 0, 0x00E)
    assert m.cc == 0                   # available: no action
    sio(m, 0x00E)
    elapse(m, 50)
    io.clear_io(m, 0, 0x00E)
    assert m.cc == 1
    assert csw_of(m)[2] == 0x0C
    assert tio(m, 0x00E) == 0


def test_clear_io_on_a_working_subchannel_makes_it_available_without_interruption():
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    sio(m, 0x00E)
    io.clear_io(m, 0, 0x00E)
    assert m.cc == 1
    assert csw_of(m)[1:4] == (CCWS + 8, 0x00, 0x00)
    elapse(m, 50)
    assert tio(m, 0x00E) == 0


def test_test_channel_reports_pending_interruptions_and_missing_channels():
    m = machine({0x00E: Fake(want=4), 0x150: Fake()}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    io.test_channel(m, 0, 0x000)
    assert m.cc == 0
    sio(m, 0x00E)
    elapse(m, 50)
    io.test_channel(m, 0, 0x0FF)       # bits 24-31 ignored: channel 0
    assert m.cc == 1                   # interruption pending in channel 0
    io.test_channel(m, 0, 0x100)
    assert m.cc == 0
    io.test_channel(m, 0, 0x200)
    assert m.cc == 3
    assert tio(m, 0x00E) == 1          # TCH cleared nothing


def test_store_channel_id_stores_the_channel_type_at_168():
    # Channel ID word: bits 0-3 type: 0001 byte multiplexer (channel 0), 0010 block
    # multiplexer (the others); model and logout length zero.
    m = machine({0x00E: Fake(), 0x150: Fake()})
    io.store_channel_id(m, 0, 0x000)
    assert (m.cc, bytes(m.mem[168:172])) == (0, bytes.fromhex("10000000"))
    io.store_channel_id(m, 0, 0x1FF)
    assert (m.cc, bytes(m.mem[168:172])) == (0, bytes.fromhex("20000000"))
    io.store_channel_id(m, 0, 0x300)
    assert m.cc == 3


# ---------------------------------------------------------------------------
# Chaining, incorrect length, skip, status modifier, TIC
# ---------------------------------------------------------------------------
def run_chain(ccws: list[bytes], device: Fake, *, key: int = 0, storage: int = 64 * 1024,
              data: dict[int, bytes] | None = None,
              setup: Callable[[Machine], None] | None = None) -> tuple[Machine, int]:
    m = machine({0x00C: device}, data={CCWS: b"".join(ccws), **(data or {})},
                storage=storage)
    if setup is not None:
        setup(m)
    set_caw(m, CCWS, key)
    cc = sio(m, 0x00C)
    if cc == 0:
        assert finish(m, 0x00C) == 1
    return m, cc


def test_command_chaining_runs_each_command_and_the_csw_names_the_last():
    f = Fake(record=card("A"))
    m, cc = run_chain([ccw(0x02, DATA, 0x60, 80), ccw(0x02, DATA + 80, 0x20, 80)], f)
    assert cc == 0
    assert [c for c, _ in f.log] == [0x02, 0x02]
    assert csw_of(m) == (0, CCWS + 16, 0x0C, 0x00, 0)
    assert bytes(m.mem[DATA + 80:DATA + 81]) == to_ebcdic("A")


def test_data_chaining_spreads_one_record_over_two_areas():
    # 80 bytes: 30 into DATA (CD), 50 into DATA+100; residual 0, no IL; CSW names
    # the second CCW.
    rec = bytes(range(80))
    m, _ = run_chain([ccw(0x02, DATA, 0x80, 30), ccw(0x99, DATA + 100, 0, 50)],
                     Fake(record=rec))
    assert bytes(m.mem[DATA:DATA + 30]) == rec[:30]
    assert bytes(m.mem[DATA + 100:DATA + 150]) == rec[30:]
    assert csw_of(m)[1:] == (CCWS + 16, 0x0C, 0x00, 0)


def test_data_chaining_gathers_output_data():
    f = Fake(want=6)
    m, _ = run_chain([ccw(0x01, DATA, 0x80, 2), ccw(0x00, DATA + 10, 0, 4)], f,
                     data={DATA: b"AB", DATA + 10: b"CDEF"})
    assert f.written == [b"ABCDEF"]
    assert csw_of(m)[1:] == (CCWS + 16, 0x0C, 0x00, 0)


def test_short_record_without_sli_is_incorrect_length_and_stops_chaining():
    # Count 100, the card has 80: residual 20, incorrect length (X'40'); the CC flag
    # is not followed (GA22-7000 ch.12: IL suppresses command chaining unless SLI).
    f = Fake(record=card("X"))
    m, _ = run_chain([ccw(0x02, DATA, 0x40, 100), ccw(0x02, DATA, 0, 80)], f)
    assert csw_of(m)[1:] == (CCWS + 8, 0x0C, 0x40, 20)
    assert len(f.log) == 1


def test_short_record_with_sli_is_not_indicated_and_chaining_goes_on():
    f = Fake(record=card("X"))
    m, _ = run_chain([ccw(0x02, DATA, 0x60, 100), ccw(0x02, DATA, 0x20, 100)], f)
    assert csw_of(m)[1:] == (CCWS + 16, 0x0C, 0x00, 20)
    assert len(f.log) == 2


def test_long_record_is_incorrect_length_with_residual_zero():
    m, _ = run_chain([ccw(0x02, DATA, 0, 40)], Fake(record=card("Y")))
    assert csw_of(m)[1:] == (CCWS + 8, 0x0C, 0x40, 0)
    m, _ = run_chain([ccw(0x02, DATA, 0x20, 40)], Fake(record=card("Y")))
    assert csw_of(m)[1:] == (CCWS + 8, 0x0C, 0x00, 0)


def test_sli_is_ignored_when_the_ccw_has_chain_data():
    # Device ends inside a CCW with CD on: incorrect length even with SLI.
    m, _ = run_chain([ccw(0x02, DATA, 0xA0, 100), ccw(0x02, DATA + 200, 0x20, 10)],
                     Fake(record=card("Z")))
    assert csw_of(m)[1:] == (CCWS + 8, 0x0C, 0x40, 20)


def test_output_to_a_device_that_wants_more_is_incorrect_length_unless_sli():
    m, _ = run_chain([ccw(0x01, DATA, 0, 50)], Fake(want=80))
    assert csw_of(m)[3:] == (0x40, 0)
    m, _ = run_chain([ccw(0x01, DATA, 0x20, 50)], Fake(want=80))
    assert csw_of(m)[3:] == (0x00, 0)
    m, _ = run_chain([ccw(0x01, DATA, 0, 50)], Fake(want=80, exact=False))
    assert csw_of(m)[3:] == (0x00, 0)   # a device that takes "up to" 80 bytes


def test_output_length_chosen_from_the_first_bytes_follows_data_chaining():
    # Output.size (a CKD WRITE COUNT KEY AND DATA): the device sees the first
    # ``want`` bytes of the data chain (here split over two CCWs), answers 2 + 3,
    # and takes 5 bytes: no incorrect length.  Given fewer than it asks for, the
    # transfer is an incorrect length as usual.
    seen: list[bytes] = []

    def size(head: bytes) -> int:
        seen.append(head)
        return 2 + head[1]

    def sized() -> Start:
        def finish(data: bytes) -> int:
            f.written.append(data)
            return CE_DE
        return Output(2, finish, size=size)
    f = Fake(answers={0x01: sized})
    m, _ = run_chain([ccw(0x01, DATA, 0x80, 1), ccw(0x01, DATA + 16, 0, 4)], f,
                     data={DATA: b"\x00", DATA + 16: b"\x03ABC"})
    assert seen == [b"\x00\x03"] and f.written == [b"\x00\x03ABC"]
    assert csw_of(m)[1:] == (CCWS + 16, 0x0C, 0x00, 0)
    f = Fake(answers={0x01: sized})
    m, _ = run_chain([ccw(0x01, DATA, 0, 4)], f, data={DATA: b"\x00\x09AB"})
    assert f.written == [b"\x00\x09AB"] and csw_of(m)[3:] == (0x40, 0)


def test_skip_suppresses_the_transfer_into_storage():
    m, _ = run_chain([ccw(0x02, DATA, 0x10, 80)], Fake(record=card("S")))
    assert bytes(m.mem[DATA:DATA + 80]) == bytes(80)
    assert csw_of(m)[1:] == (CCWS + 8, 0x0C, 0x00, 0)


def test_status_modifier_skips_the_next_ccw():
    f = Fake(record=b"R", answers={0x05: lambda: Input(b"", CE_DE | 0x40)})
    # 0x05 is a write-type code answered with CE DE SM: chaining takes the CCW 16
    # bytes further on (GA22-7000 ch.12 "Command Chaining").
    f.answers[0x05] = lambda: Immediate(CE_DE | 0x40)
    m, cc = run_chain([ccw(0x05, DATA, 0x40, 1), ccw(0x02, DATA, 0x20, 1),
                       ccw(0x0A, DATA, 0x20, 1)], f)
    assert [c for c, _ in f.log] == [0x05, 0x0A]
    assert csw_of(m)[1] == CCWS + 24


def test_tic_transfers_the_chain_and_tic_to_tic_is_program_check():
    f = Fake(record=b"Q")
    m, _ = run_chain([ccw(0x02, DATA, 0x60, 1), ccw(0x08, CCWS + 0x40, 0, 0),
                      bytes(0x30), ccw(0x02, DATA + 1, 0x20, 1)], f)
    assert len(f.log) == 2 and csw_of(m)[1:3] == (CCWS + 0x48, 0x0C)
    # TIC at +8 to a TIC at +0x40: program check; CSW: the second TIC + 8; the
    # chain ended while fetching a CCW, so channel end and device end are off.
    f = Fake(record=b"Q")
    m, _ = run_chain([ccw(0x02, DATA, 0x60, 1), ccw(0x08, CCWS + 0x40, 0, 0),
                      bytes(0x30), ccw(0x08, CCWS, 0, 0)], f)
    assert csw_of(m)[1:4] == (CCWS + 0x48, 0x00, 0x20)


def test_tic_to_an_odd_address_is_program_check_at_the_tic():
    m, _ = run_chain([ccw(0x02, DATA, 0x60, 1), ccw(0x08, CCWS + 0x44, 0, 0)],
                     Fake(record=b"Q"))
    assert csw_of(m)[1:4] == (CCWS + 16, 0x00, 0x20)


@pytest.mark.parametrize("bad", [ccw(0x02, DATA, 0, 0), ccw(0x00, DATA, 0, 4),
                                 ccw(0x02, DATA, 0x01, 4)],
                         ids=["count-0", "command-0", "flag-39"])
def test_program_check_in_a_chained_ccw_ends_the_chain_with_ce_de_off(bad):
    m, cc = run_chain([ccw(0x02, DATA, 0x60, 1), bad], Fake(record=b"Q"))
    assert cc == 0
    assert csw_of(m)[1:4] == (CCWS + 16, 0x00, 0x20)


def test_chaining_past_the_end_of_storage_is_program_check():
    # The last doubleword of 64K holds a CCW chaining on: the next CCW address
    # X'10000' is outside storage: "first invalid CCW address + 8".
    top = 64 * 1024 - 8
    m = machine({0x00C: Fake(record=b"Q")}, data={top: ccw(0x02, DATA, 0x60, 1)})
    set_caw(m, top)
    assert sio(m, 0x00C) == 0
    assert finish(m, 0x00C) == 1
    assert csw_of(m)[1:4] == (0x10008, 0x00, 0x20)


def test_data_address_beyond_storage_is_program_check_with_ce_de():
    # Reading 8 bytes at X'FFFC' of 64K: 4 stored, then program check.
    m, cc = run_chain([ccw(0x02, 0xFFFC, 0, 8)], Fake(record=b"ABCDEFGH"))
    assert cc == 0
    assert csw_of(m)[1:4] == (CCWS + 8, 0x0C, 0x20)
    assert bytes(m.mem[0xFFFC:0x10000]) == b"ABCD"


def test_data_chaining_to_a_ccw_with_count_zero_is_program_check():
    m, _ = run_chain([ccw(0x02, DATA, 0x80, 2), ccw(0x02, DATA + 2, 0, 0)],
                     Fake(record=b"ABCD"))
    assert csw_of(m)[1:4] == (CCWS + 16, 0x0C, 0x20)


# ---------------------------------------------------------------------------
# Protection, reference and change bits, IDA, read backward
# ---------------------------------------------------------------------------
def test_store_into_a_block_of_another_key_is_protection_check():
    # CAW key 3; the data area's block has key 5: nothing stored, protection check
    # (X'10') with channel end and device end.
    def keys(m: Machine) -> None:
        m.keys[DATA >> 11] = 0x50
    m, _ = run_chain([ccw(0x02, DATA, 0, 4)], Fake(record=b"ABCD"), key=3, setup=keys)
    assert csw_of(m) == (3, CCWS + 8, 0x0C, 0x10, 4)
    assert bytes(m.mem[DATA:DATA + 4]) == bytes(4)


def test_key_zero_and_matching_keys_may_store_and_fetch_protection_blocks_fetch():
    def keys(m: Machine) -> None:
        m.keys[DATA >> 11] = 0x30
    m, _ = run_chain([ccw(0x02, DATA, 0, 4)], Fake(record=b"ABCD"), key=3, setup=keys)
    assert csw_of(m)[3] == 0x00 and bytes(m.mem[DATA:DATA + 4]) == b"ABCD"

    def protect(m: Machine) -> None:  # the output area fetch-protected, key 5
        m.keys[DATA >> 11] = 0x58
    f = Fake(want=4)
    m, _ = run_chain([ccw(0x01, DATA, 0, 4)], f, key=3, setup=protect)
    assert csw_of(m)[3] == 0x10 and f.written == []


def test_fetch_protected_ccw_is_protection_check_at_sio():
    def protect(m: Machine) -> None:
        m.keys[CCWS >> 11] = 0x58
    m, cc = run_chain([ccw(0x02, DATA, 0, 4)], Fake(record=b"ABCD"), key=3, setup=protect)
    assert cc == 1 and csw_of(m)[1:4] == (CCWS + 8, 0x00, 0x10)


def test_channel_sets_reference_and_change_bits():
    m, _ = run_chain([ccw(0x02, 0x3000, 0, 4)], Fake(record=b"ABCD"))
    assert m.keys[0x3000 >> 11] & 0x06 == 0x06      # stored: reference and change
    assert m.keys[CCWS >> 11] & 0x04                 # the CCW fetched: reference


def test_indirect_data_addressing_moves_data_through_idaws():
    # IDA flag: the data address names IDAWs; the first IDAW X'27FC' leaves 4 bytes
    # to the end of its 2K block, the second names the block at X'5000'.
    idaws = (0x27FC).to_bytes(4, "big") + (0x5000).to_bytes(4, "big")
    m, _ = run_chain([ccw(0x02, 0x900, 0x04, 10)], Fake(record=b"0123456789"),
                     data={0x900: idaws})
    assert bytes(m.mem[0x27FC:0x2800]) == b"0123"
    assert bytes(m.mem[0x5000:0x5006]) == b"456789"
    assert csw_of(m)[3:] == (0x00, 0)


def test_an_idaw_not_on_a_2k_boundary_after_the_first_is_program_check():
    idaws = (0x27FC).to_bytes(4, "big") + (0x5004).to_bytes(4, "big")
    m, _ = run_chain([ccw(0x02, 0x900, 0x04, 10)], Fake(record=b"0123456789"),
                     data={0x900: idaws})
    assert csw_of(m)[3] == 0x20
    assert bytes(m.mem[0x27FC:0x2800]) == b"0123"


def test_read_backward_stores_downward_from_the_data_address():
    # Read backward (X'0C'): the device sends its bytes last first; they go to
    # DATA+3, DATA+2, ... so storage reads in the record's own order.
    m, _ = run_chain([ccw(0x0C, DATA + 3, 0, 4)], Fake(record=b"DCBA"))
    assert bytes(m.mem[DATA:DATA + 4]) == b"ABCD"


# ---------------------------------------------------------------------------
# PCI
# ---------------------------------------------------------------------------
def test_pci_in_a_chained_ccw_interrupts_before_the_end():
    f = Fake(record=b"Q")
    m = machine({0x00C: f}, data={CCWS: ccw(0x02, DATA, 0x60, 1)
                                  + ccw(0x02, DATA, 0x28, 1)})
    set_caw(m, CCWS)
    m.system_mask = 0x80               # channel 0 enabled (BC mode)
    assert sio(m, 0x00C) == 0
    elapse(m, 11)                      # first command ends at 11 µs: chains to PCI CCW
    nxt = m.channels.next_interruption()
    assert nxt is not None
    address, csw = nxt
    # PCI: key, the PCI CCW's address + 8, channel status X'80'.
    assert (address, csw[1:4], csw[4], csw[5]) == (0x00C, (CCWS + 16).to_bytes(3, "big"),
                                                   0x00, 0x80)
    assert finish(m, 0x00C) == 1
    assert csw_of(m)[3] == 0x00


def test_pci_not_taken_before_the_end_is_merged_into_the_final_csw():
    m, cc = run_chain([ccw(0x02, DATA, 0x28, 1)], Fake(record=b"Q"))
    assert cc == 0
    assert csw_of(m)[2:4] == (0x0C, 0x80)


def test_pci_flag_in_the_first_ccw_of_an_sio_that_stores_the_csw():
    m, cc = run_chain([ccw(0x03, DATA, 0x08, 1)], Fake())
    assert cc == 1 and csw_of(m)[2:4] == (0x0C, 0x80)


# ---------------------------------------------------------------------------
# I/O interruptions: BC and EC mode, masks, enabled wait, priority
# ---------------------------------------------------------------------------
IO_NEW_WAIT = bytes.fromhex("000A000000000777")   # I/O new PSW: disabled wait at 777


def io_program(address: int, wait_mask: int, ec: bool) -> tuple[bytes, int]:
    """SIO to ``address``, then an enabled wait with ``wait_mask`` as system mask."""
    wait = (wait_mask << 56) | (0x02 << 48) | ((1 << 51) if ec else 0)
    return (ins("SIO", 0, address) + ins("LPSW", 0, 0x300)), wait


def run_io(address: int, mask: int, *, ec: bool = False, cr2: int | None = None,
           steps: int = 1000) -> Machine:
    code, wait = io_program(address, mask, ec)
    f = Fake(want=4)
    m = machine({address: f}, code, ec=ec, end=False,
                data={CCWS: ccw(0x01, DATA, 0, 4), 0x300: wait.to_bytes(8, "big"),
                      0x78: IO_NEW_WAIT})
    if cr2 is not None:
        m.cr[2] = cr2
    set_caw(m, CCWS)
    m.run(steps)
    return m


def test_bc_mode_io_interruption_puts_the_device_address_in_the_old_psw():
    # Channel 0 enabled by PSW bit 0 (X'80').  SIO is instruction 1 (machine time
    # 1 µs); the 4-byte write ends at 1 + 10 + 4 = 15 µs, which ends the wait that
    # LPSW (instruction 2) entered.  Old PSW at 56: the wait PSW with interruption
    # code 000E; CSW at 64.
    m = run_io(0x00E, 0x80)
    assert m.stop_reason == "disabled-wait" and m.ia == 0x777
    old = int.from_bytes(m.mem[56:64], "big")
    assert old >> 56 == 0x80 and (old >> 32) & 0xFFFF == 0x000E
    assert (old >> 49) & 1 == 1          # PSW bit 14, wait: taken in the wait state
    assert csw_of(m) == (0, CCWS + 8, 0x0C, 0x00, 0)
    assert m.now() == 15 and m.steps == 2  # time advanced to the command's end


def test_bc_mode_channel_1_needs_psw_bit_6_and_cr2_bit_1():
    # Device 150 is on channel 1: PSW bit 1 (X'40') enables it in the BC mode
    # (channels 0-5 by PSW bits 0-5).
    assert run_io(0x150, 0x40).ia == 0x777
    # Channel 7 (device 750): PSW bit 6 and CR2 bit 7.
    assert run_io(0x750, 0x02, cr2=0x01000000).ia == 0x777
    m = run_io(0x750, 0x02, cr2=0xFEFFFFFF)
    assert m.stop_reason == "enabled-wait"      # masked: nothing can end the wait
    assert m.ia != 0x777


def test_ec_mode_io_interruption_stores_the_address_at_186():
    m = run_io(0x150, 0x02, ec=True)
    assert m.ia == 0x777
    assert bytes(m.mem[186:188]) == bytes.fromhex("0150")
    old = int.from_bytes(m.mem[56:64], "big")
    # The EC-mode wait PSW as it was (X'02' I/O mask, X'0A' EC + wait); bits 16-31
    # hold no interruption code in the EC mode.
    assert old >> 48 == 0x020A and (old >> 32) & 0xFFFF == 0
    m = run_io(0x150, 0x02, ec=True, cr2=0xBFFFFFFF)   # channel-1 mask off
    assert m.stop_reason == "enabled-wait"


def test_pending_io_interruption_waits_for_the_mask_then_is_taken():
    # Disabled: the condition stays pending (the run ends in a disabled wait); TIO
    # would find it.  SSM X'80' later takes it at once.
    code = ins("SIO", 0, 0x00E) + b"".join(ins("LA", 1, 0, 0, 0) for _ in range(30)) \
        + ins("SSM", 0, 0x310) + ins("LPSW", 0, 0x1F0)
    m = machine({0x00E: Fake(want=4)}, code, end=False,
                data={CCWS: ccw(0x01, DATA, 0, 4), 0x310: b"\x80", 0x78: IO_NEW_WAIT,
                      0x1F0: bytes.fromhex("000A000000000000")})
    set_caw(m, CCWS)
    m.run(1000)
    assert m.ia == 0x777
    # The SSM was the 32nd instruction: old PSW points after it.
    assert int.from_bytes(m.mem[56:64], "big") & 0xFFFFFF == 0x200 + 4 + 30 * 4 + 4


def test_external_interruption_comes_before_io():
    # Both pending: external first (GA22-7000 ch.6 priority), then I/O.
    m = machine({0x00E: Fake(want=4)}, data={CCWS: ccw(0x01, DATA, 0, 4)})
    set_caw(m, CCWS)
    sio(m, 0x00E)
    elapse(m, 20)
    m.press_interrupt_key()
    m.mem[0x58:0x60] = bytes.fromhex("000A000000000555")   # external new: wait
    m.set_psw(m.current_psw().__class__.from_int(0x8100000000000200))
    m.interruption_log = []
    m.settle(10)
    assert [r.kind for r in m.interruption_log][:1] == ["external"]


def test_enabled_wait_is_ended_by_the_io_interruption_at_its_time():
    # Reading a card: 10 + 80 µs.  SIO is the 1st instruction (time 1), LPSW the 2nd;
    # the interruption comes at 91 µs of machine time, with 2 instructions run.
    f = Fake(record=card("W"))
    code = ins("SIO", 0, 0x00C) + ins("LPSW", 0, 0x300)
    m = machine({0x00C: f}, code, end=False,
                data={CCWS: ccw(0x02, DATA, 0, 80),
                      0x300: (0x80020000_00000000).to_bytes(8, "big"), 0x78: IO_NEW_WAIT})
    set_caw(m, CCWS)
    m.run(1000)
    assert m.ia == 0x777 and m.steps == 2
    assert m.now() == 91


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------
def test_reader_text_deck_is_ebcdic_padded_and_ends_with_unit_exception():
    r = CardReader2540([card("HELLO")])
    a = r.start(0x02, None)
    assert isinstance(a, Input) and a.data[:5] == bytes.fromhex("C8C5D3D3D6")
    assert a.data[5:] == b"\x40" * 75
    b = r.start(0x02, None)
    assert isinstance(b, Input) and b.data == b"" and b.status == CE_DE | UNIT_EXCEPTION


def test_reader_without_eof_ends_with_intervention_required():
    r = CardReader2540([], eof=False)
    assert isinstance(r.start(0x02, None), Reject)
    s = r.start(0x04, None)
    assert isinstance(s, Input) and s.data == b"\x40"
    assert isinstance(r.start(0x01, None), Reject)           # punch command: reject


def test_punch_writes_cards_as_text(tmp_path):
    p = CardPunch2540(tmp_path / "p.txt")
    out = p.start(0x01, None)
    assert isinstance(out, Output) and out.want == 80 and out.exact
    assert out.finish(card("PUNCHED")) == CE_DE
    p.close()
    assert (tmp_path / "p.txt").read_text() == "PUNCHED\n"


def test_printer_carriage_control(tmp_path):
    pr = Printer1403(tmp_path / "p.txt")

    def write(cmd: int, text: str) -> int:
        a = pr.start(cmd, None)
        assert isinstance(a, Output)
        return a.finish(to_ebcdic(text))
    assert write(0x09, "ONE  ") == CE_DE        # write, space 1: line 1 -> 2
    assert write(0x11, "TWO") == CE_DE          # space 2: line 2 -> 4
    assert write(0x01, "OVER") == CE_DE         # no space: CR
    a = pr.start(0x8B, None)                    # skip to channel 1 immediately: new page
    assert isinstance(a, Immediate)
    assert write(0x19, "TOP") == CE_DE          # line 1 -> 4
    pr.close()
    assert (tmp_path / "p.txt").read_bytes() == b"ONE\nTWO\n\nOVER\r\fTOP\n\n\n"


def test_printer_write_and_skip_to_channel_1_writes_a_carriage_return_first(tmp_path):
    # Hercules' printer.c (write and skip, "if ( chan == 1 )") writes "\r" before
    # skipping to channel 1, and for no other channel.
    pr = Printer1403(tmp_path / "p.txt")

    def write(cmd: int, text: str) -> int:
        a = pr.start(cmd, None)
        assert isinstance(a, Output)
        return a.finish(to_ebcdic(text))
    assert write(0x09, "ONE") == CE_DE          # line 1 -> 2
    assert write(0x89, "END") == CE_DE          # skip to channel 1: a new page
    assert write(0x91, "TWO") == CE_DE          # skip to channel 2 (line 7)
    pr.close()
    assert (tmp_path / "p.txt").read_bytes() == b"ONE\nEND\r\fTWO\n\n\n\n\n\n"


def test_printer_spacing_onto_channel_12_is_unit_exception(tmp_path):
    pr = Printer1403(tmp_path / "p.txt")
    a = pr.start(0xE3, None)                   # skip to channel 12 (line 61)
    assert isinstance(a, Immediate) and pr.line == 61
    a = pr.start(0x8B, None)
    b = pr.start(0x0B, None)                   # line 1 -> 2
    assert isinstance(b, Immediate) and b.status == CE_DE
    pr.line = 60
    b = pr.start(0x0B, None)                   # 60 -> 61: channel 12, overflow
    assert isinstance(b, Immediate) and b.status == CE_DE | UNIT_EXCEPTION
    assert isinstance(pr.start(0x02, None), Reject)         # read: command reject
    pr.close()


def test_console_write_read_and_cancel(tmp_path):
    c = Console3215(tmp_path / "c.txt", ["REPLY"], [])
    out = c.start(0x09, None)
    assert isinstance(out, Output) and out.finish(to_ebcdic("HELLO")) == CE_DE
    r = c.start(0x0A, None)
    assert isinstance(r, Input) and r.data == to_ebcdic("REPLY")
    r = c.start(0x0A, None)
    assert isinstance(r, Input) and r.data == b"" and r.status & UNIT_EXCEPTION
    c.close()
    assert (tmp_path / "c.txt").read_text() == "HELLO\nREPLY\n"


def make_disk(path: Path, blocks: int = 16) -> Path:
    path.write_bytes(b"".join(bytes([b]) * 512 for b in range(blocks)))
    return path


def test_disk_write_then_read_blocks(tmp_path):
    d = Disk3370(make_disk(tmp_path / "d.img"))
    m = machine({0x150: d}, data={
        CCWS: ccw(0x63, 0x900, 0x40, 16) + ccw(0x43, 0x910, 0x40, 8)
        + ccw(0x41, DATA, 0, 512),
        CCWS + 0x40: ccw(0x63, 0x920, 0x40, 16) + ccw(0x43, 0x930, 0x40, 8)
        + ccw(0x42, 0x2000, 0, 1536),
        0x900: de(0xC0, 0, 0, 15), 0x910: loc(0x01, 1, 5), DATA: b"W" * 512,
        0x920: de(0x40, 4, 0, 11), 0x930: loc(0x06, 3, 0)})
    set_caw(m, CCWS)
    assert sio(m, 0x150) == 0 and finish(m, 0x150) == 1
    assert csw_of(m)[1:] == (CCWS + 24, 0x0C, 0x00, 0)
    set_caw(m, CCWS + 0x40)
    assert sio(m, 0x150) == 0 and finish(m, 0x150) == 1
    # The extent starts at device block 4 and is numbered from 0: blocks 0-2 of
    # the extent are device blocks 4, 5 (just written), 6.
    assert bytes(m.mem[0x2000:0x2200]) == b"\x04" * 512
    assert bytes(m.mem[0x2200:0x2400]) == b"W" * 512
    assert bytes(m.mem[0x2400:0x2600]) == b"\x06" * 512
    d.close()
    assert (tmp_path / "d.img").read_bytes()[5 * 512:6 * 512] == b"W" * 512


def test_disk_host_read_failure_is_unit_check_with_equipment_check(tmp_path, monkeypatch):
    # A host file that cannot be read (docs/configuration.md): the READ chained
    # from LOCATE is rejected (unit check, no channel end or device end with it:
    # GA22-7000 ch.12, status presented at initiation), sense byte 0 X'10'.
    d = Disk3370(make_disk(tmp_path / "d.img"))

    def broken(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(d.file, "read", broken)
    m = machine({0x150: d}, data={
        CCWS: ccw(0x63, 0x900, 0x40, 16) + ccw(0x43, 0x910, 0x40, 8)
        + ccw(0x42, DATA, 0, 512), 0x900: de(0x40, 0, 0, 15), 0x910: loc(0x06, 1, 5)})
    set_caw(m, CCWS)
    assert sio(m, 0x150) == 0 and finish(m, 0x150) == 1
    # The CSW names the READ (at CCWS + 16) + 8; unit check alone; count 512.
    assert csw_of(m)[1:] == (CCWS + 24, 0x02, 0x00, 512)
    assert d.sense[0] == 0x10
    d.close()


@pytest.mark.parametrize("program", [
    [ccw(0x43, 0x910, 0, 8)],                                   # LOCATE before DE
    [ccw(0x63, 0x900, 0x40, 16), ccw(0x63, 0x900, 0, 16)],      # DE twice
    [ccw(0x63, 0x900, 0x40, 16), ccw(0x42, DATA, 0, 512)],      # READ without LOCATE
    [ccw(0x63, 0x940, 0x40, 16), ccw(0x43, 0x910, 0, 8)],       # write inhibited
    [ccw(0x63, 0x900, 0x40, 16), ccw(0x43, 0x950, 0, 8)],       # block beyond extent
], ids=["locate-first", "two-extents", "read-no-locate", "write-inhibited", "beyond"])
def test_disk_rule_broken_is_unit_check_command_reject(tmp_path, program):
    d = Disk3370(make_disk(tmp_path / "d.img"))
    m = machine({0x150: d}, data={CCWS: b"".join(program), 0x900: de(0xC0, 0, 0, 15),
                                  0x940: de(0x40, 0, 0, 15), 0x910: loc(0x01, 1, 5),
                                  0x950: loc(0x06, 1, 16),
                                  CCWS + 0x80: ccw(0x04, 0x3000, 0, 24)})
    set_caw(m, CCWS)
    if sio(m, 0x150) == 0:
        finish(m, 0x150)
    assert csw_of(m)[2] & UNIT_CHECK
    set_caw(m, CCWS + 0x80)
    assert sio(m, 0x150) == 0 and finish(m, 0x150) == 1
    assert m.mem[0x3000] == 0x80 and csw_of(m)[4] == 0   # 24 sense bytes, command reject


# ---------------------------------------------------------------------------
# IPL
# ---------------------------------------------------------------------------
def test_ipl_from_a_card_deck_loads_and_runs_the_program():
    deck = ipl_deck()
    m = Machine(64 * 1024)
    channels = ChannelSubsystem(m)
    channels.attach(0x00C, CardReader2540([deck[:80], deck[80:]]))
    m.channels = channels
    assert channels.ipl(0x00C) is None
    # BC-mode IPL PSW: the device address is stored at locations 2-3.
    assert bytes(m.mem[0:8]) == bytes.fromhex("0000000C00000400")
    assert m.run(100) == "disabled-wait" and m.gpr[7] == 0x77


def test_ipl_from_a_disk_stores_the_address_at_186_for_an_ec_psw(tmp_path):
    # Block 0: an EC-mode PSW to X'600' and, at 8, READ (X'42') of 512 bytes into
    # X'600': chained from READ IPL it reads block 1 (READ IPL defined the whole
    # device as the extent).  Block 1: LA 7,X'55'; LPSW of a disabled wait.
    img = bytearray(8 * 512)
    psw = bytes.fromhex("0008000000000600")
    img[0:16] = psw + ccw(0x42, 0x600, 0, 512)
    prog = ins("LA", 7, 0, 0, 0x55) + ins("LPSW", 0, 0x610)
    img[512:512 + 24] = prog.ljust(16, b"\0") + bytes.fromhex("000A000000000000")
    (tmp_path / "d.img").write_bytes(bytes(img))
    m = Machine(64 * 1024)
    channels = ChannelSubsystem(m)
    channels.attach(0x150, Disk3370(tmp_path / "d.img"))
    m.channels = channels
    assert channels.ipl(0x150) is None
    assert bytes(m.mem[186:188]) == bytes.fromhex("0150")
    assert bytes(m.mem[0:8]) == psw                # the EC PSW is left as it was read
    assert m.run(100) == "disabled-wait" and m.gpr[7] == 0x55
    channels.close()


def test_ipl_from_an_empty_reader_fails():
    m = Machine(64 * 1024)
    channels = ChannelSubsystem(m)
    channels.attach(0x00C, CardReader2540([]))
    m.channels = channels
    assert "status" in (channels.ipl(0x00C) or "")
    assert channels.ipl(0x00D) is not None


# ---------------------------------------------------------------------------
# Configuration and the command
# ---------------------------------------------------------------------------
def write_config(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.toml"
    p.write_text(textwrap.dedent(text))
    return p


def test_configuration_errors_name_file_and_line(tmp_path):
    (tmp_path / "cards.txt").write_text("A\n")
    cases = [
        ('storage = "3K"\n', 1, "multiple of 2K"),
        ('[[device]]\naddress = "00C"\ntype = "2540"\nfile = "cards.txt"\n', 3, "type"),
        ('[[device]]\naddress = "00C"\ntype = "2540R"\nfile = "nope.txt"\n', 4,
         "no such file"),
        ('[[device]]\naddress = "00C"\ntype = "2540R"\nfile = "cards.txt"\n'
         '[[device]]\naddress = "00C"\ntype = "1403"\nfile = "p.txt"\n', 6, "already"),
        ('[[device]]\naddress = "XYZ"\ntype = "1403"\nfile = "p.txt"\n', 2, "hex"),
        ('[[device]]\naddress = "00E"\ntype = "1403"\nfile = "p.txt"\nspeed = 3\n', 5,
         "unknown key"),
        ('storage = \n', 1, ""),
    ]
    for text, line, words in cases:
        p = write_config(tmp_path, text)
        with pytest.raises(ConfigError) as e:
            load_configuration(p)
        assert str(e.value).startswith(f"{p}:{line}: "), str(e.value)
        assert words in str(e.value)


def test_cli_bad_configuration_is_one_line_and_exit_2(tmp_path, capsys):
    p = write_config(tmp_path, '[[device]]\naddress = "00C"\ntype = "9999"\nfile = "x"\n')
    assert main(["run", "--config", str(p), "--ipl", "00C"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{p}:3:" in err


def test_cli_ipl_from_a_binary_deck(tmp_path, capsys):
    (tmp_path / "deck.bin").write_bytes(ipl_deck())
    p = write_config(tmp_path, """\
        storage = "64K"
        [[device]]
        address = "00C"
        type = "2540R"
        file = "deck.bin"
        format = "binary"
        """)
    assert main(["run", "--config", str(p), "--ipl", "00C", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait" and out["gpr"][7] == "00000077"
    assert len(out["keys"]) == 32          # 64K of storage from the configuration


def test_bundled_example_copies_the_cards_to_the_printer(tmp_path, capsys):
    shutil.copy(REPO / "examples" / "cards.txt", tmp_path)
    shutil.copy(REPO / "examples" / "cards.toml", tmp_path)
    assert main(["run", str(REPO / "examples" / "cards_to_printer.asm"), "--config",
                 str(tmp_path / "cards.toml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait" and out["psw"] == "000A000000000000"
    deck = (REPO / "examples" / "cards.txt").read_text().splitlines()
    assert out["gpr"][5] == f"{len(deck):08X}"
    printed = (tmp_path / "cards_to_printer.prt").read_text()
    assert printed == "".join(line.rstrip() + "\n" for line in deck)


# ---------------------------------------------------------------------------
# Host files: failures during the run are equipment checks; the checks before it
# ---------------------------------------------------------------------------
# GA22-7000 ch.12: unit status X'08' channel end, X'04' device end, X'02' unit
# check; a command the device rejects as it starts presents unit check alone (CSW
# stored by START I/O, CC 1).  The device rules (reference/io/devices.py): a host file
# that fails is an equipment check, sense byte 0 X'10'.
FULL = Path("/dev/full")          # every write fails with ENOSPC
NEEDS_DEV_FULL = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")


def sense_after(m: Machine, address: int) -> int:
    """SENSE (1 byte) to X'3000' after the command under test: sense byte 0."""
    put(m, CCWS + 0x80, ccw(0x04, 0x3000, 0, 1))
    set_caw(m, CCWS + 0x80)
    assert sio(m, address) == 0 and finish(m, address) == 1
    assert csw_of(m)[2:] == (CE_DE, 0x00, 0)
    return m.mem[0x3000]


@NEEDS_DEV_FULL
@pytest.mark.parametrize("device, command, flags, text, residual", [
    (lambda: Printer1403(FULL), 0x09, 0x20, "LINE", 0),          # write, space 1
    (lambda: CardPunch2540(FULL), 0x01, 0x00, "C" * 80, 0),       # punch a card
    (lambda: CardPunch2540(FULL, binary=True), 0x01, 0x00, "B" * 80, 0),
    (lambda: Console3215(FULL, [], []), 0x09, 0x20, "HELLO", 0),  # write, carrier return
], ids=["printer", "punch", "punch-binary", "console"])
def test_a_write_to_a_full_device_ends_with_unit_check_and_equipment_check(
        device, command, flags, text, residual):
    m = machine({0x00E: device()}, data={CCWS: ccw(command, DATA, flags, len(text)),
                                         DATA: to_ebcdic(text)})
    set_caw(m, CCWS)
    assert sio(m, 0x00E) == 0 and finish(m, 0x00E) == 1
    # The data went to the device (count fully used); the device could not store it:
    # channel end, device end and unit check; CCW address = the write's + 8.
    assert csw_of(m) == (0, CCWS + 8, CE_DE | UNIT_CHECK, 0x00, residual)
    assert sense_after(m, 0x00E) == 0x10


@NEEDS_DEV_FULL
def test_a_printer_space_on_a_full_device_is_rejected_with_equipment_check():
    # X'0B' space 1 line immediately: the carriage cannot move (the host file
    # refuses the newline), so the command is rejected as it starts: START I/O
    # stores the CSW with unit check alone (CC 1).
    m = machine({0x00E: Printer1403(FULL)}, data={CCWS: ccw(0x0B, 0, 0x20, 1)})
    set_caw(m, CCWS)
    assert sio(m, 0x00E) == 1
    assert csw_of(m)[2:4] == (UNIT_CHECK, 0x00)
    assert sense_after(m, 0x00E) == 0x10


@NEEDS_DEV_FULL
def test_a_console_read_whose_echo_fails_delivers_the_line_with_equipment_check():
    # Read inquiry: the operator's line is read (5 bytes of the count of 126, SLI:
    # residual 121); the console printer could not echo it: unit check at the end.
    m = machine({0x009: Console3215(FULL, ["REPLY"], [])},
                data={CCWS: ccw(0x0A, DATA, 0x20, 126)})
    set_caw(m, CCWS)
    assert sio(m, 0x009) == 0 and finish(m, 0x009) == 1
    assert csw_of(m) == (0, CCWS + 8, CE_DE | UNIT_CHECK, 0x00, 121)
    assert bytes(m.mem[DATA:DATA + 5]) == to_ebcdic("REPLY")
    assert sense_after(m, 0x009) == 0x10


def test_a_printer_line_the_host_file_refused_is_never_written_later(tmp_path,
                                                                     monkeypatch):
    # The first line's write fails (disk full for a moment): the guest gets the
    # equipment check, and that line must not appear when a later write succeeds.
    pr = Printer1403(tmp_path / "p.txt")
    inode = (tmp_path / "p.txt").stat().st_ino
    real_write, failed = os.write, []

    def flaky(fd: int, data: Any) -> int:
        if not failed and os.fstat(fd).st_ino == inode:
            failed.append(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", flaky)

    def write(text: str) -> int:
        a = pr.start(0x09, None)
        assert isinstance(a, Output)
        return a.finish(to_ebcdic(text))
    assert write("LOST") == CE_DE | UNIT_CHECK and pr.sense[0] == 0x10
    assert write("KEPT") == CE_DE
    pr.close()
    assert (tmp_path / "p.txt").read_bytes() == b"KEPT\n"


@NEEDS_DEV_FULL
def test_cli_printer_on_a_full_device_gets_equipment_check_and_the_run_ends(tmp_path,
                                                                           capsys):
    # examples/cards_to_printer.asm stops at X'BAD' on any unusual unit status; the
    # CSW at X'40' is the print's: unit status X'0E' (CE, DE, unit check).
    shutil.copy(REPO / "examples" / "cards.txt", tmp_path)
    p = write_config(tmp_path, """\
        [[device]]
        address = "00C"
        type = "2540R"
        file = "cards.txt"
        [[device]]
        address = "00E"
        type = "1403"
        file = "/dev/full"
        """)
    assert main(["run", str(REPO / "examples" / "cards_to_printer.asm"), "--config", str(p),
                 "--json", "--dump", "40-47"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait" and out["psw"] == "000A000000000BAD"
    assert out["storage"][0]["hex"][8:12] == "0E00"


def test_outputs_to_dev_null_are_allowed_even_twice(tmp_path):
    p = write_config(tmp_path, """\
        [[device]]
        address = "00E"
        type = "1403"
        file = "/dev/null"
        [[device]]
        address = "00D"
        type = "2540P"
        file = "/dev/null"
        """)
    config = load_configuration(p)
    assert [d.options["file"] for d in config.devices] == [Path("/dev/null")] * 2


NOTHING = bytes.fromhex("000A000000000000") + bytes(8)   # restart: a disabled wait


def run_refused(tmp_path: Path, capsys: Any, text: str) -> str:
    """``s370 run --config`` of ``text``: exit status 2, one line on stderr, nothing
    on stdout; the line."""
    (tmp_path / "nothing.bin").write_bytes(NOTHING)
    p = write_config(tmp_path, text)
    assert main(["run", str(tmp_path / "nothing.bin"), "--config", str(p)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    return err.rstrip("\n")


PUNCH_FIRST = """\
    [[device]]
    address = "00D"
    type = "2540P"
    file = "punch.txt"
    [[device]]
    address = "00E"
    type = "1403"
    file = "{printer}"
    """


@pytest.mark.parametrize("printer, make, problem", [
    ("nope/print.txt", None, "folder {tmp}/nope does not exist"),
    ("out", "folder", "a folder, not a file"),
    ("plain/print.txt", "file-parent", "{tmp}/plain is not a folder"),
], ids=["no-parent", "folder", "parent-is-a-file"])
def test_an_unusable_output_is_one_line_before_any_output_file_is_emptied(
        tmp_path, capsys, printer, make, problem):
    (tmp_path / "punch.txt").write_text("OLD PUNCH OUTPUT\n")
    if make == "folder":
        (tmp_path / "out").mkdir()
    elif make == "file-parent":
        (tmp_path / "plain").write_text("x")
    err = run_refused(tmp_path, capsys, PUNCH_FIRST.format(printer=printer))
    assert err == (f"{tmp_path / 'm.toml'}:8: file {printer!r}: "
                   + problem.format(tmp=tmp_path))
    assert (tmp_path / "punch.txt").read_text() == "OLD PUNCH OUTPUT\n"


def test_an_output_that_is_not_writable_is_refused(tmp_path, capsys, monkeypatch):
    # Root passes permission bits: the host's refusal is simulated by os.access.
    (tmp_path / "punch.txt").write_text("OLD PUNCH OUTPUT\n")
    (tmp_path / "ro.txt").write_text("READ ONLY\n")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False
                        if Path(path).name == "ro.txt" else real_access(path, mode, **kw))
    err = run_refused(tmp_path, capsys, PUNCH_FIRST.format(printer="ro.txt"))
    assert err == f"{tmp_path / 'm.toml'}:8: file 'ro.txt': not writable"
    assert (tmp_path / "ro.txt").read_text() == "READ ONLY\n"
    assert (tmp_path / "punch.txt").read_text() == "OLD PUNCH OUTPUT\n"


def test_a_deck_that_is_a_folder_is_refused_as_a_folder(tmp_path):
    (tmp_path / "deck").mkdir()
    p = write_config(tmp_path, '[[device]]\naddress = "00C"\ntype = "2540R"\n'
                               'file = "deck"\n')
    with pytest.raises(ConfigError) as e:
        load_configuration(p)
    assert str(e.value) == f"{p}:4: file 'deck': a folder, not a file"


def test_a_deck_whose_read_fails_is_one_line_naming_it(tmp_path, monkeypatch):
    (tmp_path / "cards.txt").write_text("A\n")
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self.name == "cards.txt":
            raise OSError(5, "Input/output error")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    p = write_config(tmp_path, '[[device]]\naddress = "00C"\ntype = "2540R"\n'
                               'file = "cards.txt"\n')
    with pytest.raises(ConfigError) as e:
        load_configuration(p)
    assert str(e.value) == f"{p}:4: file 'cards.txt': Input/output error"


def test_a_disk_image_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    make_disk(tmp_path / "d.img")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not mode & os.W_OK
                        if Path(path).name == "d.img" else real_access(path, mode, **kw))
    p = write_config(tmp_path, '[[device]]\naddress = "150"\ntype = "3370"\n'
                               'file = "d.img"\n')
    with pytest.raises(ConfigError) as e:
        load_configuration(p)
    assert str(e.value).startswith(f"{p}:4: file 'd.img': not writable")


# One host file named twice.  Each configuration names devices 00C reader
# (cards.txt), 150 disk (d.img) and the device under test last, at line 13.
SHARED_BASE = """\
    [[device]]
    address = "00C"
    type = "2540R"
    file = "cards.txt"
    [[device]]
    address = "150"
    type = "3370"
    file = "d.img"
    [[device]]
    address = "{address}"
    type = "{type}"
    {key} = "{file}"
    """


@pytest.mark.parametrize("address, kind, key, file, other", [
    ("00E", "1403", "file", "d.img", "file 'd.img' of device 150 (3370) at line 8"),
    ("00D", "2540P", "file", "cards.txt", "file 'cards.txt' of device 00C (2540R) at line 4"),
    ("009", "3215", "output", "hard.img", "file 'd.img' of device 150 (3370) at line 8"),
    ("00E", "1403", "file", "link.txt", "file 'cards.txt' of device 00C (2540R) at line 4"),
    ("00E", "1403", "file", "m.toml", "this configuration file"),
    ("151", "3370", "file", "d.img", "file 'd.img' of device 150 (3370) at line 8"),
], ids=["printer-over-disk", "punch-over-deck", "hard-link", "symbolic-link",
        "over-the-configuration", "two-disks"])
def test_one_host_file_named_by_two_devices_is_refused_and_left_untouched(
        tmp_path, capsys, address, kind, key, file, other):
    (tmp_path / "cards.txt").write_text("A CARD\n")
    make_disk(tmp_path / "d.img")
    os.link(tmp_path / "d.img", tmp_path / "hard.img")
    (tmp_path / "link.txt").symlink_to(tmp_path / "cards.txt")
    before = {f: (tmp_path / f).read_bytes() for f in ("cards.txt", "d.img")}
    text = SHARED_BASE.format(address=address, type=kind, key=key, file=file)
    err = run_refused(tmp_path, capsys, text)
    assert err == (f"{tmp_path / 'm.toml'}:12: {key} {file!r} of device {address} ({kind}) "
                   f"is the same host file as {other}")
    assert {f: (tmp_path / f).read_bytes() for f in before} == before


def test_a_console_output_over_its_own_input_is_refused(tmp_path):
    (tmp_path / "script.txt").write_text("REPLY\n")
    p = write_config(tmp_path, '[[device]]\naddress = "009"\ntype = "3215"\n'
                               'input = "script.txt"\noutput = "script.txt"\n')
    with pytest.raises(ConfigError) as e:
        load_configuration(p)
    assert str(e.value) == (f"{p}:5: output 'script.txt' of device 009 (3215) is the same "
                            "host file as input 'script.txt' of device 009 (3215) at line 4")
    assert (tmp_path / "script.txt").read_text() == "REPLY\n"


def test_two_devices_reading_one_file_are_allowed(tmp_path):
    (tmp_path / "lines.txt").write_text("A\n")
    p = write_config(tmp_path, '[[device]]\naddress = "009"\ntype = "3215"\n'
                               'input = "lines.txt"\n[[device]]\naddress = "00C"\n'
                               'type = "2540R"\nfile = "lines.txt"\n')
    assert len(load_configuration(p).devices) == 2


def test_a_printer_over_the_program_is_refused_and_the_program_kept(tmp_path, capsys):
    (tmp_path / "nothing.bin").write_bytes(NOTHING)
    p = write_config(tmp_path, '[[device]]\naddress = "00E"\ntype = "1403"\n'
                               'file = "nothing.bin"\n')
    assert main(["run", str(tmp_path / "nothing.bin"), "--config", str(p)]) == 2
    err = capsys.readouterr().err
    assert err == (f"{p}:4: file 'nothing.bin' of device 00E (1403) is the same host file "
                   f"as program '{tmp_path / 'nothing.bin'}'\n")
    assert (tmp_path / "nothing.bin").read_bytes() == NOTHING


# ---------------------------------------------------------------------------
# Random channel programs end in architected outcomes
# ---------------------------------------------------------------------------
COMMANDS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0C, 0x10, 0x42, 0xF1, 0xFF]


CHAINS = st.lists(ccws(COMMANDS, st.one_of(st.sampled_from([DATA, DATA + 1, CCWS, 0xFFF0,
                                                              0x7FF8]),
                                             st.integers(0, 0x1FFFF)),
                       [0, 1, 8, 80, 100, 0xFFFF]),
                  min_size=1, max_size=5).map(b"".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHAINS, st.integers(0, 15), st.sampled_from([0x00, 0x30, 0x38]),
       st.binary(max_size=120))
def test_random_ccw_chains_end_in_architected_outcomes(program, key, storage_key, record):
    f = Fake(record=record, want=len(record) or 1)
    m = machine({0x00C: f}, data={CCWS: program, 0x900: program})
    for block in (DATA >> 11, CCWS >> 11):
        m.keys[block] = storage_key
    set_caw(m, CCWS, key)
    cc = sio(m, 0x00C)
    assert cc in (0, 1)
    if cc == 0:
        assert finish(m, 0x00C, limit=2_000_000) == 1
    _, address, unit, channel, _ = csw_of(m)
    assert not m.channels.subchannels[0x00C].working
    assert tio(m, 0x00C) == 0
    # The ending names a CCW of the program (or its TIC target) and a status that
    # the channel or the device defines.
    assert unit & ~(0x0C | 0x40 | 0x02 | 0x01) == 0
    assert channel & ~(0x80 | 0x40 | 0x20 | 0x10) == 0
    assert address % 8 == 0


# ---------------------------------------------------------------------------
# Hercules: the same programs, device output and final state
# ---------------------------------------------------------------------------
NEEDS_HERCULES = pytest.mark.skipif(shutil.which("hercules") is None,
                                    reason="hercules is not installed")

def hercules_run(workdir: Path, devices: str, start: str, dumps: list[str]) -> Any:
    """Run Hercules 3.13 once with ``devices`` (configuration lines whose file names
    are relative to ``workdir``): ``start`` is ``loadcore IMAGE 0`` and then the
    command that starts the program (``restart``, or ``ipl ADDR``).  At the
    disabled wait the registers and the ``dumps`` ranges (``"200-3FF"``) are read
    back.  (conformance/hercules.py drives the panel and reads storage with savecore:
    daemon mode with a script that displays storage and quits loses the end of
    a long display now and then.)"""
    lines = []
    for line in devices.splitlines():
        words = line.split()
        words[2] = str(workdir / words[2])
        lines.append(" ".join(words))
    commands = [c for c in start.splitlines() if c.strip()]
    assert commands[0].startswith("loadcore ")
    image = (workdir / commands[0].split()[1]).read_bytes()
    ranges = [(int(d.split("-")[0], 16), int(d.split("-")[1], 16)) for d in dumps]
    with H.Hercules(config_text=H.MACHINE + "\n".join(lines) + "\n") as herc:
        result = herc.run_started(image, commands[-1], ranges, timeout=30.0)
    assert result.stopped == "disabled-wait", result.log[-2000:]
    return result


def hercules_storage(result: Any, start: int, end: int) -> bytes:
    return bytes(result.storage[(start, end)])


def hercules_gpr(result: Any) -> list[int]:
    return list(result.gpr)


@pytest.mark.hercules
@NEEDS_HERCULES
def test_card_to_printer_copy_agrees_with_hercules(tmp_path):
    ref_dir, herc_dir = tmp_path / "ref", tmp_path / "herc"
    ref_dir.mkdir()
    herc_dir.mkdir()
    for d in (ref_dir, herc_dir):
        shutil.copy(REPO / "examples" / "cards.txt", d)
    shutil.copy(REPO / "examples" / "cards.toml", ref_dir)
    source = REPO / "examples" / "cards_to_printer.asm"
    assert main(["asm", str(source), "-o", str(herc_dir / "prog.bin")]) == 0
    out = subprocess.run([sys.executable, "-m", "reference.cli", "run", str(source), "--config",
                          str(ref_dir / "cards.toml"), "--json", "--dump", "40-47",
                          "--dump", "200-3FF"], capture_output=True, text=True, check=True)
    ref = json.loads(out.stdout)
    # Hercules has no 2540: its 3505 reader and the 1403 answer the same commands.
    log = hercules_run(herc_dir, "000C 3505 cards.txt ascii eof\n000E 1403 print.txt\n",
                       "loadcore prog.bin 0\nrestart\n", ["40-47", "200-3FF"])
    assert (herc_dir / "print.txt").read_text() == \
        (ref_dir / "cards_to_printer.prt").read_text()
    assert [f"{v:08X}" for v in hercules_gpr(log)] == ref["gpr"]
    assert hercules_storage(log, 0x40, 0x47).hex().upper() == ref["storage"][0]["hex"]
    assert hercules_storage(log, 0x200, 0x3FF).hex().upper() == ref["storage"][1]["hex"]


@pytest.mark.hercules
@NEEDS_HERCULES
def test_disk_write_and_read_agree_with_hercules(tmp_path):
    # Write block 5; read extent blocks 2-4 (device blocks 4-6, the extent starting
    # at device block 2) with data chaining at a block boundary; LOCATE beyond the
    # extent: unit check.  Disk image, registers, CSWs and buffers must agree.
    ref_dir, herc_dir = tmp_path / "ref", tmp_path / "herc"
    for d in (ref_dir, herc_dir):
        d.mkdir()
        make_disk(d / "disk.img")
        (d / "disk.asm").write_text(DISK_PROGRAM)
    (ref_dir / "m.toml").write_text('[[device]]\naddress = "150"\ntype = "3370"\n'
                                    'file = "disk.img"\n')
    assert main(["asm", str(herc_dir / "disk.asm"), "-o", str(herc_dir / "prog.bin")]) == 0
    out = subprocess.run([sys.executable, "-m", "reference.cli", "run", str(ref_dir / "disk.asm"),
                          "--config", str(ref_dir / "m.toml"), "--json", "--dump", "200-3FF",
                          "--dump", "1000-17FF"], capture_output=True, text=True, check=True)
    ref = json.loads(out.stdout)
    assert ref["psw"] == "000A000000000000"
    log = hercules_run(herc_dir, "0150 3370 disk.img\n", "loadcore prog.bin 0\nrestart\n",
                       ["200-3FF", "1000-17FF"])
    assert (herc_dir / "disk.img").read_bytes() == (ref_dir / "disk.img").read_bytes()
    assert [f"{v:08X}" for v in hercules_gpr(log)] == ref["gpr"]
    assert hercules_storage(log, 0x200, 0x3FF).hex().upper() == ref["storage"][0]["hex"]
    assert hercules_storage(log, 0x1000, 0x17FF).hex().upper() == ref["storage"][1]["hex"]


# ---------------------------------------------------------------------------
# The configuration key floating_point
# ---------------------------------------------------------------------------
def floating_point_image() -> bytes:
    """Restart PSW -> X'200': LD 0,X'300' (1.0 there), then LPSW of a disabled
    wait at X'1F0'.  The program-new PSW is a disabled wait at X'BAD'."""
    image = bytearray(0x308)
    image[0:8] = bytes.fromhex("0000000000000200")
    image[0x68:0x70] = bytes.fromhex("0002000000000BAD")
    image[0x1F0:0x1F8] = bytes.fromhex("0002000000000000")
    code = ins("LD", 0, 0, 0, 0x300) + ins("LPSW", 0, 0x1F0)
    image[0x200:0x200 + len(code)] = code
    image[0x300:0x308] = bytes.fromhex("4110000000000000")   # 1.0
    return bytes(image)


def test_configuration_floating_point_false_makes_ld_an_operation_exception(tmp_path):
    # floating_point = false: a model without the facility.  LD (RX, 4 bytes) is an
    # operation exception: program old PSW code X'0001', ILC 2 (X'80'), next
    # instruction X'204'; the register stays zero.
    p = write_config(tmp_path, "floating_point = false\n")
    m = load_configuration(p).start(floating_point_image(), 64 * 1024)
    assert m.run(100) == "disabled-wait"
    assert m.mem[0x28:0x30].hex().upper() == "0000000180000204"
    assert m.fpr == [0, 0, 0, 0] and m.psw_value() & 0xFFFFFF == 0xBAD


@pytest.mark.parametrize("text", ["floating_point = true\n", ""])
def test_configuration_floating_point_true_or_absent_installs_the_facility(tmp_path, text):
    p = write_config(tmp_path, text)
    assert load_configuration(p).floating_point is True
    m = load_configuration(p).start(floating_point_image(), 64 * 1024)
    assert m.run(100) == "disabled-wait"
    assert m.fpr[0] == 0x41100000_00000000 and m.psw_value() & 0xFFFFFF == 0


def test_configuration_floating_point_must_be_true_or_false(tmp_path):
    p = write_config(tmp_path, 'storage = "64K"\nfloating_point = "no"\n')
    with pytest.raises(ConfigError) as e:
        load_configuration(p)
    assert str(e.value).startswith(f"{p}:2: ")
    assert "floating_point must be true or false" in str(e.value)


def test_cli_config_floating_point_false_and_no_floating_point_option(tmp_path, capsys):
    # The key in the configuration and --no-floating-point with a configuration
    # that leaves the facility installed both remove it.
    (tmp_path / "fp.bin").write_bytes(floating_point_image())
    for text, extra in (("floating_point = false\n", []), ("", ["--no-floating-point"])):
        p = write_config(tmp_path, text)
        assert main(["run", str(tmp_path / "fp.bin"), "--config", str(p), "--json",
                     "--dump", "28-2F", *extra]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["storage"][0]["hex"] == "0000000180000204", (text, extra)
        assert out["fpr"] == ["0000000000000000"] * 4


# ---------------------------------------------------------------------------
# CKD disks in the configuration (docs/configuration.md, "CKD disks in the
# configuration"): Hercules CKD/CCKD images made by reference.io.dasd.create
# ---------------------------------------------------------------------------
# A channel program run by a small program: START I/O at X'150', the CSW of its
# interruption stored at X'300', then SENSE (24 bytes, SLI) into X'320' and its
# CSW at X'308'.  ``body`` is the channel program's CCWs and data (assembler).
CKD_RUNNER = """\
RUNNER   START 0
         DC    X'00000000',A(BEGIN)
         ORG   RUNNER+X'78'
         DC    X'00000000',A(IOINT)
         ORG   RUNNER+X'400'
BEGIN    BALR  12,0
         USING *,12
         LA    1,PROG
         BAL   14,DOIO
         MVC   X'300'(8,0),X'40'
         LA    1,SENSE
         BAL   14,DOIO
         MVC   X'308'(8,0),X'40'
         LPSW  DONE
DOIO     ST    1,X'48'
         SIO   X'150'
         BZ    WAIT                    CC 0: wait for the interruption
         LPSW  BAD                     CC 1 (CSW stored), 2, 3
WAIT     LPSW  WAITPSW
IOINT    BR    14
         DS    0D
WAITPSW  DC    X'FE020000',A(0)
DONE     DC    X'000A0000',A(0)
BAD      DC    X'000A0000',A(X'BAD')
SENSE    DC    X'04',AL3(X'320'),X'20',X'00',AL2(24)
PROG     DS    0D
{body}
         END   BEGIN
"""

# Cylinder 0 head 0: SEEK, find R0 (SEARCH ID EQUAL / TIC loop), then WRITE COUNT
# KEY AND DATA of R1 and R2 (erasing the rest of the track: dasdinit's IPL1, IPL2
# and VOL1).  R1 is an IPL record: a BC-mode PSW to X'400', READ DATA (CC, SLI)
# of the next record (R2) into X'400', NO-OPERATION; R2 is the program: LA 7,X'3C'
# and LPSW of the disabled wait at X'410'.
CKD_WRITE_IPL_RECORDS = """\
         DC    X'07',AL3(SEEKARG),X'40',X'00',AL2(6)
SRCH     DC    X'31',AL3(R0ID),X'40',X'00',AL2(5)
         DC    X'08',AL3(SRCH),X'00',X'00',AL2(0)
         DC    X'1D',AL3(REC1),X'40',X'00',AL2(32)
         DC    X'1D',AL3(REC2),X'00',X'00',AL2(32)
SEEKARG  DC    XL6'00'
R0ID     DC    XL5'00'
         DS    0D
REC1     DC    X'0000000001000018',X'0000000000000400'
         DC    X'0600040060000050',X'0300000020000001'
REC2     DC    X'0000000002000018',X'4170003C82000410'
         DC    X'0000000000000000',X'000A000000000000'"""

# READ RECORD ZERO of cylinder 0 head 0 (16 bytes: count and data) into X'340'.
CKD_READ_R0 = """\
         DC    X'07',AL3(SEEKARG),X'40',X'00',AL2(6)
         DC    X'16',AL3(X'340'),X'00',X'00',AL2(16)
SEEKARG  DC    XL6'00'"""


def ckd_config(tmp_path: Path, name: str, extra: str = "", type_name: str = "3350") -> Path:
    p = tmp_path / f"{name}.toml"
    p.write_text(f'[[device]]\naddress = "150"\ntype = "{type_name}"\nfile = "vol.ckd"\n'
                 + extra)
    return p


def ckd_run(config: Path, body: str) -> Machine:
    """The runner with ``body`` on the configured machine, run to its stop (the
    devices closed); the program must end at DONE."""
    image = assemble(CKD_RUNNER.format(body=body), "<ckd>").image
    m = load_configuration(config).start(image, 64 * 1024)
    try:
        assert m.run(100_000) == "disabled-wait"
    finally:
        m.channels.close()
    assert m.state().psw & 0xFFFFFF == 0, "stopped at X'BAD'"
    return m


@pytest.mark.parametrize("compress", [None, "zlib", "bzip2"])
def test_ckd_volume_written_by_a_program_then_ipled_from(tmp_path, capsys, compress):
    # s370 run PROGRAM --config: the program writes R1 and R2 of track 0; the image
    # is closed with the machine (a compressed one made consistent: the "opened"
    # bit of its header off).  Then s370 run --config --ipl 150 on the same image,
    # read-only, loads R1, chains to the read of R2 and runs it.
    vol = tmp_path / "vol.ckd"
    dasd.create(str(vol), "3350", "IPL001", compress=compress, cylinders=2)
    vtoc = dasd.open_image(str(vol), readonly=True).read_track(0, 1)
    (tmp_path / "w.asm").write_text(CKD_RUNNER.format(body=CKD_WRITE_IPL_RECORDS))
    cfg = ckd_config(tmp_path, "w")
    assert main(["run", str(tmp_path / "w.asm"), "--config", str(cfg), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait"
    if compress is not None:
        assert vol.read_bytes()[512 + 3] & 0x80 == 0      # closed: not "opened"
    with dasd.open_image(str(vol), readonly=True) as image:
        image.check_tables()
        records = dasd.parse_track(image.read_track(0, 0))
        assert [(r.record, len(r.key), len(r.data)) for r in records] == [
            (0, 0, 8), (1, 0, 24), (2, 0, 24)]
        assert records[2].data[:8] == bytes.fromhex("4170003C82000410")
        assert image.read_track(0, 1) == vtoc             # the rest of the volume kept
    ipl = ckd_config(tmp_path, "ipl", "readonly = true\n")
    assert main(["run", "--config", str(ipl), "--ipl", "150", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait" and out["gpr"][7] == "0000003C"


def test_ckd_volume_fresh_from_create_ipls_into_dasdinits_wait(tmp_path, capsys):
    # READ IPL reads the data of R1 (not its key "IPL1"): dasdinit's PSW, a
    # disabled wait, is loaded.
    dasd.create(str(tmp_path / "vol.ckd"), "3380", cylinders=2)
    cfg = ckd_config(tmp_path, "c", type_name="3380")
    assert main(["run", "--config", str(cfg), "--ipl", "150", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stop"] == "disabled-wait" and out["psw"] == "000601500000000F"


def test_ckd_readonly_volume_refuses_a_write_with_equipment_check(tmp_path):
    vol = tmp_path / "vol.ckd"
    dasd.create(str(vol), "3350", cylinders=2)
    before = vol.read_bytes()
    m = ckd_run(ckd_config(tmp_path, "r", "readonly = true\n"), CKD_WRITE_IPL_RECORDS)
    assert m.mem[0x304] & 0x02                             # unit check
    assert bytes(m.mem[0x320:0x322]) == b"\x10\x02"       # equipment check, write inhibited
    assert vol.read_bytes() == before


@pytest.mark.parametrize("compress", [None, "zlib"])
def test_ckd_corrupt_track_in_a_run_is_an_equipment_check(tmp_path, compress):
    # The image passes the checks before the run (header, tables); track 0's own
    # image is corrupt: a home address naming another track (plain image) or a
    # stream that does not decompress (compressed).  Reading it is unit check
    # with equipment check for the guest; the run goes on to its stop and the
    # file is as it was.
    vol = tmp_path / "vol.ckd"
    dasd.create(str(vol), "3350", compress=compress, cylinders=2)
    data = bytearray(vol.read_bytes())
    if compress is None:
        data[512 + 1:512 + 5] = b"\x00\x07\x00\x07"       # HA says cylinder 7 head 7
    else:
        track0 = 1024 + 4 + 2048                           # after the level-1 and -2 tables
        data[track0 + 5:track0 + 25] = b"\x55" * 20
    vol.write_bytes(bytes(data))
    m = ckd_run(ckd_config(tmp_path, "c"), CKD_READ_R0)
    assert m.mem[0x304] == 0x0E                            # CE, DE, unit check
    assert m.mem[0x320] == 0x10                            # equipment check
    assert vol.read_bytes() == bytes(data)


def test_ckd_configuration_options_and_host_file_roles(tmp_path):
    dasd.create(str(tmp_path / "vol.ckd"), "3330", compress="zlib", cylinders=3)
    config = load_configuration(ckd_config(tmp_path, "a", type_name="3330-11"))
    spec = config.devices[0]
    assert spec.options == {"file": tmp_path / "vol.ckd", "format": "cckd", "readonly": False}
    assert spec.files[0].role == "disk"                   # read and written in place
    config = load_configuration(ckd_config(tmp_path, "b", 'readonly = true\nformat = "cckd"\n',
                                           type_name="3330"))
    assert config.devices[0].files[0].role == "input"
    # Two read-only devices may share an image.
    (tmp_path / "two.toml").write_text(
        '[[device]]\naddress = "150"\ntype = "3330"\nfile = "vol.ckd"\nreadonly = true\n'
        '[[device]]\naddress = "151"\ntype = "3330"\nfile = "vol.ckd"\nreadonly = true\n')
    assert len(load_configuration(tmp_path / "two.toml").devices) == 2
