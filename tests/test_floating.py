"""Tests for reference/machine/instructions/floating.py: the 51 instructions of the
System/370 floating-point facility (GA22-7000 chapter 9) as the machine executes
them.

The arithmetic itself is tested in tests/test_hfp.py; here every instruction runs
on a machine: its register fields, its operands in registers and in storage, the
program mask, the condition code, the result stored (and what is left unchanged),
and the program interruption.  Every expected value is derived by hand from the
Principles of Operation, the derivation beside it.  The property tests at the end
compare the machine with the independent model of tests/hfp_model.py.

Notation.  A short number X'SCFFFFFF' has the sign and the characteristic in its
first byte and six hexadecimal fraction digits; its value is
(-1)**sign x 0.FFFFFF (hex) x 16**(characteristic - 64).  So
1.0 = 0.1 (hex) x 16**1: characteristic 64+1 = X'41', fraction X'100000' ->
X'41100000'; 2.0 is X'41200000', 0.5 = 0.8 x 16**0 is X'40800000', -1.0 is
X'C1100000' (sign bit on: X'41' + X'80').  A long number has 14 fraction digits
(1.0 = X'4110000000000000').  An extended number is two long numbers in a register
pair (0 with 2, 4 with 6), written high/low: the low-order part holds fraction
digits 15-28; the low-order characteristic of a result is the high-order one less
14 (X'0E'), modulo 128, and its sign the high-order sign (ch.9 "Floating-Point-Data
Format").  During an addition a fraction carries a guard digit on its right: the
seven digits "100000|0" of a short fraction are written 0x1000000.

Each test runs a single instruction at X'200' on a fresh machine (``execute``) whose
program-new PSW is a disabled wait, so a program interruption stops the machine and
the old PSW at X'28' keeps the interruption code, the ILC and the condition code.
A few tests assemble and run whole programs (``start_machine``), and some call the
instruction functions directly on a machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.arch.interrupts import ProgramInterruption, SpecificationException
from reference.arch.opcodes import BY_MNEMONIC, TABLE
from reference.asm.assembler import assemble
from reference.machine.instructions import floating
from reference.machine.machine import Machine
from reference.session import start_machine, start_vm
from tests import hfp_model as model
from tests.support import ins, make_machine

OPERATION, PROTECTION, ADDRESSING, SPEC = 0x01, 0x04, 0x05, 0x06
OVERFLOW, UNDERFLOW, SIGNIFICANCE, FP_DIVIDE = 0x0C, 0x0D, 0x0E, 0x0F
EU, SG = 0x2, 0x1            # program-mask bits: exponent underflow, significance
PROGRAM_NEW = 0x68
DISABLED_WAIT = 0x0002000000000000   # BC mode, wait, all interruptions disabled
A = 0x401                    # an operand address on no integral boundary
RIGHT = 0x89ABCDEF           # a right half that short results must leave alone

FP_ROWS = [row for row in TABLE if row.floating_point]
RR_ROWS = [row for row in FP_ROWS if row.layout == "RR"]
RX_ROWS = [row for row in FP_ROWS if row.layout == "RX"]


@dataclass
class Outcome:
    m: Machine
    code: int | None      # program-interruption code, None if the instruction ended
    ilc: int | None       # instruction-length code of the interruption
    cc: int               # condition code after the instruction (old PSW if interrupted)
    mask: int             # program mask (old PSW if interrupted)
    old_psw: int | None

    def reg(self, r: int) -> int:
        """Floating-point register ``r`` (0, 2, 4, 6), all 64 bits."""
        return self.m.fpr[r >> 1]

    def short(self, r: int) -> int:
        return self.m.fpr[r >> 1] >> 32

    def at(self, addr: int, n: int) -> str:
        return self.m.mem[addr:addr + n].hex().upper()


def execute(code: bytes, *, fpr: dict[int, int] | None = None, program_mask: int = 0,
            cc: int = 0, data: dict[int, bytes] | None = None,
            gpr: dict[int, int] | None = None, keys: dict[int, int] | None = None,
            **machine: object) -> Outcome:
    """Run the one instruction ``code`` at X'200' with floating-point registers
    ``fpr`` (by register number), the PSW's condition code ``cc`` and
    ``program_mask``, ``data`` in storage and storage ``keys`` (by 2K block)."""
    m = make_machine(code, data=data or {}, end=False, **machine)  # type: ignore[arg-type]
    m.load_image(DISABLED_WAIT.to_bytes(8, "big"), PROGRAM_NEW)
    m.cc = cc
    m.program_mask = program_mask
    for r, v in (fpr or {}).items():
        m.fpr[r >> 1] = v
    for r, v in (gpr or {}).items():
        m.gpr[r] = v
    for block, key in (keys or {}).items():
        m.keys[block] = key
    m.interruption_log = []
    m.run(1)
    programs = [rec for rec in m.interruption_log if rec.kind == "program"]
    if programs:
        old = programs[0].old_psw
        if m.mem[0x28:0x30] == old.to_bytes(8, "big") and not (old >> 51) & 1:
            return Outcome(m, (old >> 32) & 0xFFFF, (old >> 30) & 3, (old >> 28) & 3,
                           (old >> 24) & 0xF, old)
        return Outcome(m, programs[0].code, programs[0].ilc, (old >> 44) & 3,
                       (old >> 40) & 0xF, old)
    return Outcome(m, None, None, m.cc, m.program_mask, None)


def rr(mnemonic: str, r1: int, r2: int, **kw: object) -> Outcome:
    return execute(ins(mnemonic, r1, r2), **kw)  # type: ignore[arg-type]


def rx(mnemonic: str, r1: int, address: int = A, **kw: object) -> Outcome:
    """An RX instruction whose operand is at ``address``: a displacement alone
    below X'1000', else base register 15 holding the rest."""
    if address <= 0xFFF:
        return execute(ins(mnemonic, r1, 0, 0, address), **kw)  # type: ignore[arg-type]
    gpr: dict[int, int] = {**kw.pop("gpr", {}), 15: address & ~0xFFF}  # type: ignore[dict-item]
    return execute(ins(mnemonic, r1, 0, 15, address & 0xFFF), gpr=gpr,
                   **kw)  # type: ignore[arg-type]


def d(value: int) -> bytes:
    """A long operand in storage."""
    return value.to_bytes(8, "big")


def e(value: int) -> bytes:
    """A short operand in storage."""
    return value.to_bytes(4, "big")


def short_reg(value: int) -> int:
    """A register holding the short number ``value`` with RIGHT in its right half."""
    return (value << 32) | RIGHT


# ===========================================================================
# Registers and formats
# ===========================================================================
def test_the_facility_has_51_instructions_and_a_function_for_each():
    # GA22-7000 ch.9 "Floating-Point Instructions", the summary: 32 RR instructions
    # (opcodes 20-3F) and 19 RX instructions (60, 67-6F, 70, 78-7F).
    assert len(FP_ROWS) == 51 and len(RR_ROWS) == 32 and len(RX_ROWS) == 19
    for row in FP_ROWS:
        assert callable(getattr(floating, row.handler)), row.mnemonic


def test_the_registers_are_zero_after_clear_reset_and_kept_by_cpu_resets():
    # ch.9: four registers, 0, 2, 4, 6, of 64 bits.  Resets (ch.4 "Resets"): CPU
    # reset and initial CPU reset leave them unchanged, clear reset (and power-on)
    # makes them zero.
    m = Machine(64 * 1024)
    assert m.fpr == [0, 0, 0, 0] and m.state().fpr == (0, 0, 0, 0)
    m.fpr[:] = [1, 2, 3, 4]
    m.cpu_reset()
    m.initial_cpu_reset()
    assert m.state().fpr == (1, 2, 3, 4)
    m.clear_reset()
    assert m.fpr == [0, 0, 0, 0]


# ===========================================================================
# LOAD: LER, LDR, LE, LD
# ===========================================================================
def test_ler_copies_the_left_half_and_keeps_the_right_half_of_r1():
    # "The second operand is placed unchanged at the first-operand location"; a
    # short operand is the left half, the right half of R2 is ignored and that of
    # R1 unchanged (ch.9 "Floating-Point-Data Format").  CC unchanged (3 stays 3).
    o = rr("LER", 0, 2, fpr={0: 0x11111111_22222222, 2: 0x41100000_33333333}, cc=3)
    assert (o.code, o.reg(0), o.cc) == (None, 0x41100000_22222222, 3)
    assert o.reg(2) == 0x41100000_33333333


def test_ldr_copies_an_unnormalized_operand_unchanged():
    # X'42000F0000000001' is unnormalized (two leading zero digits); LOAD does not
    # normalize.  CC unchanged.
    o = rr("LDR", 2, 4, fpr={4: 0x42000F00_00000001}, cc=1)
    assert (o.code, o.reg(2), o.reg(4), o.cc) == (None, 0x42000F00_00000001,
                                                  0x42000F00_00000001, 1)


def test_le_loads_four_bytes_from_an_address_on_no_boundary():
    # System/370 needs no alignment of these operands (GA22-7000-10 ch.3
    # "Byte-Oriented-Operand Facility": standard on System/370; ch.9 lists only the
    # register fields under specification).  X'401' is on no word boundary.
    o = rx("LE", 6, A, fpr={6: 0}, data={A: e(0x41200000)})
    assert (o.code, o.reg(6)) == (None, 0x41200000_00000000)


def test_le_keeps_the_right_half_of_r1():
    o = rx("LE", 2, A, fpr={2: short_reg(0x12345678)}, data={A: e(0xC1100000)}, cc=2)
    assert (o.code, o.reg(2), o.cc) == (None, short_reg(0xC1100000), 2)


def test_ld_loads_eight_bytes_across_a_2k_boundary():
    # X'7FD'-X'804': three bytes in block 0, five in block 1, no boundary at all.
    o = rx("LD", 4, 0x7FD, data={0x7FD: d(0x41123456_789ABCDE)})
    assert (o.code, o.reg(4)) == (None, 0x41123456_789ABCDE)


def test_ld_beyond_storage_is_an_addressing_exception_and_is_suppressed():
    # 64K of storage: X'FFFC'-X'10003' reaches beyond it.  Access exceptions
    # suppress a LOAD: the register is unchanged (ch.6 "Addressing Exception").
    o = rx("LD", 0, 0xFFFC, fpr={0: 0x41100000_00000000}, cc=2)
    assert (o.code, o.ilc, o.reg(0), o.cc) == (ADDRESSING, 2, 0x41100000_00000000, 2)


def test_le_from_a_fetch_protected_block_is_a_protection_exception():
    # Block 1 (X'800'-X'FFF') has key 3 with fetch protection (X'38'); the PSW key
    # is 2: the fetch is refused and nothing is loaded.
    o = rx("LE", 2, 0x900, fpr={2: short_reg(0x41100000)}, key=2,
           keys={1: 0x38}, data={0x900: e(0x42100000)})
    assert (o.code, o.reg(2)) == (PROTECTION, short_reg(0x41100000))


# ===========================================================================
# STORE: STE, STD
# ===========================================================================
def test_ste_stores_the_left_half_at_an_address_on_no_boundary():
    # "The first operand is stored unchanged at the second-operand location": for
    # STE the leftmost 32 bits.  CC unchanged; the register is unchanged.
    o = rx("STE", 2, A, fpr={2: 0xC1100000_55555555}, cc=1, data={A - 1: bytes(6)})
    assert (o.code, o.at(A - 1, 6), o.cc) == (None, "00C11000" "0000", 1)
    assert o.reg(2) == 0xC1100000_55555555


def test_std_stores_eight_bytes_across_a_2k_boundary():
    o = rx("STD", 6, 0x7FB, fpr={6: 0x4123456789ABCDEF})
    assert (o.code, o.at(0x7FB, 8)) == (None, "4123456789ABCDEF")


def test_std_into_a_protected_block_stores_nothing():
    # X'7FC'-X'803' with PSW key 2: block 0 has key 2 (storable), block 1 key 3
    # (protected).  The store is suppressed as a whole: not even the four bytes in
    # block 0 change (ch.6 "Protection": the store is not performed).
    o = rx("STD", 0, 0x7FC, fpr={0: 0x41100000_00000000}, key=2, keys={0: 0x20, 1: 0x30})
    assert (o.code, o.at(0x7FC, 8)) == (PROTECTION, "0000000000000000")


def test_std_beyond_storage_is_an_addressing_exception_storing_nothing():
    o = rx("STD", 0, 0xFFFC, fpr={0: 0x41100000_00000000})
    assert (o.code, o.at(0xFFFC, 4)) == (ADDRESSING, "00000000")


# ===========================================================================
# LOAD POSITIVE, LOAD NEGATIVE, LOAD AND TEST, LOAD COMPLEMENT
# (ch.9: the second operand with its sign made plus, made minus, unchanged,
# inverted; characteristic and fraction unchanged; CC 0 fraction zero, 1 less
# than zero, 2 greater than zero)
# ===========================================================================
@pytest.mark.parametrize("mnemonic, operand, result, cc", [
    # -2.0 = X'C120...': sign made plus -> 2.0, CC 2
    ("LPDR", 0xC1200000_00000000, 0x41200000_00000000, 2),
    # a zero fraction with a minus sign and characteristic X'41': sign plus, the
    # characteristic kept (no normalization, no true zero), CC 0
    ("LPDR", 0xC1000000_00000000, 0x41000000_00000000, 0),
    # an unnormalized operand stays unnormalized: X'C2000F...' -> X'42000F...'
    ("LPDR", 0xC2000F00_00000001, 0x42000F00_00000001, 2),
    # 1.0 -> -1.0, CC 1
    ("LNDR", 0x41100000_00000000, 0xC1100000_00000000, 1),
    # "The sign bit is made one, even if the fraction is zero": true zero -> X'80..'
    ("LNDR", 0x00000000_00000000, 0x80000000_00000000, 0),
    ("LNDR", 0xC1100000_00000000, 0xC1100000_00000000, 1),
    # LOAD AND TEST: unchanged, CC from sign and fraction
    ("LTDR", 0xC1100000_00000000, 0xC1100000_00000000, 1),
    ("LTDR", 0x41000000_00000000, 0x41000000_00000000, 0),
    ("LTDR", 0x00000000_00000001, 0x00000000_00000001, 2),
    # LOAD COMPLEMENT: sign inverted, even for a zero fraction
    ("LCDR", 0x41100000_00000000, 0xC1100000_00000000, 1),
    ("LCDR", 0xC1100000_00000000, 0x41100000_00000000, 2),
    ("LCDR", 0x00000000_00000000, 0x80000000_00000000, 0),
    ("LCDR", 0x80000000_00000000, 0x00000000_00000000, 0),
])
def test_long_sign_loads_set_the_sign_and_the_cc_from_sign_and_fraction(mnemonic, operand,
                                                                        result, cc):
    o = rr(mnemonic, 0, 4, fpr={0: 0x12345678_9ABCDEF0, 4: operand}, cc=3)
    assert (o.code, o.reg(0), o.cc) == (None, result, cc)
    assert o.reg(4) == operand


@pytest.mark.parametrize("mnemonic, operand, result, cc", [
    ("LPER", 0xC1100000, 0x41100000, 2),
    ("LPER", 0x80000000, 0x00000000, 0),
    ("LNER", 0x41100000, 0xC1100000, 1),
    ("LNER", 0x00000000, 0x80000000, 0),
    ("LTER", 0x40800000, 0x40800000, 2),
    ("LTER", 0xC0800000, 0xC0800000, 1),
    ("LTER", 0x7F000000, 0x7F000000, 0),
    ("LCER", 0x41100000, 0xC1100000, 1),
    ("LCER", 0xC1100000, 0x41100000, 2),
    ("LCER", 0x00000000, 0x80000000, 0),
])
def test_short_sign_instructions_keep_the_right_half_of_r1(mnemonic, operand, result, cc):
    # The right half of R2 (X'FFFFFFFF' below) is ignored: only the left half is
    # tested for the CC, and the right half of R1 is unchanged.
    o = rr(mnemonic, 2, 6, fpr={2: short_reg(0x12345678), 6: (operand << 32) | 0xFFFFFFFF},
           cc=3)
    assert (o.code, o.reg(2), o.cc) == (None, short_reg(result), cc)


def test_ltdr_with_the_same_register_tests_without_moving_data():
    # Programming note of LOAD AND TEST: R1 = R2 is a test.
    o = rr("LTDR", 4, 4, fpr={4: 0xC2100000_00000000}, cc=0)
    assert (o.reg(4), o.cc) == (0xC2100000_00000000, 1)


# ===========================================================================
# HALVE: HER, HDR (ch.9: the second operand divided by two, normalized; CC
# unchanged; exponent underflow possible)
# ===========================================================================
def test_hdr_halves_one_into_one_half():
    # 1.0 = X'41' fraction X'10000000000000'; shifted right one bit: X'08000000000000'
    # (digit 0 leading); normalized one digit left: X'80000000000000', characteristic
    # X'40': 0.8 x 16**0 = 0.5 -> X'4080000000000000'.  CC unchanged (2).
    o = rr("HDR", 2, 0, fpr={0: 0x41100000_00000000}, cc=2)
    assert (o.code, o.reg(2), o.cc) == (None, 0x40800000_00000000, 2)


def test_her_halves_three_without_normalizing():
    # 3.0 = X'41300000': X'300000' >> 1 bit = X'180000', leading digit 1 is not zero:
    # no shift -> X'41180000' = 0.18 x 16 = 1.5.  Right half of R1 unchanged.
    o = rr("HER", 4, 6, fpr={4: short_reg(0), 6: 0x41300000_00000000})
    assert (o.code, o.reg(4)) == (None, short_reg(0x41180000))


def test_hdr_shifts_the_last_bit_into_the_guard_digit_and_normalizes_it():
    # Programming note of HALVE: the fraction X'00000000000001' halved is 0 in the
    # 14 digits with X'8' in the guard digit; postnormalization brings the guard
    # digit in: 14 digits left, characteristic X'40' - 14 = X'32' -> X'3280000000000000'
    # (0.8 x 16**-14 = 16**-14 / 2, exact).
    o = rr("HDR", 0, 2, fpr={2: 0x40000000_00000001})
    assert (o.code, o.reg(0)) == (None, 0x32800000_00000000)


def test_hdr_of_a_zero_fraction_is_a_true_zero():
    # "The result is made a true zero when the second-operand fraction is zero":
    # X'C3000000...' (minus, characteristic X'43') -> all zeros.
    o = rr("HDR", 0, 2, fpr={0: 0x41100000_00000000, 2: 0xC3000000_00000000}, cc=1)
    assert (o.code, o.reg(0), o.cc) == (None, 0, 1)


@pytest.mark.parametrize("mnemonic, operand, wrapped, zero", [
    # X'0010000000000000' = 0.1 x 16**-64, the smallest normalized number: halved,
    # X'08000000000000' needs one left shift, characteristic 0 - 1 = -1: underflow.
    # Mask one: characteristic -1 + 128 = 127 = X'7F' -> X'7F80000000000000'.
    ("HDR", 0x00100000_00000000, 0x7F800000_00000000, 0),
    # short: X'00100000' -> X'7F800000'; the right half is unchanged either way
    ("HER", 0x00100000_00000000, short_reg(0x7F800000), short_reg(0)),
])
def test_halve_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero(
        mnemonic, operand, wrapped, zero):
    first = RIGHT if mnemonic == "HER" else 0x41100000_00000000
    on = rr(mnemonic, 0, 2, fpr={0: first, 2: operand}, program_mask=EU, cc=1)
    assert (on.code, on.reg(0), on.cc, on.ilc) == (UNDERFLOW, wrapped, 1, 1)
    off = rr(mnemonic, 0, 2, fpr={0: first, 2: operand}, program_mask=0, cc=1)
    assert (off.code, off.reg(0), off.cc) == (None, zero, 1)


# ===========================================================================
# LOAD ROUNDED: LRER (long to short), LRDR (extended to long)
# (ch.9: a one added in bit 32 (long) or bit 72 (extended) of the second operand,
# as to a magnitude; a carry out of the fraction shifts it right one digit and
# raises the characteristic; no normalization; CC unchanged; exponent overflow)
# ===========================================================================
@pytest.mark.parametrize("operand, result", [
    # bit 32 is the leftmost bit of digit 7: X'80000000' in the right half rounds up
    (0x41100000_80000000, 0x41100001),
    (0x41100000_7FFFFFFF, 0x41100000),
    # the sign does not take part: -1.0 + half a unit -> magnitude rounded up
    (0xC1100000_80000000, 0xC1100001),
    # X'FFFFFF' + 1 carries out: X'100000', characteristic X'41' + 1 = X'42'
    (0x41FFFFFF_80000000, 0x42100000),
    # unnormalized stays unnormalized: X'4100000F' (digits 000000F, then 8...) -> +1
    (0x41000000_F8000000, 0x41000001),
])
def test_lrer_rounds_at_bit_32_and_keeps_the_right_half(operand, result):
    o = rr("LRER", 0, 2, fpr={0: short_reg(0), 2: operand}, cc=2)
    assert (o.code, o.reg(0), o.cc) == (None, short_reg(result), 2)


@pytest.mark.parametrize("high, low, result", [
    # bit 72 is the leftmost fraction bit of the low-order part (bits 64-71 are its
    # sign and characteristic, ignored): low fraction X'80000000000000' rounds up.
    (0x41100000_00000000, 0x33800000_00000000, 0x41100000_00000001),
    (0x41100000_00000000, 0x337FFFFF_FFFFFFFF, 0x41100000_00000000),
    # the low-order sign and characteristic are ignored: X'FF' there changes nothing
    (0x41100000_00000000, 0xFF800000_00000000, 0x41100000_00000001),
    # X'FFFFFFFFFFFFFF' + 1 carries out: X'10000000000000', characteristic X'42'
    (0x41FFFFFF_FFFFFFFF, 0x33800000_00000000, 0x42100000_00000000),
    # minus: the magnitude is rounded, the sign kept
    (0xC1100000_00000000, 0x33800000_00000000, 0xC1100000_00000001),
])
def test_lrdr_rounds_at_bit_72(high, low, result):
    # R2 names the pair 4/6, R1 any register (2 here).
    o = rr("LRDR", 2, 4, fpr={2: 0x12345678_9ABCDEF0, 4: high, 6: low}, cc=1)
    assert (o.code, o.reg(2), o.cc) == (None, result, 1)


def test_lrer_overflow_wraps_the_characteristic_and_interrupts():
    # X'7FFFFFFF80000000': fraction X'FFFFFF' rounds to X'1000000', shifted right:
    # X'100000', characteristic 127 + 1 = 128 > 127: exponent overflow.  "The
    # operation is completed by loading a number whose characteristic is 128 less":
    # 128 - 128 = 0 -> X'00100000'; the sign kept.  CC unchanged.
    o = rr("LRER", 0, 2, fpr={0: short_reg(0), 2: 0xFFFFFFFF_80000000}, cc=3)
    assert (o.code, o.reg(0), o.cc, o.ilc) == (OVERFLOW, short_reg(0x80100000), 3, 1)


def test_lrdr_overflow_wraps_the_characteristic_and_interrupts():
    # high X'7FFFFFFFFFFFFFFF', low fraction X'8...': rounds to X'100000000000000',
    # shifted: X'10000000000000', characteristic 128 -> 0: X'0010000000000000'.
    o = rr("LRDR", 0, 4, fpr={4: 0x7FFFFFFF_FFFFFFFF, 6: 0x71800000_00000000})
    assert (o.code, o.reg(0)) == (OVERFLOW, 0x00100000_00000000)


# ===========================================================================
# ADD NORMALIZED: AER, AE, ADR, AD, AXR
# (ch.9: the smaller characteristic's fraction is shifted right, one guard digit
# kept; the sum normalized, then the guard digit dropped; CC 0 zero fraction,
# 1 less, 2 greater than zero)
# ===========================================================================
def test_aer_adds_one_and_two():
    # X'41100000' + X'41200000': same characteristic, X'100000' + X'200000' =
    # X'300000' -> X'41300000' = 3.0, CC 2.  Right half of R1 unchanged.
    o = rr("AER", 0, 2, fpr={0: short_reg(0x41100000), 2: 0x41200000_FFFFFFFF})
    assert (o.code, o.reg(0), o.cc) == (None, short_reg(0x41300000), 2)


def test_ae_adds_an_operand_on_no_boundary():
    # 2.0 + -3.0: X'200000' - X'300000' = -X'100000': X'C1100000' = -1.0, CC 1.
    o = rx("AE", 4, A, fpr={4: short_reg(0x41200000)}, data={A: e(0xC1300000)})
    assert (o.code, o.reg(4), o.cc) == (None, short_reg(0xC1100000), 1)


def test_adr_carry_shifts_right_and_raises_the_characteristic():
    # 15.0 + 1.0 = X'41F0...' + X'4110...': X'F0..' + X'10..' = X'100..' (a carry):
    # shifted right one digit, characteristic X'42' -> X'4210000000000000' = 16.0.
    o = rr("ADR", 0, 2, fpr={0: 0x41F00000_00000000, 2: 0x41100000_00000000})
    assert (o.code, o.reg(0), o.cc) == (None, 0x42100000_00000000, 2)


def test_adr_keeps_the_guard_digit():
    # 1.0 + -(16**-14): X'4110000000000000' + X'B310000000000000'.  Characteristics
    # X'41' and X'33' differ by 14: the second fraction moves 14 digits right, its
    # X'1' lands in the guard digit.  With guard: X'100000000000000' - X'1' =
    # X'0FFFFFFFFFFFFFF' (15 digits); normalized one digit: X'FFFFFFFFFFFFFF0',
    # characteristic X'40'; guard dropped: X'40FFFFFFFFFFFFFF' = 1 - 16**-14, exact.
    # (Without the guard digit the sum would be 1.0.)
    o = rr("ADR", 2, 4, fpr={2: 0x41100000_00000000, 4: 0xB3100000_00000000})
    assert (o.code, o.reg(2), o.cc) == (None, 0x40FFFFFF_FFFFFFFF, 2)


def test_ad_prenormalizes_nothing_and_normalizes_the_sum():
    # X'4300001000000000' (unnormalized: 0.00001 x 16**3 = 1/16**2) + X'3F10...'
    # (0.1 x 16**-1 = 1/16**2): characteristics X'43' and X'3F', the second moves 4
    # digits right: X'00001000000000|0' + X'00001000000000|0' = X'00002000000000|0';
    # normalized 4 digits: X'20000000000000', characteristic X'3F' ->
    # X'3F20000000000000' = 2/16**2.
    o = rx("AD", 0, A, fpr={0: 0x43000010_00000000}, data={A: d(0x3F100000_00000000)})
    assert (o.code, o.reg(0), o.cc) == (None, 0x3F200000_00000000, 2)


@pytest.mark.parametrize("mnemonic, a, b, wrapped, cc", [
    # X'7FF00000' + X'7FF00000': X'F00000' + X'F00000' = X'1E00000': a carry, shifted
    # right: X'1E0000', characteristic 127 + 1 = 128: overflow; stored 128 less:
    # 0 -> X'001E0000'.  CC from the result: plus, fraction nonzero: 2.
    ("AER", 0x7FF00000, 0x7FF00000, 0x001E0000, 2),
    # minus: X'FFF00000' twice -> X'801E0000', CC 1
    ("AER", 0xFFF00000, 0xFFF00000, 0x801E0000, 1),
    ("ADR", 0x7FF00000_00000000, 0x7FF00000_00000000, 0x001E0000_00000000, 2),
    # ADD UNNORMALIZED overflows the same way: X'7F800000' + X'7F800000' = X'1000000'
    # carries: X'100000', characteristic 128 -> 0
    ("AUR", 0x7F800000, 0x7F800000, 0x00100000, 2),
    ("AWR", 0x7F800000_00000000, 0x7F800000_00000000, 0x00100000_00000000, 2),
    # SUBTRACT: X'7FF00000' - X'FFF00000' is the same sum
    ("SER", 0x7FF00000, 0xFFF00000, 0x001E0000, 2),
    ("SDR", 0x7FF00000_00000000, 0xFFF00000_00000000, 0x001E0000_00000000, 2),
    ("SUR", 0x7F800000, 0xFF800000, 0x00100000, 2),
    ("SWR", 0x7F800000_00000000, 0xFF800000_00000000, 0x00100000_00000000, 2),
])
def test_add_overflow_wraps_the_characteristic_and_interrupts(mnemonic, a, b, wrapped, cc):
    short = mnemonic[1] in "EU"
    regs = {0: short_reg(a), 2: b << 32} if short else {0: a, 2: b}
    for mask in (0, EU | SG):            # the masks do not govern exponent overflow
        o = rr(mnemonic, 0, 2, fpr=regs, program_mask=mask)
        expect = short_reg(wrapped) if short else wrapped
        assert (o.code, o.reg(0), o.cc, o.ilc, o.mask) == (OVERFLOW, expect, cc, 1, mask)


def test_aer_overflow_wraps_the_characteristic_and_interrupts():
    # The rule of the test above for AER, stated once more by name.
    o = rr("AER", 0, 2, fpr={0: short_reg(0x7FF00000), 2: 0x7FF00000_00000000})
    assert (o.code, o.short(0), o.cc) == (OVERFLOW, 0x001E0000, 2)


@pytest.mark.parametrize("mnemonic, a, b, wrapped", [
    # X'00100001' + X'80100000' (minus): X'1000010' - X'1000000' = X'0000010' (7
    # digits with guard); normalized 5 digits left: X'1000000', characteristic
    # 0 - 5 = -5 < 0: exponent underflow.  Mask one: -5 + 128 = 123 = X'7B' ->
    # X'7B100000', CC 2 (plus, nonzero).
    ("AER", 0x00100001, 0x80100000, 0x7B100000),
    # long: X'00100000000001' - X'00100000000000' = X'00000000000001': 13 digits of
    # shift, characteristic -13 + 128 = 115 = X'73' -> X'7310000000000000'
    ("ADR", 0x00100000_00000001, 0x80100000_00000000, 0x73100000_00000000),
    # SUBTRACT: the same with the second sign inverted
    ("SER", 0x00100001, 0x00100000, 0x7B100000),
    ("SDR", 0x00100000_00000001, 0x00100000_00000000, 0x73100000_00000000),
])
def test_add_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero(
        mnemonic, a, b, wrapped):
    short = mnemonic[1] == "E"
    regs = {0: short_reg(a), 2: b << 32} if short else {0: a, 2: b}
    on = rr(mnemonic, 0, 2, fpr=regs, program_mask=EU)
    assert (on.code, on.reg(0), on.cc) == (UNDERFLOW, short_reg(wrapped) if short else wrapped,
                                          2)
    # mask zero: no interruption, a true zero, CC 0 (the result fraction is zero)
    off = rr(mnemonic, 0, 2, fpr=regs, program_mask=SG, cc=2)
    assert (off.code, off.reg(0), off.cc) == (None, short_reg(0) if short else 0, 0)


@pytest.mark.parametrize("mnemonic, a, b, kept", [
    # 16.0 + -16.0: X'42100000' + X'C2100000': the intermediate sum, guard digit
    # included, is zero.  Mask one: "the intermediate-sum characteristic remains
    # unchanged and becomes the characteristic of the result", sign plus, fraction
    # zero: X'42000000', CC 0, interruption.
    ("AER", 0x42100000, 0xC2100000, 0x42000000),
    ("ADR", 0x42100000_00000000, 0xC2100000_00000000, 0x42000000_00000000),
    # minus minus: -3.0 - -3.0 = zero, the sign of the result plus
    ("SER", 0xC1300000, 0xC1300000, 0x41000000),
    ("SDR", 0xC1300000_00000000, 0xC1300000_00000000, 0x41000000_00000000),
    # unnormalized forms: the characteristic X'41' kept as well
    ("AUR", 0x41100000, 0xC1100000, 0x41000000),
    ("AWR", 0x41100000_00000000, 0xC1100000_00000000, 0x41000000_00000000),
    ("SUR", 0x41100000, 0x41100000, 0x41000000),
    ("SWR", 0x41100000_00000000, 0x41100000_00000000, 0x41000000_00000000),
])
def test_significance_keeps_the_characteristic_with_the_mask_one_and_is_a_true_zero_with_it_zero(
        mnemonic, a, b, kept):
    short = mnemonic[1] in "EU"
    regs = {0: short_reg(a), 2: b << 32} if short else {0: a, 2: b}
    on = rr(mnemonic, 0, 2, fpr=regs, program_mask=SG, cc=1)
    assert (on.code, on.reg(0), on.cc) == (SIGNIFICANCE, short_reg(kept) if short else kept, 0)
    off = rr(mnemonic, 0, 2, fpr=regs, program_mask=EU, cc=1)
    assert (off.code, off.reg(0), off.cc) == (None, short_reg(0) if short else 0, 0)


def test_axr_adds_all_28_digits():
    # (1 + 16**-27) + 1.0: high X'4110000000000000' low X'3300000000000001' (the
    # 28-digit fraction X'1000000000000000000000000001') + X'4110...'/X'3300...':
    # X'2000000000000000000000000001', characteristic X'41': high X'4120000000000000',
    # low characteristic X'41' - 14 = X'33': low X'3300000000000001'.  CC 2.
    o = rr("AXR", 0, 4, fpr={0: 0x41100000_00000000, 2: 0x33000000_00000001,
                             4: 0x41100000_00000000, 6: 0x33000000_00000000})
    assert (o.code, o.reg(0), o.reg(2), o.cc) == (None, 0x41200000_00000000,
                                                  0x33000000_00000001, 2)


def test_axr_ignores_the_low_order_sign_and_characteristic_of_the_operands():
    # The same sum with garbage in the low-order sign and characteristic (X'FF',
    # X'80'): they are ignored; the result's low part gets the high-order sign and
    # the high-order characteristic less 14.
    o = rr("AXR", 0, 4, fpr={0: 0x41100000_00000000, 2: 0xFF000000_00000001,
                             4: 0x41100000_00000000, 6: 0x80000000_00000000})
    assert (o.reg(0), o.reg(2)) == (0x41200000_00000000, 0x33000000_00000001)


def test_axr_low_order_characteristic_below_zero_is_no_underflow():
    # X'0510000000000000'/0 + itself: X'0520000000000000', characteristic 5; the low
    # characteristic would be 5 - 14 = -9: made 128 greater, 119 = X'77', sign plus.
    # "For AXR, exponent underflow is not recognized when the low-order
    # characteristic is less than zero, but the high-order characteristic is zero
    # or above" (GA22-7000-4 p.162): no interruption even with the mask one.
    x = {0: 0x05100000_00000000, 2: 0, 4: 0x05100000_00000000, 6: 0}
    o = rr("AXR", 0, 4, fpr=x, program_mask=EU)
    assert (o.code, o.reg(0), o.reg(2), o.cc) == (None, 0x05200000_00000000,
                                                  0x77000000_00000000, 2)


def test_axr_overflow_wraps_both_characteristics_and_interrupts():
    # X'7FF0000000000000'/0 twice: X'F0..0' + X'F0..0' (28 digits) carries:
    # X'1E0..0', characteristic 128 -> 0: high X'001E000000000000'; low
    # characteristic 0 - 14 = -14 + 128 = 114 = X'72': low X'7200000000000000'.
    o = rr("AXR", 4, 0, fpr={0: 0x7FF00000_00000000, 2: 0, 4: 0x7FF00000_00000000, 6: 0})
    assert (o.code, o.reg(4), o.reg(6), o.cc) == (OVERFLOW, 0x001E0000_00000000,
                                                  0x72000000_00000000, 2)


def test_axr_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero():
    # X'0010000000000000'/X'..00000000000001' - X'0010000000000000'/0: the 28-digit
    # difference X'0000000000000000000000000001' is normalized 27 digits left,
    # characteristic 0 - 27 = -27: underflow.  Mask one: -27 + 128 = 101 = X'65':
    # high X'6510000000000000', low characteristic 101 - 14 = 87 = X'57'.
    regs = {0: 0x00100000_00000000, 2: 0x72000000_00000001, 4: 0x80100000_00000000, 6: 0}
    on = rr("AXR", 0, 4, fpr=regs, program_mask=EU)
    assert (on.code, on.reg(0), on.reg(2), on.cc) == (UNDERFLOW, 0x65100000_00000000,
                                                      0x57000000_00000000, 2)
    # mask zero: "both the high-order and low-order parts are made true zero"
    off = rr("AXR", 0, 4, fpr=regs, program_mask=0, cc=2)
    assert (off.code, off.reg(0), off.reg(2), off.cc) == (None, 0, 0, 0)


def test_sxr_significance_keeps_both_characteristics_with_the_mask_one():
    # x - x, x = 1.0 extended: zero fraction.  Mask one: characteristic X'41' kept,
    # sign plus; the result is no true zero, so the low part gets X'41' - 14 = X'33'.
    regs = {0: 0x41100000_00000000, 2: 0x33000000_00000000,
            4: 0x41100000_00000000, 6: 0x33000000_00000000}
    on = rr("SXR", 0, 4, fpr=regs, program_mask=SG)
    assert (on.code, on.reg(0), on.reg(2), on.cc) == (SIGNIFICANCE, 0x41000000_00000000,
                                                      0x33000000_00000000, 0)
    off = rr("SXR", 0, 4, fpr=regs, program_mask=0)
    assert (off.code, off.reg(0), off.reg(2), off.cc) == (None, 0, 0, 0)


# ===========================================================================
# SUBTRACT NORMALIZED: SER, SE, SDR, SD, SXR (as ADD with the second sign inverted)
# ===========================================================================
def test_ser_subtracts_one_from_three():
    # X'300000' - X'100000' = X'200000' -> X'41200000' = 2.0, CC 2; right half kept.
    o = rr("SER", 2, 4, fpr={2: short_reg(0x41300000), 4: 0x41100000_00000000})
    assert (o.code, o.reg(2), o.cc) == (None, short_reg(0x41200000), 2)


def test_se_normalizes_fifteen():
    # 16.0 - 1.0: X'42100000' - X'41100000': the second moves one digit right:
    # X'1000000' - X'0100000' = X'0F00000' (with guard); normalized one digit:
    # X'F000000', characteristic X'41'; guard dropped -> X'41F00000' = 15.0, CC 2.
    o = rx("SE", 0, A, fpr={0: short_reg(0x42100000)}, data={A: e(0x41100000)})
    assert (o.code, o.reg(0), o.cc) == (None, short_reg(0x41F00000), 2)


def test_sdr_result_less_than_zero_sets_cc_1():
    # 1.0 - 3.0 = -2.0 = X'C120000000000000', CC 1.
    o = rr("SDR", 0, 6, fpr={0: 0x41100000_00000000, 6: 0x41300000_00000000})
    assert (o.code, o.reg(0), o.cc) == (None, 0xC1200000_00000000, 1)


def test_sd_of_a_minus_operand_from_storage_adds_its_magnitude():
    # 3.0 - -1.0 = 4.0 = X'4140000000000000'.
    o = rx("SD", 6, A, fpr={6: 0x41300000_00000000}, data={A: d(0xC1100000_00000000)})
    assert (o.code, o.reg(6), o.cc) == (None, 0x41400000_00000000, 2)


def test_sxr_subtracts_all_28_digits():
    # (2 + 16**-27) - 1.0: X'2000000000000000000000000001' - X'1000...0' =
    # X'1000000000000000000000000001', characteristic X'41': high X'4110000000000000',
    # low X'3300000000000001'.
    o = rr("SXR", 4, 0, fpr={4: 0x41200000_00000000, 6: 0x33000000_00000001,
                             0: 0x41100000_00000000, 2: 0x33000000_00000000})
    assert (o.code, o.reg(4), o.reg(6), o.cc) == (None, 0x41100000_00000000,
                                                  0x33000000_00000001, 2)


# ===========================================================================
# ADD / SUBTRACT UNNORMALIZED: AUR, AU, AWR, AW, SUR, SU, SWR, SW
# (ch.9: as the normalized forms, without the left shift; the guard digit does
# not count in the zero test; exponent underflow cannot occur)
# ===========================================================================
@pytest.mark.parametrize("mnemonic, a, b, result", [
    # 1.0 + -0.9375: X'41100000' + X'C0F00000': the second moves one digit right:
    # X'1000000' - X'0F00000' = X'0100000' (with guard); no left shift; guard
    # dropped: X'010000' -> X'41010000' (0.01 x 16 = 1/16), CC 2.
    ("AUR", 0x41100000, 0xC0F00000, 0x41010000),
    ("SUR", 0x41100000, 0x40F00000, 0x41010000),
    ("AWR", 0x41100000_00000000, 0xC0F00000_00000000, 0x41010000_00000000),
    ("SWR", 0x41100000_00000000, 0x40F00000_00000000, 0x41010000_00000000),
])
def test_unnormalized_sums_are_not_shifted_left(mnemonic, a, b, result):
    short = mnemonic[1] == "U"
    regs = {2: short_reg(a), 4: b << 32} if short else {2: a, 4: b}
    o = rr(mnemonic, 2, 4, fpr=regs)
    assert (o.code, o.reg(2), o.cc) == (None, short_reg(result) if short else result, 2)


@pytest.mark.parametrize("mnemonic, operand, result", [
    ("AU", 0xC0F00000, 0x41010000),
    ("SU", 0x40F00000, 0x41010000),
    # the result is less than zero: 1.0 - 2.0 -> X'C1100000', CC 1 (below)
    ("SU", 0x41200000, 0xC1100000),
])
def test_au_and_su_from_storage_are_not_normalized(mnemonic, operand, result):
    o = rx(mnemonic, 0, A, fpr={0: short_reg(0x41100000)}, data={A: e(operand)})
    assert (o.code, o.reg(0), o.cc) == (None, short_reg(result), 1 if result >> 31 else 2)


@pytest.mark.parametrize("mnemonic, operand", [
    ("AW", 0xC0F00000_00000000), ("SW", 0x40F00000_00000000)])
def test_aw_and_sw_from_storage_are_not_normalized(mnemonic, operand):
    o = rx(mnemonic, 6, A, fpr={6: 0x41100000_00000000}, data={A: d(operand)})
    assert (o.code, o.reg(6), o.cc) == (None, 0x41010000_00000000, 2)


def test_awr_zero_test_ignores_the_guard_digit():
    # 1.0 + -(1 - 16**-14): X'4110000000000000' + X'C0FFFFFFFFFFFFFF'; the second
    # moves one digit right: X'0FFFFFFFFFFFFFF|F'.  X'100000000000000' -
    # X'0FFFFFFFFFFFFFF' = X'000000000000001': only the guard digit is nonzero.
    # Unnormalized: the fraction without the guard digit is zero: significance.
    # Mask zero: true zero, CC 0.  Mask one: characteristic X'41' kept.
    regs = {0: 0x41100000_00000000, 2: 0xC0FFFFFF_FFFFFFFF}
    off = rr("AWR", 0, 2, fpr=regs)
    assert (off.code, off.reg(0), off.cc) == (None, 0, 0)
    on = rr("AWR", 0, 2, fpr=regs, program_mask=SG)
    assert (on.code, on.reg(0), on.cc) == (SIGNIFICANCE, 0x41000000_00000000, 0)
    # ADR on the same operands normalizes the guard digit in: 14 digits left,
    # characteristic X'41' - 14 = X'33' -> X'3310000000000000' = 16**-14, CC 2.
    normalized = rr("ADR", 0, 2, fpr=regs, program_mask=SG)
    assert (normalized.code, normalized.reg(0), normalized.cc) == (None, 0x33100000_00000000, 2)


def test_awr_cannot_underflow():
    # X'0010000000000001' - X'0010000000000000' = X'0000000000000001' unnormalized,
    # characteristic 0: no exponent underflow (the characteristic never decreases),
    # even with the mask one; CC 2.
    o = rr("AWR", 0, 2, fpr={0: 0x00100000_00000001, 2: 0x80100000_00000000},
           program_mask=EU)
    assert (o.code, o.reg(0), o.cc) == (None, 0x00000000_00000001, 2)


# ===========================================================================
# MULTIPLY: MER, ME, MDR, MD, MXDR, MXD, MXR
# (ch.9: the operands normalized; characteristic the sum less 64; the fraction
# product shifted left one digit when its leading digit is zero, then truncated;
# a zero fraction in either operand: true zero; CC unchanged)
# ===========================================================================
def test_mer_forms_a_long_product_of_all_twelve_digits():
    # X'41FFFFFF' squared: (16**6 - 1)**2 = 16**12 - 2 x 16**6 + 1 = X'FFFFFE000001'
    # (12 digits, leading digit F: no shift), characteristic X'41' + X'41' - X'40' =
    # X'42'; the long product has 14 digits, the last two zeros: X'FFFFFE00000100'
    # -> X'42FFFFFE00000100' in the whole of R1 (its right half is replaced).
    o = rr("MER", 0, 2, fpr={0: short_reg(0x41FFFFFF), 2: 0x41FFFFFF_00000000}, cc=3)
    assert (o.code, o.reg(0), o.cc) == (None, 0x42FFFFFE_00000100, 3)


def test_me_multiplies_three_by_three_from_storage():
    # X'300000' x X'300000' = X'090000000000': leading zero, shifted left one digit:
    # X'900000000000', characteristic X'41' + X'41' - X'40' - 1 = X'41' ->
    # X'4190000000000000' = 9.0.  The right half of R1 was RIGHT: replaced.
    o = rx("ME", 4, A, fpr={4: short_reg(0x41300000)}, data={A: e(0x41300000)})
    assert (o.code, o.reg(4)) == (None, 0x41900000_00000000)


def test_mdr_truncates_the_product_to_14_digits():
    # X'41FFFFFFFFFFFFFF' squared: (16**14 - 1)**2 = X'FFFFFFFFFFFFFE00000000000001',
    # no shift, characteristic X'42'; truncated to 14 digits: X'FFFFFFFFFFFFFE' ->
    # X'42FFFFFFFFFFFFFE'.
    o = rr("MDR", 2, 2, fpr={2: 0x41FFFFFF_FFFFFFFF})
    assert (o.code, o.reg(2)) == (None, 0x42FFFFFF_FFFFFFFE)


def test_md_normalizes_an_unnormalized_operand_first():
    # X'4200100000000000' = 0.001 x 16**2 = 1/16: normalized X'4010000000000000'.
    # x 2.0 (X'4120...'): characteristic X'40' + X'41' - X'40' = X'41'; fraction
    # X'1' x X'2' = X'02..': shifted left, X'40' -> X'4020000000000000' = 1/8.
    o = rx("MD", 0, A, fpr={0: 0x42001000_00000000}, data={A: d(0x41200000_00000000)})
    assert (o.code, o.reg(0)) == (None, 0x40200000_00000000)


def test_mdr_with_a_zero_fraction_is_a_true_zero():
    # -(zero fraction, characteristic X'43') x 1.0: "one or both operands of
    # MULTIPLY has a zero fraction": true zero, sign plus.  CC unchanged.
    o = rr("MDR", 0, 2, fpr={0: 0x41100000_00000000, 2: 0xC3000000_00000000}, cc=1)
    assert (o.code, o.reg(0), o.cc) == (None, 0, 1)


def test_mxdr_forms_a_28_digit_product_in_the_pair():
    # (1 + 16**-13) squared: X'4110000000000001' x itself.  Fractions X'10000000000001'
    # (16**13 + 1): the product 16**26 + 2 x 16**13 + 1 is the 28 digits
    # X'0100000000000020000000000001'; leading zero: shifted left one digit,
    # X'1000000000000200000000000010', characteristic X'41' + X'41' - X'40' - 1 =
    # X'41'.  High part X'10000000000002' -> X'4110000000000002'; low part
    # X'00000000000010' with characteristic X'41' - 14 = X'33' -> X'3300000000000010'.
    # The multiplicand is the high-order register of the pair: register 2's old
    # content (garbage) does not take part.
    o = rr("MXDR", 0, 4, fpr={0: 0x41100000_00000001, 2: 0xDEADBEEF_DEADBEEF,
                              4: 0x41100000_00000001})
    assert (o.code, o.reg(0), o.reg(2), o.reg(4)) == (None, 0x41100000_00000002,
                                                      0x33000000_00000010,
                                                      0x41100000_00000001)


def test_mxdr_multiplier_may_be_the_low_order_register_of_the_pair():
    # MXDR 0,2: R2 = 2 is any register; the multiplier 2.0 is read before the
    # product replaces the pair.  1.5 x 2.0 = 3.0: X'18' x X'2' = X'030..': shifted,
    # characteristic X'41' -> high X'4130000000000000', low X'3300000000000000'.
    o = rr("MXDR", 0, 2, fpr={0: 0x41180000_00000000, 2: 0x41200000_00000000})
    assert (o.code, o.reg(0), o.reg(2)) == (None, 0x41300000_00000000, 0x33000000_00000000)


def test_mxd_multiplies_by_an_operand_on_no_boundary():
    # The same product as MXDR above with the multiplier in storage at X'401'.
    o = rx("MXD", 4, A, fpr={4: 0x41100000_00000001, 6: 0},
           data={A: d(0x41100000_00000001)})
    assert (o.code, o.reg(4), o.reg(6)) == (None, 0x41100000_00000002, 0x33000000_00000010)


def test_mxr_multiplies_all_28_digits():
    # (1 + 16**-27) x 2.0: fractions X'1000000000000000000000000001' x X'2000...0':
    # X'02000000000000000000000000002' followed by zeros; leading zero: shifted,
    # X'2000000000000000000000000002', characteristic X'41': high X'4120000000000000',
    # low X'3300000000000002'.
    o = rr("MXR", 0, 4, fpr={0: 0x41100000_00000000, 2: 0x33000000_00000001,
                             4: 0x41200000_00000000, 6: 0x33000000_00000000})
    assert (o.code, o.reg(0), o.reg(2)) == (None, 0x41200000_00000000, 0x33000000_00000002)


@pytest.mark.parametrize("mnemonic, a, b, wrapped", [
    # X'7F40000000000000' x X'4140000000000000': characteristic X'7F' + X'41' - X'40'
    # = 128; X'4' x X'4' = X'10' (leading digit 1: no shift): 128 > 127, overflow;
    # 128 - 128 = 0 -> X'0010000000000000'.
    ("MDR", 0x7F400000_00000000, 0x41400000_00000000, 0x00100000_00000000),
    # minus x plus: the sign is correct, X'8010000000000000'
    ("MDR", 0xFF400000_00000000, 0x41400000_00000000, 0x80100000_00000000),
    # short operands, long product: the same digits
    ("MER", 0x7F400000_00000000, 0x41400000_00000000, 0x00100000_00000000),
])
def test_multiply_overflow_wraps_the_characteristic_and_interrupts(mnemonic, a, b, wrapped):
    o = rr(mnemonic, 0, 2, fpr={0: a, 2: b}, cc=2)
    assert (o.code, o.reg(0), o.cc, o.ilc) == (OVERFLOW, wrapped, 2, 1)


def test_mxr_overflow_wraps_both_characteristics_and_interrupts():
    # X'7F10...' x X'4210...': X'7F' + X'42' - X'40' = 129; X'1' x X'1' = X'01..':
    # shifted, 128 > 127: overflow; high characteristic 0 -> X'0010000000000000',
    # low 0 - 14 + 128 = X'72' -> X'7200000000000000'.
    o = rr("MXR", 0, 4, fpr={0: 0x7F100000_00000000, 2: 0, 4: 0x42100000_00000000, 6: 0})
    assert (o.code, o.reg(0), o.reg(2)) == (OVERFLOW, 0x00100000_00000000, 0x72000000_00000000)


def test_mxdr_overflow_wraps_both_characteristics_and_interrupts():
    o = rr("MXDR", 4, 0, fpr={4: 0x7F100000_00000000, 0: 0x42100000_00000000})
    assert (o.code, o.reg(4), o.reg(6)) == (OVERFLOW, 0x00100000_00000000, 0x72000000_00000000)


@pytest.mark.parametrize("mnemonic, a, b, wrapped", [
    # X'0110000000000000' x X'3F10000000000000': characteristic 1 + X'3F' - X'40' = 0;
    # X'1' x X'1' = X'01..': shifted left, characteristic -1: underflow.  Mask one:
    # -1 + 128 = X'7F' -> X'7F10000000000000'.
    ("MDR", 0x01100000_00000000, 0x3F100000_00000000, 0x7F100000_00000000),
    ("MER", 0x01100000_00000000, 0x3F100000_00000000, 0x7F100000_00000000),
    # an operand whose normalization goes below zero is no exception by itself:
    # X'0000000000000001' = 16**-14 x 16**-64 normalizes to characteristic -13;
    # x 1.0: -13 + X'41' - X'40' = -12, X'1' x X'1' shifted: -13: underflow;
    # -13 + 128 = 115 = X'73' -> X'7310000000000000'.
    ("MDR", 0x00000000_00000001, 0x41100000_00000000, 0x73100000_00000000),
])
def test_multiply_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero(
        mnemonic, a, b, wrapped):
    on = rr(mnemonic, 0, 2, fpr={0: a, 2: b}, program_mask=EU, cc=1)
    assert (on.code, on.reg(0), on.cc) == (UNDERFLOW, wrapped, 1)
    off = rr(mnemonic, 0, 2, fpr={0: a, 2: b}, program_mask=SG, cc=1)
    assert (off.code, off.reg(0), off.cc) == (None, 0, 1)


def test_mxdr_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero():
    # As MDR above: high X'7F10000000000000', low characteristic 127 - 14 = X'71'.
    regs = {0: 0x01100000_00000000, 2: 0x3F100000_00000000}
    on = rr("MXDR", 0, 2, fpr=regs, program_mask=EU)
    assert (on.code, on.reg(0), on.reg(2)) == (UNDERFLOW, 0x7F100000_00000000,
                                               0x71000000_00000000)
    off = rr("MXDR", 0, 2, fpr=regs)
    assert (off.code, off.reg(0), off.reg(2)) == (None, 0, 0)


def test_mxr_underflow_wraps_with_the_mask_one():
    o = rr("MXR", 4, 0, fpr={4: 0x01100000_00000000, 6: 0x73000000_00000000,
                             0: 0x3F100000_00000000, 2: 0}, program_mask=EU)
    assert (o.code, o.reg(4), o.reg(6)) == (UNDERFLOW, 0x7F100000_00000000, 0x71000000_00000000)


# ===========================================================================
# DIVIDE: DER, DE, DDR, DD
# (ch.9: operands normalized; characteristic the dividend's less the divisor's
# plus 64, one more when the dividend fraction is not less than the divisor's
# (the quotient shifted right); truncated; a zero divisor fraction is a
# floating-point-divide exception, suppressed; CC unchanged)
# ===========================================================================
def test_ddr_divides_six_by_two():
    # X'6' >= X'2': characteristic X'41' - X'41' + X'40' + 1 = X'41'; X'6'/X'2' as
    # X'30000000000000' -> X'4130000000000000' = 3.0.
    o = rr("DDR", 0, 2, fpr={0: 0x41600000_00000000, 2: 0x41200000_00000000}, cc=2)
    assert (o.code, o.reg(0), o.cc) == (None, 0x41300000_00000000, 2)


def test_dd_truncates_one_third():
    # 1.0 / 3.0: X'1' < X'3': characteristic X'40'; 16**14 / 3 truncated =
    # X'55555555555555' -> X'4055555555555555' (1/3 = 0.5555... hex).
    o = rx("DD", 2, A, fpr={2: 0x41100000_00000000}, data={A: d(0x41300000_00000000)})
    assert (o.code, o.reg(2)) == (None, 0x40555555_55555555)


def test_der_keeps_the_right_half_and_the_condition_code():
    # 6.0 / 2.0 short: X'41300000'.
    o = rr("DER", 4, 6, fpr={4: short_reg(0x41600000), 6: 0x41200000_00000000}, cc=1)
    assert (o.code, o.reg(4), o.cc) == (None, short_reg(0x41300000), 1)


def test_de_truncates_one_third_short():
    # 16**6 / 3 = X'555555' -> X'40555555'.
    o = rx("DE", 0, A, fpr={0: short_reg(0x41100000)}, data={A: e(0x41300000)})
    assert (o.code, o.reg(0)) == (None, short_reg(0x40555555))


def test_ddr_normalizes_an_unnormalized_divisor():
    # 1.0 / X'4200200000000000' (0.002 x 16**2 = 2/16 = 0.125): divisor normalized to
    # X'4020...'; X'1' < X'2': characteristic X'41' - X'40' + X'40' = X'41'; 1/2 =
    # X'80000000000000' -> X'4180000000000000' = 8.0.
    o = rr("DDR", 0, 2, fpr={0: 0x41100000_00000000, 2: 0x42002000_00000000})
    assert (o.code, o.reg(0)) == (None, 0x41800000_00000000)


@pytest.mark.parametrize("mnemonic, divisor", [
    ("DDR", 0x41000000_00000000),      # zero fraction, characteristic X'41'
    ("DDR", 0x80000000_00000000),      # minus zero
    ("DER", 0xC3000000_12345678),      # short: the right half does not count
])
def test_divide_by_a_zero_fraction_is_suppressed(mnemonic, divisor):
    # Floating-point divide: "the operation is suppressed": R1 unchanged, CC
    # unchanged (3), the interruption code X'0F', ILC 1.
    o = rr(mnemonic, 0, 2, fpr={0: 0x41600000_00000000, 2: divisor}, cc=3)
    assert (o.code, o.reg(0), o.cc, o.ilc) == (FP_DIVIDE, 0x41600000_00000000, 3, 1)


def test_divide_of_zero_by_zero_is_a_divide_exception():
    # A zero divisor fraction is the exception whatever the dividend.
    o = rr("DDR", 0, 2, fpr={0: 0, 2: 0})
    assert (o.code, o.reg(0)) == (FP_DIVIDE, 0)


@pytest.mark.parametrize("mnemonic, address, divisor", [
    ("DD", A, d(0x41000000_00000000)), ("DE", A, e(0x00000000))])
def test_rx_divide_by_a_zero_fraction_is_suppressed(mnemonic, address, divisor):
    o = rx(mnemonic, 6, address, fpr={6: 0x41100000_00000000}, data={address: divisor})
    assert (o.code, o.reg(6), o.ilc) == (FP_DIVIDE, 0x41100000_00000000, 2)


def test_divide_of_a_zero_dividend_is_a_true_zero():
    # -(zero fraction) / 2.0: "the dividend in DIVIDE has a zero fraction": true
    # zero, sign plus, no exception.
    o = rr("DDR", 0, 2, fpr={0: 0xC1000000_00000000, 2: 0x41200000_00000000})
    assert (o.code, o.reg(0)) == (None, 0)


def test_ddr_overflow_wraps_the_characteristic_and_interrupts():
    # X'7F10...' / X'3F10...': X'1' >= X'1': characteristic X'7F' - X'3F' + X'40' + 1 =
    # 129 > 127; quotient X'10000000000000'; stored 129 - 128 = 1 ->
    # X'0110000000000000'.
    o = rr("DDR", 0, 2, fpr={0: 0x7F100000_00000000, 2: 0x3F100000_00000000})
    assert (o.code, o.reg(0)) == (OVERFLOW, 0x01100000_00000000)


@pytest.mark.parametrize("mnemonic, a, b, wrapped, zero", [
    # X'0010000000000000' / 2.0: X'1' < X'2': characteristic 0 - X'41' + X'40' = -1:
    # underflow; quotient X'80000000000000'.  Mask one: -1 + 128 = X'7F' ->
    # X'7F80000000000000'; mask zero: true zero.
    ("DDR", 0x00100000_00000000, 0x41200000_00000000, 0x7F800000_00000000, 0),
    ("DER", short_reg(0x00100000), 0x41200000_00000000, short_reg(0x7F800000), short_reg(0)),
])
def test_divide_underflow_wraps_with_the_mask_one_and_is_a_true_zero_with_it_zero(
        mnemonic, a, b, wrapped, zero):
    on = rr(mnemonic, 0, 2, fpr={0: a, 2: b}, program_mask=EU)
    assert (on.code, on.reg(0)) == (UNDERFLOW, wrapped)
    off = rr(mnemonic, 0, 2, fpr={0: a, 2: b}, program_mask=0)
    assert (off.code, off.reg(0)) == (None, zero)


def test_der_overflow_wraps_the_characteristic_and_interrupts():
    o = rr("DER", 0, 2, fpr={0: short_reg(0x7F100000), 2: 0x3F100000_00000000})
    assert (o.code, o.reg(0)) == (OVERFLOW, short_reg(0x01100000))


# ===========================================================================
# COMPARE: CER, CE, CDR, CD
# (ch.9: by the rules of normalized subtraction; CC 0 equal, 1 first low, 2 first
# high; no exception but specification and access)
# ===========================================================================
@pytest.mark.parametrize("a, b, cc", [
    (0x41100000_00000000, 0x41200000_00000000, 1),     # 1 < 2
    (0x41200000_00000000, 0x41100000_00000000, 2),
    (0xC1100000_00000000, 0x41100000_00000000, 1),     # -1 < 1
    # 1.0 against the unnormalized X'4201000000000000' (0.01 x 16**2 = 1): equal
    (0x41100000_00000000, 0x42010000_00000000, 0),
    # zero fractions are equal whatever their signs and characteristics
    (0x80000000_00000000, 0x43000000_00000000, 0),
    # zero (characteristic X'41') against X'3F00000000000001': the second moves two
    # digits right and its only digit is lost beyond the guard digit: the
    # difference is zero, equal
    (0x41000000_00000000, 0x3F000000_00000001, 0),
    # ... but one digit right it is in the guard digit: X'4100...' vs X'4000...01':
    # 0 - X'000000000000001' < 0, the first is low
    (0x41000000_00000000, 0x40000000_00000001, 1),
])
def test_cdr_compares_by_the_rules_of_subtraction(a, b, cc):
    # no exception even with the significance mask one (COMPARE has none); the
    # registers are unchanged
    o = rr("CDR", 2, 6, fpr={2: a, 6: b}, program_mask=EU | SG, cc=3)
    assert (o.code, o.cc, o.reg(2), o.reg(6)) == (None, cc, a, b)


def test_cer_ignores_the_right_halves():
    o = rr("CER", 0, 2, fpr={0: 0x41100000_00000001, 2: 0x41100000_FFFFFFFF}, cc=1)
    assert (o.code, o.cc) == (None, 0)


def test_cer_first_operand_low_sets_cc_1_and_high_cc_2():
    assert rr("CER", 0, 2, fpr={0: 0x40800000 << 32, 2: 0x41100000 << 32}).cc == 1
    assert rr("CER", 0, 2, fpr={0: 0x41100000 << 32, 2: 0xC0800000 << 32}).cc == 2


def test_ce_with_an_operand_on_no_boundary_sets_cc_1_low_and_0_equal():
    o = rx("CE", 4, A, fpr={4: short_reg(0xC1100000)}, data={A: e(0x41100000)})
    assert (o.code, o.cc) == (None, 1)
    o = rx("CE", 4, A, fpr={4: short_reg(0x41100000)}, data={A: e(0x41100000)}, cc=2)
    assert (o.code, o.cc) == (None, 0)


def test_cd_first_operand_high_sets_cc_2():
    o = rx("CD", 6, A, fpr={6: 0x41200000_00000000}, data={A: d(0x41100000_00000001)})
    assert (o.code, o.cc) == (None, 2)


def test_cd_beyond_storage_is_an_addressing_exception_and_the_cc_is_unchanged():
    o = rx("CD", 6, 0xFFFE, fpr={6: 0x41200000_00000000}, cc=3)
    assert (o.code, o.cc) == (ADDRESSING, 3)


# ===========================================================================
# Specification exceptions: register fields
# (ch.9 "Floating-Point-Data Format" and each instruction: a register field must
# be 0, 2, 4 or 6; an extended operand's field 0 or 4.  LRDR: R2 0 or 4, R1 any;
# MXDR: R1 0 or 4, R2 any; MXD: R1 0 or 4; MXR, AXR, SXR: both 0 or 4)
# ===========================================================================
ANY, PAIR = {0, 2, 4, 6}, {0, 4}
RULES: dict[str, tuple[set[int], set[int]]] = {
    "LRDR": (ANY, PAIR), "MXDR": (PAIR, ANY), "MXD": (PAIR, ANY),
    "MXR": (PAIR, PAIR), "AXR": (PAIR, PAIR), "SXR": (PAIR, PAIR)}


def _spec_machine() -> Machine:
    m = Machine(64 * 1024)
    m.fpr[:] = [0x41100000_00000000] * 4     # 1.0 everywhere: no other exception
    return m


@pytest.mark.parametrize("row", FP_ROWS, ids=lambda row: row.mnemonic)
def test_register_fields_outside_the_allowed_ones_are_specification_exceptions(row):
    # Every value of each field (0-15), the function called directly on a machine.
    fn = getattr(floating, row.handler)
    r1_ok, r2_ok = RULES.get(row.mnemonic, (ANY, ANY))
    m = _spec_machine()
    m.load_image(bytes(16), A)
    for r1 in range(16):
        for r2 in (range(16) if row.layout == "RR" else [None]):
            m.fpr[:] = [0x41100000_00000000] * 4
            args = (r1, r2) if r2 is not None else (r1, 0, 0, A)
            try:
                fn(m, *args)
                raised = None
            except ProgramInterruption as exc:
                raised = exc
            allowed = r1 in r1_ok and (r2 is None or r2 in r2_ok)
            assert isinstance(raised, SpecificationException) == (not allowed), \
                (row.mnemonic, r1, r2, raised)


@pytest.mark.parametrize("code", [
    ins("LRDR", 0, 2),       # LRDR: the R2 field must name a pair (0 or 4) ...
    ins("MXDR", 2, 0),       # MXDR: the R1 field must (the product is a pair)
    ins("MXR", 0, 6), ins("AXR", 2, 0), ins("SXR", 4, 2),
    ins("ADR", 1, 0), ins("AER", 0, 3), ins("LDR", 8, 0), ins("HER", 0, 10),
    ins("LPDR", 0, 9), ins("LRER", 15, 0),
])
def test_specification_exception_suppresses_the_instruction(code):
    regs = {0: 0x41100000_00000000, 2: 0x41200000_00000000, 4: 0x41300000_00000000,
            6: 0x41400000_00000000}
    o = execute(code, fpr=regs, cc=3)
    assert (o.code, o.ilc, o.cc) == (SPEC, 1, 3)
    assert [o.reg(r) for r in (0, 2, 4, 6)] == list(regs.values())


def test_lrdr_r1_may_be_any_register_and_mxdr_r2_may_be_any_register():
    # LRDR 2,0: R1 = 2 allowed; MXDR 0,6: R2 = 6 allowed.
    o = rr("LRDR", 2, 0, fpr={0: 0x41100000_00000000, 2: 0, 6: 0})
    assert (o.code, o.reg(2)) == (None, 0x41100000_00000000)
    o = rr("MXDR", 0, 6, fpr={0: 0x41200000_00000000, 6: 0x41200000_00000000})
    # 2 x 2 = 4: X'2' x X'2' = X'04..' shifted: X'4130...'? no: 2.0 = 0.2 x 16; 0.2 x
    # 0.2 = 0.04, shifted left: 0.4, characteristic X'41' + X'41' - X'40' - 1 = X'41':
    # X'4140000000000000' = 4.0; low X'3300000000000000'.
    assert (o.code, o.reg(0), o.reg(2)) == (None, 0x41400000_00000000, 0x33000000_00000000)


@pytest.mark.parametrize("mnemonic, r1", [("LD", 1), ("LE", 8), ("AD", 3), ("MXD", 2),
                                          ("STD", 6 + 1), ("STE", 12), ("CE", 5)])
def test_rx_specification_comes_before_the_storage_access(mnemonic, r1):
    # The operand address X'FFF000' + X'FF0' is beyond storage: the register field is
    # checked first, so the exception is specification (X'06'), not addressing, and
    # storage is not touched.
    o = execute(ins(mnemonic, r1, 0, 1, 0xFF0), fpr={0: 0x41100000_00000000},
                gpr={1: 0xFFF000}, cc=2)
    assert (o.code, o.ilc, o.cc, o.reg(0)) == (SPEC, 2, 2, 0x41100000_00000000)


def test_mxd_r1_must_name_a_pair():
    o = rx("MXD", 6, A, fpr={6: 0x41100000_00000000}, data={A: d(0x41100000_00000000)})
    assert (o.code, o.reg(6)) == (SPEC, 0x41100000_00000000)


# ===========================================================================
# Through the architected interruption: programs assembled and run from a restart
# ===========================================================================
OVERFLOW_PROGRAM = """\
TEST     START 0
         USING TEST,0
         DC    X'00000000',A(BEGIN)     restart PSW: BC mode
         DC    XL8'00'
         ORG   TEST+X'68'
         DC    X'00020000',A(X'DEAD')   program new PSW: disabled wait
         ORG   TEST+X'200'
