"""The floating-point facility against Hercules 3.13: single-instruction cases.

Theory of operation
-------------------
``generate`` makes deterministic cases (a seeded ``random.Random``): for every one of
the 51 floating-point instructions of the opcode table (``row.floating_point``) the
same number of cases, each with the four floating-point registers, the storage
operand (RX forms), the condition code and the program mask to start from.  Operands
lean on the edges of GA22-7000 ch.9: zero fractions of either sign and any
characteristic, true zero, unnormalized fractions, characteristics 0, 1, X'40', X'7E',
X'7F', all-ones fractions, a single nonzero digit at either end, extended operands
whose low-order sign and characteristic are arbitrary (ignored), operand pairs that
cancel (significance), carry out (overflow), go below characteristic zero
(underflow), a zero divisor, characteristics that differ by up to the fraction's
length plus two (the guard digit), LOAD ROUNDED operands at the rounding bit and the
carry out, unaligned and indexed storage operands, operands beyond storage
(addressing) and invalid register fields (specification, one case in ten).  The four
settings of the two floating-point mask bits (exponent underflow, significance) take
turns, the two other program-mask bits and the starting condition code are random.

``build`` assembles one S/370 program (the project's assembler) that runs a batch of
cases in sequence.  Each case has a record of ``RECORD`` bytes (R10 points to it):

====  =========================================================================
+0    the four floating-point registers to load (0, 2, 4, 6)
+32   the word for SET PROGRAM MASK: condition code and program mask
+36   R11, the index register of RX forms whose X2 is 11 (X'E00000': an operand
      beyond storage, an addressing exception)
+40   16 bytes holding the storage operand at +40+offset (offset 0-7); STD and
      STE store there
+56   the four registers after the instruction (STD 0, 2, 4, 6)
+88   R14 from BALR 14,0 after the instruction: ILC, condition code, program mask
+96   the program old PSW (BC mode) if the instruction caused a program
      interruption, else zeros
====  =========================================================================

The code of a case: LD 0-6 from the record, L 1, L 11, SPM 1, the instruction under
test (RX forms address the operand as D(0,10) or D(11,10)), BALR 14,0, ST 14,
STD 0-6, LA 10 to the next record.  The program-check new PSW (BC mode) leads to a
handler that copies the old PSW into the record and resumes with LPSW of the old PSW,
at the BALR, with the condition code and program mask the interruption left.  After
the last case the program loads a disabled-wait PSW.

The same image runs on the reference (``reference.session.start_machine``) and on
Hercules (``conformance.hercules.Hercules.run``, the record area read back with
``savecore``; the panel's ``fpr`` must show the last case's registers), and
``differences`` lists, case by case, every field that differs: the
registers, the condition code (and program mask) after the instruction, the
interruption code (and the rest of the old PSW: ILC, condition code, address) and the
storage operand.

Differences decided as Hercules departing from the Principles of Operation are
``KNOWN`` (docs/hercules-differences.md, the "H" entries): for each, a model, derived
from Hercules' source, that names the cases it affects and gives Hercules' outcome
there.  ``classify`` checks every case: one that agrees is ``agree``; one a known
difference covers must show exactly what that entry's model predicts for Hercules
(``known``); anything else is ``differ``.  The test (tests/test_hercules_float.py)
wants no ``differ``, and every entry still seen at least once.

``python -m conformance.hercules_float`` runs the cases and prints the figures, per
instruction, and every case that differs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reference.arch import hfp, opcodes
from reference.asm.assembler import assemble
from reference.session import start_machine

from . import hercules as H

RECORD = 112
SEED = 370
CASES_PER_OPCODE = 120          # 51 instructions: 6,120 cases
BATCH = 1024                    # cases per program
STORAGE = H.STORAGE_SIZE

FPRS = tuple[int, int, int, int]
FP_ROWS = tuple(r for r in opcodes.TABLE if r.floating_point)

# The operands of each instruction: (first-operand format, second-operand format,
# R1 field kind, R2 field kind), a field kind being "r" (0, 2, 4, 6), "x" (an
# extended pair, 0 or 4) or "m" (storage, RX).  The first operand's format is the
# one held in R1 before the instruction (None: R1 is only a result).
S, L, X = hfp.SHORT, hfp.LONG, hfp.EXTENDED


def _shape(row: opcodes.Instruction) -> tuple[hfp.Format | None, hfp.Format, str, str]:
    m = row.mnemonic
    rx = row.layout == "RX"
    second = "m" if rx else "r"
    if m in ("MXR", "AXR", "SXR"):
        return X, X, "x", "x"
    if m == "MXDR":
        return L, L, "x", "r"
    if m == "MXD":
        return L, L, "x", "m"
    if m == "LRDR":
        return None, X, "r", "x"
    if m == "LRER":
        return None, L, "r", "r"
    short = m in ("STE", "LE", "CE", "AE", "SE", "ME", "DE", "AU", "SU") or (
        not rx and 0x30 <= row.opcode <= 0x3F)
    fmt = S if short else L
    unary = m[:2] in ("LP", "LN", "LT", "LC") or m in ("HDR", "HER", "LDR", "LER", "LD", "LE")
    if m in ("STD", "STE"):
        return fmt, fmt, "r", "m"
    return (None if unary else fmt), fmt, "r", second


def _category(mnemonic: str) -> str:
    if mnemonic in ("STD", "STE"):
        return "store"
    if mnemonic.startswith("L") and mnemonic not in ("LRDR", "LRER"):
        return "load"                       # LOAD, LOAD POSITIVE/NEGATIVE/AND TEST/COMPLEMENT
    if mnemonic in ("LRDR", "LRER"):
        return "round"
    if mnemonic in ("HDR", "HER"):
        return "halve"
    if mnemonic[0] == "M":
        return "multiply"
    if mnemonic[0] == "D":
        return "divide"
    if mnemonic[0] == "C":
        return "compare"
    if mnemonic[:2] in ("AU", "AW", "SU", "SW"):
        return "unnormalized"
    return "add"


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One instruction and the state it starts from."""

    number: int
    mnemonic: str
    r1: int
    r2: int                     # RR: the R2 field; RX: 0 (X2 is 0, B2 is 10)
    fpr: FPRS
    operand: bytes              # RX: the storage operand (4 or 8 bytes), else empty
    offset: int                 # RX: the operand's offset in its 16-byte slot
    cc: int
    mask: int                   # the 4-bit program mask
    index: int | None = None    # RX: R11's value when X2 is 11 (None: X2 is 0)

    @property
    def row(self) -> opcodes.Instruction:
        return opcodes.BY_MNEMONIC[self.mnemonic]

    @property
    def text(self) -> str:
        """The instruction as the assembler reads it."""
        if self.row.layout == "RX":
            x2 = 0 if self.index is None else 11
            return f"{self.mnemonic} {self.r1},{40 + self.offset}({x2},10)"
        return f"{self.mnemonic} {self.r1},{self.r2}"

    def describe(self) -> str:
        regs = " ".join(f"F{2 * i}={v:016X}" for i, v in enumerate(self.fpr))
        op = f" operand={self.operand.hex().upper()}@+{self.offset}" if self.operand else ""
        if self.index is not None:
            op += f" R11={self.index:08X}"
        return (f"case {self.number}: {self.text}  {regs}{op}  cc={self.cc} "
                f"mask={self.mask:X}")


