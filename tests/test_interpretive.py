"""START INTERPRETIVE EXECUTION (docs/interpretive-execution.md):
reference/machine/interpretive.py and the harness conformance/interpretive.py.

Every expected value is derived from docs/interpretive-execution.md and, for the
ordinary instructions the guest and the host execute, from GA22-7000; offsets come
from the module's constants.  Instructions are written in hexadecimal so that the
IPA/IPB expected after an instruction interception can be read off the program.

The host used by most tests (``Host``): 256K of storage, EC mode, supervisor state,
key 0, disabled; its program at X'400' is ``SIE 0(15)`` then ``LPSW`` of a
disabled-wait PSW (``HOST_DONE``), its program, external and SVC new PSWs are
disabled waits at recognizable addresses.  The state description is at X'800'; the
resident guest's 64K are at host real X'10000'.  The guest program starts at guest
X'200' (EC mode, supervisor, disabled, key 0), its data at X'300'; its program,
SVC and external new PSWs are disabled waits too, so that an interruption presented
to the guest ends in a wait-state interception (code 28).
"""

from __future__ import annotations

import glob
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conformance.interpretive import run_interpreted
from conformance.strategies import PROGRAM_STORAGE, dat_programs, guest_programs
from reference.arch.lowcore import (
    EXTERNAL_CODE,
    EXTERNAL_OLD,
    PROGRAM_CODE,
    PROGRAM_ILC,
    PROGRAM_OLD,
    SVC_CODE,
    SVC_OLD,
    TOD_UNITS_PER_US,
    TRANSLATION_EXCEPTION_ADDRESS,
)
from reference.asm.assembler import assemble
from reference.machine import interpretive as sie
from reference.machine.machine import Machine
from reference.session import differences, start_machine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------
# The host
# ---------------------------------------------------------------------------
HOST_SIZE = 0x40000
HOST_PROGRAM = 0x400             # SIE 0(15); LPSW HOST_WAIT
HOST_WAIT = 0x410
HOST_DONE = 0x00D0E0             # the address of the host's final wait PSW
HOST_PROGRAM_TRAP = 0x000BA0     # addresses in the host's new PSWs
HOST_EXTERNAL_TRAP = 0x000E58
HOST_SVC_TRAP = 0x0005C0
SD_AT = 0x800
GUEST_ORIGIN = 0x10000
GUEST_EXTENT = 0x10000
HOST_TABLES = 0x1000             # pageable guests: the host's segment table ...
HOST_PAGE_TABLE = 0x1100         # ... and the page table of host segment 1
KEY_AREA = 0x3000                # pageable guests: their storage keys
PAGEABLE_ORIGIN = 0x100000       # pageable guests: host virtual origin (segment 1)
FRAMES = 0x20000                 # pageable guests: guest page n in host frame FRAMES + 4K*n

EC = 0x00080000_00000000         # PSW bit 12
PROBLEM = 0x00010000_00000000    # PSW bit 15
WAIT = 0x00020000_00000000       # PSW bit 14
MACHINE_CHECK = 0x00040000_00000000  # PSW bit 13
HOST_PSW = EC | HOST_PROGRAM     # EC, supervisor, key 0, disabled

# ---------------------------------------------------------------------------
# The guest
# ---------------------------------------------------------------------------
GUEST_CODE = 0x200
GUEST_DATA = 0x300
GUEST_PROGRAM_TRAP = 0x000BA0
GUEST_SVC_TRAP = 0x0005C0
GUEST_EXTERNAL_TRAP = 0x000E58
GUEST_PSW = EC | GUEST_CODE
GUEST_CR = {2: 0xFFFFFFFF, 14: 0xC2000000, 15: 0x00000200}   # CR0 zero: no subclass on

SIO = "9C00 0150"                # SIO X'150'
DIAG = "8300 0008"               # DIAG 0,0,8
DIAG_IPA, DIAG_IPB = 0x8300, 0x00080000


def h(text: str) -> bytes:
    """Instruction bytes written in hexadecimal (spaces ignored)."""
    return bytes.fromhex(text.replace(" ", ""))


def word(v: int) -> bytes:
    return (v & 0xFFFFFFFF).to_bytes(4, "big")


def dword(v: int) -> bytes:
    return (v & (1 << 64) - 1).to_bytes(8, "big")


def be(b: bytes, at: int, n: int) -> int:
    return int.from_bytes(b[at:at + n], "big")


def wait_psw(address: int) -> int:
    return EC | WAIT | address


def state_description(*, mode: int = sie.MODE_370 | sie.MODE_RESIDENT,
                      origin: int = GUEST_ORIGIN, extent: int = GUEST_EXTENT,
                      psw: int = GUEST_PSW, **fields: bytes) -> bytearray:
    """A state description; ``fields`` maps offsets (``at_<hex>``) to bytes."""
    b = bytearray(sie.SD_SIZE)
    b[sie.SD_MODE] = mode
    b[sie.SD_ORIGIN:sie.SD_ORIGIN + 4] = word(origin)
    b[sie.SD_EXTENT:sie.SD_EXTENT + 4] = word(extent)
    b[sie.SD_PSW:sie.SD_PSW + 8] = dword(psw)
    b[sie.SD_CPU_TIMER:sie.SD_CPU_TIMER + 8] = dword(0x7FFFFFFF_FFFFF000)
    b[sie.SD_CLOCK_COMPARATOR:sie.SD_CLOCK_COMPARATOR + 8] = dword(0xFFFFFFFF_FFFFF000)
    for n, value in GUEST_CR.items():
        b[sie.SD_CR + 4 * n:sie.SD_CR + 4 * n + 4] = word(value)
    for name, value in fields.items():
        at = int(name[3:], 16)
        b[at:at + len(value)] = value
    return b


