"""Tests for reference/arch/hfp.py: the arithmetic of the hexadecimal floating-point
instructions (GA22-7000 chapter 9).

Every expected value is derived by hand from the Principles of Operation; the
derivation is written next to it.  Notation: a short number 0xSCCFFFFFF has the sign
and characteristic in its first byte and six fraction digits after it; the value is
(-1)**sign * 0.FFFFFF (hexadecimal) * 16**(characteristic - 64).  So 0x41100000 is
+1.0 (characteristic 0x41 = 16**1, fraction 0x100000 = 1/16), 0x41200000 is 2.0 and
0xC1100000 is -1.0.  During an addition a fraction carries one guard digit on its
right: "0x1000000" below is the seven digits 100000|0 (fraction | guard).

An extended number is written ``ext(high, low)``: high-order and low-order
doublewords; the low-order characteristic of a result is the high-order one less 14
(X'0E'), modulo 128.
"""

from __future__ import annotations

import pytest

from reference.arch.hfp import (
    EXPONENT_OVERFLOW,
    EXPONENT_UNDERFLOW,
    EXTENDED,
    FLOATING_POINT_DIVIDE,
    LONG,
    SHORT,
    SIGNIFICANCE,
    Number,
    Result,
    add,
    add_unnormalized,
    compare,
    divide,
    halve,
    load_and_test,
    load_complement,
    load_negative,
    load_positive,
    load_rounded,
    multiply,
    pack,
    subtract,
    subtract_unnormalized,
    unpack,
)

OVERFLOW, UNDERFLOW, SIG, DIVIDE = (EXPONENT_OVERFLOW, EXPONENT_UNDERFLOW, SIGNIFICANCE,
                                    FLOATING_POINT_DIVIDE)
MASKS_OFF = {"underflow_mask": False, "significance_mask": False}


def ext(high: int, low: int) -> int:
    """The 128-bit image of an extended number from its two doublewords."""
    return (high << 64) | low


def test_interruption_codes_are_the_manuals():
    # GA22-7000 ch.6: exponent overflow X'0C', exponent underflow X'0D',
    # significance X'0E', floating-point divide X'0F'.
    assert (OVERFLOW, UNDERFLOW, SIG, DIVIDE) == (0x0C, 0x0D, 0x0E, 0x0F)


# ===========================================================================
# Formats: unpack and pack
# ===========================================================================
def test_unpack_short_splits_sign_characteristic_and_fraction():
    # 0xC1100000: sign bit 1, characteristic 0x41, fraction 0x100000: -1.0
    assert unpack(SHORT, 0xC1100000) == Number(1, 0x41, 0x100000)


def test_pack_short_assembles_sign_characteristic_and_fraction():
    assert pack(SHORT, 1, 0x41, 0x100000) == 0xC1100000
    # extreme characteristics: 0x7F with the largest fraction, 0x00 with the smallest
    assert pack(SHORT, 0, 0x7F, 0xFFFFFF) == 0x7FFFFFFF
    assert pack(SHORT, 0, 0x00, 0x000001) == 0x00000001


def test_unpack_long_keeps_fourteen_fraction_digits():
    # 0x4110000000000001: characteristic 0x41, fraction 0x10000000000001 (14 digits)
    assert unpack(LONG, 0x4110000000000001) == Number(0, 0x41, 0x10000000000001)
    assert pack(LONG, 0, 0x41, 0x10000000000001) == 0x4110000000000001


def test_unpack_extended_ignores_the_low_order_sign_and_characteristic():
    # high 0x4110000000000000: sign 0, characteristic 0x41, digits 1-14 10000000000000;
    # low 0xFF00000000000001: sign 1 and characteristic 0x7F are ignored, digits
    # 15-28 are 00000000000001.  28-digit fraction 0x1000000000000000000000000001.
    number = unpack(EXTENDED, ext(0x4110000000000000, 0xFF00000000000001))
    assert number == Number(0, 0x41, 0x1000000000000000000000000001)


def test_pack_extended_low_order_characteristic_is_14_less_and_sign_the_same():
    # sign 1, characteristic 0x41: low-order sign 1, characteristic 0x41 - 14 = 0x33
    value = pack(EXTENDED, 1, 0x41, 0x1000000000000000000000000001)
    assert value == ext(0xC110000000000000, 0xB300000000000001)


def test_pack_extended_low_order_characteristic_wraps_modulo_128():
    # characteristic 0x05: 5 - 14 = -9 is made 128 greater: 119 = 0x77
    value = pack(EXTENDED, 0, 0x05, 0x1000000000000000000000000000)
    assert value == ext(0x0510000000000000, 0x7700000000000000)


def test_pack_extended_true_zero_has_an_all_zero_low_order_part():
    # "unless the result is a true zero": no characteristic 0 - 14 in the low part
    assert pack(EXTENDED, 0, 0, 0) == 0


def test_pack_extended_zero_fraction_with_a_characteristic_still_sets_the_low_part():
    # not a true zero (characteristic 0x41): low-order characteristic 0x33
    assert pack(EXTENDED, 0, 0x41, 0) == ext(0x4100000000000000, 0x3300000000000000)


def test_pack_and_unpack_reject_what_is_not_a_number_of_the_format():
    with pytest.raises(ValueError):
        unpack(SHORT, 1 << 32)                 # 33 bits
    with pytest.raises(ValueError):
        pack(SHORT, 0, 0x80, 0x100000)         # characteristic has 7 bits
    with pytest.raises(ValueError):
        pack(SHORT, 0, 0x41, 0x1000000)        # seven fraction digits
    with pytest.raises(ValueError):
        pack(LONG, 2, 0x41, 0)                 # sign is one bit