_EDGE_CHARACTERISTICS = (0x00, 0x01, 0x02, 0x0F, 0x3F, 0x40, 0x41, 0x70, 0x7E, 0x7F)


def _characteristic(rng: random.Random) -> int:
    if rng.random() < 0.4:
        return rng.choice(_EDGE_CHARACTERISTICS)
    return rng.randrange(128)


def _fraction(rng: random.Random, digits: int) -> int:
    """A fraction of ``digits`` hexadecimal digits, edges favoured."""
    top = 16 ** digits
    kind = rng.random()
    if kind < 0.08:
        return 0
    if kind < 0.16:
        return top - 1                                  # all ones
    if kind < 0.22:
        return rng.randrange(1, 16) << (4 * (digits - 1))   # one leading digit
    if kind < 0.27:
        return rng.randrange(1, 16)                     # one trailing digit
    if kind < 0.33:
        return (top >> 4) + rng.randrange(top >> 4) if rng.random() < 0.5 else top >> 4
    if kind < 0.55:                                     # unnormalized
        zeros = rng.randrange(1, digits)
        return rng.randrange(1, 16 ** (digits - zeros))
    return rng.randrange(top >> 4, top)                 # normalized


def _number(rng: random.Random, fmt: hfp.Format, *, characteristic: int | None = None,
            fraction: int | None = None, sign: int | None = None) -> int:
    """An image: random fields unless given.  An extended image gets a low-order
    sign and characteristic that are usually arbitrary (the architecture ignores
    them) and sometimes the ones a result would have."""
    s = rng.randrange(2) if sign is None else sign
    c = _characteristic(rng) if characteristic is None else characteristic
    f = _fraction(rng, fmt.digits) if fraction is None else fraction
    if fmt is not X:
        return (s << (fmt.bits - 1)) | (c << (fmt.bits - 8)) | f
    high = (s << 63) | (c << 56) | (f >> 56)
    if rng.random() < 0.6:
        low_head = rng.randrange(256)
    else:
        low_head = (s << 7) | ((c - 14) % 128)
    return (high << 64) | (low_head << 56) | (f & ((1 << 56) - 1))


