"""Instructions and state values.

- ``instructions(mnemonic=None, layout=None, floating_point=None)``: the bytes of
  one instruction of the opcode table, fields drawn (``mnemonic``, ``layout`` or
  ``floating_point`` narrows the rows).  A floating-point instruction's register
  fields come from ``float_registers`` (now and then an invalid one), and its
  storage operand is most often in the floating-point data at ``FLOAT_DATA``.
- ``float_registers(extended=None)``: a floating-point register field: 0, 2, 4, 6
  (0 or 4 for an extended pair), now and then any of 0-15.
- ``float_values()``: the 64 bits of a floating-point register or long operand:
  normalized and unnormalized numbers, the extreme characteristics, zero fractions
  of either sign, any bits.
- ``psw_values(ec=None, problem=None, wait=None, dat=None, valid=None,
  address=None)``: a PSW as a 64-bit integer, BC or EC mode; ``valid=False`` draws an
  EC-mode PSW with a one in a bit that must be zero.
- ``control_register_values(index=None)``: a value for control register ``index``
  from the architecture's meaningful bits (``CR_POOLS``: subclass masks, key masks,
  PER controls).
- ``storage_keys(blocks=None)``: a storage-key map, one key byte per 2K block (the
  form ISK gives: access control, fetch protection, reference, change, 0).

``PROGRAM_STORAGE`` is the storage every generated program is written for;
``FLOAT_DATA`` is where a generated program keeps ``FLOAT_DOUBLEWORDS`` doublewords of
floating-point operands (its floating-point registers are loaded from the first four
at its start).
"""

from __future__ import annotations

from hypothesis import strategies as st

from reference.arch import opcodes
from reference.arch.psw import EC_MUST_BE_ZERO, PSW

K = 1024
PROGRAM_STORAGE = 64 * K   # the storage a guest program is written for
FLOAT_DATA = 0xC00         # floating-point operands of a generated program ...
FLOAT_DOUBLEWORDS = 16     # ... this many doublewords, X'C00'-X'C7F'
# The floating-point instructions whose first (R1) or second (R2) operand is an
# extended pair (GA22-7000 ch.9 "Extended Operands": register 0 or 4).
EXTENDED_R1 = frozenset({"AXR", "SXR", "MXR", "MXDR", "MXD"})
EXTENDED_R2 = frozenset({"AXR", "SXR", "MXR", "LRDR"})

# Control-register values, by register: CR0 subclass masks, SSM suppression (bit 1),
# low-address protection (3), extraction authority (4); CR3 PSW-key masks; CR8
# monitor masks; CR9 PER events and register masks; CR10-11 PER ranges; CR14.
CR_POOLS = {0: [0x000000E0, 0x00000400, 0x00000800, 0x00000C80, 0x000064E0, 0x40000C00,
                0x10000400, 0x08000000, 0x480000E0],
            3: [0x80000000, 0x90000000, 0xFFFF0000, 0x40000000],
            8: [0x0000FFFF, 0x00000400, 0x00008000],
            9: [0x40000000, 0x80000000, 0x20000000, 0x1000FFFF, 0xF000FFFF, 0x50008000],
            10: [0x400, 0x900, 0x420, 0xFFFFFF, 0, 0],
            11: [0x7FF, 0x9FF, 0x410, 0xFFFFFF, 0x100],
            14: [0xC2000000, 0x42000000]}


def hex_term(value: int, digits: int) -> str:
    """An assembler hexadecimal self-defining term of ``digits`` digits: X'...'."""
    return f"X'{value:0{digits}X}'"


_FIELD_WIDTHS = {
    "RR": (4, 4), "RRE": (4, 4), "RX": (4, 4, 4, 12), "RS": (4, 4, 4, 12),
    "SI": (8, 4, 12), "S": (4, 12), "SS": (8, 4, 12, 4, 12),
    "SS2": (4, 4, 4, 12, 4, 12), "SSE": (4, 12, 4, 12),
}


def float_registers(extended: bool | None = None) -> st.SearchStrategy[int]:
    """A floating-point register field (GA22-7000 ch.9 "Floating-Point Registers"):
    0, 2, 4 or 6, or with ``extended`` 0 or 4 (a pair); one time in eight any of
    0-15, mostly invalid (a specification exception).  ``extended`` None: either."""
    if extended is None:
        return st.booleans().flatmap(float_registers)
    valid = [0, 4] if extended else [0, 2, 4, 6]
    return st.integers(0, 7).flatmap(
        lambda k: st.integers(0, 15) if k == 0 else st.sampled_from(valid))


_FRACTIONS = [0, 1, 0x10000000000000, 0x10000000000001, 0x80000000000000,
              0xFFFFFFFFFFFFFF, 0xFFFFFF00000000, 0xFFFFFF80000000, 0x0FFFFFFFFFFFFF,
              0x00000100000000, 0x00000080000000]
_CHARACTERISTICS = [0x00, 0x01, 0x0D, 0x0E, 0x0F, 0x3F, 0x40, 0x41, 0x42, 0x71, 0x72,
                    0x7E, 0x7F]