BEGIN    L     1,MASK
         SPM   1                        CC 0, program mask EU and SG
         LE    0,BIG
         AE    0,BIG                    exponent overflow
         LPSW  DONE
         DS    0D
DONE     DC    X'00020000',A(0)
BIG      DC    X'7FF00000'
MASK     DC    X'03000000'
         END
"""


def test_exponent_overflow_through_the_program_old_psw_in_bc_mode():
    # AE at X'20A' (after L at 200, SPM at 204, LE at 206) is 4 bytes: the old PSW
    # points to X'20E', ILC 2.  X'7FF00000' + X'7FF00000' -> X'001E0000' (see the
    # AER test above), CC 2, program mask 3 kept.  BC old PSW: system mask 00, key
    # and flags 0, interruption code X'000C'; then ILC 2 (10), CC 2 (10), mask 0011:
    # X'A3'; address X'00020E'.
    m = start_machine(assemble(OVERFLOW_PROGRAM, "<overflow>").image, 64 * 1024)
    assert m.run(100) == "disabled-wait"
    assert m.mem[0x28:0x30].hex().upper() == "0000000CA300020E"
    assert m.fpr[0] == 0x001E0000_00000000
    assert m.psw_value() & 0xFFFFFF == 0xDEAD


def test_divide_exception_through_the_program_old_psw_in_bc_mode():
    source = OVERFLOW_PROGRAM.replace("AE    0,BIG", "DE    0,ZERO").replace(
        "MASK     DC", "ZERO     DC    E'0'\nMASK     DC")
    m = start_machine(assemble(source, "<divide>").image, 64 * 1024)
    assert m.run(100) == "disabled-wait"
    # suppressed: the register keeps X'7FF00000'; CC 0 from SPM; code X'000F'
    assert m.mem[0x28:0x30].hex().upper() == "0000000F8300020E"
    assert m.fpr[0] >> 32 == 0x7FF00000


def test_underflow_in_ec_mode_stores_the_code_at_8e_and_the_ilc_at_8d():
    # EC mode: the interruption code goes to X'8E'-X'8F', the ILC (in bits 5-6 of
    # X'8D') to X'8C'-X'8D'.  MD (RX, ILC 2) of X'0110...' by X'3F10...' underflows
    # (see the multiply tests): mask one, X'7F10000000000000'.
    o = execute(ins("MD", 0, 0, 0, A), fpr={0: 0x01100000_00000000},
                data={A: d(0x3F100000_00000000)}, program_mask=EU, ec=True)
    assert o.m.mem[0x8C:0x90].hex().upper() == "0004000D"
    assert o.reg(0) == 0x7F100000_00000000
    old = int.from_bytes(o.m.mem[0x28:0x30], "big")
    assert (old >> 51) & 1 == 1 and old & 0xFFFFFF == 0x204     # EC mode, next instruction


DOT_PRODUCT = """\
DOT      START 0
         USING DOT,0
         DC    X'00000000',A(BEGIN)
         DC    XL8'00'
         ORG   DOT+X'200'