def _fields(fmt: hfp.Format, value: int) -> tuple[int, int, int]:
    n = hfp.unpack(fmt, value)
    return n.sign, n.characteristic, n.fraction


def _pair(rng: random.Random, fmt: hfp.Format, category: str) -> tuple[int, int]:
    """First and second operands for a two-operand instruction."""
    a = _number(rng, fmt)
    sa, ca, fa = _fields(fmt, a)
    digits = fmt.digits
    top = 16 ** digits
    kind = rng.random()
    if category in ("add", "unnormalized", "compare"):
        if kind < 0.15:             # the same magnitude: a - a, a + (-a)
            if rng.random() < 0.5:      # at characteristic 0: a zero sum is a true zero
                ca = 0
                a = _number(rng, fmt, characteristic=0, fraction=fa, sign=sa)
            return a, _number(rng, fmt, characteristic=ca, fraction=fa, sign=rng.randrange(2))
        if kind < 0.30:             # nearly equal, opposite effective signs: cancellation
            f = max(0, min(top - 1, fa + rng.randrange(-17, 18)))
            return a, _number(rng, fmt, characteristic=ca, fraction=f)
        if kind < 0.55:             # characteristics close: the guard digit
            c = max(0, min(127, ca + rng.randrange(-(digits + 2), digits + 3)))
            return a, _number(rng, fmt, characteristic=c)
        if kind < 0.65:             # overflow: carry out at characteristic X'7F'
            a = _number(rng, fmt, characteristic=0x7F, fraction=rng.randrange(top >> 1, top))
            return a, _number(rng, fmt, characteristic=0x7F, sign=_fields(fmt, a)[0],
                              fraction=rng.randrange(top >> 1, top))
        if kind < 0.75:             # underflow: cancellation near characteristic zero
            c = rng.randrange(0, 3)
            f = rng.randrange(top >> 4, top)
            a = _number(rng, fmt, characteristic=c, fraction=f)
            g = max(0, min(top - 1, f + rng.randrange(-300, 300)))
            return a, _number(rng, fmt, characteristic=c, fraction=g)
        return a, _number(rng, fmt)
    if category == "multiply":
        if kind < 0.2:              # overflow
            return (_number(rng, fmt, characteristic=rng.randrange(0x60, 0x80)),
                    _number(rng, fmt, characteristic=rng.randrange(0x60, 0x80)))
        if kind < 0.4:              # underflow
            return (_number(rng, fmt, characteristic=rng.randrange(0, 0x21)),
                    _number(rng, fmt, characteristic=rng.randrange(0, 0x21)))
        if kind < 0.5:              # near the boundaries
            c = rng.choice((0x20, 0x21, 0x60, 0x5F, 0x40, 0x41))
            return a, _number(rng, fmt, characteristic=(0x80 - c + rng.randrange(-1, 2)) % 128)
        return a, _number(rng, fmt)
    if category == "divide":
        if kind < 0.15:             # zero divisor
            return a, _number(rng, fmt, fraction=0)
        if kind < 0.3:              # overflow
            return (_number(rng, fmt, characteristic=rng.randrange(0x60, 0x80)),
                    _number(rng, fmt, characteristic=rng.randrange(0, 0x20)))
        if kind < 0.45:             # underflow
            return (_number(rng, fmt, characteristic=rng.randrange(0, 0x20)),
                    _number(rng, fmt, characteristic=rng.randrange(0x60, 0x80)))
        if kind < 0.55:             # equal fractions, dividend fraction >= divisor's
            return a, _number(rng, fmt, fraction=fa)
        return a, _number(rng, fmt)
    raise ValueError(category)