# ===========================================================================
# ADD NORMALIZED / SUBTRACT NORMALIZED, short
# ===========================================================================
def test_add_short_equal_characteristics():
    # 1.0 + 1.0: 100000|0 + 100000|0 = 200000|0, already normalized: 2.0, CC 2
    assert add(SHORT, 0x41100000, 0x41100000, **MASKS_OFF) == Result(0x41200000, 2)


def test_add_short_carry_shifts_right_and_raises_the_characteristic():
    # 8.0 + 8.0: 800000|0 + 800000|0 = 1 000000|0: carry, shift right one digit,
    # characteristic 0x41 + 1 = 0x42, fraction 0x100000: 16.0
    assert add(SHORT, 0x41800000, 0x41800000, **MASKS_OFF) == Result(0x42100000, 2)


def test_add_short_negative_sum_sets_cc_1():
    # 1.0 + (-2.0) = -1.0: 100000|0 - 200000|0 = -100000|0, CC 1
    assert add(SHORT, 0x41100000, 0xC1200000, **MASKS_OFF) == Result(0xC1100000, 1)


def test_add_short_aligns_the_smaller_characteristic():
    # 1.0 + 0.5: 0x40800000 is shifted right one digit: 080000|0;
    # 100000|0 + 080000|0 = 180000|0: 1.5 = 0x41180000
    assert add(SHORT, 0x41100000, 0x40800000, **MASKS_OFF) == Result(0x41180000, 2)


def test_subtract_short_guard_digit_keeps_the_last_digit():
    # 1.0 - (1 - 16**-6)*16**0: 0x40FFFFFF shifted one digit is 0FFFFF|F (guard F);
    # 100000|0 - 0FFFFF|F = 000000|1; normalized (six digits left) 100000|0 with
    # characteristic 0x41 - 6 = 0x3B: 0x3B100000 = 16**-6, the exact difference.
    # (Without the guard digit it would be 0x3C100000, 16 times too large.)
    assert subtract(SHORT, 0x41100000, 0x40FFFFFF, **MASKS_OFF) == Result(0x3B100000, 2)


def test_add_short_digits_shifted_beyond_the_guard_digit_are_lost():
    # 0x44000000 (zero fraction, characteristic 0x44) + 0x41123456: the second is
    # shifted three digits: 000123|4, the digits 56 are lost.  Normalized three
    # digits left: 123400, characteristic 0x41: 0x41123400.
    assert add(SHORT, 0x44000000, 0x41123456, **MASKS_OFF) == Result(0x41123400, 2)


def test_add_short_unnormalized_operands_give_a_normalized_sum():
    # 0x42000001 is 16**-6 * 16**2 = 16**-4; twice that: 000002|0, normalized five
    # digits left: 200000, characteristic 0x42 - 5 = 0x3D: 2/16 * 16**-3 = 2 * 16**-4
    assert add(SHORT, 0x42000001, 0x42000001, **MASKS_OFF) == Result(0x3D200000, 2)


def test_add_short_minus_zero_operand_gives_the_other_operand():
    # -0 (0x80000000, characteristic 0) is shifted 0x41 digits: nothing is left
    assert add(SHORT, 0x80000000, 0x41100000, **MASKS_OFF) == Result(0x41100000, 2)


def test_add_short_characteristic_0_operand_vanishes_beside_characteristic_7f():
    # 0x00100000 is shifted 0x7F digits against 0x7FFFFFFF: the sum is 0x7FFFFFFF
    assert add(SHORT, 0x7FFFFFFF, 0x00100000, **MASKS_OFF) == Result(0x7FFFFFFF, 2)


def test_add_short_overflow_wraps_the_characteristic():
    # 0x7F800000 + 0x7F800000: carry, characteristic 0x7F + 1 = 128 > 127: stored
    # 128 less (0x00), fraction 0x100000 correct; exponent overflow, CC 2
    assert add(SHORT, 0x7F800000, 0x7F800000, **MASKS_OFF) == \
        Result(0x00100000, 2, OVERFLOW)


def test_add_short_overflow_of_a_negative_sum_keeps_sign_and_cc_1():
    # the same with both operands negative: sign 1, characteristic 0x00: 0x80100000
    assert add(SHORT, 0xFF800000, 0xFF800000, **MASKS_OFF) == \
        Result(0x80100000, 1, OVERFLOW)


def test_add_short_overflow_occurs_whatever_the_masks():
    assert add(SHORT, 0x7F800000, 0x7F800000, underflow_mask=True,
               significance_mask=True) == Result(0x00100000, 2, OVERFLOW)


def test_subtract_short_underflow_with_mask_one_wraps_the_characteristic():
    # 0x00110000 - 0x00100000: 110000|0 - 100000|0 = 010000|0, normalized one digit
    # left: characteristic 0 - 1 = -1 < 0: stored 128 greater, 0x7F; CC 2
    assert subtract(SHORT, 0x00110000, 0x00100000, underflow_mask=True,
                    significance_mask=False) == Result(0x7F100000, 2, UNDERFLOW)


def test_subtract_short_underflow_with_mask_zero_is_a_true_zero():
    # the same difference: no interruption, result a true zero, CC 0
    assert subtract(SHORT, 0x00110000, 0x00100000, **MASKS_OFF) == Result(0x00000000, 0)