BEGIN    SDR   0,0                      sum := true zero (CC 0)
         SR    1,1
         LA    4,4                      increment: a short operand
         LA    5,8                      the last index
LOOP     LE    2,X(1)
         ME    2,Y(1)                   short x short -> long
         ADR   0,2
         BXLE  1,4,LOOP
         STD   0,SUM
         LPSW  DONE
         DS    0D
DONE     DC    X'00020000',A(0)
X        DC    E'0.5,-1.5,2.25'
Y        DC    E'4,2,-8'
SUM      DS    D
         END
"""


def test_an_assembled_dot_product_of_short_operands():
    # 0.5 x 4 + -1.5 x 2 + 2.25 x -8 = 2 - 3 - 18 = -19 = -X'13' = -0.13 x 16**2 ->
    # X'C213000000000000'.  Each product and sum is exact.
    assembly = assemble(DOT_PRODUCT, "<dot>")
    m = start_machine(assembly.image, 64 * 1024)
    assert m.run(100) == "disabled-wait"
    assert m.fpr[0] == 0xC2130000_00000000
    at = assembly.symbols["SUM"]
    assert m.mem[at:at + 8].hex().upper() == "C213000000000000"


@pytest.mark.parametrize("source", [OVERFLOW_PROGRAM, DOT_PRODUCT], ids=["overflow", "dot"])
def test_floating_point_programs_end_in_the_same_state_under_the_vmcp(source):
    # A guest's floating-point registers are its own: the VMCP loads them for its
    # run and saves them, and its program interruptions are reflected to it.
    image = assemble(source, "<guest>").image
    native = start_machine(image, 64 * 1024)
    native.run(1000)
    vm = start_vm(image, 64 * 1024, 1000)
    assert vm.stop_reason == "disabled-wait"
    assert vm.state() == native.state()
    assert any(vm.state().fpr)


def test_execute_of_a_floating_point_instruction_ors_the_register_fields():
    # EX 1,X'300' with GR1 = X'24': the target LDR 0,0 (X'2800') is executed as
    # X'2824', LDR 2,4.
    code = ins("EX", 1, 0, 0, 0x300)
    o = execute(code, gpr={1: 0x24}, fpr={4: 0x41300000_00000000},
                data={0x300: ins("LDR", 0, 0)})
    assert (o.code, o.reg(2), o.reg(0)) == (None, 0x41300000_00000000, 0)


# ===========================================================================
# A model without the facility: every opcode is an operation exception
# ===========================================================================
def _every_fp_instruction_program() -> str:
    lines = "\n".join(f"         {row.mnemonic:<5} 0,0" if row.layout == "RR"
                      else f"         {row.mnemonic:<5} 0,0(0,0)" for row in FP_ROWS)
    return f"""\