def _single(rng: random.Random, fmt: hfp.Format, category: str) -> int:
    """The one operand of LOAD, LOAD ROUNDED, HALVE and the sign loads."""
    digits = fmt.digits
    top = 16 ** digits
    kind = rng.random()
    if category == "round" and kind < 0.35:
        # The rounding position and the carry out of the fraction.
        target = 6 if fmt is L else 14
        keep = rng.choice((top - 1, (16 ** target - 1) << (4 * (digits - target)),
                           rng.randrange(top)))
        f = keep & ~(1 << (4 * (digits - target) - rng.randrange(1, 9)))
        f = rng.choice((keep, f, rng.randrange(top >> 4, top)))
        return _number(rng, fmt, characteristic=rng.choice((0x7F, 0x7E, 0, 0x40,
                                                            _characteristic(rng))), fraction=f)
    if category == "halve" and kind < 0.3:
        return _number(rng, fmt, characteristic=rng.choice((0, 1, 2)),
                       fraction=rng.randrange(1, top))
    return _number(rng, fmt)


_VALID = {"r": (0, 2, 4, 6), "x": (0, 4)}
BEYOND_STORAGE = 0x00E00000     # R11 for an operand beyond storage: R10 + X'E00000'



def _register(rng: random.Random, kind: str, invalid: bool) -> int:
    if invalid:
        return rng.choice([r for r in range(16) if r not in _VALID[kind]])
    return rng.choice(_VALID[kind])


def _four(values: list[int]) -> FPRS:
    a, b, c, d = values
    return a, b, c, d


def registers_valid(case: Case) -> bool:
    """Whether the case's register fields are valid (else: specification)."""
    _, _, k1, k2 = _shape(case.row)
    return case.r1 in _VALID[k1] and (k2 == "m" or case.r2 in _VALID[k2])


def _place(fpr: list[int], fmt: hfp.Format, r: int, value: int) -> None:
    if fmt is S:
        fpr[r >> 1] = (value << 32) | (fpr[r >> 1] & 0xFFFFFFFF)
    elif fmt is L:
        fpr[r >> 1] = value
    else:
        fpr[r >> 1] = value >> 64
        fpr[(r >> 1) + 1] = value & 0xFFFFFFFFFFFFFFFF