class Host:
    """A host machine with the SIE program, a state description and a guest."""

    def __init__(self, code: bytes = b"", *, data: dict[int, bytes] | None = None,
                 sd: bytearray | None = None, resident: bool = True,
                 host_psw: int = HOST_PSW, size: int = HOST_SIZE,
                 invalid_pages: tuple[int, ...] = ()) -> None:
        m = self.m = Machine(size)
        m.write_real(0x58, dword(wait_psw(HOST_EXTERNAL_TRAP)))
        m.write_real(0x60, dword(wait_psw(HOST_SVC_TRAP)))
        m.write_real(0x68, dword(wait_psw(HOST_PROGRAM_TRAP)))
        m.write_real(HOST_PROGRAM, h("B214 F000") + h("8200 0410"))
        m.write_real(HOST_WAIT, dword(wait_psw(HOST_DONE)))
        m.gpr[15] = SD_AT
        self.resident = resident
        if sd is None:
            if resident:
                sd = state_description()
            else:
                sd = state_description(mode=sie.MODE_370, origin=PAGEABLE_ORIGIN,
                                       at_60=word(KEY_AREA))
        if not resident:
            self._host_tables(invalid_pages)
        m.write_real(SD_AT, bytes(sd))
        self.poke(0x58, dword(wait_psw(GUEST_EXTERNAL_TRAP)))
        self.poke(0x60, dword(wait_psw(GUEST_SVC_TRAP)))
        self.poke(0x68, dword(wait_psw(GUEST_PROGRAM_TRAP)))
        self.poke(GUEST_CODE, code)
        for at, blob in (data or {}).items():
            self.poke(at, blob)
        m.load_psw_value(host_psw)

    def _host_tables(self, invalid_pages: tuple[int, ...]) -> None:
        """Host DAT, 4K pages and 1M segments (CR0 bits 8-12 10010): host virtual
        PAGEABLE_ORIGIN + 4K*n is host real FRAMES + 4K*n for the guest's 16
        pages, except ``invalid_pages``."""
        m = self.m
        m.cr[0] = 0x00900000
        m.cr[1] = HOST_TABLES            # segment-table length 0: 16 entries
        for segment in range(16):
            m.write_real(HOST_TABLES + 4 * segment, word(1))     # invalid
        m.write_real(HOST_TABLES + 4, word(0xF0000000 | HOST_PAGE_TABLE))
        for n in range(256):
            entry = 0x0008 if n >= 16 or n in invalid_pages else (FRAMES >> 8) + (n << 4)
            m.write_real(HOST_PAGE_TABLE + 2 * n, entry.to_bytes(2, "big"))
        m.control_changed()

    def host_address(self, a: int) -> int:
        """The host real address of guest absolute ``a``."""
        return (GUEST_ORIGIN if self.resident else FRAMES) + a

    def poke(self, a: int, blob: bytes) -> None:
        """Store into guest absolute storage (host real, around host DAT)."""
        for i, byte in enumerate(blob):
            self.m.mem[self.host_address(a + i)] = byte

    def peek(self, a: int, n: int) -> bytes:
        return bytes(self.m.mem[self.host_address(a):self.host_address(a) + n])

    def run(self, steps: int = 10_000) -> Host:
        self.m.run(self.m.steps + steps)
        return self

    def sd(self) -> bytes:
        return self.m.read_real(SD_AT, sie.SD_SIZE)

    # The SD's fields
    @property
    def code(self) -> int:
        return self.sd()[sie.SD_CODE]

    @property
    def guest_psw(self) -> int:
        return be(self.sd(), sie.SD_PSW, 8)

    @property
    def ipa(self) -> int:
        return be(self.sd(), sie.SD_IPA, 2)

    @property
    def ipb(self) -> int:
        return be(self.sd(), sie.SD_IPB, 4)

    @property
    def instructions(self) -> int:
        return be(self.sd(), sie.SD_INSTRUCTIONS, 8)

    # The host's state
    @property
    def host_ia(self) -> int:
        return self.m.psw_value() & 0xFFFFFF

    def host_program_old_psw(self) -> int:
        return be(self.m.read_real(PROGRAM_OLD, 8), 0, 8)

    def host_program_code(self) -> int:
        return be(self.m.read_real(PROGRAM_CODE, 2), 0, 2)

    def host_program_ilc(self) -> int:
        return self.m.read_real(PROGRAM_ILC, 1)[0] >> 1 & 3

    # The guest's low storage
    def guest_program_old_psw(self) -> int:
        return be(self.peek(PROGRAM_OLD, 8), 0, 8)

    def guest_program_code(self) -> int:
        return be(self.peek(PROGRAM_CODE, 2), 0, 2)

    def guest_program_ilc(self) -> int:
        return self.peek(PROGRAM_ILC, 1)[0] >> 1 & 3


def run_guest(code: str, **kw: object) -> Host:
    """The guest program ``code`` (hex) run under the host until the host stops."""
    return Host(h(code), **kw).run()  # type: ignore[arg-type]


# ===========================================================================
# A. The host's side of SIE: the operand
# ===========================================================================
def test_sie_in_problem_state_is_a_privileged_operation():
    host = Host(h(DIAG), host_psw=HOST_PSW | PROBLEM)
    before = host.sd()
    gprs = list(host.m.gpr)
    host.run()
    assert host.host_ia == HOST_PROGRAM_TRAP
    assert host.host_program_code() == 0x0002
    assert host.host_program_ilc() == 2
    # Suppressed: the old PSW points past the SIE (GA22-7000 ch.6).
    assert host.host_program_old_psw() & 0xFFFFFF == HOST_PROGRAM + 4
    assert host.sd() == before
    assert host.m.gpr == gprs
    assert host.instructions == 0


def test_sie_with_sd_off_a_256_byte_boundary_is_a_specification_exception():
    host = Host(h(DIAG))
    host.m.gpr[15] = SD_AT + 8
    before = host.sd()
    host.run()
    assert host.host_ia == HOST_PROGRAM_TRAP
    assert host.host_program_code() == 0x0006
    assert host.host_program_ilc() == 2
    assert host.sd() == before


@pytest.mark.parametrize("sd", [HOST_SIZE, 0xFFFF00], ids=["at-end", "far-beyond"])
def test_sie_with_sd_beyond_storage_is_an_addressing_exception(sd):
    host = Host(h(DIAG))
    host.m.gpr[15] = sd
    host.run()
    assert host.host_ia == HOST_PROGRAM_TRAP
    assert host.host_program_code() == 0x0005
    assert host.host_program_ilc() == 2


def test_sie_address_is_real_so_the_host_prefix_applies():
    # SD at real X'800' with the host's prefix at X'20000': the SD is at absolute
    # X'20800' (GA22-7000 ch.3 prefixing).  Real 0-4095 of the host is then at
    # absolute X'20000', where its new PSWs and program must be.
    host = Host(h(DIAG))
    low = bytes(host.m.mem[0:0x1000])
    host.m.mem[0x20000:0x21000] = low
    host.m.prefix = 0x20000
    host.m.purge_tlb()
    host.run()
    assert host.host_ia == HOST_DONE
    assert host.m.mem[0x20800 + sie.SD_CODE] == sie.INSTRUCTION
    assert be(host.m.mem, 0x20800 + sie.SD_IPA, 2) == DIAG_IPA


def test_sie_that_ends_in_an_interception_completes():
    host = Host(h(DIAG))
    host.run()
    assert host.host_ia == HOST_DONE      # the host went on past the SIE to its LPSW
    assert host.code == sie.INSTRUCTION
    assert host.m.read_real(PROGRAM_OLD, 8) == bytes(8)   # no host program interruption


# ===========================================================================
# B. Validity interceptions (code 32, the reason at X'56', nothing else stored)
# ===========================================================================
RESIDENT = sie.MODE_370 | sie.MODE_RESIDENT
PAGEABLE = sie.MODE_370