def test_subtract_short_negative_underflow_with_mask_one_keeps_the_sign():
    # 0x80110000 - 0x80100000 = -(0x00010000): normalized characteristic -1 -> 0x7F
    assert subtract(SHORT, 0x80110000, 0x80100000, underflow_mask=True,
                    significance_mask=False) == Result(0xFF100000, 1, UNDERFLOW)


def test_subtract_short_zero_difference_with_significance_mask_one_keeps_the_characteristic():
    # 0x42500000 - 0x42500000: intermediate fraction zero; significance mask one: no
    # normalization, characteristic 0x42 kept, sign plus, fraction zero; CC 0
    assert subtract(SHORT, 0x42500000, 0x42500000, underflow_mask=False,
                    significance_mask=True) == Result(0x42000000, 0, SIG)


def test_subtract_short_zero_difference_with_significance_mask_zero_is_a_true_zero():
    assert subtract(SHORT, 0x42500000, 0x42500000, **MASKS_OFF) == Result(0x00000000, 0)


def test_add_short_zero_sum_of_opposite_signs_is_plus():
    # -5/16*16**2 + 5/16*16**2 = 0: the sign of a zero sum is plus: 0x42000000
    assert add(SHORT, 0xC2500000, 0x42500000, underflow_mask=False,
               significance_mask=True) == Result(0x42000000, 0, SIG)


def test_add_short_two_zeros_is_a_significance_exception():
    # -0 + -0: the intermediate sum fraction is zero: significance, characteristic 0
    # kept, sign plus: 0x00000000 with the interruption when the mask is one...
    assert add(SHORT, 0x80000000, 0x80000000, underflow_mask=False,
               significance_mask=True) == Result(0x00000000, 0, SIG)
    # ...and a true zero without it when the mask is zero
    assert add(SHORT, 0x80000000, 0x80000000, **MASKS_OFF) == Result(0x00000000, 0)


def test_add_short_zero_fractions_with_characteristics_keep_the_larger_one():
    # 0x45000000 + 0x43000000: aligned to 0x45, fraction zero: significance, 0x45000000
    assert add(SHORT, 0x45000000, 0x43000000, underflow_mask=False,
               significance_mask=True) == Result(0x45000000, 0, SIG)


def test_add_short_guard_digit_alone_is_not_a_zero_fraction():
    # 0x41000000 + 0x40000001: 000000|0 + 000000|1 = 000000|1: not zero (guard digit
    # included), normalized six digits left: 0x3B100000 = 16**-6, no significance
    assert add(SHORT, 0x41000000, 0x40000001, underflow_mask=False,
               significance_mask=True) == Result(0x3B100000, 2)


# ===========================================================================
# ADD NORMALIZED / SUBTRACT NORMALIZED, long
# ===========================================================================
def test_add_long_equal_characteristics():
    # 1.0 + 1.0 = 2.0 in the long format
    assert add(LONG, 0x4110000000000000, 0x4110000000000000, **MASKS_OFF) == \
        Result(0x4120000000000000, 2)


def test_subtract_long_guard_digit_keeps_the_last_digit():
    # 1.0 - 0x40FFFFFFFFFFFFFF (14 F digits): shifted one digit, 0FFFFFFFFFFFFF|F;
    # the difference 00000000000000|1 normalized 14 digits left: characteristic
    # 0x41 - 14 = 0x33: 16**-1 * 16**-13 = 16**-14, exact
    assert subtract(LONG, 0x4110000000000000, 0x40FFFFFFFFFFFFFF, **MASKS_OFF) == \
        Result(0x3310000000000000, 2)


def test_add_long_overflow_wraps_the_characteristic():
    # F0000000000000 + 10000000000000 = 1 00000000000000: carry, characteristic 128,
    # stored as 0x00 with fraction 0x10000000000000
    assert add(LONG, 0x7FF0000000000000, 0x7F10000000000000, **MASKS_OFF) == \
        Result(0x0010000000000000, 2, OVERFLOW)


def test_subtract_long_underflow_with_each_mask_setting():
    # 0x0011000000000000 - 0x0010000000000000 = 0x0001000000000000, normalized:
    # characteristic -1.  Mask one: 0x7F, exception; mask zero: true zero.
    a, b = 0x0011000000000000, 0x0010000000000000
    assert subtract(LONG, a, b, underflow_mask=True, significance_mask=False) == \
        Result(0x7F10000000000000, 2, UNDERFLOW)
    assert subtract(LONG, a, b, **MASKS_OFF) == Result(0, 0)


def test_subtract_long_significance_with_each_mask_setting():
    # equal operands, characteristic 0x43: mask one keeps 0x43, mask zero true zero
    a = 0xC312345678ABCDEF
    assert subtract(LONG, a, a, underflow_mask=False, significance_mask=True) == \
        Result(0x4300000000000000, 0, SIG)
    assert subtract(LONG, a, a, **MASKS_OFF) == Result(0, 0)


# ===========================================================================
# ADD NORMALIZED / SUBTRACT NORMALIZED, extended (AXR, SXR)
# ===========================================================================
ONE_EXT = ext(0x4110000000000000, 0x3300000000000000)   # +1.0: low characteristic 0x33


def test_add_extended_one_plus_one():
    # 1.0 + 1.0 = 2.0: high 0x4120000000000000, low characteristic 0x41 - 14 = 0x33
    assert add(EXTENDED, ONE_EXT, ONE_EXT, **MASKS_OFF) == \
        Result(ext(0x4120000000000000, 0x3300000000000000), 2)