def make_case(rng: random.Random, index: int, row: opcodes.Instruction, fp_mask: int,
              bad: int = 0, beyond: bool = False) -> Case:
    """One case of instruction ``row`` with the floating-point mask bits ``fp_mask``;
    ``bad`` 1 or 2: an invalid R1 or R2 field (an RX form: R1); ``beyond``: an RX
    operand beyond storage."""
    first_fmt, second_fmt, k1, k2 = _shape(row)
    category = _category(row.mnemonic)
    invalid = bad != 0
    bad1 = bad == 1 or (bad == 2 and k2 == "m")
    bad2 = invalid and not bad1
    r1 = _register(rng, k1, bad1)
    r2 = 0 if k2 == "m" else _register(rng, k2, bad2)
    if not invalid and k2 != "m" and rng.random() < 0.15 and r1 in _VALID[k2]:
        r2 = r1                     # the same register for both operands
    fpr = [_number(rng, L) if rng.random() < 0.7 else rng.getrandbits(64) for _ in range(4)]
    if category in ("store", "load", "round", "halve"):
        a = None
        b = _single(rng, second_fmt, category)
    else:
        a, b = _pair(rng, second_fmt, category)
    if category == "store":
        a, b = b, rng.getrandbits(second_fmt.bits)      # R1 is stored over random bytes
    if not invalid:
        if a is not None and first_fmt is not None:
            _place(fpr, first_fmt, r1, a)
        if k2 != "m":
            _place(fpr, second_fmt, r2, b)
    operand = b""
    offset = 0
    x = None
    if k2 == "m":
        operand = b.to_bytes(second_fmt.bits // 8, "big")
        offset = rng.randrange(1, 8) if rng.random() < 0.2 else 0
        if beyond:                  # beyond the 2M of storage: addressing (code 5)
            x = BEYOND_STORAGE
        elif rng.random() < 0.3:    # indexed, R11 zero
            x = 0
    mask = fp_mask | (rng.randrange(4) << 2)
    return Case(index, row.mnemonic, r1, r2, _four(fpr), operand, offset,
                rng.randrange(4), mask, x)


def generate(seed: int = SEED, per_opcode: int = CASES_PER_OPCODE) -> list[Case]:
    """``per_opcode`` cases of each of the 51 instructions, interleaved; for every
    instruction the four settings of the floating-point mask bits take turns, one
    case in ten has an invalid register field (R1 and R2 by turns), and one RX case
    in twenty an operand beyond storage."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for i in range(per_opcode):
        bad = {3: 1, 8: 2}.get(i % 10, 0)
        for row in FP_ROWS:
            cases.append(make_case(rng, len(cases), row, i % 4, bad, i % 20 == 14))
    return cases


# ---------------------------------------------------------------------------
# The program
# ---------------------------------------------------------------------------
_HEAD = """\
FLOATCAS START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   FLOATCAS+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW (BC mode)
         ORG   FLOATCAS+X'200'
PGMCHK   MVC   96(8,10),40(0)          the old PSW into the case's record
         LPSW  40(0)                   resume at the BALR after the instruction
BEGIN    BALR  12,0
         USING *,12
         L     10,RECA                 R10: the first record
         B     GO
         DS    0F
RECA     DC    A(RECORDS)
DONE     DC    X'0002000000000000'     disabled wait
GO       DS    0H
"""

_CASE = """\
         LD    0,0(0,10)
         LD    2,8(0,10)
         LD    4,16(0,10)
         LD    6,24(0,10)
         L     1,32(0,10)
         L     11,36(0,10)
         SPM   1
         {text}
         BALR  14,0
         ST    14,88(0,10)
         STD   0,56(0,10)
         STD   2,64(0,10)
         STD   4,72(0,10)
         STD   6,80(0,10)
         LA    10,{record}(0,10)
"""

_TAIL = """\
         LPSW  DONE
         DROP  12
         DS    0D
RECORDS  DS    0D
         END
"""


def record(case: Case) -> bytes:
    """The input part of the case's record (the rest is zero)."""
    rec = bytearray(RECORD)
    for i, v in enumerate(case.fpr):
        rec[8 * i:8 * i + 8] = v.to_bytes(8, "big")
    rec[32:36] = ((case.cc << 28) | (case.mask << 24)).to_bytes(4, "big")
    rec[36:40] = (case.index or 0).to_bytes(4, "big")
    rec[40 + case.offset:40 + case.offset + len(case.operand)] = case.operand
    return bytes(rec)


@dataclass
class Batch:
    cases: list[Case]
    image: bytes
    records: int                # address of the first record

    @property
    def first(self) -> int:
        return self.records

    @property
    def last(self) -> int:
        return self.records + RECORD * len(self.cases) - 1


def build(cases: list[Case]) -> Batch:
    source = _HEAD + "".join(_CASE.format(text=c.text, record=RECORD) for c in cases) + _TAIL
    result = assemble(source, "hercules_float")
    records = result.symbols["RECORDS"]
    records = records.value if hasattr(records, "value") else int(records)
    image = bytearray(result.image)
    image[records:] = b"".join(record(c) for c in cases)
    if len(image) > H.KEY_RESET_AT:
        raise ValueError(f"{len(cases)} cases do not fit below X'{H.KEY_RESET_AT:X}'")
    return Batch(cases, bytes(image), records)


def batches(cases: list[Case], size: int = BATCH) -> list[Batch]:
    return [build(cases[i:i + size]) for i in range(0, len(cases), size)]


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What one case left: the registers, R14's top byte (ILC 1, the condition code,
    the program mask), the program old PSW (zero: no interruption) and the operand
    slot."""

    fpr: FPRS
    balr: int
    old_psw: int
    slot: bytes

    @property
    def cc(self) -> int:
        return (self.balr >> 4) & 3

    @property
    def code(self) -> int:
        return (self.old_psw >> 32) & 0xFFFF


def outcomes(batch: Batch, data: bytes) -> list[Outcome]:
    out = []
    for i in range(len(batch.cases)):
        rec = data[RECORD * i:RECORD * (i + 1)]
        out.append(Outcome(
            _four([int.from_bytes(rec[o:o + 8], "big") for o in (56, 64, 72, 80)]),
            rec[88], int.from_bytes(rec[96:104], "big"), bytes(rec[40:56])))
    return out


def steps(batch: Batch) -> int:
    return 20 * len(batch.cases) + 100


def run_reference(batch: Batch) -> tuple[str, list[Outcome]]:
    m = start_machine(batch.image, STORAGE, "hercules_float")
    stopped = m.run(steps(batch))
    return stopped, outcomes(batch, bytes(m.mem[batch.first:batch.last + 1]))


def run_hercules(herc: H.Hercules, batch: Batch, timeout: float = 30.0
                 ) -> tuple[str, list[Outcome], tuple[int, ...]]:
    """The batch on Hercules: its stop, the outcomes and the floating-point registers
    the panel shows at the end (those of the last case)."""
    result = herc.run(batch.image, [(batch.first, batch.last)], timeout=timeout,
                      key_blocks=[])
    return (result.stopped, outcomes(batch, result.storage[(batch.first, batch.last)]),
            tuple(herc.fpr()))


def fields(o: Outcome) -> dict[str, int | bytes]:
    d: dict[str, int | bytes] = {f"F{2 * i}": v for i, v in enumerate(o.fpr)}
    d["cc/mask"] = o.balr
    d["old PSW"] = o.old_psw
    d["operand"] = o.slot
    return d


def differences(ref: Outcome, herc: Outcome) -> list[str]:
    out = []
    rf, hf = fields(ref), fields(herc)
    for k in rf:
        if rf[k] != hf[k]:
            out.append(f"{k}: reference {_show(k, rf[k])}, hercules {_show(k, hf[k])}")
    return out


def _show(name: str, value: int | bytes) -> str:
    if isinstance(value, bytes):
        return value.hex().upper()
    return f"{value:016X}" if name.startswith(("F", "old")) else f"{value:02X}"


# ---------------------------------------------------------------------------
# Known differences: Hercules 3.13 departing from the manual
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Known:
    """A documented difference (``entry`` of docs/hercules-differences.md):
    ``hercules`` gives, from a case and the reference's outcome, what Hercules does
    in that case when the difference affects it, else None."""

    entry: str
    what: str
    hercules: Callable[[Case, Outcome], Outcome | None]


def _extended_significance_true_zero(case: Case, ref: Outcome) -> Outcome | None:
    """H9: AXR and SXR with a zero result fraction, the significance mask one and an
    intermediate characteristic of zero: the result is sign plus, characteristic
    zero, fraction zero, a true zero, and the reference stores zeros in both
    registers of the pair.  Hercules' ``significance_ef`` (spinhawk float.c line
    1108) makes the low-order characteristic ``(expo - 14) & 0x7F``, X'72'."""
    if case.mnemonic not in ("AXR", "SXR") or ref.code != hfp.SIGNIFICANCE:
        return None
    high = case.r1 >> 1
    if ref.fpr[high] != 0 or ref.fpr[high + 1] != 0:
        return None
    fpr = list(ref.fpr)
    fpr[high + 1] = 0x72 << 56
    return replace(ref, fpr=_four(fpr))


KNOWN: tuple[Known, ...] = (
    Known("H9", "an extended true-zero result of a significance exception gets "
          "low-order characteristic X'72'", _extended_significance_true_zero),
)


@dataclass
class Report:
    """The figures of a run: cases that agree, cases a known difference explains
    (by entry), and a description of every other case."""

    agree: int = 0
    known: Counter[str] = field(default_factory=Counter)
    differ: list[str] = field(default_factory=list)
    per_opcode: dict[str, list[int]] = field(default_factory=dict)   # agree, known, run
    stops: list[str] = field(default_factory=list)

    @property
    def run(self) -> int:
        return sum(v[2] for v in self.per_opcode.values())


def predicted(case: Case, ref: Outcome) -> tuple[str, Outcome] | None:
    """The known difference that affects ``case``, and Hercules' outcome under it."""
    for k in KNOWN:
        out = k.hercules(case, ref)
        if out is not None and out != ref:
            return k.entry, out
    return None