VALIDITY_CASES = {
    # reason 1: M X'10' off
    "not-370": (1, dict(mode=sie.MODE_RESIDENT)),
    # reason 2: origin or extent not a multiple of 4K, extent 0 or over 16M
    "origin-not-4k": (2, dict(origin=GUEST_ORIGIN + 0x800)),
    "extent-not-4k": (2, dict(extent=GUEST_EXTENT + 0x800)),
    "extent-zero": (2, dict(extent=0)),
    "extent-over-16m": (2, dict(origin=0x0, extent=(1 << 24) + 0x1000)),
    # reason 3: resident storage outside host storage or over reserved areas
    "beyond-host": (3, dict(origin=HOST_SIZE - 0x1000, extent=0x2000)),
    "over-host-page-0": (3, dict(origin=0, extent=0x10000)),
    "over-the-sd": (3, dict(origin=0x1000, extent=0x1000, sd_at=0x1800)),
    "over-host-prefix-area": (3, dict(host_prefix=0x20000, extent=0x20000)),
    # reason 4: key area
    "key-area-in-guest-storage": (4, dict(at_60=word(GUEST_ORIGIN + 0x100))),
    "key-area-beyond-host": (4, dict(at_60=word(HOST_SIZE - 0x10))),
    "key-area-in-host-page-0": (4, dict(at_60=word(0x100))),
    "key-area-over-the-sd": (4, dict(sd_at=0x4000, at_60=word(0x40F8))),
    # reason 5: the guest's prefix area beyond its extent
    "prefix-beyond-extent": (5, dict(at_04=word(GUEST_EXTENT))),
    # reason 6: pageable, host CR0 names no translation format
    "host-cr0-no-format": (6, dict(mode=PAGEABLE, origin=PAGEABLE_ORIGIN,
                                   at_60=word(KEY_AREA))),
    # reason 7: pageable, origin plus extent beyond 16M
    "pageable-beyond-16m": (7, dict(mode=PAGEABLE, origin=0xFF8000 & ~0xFFF,
                                    extent=0x10000, at_60=word(KEY_AREA), host_dat=True)),
}


@pytest.mark.parametrize("case", list(VALIDITY_CASES))
def test_validity_interception_gives_reason_and_stores_nothing_else(case):
    reason, fields = VALIDITY_CASES[case]
    fields = dict(fields)
    sd_at = fields.pop("sd_at", SD_AT)
    host_prefix = fields.pop("host_prefix", 0)
    host_dat = fields.pop("host_dat", False)
    m = Machine(HOST_SIZE)
    m.write_real(0x68, dword(wait_psw(HOST_PROGRAM_TRAP)))
    m.write_real(HOST_PROGRAM, h("B214 F000") + h("8200 0410"))
    m.write_real(HOST_WAIT, dword(wait_psw(HOST_DONE)))
    if host_prefix:
        m.mem[host_prefix:host_prefix + 0x1000] = m.mem[0:0x1000]
        m.prefix = host_prefix
        m.purge_tlb()
    if host_dat:
        m.cr[0] = 0x00900000
        m.cr[1] = HOST_TABLES
        m.control_changed()
    sd = state_description(psw=GUEST_PSW, **fields)
    sd[sie.SD_GR14:sie.SD_GR14 + 8] = h("1414141415151515")
    m.write_real(sd_at, bytes(sd))
    m.gpr[15] = sd_at
    gprs = list(m.gpr)
    m.load_psw_value(HOST_PSW)
    m.run(1000)
    after = m.read_real(sd_at, sie.SD_SIZE)
    assert m.psw_value() & 0xFFFFFF == HOST_DONE      # SIE completed
    assert after[sie.SD_CODE] == sie.VALIDITY
    assert be(after, sie.SD_IPA, 2) == reason
    # Nothing else is stored: every byte but the code, the status and the reason
    # is as before (the guest PSW, its registers, its time).
    changed = [i for i in range(sie.SD_SIZE) if after[i] != sd[i]
               and i not in (sie.SD_CODE, sie.SD_FLAGS, sie.SD_IPA, sie.SD_IPA + 1)]
    assert changed == []
    assert m.gpr == gprs
    assert m.steps == 2                  # the SIE and the LPSW: no guest instruction


def test_validity_reasons_are_the_documented_numbers():
    assert (sie.VALIDITY_MODE, sie.VALIDITY_STORAGE_SHAPE, sie.VALIDITY_STORAGE_PLACE,
            sie.VALIDITY_KEY_AREA, sie.VALIDITY_PREFIX, sie.VALIDITY_HOST_DAT,
            sie.VALIDITY_HOST_SPACE) == (1, 2, 3, 4, 5, 6, 7)
    assert sie.VALIDITY == 32


def test_a_valid_resident_sd_with_a_key_area_outside_guest_storage_runs():
    host = run_guest(DIAG, sd=state_description(at_60=word(KEY_AREA)))
    assert host.code == sie.INSTRUCTION


def test_an_extent_of_exactly_16m_is_not_a_shape_error():
    # Extent 16M is allowed by reason 2 ("over 16M" is the limit); resident in a
    # 16M host it would overlap host page 0, so it is reason 3 and not reason 2.
    m = Machine(1 << 24)
    m.write_real(HOST_PROGRAM, h("B214 F000") + h("8200 0410"))
    m.write_real(HOST_WAIT, dword(wait_psw(HOST_DONE)))
    m.write_real(SD_AT, bytes(state_description(origin=0, extent=1 << 24)))
    m.gpr[15] = SD_AT
    m.load_psw_value(HOST_PSW)
    m.run(100)
    assert m.read_real(SD_AT + sie.SD_CODE, 1)[0] == sie.VALIDITY
    assert be(m.read_real(SD_AT, sie.SD_SIZE), sie.SD_IPA, 2) == 3


# ===========================================================================
# C. Instruction interceptions (code 4)
# ===========================================================================
ALWAYS = {
    "SIO": "9C00 0150", "SIOF": "9C01 0150", "TIO": "9D00 0150", "CLRIO": "9D01 0150",
    "HIO": "9E00 0150", "HDV": "9E01 0150", "TCH": "9F00 0000", "STIDC": "B203 0300",
    "DIAG": "8312 0345", "SIGP": "AE12 0001", "STIDP": "B202 0300", "SIE": "B214 0800",
}


@pytest.mark.parametrize("mnemonic", list(ALWAYS))
def test_always_intercepted_instruction_gives_code_4_with_its_bytes(mnemonic):
    text = ALWAYS[mnemonic]
    # LA 1,5 then the instruction.
    host = run_guest("4110 0005" + text + DIAG)
    code = h(text)
    assert host.code == sie.INSTRUCTION
    assert host.ipa == be(code, 0, 2)
    assert host.ipb == be(code.ljust(6, b"\0"), 2, 4)
    assert host.sd()[sie.SD_FLAGS] == 0
    # The guest PSW points past the instruction; the LA was executed.
    assert host.guest_psw == GUEST_PSW + 8
    assert host.m.gpr[1] == 5
    # Both instructions count, the intercepted one too (its simulation takes its place).
    assert host.instructions == 2
    assert be(host.sd(), sie.SD_ELAPSED, 8) == 2
    # The instruction was not performed: nothing stored at X'300'.
    assert host.peek(GUEST_DATA, 8) == bytes(8)


@pytest.mark.parametrize("mnemonic", ["SIO", "DIAG", "SIGP", "STIDP", "SIE", "STIDC"])
def test_intercepted_instruction_in_guest_problem_state_is_a_guest_privileged_operation(
        mnemonic):
    host = run_guest(ALWAYS[mnemonic], sd=state_description(psw=GUEST_PSW | PROBLEM))
    # The guest took its own privileged-operation exception and loaded its
    # program new PSW, a disabled wait: wait-state interception.
    assert host.code == sie.WAIT_STATE
    assert host.guest_psw == wait_psw(GUEST_PROGRAM_TRAP)
    assert host.guest_program_code() == 0x0002
    assert host.guest_program_ilc() == 2
    # Suppressed: the old PSW points past the instruction, problem state.
    assert host.guest_program_old_psw() & PROBLEM
    assert host.guest_program_old_psw() & 0xFFFFFF == GUEST_CODE + 4