def test_add_extended_carry_crosses_from_the_low_order_part():
    # fraction 10000000000000 FFFFFFFFFFFFFF + 00000000000000 00000000000001
    # = 10000000000001 00000000000000 (the second operand is unnormalized, same
    # characteristic 0x41; its low-order characteristic 0x33 is ignored)
    a = ext(0x4110000000000000, 0x33FFFFFFFFFFFFFF)
    b = ext(0x4100000000000000, 0x3300000000000001)
    assert add(EXTENDED, a, b, **MASKS_OFF) == \
        Result(ext(0x4110000000000001, 0x3300000000000000), 2)


def test_subtract_extended_guard_digit_keeps_the_last_digit():
    # 1.0 - 0.FFF...F (28 digits) * 16**0 = 16**-28 exactly: 000...0|1 normalized
    # 28 digits left, characteristic 0x41 - 28 = 0x25; low characteristic 0x25 - 14
    # = 0x17
    b = ext(0x40FFFFFFFFFFFFFF, 0x32FFFFFFFFFFFFFF)
    assert subtract(EXTENDED, ONE_EXT, b, **MASKS_OFF) == \
        Result(ext(0x2510000000000000, 0x1700000000000000), 2)


def test_add_extended_low_order_characteristic_below_zero_is_no_underflow():
    # 2 * 0x0510...: characteristic 0x05, low-order 5 - 14 = -9 -> 119 = 0x77; the
    # high-order characteristic is not below zero: no exponent underflow
    a = ext(0x0510000000000000, 0x7700000000000000)
    assert add(EXTENDED, a, a, underflow_mask=True, significance_mask=True) == \
        Result(ext(0x0520000000000000, 0x7700000000000000), 2)


def test_add_extended_overflow_wraps_both_characteristics():
    # 0x7F8... + 0x7F8...: carry, characteristic 128 -> 0x00; the low-order
    # characteristic stays correct: 128 - 14 = 114 = 0x72
    a = ext(0x7F80000000000000, 0x7100000000000000)
    assert add(EXTENDED, a, a, **MASKS_OFF) == \
        Result(ext(0x0010000000000000, 0x7200000000000000), 2, OVERFLOW)


def test_subtract_extended_underflow_with_mask_one_wraps_both_characteristics():
    # 0x0011... - 0x0010... = 0x0001..., normalized: characteristic -1 -> 0x7F;
    # low-order characteristic 0x7F - 14 = 0x71
    a = ext(0x0011000000000000, 0x7200000000000000)
    b = ext(0x0010000000000000, 0x7200000000000000)
    assert subtract(EXTENDED, a, b, underflow_mask=True, significance_mask=False) == \
        Result(ext(0x7F10000000000000, 0x7100000000000000), 2, UNDERFLOW)


def test_subtract_extended_underflow_with_mask_zero_is_a_true_zero():
    a = ext(0x0011000000000000, 0x7200000000000000)
    b = ext(0x0010000000000000, 0x7200000000000000)
    assert subtract(EXTENDED, a, b, **MASKS_OFF) == Result(0, 0)


def test_subtract_extended_significance_keeps_the_characteristic_in_both_parts():
    # 1.0 - 1.0 with the mask one: characteristic 0x41 kept, low-order 0x33, sign plus
    assert subtract(EXTENDED, ONE_EXT, ONE_EXT, underflow_mask=False,
                    significance_mask=True) == \
        Result(ext(0x4100000000000000, 0x3300000000000000), 0, SIG)
    assert subtract(EXTENDED, ONE_EXT, ONE_EXT, **MASKS_OFF) == Result(0, 0)


# ===========================================================================
# ADD UNNORMALIZED / SUBTRACT UNNORMALIZED (AU, AW, SU, SW)
# ===========================================================================
def test_subtract_unnormalized_short_keeps_leading_zeros():
    # 1.0 - 15/16: 100000|0 - 0F0000|0 = 010000|0, truncated without a left shift:
    # 0x41010000 (= 1/16).  The normalized subtraction would give 0x40100000.
    assert subtract_unnormalized(SHORT, 0x41100000, 0x410F0000,
                                 significance_mask=False) == Result(0x41010000, 2)


def test_add_unnormalized_short_carry_shifts_right():
    # 8.0 + 8.0: carry, as in the normalized addition: 0x42100000
    assert add_unnormalized(SHORT, 0x41800000, 0x41800000,
                            significance_mask=False) == Result(0x42100000, 2)


def test_subtract_unnormalized_short_guard_digit_borrows():
    # 1.0 - 0x40000001: the second shifted one digit is 000000|1 (guard 1);
    # 100000|0 - 000000|1 = 0FFFFF|F, truncated: 0x410FFFFF (the guard digit took
    # part in the subtraction; without it the result would be 0x41100000)
    assert subtract_unnormalized(SHORT, 0x41100000, 0x40000001,
                                 significance_mask=False) == Result(0x410FFFFF, 2)


def test_add_unnormalized_short_zero_fraction_excludes_the_guard_digit():
    # 0x41000000 + 0x40000001 = 000000|1: the fraction without the guard digit is
    # zero: significance, characteristic 0x41 kept (mask one) or true zero (mask zero)
    assert add_unnormalized(SHORT, 0x41000000, 0x40000001, significance_mask=True) == \
        Result(0x41000000, 0, SIG)
    assert add_unnormalized(SHORT, 0x41000000, 0x40000001, significance_mask=False) == \
        Result(0x00000000, 0)


def test_add_unnormalized_short_cannot_underflow():
    # 0x00000001 + 0x00000001 = 0x00000002: characteristic 0, not normalized, no
    # exception (the normalized addition would underflow)
    assert add_unnormalized(SHORT, 0x00000001, 0x00000001, significance_mask=True) == \
        Result(0x00000002, 2)