@st.composite
def float_values(draw: st.DrawFn) -> int:
    """The 64 bits of a floating-point register or long operand (a short operand
    is its leftmost 32 bits; an extended one two of them): a sign, a
    characteristic (the extremes and the neighbourhood of 64 often) and a 56-bit
    fraction that is normalized, unnormalized, zero or one of a few edge patterns
    (all ones, a lone one bit, the rounding bit of LOAD ROUNDED); one time in
    eight any 64 bits."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.integers(0, (1 << 64) - 1))
    sign = draw(st.booleans())
    characteristic = draw(st.one_of(st.sampled_from(_CHARACTERISTICS), st.integers(0, 127)))
    fraction = draw(st.one_of(
        st.integers(1 << 52, (1 << 56) - 1),                      # normalized
        st.integers(1 << 52, (1 << 56) - 1),
        st.integers(0, (1 << 52) - 1),                            # unnormalized
        st.integers(1 << 28, (1 << 32) - 1).map(lambda f: f << 24),   # short, normalized
        st.sampled_from(_FRACTIONS)))
    return (sign << 63) | (characteristic << 56) | fraction


def _float_fields(draw: st.DrawFn, row: opcodes.Instruction) -> tuple[int, ...]:
    """The fields of a floating-point instruction: register fields from
    ``float_registers``; an RX storage operand most often in the data at
    ``FLOAT_DATA`` (at any byte, X2 and B2 zero), otherwise any fields."""
    r1 = draw(float_registers(row.mnemonic in EXTENDED_R1))
    if row.layout == "RR":
        return r1, draw(float_registers(row.mnemonic in EXTENDED_R2))
    if draw(st.integers(0, 3)):
        return r1, 0, 0, FLOAT_DATA + draw(st.integers(0, 8 * FLOAT_DOUBLEWORDS - 8))
    return (r1,) + tuple(draw(st.integers(0, (1 << w) - 1)) for w in (4, 4, 12))


@st.composite
def instructions(draw: st.DrawFn, mnemonic: str | None = None,
                 layout: str | None = None, floating_point: bool | None = None) -> bytes:
    """The bytes of one instruction of the opcode table, its fields drawn
    (``floating_point``: only the rows of the floating-point facility, or none of
    them; None: any row)."""
    rows = [r for r in opcodes.TABLE
            if (mnemonic is None or r.mnemonic == mnemonic)
            and (layout is None or r.layout == layout)
            and (floating_point is None or r.floating_point == floating_point)]
    if not rows:
        raise ValueError(f"no opcode-table row for mnemonic={mnemonic!r} layout={layout!r} "
                         f"floating_point={floating_point!r}")
    row = draw(st.sampled_from(rows))
    if row.floating_point:
        return opcodes.encode(row, _float_fields(draw, row))
    fields = tuple(draw(st.integers(0, (1 << w) - 1)) for w in _FIELD_WIDTHS[row.layout])
    return opcodes.encode(row, fields)


@st.composite
def psw_values(draw: st.DrawFn, ec: bool | None = None, problem: bool | None = None,
               wait: bool | None = None, dat: bool | None = None, valid: bool | None = None,
               address: int | None = None) -> int:
    """A PSW as a 64-bit integer (GA22-7000 ch.4 formats)."""
    if valid is False:
        if ec is False:
            raise ValueError("a BC-mode PSW has no bits that must be zero")
        ec = True
    if ec is None:
        ec = draw(st.booleans())
    if valid is None:
        valid = True if not ec else draw(st.integers(0, 9)) > 0
    if dat is None:
        dat = draw(st.booleans()) if ec else False
    mask = draw(st.integers(0, 255))
    if ec:
        mask = (mask & 0x43) | (0x04 if dat else 0)
    p = PSW(system_mask=mask, key=draw(st.integers(0, 15)), ec=ec,
            machine_check=draw(st.booleans()),
            wait=draw(st.booleans()) if wait is None else wait,
            problem=draw(st.booleans()) if problem is None else problem,
            secondary=ec and draw(st.booleans()),
            interruption_code=0 if ec else draw(st.integers(0, 0xFFFF)),
            ilc=0 if ec else draw(st.integers(0, 3)),
            cc=draw(st.integers(0, 3)), program_mask=draw(st.integers(0, 15)),
            address=(draw(st.integers(0, 0x7FFFFF)) * 2) if address is None else address)
    value = p.to_int()
    if ec and not valid:
        bits = [b for b in range(64) if EC_MUST_BE_ZERO >> b & 1]
        value |= 1 << draw(st.sampled_from(bits))
    return value


def control_register_values(index: int | None = None) -> st.SearchStrategy[int]:
    """Values for a control register, from its architected bits (CR_POOLS), with
    zero, all ones and arbitrary values mixed in."""
    pools = st.sampled_from(sorted(CR_POOLS)) if index is None else st.just(index)
    return pools.flatmap(lambda i: st.one_of(st.sampled_from(CR_POOLS.get(i, [0]) + [0]),
                                             st.just(0xFFFFFFFF),
                                             st.integers(0, 0xFFFFFFFF)))


def storage_keys(blocks: int | None = None) -> st.SearchStrategy[bytes]:
    """A storage-key map: one key byte (bit 7 zero) per 2K block."""
    count = st.integers(1, PROGRAM_STORAGE >> 11) if blocks is None else st.just(blocks)
    return count.flatmap(lambda n: st.lists(st.integers(0, 127).map(lambda k: k << 1),
                                            min_size=n, max_size=n).map(bytes))