def test_execute_of_an_intercepted_instruction_names_the_execute():
    # EX 0,X'300' at X'200'; at X'300' SIO X'150'.
    host = run_guest("4400 0300", data={GUEST_DATA: h(SIO)})
    assert host.code == sie.INSTRUCTION
    assert host.ipa == 0x4400
    assert host.ipb == 0x03000000
    assert host.sd()[sie.SD_FLAGS] == sie.FLAG_EXECUTE == 0x01
    assert host.guest_psw == GUEST_PSW + 4


def test_execute_of_a_not_intercepted_instruction_sets_no_status():
    # EX 0,X'300' with LA 1,7 as target, then DIAG.
    host = run_guest("4400 0300" + DIAG, data={GUEST_DATA: h("4110 0007")})
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (DIAG_IPA, DIAG_IPB)
    assert host.sd()[sie.SD_FLAGS] == 0
    assert host.m.gpr[1] == 7


# Each interception control of the table: (SD offset, bit, the instruction, its
# set-up data at X'300'-X'3FF' and registers).  The instruction is followed by
# DIAG: when it is not intercepted, the DIAG is.
SELECTABLE = {
    "IPTE": (sie.SD_CONTROLS + 0, 0x01, "B221 0012"),
    "LPSW": (sie.SD_CONTROLS + 1, 0x40, "8200 0300"),
    "PTLB": (sie.SD_CONTROLS + 1, 0x20, "B20D 0000"),
    "SSM": (sie.SD_CONTROLS + 1, 0x10, "8000 0308"),
    "STCTL": (sie.SD_CONTROLS + 1, 0x04, "B600 0310"),
    "STOSM": (sie.SD_CONTROLS + 1, 0x02, "AD00 0310"),
    "STNSM": (sie.SD_CONTROLS + 1, 0x01, "ACFF 0310"),
    "STCK": (sie.SD_CONTROLS + 2, 0x80, "B205 0310"),
    "ISK": (sie.SD_CONTROLS + 2, 0x40, "0923"),
    "SSK": (sie.SD_CONTROLS + 2, 0x20, "0843"),
    "RRB": (sie.SD_CONTROLS + 2, 0x10, "B213 3000"),
    "TPROT": (sie.SD_CONTROLS + 2, 0x02, "E501 0310 0000"),
    "SPT": (sie.SD_CONTROLS + 3, 0x40, "B208 0318"),
    "STPT": (sie.SD_CONTROLS + 3, 0x40, "B209 0310"),
    "SCKC": (sie.SD_CONTROLS + 3, 0x20, "B206 0318"),
    "STCKC": (sie.SD_CONTROLS + 3, 0x20, "B207 0310"),
}
# Guest registers: R1 a page-table origin (X'1000', all entries invalid), R2 a
# virtual address (0), R3 a real address (X'3000'), R4 a key (X'00').
SELECT_DATA = {
    GUEST_DATA: dword(EC | GUEST_CODE + 20),       # LPSW target: the next instruction
    GUEST_DATA + 8: b"\x00",                        # SSM: mask 0
    GUEST_DATA + 0x18: dword(0x00000000_FFFFF000),  # SPT, SCKC operand
    0x1000: b"\x00\x08" * 16,
}
SELECT_SETUP = "4110 1000" "4120 0000" "4130 3000" "4140 0000"   # LA 1..4
GUEST_CR0_DAT = 0x00900000                          # 4K pages, 1M segments


def _selected_host(mnemonic: str, controls: dict[int, int]) -> Host:
    text = SELECTABLE[mnemonic][2]
    fields = {f"at_{at:x}": bytes([bit]) for at, bit in controls.items()}
    sd = state_description(at_80=word(GUEST_CR0_DAT), **fields)
    return run_guest(SELECT_SETUP + text + DIAG, sd=sd, data=SELECT_DATA)


def _controls_except(mnemonic: str) -> dict[int, int]:
    controls: dict[int, int] = {}
    own = SELECTABLE[mnemonic][:2]
    for at, bit, _ in SELECTABLE.values():
        if (at, bit) != own:
            controls[at] = controls.get(at, 0) | bit
    return controls


@pytest.mark.parametrize("mnemonic", list(SELECTABLE))
def test_interception_control_intercepts_the_selected_instruction(mnemonic):
    at, bit, text = SELECTABLE[mnemonic]
    host = _selected_host(mnemonic, {at: bit})
    code = h(text)
    assert host.code == sie.INSTRUCTION
    assert host.ipa == be(code, 0, 2)
    assert host.ipb == be(code.ljust(6, b"\0"), 2, 4)
    assert host.guest_psw & 0xFFFFFF == GUEST_CODE + 16 + len(code)
    assert host.instructions == 5


@pytest.mark.parametrize("mnemonic", list(SELECTABLE))
def test_interception_controls_of_other_instructions_leave_it_interpreted(mnemonic):
    host = _selected_host(mnemonic, _controls_except(mnemonic))
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (DIAG_IPA, DIAG_IPB)


@pytest.mark.parametrize("mnemonic", list(SELECTABLE))
def test_without_interception_controls_the_instruction_is_interpreted(mnemonic):
    host = _selected_host(mnemonic, {})
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (DIAG_IPA, DIAG_IPB)


def test_selected_instruction_in_guest_problem_state_is_guest_privileged_operation():
    sd = state_description(psw=GUEST_PSW | PROBLEM, at_49=b"\x10")     # IC1 X'10' SSM
    host = run_guest("8000 0300" + DIAG, sd=sd)
    assert host.code == sie.WAIT_STATE
    assert host.guest_program_code() == 0x0002
    assert host.guest_program_old_psw() & 0xFFFFFF == GUEST_CODE + 4


def test_interpreted_ssm_changes_the_guest_system_mask():
    host = run_guest("8000 0300" + DIAG, data={GUEST_DATA: b"\x03"})
    assert host.code == sie.INSTRUCTION
    assert host.guest_psw >> 56 == 0x03


# LCTL controls: bit n of the halfword at X'44' for CR n.  LCTL 14,1,X'300' loads
# CR14, CR15, CR0, CR1 (the range wraps, GA22-7000 LOAD CONTROL).
LCTL_WRAP = "B7E1 0300"
LCTL_VALUES = word(0xC2000000) + word(0x00000200) + word(0x00900000) + word(0x00001000)


@pytest.mark.parametrize("cr", [14, 15, 0, 1])
def test_lctl_control_intercepts_a_wrapping_range_that_includes_its_register(cr):
    sd = state_description(at_44=(0x8000 >> cr).to_bytes(2, "big"))
    host = run_guest(LCTL_WRAP + DIAG, sd=sd, data={GUEST_DATA: LCTL_VALUES})
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (0xB7E1, 0x03000000)
    assert host.guest_psw == GUEST_PSW + 4
    # Intercepted before any operand is accessed: CR0 unchanged in the SD.
    assert be(host.sd(), sie.SD_CR, 4) == 0