def test_add_unnormalized_short_overflow_wraps_the_characteristic():
    assert add_unnormalized(SHORT, 0x7F800000, 0x7F800000, significance_mask=False) == \
        Result(0x00100000, 2, OVERFLOW)


def test_add_unnormalized_short_negative_sum_sets_cc_1():
    # -1.0 + 0.5: 0x40800000 shifted one digit: 080000|0; -100000|0 + 080000|0 =
    # -080000|0: 0xC1080000 (unnormalized -0.5)
    assert add_unnormalized(SHORT, 0xC1100000, 0x40800000, significance_mask=False) == \
        Result(0xC1080000, 1)


def test_subtract_unnormalized_long_keeps_leading_zeros():
    assert subtract_unnormalized(LONG, 0x4110000000000000, 0x410F000000000000,
                                 significance_mask=False) == Result(0x4101000000000000, 2)


def test_subtract_unnormalized_long_guard_digit_borrows():
    # 10000000000000|0 - 00000000000000|1 = 0FFFFFFFFFFFFF|F: 0x410FFFFFFFFFFFFF
    assert subtract_unnormalized(LONG, 0x4110000000000000, 0x4000000000000001,
                                 significance_mask=False) == Result(0x410FFFFFFFFFFFFF, 2)


def test_add_unnormalized_long_significance_with_each_mask_setting():
    assert add_unnormalized(LONG, 0x4220000000000000, 0xC220000000000000,
                            significance_mask=True) == Result(0x4200000000000000, 0, SIG)
    assert add_unnormalized(LONG, 0x4220000000000000, 0xC220000000000000,
                            significance_mask=False) == Result(0, 0)


def test_unnormalized_addition_has_no_extended_form():
    with pytest.raises(ValueError):
        add_unnormalized(EXTENDED, ONE_EXT, ONE_EXT, significance_mask=False)


# ===========================================================================
# COMPARE
# ===========================================================================
def test_compare_short_equal_low_high():
    assert compare(SHORT, 0x41100000, 0x41100000) == 0     # 1.0 = 1.0
    assert compare(SHORT, 0x41100000, 0x41200000) == 1     # 1.0 < 2.0: first low
    assert compare(SHORT, 0x41200000, 0x41100000) == 2     # 2.0 > 1.0: first high


def test_compare_short_is_algebraic():
    assert compare(SHORT, 0xC1200000, 0xC1100000) == 1     # -2.0 < -1.0
    assert compare(SHORT, 0xC1100000, 0x40100000) == 1     # -1.0 < 1/16
    assert compare(SHORT, 0x00100000, 0x80100000) == 2     # +16**-65 > -16**-65


def test_compare_short_zeros_of_either_sign_and_any_characteristic_are_equal():
    assert compare(SHORT, 0x80000000, 0x45000000) == 0
    assert compare(SHORT, 0x00000000, 0xFF000000) == 0


def test_compare_short_unnormalized_and_normalized_forms_are_equal():
    # 0x42010000 is 1/256 * 16**2 = 1.0
    assert compare(SHORT, 0x41100000, 0x42010000) == 0


def test_compare_short_guard_digit_decides():
    # 1.0 against 0x40FFFFFF: 100000|0 - 0FFFFF|F = 000000|1 > 0: first high
    assert compare(SHORT, 0x41100000, 0x40FFFFFF) == 2


def test_compare_short_digits_beyond_the_guard_digit_are_ignored():
    # 0x41000010 = 16**-4; 0x3F001001 = 16**-4 + 16**-7.  Aligned two digits, the
    # second is 000010|0 (digit 1 of "01" lost beyond the guard digit 0): equal.
    assert compare(SHORT, 0x41000010, 0x3F001001) == 0


def test_compare_short_extreme_characteristics_cause_no_exception():
    # 0x7FFFFFFF against 0x00000001: the second vanishes in alignment: high
    assert compare(SHORT, 0x7FFFFFFF, 0x00000001) == 2
    assert compare(SHORT, 0x00000001, 0x7FFFFFFF) == 1


def test_compare_long_sees_the_fourteenth_digit():
    assert compare(LONG, 0x4110000000000000, 0x4110000000000001) == 1
    assert compare(LONG, 0x8000000000000000, 0x3300000000000000) == 0


# ===========================================================================
# HALVE (HER, HDR)
# ===========================================================================
def test_halve_short_without_normalization():
    # 2.0 / 2: 200000|0 shifted right one bit = 100000|0: 0x41100000, CC unchanged
    assert halve(SHORT, 0x41200000, underflow_mask=False) == Result(0x41100000)


def test_halve_short_normalizes_the_result():
    # 1.0 / 2: 100000|0 >> 1 bit = 080000|0, normalized one digit: 800000,
    # characteristic 0x40: 0x40800000 = 0.5
    assert halve(SHORT, 0x41100000, underflow_mask=False) == Result(0x40800000)


def test_halve_short_rightmost_bit_survives_in_the_guard_digit():
    # 100001|0 >> 1 bit = 080000|8, normalized one digit: 800008, exact: 0x40800008
    assert halve(SHORT, 0x41100001, underflow_mask=False) == Result(0x40800008)


def test_halve_short_truncates_the_guard_digit_when_no_shift_is_needed():
    # 300001|0 >> 1 bit = 180000|8: normalized already, the 8 is dropped: 0x41180000
    assert halve(SHORT, 0x41300001, underflow_mask=False) == Result(0x41180000)