def classify(report: Report, case: Case, ref: Outcome, herc: Outcome) -> str:
    """``agree``: the same outcome; ``known``: the outcome a known difference
    predicts for Hercules; ``differ``: anything else, including a case where a
    known difference predicts a difference and Hercules agrees with the
    reference (the entry no longer describes Hercules)."""
    tally = report.per_opcode.setdefault(case.mnemonic, [0, 0, 0])
    tally[2] += 1
    known = predicted(case, ref)
    if known is None and ref == herc:
        report.agree += 1
        tally[0] += 1
        return "agree"
    if known is not None and known[1] == herc:
        report.known[known[0]] += 1
        tally[1] += 1
        return "known"
    note = "" if known is None else (
        f"\n    ({known[0]} predicts for hercules: "
        + "; ".join(differences(ref, known[1])) + ")")
    report.differ.append(case.describe() + "\n    " + "\n    ".join(differences(ref, herc))
                         + note)
    return "differ"


def check(herc: H.Hercules, cases: list[Case], size: int = BATCH,
          report: Report | None = None) -> Report:
    report = report or Report()
    for batch in batches(cases, size):
        rstop, rout = run_reference(batch)
        hstop, hout, hfpr = run_hercules(herc, batch)
        if rstop != "disabled-wait" or hstop != "disabled-wait":
            report.stops.append(f"batch at case {batch.cases[0].number}: reference {rstop}, "
                                f"hercules {hstop}")
            continue
        if hfpr != hout[-1].fpr:
            report.stops.append(f"batch at case {batch.cases[0].number}: the panel's FPRs "
                                f"{[f'{v:016X}' for v in hfpr]} are not the last case's")
        for case, r, h in zip(batch.cases, rout, hout):
            classify(report, case, r, h)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-opcode", type=int, default=CASES_PER_OPCODE)
    parser.add_argument("--only", nargs="*", help="mnemonics to run")
    parser.add_argument("--max-shown", type=int, default=40)
    args = parser.parse_args(argv)
    cases = generate(args.seed, args.per_opcode)
    if args.only:
        cases = [c for c in cases if c.mnemonic in args.only]
    t0 = time.monotonic()
    with H.Hercules() as herc:
        report = check(herc, cases)
    for s in report.stops:
        print("STOP", s)
    for mnemonic, (agree, known, run) in sorted(report.per_opcode.items()):
        print(f"{mnemonic:5} {agree:5}/{run} agree, {known} known")
    for d in report.differ[:args.max_shown]:
        print("DIFFER", d)
    print(f"{report.agree}/{report.run} cases agree; known differences: "
          f"{dict(report.known)}; {len(report.differ)} differ "
          f"({time.monotonic() - t0:.1f} s)")
    return 0 if not report.differ and not report.stops else 1


if __name__ == "__main__":
    sys.exit(main())