@pytest.mark.parametrize("cr", [2, 5, 13])
def test_lctl_control_of_a_register_outside_the_range_does_not_intercept(cr):
    sd = state_description(at_44=(0x8000 >> cr).to_bytes(2, "big"))
    host = run_guest(LCTL_WRAP + DIAG, sd=sd, data={GUEST_DATA: LCTL_VALUES})
    assert (host.code, host.ipa, host.ipb) == (sie.INSTRUCTION, DIAG_IPA, DIAG_IPB)
    sd_after = host.sd()
    assert [be(sd_after, sie.SD_CR + 4 * n, 4) for n in (14, 15, 0, 1)] == \
        [0xC2000000, 0x00000200, 0x00900000, 0x00001000]


@pytest.mark.parametrize("controls,number,intercepted", [
    (h("80000000"), 5, True),          # all
    (h("80000000"), 0, True),
    (h("40050000"), 5, True),          # first number
    (h("40050000"), 6, False),
    (h("20000600"), 6, True),          # second number
    (h("10000007"), 7, True),          # third number
    (h("10000007"), 5, False),
    (h("00050607"), 5, False),         # numbers without their bits
    (h("60050607"), 7, False),         # the third's bit off
])
def test_svc_controls_intercept_only_the_selected_numbers(controls, number, intercepted):
    sd = state_description(at_40=controls)
    host = run_guest(f"0A{number:02X}" + DIAG, sd=sd)
    if intercepted:
        assert host.code == sie.INSTRUCTION
        assert (host.ipa, host.ipb) == (0x0A00 | number, 0)
        assert host.guest_psw == GUEST_PSW + 2
    else:
        # The guest's own SVC interruption, then its SVC new PSW's wait.
        assert host.code == sie.WAIT_STATE
        assert host.guest_psw == wait_psw(GUEST_SVC_TRAP)
        assert be(host.peek(SVC_CODE, 2), 0, 2) == number
        assert be(host.peek(SVC_OLD, 8), 0, 8) & 0xFFFFFF == GUEST_CODE + 2


# ===========================================================================
# D. Program-interruption interceptions (codes 8 and 44)
# ===========================================================================
def _parameters(host: Host) -> tuple[int, int, int]:
    """The SD's interruption parameters at X'C0', laid out as low storage 140-147:
    the ILC byte (bits 5-6), the code halfword, the translation-exception address."""
    b = host.sd()
    return b[sie.SD_IP + 1] >> 1 & 3, be(b, sie.SD_IP + 2, 2), be(b, sie.SD_IP + 4, 4)


@pytest.mark.parametrize("ic0,expected", [
    (0x20, sie.PROGRAM_INTERRUPTION),
    (0x80, sie.OPERATION_EXCEPTION),
    (0xA0, sie.PROGRAM_INTERRUPTION),     # 44 only with IC0 X'20' off
])
def test_operation_exception_intercepted_by_ic0(ic0, expected):
    # X'0000' is not an operation: operation exception, ILC 1, suppressed.
    host = run_guest("4110 0005" "0000" + DIAG, sd=state_description(at_48=bytes([ic0])))
    assert host.code == expected
    assert _parameters(host)[:2] == (1, 0x0001)
    assert host.guest_psw == GUEST_PSW + 6
    # Not presented to the guest.
    assert host.guest_program_old_psw() == 0


def test_privileged_operation_intercepted_by_ic0_x40():
    sd = state_description(psw=GUEST_PSW | PROBLEM, at_48=b"\x40")
    host = run_guest("8000 0300" + DIAG, sd=sd)
    assert host.code == sie.PROGRAM_INTERRUPTION
    assert _parameters(host)[:2] == (2, 0x0002)
    assert host.guest_psw & 0xFFFFFF == GUEST_CODE + 4
    assert host.guest_program_old_psw() == 0


def test_ic0_x40_does_not_intercept_other_program_interruptions():
    host = run_guest("0000" + DIAG, sd=state_description(at_48=b"\x40"))
    assert host.code == sie.WAIT_STATE
    assert host.guest_program_code() == 0x0001
    assert host.guest_program_ilc() == 1
    assert host.guest_program_old_psw() & 0xFFFFFF == GUEST_CODE + 2


def test_ic0_x80_does_not_intercept_other_program_interruptions():
    # A specification exception: LPSW of an odd address.
    host = run_guest("8200 0301" + DIAG, sd=state_description(at_48=b"\x80"))
    assert host.code == sie.WAIT_STATE
    assert host.guest_program_code() == 0x0006


def test_ic0_x20_intercepts_a_specification_exception():
    host = run_guest("8200 0301" + DIAG, sd=state_description(at_48=b"\x20"))
    assert host.code == sie.PROGRAM_INTERRUPTION
    assert _parameters(host)[:2] == (2, 0x0006)


# Guest DAT: CR0 4K pages and 64K segments (bits 8-12 10000), CR1 a segment table
# at X'1000' (length 0); segment 0's page table at X'1100': page 0 maps frame 0,
# pages 1-15 invalid.
GUEST_DAT_DATA = {
    0x1000: word(0xF0001100) + word(1) * 15,
    0x1100: b"\x00\x00" + b"\x00\x08" * 15,
}
DAT_ON = 0x04000000_00000000          # PSW bit 5


def test_ic0_x20_intercepts_a_guest_page_translation_exception_as_nullified():
    sd = state_description(psw=GUEST_PSW | DAT_ON, at_48=b"\x20",
                           at_80=word(0x00800000), at_84=word(0x00001000))
    # LA 2,X'100'; SLL 2,4; L 1,X'234'(0,2): virtual X'1234', in invalid page 1.
    host = run_guest("4120 0100" "8920 0004" "5810 2234" + DIAG, sd=sd,
                     data=GUEST_DAT_DATA)
    assert host.code == sie.PROGRAM_INTERRUPTION
    # Page-translation exception X'11', ILC 2; nullified: the PSW at the L.
    ilc, code, tea = _parameters(host)
    assert (ilc, code) == (2, 0x0011)
    assert tea & 0xFFF000 == 0x001000          # the page of the address (GA22-7000)
    assert host.guest_psw & 0xFFFFFF == GUEST_CODE + 8
    assert host.m.gpr[1] == 0


# ===========================================================================
# E. The wait state (code 28)
# ===========================================================================
@pytest.mark.parametrize("wait", [wait_psw(0xABC), 0x01000000_00000000 | wait_psw(0xDEF)],
                         ids=["disabled", "enabled-external"])
def test_guest_that_loads_a_wait_psw_gives_code_28_and_the_psw(wait):
    host = run_guest("4110 0005" "8200 0300", data={GUEST_DATA: dword(wait)})
    assert host.code == sie.WAIT_STATE
    assert host.guest_psw == wait
    assert host.instructions == 2
    assert host.m.gpr[1] == 5
    assert host.host_ia == HOST_DONE