def test_halve_short_normalizes_an_unnormalized_operand():
    # 0x41000001 = 16**-5; 000001|0 >> 1 bit = 000000|8, normalized six digits:
    # 800000, characteristic 0x41 - 6 = 0x3B: 8/16 * 16**-5 = 16**-5 / 2
    assert halve(SHORT, 0x41000001, underflow_mask=False) == Result(0x3B800000)


def test_halve_short_keeps_the_sign():
    assert halve(SHORT, 0xC1200000, underflow_mask=False) == Result(0xC1100000)


def test_halve_short_underflow_with_each_mask_setting():
    # 0x00100000 (16**-65) / 2: 100000|0 >> 1 bit = 080000|0, normalized one digit:
    # 800000 with characteristic 0 - 1 = -1.  Mask one: 128 greater, 0x7F, exception;
    # mask zero: true zero
    assert halve(SHORT, 0x00100000, underflow_mask=True) == Result(0x7F800000, None, UNDERFLOW)
    assert halve(SHORT, 0x00100000, underflow_mask=False) == Result(0x00000000)


def test_halve_short_zero_fraction_is_a_true_zero():
    # -0 with characteristic 0x45: a true zero, no exception whatever the mask
    assert halve(SHORT, 0xC5000000, underflow_mask=True) == Result(0x00000000)


def test_halve_long():
    assert halve(LONG, 0x4110000000000000, underflow_mask=False) == \
        Result(0x4080000000000000)
    # 10000000000001|0 >> 1 bit = 08000000000000|8 -> 0x4080000000000008
    assert halve(LONG, 0x4110000000000001, underflow_mask=False) == \
        Result(0x4080000000000008)


# ===========================================================================
# LOAD ROUNDED (LRER, LRDR)
# ===========================================================================
def test_load_rounded_long_to_short_below_half_truncates():
    # 0x41 123456 78000000: a one at bit 32 adds 8 to digit 7 (7 -> F): no carry
    # into digit 6: 0x41123456; CC unchanged
    assert load_rounded(LONG, 0x4112345678000000) == Result(0x41123456)


def test_load_rounded_long_to_short_half_rounds_up():
    # digit 7 is 8: 8 + 8 carries into digit 6: 123456 + 1 = 123457
    assert load_rounded(LONG, 0x4112345680000000) == Result(0x41123457)


def test_load_rounded_long_to_short_carry_out_shifts_right():
    # FFFFFF|8... + 8 = 1 000000: shifted right one digit, characteristic 0x42
    assert load_rounded(LONG, 0x41FFFFFF80000000) == Result(0x42100000)


def test_load_rounded_long_to_short_overflow_wraps_the_characteristic():
    # characteristic 0x7F + 1 = 128: stored 0x00, exponent overflow
    assert load_rounded(LONG, 0x7FFFFFFF80000000) == Result(0x00100000, None, OVERFLOW)
    assert load_rounded(LONG, 0xFFFFFFFF80000000) == Result(0x80100000, None, OVERFLOW)


def test_load_rounded_long_to_short_does_not_normalize_and_keeps_the_sign():
    # 0xC0 00000080000000: 000000|8 + 8 = 000001: 0xC0000001
    assert load_rounded(LONG, 0xC000000080000000) == Result(0xC0000001)


def test_load_rounded_long_to_short_zero_fraction_is_not_made_a_true_zero():
    assert load_rounded(LONG, 0x8500000000000000) == Result(0x85000000)


def test_load_rounded_extended_to_long_adds_at_bit_72():
    # bit 72 is the leftmost bit of the low-order fraction: 8 + 8 carries into
    # digit 14: ...ABCDEF + 1 = ...ABCDF0
    a = ext(0x4112345678ABCDEF, 0x3380000000000000)
    assert load_rounded(EXTENDED, a) == Result(0x4112345678ABCDF0)


def test_load_rounded_extended_to_long_ignores_the_low_order_characteristic():
    # low-order sign and characteristic bits all ones; its fraction 7FFF...: no carry
    a = ext(0x4112345678ABCDEF, 0xFF7FFFFFFFFFFFFF)
    assert load_rounded(EXTENDED, a) == Result(0x4112345678ABCDEF)


def test_load_rounded_extended_to_long_overflow_wraps_the_characteristic():
    a = ext(0x7FFFFFFFFFFFFFFF, 0x7180000000000000)
    assert load_rounded(EXTENDED, a) == Result(0x0010000000000000, None, OVERFLOW)


# ===========================================================================
# MULTIPLY (MER, MDR, MXDR, MXR)
# ===========================================================================
def test_multiply_short_operands_long_product():
    # 2.0 * 3.0: 200000 * 300000 = 060000000000 (12 digits), one leading zero:
    # shifted left, characteristic 0x41 + 0x41 - 64 - 1 = 0x41; 14 digits with two
    # zeros appended: 0x4160000000000000 = 6.0; CC unchanged
    assert multiply(SHORT, LONG, 0x41200000, 0x41300000, underflow_mask=False) == \
        Result(0x4160000000000000)


def test_multiply_short_product_without_leading_zero_is_not_shifted():
    # 4.0 * 4.0: 400000 * 400000 = 100000000000: characteristic 0x42: 16.0
    assert multiply(SHORT, LONG, 0x41400000, 0x41400000, underflow_mask=False) == \
        Result(0x4210000000000000)