OFF      START 0
         USING OFF,0
         DC    X'00000000',A(BEGIN)
         DC    XL8'00'
         ORG   OFF+X'68'
         DC    X'00000000',A(HANDLER)   program new PSW
         ORG   OFF+X'200'
BEGIN    LA    5,CODES
{lines}
         LPSW  DONE
HANDLER  MVC   0(3,5),X'2A'             interruption code and the ILC byte
         LA    5,3(,5)
         LPSW  X'28'                    resume after the instruction
         DS    0D
DONE     DC    X'00020000',A(0)
CODES    DC    {len(FP_ROWS) * 3}X'FF'
         END
"""


def _codes(storage: bytes, at: int) -> list[tuple[int, int]]:
    """(interruption code, ILC) recorded by the handler, one per instruction."""
    return [(int.from_bytes(storage[at + 3 * i:at + 3 * i + 2], "big"),
             storage[at + 3 * i + 2] >> 6) for i in range(len(FP_ROWS))]


def test_without_the_facility_every_opcode_is_an_operation_exception_natively():
    # ch.9: "Operation (if the floating-point facility is not installed)" for every
    # instruction.  The operation is suppressed: the old PSW points past the
    # instruction by its length (ILC 1 for RR, 2 for RX).
    assembly = assemble(_every_fp_instruction_program(), "<off>")
    at = assembly.symbols["CODES"]
    m = start_machine(assembly.image, 64 * 1024, floating_point=False)
    assert m.run(1000) == "disabled-wait"
    expected = [(OPERATION, 1 if row.layout == "RR" else 2) for row in FP_ROWS]
    assert _codes(bytes(m.mem), at) == expected
    assert m.fpr == [0, 0, 0, 0]
    # the same program with the facility: the registers are zero, so DDR 0,0 and
    # DER 0,0 divide by a zero fraction, and so do DD and DE (location 0 was made
    # zero by STD 0,0 before them); nothing else interrupts
    with_fp = start_machine(assembly.image, 64 * 1024)
    assert with_fp.run(1000) == "disabled-wait"
    recorded = [c for c in _codes(bytes(with_fp.mem), at) if c != (0xFFFF, 3)]
    assert recorded == [(FP_DIVIDE, 1), (FP_DIVIDE, 1), (FP_DIVIDE, 2), (FP_DIVIDE, 2)]


def test_without_the_facility_every_opcode_is_an_operation_exception_under_the_vmcp():
    assembly = assemble(_every_fp_instruction_program(), "<off>")
    at = assembly.symbols["CODES"]
    vm = start_vm(assembly.image, 64 * 1024, 10_000, floating_point=False)
    assert vm.stop_reason == "disabled-wait"
    expected = [(OPERATION, 1 if row.layout == "RR" else 2) for row in FP_ROWS]
    assert _codes(vm.state().storage, at) == expected
    native = start_machine(assembly.image, 64 * 1024, floating_point=False)
    native.run(10_000)
    assert vm.state() == native.state()


# ===========================================================================
# Properties: the machine against the independent model (tests/hfp_model.py)
# ===========================================================================
def _image(bits: int) -> st.SearchStrategy[int]:
    """Operand images: any bits, or built from a sign, an extreme or any
    characteristic and a zero, one-digit or any fraction."""
    digits = {32: 6, 64: 14, 128: 28}[bits]
    frac_bits = 4 * min(digits, 14)
    fractions = st.one_of(st.just(0), st.integers(1, 15).map(lambda v: v << (frac_bits - 4)),
                          st.integers(0, (1 << frac_bits) - 1))
    chars = st.one_of(st.sampled_from([0, 1, 63, 64, 65, 126, 127]), st.integers(0, 127))

    def build(sign: int, char: int, frac: int, low: int) -> int:
        top = 64 if bits > 32 else 32
        high = (sign << (top - 1)) | (char << (top - 8)) | frac
        return (high << 64) | low if bits == 128 else high

    return st.one_of(st.integers(0, (1 << bits) - 1),
                     st.builds(build, st.integers(0, 1), chars, fractions,
                               st.integers(0, (1 << 64) - 1)))


WIDTH = {model.SHORT: 32, model.LONG: 64, model.EXTENDED: 128}
MODELLED = sorted(model.INSTRUCTIONS)


@settings(max_examples=400, deadline=None)
@given(mnemonic=st.sampled_from(MODELLED), data=st.data(), cc=st.integers(0, 3),
       mask=st.integers(0, 15), right=st.integers(0, 0xFFFFFFFF))
def test_every_modelled_instruction_agrees_with_the_model_on_a_machine(
        mnemonic, data, cc, mask, right):
    # Each instruction the model defines (RR and RX), on registers holding random
    # images (right halves random too), both masks drawn: the register contents
    # after it, the condition code and the interruption must be the model's
    # result placed by the rules of ch.9 (short results in the left half, the right
    # half unchanged; extended ones in the pair; nothing stored when suppressed;
    # COMPARE stores nothing).
    inst = model.INSTRUCTIONS[mnemonic]
    row = BY_MNEMONIC[mnemonic]
    operands = [data.draw(_image(WIDTH[fmt])) for fmt in inst.operands]
    extended = model.EXTENDED in inst.operands or inst.result is model.EXTENDED
    r1, r2 = (0, 4) if extended else (2, 6)
    if mnemonic == "LRDR":
        r1 = 2
    m = Machine(64 * 1024)
    m.fpr[:] = [data.draw(st.integers(0, (1 << 64) - 1)) for _ in range(4)]
    m.cc, m.program_mask = cc, mask

    def place(r: int, fmt: model.Format, value: int) -> None:
        if fmt is model.SHORT:
            m.fpr[r >> 1] = (value << 32) | right
        elif fmt is model.LONG:
            m.fpr[r >> 1] = value
        else:
            m.fpr[r >> 1], m.fpr[(r >> 1) + 1] = value >> 64, value & ((1 << 64) - 1)

    if len(inst.operands) == 1:                  # HALVE, LOAD ROUNDED, the sign loads
        place(r2, inst.operands[0], operands[0])
        args: tuple[int, ...] = (r1, r2)
    else:
        place(r1, inst.operands[0], operands[0])
        if row.layout == "RR":
            place(r2, inst.operands[1], operands[1])
            args = (r1, r2)
        else:
            width = WIDTH[inst.operands[1]] // 8
            m.load_image(operands[1].to_bytes(width, "big"), A)
            args = (r1, 0, 0, A)
    before = list(m.fpr)
    outcome = inst(*operands, eu_mask=bool(mask & EU), sg_mask=bool(mask & SG))
    try:
        getattr(floating, row.handler)(m, *args)
        code = None
    except ProgramInterruption as exc:
        code = exc.code
    assert code == outcome.code
    assert m.cc == (cc if outcome.cc is None else outcome.cc)
    expected = list(before)
    if outcome.bits is not None:
        assert isinstance(outcome.bits, int)
        if inst.result is model.SHORT:
            expected[r1 >> 1] = (outcome.bits << 32) | (before[r1 >> 1] & 0xFFFFFFFF)
        elif inst.result is model.LONG:
            expected[r1 >> 1] = outcome.bits
        elif inst.result is model.EXTENDED:
            expected[r1 >> 1] = outcome.bits >> 64
            expected[(r1 >> 1) + 1] = outcome.bits & ((1 << 64) - 1)
    assert m.fpr == expected


# ---------------------------------------------------------------------------
# Hercules' own floating-point test (software written by others)
# ---------------------------------------------------------------------------
HERCULES_TESTS = Path(__file__).resolve().parents[1].parent / "shared" / "workloads" / \
    "hercules-tests"


def _first_testcase_wants(script: str) -> tuple[list[tuple[int, int, int]], dict[int, int]]:
    """The checks of the script's first testcase (S/370, no extensions): each
    ``r ADDR.LEN`` display with the value its ``*Want`` line expects, and each
    ``*Fpr N VALUE``."""
    wants: list[tuple[int, int, int]] = []
    fprs: dict[int, int] = {}
    display: tuple[int, int] | None = None
    for line in script.splitlines():
        words = line.split()
        if line.startswith("*Done"):
            break
        if words[:1] == ["r"]:
            address, length = words[1].split(".")
            display = (int(address, 16), int(length, 16))
        elif line.startswith("*Want") and display is not None:
            wants.append((*display, int(words[-1], 16)))
        elif line.startswith("*Fpr"):
            fprs[int(words[1])] = int(words[2], 16)
    return wants, fprs


@pytest.mark.skipif(not (HERCULES_TESTS / "float.tst").exists(),
                    reason="../shared/workloads/hercules-tests is not beside the checkout")
@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_hercules_own_floating_point_test_passes_natively_and_under_the_vmcp(mode):
    # float.tst loads float.core at 0 into 2M and runs it from the restart PSW to a
    # disabled wait; it then wants the failure flags at X'600' zero and the four
    # floating-point registers as its *Fpr lines give them.
    script = (HERCULES_TESTS / "float.tst").read_text()
    image = (HERCULES_TESTS / "float.core").read_bytes()
    wants, fprs = _first_testcase_wants(script)
    assert wants and sorted(fprs) == [0, 2, 4, 6]
    if mode == "native":
        cpu = start_machine(image, 2 * 1024 * 1024)
        stop = cpu.run(1_000_000)
    else:
        cpu = start_vm(image, 2 * 1024 * 1024, 1_000_000)
        stop = cpu.stop_reason
    assert stop == "disabled-wait"
    for address, length, value in wants:
        assert int.from_bytes(cpu.real_storage(address, length), "big") == value
    assert list(cpu.fpr) == [fprs[r] for r in (0, 2, 4, 6)]