def test_chain_of_interruptions_without_an_instruction_gives_code_56():
    # The guest is enabled for its clock comparator (CR0 bit 20), whose condition
    # stays pending (comparator 0, guest TOD far above it), and its external new
    # PSW is enabled too: interruption after interruption with no instruction
    # between them (GA22-7000 ch.6), until the chain limit, 5 at X'FC'.
    enabled = 0x01000000_00000000
    sd = state_description(psw=enabled | GUEST_PSW, at_fc=word(5), at_30=dword(0),
                           at_38=dword(1 << 50), at_80=word(0x00000800))
    host = Host(h(DIAG), sd=sd)
    host.poke(0x58, dword(enabled | EC | 0x700))
    host.run()
    assert host.code == sie.INTERRUPTION_LOOP == 56
    assert host.instructions == 0
    assert be(host.sd(), sie.SD_CHAIN, 4) == 5
    assert be(host.peek(EXTERNAL_CODE, 2), 0, 2) == 0x1004
    assert host.guest_psw == enabled | EC | 0x700


# ===========================================================================
# F. Requests (codes 16, 24, 36)
# ===========================================================================
def test_external_request_intercepts_right_after_ssm_enables_external():
    # LA 1,5; SSM X'300' (mask X'01': external); LA 2,7; DIAG.
    host = run_guest("4110 0005" "8000 0300" "4120 0007" + DIAG, data={GUEST_DATA: b"\x01"},
                     sd=state_description(at_00=b"\x01"))
    assert host.code == sie.EXTERNAL_REQUEST
    assert host.guest_psw == 0x01000000_00000000 | GUEST_PSW + 8
    assert host.m.gpr[2] == 0
    assert host.instructions == 2


def test_external_request_is_not_taken_while_the_guest_stays_disabled():
    # SSM with mask X'02' (I/O only) does not enable external interruptions.
    host = run_guest("8000 0300" + DIAG, data={GUEST_DATA: b"\x02"},
                     sd=state_description(at_00=b"\x01"))
    assert (host.code, host.ipa) == (sie.INSTRUCTION, DIAG_IPA)


@pytest.mark.parametrize("mask", [0x02, 0x03])
def test_io_request_intercepts_right_after_ssm_enables_io(mask):
    host = run_guest("8000 0300" "4120 0007" + DIAG, data={GUEST_DATA: bytes([mask])},
                     sd=state_description(at_00=b"\x02"))
    assert host.code == sie.IO_REQUEST
    assert host.guest_psw == (mask << 56) | GUEST_PSW + 4
    assert host.m.gpr[2] == 0


def test_io_request_of_a_bc_guest_after_ssm_enables_a_channel():
    # BC mode: system-mask bits 0-6 are the channel masks (GA22-7000 ch.4).
    bc = GUEST_CODE
    host = run_guest("8000 0300" "4120 0007" + DIAG, data={GUEST_DATA: b"\x80"},
                     sd=state_description(psw=bc, at_00=b"\x02"))
    assert host.code == sie.IO_REQUEST
    assert host.guest_psw >> 56 == 0x80
    assert host.guest_psw & 0xFFFFFF == GUEST_CODE + 4


def test_machine_check_request_intercepts_after_lpsw_enables_machine_checks():
    # LPSW of an EC PSW with bit 13 on, pointing to the next instruction.
    new = EC | MACHINE_CHECK | GUEST_CODE + 4
    host = run_guest("8200 0300" "4120 0007" + DIAG, data={GUEST_DATA: dword(new)},
                     sd=state_description(at_00=b"\x20"))
    assert host.code == sie.MACHINE_CHECK_REQUEST
    assert host.guest_psw == new
    assert host.m.gpr[2] == 0


@pytest.mark.parametrize("request_,psw", [
    (0x01, 0x01000000_00000000 | GUEST_PSW),
    (0x02, 0x02000000_00000000 | GUEST_PSW),
    (0x20, MACHINE_CHECK | GUEST_PSW),
], ids=["external", "io", "machine-check"])
def test_no_request_interception_at_entry_when_the_guest_is_already_enabled(request_, psw):
    host = run_guest("4120 0007" + DIAG, sd=state_description(psw=psw,
                                                              at_00=bytes([request_])))
    assert (host.code, host.ipa, host.ipb) == (sie.INSTRUCTION, DIAG_IPA, DIAG_IPB)
    assert host.m.gpr[2] == 7


# ===========================================================================
# G. Registers
# ===========================================================================
def test_guest_gr0_13_are_the_hosts_and_gr14_15_are_in_the_sd():
    sd = state_description(at_10=word(0x14141414) + word(0x15151515))
    host = Host(h("1A12"             # AR 1,2
                  "18E3"             # LR 14,3
                  "41F0 F001"        # LA 15,1(15)
                  "18D0"             # LR 13,0
                  + DIAG), sd=sd)
    values = [0x01000000 * (n + 1) + n for n in range(14)]
    host.m.gpr[:14] = values
    host.m.gpr[14] = 0x0000AAAA
    host.run()
    assert host.code == sie.INSTRUCTION
    g = host.m.gpr
    assert g[1] == (values[1] + values[2]) & 0xFFFFFFFF
    assert g[13] == values[0]
    assert [g[n] for n in range(14) if n not in (1, 13)] == \
        [values[n] for n in range(14) if n not in (1, 13)]
    b = host.sd()
    assert be(b, sie.SD_GR14, 4) == values[3]
    assert be(b, sie.SD_GR14 + 4, 4) == (0x15151515 + 1) & 0xFFFFFF   # LA: 24 bits
    # The host's 14 and 15 are its own.
    assert g[14] == 0x0000AAAA
    assert g[15] == SD_AT


def test_guest_floating_point_registers_are_the_hosts():
    host = Host(h("2820" + DIAG))     # LDR 2,0
    host.m.fpr[0] = 0x41100000_00000000          # FPR0 (the list is FPR 0, 2, 4, 6)
    host.m.fpr[1] = 0
    host.run()
    assert host.code == sie.INSTRUCTION
    assert host.m.fpr[1] == 0x41100000_00000000


@pytest.mark.parametrize("cc", [0, 1, 2, 3])
def test_sie_leaves_the_host_condition_code_unchanged(cc):
    # The guest sets its own CC 0 (LTR 1,1 with R1 zero); the host, after SIE,
    # records its CC with BALR 2,0 (bits 2-3, GA22-7000 BRANCH AND LINK).
    host = Host(h("1211" + DIAG), host_psw=HOST_PSW | cc << 44)
    host.m.write_real(HOST_PROGRAM, h("B214 F000" "0520" "8200 0410"))
    host.m.write_real(HOST_WAIT, dword(wait_psw(HOST_DONE)))
    host.run()
    assert host.code == sie.INSTRUCTION
    assert host.m.gpr[2] >> 28 & 3 == cc


# ===========================================================================
# H. Storage
# ===========================================================================
def test_resident_guest_absolute_zero_is_host_real_origin():
    # L 1,X'600'; ST 1,X'604'; DIAG.
    host = Host(h("5810 0600" "5010 0604" + DIAG), data={0x600: word(0x12345678)})
    host.run()
    assert host.m.gpr[1] == 0x12345678
    assert host.m.read_real(GUEST_ORIGIN + 0x604, 4) == word(0x12345678)
    # Nothing outside the extent was stored.
    assert host.m.read_real(0x604, 4) == bytes(4)


