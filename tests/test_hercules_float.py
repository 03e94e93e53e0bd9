"""The floating-point facility against Hercules 3.13, one instruction at a time.

conformance/hercules_float.py generates 6,120 cases (120 of each of the 51
floating-point instructions: edge operands, invalid register fields, operands beyond
storage, the four settings of the exponent-underflow and significance mask bits),
runs them in six programs of 1,024 cases on the reference machine and on Hercules,
and compares each case: the four floating-point registers, the condition code and
program mask after the instruction, the program old PSW (interruption code, ILC) and
the storage operand.  A case that differs must be one a known difference of
docs/hercules-differences.md predicts, with exactly the outcome its model predicts
for Hercules, and every such entry must still show (strict).

Without Hercules the comparison is skipped; the checks of the generator, of the
reference's side of the programs and of the known-difference models still run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from conformance import hercules as H
from conformance import hercules_float as F

NEEDS_HERCULES = pytest.mark.skipif(H.hercules_executable() is None,
                                    reason="hercules is not on PATH")

CASES = F.generate()
MNEMONICS = [row.mnemonic for row in F.FP_ROWS]


@pytest.fixture(scope="module")
def hercules_process() -> Iterator[H.Hercules]:
    with H.Hercules() as herc:
        yield herc


@pytest.fixture(scope="module")
def report(hercules_process: H.Hercules) -> F.Report:
    return F.check(hercules_process, CASES)


# ---------------------------------------------------------------------------
# The comparison with Hercules
# ---------------------------------------------------------------------------
@pytest.mark.hercules
@NEEDS_HERCULES
def test_every_batch_ends_in_a_disabled_wait_on_both_machines(report: F.Report) -> None:
    assert report.stops == []
    assert report.run == len(CASES) >= 5000


@pytest.mark.hercules
@NEEDS_HERCULES
@pytest.mark.parametrize("mnemonic", MNEMONICS)
def test_instruction_agrees_with_hercules(report: F.Report, mnemonic: str) -> None:
    agree, known, run = report.per_opcode[mnemonic]
    assert run == F.CASES_PER_OPCODE
    mine = [d for d in report.differ if d.split(": ", 1)[1].startswith(mnemonic + " ")]
    assert not mine, (f"{mnemonic}: {len(mine)} of {run} cases differ from Hercules "
                      f"({agree} agree, {known} known):\n" + "\n".join(mine[:10]))
    assert agree + known == run


@pytest.mark.hercules
@NEEDS_HERCULES
@pytest.mark.parametrize("entry", [k.entry for k in F.KNOWN])
def test_known_difference_still_shows_on_hercules(report: F.Report, entry: str) -> None:
    # Strict: the generated cases include ones the entry affects, and Hercules did
    # there exactly what the entry's model says (else classify calls them differ).
    assert report.known[entry] > 0, f"{entry}: no case shows it any more"


@pytest.mark.hercules
@NEEDS_HERCULES
def test_harness_sees_a_wrong_condition_code(hercules_process: H.Hercules) -> None:
    # Two cases: ADR 0,2 of 1.0 + 1.0 (CC 2, R14 top byte X'60': ILC 1, CC 2, mask 0),
    # and DDR 0,2 by zero (X'0F', suppressed, CC 1 kept).  The reference's
    # outcomes, changed by hand, must differ from Hercules' in what was changed.
    one = 0x4110000000000000
    add = F.Case(0, "ADR", 0, 2, (one, one, 0, 0), b"", 0, 3, 0)
    div = F.Case(1, "DDR", 0, 2, (one, 0, 0, 0), b"", 0, 1, 3)
    batch = F.build([add, div])
    stopped, hout, panel = F.run_hercules(hercules_process, batch)
    assert stopped == "disabled-wait"
    assert hout[0].fpr[0] == 0x4120000000000000 and hout[0].cc == 2 and hout[0].code == 0
    assert hout[1].code == 0x0F and hout[1].cc == 1 and hout[1].fpr[0] == one
    assert panel == hout[1].fpr
    _, rout = F.run_reference(batch)
    assert rout == hout
    wrong = F.Outcome(rout[0].fpr, rout[0].balr ^ 0x30, rout[0].old_psw, rout[0].slot)
    assert F.differences(wrong, hout[0]) == ["cc/mask: reference 50, hercules 60"]


# ---------------------------------------------------------------------------
# The cases and the reference's side (no Hercules needed)
# ---------------------------------------------------------------------------
def test_cases_cover_every_instruction_masks_and_edges() -> None:
    assert len(F.FP_ROWS) == 51
    assert len(CASES) >= 5000
    per = Counter(c.mnemonic for c in CASES)
    assert set(per) == set(MNEMONICS)
    assert set(per.values()) == {F.CASES_PER_OPCODE}
    for mnemonic in MNEMONICS:
        mine = [c for c in CASES if c.mnemonic == mnemonic]
        assert {c.mask & 3 for c in mine} == {0, 1, 2, 3}, mnemonic
        assert not all(F.registers_valid(c) for c in mine), \
            f"{mnemonic}: no invalid register field"
    rx = [c for c in CASES if c.operand]
    assert any(c.offset for c in rx) and any(c.index == F.BEYOND_STORAGE for c in rx)


def test_generation_is_deterministic() -> None:
    assert F.generate() == CASES
    assert F.generate(seed=F.SEED + 1) != CASES


def test_the_reference_runs_every_program_and_meets_every_exception() -> None:
    codes: Counter[int] = Counter()
    for batch in F.batches(CASES):
        stopped, outcomes = F.run_reference(batch)
        assert stopped == "disabled-wait"
        codes.update(o.code for o in outcomes)
    # none, addressing, specification, exponent overflow and underflow, significance,
    # floating-point divide
    assert set(codes) == {0, 0x05, 0x06, 0x0C, 0x0D, 0x0E, 0x0F}
    assert min(codes.values()) >= 50


def test_h9_model_changes_only_a_true_zero_from_a_significance_exception() -> None:
    # SXR 4,4 with the significance mask one and characteristic 0: the reference
    # stores zeros in 4 and 6 (a true zero); Hercules X'72' in 6's characteristic.
    x = 0x0063390D5BD3E7BF
    case = F.Case(0, "SXR", 4, 4, (0, 0, x, 0x1234), b"", 0, 0, 1)
    [ref] = F.run_reference(F.build([case]))[1]
    assert ref.fpr[2:] == (0, 0) and ref.code == 0x0E
    known = F.predicted(case, ref)
    assert known is not None
    entry, herc = known
    assert entry == "H9" and herc.fpr == (0, 0, 0, 0x7200000000000000)
    # characteristic X'41': the low-order characteristic X'33' on both machines
    case41 = F.Case(0, "SXR", 4, 4, (0, 0, 0x4100000000000001, 0x1234), b"", 0, 0, 1)
    [ref41] = F.run_reference(F.build([case41]))[1]
    assert ref41.fpr[2:] == (0x4100000000000000, 0x3300000000000000)
    assert F.predicted(case41, ref41) is None
    # mask zero: a true zero without interruption on both
    case0 = F.Case(0, "SXR", 4, 4, (0, 0, x, 0x1234), b"", 0, 0, 0)
    [ref0] = F.run_reference(F.build([case0]))[1]
    assert ref0.code == 0 and F.predicted(case0, ref0) is None


def test_classify_wants_the_predicted_outcome_exactly() -> None:
    # SXR 0,0: a zero difference at characteristic 0, significance mask one
    case = F.Case(0, "SXR", 0, 0, (0x0063390D5BD3E7BF, 0, 0, 0), b"", 0, 0, 1)
    [ref] = F.run_reference(F.build([case]))[1]
    known = F.predicted(case, ref)
    assert known is not None
    herc = known[1]
    report = F.Report()
    assert F.classify(report, case, ref, herc) == "known"
    assert F.classify(report, case, ref, ref) == "differ"     # the entry no longer holds
    other = F.Outcome(herc.fpr, herc.balr ^ 0x10, herc.old_psw, herc.slot)
    assert F.classify(report, case, ref, other) == "differ"
    assert report.known == {"H9": 1} and len(report.differ) == 2
    assert "H9 predicts" in report.differ[0]
