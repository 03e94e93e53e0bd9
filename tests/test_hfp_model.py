"""Tests of tests/hfp_model.py, the exact model of System/370 hexadecimal floating
point (GA22-7000 chapter 9) that properties use as an oracle.

Every expected value is derived by hand from the manual's rules, with the
arithmetic beside it.  Notation: a short number 0xSCFFFFFF has sign and
characteristic in the first byte (characteristic C = exponent + 64) and the six
fraction digits F after it; 0x41100000 is 1.0 (characteristic 0x41 = 16**1, times
the fraction .100000 = 1/16).  ".1000000" with seven digits is a short fraction
followed by its guard digit.  Extended numbers are written as
``ext(high, low)``: the even register's 64 bits, then the odd register's.

The last section checks the model against the manual's programming notes
(interchanging operands, HALVE = DIVIDE by 2, HDR = MDR by one half) and against
exact arithmetic with Hypothesis.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hfp_model import (
    EXPONENT_OVERFLOW,
    EXPONENT_UNDERFLOW,
    EXTENDED,
    FLOATING_POINT_DIVIDE,
    INSTRUCTIONS,
    LONG,
    SHORT,
    SIGNIFICANCE,
    UNPREDICTABLE,
    Number,
    Outcome,
    add_normalized,
    add_unnormalized,
    compare,
    divide,
    halve,
    is_unpredictable,
    load_and_test,
    load_complement,
    load_negative,
    load_positive,
    load_rounded,
    multiply,
    pack,
    subtract_normalized,
    subtract_unnormalized,
    unpack,
    value,
)

OVF, UNF, SIG, FPD = EXPONENT_OVERFLOW, EXPONENT_UNDERFLOW, SIGNIFICANCE, FLOATING_POINT_DIVIDE


def ext(high: int, low: int) -> int:
    """An extended operand from its high-order and low-order registers."""
    return (high << 64) | low


ONE_X = ext(0x4110000000000000, 0x3300000000000000)   # 1.0; low characteristic 0x41 - 14
TWO_X = ext(0x4120000000000000, 0x3300000000000000)   # 2.0


# ---------------------------------------------------------------------------------
# Representation (ch.9 "Floating-Point Data Format", "Number Representation")
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, bits, expected", [
    (SHORT, 0x41100000, Fraction(1)),            # 16**(0x41-64) * 1/16 = 1
    (SHORT, 0xC1100000, Fraction(-1)),           # sign bit one
    (SHORT, 0x40800000, Fraction(1, 2)),         # 16**0 * 8/16
    (SHORT, 0x42640000, Fraction(100)),          # 16**2 * 0x64/256 = 100
    (SHORT, 0x00100000, Fraction(1, 16 ** 65)),  # smallest normalized: 16**-64 * 1/16
    (SHORT, 0x7FFFFFFF, (1 - Fraction(1, 16 ** 6)) * 16 ** 63),  # largest short
    (SHORT, 0x80000000, Fraction(0)),            # a minus zero has the value zero
    (LONG, 0x4110000000000000, Fraction(1)),
    (LONG, 0x3F10000000000001, Fraction(1, 256) + Fraction(1, 16 ** 15)),  # 16**-1*(1/16+16**-14)
    # Extended: the low-order fraction holds digits 15-28; its sign and
    # characteristic (here minus, 0x7F) are ignored: 1 + 16**1 * 16**-28.
    (EXTENDED, ext(0x4110000000000000, 0xFF00000000000001), 1 + Fraction(1, 16 ** 27)),
])
def test_value(fmt, bits, expected):
    assert value(fmt, bits) == expected


def test_unpack_and_pack_short_and_long():
    assert unpack(SHORT, 0xC2808655) == Number(1, 0x42, (8, 0, 8, 6, 5, 5))
    assert pack(SHORT, Number(1, 0x42, (8, 0, 8, 6, 5, 5))) == 0xC2808655
    assert pack(LONG, unpack(LONG, 0x3F10000000000001)) == 0x3F10000000000001


def test_pack_extended_low_order_part():
    # The low-order part gets the high-order sign and the high-order characteristic
    # less 14: 0xC1 -> sign one, 0x41 - 14 = 0x33.
    number = Number(1, 0x41, (1,) + (0,) * 26 + (7,))
    assert pack(EXTENDED, number) == ext(0xC110000000000000, 0xB300000000000007)
    # Below 14 the low-order characteristic is made 128 greater: 0x0D - 14 + 128 = 0x7F.
    assert pack(EXTENDED, Number(0, 0x0D, (1,) + (0,) * 27)) == ext(
        0x0D10000000000000, 0x7F00000000000000)
    # A true zero is zero in both parts.
    assert pack(EXTENDED, Number(0, 0, (0,) * 28)) == 0
    # A zero fraction with a characteristic is not a true zero: 0x41 - 14 = 0x33.
    assert pack(EXTENDED, Number(0, 0x41, (0,) * 28)) == ext(
        0x4100000000000000, 0x3300000000000000)


def test_unpack_rejects_bits_outside_the_format():
    with pytest.raises(ValueError):
        unpack(SHORT, 1 << 32)


# ---------------------------------------------------------------------------------
# ADD NORMALIZED / SUBTRACT NORMALIZED
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op1, op2, eu, sg, expected", [
    # 1 + 1: equal characteristics, no shift, guard digits zero: .1000000 + .1000000
    # = .2000000, normalized already -> 0x41200000 = 2.
    (SHORT, 0x41100000, 0x41100000, False, False, Outcome(0x41200000, 2, None)),
    # 8 + 8: .8000000 + .8000000 = 1.0000000, a carry: shifted right one digit,
    # characteristic 0x41 + 1 = 0x42, fraction .100000 -> 16.
    (SHORT, 0x41800000, 0x41800000, False, False, Outcome(0x42100000, 2, None)),
    # The operands of GA22-7000 Appendix A "ADD NORMALIZED": 0x43082100 (unnormalized)
    # plus 0x41123456.  Characteristics 43 and 41: the second fraction is shifted
    # right two digits, .0012345 with guard digit 5 (the digit 6 is lost).
    # .0821000 + .0012345 = .0833345; one leading zero: shifted left one digit,
    # bringing the guard digit in: .833345, characteristic 0x42.
    (SHORT, 0x43082100, 0x41123456, False, False, Outcome(0x42833345, 2, None)),
    # The same with the first operand minus: .0821000 - .0012345 = .080ECBB, minus;
    # normalized .80ECBB0, characteristic 0x42.
    (SHORT, 0xC3082100, 0x41123456, False, False, Outcome(0xC280ECBB, 1, None)),
    # Truncation, not rounding: 1 + 0x40100001: the second is shifted one digit,
    # .0100000 with guard 1; sum .1100001 is normalized; truncated to .110000.
    (SHORT, 0x41100000, 0x40100001, False, False, Outcome(0x41110000, 2, None)),
    # Digits past the guard digit are lost: 0x3F100001 shifted two digits is
    # .0010000 (guard 0; the digits 0 and 1 are lost); sum .1010000 -> .101000.
    (SHORT, 0x41100000, 0x3F100001, False, False, Outcome(0x41101000, 2, None)),
    # Long: 1 + 16**-14 (0x3410000000000000 is 16**(52-64) / 16): shift 13 digits
    # leaves .000000000000010 (the 1 in the 14th place), sum .100000000000010.
    (LONG, 0x4110000000000000, 0x3410000000000000, False, False,
     Outcome(0x4110000000000001, 2, None)),
    # Extended: 1 + 1 = 2; the low-order characteristic is 0x41 - 14 = 0x33.
    (EXTENDED, ONE_X, ONE_X, False, False, Outcome(TWO_X, 2, None)),
    # Extended: the low-order part's sign and characteristic are ignored (here
    # minus and 0x7F); its fraction ...01 is digit 28.  Plus a true zero: the sum is
    # the operand, stored with the low-order sign plus and characteristic 0x33.
    (EXTENDED, ext(0x4110000000000000, 0xFF00000000000001), 0, False, False,
     Outcome(ext(0x4110000000000000, 0x3300000000000001), 2, None)),
    # Extended, low-order characteristic below zero: 0x0D - 14 = -1 is made 128
    # greater, 0x7F, and no exponent underflow is recognized (p.250).
    (EXTENDED, ext(0x0D10000000000000, 0), 0, True, False,
     Outcome(ext(0x0D10000000000000, 0x7F00000000000000), 2, None)),
])
def test_add_normalized(fmt, op1, op2, eu, sg, expected):
    assert add_normalized(fmt, op1, op2, eu_mask=eu, sg_mask=sg) == expected


@pytest.mark.parametrize("fmt, op1, op2, expected", [
    # The guard digit: 1 - (1 - 16**-6).  0x40FFFFFF shifted one digit is .0FFFFFF
    # (guard F); .1000000 - .0FFFFFF = .0000001; normalized by six digits: .1000000,
    # characteristic 0x41 - 6 = 0x3B: 16**(59-64) / 16 = 16**-6, exact.  Without the
    # guard digit the difference would have been .000001, 16 times too large.
    (SHORT, 0x41100000, 0x40FFFFFF, Outcome(0x3B100000, 2, None)),
    # The same in the long format: 1 - (1 - 16**-14) = 16**-14 = 0x3310000000000000
    # (0x41 - 14 = 0x33).
    (LONG, 0x4110000000000000, 0x40FFFFFFFFFFFFFF, Outcome(0x3310000000000000, 2, None)),
    # And extended (AXR/SXR have a guard digit too): 1 - (1 - 16**-28): the second
    # operand shifted one digit leaves its 28th F in the guard digit; the
    # difference .000...0001 (29 digits) is normalized by 28 digits: characteristic
    # 0x41 - 28 = 0x25, low-order 0x25 - 14 = 0x17.
    (EXTENDED, ONE_X, ext(0x40FFFFFFFFFFFFFF, 0x32FFFFFFFFFFFFFF),
     Outcome(ext(0x2510000000000000, 0x1700000000000000), 2, None)),
    # 1 - 2 = -1: the sign follows algebra.
    (SHORT, 0x41100000, 0x41200000, Outcome(0xC1100000, 1, None)),
    # Subtracting a minus number adds: 1 - (-1) = 2.
    (SHORT, 0x41100000, 0xC1100000, Outcome(0x41200000, 2, None)),
])
def test_subtract_normalized(fmt, op1, op2, expected):
    assert subtract_normalized(fmt, op1, op2) == expected


@pytest.mark.parametrize("sg, expected", [
    # 1 - 1: the intermediate sum, guard digit included, is zero.  Mask zero: a true
    # zero, CC 0, no interruption.
    (False, Outcome(0x00000000, 0, None)),
    # Mask one: no normalization, the intermediate characteristic 0x41 is kept, sign
    # plus, fraction zero; significance interruption; CC 0.
    (True, Outcome(0x41000000, 0, SIG)),
])
def test_add_normalized_significance(sg, expected):
    assert subtract_normalized(SHORT, 0x41100000, 0x41100000, sg_mask=sg) == expected
    # -1 + 1 gives the same: the sign of a zero sum is plus.
    assert add_normalized(SHORT, 0xC1100000, 0x41100000, sg_mask=sg) == expected


def test_add_normalized_significance_keeps_the_larger_characteristic():
    # 0x42010000 is 16**2 * 1/256 = 1, unnormalized.  1 - 0x41100000: the second is
    # shifted one digit: .0100000 - .0100000 = 0 at characteristic 0x42.
    assert subtract_normalized(SHORT, 0x42010000, 0x41100000, sg_mask=True) == Outcome(
        0x42000000, 0, SIG)
    # Zero plus zero is a significance exception too; with characteristic 0 the
    # kept result is a true zero.
    assert add_normalized(SHORT, 0, 0, sg_mask=True) == Outcome(0, 0, SIG)
    assert add_normalized(SHORT, 0, 0) == Outcome(0, 0, None)


def test_add_normalized_significance_extended():
    # 1 - 1 extended, mask one: characteristic 0x41 kept; not a true zero, so the
    # low-order part gets 0x41 - 14 = 0x33.  Mask zero: both parts zero.
    assert subtract_normalized(EXTENDED, ONE_X, ONE_X, sg_mask=True) == Outcome(
        ext(0x4100000000000000, 0x3300000000000000), 0, SIG)
    assert subtract_normalized(EXTENDED, ONE_X, ONE_X) == Outcome(0, 0, None)


@pytest.mark.parametrize("fmt, op1, op2, expected", [
    # .8000000 + .8000000 at 0x7F: the carry makes the characteristic 128; it is
    # stored 128 less, 0; fraction .100000 and sign correct; CC from the result.
    (SHORT, 0x7F800000, 0x7F800000, Outcome(0x00100000, 2, OVF)),
    (SHORT, 0xFF800000, 0xFF800000, Outcome(0x80100000, 1, OVF)),
    (LONG, 0x7F80000000000000, 0x7F80000000000000, Outcome(0x0010000000000000, 2, OVF)),
    # AXR: the high-order characteristic is stored as 0; the low-order one "remains
    # correct" (p.250): 128 - 14 = 114 = 0x72.
    (EXTENDED, ext(0x7F80000000000000, 0), ext(0x7F80000000000000, 0),
     Outcome(ext(0x0010000000000000, 0x7200000000000000), 2, OVF)),
])
def test_add_normalized_exponent_overflow(fmt, op1, op2, expected):
    # Exponent overflow is not masked: both mask settings give the same.
    for eu in (False, True):
        assert add_normalized(fmt, op1, op2, eu_mask=eu) == expected


@pytest.mark.parametrize("fmt, op1, op2, eu, expected", [
    # 0x00100000 - 0x000FFFFF: .1000000 - .0FFFFF0 = .0000010; normalized by five
    # digits: characteristic 0 - 5 = -5.  Mask one: stored 128 greater, 123 = 0x7B,
    # value 16**-64 * 16**-6 = 16**(123-128-64)/16; interruption.  Mask zero: a true
    # zero with CC 0.
    (SHORT, 0x00100000, 0x000FFFFF, True, Outcome(0x7B100000, 2, UNF)),
    (SHORT, 0x00100000, 0x000FFFFF, False, Outcome(0x00000000, 0, None)),
    (SHORT, 0x80100000, 0x800FFFFF, True, Outcome(0xFB100000, 1, UNF)),
    # Long: .10...0 - .0F...F (14 digits, guard 0) = 16**-14 relative; normalized by
    # 13 digits: -13 + 128 = 115 = 0x73.
    (LONG, 0x0010000000000000, 0x000FFFFFFFFFFFFF, True, Outcome(0x7310000000000000, 2, UNF)),
    # Extended: normalized by 27 digits: -27 + 128 = 101 = 0x65; low 101 - 14 = 0x57.
    (EXTENDED, ext(0x0010000000000000, 0), ext(0x000FFFFFFFFFFFFF, 0x00FFFFFFFFFFFFFF), True,
     Outcome(ext(0x6510000000000000, 0x5700000000000000), 2, UNF)),
    (EXTENDED, ext(0x0010000000000000, 0), ext(0x000FFFFFFFFFFFFF, 0x00FFFFFFFFFFFFFF), False,
     Outcome(0, 0, None)),
])
def test_subtract_normalized_exponent_underflow(fmt, op1, op2, eu, expected):
    assert subtract_normalized(fmt, op1, op2, eu_mask=eu) == expected


# ---------------------------------------------------------------------------------
# ADD UNNORMALIZED / SUBTRACT UNNORMALIZED
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op1, op2, sg, expected", [
    # 1 + 1 as for AE.
    (SHORT, 0x41100000, 0x41100000, False, Outcome(0x41200000, 2, None)),
    # 0x42010000 (1, unnormalized) + 1: .0100000 + .0100000 = .0200000 at 0x42; no
    # left shift: 0x42020000 (= 2; AE would give 0x41200000).
    (SHORT, 0x42010000, 0x41100000, False, Outcome(0x42020000, 2, None)),
    # A carry still shifts right: 8 + 8 = 0x42100000.
    (SHORT, 0x41800000, 0x41800000, False, Outcome(0x42100000, 2, None)),
    # No exponent underflow: .1000000 - .0FFFFF0 = .0000010 truncated to .000001 at
    # characteristic 0 (AE would underflow).
    (SHORT, 0x00100000, 0x800FFFFF, False, Outcome(0x00000001, 2, None)),
    # Long: 0x3F10000000000001 shifted two digits: .001000000000000 (guard 0);
    # sum .101000000000000 truncated to 14 digits.
    (LONG, 0x4110000000000000, 0x3F10000000000001, False,
     Outcome(0x4110100000000000, 2, None)),
])
def test_add_unnormalized(fmt, op1, op2, sg, expected):
    assert add_unnormalized(fmt, op1, op2, sg_mask=sg) == expected


@pytest.mark.parametrize("fmt, sg, expected", [
    # 1 - (1 - 16**-6): .1000000 - .0FFFFFF = .0000001; truncated without a left
    # shift to .000000.  The guard digit does not count in the zero test, so the
    # result fraction is zero: mask zero -> true zero; mask one -> characteristic
    # 0x41 kept, sign plus, significance.  (SE gives 0x3B100000.)
    (SHORT, False, Outcome(0x00000000, 0, None)),
    (SHORT, True, Outcome(0x41000000, 0, SIG)),
    (LONG, False, Outcome(0x0000000000000000, 0, None)),
    (LONG, True, Outcome(0x4100000000000000, 0, SIG)),
])
def test_subtract_unnormalized_guard_digit_not_in_zero_test(fmt, sg, expected):
    op1, op2 = (0x41100000, 0x40FFFFFF) if fmt is SHORT else (
        0x4110000000000000, 0x40FFFFFFFFFFFFFF)
    assert subtract_unnormalized(fmt, op1, op2, sg_mask=sg) == expected


def test_add_unnormalized_exponent_overflow():
    # .8 + .8 at 0x7F: carry, characteristic 128 stored as 0.
    assert add_unnormalized(SHORT, 0x7F800000, 0x7F800000) == Outcome(0x00100000, 2, OVF)
    assert add_unnormalized(LONG, 0xFF80000000000000, 0xFF80000000000000) == Outcome(
        0x8010000000000000, 1, OVF)


# ---------------------------------------------------------------------------------
# COMPARE
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op1, op2, cc", [
    (SHORT, 0x41100000, 0x41100000, 0),   # 1 = 1
    (SHORT, 0x41100000, 0x41200000, 1),   # 1 < 2: first operand low
    (SHORT, 0x41200000, 0x41100000, 2),   # 2 > 1: first operand high
    (SHORT, 0xC1100000, 0x41100000, 1),   # -1 < 1
    (SHORT, 0xC1200000, 0xC1100000, 1),   # -2 < -1
    # Zero fractions compare equal whatever the sign and characteristic.
    (SHORT, 0x80000000, 0x41000000, 0),
    # 0x42010000 (1, unnormalized) equals 1: .0100000 - .0100000 = 0.
    (SHORT, 0x42010000, 0x41100000, 0),
    # The guard digit decides: 0x41010000 = 1/16; 0x40100001 = 1/16 + 16**-6,
    # aligned .0100000|1; the difference -.0000001 is nonzero: first low.
    (SHORT, 0x41010000, 0x40100001, 1),
    # Digits past the guard digit do not count: 0x42000010 = 16**-3 and
    # 0x40001001 = 16**-3 + 16**-6, aligned by two digits to .0000100 (the last 1 is
    # lost): the difference is zero, so CC 0 although the second is larger.
    (SHORT, 0x42000010, 0x40001001, 0),
    # A zero fraction with a large characteristic shifts the other operand out
    # entirely: 0x7F000000 against 1.0 (shifted 62 digits) compares equal.
    (SHORT, 0x7F000000, 0x41100000, 0),
    (LONG, 0x4110000000000000, 0x40FFFFFFFFFFFFFF, 2),   # 1 > 1 - 16**-14
    (LONG, 0x0010000000000000, 0x7F10000000000000, 1),   # tiny < huge
])
def test_compare(fmt, op1, op2, cc):
    # Nothing is stored and no exception can occur, whatever the masks.
    for eu, sg in ((False, False), (True, True)):
        assert compare(fmt, op1, op2, eu_mask=eu, sg_mask=sg) == Outcome(None, cc, None)


# ---------------------------------------------------------------------------------
# HALVE
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op2, eu, expected", [
    # 2 / 2: .200000 shifted right one bit is .1000000 (guard 0), normalized.
    (SHORT, 0x41200000, False, Outcome(0x41100000, None, None)),
    # 1 / 2: .1000000 -> .0800000, normalized by one digit: .800000 at 0x40.
    (SHORT, 0x41100000, False, Outcome(0x40800000, None, None)),
    # The rightmost bit goes into the guard digit: .100001 -> .0800008; normalized
    # by one digit the guard digit 8 becomes the last digit: .800008 at 0x40, which
    # is exactly (1 + 16**-5) / 2.
    (SHORT, 0x41100001, False, Outcome(0x40800008, None, None)),
    # No normalization needed: .300001 -> .1800008, truncated to .180000 (the last
    # bit is lost): 1.5.
    (SHORT, 0x41300001, False, Outcome(0x41180000, None, None)),
    # Programming note: a fraction zero but for its rightmost bit does not become
    # zero: .000001 -> .0000008, normalized by six digits: .800000 at 0x41 - 6 = 0x3B.
    (SHORT, 0x41000001, False, Outcome(0x3B800000, None, None)),
    # A zero fraction gives a true zero, whatever the sign and characteristic.
    (SHORT, 0xC1000000, False, Outcome(0x00000000, None, None)),
    # Exponent underflow: 0x00100000 / 2 = .800000 at characteristic -1.  Mask one:
    # 127 = 0x7F and an interruption; mask zero: a true zero.
    (SHORT, 0x00100000, True, Outcome(0x7F800000, None, UNF)),
    (SHORT, 0x00100000, False, Outcome(0x00000000, None, None)),
    (SHORT, 0x80100000, True, Outcome(0xFF800000, None, UNF)),
    # Long: 1 / 2 and the rightmost bit of 14 digits: .00000000000001 -> normalized
    # by 14 digits: .8 at 0x41 - 14 = 0x33.
    (LONG, 0x4110000000000000, False, Outcome(0x4080000000000000, None, None)),
    (LONG, 0x4100000000000001, False, Outcome(0x3380000000000000, None, None)),
    (LONG, 0x0010000000000000, True, Outcome(0x7F80000000000000, None, UNF)),
    # The largest number halves without overflow: .FFFFFF -> .7FFFFF8, truncated.
    (SHORT, 0x7FFFFFFF, False, Outcome(0x7F7FFFFF, None, None)),
])
def test_halve(fmt, op2, eu, expected):
    assert halve(fmt, op2, eu_mask=eu) == expected


# ---------------------------------------------------------------------------------
# LOAD ROUNDED
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op2, expected", [
    # LRER: a one is added in bit 32 (the leftmost bit of fraction digit 7).
    # .10000080000000 + .00000080000000 = .10000100000000 -> .100001 (rounds up).
    (LONG, 0x4110000080000000, Outcome(0x41100001, None, None)),
    # .100000 7FFFFFFF + 8 0000000 = .100000 FFFFFFF... -> .100000 (rounds down).
    (LONG, 0x411000007FFFFFFF, Outcome(0x41100000, None, None)),
    # The sign is ignored in the addition: the magnitude rounds up.
    (LONG, 0xC110000080000000, Outcome(0xC1100001, None, None)),
    # Carry out of the leftmost digit: .FFFFFF8 + .0000008 = 1.0000000: shifted right
    # one digit, characteristic 0x42: .100000.
    (LONG, 0x41FFFFFF80000000, Outcome(0x42100000, None, None)),
    # No normalization: .00000080... rounds to .000001 at 0x41.
    (LONG, 0x4100000080000000, Outcome(0x41000001, None, None)),
    # A zero fraction keeps its sign and characteristic; no significance exception.
    (LONG, 0xC500000000000000, Outcome(0xC5000000, None, None)),
    # LRDR: a one is added in bit 72, the leftmost fraction bit of the low-order part
    # (digit 15); the low-order sign and characteristic are ignored.
    (EXTENDED, ext(0x4110000000000000, 0xFF80000000000000),
     Outcome(0x4110000000000001, None, None)),
    (EXTENDED, ext(0x4110000000000000, 0x337FFFFFFFFFFFFF),
     Outcome(0x4110000000000000, None, None)),
    # Bit 71 is the last characteristic bit of the low-order part, not a fraction
    # bit: it does not round.
    (EXTENDED, ext(0x4110000000000000, 0x0100000000000000),
     Outcome(0x4110000000000000, None, None)),
    (EXTENDED, ext(0xC1FFFFFFFFFFFFFF, 0x0080000000000000),
     Outcome(0xC210000000000000, None, None)),
])
def test_load_rounded(fmt, op2, expected):
    assert load_rounded(fmt, op2) == expected


@pytest.mark.parametrize("fmt, op2, expected", [
    # .FFFFFF8 at 0x7F rounds to 1.0: the characteristic would be 128; it is stored
    # 128 less, 0, with fraction .100000 and sign correct; interruption.
    (LONG, 0x7FFFFFFF80000000, Outcome(0x00100000, None, OVF)),
    (LONG, 0xFFFFFFFF80000000, Outcome(0x80100000, None, OVF)),
    (EXTENDED, ext(0x7FFFFFFFFFFFFFFF, 0x0080000000000000),
     Outcome(0x0010000000000000, None, OVF)),
])
def test_load_rounded_exponent_overflow(fmt, op2, expected):
    for eu in (False, True):
        assert load_rounded(fmt, op2, eu_mask=eu) == expected


# ---------------------------------------------------------------------------------
# MULTIPLY
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, product_fmt, op1, op2, expected", [
    # MER 2 * 3: .200000 * .300000 = .060000000000 (exact, 12 digits); one leading
    # zero: shifted left, .6; characteristic 0x41 + 0x41 - 64 - 1 = 0x41; long result.
    (SHORT, LONG, 0x41200000, 0x41300000, Outcome(0x4160000000000000, None, None)),
    # MER 8 * 4: .8 * .4 = .20, no shift; characteristic 0x42: 2 * 16 = 32.
    (SHORT, LONG, 0x41800000, 0x41400000, Outcome(0x4220000000000000, None, None)),
    # MER is exact: 0xFFFFFF**2 = 0xFFFFFE000001; the 14-digit fraction ends in two
    # zeros.
    (SHORT, LONG, 0x41FFFFFF, 0x41FFFFFF, Outcome(0x42FFFFFE00000100, None, None)),
    # Signs: -2 * 3 = -6; -2 * -3 = 6.
    (SHORT, LONG, 0xC1200000, 0x41300000, Outcome(0xC160000000000000, None, None)),
    (SHORT, LONG, 0xC1200000, 0xC1300000, Outcome(0x4160000000000000, None, None)),
    # The operands are normalized first: 0x43001000 is 1.0 (shifted two digits to
    # .100000 at 0x41); 1 * 2 = 2.
    (SHORT, LONG, 0x43001000, 0x41200000, Outcome(0x4120000000000000, None, None)),
    # MDR truncates: (16**14 - 1)**2 = 16**28 - 2 * 16**14 + 1: digits
    # FFFFFFFFFFFFFE 00000000000001; the first 14 are kept.
    (LONG, LONG, 0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF,
     Outcome(0x42FFFFFFFFFFFFFE, None, None)),
    # MXDR keeps all 28: low part 0x42 - 14 = 0x34 and digits 00000000000001.
    (LONG, EXTENDED, 0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF,
     Outcome(ext(0x42FFFFFFFFFFFFFE, 0x3400000000000001), None, None)),
    # MXR 1 * 1 = 1.
    (EXTENDED, EXTENDED, ONE_X, ONE_X, Outcome(ONE_X, None, None)),
    # MXR truncates: (16**28 - 1)**2 = 16**56 - 2 * 16**28 + 1: 27 F's and an E kept.
    (EXTENDED, EXTENDED, ext(0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF),
     ext(0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF),
     Outcome(ext(0x42FFFFFFFFFFFFFF, 0x34FFFFFFFFFFFFFE), None, None)),
    # MXR normalizes an operand whose only nonzero digit is the 28th: 16**-27 at
    # characteristic 0x41 - 27 = 0x26; times 1: .01 shifted once, 0x26 + 0x41 - 64 - 1
    # = 0x26; low-order 0x26 - 14 = 0x18.
    (EXTENDED, EXTENDED, ext(0x4100000000000000, 0x0000000000000001), ONE_X,
     Outcome(ext(0x2610000000000000, 0x1800000000000000), None, None)),
])
def test_multiply(fmt, product_fmt, op1, op2, expected):
    assert multiply(fmt, product_fmt, op1, op2) == expected


@pytest.mark.parametrize("fmt, product_fmt, op1, op2", [
    (SHORT, LONG, 0xC1000000, 0x41200000),     # a minus zero times 2
    (SHORT, LONG, 0x7F000000, 0x7F100000),     # characteristics would overflow
    (SHORT, LONG, 0x41200000, 0x00000000),
    (LONG, LONG, 0x4100000000000000, 0xC110000000000000),
    (LONG, EXTENDED, 0x0000000000000000, 0x0010000000000000),   # would underflow
    (EXTENDED, EXTENDED, ext(0x4500000000000000, 0xFF00000000000000), ONE_X),
])
def test_multiply_zero_operand_gives_true_zero(fmt, product_fmt, op1, op2):
    # One or both fractions zero: a true zero (plus, characteristic 0), with no
    # exception whatever the characteristics and masks.
    for eu in (False, True):
        assert multiply(fmt, product_fmt, op1, op2, eu_mask=eu) == Outcome(0, None, None)


@pytest.mark.parametrize("fmt, product_fmt, op1, op2, eu, expected", [
    # .8 * .2 = .10 at 0x7F + 0x41 - 64 = 128: overflow, stored as 0.
    (SHORT, LONG, 0x7F800000, 0x41200000, False, Outcome(0x0010000000000000, None, OVF)),
    (SHORT, LONG, 0xFF800000, 0x41200000, True, Outcome(0x8010000000000000, None, OVF)),
    # An intermediate characteristic of 128 brought back by normalization is no
    # overflow: .1 * .2 = .02 at 128, shifted left: .2 at 127.
    (SHORT, LONG, 0x7F100000, 0x41200000, False, Outcome(0x7F20000000000000, None, None)),
    # The largest characteristic: 0x7F + 0x7F - 64 = 190; .8 * .8 = .40: 190 - 128 = 62.
    (LONG, LONG, 0x7F80000000000000, 0x7F80000000000000, False,
     Outcome(0x3E40000000000000, None, OVF)),
    # MXR overflow at 142 (0x7F + 0x4F - 64; .8 * .2 = .10): high stored as 14; the
    # low-order characteristic 142 - 14 = 128 would also exceed 127 and is decreased
    # by 128: 0.
    (EXTENDED, EXTENDED, ext(0x7F80000000000000, 0), ext(0x4F20000000000000, 0), False,
     Outcome(ext(0x0E10000000000000, 0x0000000000000000), None, OVF)),
    # Underflow: .1 * .1 = .01 at 0x20 + 0x20 - 64 = 0, shifted: .1 at -1.  Mask one:
    # -1 + 128 = 0x7F and an interruption; mask zero: a true zero.
    (SHORT, LONG, 0x20100000, 0x20100000, True, Outcome(0x7F10000000000000, None, UNF)),
    (SHORT, LONG, 0x20100000, 0x20100000, False, Outcome(0x0000000000000000, None, None)),
    # MXD underflow: high 0x7F, low-order 0x7F - 14 = 0x71.
    (LONG, EXTENDED, 0x2010000000000000, 0xA010000000000000, True,
     Outcome(ext(0xFF10000000000000, 0xF100000000000000), None, UNF)),
    (LONG, EXTENDED, 0x2010000000000000, 0xA010000000000000, False,
     Outcome(0, None, None)),
    # The smallest characteristic: both short operands .000001 at 0, normalized to
    # .1 at -5; -5 - 5 - 64 = -74, .01 shifted: -75, stored + 128 = 53 = 0x35.
    (SHORT, LONG, 0x00000001, 0x00000001, True, Outcome(0x3510000000000000, None, UNF)),
    # Characteristics below zero while the operands are normalized are no underflow:
    # 0x00010000 is .1 at -1 once normalized; times 16 (0x42100000): .01 at
    # -1 + 66 - 64 = 1, shifted: .1 at 0.
    (SHORT, LONG, 0x00010000, 0x42100000, True, Outcome(0x0010000000000000, None, None)),
])
def test_multiply_exponent_exceptions(fmt, product_fmt, op1, op2, eu, expected):
    assert multiply(fmt, product_fmt, op1, op2, eu_mask=eu) == expected


def test_multiply_rejects_formats_without_an_instruction():
    with pytest.raises(ValueError):
        multiply(SHORT, SHORT, 0x41100000, 0x41100000)


# ---------------------------------------------------------------------------------
# DIVIDE
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, op1, op2, expected", [
    # 6 / 2: .6 / .2 = 3 >= 1: shifted right one digit, .3, characteristic
    # 0x41 - 0x41 + 64 + 1 = 0x41.
    (SHORT, 0x41600000, 0x41200000, Outcome(0x41300000, None, None)),
    # 1 / 3 = .555555... truncated at 0x40.
    (SHORT, 0x41100000, 0x41300000, Outcome(0x40555555, None, None)),
    (LONG, 0x4110000000000000, 0x4130000000000000, Outcome(0x4055555555555555, None, None)),
    (SHORT, 0xC1100000, 0x41300000, Outcome(0xC0555555, None, None)),
    (SHORT, 0xC1100000, 0xC1300000, Outcome(0x40555555, None, None)),
    # 2 / 3 = .AAAAAA... truncated (no rounding).
    (SHORT, 0x41200000, 0x41300000, Outcome(0x40AAAAAA, None, None)),
    # The dividend is normalized first: 0x43001000 = 1 (.1 at 0x41); 1 / 2 = .8 at 0x40.
    (SHORT, 0x43001000, 0x41200000, Outcome(0x40800000, None, None)),
    # A zero dividend with a nonzero divisor: a true zero, even with a minus sign.
    (SHORT, 0xC2000000, 0x41200000, Outcome(0x00000000, None, None)),
    # .1 / .1 = 1: shifted right; characteristic 0 - 65 + 64 + 1 = 0: no underflow.
    (SHORT, 0x00100000, 0x41100000, Outcome(0x00100000, None, None)),
])
def test_divide(fmt, op1, op2, expected):
    assert divide(fmt, op1, op2) == expected


@pytest.mark.parametrize("fmt, op1, op2", [
    (SHORT, 0x41100000, 0x41000000),   # divisor fraction zero
    (SHORT, 0x41100000, 0x80000000),
    (SHORT, 0x00000000, 0x00000000),   # zero by zero
    (LONG, 0x4110000000000000, 0x7F00000000000000),
])
def test_divide_by_zero_fraction_is_suppressed(fmt, op1, op2):
    for eu in (False, True):
        assert divide(fmt, op1, op2, eu_mask=eu) == Outcome(None, None, FPD)


@pytest.mark.parametrize("fmt, op1, op2, eu, expected", [
    # .8 / .1 = 8: shifted right, .8 at 127 - 64 + 64 + 1 = 128: stored as 0.
    (SHORT, 0x7F800000, 0x40100000, False, Outcome(0x00800000, None, OVF)),
    (SHORT, 0xFF800000, 0x40100000, True, Outcome(0x80800000, None, OVF)),
    # An unnormalized divisor .000001 at 0 is .1 at -5: 127 + 5 + 64 = 196; .1/.1 = 1
    # shifted: 197, stored 197 - 128 = 69 = 0x45.
    (SHORT, 0x7F100000, 0x00000001, False, Outcome(0x45100000, None, OVF)),
    # .1 / .8 = .2 at 0 - 65 + 64 = -1: mask one 0x7F, mask zero true zero.
    (SHORT, 0x00100000, 0x41800000, True, Outcome(0x7F200000, None, UNF)),
    (SHORT, 0x00100000, 0x41800000, False, Outcome(0x00000000, None, None)),
    (LONG, 0x0010000000000000, 0x4180000000000000, True, Outcome(0x7F20000000000000, None, UNF)),
])
def test_divide_exponent_exceptions(fmt, op1, op2, eu, expected):
    assert divide(fmt, op1, op2, eu_mask=eu) == expected


# ---------------------------------------------------------------------------------
# LOAD POSITIVE, LOAD NEGATIVE, LOAD COMPLEMENT, LOAD AND TEST
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("function, fmt, op2, expected", [
    (load_positive, SHORT, 0xC1100000, Outcome(0x41100000, 2, None)),
    (load_positive, SHORT, 0x80000000, Outcome(0x00000000, 0, None)),
    (load_positive, LONG, 0xC100000000000001, Outcome(0x4100000000000001, 2, None)),
    # LOAD NEGATIVE makes the sign minus even for a zero fraction; CC 0 then.
    (load_negative, SHORT, 0x41100000, Outcome(0xC1100000, 1, None)),
    (load_negative, SHORT, 0x00000000, Outcome(0x80000000, 0, None)),
    (load_negative, LONG, 0x4500000000000000, Outcome(0xC500000000000000, 0, None)),
    # LOAD COMPLEMENT inverts the sign even for a zero fraction.
    (load_complement, SHORT, 0x41100000, Outcome(0xC1100000, 1, None)),
    (load_complement, SHORT, 0xC1100000, Outcome(0x41100000, 2, None)),
    (load_complement, SHORT, 0x41000000, Outcome(0xC1000000, 0, None)),
    (load_complement, LONG, 0x8000000000000000, Outcome(0x0000000000000000, 0, None)),
    # LOAD AND TEST: unchanged; no normalization; CC from sign and fraction.
    (load_and_test, SHORT, 0xC1100000, Outcome(0xC1100000, 1, None)),
    (load_and_test, SHORT, 0x41000001, Outcome(0x41000001, 2, None)),
    (load_and_test, SHORT, 0x80000000, Outcome(0x80000000, 0, None)),
    (load_and_test, LONG, 0x7F00000000000000, Outcome(0x7F00000000000000, 0, None)),
])
def test_sign_control(function, fmt, op2, expected):
    for eu, sg in ((False, False), (True, True)):
        assert function(fmt, op2, eu_mask=eu, sg_mask=sg) == expected


# ---------------------------------------------------------------------------------
# The instruction table
# ---------------------------------------------------------------------------------

def test_instruction_table():
    assert INSTRUCTIONS["AE"](0x43082100, 0x41123456) == Outcome(0x42833345, 2, None)
    assert INSTRUCTIONS["AER"].operands == (SHORT, SHORT)
    assert INSTRUCTIONS["MER"].result is LONG
    assert INSTRUCTIONS["MXD"].result is EXTENDED
    assert INSTRUCTIONS["LRDR"].operands == (EXTENDED,)
    assert INSTRUCTIONS["CD"].result is None
    assert INSTRUCTIONS["SXR"](ONE_X, ONE_X, sg_mask=True).code == SIG
    assert INSTRUCTIONS["HER"](0x00100000, eu_mask=True) == Outcome(0x7F800000, None, UNF)
    assert set(INSTRUCTIONS) == set(
        "AER AE ADR AD AXR SER SE SDR SD SXR AUR AU AWR AW SUR SU SWR SW "
        "CER CE CDR CD HER HDR LRER LRDR MER ME MDR MD MXDR MXD MXR DER DE DDR DD "
        "LPER LPDR LNER LNDR LCER LCDR LTER LTDR".split())
    with pytest.raises(TypeError):
        INSTRUCTIONS["AER"](0x41100000)


def test_unpredictable_marker():
    assert repr(UNPREDICTABLE) == "UNPREDICTABLE"
    assert is_unpredictable(Outcome(UNPREDICTABLE, 0, None))
    assert not is_unpredictable(Outcome(0x41100000, 2, None))


# ---------------------------------------------------------------------------------
# Properties: the manual's programming notes, and exact arithmetic
# ---------------------------------------------------------------------------------

def numbers(fmt) -> st.SearchStrategy[int]:
    """Any bit pattern, with extremes of characteristic and fraction favoured."""
    chars = st.one_of(st.sampled_from([0, 1, 0x3F, 0x40, 0x41, 0x7E, 0x7F]),
                      st.integers(0, 127))
    fraction_bits = 4 * fmt.digits
    fractions = st.one_of(
        st.sampled_from([0, 1, 1 << (fraction_bits - 4), (1 << fraction_bits) - 1]),
        st.integers(0, (1 << fraction_bits) - 1),
    )

    def build(sign, char, fraction, low_junk):
        if fmt is EXTENDED:
            high = (sign << 63) | (char << 56) | (fraction >> 56)
            return (high << 64) | (low_junk << 56) | (fraction & ((1 << 56) - 1))
        return (sign << (fmt.width - 1)) | (char << (fmt.width - 8)) | fraction

    return st.builds(build, st.integers(0, 1), chars, fractions, st.integers(0, 255))


masks = st.booleans()
FORMATS = [SHORT, LONG, EXTENDED]


@settings(max_examples=300, deadline=None)
@given(st.data(), masks, masks)
def test_interchanging_addends_does_not_change_the_sum(data, eu, sg):
    # ch.9 ADD NORMALIZED, programming note 1.
    fmt = data.draw(st.sampled_from(FORMATS))
    a, b = data.draw(numbers(fmt)), data.draw(numbers(fmt))
    assert add_normalized(fmt, a, b, eu_mask=eu, sg_mask=sg) == add_normalized(
        fmt, b, a, eu_mask=eu, sg_mask=sg)
    if fmt is not EXTENDED:
        assert add_unnormalized(fmt, a, b, sg_mask=sg) == add_unnormalized(
            fmt, b, a, sg_mask=sg)


@settings(max_examples=300, deadline=None)
@given(st.data(), masks)
def test_interchanging_factors_does_not_change_the_product(data, eu):
    # ch.9 MULTIPLY, programming note.
    fmt, product_fmt = data.draw(st.sampled_from(
        [(SHORT, LONG), (LONG, LONG), (LONG, EXTENDED), (EXTENDED, EXTENDED)]))
    a, b = data.draw(numbers(fmt)), data.draw(numbers(fmt))
    assert multiply(fmt, product_fmt, a, b, eu_mask=eu) == multiply(
        fmt, product_fmt, b, a, eu_mask=eu)


@settings(max_examples=300, deadline=None)
@given(st.data(), masks)
def test_halve_is_divide_by_two_and_hdr_is_mdr_by_one_half(data, eu):
    # ch.9 HALVE, programming note 1: identical to DIVIDE with 2 as divisor; the
    # result of HDR is identical to that of MDR with one half as multiplier.
    fmt = data.draw(st.sampled_from([SHORT, LONG]))
    x = data.draw(numbers(fmt))
    two = 0x41200000 if fmt is SHORT else 0x4120000000000000
    assert halve(fmt, x, eu_mask=eu) == divide(fmt, x, two, eu_mask=eu)
    if fmt is LONG:
        assert halve(LONG, x, eu_mask=eu) == multiply(LONG, LONG, x, 0x4080000000000000,
                                                      eu_mask=eu)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_results_are_exact_values_truncated(data):
    # Without an exponent exception: MER and MXDR products are exact; MDR and MXR
    # products and DIVIDE quotients are the exact value truncated toward zero to a
    # normalized fraction, so |exact| - |result| is below one unit in the last
    # place.  LOAD ROUNDED is within half a unit.
    fmt = data.draw(st.sampled_from([SHORT, LONG]))
    a, b = data.draw(numbers(fmt)), data.draw(numbers(fmt))

    def check_truncated(result_fmt, bits, exact):
        result = value(result_fmt, bits)
        number = unpack(result_fmt, bits)
        ulp = Fraction(16) ** (number.characteristic - 64 - result_fmt.digits)
        assert abs(result) <= abs(exact) < abs(result) + ulp
        if result:
            assert (result > 0) == (exact > 0) and number.digits[0] != 0

    exact = value(fmt, a) * value(fmt, b)
    for product_fmt in ((LONG,) if fmt is SHORT else (LONG, EXTENDED)):
        bits, _, code = multiply(fmt, product_fmt, a, b, eu_mask=True)
        if code is None and exact:
            if fmt is SHORT or product_fmt is EXTENDED:
                assert value(product_fmt, bits) == exact
            check_truncated(product_fmt, bits, exact)
    if value(fmt, b):
        bits, _, code = divide(fmt, a, b, eu_mask=True)
        quotient = value(fmt, a) / value(fmt, b)
        if code is None and quotient:
            check_truncated(fmt, bits, quotient)
    if fmt is LONG:
        bits, _, code = load_rounded(LONG, a)
        if code is None:
            half_ulp = Fraction(16) ** (unpack(LONG, a).characteristic - 64 - 6) / 2
            assert abs(value(SHORT, bits) - value(LONG, a)) <= half_ulp


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_compare_of_normalized_operands_orders_their_values(data):
    # With normalized operands nothing is lost in the alignment that could change
    # the outcome (a shift of one digit keeps every digit thanks to the guard digit;
    # a shift of two or more separates the magnitudes), so COMPARE agrees with the
    # exact order.
    fmt = data.draw(st.sampled_from([SHORT, LONG]))
    a, b = data.draw(numbers(fmt)), data.draw(numbers(fmt))
    if unpack(fmt, a).digits[0] == 0 or unpack(fmt, b).digits[0] == 0:
        return
    difference = value(fmt, a) - value(fmt, b)
    expected = 0 if difference == 0 else (1 if difference < 0 else 2)
    assert compare(fmt, a, b).cc == expected


@settings(max_examples=200, deadline=None)
@given(st.data(), masks, masks)
def test_extended_low_order_sign_and_characteristic_are_ignored(data, eu, sg):
    # ch.9 "Floating-Point Data Format": the sign and characteristic of the
    # low-order part of an extended operand are ignored.
    a, b = data.draw(numbers(EXTENDED)), data.draw(numbers(EXTENDED))
    junk = data.draw(st.integers(0, 255)) << 56
    a2 = (a & ~(0xFF << 56)) | junk
    assert add_normalized(EXTENDED, a, b, eu_mask=eu, sg_mask=sg) == add_normalized(
        EXTENDED, a2, b, eu_mask=eu, sg_mask=sg)
    assert multiply(EXTENDED, EXTENDED, a, b, eu_mask=eu) == multiply(
        EXTENDED, EXTENDED, a2, b, eu_mask=eu)
    assert load_rounded(EXTENDED, a) == load_rounded(EXTENDED, a2)


@settings(max_examples=300, deadline=None)
@given(st.data(), masks, masks)
def test_every_outcome_is_well_formed(data, eu, sg):
    # Stored results fit their format, extended results obey the low-order rules,
    # the CC is 0-2 or unchanged, and the model never answers UNPREDICTABLE.
    mnemonic = data.draw(st.sampled_from(sorted(INSTRUCTIONS)))
    instruction = INSTRUCTIONS[mnemonic]
    operands = [data.draw(numbers(fmt)) for fmt in instruction.operands]
    outcome = instruction(*operands, eu_mask=eu, sg_mask=sg)
    assert not is_unpredictable(outcome)
    assert outcome.cc in (None, 0, 1, 2)
    assert outcome.code in (None, OVF, UNF, SIG, FPD)
    if outcome.code == FPD:
        assert outcome.bits is None and outcome.cc is None
    if outcome.code == UNF:
        assert eu
    if outcome.code == SIG:
        assert sg
    if instruction.result is None:
        assert outcome.bits is None
        return
    assert outcome.code == FPD or 0 <= outcome.bits < 1 << instruction.result.width
    if instruction.result is EXTENDED and outcome.bits is not None:
        high, low = outcome.bits >> 64, outcome.bits & ((1 << 64) - 1)
        if outcome.bits:
            assert low >> 63 == high >> 63
            assert (low >> 56) & 0x7F == (((high >> 56) & 0x7F) - 14) % 128
