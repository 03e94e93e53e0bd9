"""The library's hexadecimal floating point (reference/arch/hfp.py) against the
independent model of tests/hfp_model.py, written apart from it from GA22-7000 ch.9:
on generated operands (normalized, unnormalized, zero of either sign, extreme
characteristics) and both settings of each mask, every instruction's stored value,
condition code and program-interruption code agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.arch import hfp
from tests import hfp_model as model

BITS = {model.SHORT: 32, model.LONG: 64, model.EXTENDED: 128}
LIB = {model.SHORT: hfp.SHORT, model.LONG: hfp.LONG, model.EXTENDED: hfp.EXTENDED}
DIGITS = {32: 6, 64: 14, 128: 28}


def operand(bits: int) -> st.SearchStrategy[int]:
    """An operand image: any bits, or one built from a sign, an extreme or any
    characteristic and a fraction that is zero, normalized or unnormalized."""
    digits = DIGITS[bits]
    fraction_bits = 4 * min(digits, 14)
    fractions = st.one_of(st.just(0), st.integers(1, 15).map(lambda d: d << (fraction_bits - 4)),
                          st.integers(0, (1 << fraction_bits) - 1),
                          st.integers(1, 15))
    characteristics = st.one_of(st.sampled_from([0, 1, 63, 64, 65, 126, 127]),
                                st.integers(0, 127))

    def build(sign: int, characteristic: int, fraction: int, low: int) -> int:
        high = (sign << 63 | characteristic << 56 | fraction) if bits > 32 else (
            sign << 31 | characteristic << 24 | fraction)
        if bits == 128:
            return high << 64 | low
        return high

    built = st.builds(build, st.integers(0, 1), characteristics, fractions,
                      st.integers(0, (1 << 64) - 1))
    return st.one_of(st.integers(0, (1 << bits) - 1), built)


def library_call(mnemonic: str) -> Callable[..., hfp.Result | int]:
    """The library function that performs ``mnemonic``, with the model's operands."""
    m = mnemonic.rstrip("R") if mnemonic.endswith("R") and len(mnemonic) > 2 else mnemonic
    fmt = {"E": hfp.SHORT, "D": hfp.LONG, "U": hfp.SHORT, "W": hfp.LONG,
           "X": hfp.EXTENDED}
    calls: dict[str, Callable[..., Any]] = {}
    for s in "ED":
        f = fmt[s]
        calls[f"A{s}"] = lambda a, b, eu, sg, f=f: hfp.add(f, a, b, underflow_mask=eu,
                                                          significance_mask=sg)
        calls[f"S{s}"] = lambda a, b, eu, sg, f=f: hfp.subtract(f, a, b, underflow_mask=eu,
                                                               significance_mask=sg)
        calls[f"C{s}"] = lambda a, b, eu, sg, f=f: hfp.compare(f, a, b)
        calls[f"D{s}"] = lambda a, b, eu, sg, f=f: hfp.divide(f, a, b, underflow_mask=eu)
        calls[f"H{s}"] = lambda a, eu, sg, f=f: hfp.halve(f, a, underflow_mask=eu)
        calls[f"LP{s}"] = lambda a, eu, sg, f=f: hfp.load_positive(f, a)
        calls[f"LN{s}"] = lambda a, eu, sg, f=f: hfp.load_negative(f, a)
        calls[f"LC{s}"] = lambda a, eu, sg, f=f: hfp.load_complement(f, a)
        calls[f"LT{s}"] = lambda a, eu, sg, f=f: hfp.load_and_test(f, a)
    for s in "UW":
        f = fmt[s]
        calls[f"A{s}"] = lambda a, b, eu, sg, f=f: hfp.add_unnormalized(f, a, b,
                                                                       significance_mask=sg)
        calls[f"S{s}"] = lambda a, b, eu, sg, f=f: hfp.subtract_unnormalized(
            f, a, b, significance_mask=sg)
    x = hfp.EXTENDED
    calls["AX"] = lambda a, b, eu, sg: hfp.add(x, a, b, underflow_mask=eu, significance_mask=sg)
    calls["SX"] = lambda a, b, eu, sg: hfp.subtract(x, a, b, underflow_mask=eu,
                                                    significance_mask=sg)
    calls["LRE"] = lambda a, eu, sg: hfp.load_rounded(hfp.LONG, a)
    calls["LRD"] = lambda a, eu, sg: hfp.load_rounded(hfp.EXTENDED, a)
    calls["ME"] = lambda a, b, eu, sg: hfp.multiply(hfp.SHORT, hfp.LONG, a, b, underflow_mask=eu)
    calls["MD"] = lambda a, b, eu, sg: hfp.multiply(hfp.LONG, hfp.LONG, a, b, underflow_mask=eu)
    calls["MXD"] = lambda a, b, eu, sg: hfp.multiply(hfp.LONG, x, a, b, underflow_mask=eu)
    calls["MX"] = lambda a, b, eu, sg: hfp.multiply(x, x, a, b, underflow_mask=eu)
    return calls[m]


MNEMONICS = sorted(model.INSTRUCTIONS)


@pytest.mark.parametrize("mnemonic", MNEMONICS)
@settings(max_examples=300, deadline=None)
@given(data=st.data(), eu=st.booleans(), sg=st.booleans())
def test_the_library_agrees_with_the_model(mnemonic, data, eu, sg):
    instruction = model.INSTRUCTIONS[mnemonic]
    operands = [data.draw(operand(BITS[f]), label=f"op{i + 1}")
                for i, f in enumerate(instruction.operands)]
    expected = instruction(*operands, eu_mask=eu, sg_mask=sg)
    got = library_call(mnemonic)(*operands, eu, sg)
    if instruction.result is None:      # COMPARE: a condition code only
        assert got == expected.cc
        return
    assert isinstance(got, hfp.Result)
    assert (got.value, got.cc, got.interruption) == (expected.bits, expected.cc, expected.code)
