"""Hexadecimal floating-point arithmetic (GA22-7000 ch.9 "Floating-Point Instructions").

Pure functions on integers: an operand is the image of a short (32-bit), long
(64-bit) or extended (128-bit: high-order doubleword << 64 | low-order doubleword)
floating-point number, and every operation returns a ``Result`` that says what the
instruction stores, the condition code it sets, and the program exception it
recognizes.  The instruction handlers fetch the operands, pass the PSW's masks,
store ``Result.value`` and take the interruption; nothing here touches a CPU.

Rules, with the manual's section for each:

- Format (ch.9 "Floating-Point-Data Format"): bit 0 the sign, bits 1-7 the
  characteristic (the exponent of 16, excess 64), then the fraction: 6 hexadecimal
  digits (short), 14 (long), or 28 (extended) with the radix point on its left.  An
  extended number is two long numbers: the high-order part holds the sign, the
  characteristic and the leftmost 14 fraction digits, the low-order part the
  rightmost 14 digits.  The low-order sign and characteristic of an extended
  operand are ignored; on an extended result the low-order sign is the high-order
  sign and, unless the result is a true zero, the low-order characteristic is 14
  less than the high-order one, made 128 greater when the subtraction goes below
  zero (that is, modulo 128).
- Normalization (ch.9 "Normalization"): a number is normalized when its leftmost
  fraction digit is not zero; normalizing shifts the fraction left a digit at a time
  and lowers the characteristic by one per digit.  A zero fraction cannot be
  normalized.  Results are truncated, never rounded (LOAD ROUNDED is the one
  rounding instruction).
- True zero (ch.9 "Floating-Point Number Representation"): sign plus,
  characteristic zero, fraction zero.  A result is forced to a true zero by an
  exponent underflow with the exponent-underflow mask zero, by a zero sum or
  difference with the significance mask zero, and by a zero fraction in the
  operand of HALVE, in either operand of MULTIPLY or in the dividend of DIVIDE.
  The sign of a sum, difference, product or quotient with a zero fraction is plus.
- Exceptions (ch.6 "Program-Interruption Conditions"; the outcome of each under the
  instruction concerned in ch.9):
  exponent overflow (X'0C'): the characteristic of a nonzero result would exceed
  127; the result is stored with its characteristic 128 less (modulo 128), the sign
  and fraction correct, and the interruption always occurs;
  exponent underflow (X'0D'): the characteristic of a nonzero normalized result
  would be below zero; with the exponent-underflow mask one the result is stored
  with its characteristic 128 greater and the interruption occurs, with the mask
  zero the result is a true zero and there is no interruption;
  significance (X'0E', additions and subtractions only): the result fraction is
  zero; with the significance mask one the characteristic of the intermediate sum is
  kept, the fraction is zero, the sign plus, and the interruption occurs; with the
  mask zero the result is a true zero and there is no interruption;
  floating-point divide (X'0F'): the divisor fraction is zero; the operation is
  suppressed (nothing is stored, ``Result.value`` is None).
- Condition code of ADD, SUBTRACT and the LOAD sign instructions: 0 result fraction
  zero, 1 result less than zero, 2 result greater than zero; COMPARE: 0 equal, 1
  first operand low, 2 first operand high.  MULTIPLY, DIVIDE, HALVE and LOAD
  ROUNDED leave the condition code unchanged (``Result.cc`` is None).

The masks are PSW program-mask bits 38 (exponent underflow) and 39 (significance)
(ch.4 "Program-Status Word"); ``EXPONENT_UNDERFLOW_MASK`` and ``SIGNIFICANCE_MASK``
are their values in the 4-bit program mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# Program-interruption codes (GA22-7000 ch.6 "Program-Interruption Conditions").
EXPONENT_OVERFLOW = 0x0C
EXPONENT_UNDERFLOW = 0x0D
SIGNIFICANCE = 0x0E
FLOATING_POINT_DIVIDE = 0x0F

# Bits of the 4-bit program mask (PSW bits 36-39 in BC mode, 20-23 in EC mode;
# GA22-7000 ch.4 "Program-Status Word"): 8 fixed-point overflow, 4 decimal overflow,
# 2 exponent underflow, 1 significance.
EXPONENT_UNDERFLOW_MASK = 0x2
SIGNIFICANCE_MASK = 0x1

BIAS = 64            # the characteristic is the exponent plus 64
MAX_CHARACTERISTIC = 127
LOW_ORDER_OFFSET = 14   # extended: low-order characteristic = high-order one less 14


@dataclass(frozen=True, eq=False)
class Format:
    """A floating-point format: its fraction length in hexadecimal digits and the
    width of its image in bits.  The three formats below are the only ones; they
    compare by identity."""

    name: str
    digits: int
    bits: int


SHORT = Format("short", 6, 32)
LONG = Format("long", 14, 64)
EXTENDED = Format("extended", 28, 128)


class Number(NamedTuple):
    """The fields of a floating-point number: sign (0 plus, 1 minus), characteristic
    (0-127) and fraction (an integer of ``digits`` hexadecimal digits)."""

    sign: int
    characteristic: int
    fraction: int


class Result(NamedTuple):
    """What a floating-point instruction does.

    ``value``: the image to store at the first-operand location, in the result's
    format; None when the operation is suppressed.  ``cc``: the condition code set,
    None when the instruction leaves it unchanged.  ``interruption``: the code of the
    program exception recognized (``EXPONENT_OVERFLOW`` ... ``FLOATING_POINT_DIVIDE``),
    None when there is none.
    """

    value: int | None
    cc: int | None = None
    interruption: int | None = None


# ``Result(value, cc, None)`` without the keyword handling of a named tuple's
# constructor: the operations' common path.
_new_result = tuple.__new__


_TRUE_ZERO = Result(0)   # a true zero, the condition code unchanged


def _require(fmt: Format, allowed: tuple[Format, ...], what: str) -> None:
    """The operations exist only in the formats the manual defines them for; any
    other request is an error of the caller."""
    if fmt not in allowed:
        raise ValueError(f"{what} has no {fmt.name} form")


def unpack(fmt: Format, value: int) -> Number:
    """The sign, characteristic and fraction of a ``fmt`` image.  For an extended
    number the low-order part gives only its 14 fraction digits: its sign and
    characteristic are ignored (ch.9 "Floating-Point-Data Format")."""
    if not 0 <= value < 1 << fmt.bits:
        raise ValueError(f"{value:#x} is not a {fmt.name} floating-point image")
    return Number(*_fields(fmt, value))


def _fields(fmt: Format, value: int) -> tuple[int, int, int]:
    """``unpack`` without the check, as a plain tuple (the operations' fast path:
    their operands are images by construction)."""
    if fmt is EXTENDED:
        high = value >> 64
        return (high >> 63, (high >> 56) & 0x7F,
                ((high & 0xFFFFFFFFFFFFFF) << 56) | (value & 0xFFFFFFFFFFFFFF))
    if fmt is LONG:
        return value >> 63, (value >> 56) & 0x7F, value & 0xFFFFFFFFFFFFFF
    return value >> 31, (value >> 24) & 0x7F, value & 0xFFFFFF


def pack(fmt: Format, sign: int, characteristic: int, fraction: int) -> int:
    """The ``fmt`` image of a number.  An extended image gets its low-order sign
    equal to the high-order sign and its low-order characteristic 14 less than the
    high-order one, modulo 128; a true zero is all zeros, both parts (ch.9
    "Floating-Point-Data Format")."""
    if sign not in (0, 1) or not 0 <= characteristic <= MAX_CHARACTERISTIC \
            or not 0 <= fraction < 16 ** fmt.digits:
        raise ValueError(f"no {fmt.name} number has sign {sign}, characteristic "
                         f"{characteristic:#x}, fraction {fraction:#x}")
    return _image(fmt, sign, characteristic, fraction)


def _image(fmt: Format, sign: int, characteristic: int, fraction: int) -> int:
    """``pack`` without the check (the operations build valid fields)."""
    if fmt is EXTENDED:
        high = (sign << 63) | (characteristic << 56) | (fraction >> 56)
        if sign == 0 and characteristic == 0 and fraction == 0:
            return 0
        low_characteristic = (characteristic - LOW_ORDER_OFFSET) % 128
        low = (sign << 63) | (low_characteristic << 56) | (fraction & (1 << 56) - 1)
        return (high << 64) | low
    if fmt is LONG:
        return (sign << 63) | (characteristic << 56) | fraction
    return (sign << 31) | (characteristic << 24) | fraction


def _cc(sign: int, fraction: int) -> int:
    """0 result fraction zero, 1 result less than zero, 2 result greater than zero."""
    if fraction == 0:
        return 0
    return 1 if sign else 2


def _normalized(characteristic: int, fraction: int, digits: int) -> tuple[int, int]:
    """Shift a nonzero ``digits``-digit fraction left until its leftmost digit is not
    zero, lowering the characteristic by one per digit.  The characteristic may go
    below zero here: whether that is an exponent underflow is for the caller."""
    while fraction >> (4 * (digits - 1)) == 0:
        fraction <<= 4
        characteristic -= 1
    return characteristic, fraction


def _finish(fmt: Format, sign: int, characteristic: int, fraction: int, *,
            underflow_mask: bool, set_cc: bool) -> Result:
    """Store a result whose fraction is not zero: the exponent-overflow and
    exponent-underflow rules (see the module's docstring) decide the characteristic
    and the exception."""
    if 0 <= characteristic <= MAX_CHARACTERISTIC:       # no exception
        return _new_result(Result, (_image(fmt, sign, characteristic, fraction),
                                    (2 - sign if fraction else 0) if set_cc else None, None))
    interruption = None
    if characteristic > MAX_CHARACTERISTIC:
        characteristic -= 128
        interruption = EXPONENT_OVERFLOW
    elif characteristic < 0:
        if not underflow_mask:
            return Result(0, 0 if set_cc else None)
        characteristic += 128
        interruption = EXPONENT_UNDERFLOW
    value = _image(fmt, sign, characteristic, fraction)
    return Result(value, _cc(sign, fraction) if set_cc else None, interruption)


def _zero_sum(fmt: Format, characteristic: int, significance_mask: bool) -> Result:
    """A sum or difference whose fraction is zero: a significance exception that
    keeps the intermediate characteristic (sign plus) when the mask is one, else a
    true zero without interruption.  The condition code is 0 either way."""
    if significance_mask:
        return Result(_image(fmt, 0, characteristic, 0), 0, SIGNIFICANCE)
    return Result(0, 0)


def _intermediate_sum(fmt: Format, a: int, b: int, subtract: bool) -> tuple[int, int, int]:
    """The signed intermediate sum of ch.9 "ADD NORMALIZED": (sign, characteristic,
    magnitude), the magnitude holding the fraction digits, one guard digit on their
    right and a possible carry on their left.

    The fraction with the smaller characteristic is shifted right one digit per unit
    of difference; the leftmost digit shifted out stays as the guard digit and the
    digits beyond it are lost.  The other fraction has a zero guard digit.  For a
    subtraction the sign of the second operand is inverted first."""
    if fmt is EXTENDED:
        x_sign, x_characteristic, x_fraction = _fields(fmt, a)
        y_sign, y_characteristic, y_fraction = _fields(fmt, b)
    else:   # _fields, inline: this is the hot path of every addition
        sign_bit = fmt.bits - 1
        fraction_bits = sign_bit - 7
        fraction_mask = (1 << fraction_bits) - 1
        x_sign, x_characteristic, x_fraction = (
            a >> sign_bit, (a >> fraction_bits) & 0x7F, a & fraction_mask)
        y_sign, y_characteristic, y_fraction = (
            b >> sign_bit, (b >> fraction_bits) & 0x7F, b & fraction_mask)
    y_sign ^= subtract
    if x_characteristic >= y_characteristic:
        characteristic = x_characteristic
        x_aligned = x_fraction << 4
        y_aligned = (y_fraction << 4) >> (4 * (characteristic - y_characteristic))
    else:
        characteristic = y_characteristic
        x_aligned = (x_fraction << 4) >> (4 * (characteristic - x_characteristic))
        y_aligned = y_fraction << 4
    total = (-x_aligned if x_sign else x_aligned) + (-y_aligned if y_sign else y_aligned)
    if total < 0:
        return 1, characteristic, -total
    return 0, characteristic, total


def _add(fmt: Format, a: int, b: int, subtract: bool, underflow_mask: bool,
         significance_mask: bool) -> Result:
    """ADD NORMALIZED / SUBTRACT NORMALIZED: a carry shifts the intermediate sum
    right one digit (characteristic + 1); otherwise it is normalized together with
    its guard digit; then the guard digit is dropped.  The result fraction is zero
    when the intermediate sum, guard digit included, is zero."""
    sign, characteristic, magnitude = _intermediate_sum(fmt, a, b, subtract)
    if magnitude == 0:
        return _zero_sum(fmt, characteristic, significance_mask)
    digits = fmt.digits
    if magnitude >> (4 * (digits + 1)):
        magnitude >>= 4
        characteristic += 1
    elif not magnitude >> (4 * digits):
        characteristic, magnitude = _normalized(characteristic, magnitude, digits + 1)
    if 0 <= characteristic <= MAX_CHARACTERISTIC and fmt is not EXTENDED:
        # _finish without an exception, inline: the fraction is not zero (its
        # leftmost digit is not), so the condition code is 1 or 2 by the sign
        bits = fmt.bits
        return _new_result(Result, ((sign << (bits - 1)) | (characteristic << (bits - 8))
                                    | (magnitude >> 4), 2 - sign, None))
    return _finish(fmt, sign, characteristic, magnitude >> 4,
                   underflow_mask=underflow_mask, set_cc=True)


def add(fmt: Format, a: int, b: int, *, underflow_mask: bool,
        significance_mask: bool) -> Result:
    """ADD NORMALIZED (AER, AE short; ADR, AD long; AXR extended): ``a + b``."""
    _require(fmt, (SHORT, LONG, EXTENDED), "ADD NORMALIZED")
    return _add(fmt, a, b, False, underflow_mask, significance_mask)


def subtract(fmt: Format, a: int, b: int, *, underflow_mask: bool,
             significance_mask: bool) -> Result:
    """SUBTRACT NORMALIZED (SER, SE; SDR, SD; SXR): ``a - b``, the addition with the
    sign of the second operand inverted (ch.9 "SUBTRACT NORMALIZED")."""
    _require(fmt, (SHORT, LONG, EXTENDED), "SUBTRACT NORMALIZED")
    return _add(fmt, a, b, True, underflow_mask, significance_mask)


def _add_unnormalized(fmt: Format, a: int, b: int, subtract: bool, *,
                      significance_mask: bool) -> Result:
    """ADD UNNORMALIZED / SUBTRACT UNNORMALIZED (ch.9 "ADD UNNORMALIZED"): as the
    normalized addition (the guard digit takes part in the sum), except that without
    a carry the intermediate sum is truncated with no left shift, that the guard
    digit does not count in recognizing a zero result fraction, and that exponent
    underflow cannot occur (the characteristic never decreases)."""
    sign, characteristic, magnitude = _intermediate_sum(fmt, a, b, subtract)
    if magnitude >> (4 * (fmt.digits + 1)):
        magnitude >>= 4
        characteristic += 1
    fraction = magnitude >> 4
    if fraction == 0:
        return _zero_sum(fmt, characteristic, significance_mask)
    return _finish(fmt, sign, characteristic, fraction, underflow_mask=False, set_cc=True)


def add_unnormalized(fmt: Format, a: int, b: int, *, significance_mask: bool) -> Result:
    """ADD UNNORMALIZED (AUR, AU short; AWR, AW long): ``a + b`` unnormalized."""
    _require(fmt, (SHORT, LONG), "ADD UNNORMALIZED")
    return _add_unnormalized(fmt, a, b, False, significance_mask=significance_mask)


def subtract_unnormalized(fmt: Format, a: int, b: int, *,
                          significance_mask: bool) -> Result:
    """SUBTRACT UNNORMALIZED (SUR, SU short; SWR, SW long): ``a - b`` unnormalized."""
    _require(fmt, (SHORT, LONG), "SUBTRACT UNNORMALIZED")
    return _add_unnormalized(fmt, a, b, True, significance_mask=significance_mask)


def compare(fmt: Format, a: int, b: int) -> int:
    """COMPARE (CER, CE short; CDR, CD long): the condition code, 0 equal, 1 ``a``
    low, 2 ``a`` high.  The comparison follows the rules of normalized subtraction:
    the operands are equal when the intermediate difference, guard digit included,
    is zero, so zero fractions are equal whatever their signs and characteristics,
    and digits shifted beyond the guard digit do not count.  No exception (ch.9
    "COMPARE")."""
    _require(fmt, (SHORT, LONG), "COMPARE")
    sign, _, magnitude = _intermediate_sum(fmt, a, b, True)
    return _cc(sign, magnitude)


def halve(fmt: Format, a: int, *, underflow_mask: bool) -> Result:
    """HALVE (HER short, HDR long): ``a / 2``, normalized (ch.9 "HALVE").  The
    fraction is shifted right one bit, its rightmost bit going into the guard digit;
    the result, guard digit included, is normalized and then truncated.  A zero
    fraction gives a true zero; exponent underflow is possible, overflow is not.
    The condition code is unchanged."""
    _require(fmt, (SHORT, LONG), "HALVE")
    sign, characteristic, fraction = _fields(fmt, a)
    if fraction == 0:
        return Result(0)
    with_guard = (fraction << 4) >> 1
    characteristic, with_guard = _normalized(characteristic, with_guard, fmt.digits + 1)
    return _finish(fmt, sign, characteristic, with_guard >> 4,
                   underflow_mask=underflow_mask, set_cc=False)


def load_rounded(fmt: Format, a: int) -> Result:
    """LOAD ROUNDED (LRER: long to short; LRDR: extended to long), ``fmt`` being
    the second operand's format (ch.9 "LOAD ROUNDED").  A one is added, as to a
    magnitude, in bit position 32 (long) or 72 (extended) of the operand, the
    leftmost bit of the first fraction digit dropped; the carry propagates left.  A
    carry out of the leftmost digit shifts the fraction right one digit and raises
    the characteristic by one, which may be an exponent overflow.  The sign is kept,
    there is no normalization and no zero test (no underflow, no significance), and
    the condition code is unchanged."""
    _require(fmt, (LONG, EXTENDED), "LOAD ROUNDED")
    target = SHORT if fmt is LONG else LONG
    dropped = 4 * (fmt.digits - target.digits)
    sign, characteristic, fraction = _fields(fmt, a)
    fraction = (fraction + (1 << (dropped - 1))) >> dropped
    if fraction >> (4 * target.digits):
        fraction >>= 4
        characteristic += 1
    interruption = None
    if characteristic > MAX_CHARACTERISTIC:
        characteristic -= 128
        interruption = EXPONENT_OVERFLOW
    return Result(_image(target, sign, characteristic, fraction), None, interruption)


# MULTIPLY's operand and product formats (ch.9 "MULTIPLY"): MER, ME short operands
# with a long product; MDR, MD long; MXDR, MXD long operands with an extended
# product; MXR extended.
_PRODUCT_FORMATS = frozenset({(SHORT, LONG), (LONG, LONG), (LONG, EXTENDED),
                              (EXTENDED, EXTENDED)})


def multiply(operand_fmt: Format, product_fmt: Format, a: int, b: int, *,
             underflow_mask: bool) -> Result:
    """MULTIPLY: ``a * b`` (ch.9 "MULTIPLY").  The operands are normalized first (a
    characteristic going below zero there is no exception); the intermediate
    characteristic is the sum of theirs less 64 and the intermediate fraction their
    exact product, shifted left one digit (characteristic - 1) when its leftmost digit
    is zero, then truncated to the product format: MER keeps all 12 digits and two
    zeros, MXDR all 28, MDR and MXR the leftmost 14 and 28.  A zero fraction in either
    operand gives a true zero.  Overflow and underflow are judged on the final
    characteristic.  The condition code is unchanged."""
    if (operand_fmt, product_fmt) not in _PRODUCT_FORMATS:
        raise ValueError(f"MULTIPLY has no {operand_fmt.name} to {product_fmt.name} form")
    if operand_fmt is EXTENDED:
        x_sign, x_characteristic, x_fraction = _fields(operand_fmt, a)
        y_sign, y_characteristic, y_fraction = _fields(operand_fmt, b)
    else:   # _fields, inline: this is the hot path of every multiplication
        sign_bit = operand_fmt.bits - 1
        fraction_bits = sign_bit - 7
        fraction_mask = (1 << fraction_bits) - 1
        x_sign, x_characteristic, x_fraction = (
            a >> sign_bit, (a >> fraction_bits) & 0x7F, a & fraction_mask)
        y_sign, y_characteristic, y_fraction = (
            b >> sign_bit, (b >> fraction_bits) & 0x7F, b & fraction_mask)
    if x_fraction == 0 or y_fraction == 0:
        return _TRUE_ZERO
    digits = operand_fmt.digits
    leftmost = 4 * (digits - 1)         # the leftmost digit's position
    if not x_fraction >> leftmost:
        x_characteristic, x_fraction = _normalized(x_characteristic, x_fraction, digits)
    if not y_fraction >> leftmost:
        y_characteristic, y_fraction = _normalized(y_characteristic, y_fraction, digits)
    characteristic = x_characteristic + y_characteristic - BIAS
    product = x_fraction * y_fraction
    if not product >> (4 * (2 * digits - 1)):
        product <<= 4
        characteristic -= 1
    excess = 2 * digits - product_fmt.digits
    fraction = product >> (4 * excess) if excess >= 0 else product << (-4 * excess)
    sign = x_sign ^ y_sign
    if 0 <= characteristic <= MAX_CHARACTERISTIC and product_fmt is LONG:
        # _finish without an exception, inline
        return _new_result(Result, ((sign << 63) | (characteristic << 56) | fraction,
                                    None, None))
    return _finish(product_fmt, sign, characteristic, fraction,
                   underflow_mask=underflow_mask, set_cc=False)


def divide(fmt: Format, a: int, b: int, *, underflow_mask: bool) -> Result:
    """DIVIDE (DER, DE short; DDR, DD long): ``a / b`` (ch.9 "DIVIDE").  A zero
    divisor fraction (zero dividend included) suppresses the operation with a
    floating-point-divide exception; a zero dividend fraction otherwise gives a true
    zero.  The operands are normalized first; the intermediate characteristic is the
    dividend's less the divisor's plus 64, the quotient fraction is formed from all
    the digits of both, shifted right one digit (characteristic + 1) when the
    dividend fraction is not less than the divisor fraction, and truncated.
    Overflow and underflow are judged on the final characteristic.  The condition
    code is unchanged."""
    _require(fmt, (SHORT, LONG), "DIVIDE")
    x_sign, x_characteristic, x_fraction = _fields(fmt, a)
    y_sign, y_characteristic, y_fraction = _fields(fmt, b)
    if y_fraction == 0:
        return Result(None, None, FLOATING_POINT_DIVIDE)
    if x_fraction == 0:
        return Result(0)
    digits = fmt.digits
    x_characteristic, x_fraction = _normalized(x_characteristic, x_fraction, digits)
    y_characteristic, y_fraction = _normalized(y_characteristic, y_fraction, digits)
    characteristic = x_characteristic - y_characteristic + BIAS
    if x_fraction >= y_fraction:
        characteristic += 1
        quotient = (x_fraction << (4 * (digits - 1))) // y_fraction
    else:
        quotient = (x_fraction << (4 * digits)) // y_fraction
    return _finish(fmt, x_sign ^ y_sign, characteristic, quotient,
                   underflow_mask=underflow_mask, set_cc=False)


def _with_sign(fmt: Format, a: int, sign: int) -> Result:
    _, characteristic, fraction = _fields(fmt, a)
    return Result(_image(fmt, sign, characteristic, fraction), _cc(sign, fraction))


def load_and_test(fmt: Format, a: int) -> Result:
    """LOAD AND TEST (LTER short, LTDR long): the operand unchanged, its condition
    code (ch.9 "LOAD AND TEST")."""
    _require(fmt, (SHORT, LONG), "LOAD AND TEST")
    return _with_sign(fmt, a, _fields(fmt, a)[0])


def load_complement(fmt: Format, a: int) -> Result:
    """LOAD COMPLEMENT (LCER, LCDR): the sign bit inverted, even for a zero
    fraction; characteristic and fraction unchanged (ch.9 "LOAD COMPLEMENT")."""
    _require(fmt, (SHORT, LONG), "LOAD COMPLEMENT")
    return _with_sign(fmt, a, _fields(fmt, a)[0] ^ 1)


def load_negative(fmt: Format, a: int) -> Result:
    """LOAD NEGATIVE (LNER, LNDR): the sign bit made one, even for a zero fraction
    (ch.9 "LOAD NEGATIVE")."""
    _require(fmt, (SHORT, LONG), "LOAD NEGATIVE")
    return _with_sign(fmt, a, 1)


def load_positive(fmt: Format, a: int) -> Result:
    """LOAD POSITIVE (LPER, LPDR): the sign bit made zero (ch.9 "LOAD POSITIVE")."""
    _require(fmt, (SHORT, LONG), "LOAD POSITIVE")
    return _with_sign(fmt, a, 0)