def test_guest_prefix_applies_within_guest_storage():
    # Guest prefix X'2000': guest real 0 is guest absolute X'2000', so its
    # program new PSW is at X'2068'.  X'0000': an operation exception presented
    # through the prefixed low storage.
    sd = state_description(at_04=word(0x2000))
    host = Host(h("0000"), sd=sd)
    host.poke(0x2068, dword(wait_psw(0x777)))
    host.run()
    assert host.code == sie.WAIT_STATE
    assert host.guest_psw == wait_psw(0x777)
    assert be(host.peek(0x2000 + PROGRAM_CODE, 2), 0, 2) == 0x0001
    assert be(host.sd(), sie.SD_PREFIX, 4) == 0x2000


@pytest.mark.parametrize("resident", [True, False], ids=["resident", "pageable"])
def test_guest_address_at_the_extent_is_a_guest_addressing_exception(resident):
    # LA 2,X'FFC'; SLL 2,4 (X'FFC0'); L 1,X'3C'(0,2) reads X'FFFC' (the last word);
    # L 3,X'40'(0,2) reads X'10000': the extent.
    host = Host(h("4120 0FFC" "8920 0004" "5812 003C" "5832 0040" + DIAG),
                resident=resident)
    host.poke(0xFFFC, word(0xCAFEF00D))
    host.run()
    assert host.m.gpr[1] == 0xCAFEF00D
    assert host.code == sie.WAIT_STATE
    assert host.guest_psw == wait_psw(GUEST_PROGRAM_TRAP)
    assert host.guest_program_code() == 0x0005
    assert host.m.gpr[3] == 0


def test_pageable_guest_storage_is_host_virtual_through_host_tables():
    # L 1,X'400'; LA 2,X'100'; SLL 2,4; ST 1,X'404'(0,2); DIAG.
    host = Host(h("5810 0400" "4120 0100" "8920 0004" "5012 0404" + DIAG),
                data={0x400: word(0x0BADCAFE)}, resident=False)
    host.run()
    assert host.code == sie.INSTRUCTION
    assert host.m.gpr[1] == 0x0BADCAFE
    # Guest page 1 is host frame FRAMES + 4K.
    assert host.m.read_real(FRAMES + 0x1404, 4) == word(0x0BADCAFE)


def test_pageable_guest_without_key_area_uses_the_host_keys_of_its_frames():
    # No key area: guest block 2 (guest X'1000', host frame FRAMES + X'1000') has
    # the host's key of that frame.  LA 2,X'100'; SLL 2,4; ISK 1,2; DIAG.
    sd = state_description(mode=sie.MODE_370, origin=PAGEABLE_ORIGIN)
    host = Host(h("4120 0100" "8920 0004" "0912" + DIAG), sd=sd, resident=False)
    host.m.keys[(FRAMES + 0x1000) >> 11] = 0x30
    host.run()
    assert host.code == sie.INSTRUCTION
    assert host.m.gpr[1] & 0xF0 == 0x30          # ISK: the key in bits 24-27


def test_pageable_guest_page_fault_is_a_host_page_translation_at_the_sie():
    # LA 1,5; LA 2,X'100'; SLL 2,4; L 3,X'234'(0,2): guest page 1, invalid in the
    # host's page table.
    host = Host(h("4110 0005" "4120 0100" "8920 0004" "5832 0234" + DIAG),
                resident=False, invalid_pages=(1,))
    host.run()
    assert host.host_ia == HOST_PROGRAM_TRAP
    assert host.host_program_code() == 0x0011
    assert host.host_program_old_psw() & 0xFFFFFF == HOST_PROGRAM
    tea = be(host.m.read_real(TRANSLATION_EXCEPTION_ADDRESS, 4), 0, 4) & 0xFFFFFF
    assert tea == PAGEABLE_ORIGIN + 0x1234
    # The guest's L is nullified: not counted, R3 unchanged, the guest PSW at it.
    assert host.instructions == 3
    assert host.m.gpr[3] == 0
    assert host.guest_psw & 0xFFFFFF == GUEST_CODE + 12
    assert host.code == 0


def test_pageable_guest_goes_on_when_the_host_resolves_the_fault():
    host = Host(h("4120 0100" "8920 0004" "5832 0234" + DIAG), resident=False,
                invalid_pages=(1,))
    host.poke(0x1234, word(0x600DF00D))
    host.run()
    assert host.host_program_code() == 0x0011
    # The host validates the page and returns to the SIE (its old PSW).
    host.m.write_real(HOST_PAGE_TABLE + 2, ((FRAMES >> 8) + (1 << 4)).to_bytes(2, "big"))
    host.m.purge_tlb()
    host.m.load_psw_value(host.host_program_old_psw())
    host.run()
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (DIAG_IPA, DIAG_IPB)
    assert host.m.gpr[3] == 0x600DF00D
    assert host.instructions == 4


def test_pageable_guest_page_fault_on_a_store_changes_nothing():
    # MVC X'1000'(4,0)... ST 1,X'234'(0,2) into invalid page 1, page 0 unchanged.
    host = Host(h("4110 0005" "4120 0100" "8920 0004" "5012 0234" + DIAG),
                resident=False, invalid_pages=(1,))
    host.run()
    assert host.host_program_code() == 0x0011
    assert host.m.read_real(FRAMES + 0x1234, 4) == bytes(4)


# ===========================================================================
# I. A host interruption ends SIE without an interception
# ===========================================================================
CR0_CPU_TIMER_MASK = 0x00000400       # CR0 bit 21
EXTERNAL_MASK = 0x01000000_00000000   # EC PSW bit 7

# Guest: LA 1,1000; L: BCT 1,L (a thousand instructions); DIAG.
LOOP = "4110 03E8" "4610 0204" + DIAG


def _timer_host(us: int) -> Host:
    host = Host(h(LOOP), host_psw=HOST_PSW | EXTERNAL_MASK)
    host.m.cr[0] = CR0_CPU_TIMER_MASK
    host.m.control_changed()
    host.m.set_cpu_timer(us * TOD_UNITS_PER_US)
    return host


def test_host_cpu_timer_ends_sie_with_code_0_at_the_sie():
    host = _timer_host(50)
    host.run()
    assert host.host_ia == HOST_EXTERNAL_TRAP
    assert be(host.m.read_real(EXTERNAL_CODE, 2), 0, 2) == 0x1005
    assert be(host.m.read_real(EXTERNAL_OLD, 8), 0, 8) & 0xFFFFFF == HOST_PROGRAM
    assert host.code == 0
    # Every instruction of the host's run but the SIE was the guest's.
    assert host.instructions == host.m.steps - 1
    assert 0 < host.instructions < 1001
    # The host's CPU timer ran down with the guest's instructions and is negative.
    assert host.m.cpu_timer() >> 63
    # The guest's state is in the SD: still in its loop.
    assert host.guest_psw & 0xFFFFFF in (GUEST_CODE + 4, GUEST_CODE + 8)


def test_guest_goes_on_when_the_host_returns_to_the_sie():
    host = _timer_host(50)
    host.run()
    first = host.instructions
    assert host.code == 0
    host.m.set_cpu_timer(1 << 62)
    old = be(host.m.read_real(EXTERNAL_OLD, 8), 0, 8)
    host.m.load_psw_value(old)
    host.run()
    assert host.code == sie.INSTRUCTION
    assert (host.ipa, host.ipb) == (DIAG_IPA, DIAG_IPB)
    # LA, 1000 BCTs, DIAG: the whole program exactly once.
    assert host.instructions == 1002
    assert host.m.gpr[1] == 0
    assert first < 1002