def test_multiply_short_keeps_all_twelve_product_digits():
    # FFFFFF * FFFFFF = FFFFFE000001, then 00: 0x42FFFFFE00000100
    assert multiply(SHORT, LONG, 0x41FFFFFF, 0x41FFFFFF, underflow_mask=False) == \
        Result(0x42FFFFFE00000100)


def test_multiply_short_sign_follows_the_rules_of_algebra():
    assert multiply(SHORT, LONG, 0xC1200000, 0x41300000, underflow_mask=False) == \
        Result(0xC160000000000000)


def test_multiply_prenormalizes_the_operands():
    # 0x42010000 (unnormalized 1.0) is normalized to 0x41100000 first: 1.0 * 1.0
    assert multiply(SHORT, LONG, 0x42010000, 0x41100000, underflow_mask=False) == \
        Result(0x4110000000000000)


def test_multiply_zero_fraction_operand_gives_a_true_zero():
    # -1.0 * -0, and 1.0 * (zero fraction with characteristic 0x45): true zero, plus
    assert multiply(SHORT, LONG, 0xC1100000, 0x80000000, underflow_mask=True) == Result(0)
    assert multiply(SHORT, LONG, 0x41100000, 0x45000000, underflow_mask=True) == Result(0)


def test_multiply_long_truncates_the_product():
    # (1 - 16**-14)**2 = FFFFFFFFFFFFFE 00000000000001: the left 14 digits, 0x42
    assert multiply(LONG, LONG, 0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF,
                    underflow_mask=False) == Result(0x42FFFFFFFFFFFFFE)


def test_multiply_long_to_extended_keeps_the_exact_product():
    # the same product, all 28 digits; low-order characteristic 0x42 - 14 = 0x34
    assert multiply(LONG, EXTENDED, 0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF,
                    underflow_mask=False) == \
        Result(ext(0x42FFFFFFFFFFFFFE, 0x3400000000000001))


def test_multiply_extended_truncates_to_28_digits():
    # (1 - 16**-28)**2 = 27 F digits, E, then 27 zeros and 1: the left 28 digits
    a = ext(0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF)
    assert multiply(EXTENDED, EXTENDED, a, a, underflow_mask=False) == \
        Result(ext(0x42FFFFFFFFFFFFFF, 0x34FFFFFFFFFFFFFE))


def test_multiply_short_overflow_wraps_the_characteristic():
    # 800000 * 200000 = 100000000000, no shift; characteristic 0x60 + 0x60 - 64 =
    # 0x80 = 128 > 127: stored 0x00, exponent overflow
    assert multiply(SHORT, LONG, 0x60800000, 0x60200000, underflow_mask=False) == \
        Result(0x0010000000000000, None, OVERFLOW)


def test_multiply_intermediate_characteristic_128_brought_back_by_normalization():
    # 100000 * 100000 = 010000000000: intermediate characteristic 0x80, shifted left
    # one digit: final characteristic 0x7F: no exponent overflow
    assert multiply(SHORT, LONG, 0x60100000, 0x60100000, underflow_mask=False) == \
        Result(0x7F10000000000000)


def test_multiply_short_underflow_with_each_mask_setting():
    # 0x20100000 squared: characteristic 0x20 + 0x20 - 64 = 0, shifted left one
    # digit: -1.  Mask one: 0x7F, exception; mask zero: true zero
    assert multiply(SHORT, LONG, 0x20100000, 0x20100000, underflow_mask=True) == \
        Result(0x7F10000000000000, None, UNDERFLOW)
    assert multiply(SHORT, LONG, 0x20100000, 0x20100000, underflow_mask=False) == \
        Result(0)


def test_multiply_operand_characteristic_below_zero_in_prenormalization_is_no_underflow():
    # 0x00001000 (fraction 001000) normalizes two digits: characteristic -2, fraction
    # 100000; with 0x43100000: -2 + 0x43 - 64 = 1, product 010000000000 shifted left
    # one digit: characteristic 0: 0x0010000000000000, no exception
    assert multiply(SHORT, LONG, 0x00001000, 0x43100000, underflow_mask=True) == \
        Result(0x0010000000000000)


def test_multiply_extended_overflow_lowers_the_low_order_characteristic_too():
    # 0x7F1... squared: 0x7F + 0x7F - 64 = 190, shifted left one digit: 189 -> 61
    # (0x3D); the low-order characteristic 189 - 14 = 175 exceeds 127 as well and is
    # lowered by 128: 47 (0x2F)
    a = ext(0x7F10000000000000, 0x7100000000000000)
    assert multiply(EXTENDED, EXTENDED, a, a, underflow_mask=False) == \
        Result(ext(0x3D10000000000000, 0x2F00000000000000), None, OVERFLOW)


def test_multiply_long_to_extended_low_order_characteristic_below_zero_is_no_underflow():
    # 0x24100000... squared: 0x24 + 0x24 - 64 = 8, shifted left: 7; low-order
    # characteristic 7 - 14 = -7 -> 121 (0x79); high-order not below zero: no exception
    assert multiply(LONG, EXTENDED, 0x2410000000000000, 0x2410000000000000,
                    underflow_mask=True) == \
        Result(ext(0x0710000000000000, 0x7900000000000000))


def test_multiply_extended_underflow_with_mask_one_raises_both_characteristics():
    # 0x20100000... squared (extended): characteristic -1 -> 0x7F, low-order 0x71
    a = ext(0x2010000000000000, 0x1200000000000000)
    assert multiply(EXTENDED, EXTENDED, a, a, underflow_mask=True) == \
        Result(ext(0x7F10000000000000, 0x7100000000000000), None, UNDERFLOW)
    assert multiply(EXTENDED, EXTENDED, a, a, underflow_mask=False) == Result(0)