def test_host_timer_pending_while_host_disabled_does_not_end_sie():
    host = _timer_host(50)
    host.m.load_psw_value(HOST_PSW)               # disabled for external
    host.run()
    assert host.code == sie.INSTRUCTION
    assert host.instructions == 1002
    assert host.host_ia == HOST_DONE


# ===========================================================================
# J. Time
# ===========================================================================
@pytest.mark.parametrize("epoch", [0, 0x01234567_89ABC000, -0x1000_0000_0000_0000],
                         ids=["zero", "positive", "negative"])
def test_guest_tod_clock_is_host_tod_plus_epoch(epoch):
    # Guest: STCK X'300'; DIAG.  Host after the SIE: STCK X'900' (real), then LPSW.
    host = Host(h("B205 0300" + DIAG), sd=state_description(at_38=dword(epoch)))
    host.m.write_real(HOST_PROGRAM, h("B214 F000" "B205 0900" "8200 0410"))
    host.run()
    guest_tod = be(host.peek(GUEST_DATA, 8), 0, 8)
    host_tod = be(host.m.read_real(0x900, 8), 0, 8)
    # Three instructions of the machine after the guest's STCK: the guest's
    # DIAG, the host's STCK (one microsecond each, GA22-7000 TOD bit 51).
    assert (host_tod + epoch - guest_tod) & (1 << 64) - 1 == 2 * TOD_UNITS_PER_US
    assert be(host.sd(), sie.SD_EPOCH, 8) == epoch & (1 << 64) - 1


def test_guest_cpu_timer_runs_down_one_microsecond_per_guest_instruction():
    start = 0x00000001_00000000
    # STPT X'300'; LA 1,1; STPT X'308'; DIAG.
    host = run_guest("B209 0300" "4110 0001" "B209 0308" + DIAG,
                     sd=state_description(at_28=dword(start)))
    assert host.code == sie.INSTRUCTION
    first = be(host.peek(GUEST_DATA, 8), 0, 8)
    second = be(host.peek(GUEST_DATA + 8, 8), 0, 8)
    assert first - second == 2 * TOD_UNITS_PER_US
    b = host.sd()
    elapsed = be(b, sie.SD_ELAPSED, 8)
    assert elapsed == host.instructions == 4
    assert be(b, sie.SD_CPU_TIMER, 8) == start - elapsed * TOD_UNITS_PER_US


def test_guest_elapsed_time_and_count_go_on_from_the_sd():
    sd = state_description(at_e0=dword(1000), at_e8=dword(900))
    host = run_guest("4110 0001" "4110 0002" + DIAG, sd=sd)
    b = host.sd()
    assert be(b, sie.SD_ELAPSED, 8) == 1003
    assert be(b, sie.SD_INSTRUCTIONS, 8) == 903


def test_guest_spt_sets_the_guest_timer_not_the_hosts():
    # SPT X'300'; STPT X'308'; DIAG.
    host = run_guest("B208 0300" "B209 0308" + DIAG, data={GUEST_DATA: dword(0x12345000)})
    stored = be(host.peek(GUEST_DATA + 8, 8), 0, 8)
    assert 0x12345000 - 2 * TOD_UNITS_PER_US <= stored <= 0x12345000
    # The DIAG after the STPT takes its microsecond.
    assert be(host.sd(), sie.SD_CPU_TIMER, 8) == stored - TOD_UNITS_PER_US
    host_timer = host.m.cpu_timer()
    assert not 0x12345000 - 3 * TOD_UNITS_PER_US <= host_timer <= 0x12345000


# The guest's interval timer (GA22-7000: bit 23 of real location 80 counts down
# 300 times a second) on its elapsed time: from 6660 us (one step applied) nine
# guest instructions reach 6669 us, past the second step at 6666.7 us.
def _interval_host(mode: int) -> Host:
    sd = state_description(mode=mode, at_e0=dword(6660), at_f0=dword(1))
    host = Host(h("4110 0001" * 8 + DIAG), sd=sd)
    host.poke(0x50, word(0x00010000))
    return host.run()


def test_guest_interval_timer_steps_on_the_guest_elapsed_time():
    host = _interval_host(sie.MODE_370 | sie.MODE_RESIDENT)
    assert host.code == sie.INSTRUCTION
    assert be(host.sd(), sie.SD_ELAPSED, 8) == 6669
    assert host.peek(0x50, 4) == word(0x0000FF00)
    assert be(host.sd(), sie.SD_INTERVAL_STEPS, 8) == 2


def test_guest_interval_timer_is_not_updated_with_mode_x04():
    host = _interval_host(sie.MODE_370 | sie.MODE_RESIDENT | sie.MODE_INTERVAL_TIMER_OFF)
    assert host.code == sie.INSTRUCTION
    assert host.peek(0x50, 4) == word(0x00010000)


# ===========================================================================
# K. Properties: a guest under SIE ends as natively
# ===========================================================================
STEPS = 400


def _compare(source: str, resident: bool) -> None:
    image = assemble(source, "generated.asm").image
    native = start_machine(image, PROGRAM_STORAGE)
    native.run(STEPS)
    r = run_interpreted(start_machine(image, PROGRAM_STORAGE), STEPS, resident=resident)
    assume(r.interception != sie.INSTRUCTION)
    assert differences(native.state(), r.state()) == []
    assert r.steps == native.steps


PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])


@PROPERTY
@given(source=guest_programs(), resident=st.booleans())
def test_guest_programs_run_under_sie_as_natively(source, resident):
    _compare(source, resident)


@PROPERTY
@given(source=dat_programs(), resident=st.booleans())
def test_dat_programs_run_under_sie_as_natively(source, resident):
    _compare(source, resident)


# ===========================================================================
# L. The conformance corpus under SIE
# ===========================================================================
CORPUS = sorted(glob.glob(os.path.join(ROOT, "conformance", "programs", "**", "*.asm"),
                          recursive=True))
CORPUS_STEPS = 20_000


def test_the_corpus_is_there():
    assert len(CORPUS) > 50


@pytest.mark.parametrize("resident", [True, False], ids=["resident", "pageable"])
@pytest.mark.parametrize("path", CORPUS, ids=[os.path.relpath(p, os.path.join(
    ROOT, "conformance", "programs")) for p in CORPUS])
def test_corpus_program_runs_under_sie_as_natively(path, resident):
    with open(path) as f:
        source = f.read()
    image = assemble(source, path).image
    if len(image) > PROGRAM_STORAGE:
        pytest.skip("larger than 64K")
    native = start_machine(image, PROGRAM_STORAGE)
    native.run(CORPUS_STEPS)
    r = run_interpreted(start_machine(image, PROGRAM_STORAGE), CORPUS_STEPS,
                        resident=resident)
    if r.interception == sie.INSTRUCTION:
        pytest.skip("ends in an instruction interception (compared under the VMCP)")
    assert differences(native.state(), r.state()) == []
    assert r.steps == native.steps