def test_multiply_has_no_short_product():
    with pytest.raises(ValueError):
        multiply(SHORT, SHORT, 0x41100000, 0x41100000, underflow_mask=False)


# ===========================================================================
# DIVIDE (DER, DDR)
# ===========================================================================
def test_divide_short_dividend_fraction_not_less_shifts_right():
    # 6.0 / 2.0: 600000 >= 200000: quotient 3.0 shifted right one digit, 300000,
    # characteristic 0x41 - 0x41 + 64 + 1 = 0x41: 0x41300000; CC unchanged
    assert divide(SHORT, 0x41600000, 0x41200000, underflow_mask=False) == \
        Result(0x41300000)


def test_divide_short_truncates_the_quotient():
    # 1.0 / 3.0: 100000 < 300000, characteristic 0x40; 16**6 / 3 = 5592405.33 ->
    # 0x555555 (truncated): 0x40555555
    assert divide(SHORT, 0x41100000, 0x41300000, underflow_mask=False) == \
        Result(0x40555555)


def test_divide_long_truncates_the_quotient():
    # 16**14 / 3 truncated = 0x55555555555555
    assert divide(LONG, 0x4110000000000000, 0x4130000000000000, underflow_mask=False) == \
        Result(0x4055555555555555)


def test_divide_short_sign_follows_the_rules_of_algebra():
    assert divide(SHORT, 0xC1600000, 0x41200000, underflow_mask=False) == \
        Result(0xC1300000)


def test_divide_prenormalizes_the_operands():
    # 0x42010000 (1.0) normalized to 0x41100000; / 2.0 = 0.5 = 0x40800000
    assert divide(SHORT, 0x42010000, 0x41200000, underflow_mask=False) == \
        Result(0x40800000)


def test_divide_by_zero_fraction_is_suppressed():
    # divisor -0: floating-point divide, nothing stored
    assert divide(SHORT, 0x41100000, 0x80000000, underflow_mask=False) == \
        Result(None, None, DIVIDE)
    # zero divided by zero is the same exception
    assert divide(LONG, 0, 0x4500000000000000, underflow_mask=False) == \
        Result(None, None, DIVIDE)


def test_divide_zero_dividend_gives_a_true_zero():
    assert divide(SHORT, 0xC5000000, 0x41200000, underflow_mask=True) == Result(0)


def test_divide_short_overflow_wraps_the_characteristic():
    # 0x7F100000 / 0x01100000: equal fractions, characteristic 0x7F - 0x01 + 64 + 1
    # = 191 > 127: stored 63 = 0x3F, exponent overflow
    assert divide(SHORT, 0x7F100000, 0x01100000, underflow_mask=False) == \
        Result(0x3F100000, None, OVERFLOW)


def test_divide_short_underflow_with_each_mask_setting():
    # 0x01100000 / 0x7F100000: 1 - 127 + 64 + 1 = -61: mask one 67 = 0x43
    assert divide(SHORT, 0x01100000, 0x7F100000, underflow_mask=True) == \
        Result(0x43100000, None, UNDERFLOW)
    assert divide(SHORT, 0x01100000, 0x7F100000, underflow_mask=False) == Result(0)


def test_divide_short_smallest_characteristic_without_underflow():
    # 0x00100000 (16**-65) / 0x40100000 (1/16) = 16**-64 = 0x01100000
    assert divide(SHORT, 0x00100000, 0x40100000, underflow_mask=True) == \
        Result(0x01100000)


# ===========================================================================
# LOAD AND TEST, LOAD COMPLEMENT, LOAD NEGATIVE, LOAD POSITIVE
# ===========================================================================
def test_load_and_test_short_sets_cc_by_sign_and_fraction():
    assert load_and_test(SHORT, 0xC1100000) == Result(0xC1100000, 1)   # -1.0
    assert load_and_test(SHORT, 0x41100000) == Result(0x41100000, 2)   # +1.0
    assert load_and_test(SHORT, 0x85000000) == Result(0x85000000, 0)   # zero fraction


def test_load_complement_short_inverts_the_sign_even_of_zero():
    assert load_complement(SHORT, 0x41100000) == Result(0xC1100000, 1)
    assert load_complement(SHORT, 0xC1100000) == Result(0x41100000, 2)
    assert load_complement(SHORT, 0x45000000) == Result(0xC5000000, 0)


def test_load_negative_short_makes_the_sign_minus_even_of_zero():
    assert load_negative(SHORT, 0x41100000) == Result(0xC1100000, 1)
    assert load_negative(SHORT, 0x00000000) == Result(0x80000000, 0)


def test_load_positive_short_makes_the_sign_plus():
    assert load_positive(SHORT, 0xC1100000) == Result(0x41100000, 2)
    assert load_positive(SHORT, 0x80000000) == Result(0x00000000, 0)


def test_load_positive_short_does_not_normalize():
    # characteristic and fraction unchanged: 0x42010000 stays unnormalized
    assert load_positive(SHORT, 0xC2010000) == Result(0x42010000, 2)


def test_load_sign_instructions_long():
    assert load_positive(LONG, 0xC110000000000001) == Result(0x4110000000000001, 2)
    assert load_negative(LONG, 0x7FFFFFFFFFFFFFFF) == Result(0xFFFFFFFFFFFFFFFF, 1)
    assert load_complement(LONG, 0x8000000000000000) == Result(0x0000000000000000, 0)
    assert load_and_test(LONG, 0x8000000000000000) == Result(0x8000000000000000, 0)
