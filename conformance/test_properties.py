"""Properties of the conformance suite (Hypothesis).

For every mode of the implementation under test (``--s370-impl``, ``--s370-mode``)
other than the reference's own native mode, a generated program must end in the
same state, with the same interruption sequence (class, code, ILC, old PSW), as on
the reference machine natively:

- ``test_guest_programs_run_as_on_the_reference_machine``: whole guest programs
  mixing privileged and general instructions with interruption handlers
  (``conformance.strategies.guest_programs``), from supervisor or problem state, BC
  or EC mode;
- ``test_any_instruction_runs_as_on_the_reference_machine``: one instruction of any
  format with random fields, between interruption handlers (the channel-I/O
  instructions included: without devices they answer CC 3 in both modes), from a
  random program mask and, where the implementation has the floating-point
  facility, random floating-point registers and operands
  (``test_floating_point_instructions_run_as_on_the_reference_machine`` draws the
  floating-point rows only).

Where the implementation lacks the floating-point facility (or, an adapter, does not
give the floating-point registers) the generated programs have no floating-point
instruction.  ``test_floating_point_instructions_end_in_an_architected_outcome`` is a
robustness property of every mode, the reference's native one included: a
floating-point instruction with random registers, operands and program mask ends in
the program's end or in one program interruption that the instruction can cause
(with the mask bit on for underflow and significance), never in a host error, and
changes no floating-point register it does not name.

For the reference implementation the mode compared is ``vmcp``: the VMCP's guest
must equal the native machine.  A failure prints the shrunk program as assembler
source, writes it to a file, and names the ``s370 compare`` command that reproduces
it.  ``test_the_property_finds_a_wrong_simulation`` shows that the property can fail:
against a VMCP whose SSM simulation is wrong, it finds a counterexample and shrinks
it to a short program.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, find, given, note, settings
from hypothesis import strategies as st

from reference.arch import opcodes
from reference.asm.assembler import assemble
from reference.machine.instructions import control
from reference.vm.simulate import SIMULATIONS, Simulation

from .comparison import STEPS, discrepancies
from .implementations import Implementation, Outcome, Reference
from .strategies import (
    EXTENDED_R1,
    FLOAT_DATA,
    FLOAT_DOUBLEWORDS,
    PROGRAM_STORAGE,
    dat_programs,
    float_values,
    guest_programs,
    instructions,
)

FAILURES = Path(tempfile.gettempdir()) / "s370-property-failures"


def _modes_to_compare(impl: Implementation, modes: tuple[str, ...]) -> list[str]:
    if isinstance(impl, Reference):
        return [m for m in modes if m != "native"]
    # The properties stop runs after a number of instructions and use 64K of
    # storage: an implementation that cannot do both is not compared here (its
    # generated-program comparison lives in tests/test_adapter.py).
    low, high = getattr(impl, "storage_range", (0, 1 << 24))
    if not getattr(impl, "step_limit", True) or not low <= PROGRAM_STORAGE <= high:
        pytest.skip(f"{impl.name} cannot run {PROGRAM_STORAGE // 1024}K programs to a "
                    f"step limit")
    return list(modes)


def _fail(source: str, diff: list[str], mode: str, command: str = "compare") -> None:
    FAILURES.mkdir(exist_ok=True)
    path = FAILURES / f"{hashlib.sha256(source.encode()).hexdigest()[:12]}.asm"
    path.write_text(source)
    pytest.fail("\n".join(diff + [f"program ({mode}): {path}",
                                  f"reproduce: s370 {command} {path} --storage 64K "
                                  f"--max-steps {STEPS}"]), pytrace=False)


def _check(source: str, impl: Implementation, modes: tuple[str, ...]) -> None:
    """The property for one generated program: in every mode compared, ``impl`` runs
    it as the reference machine does natively (a failure shows the program)."""
    note(source)
    for mode in _modes_to_compare(impl, modes):
        diff = discrepancies(source, impl, mode)
        if diff:
            _fail(source, diff, mode)


def has_floating_point(impl: Implementation) -> bool:
    """Whether the generated programs may use floating point on ``impl``: it has the
    facility and (an adapter) gives the floating-point registers."""
    if "floating-point" not in impl.facilities:
        return False
    lacks = getattr(impl, "lacks_capability", None)
    return not (callable(lacks) and lacks(["floating-point"]))


@given(data=st.data())
def test_guest_programs_run_as_on_the_reference_machine(data, s370_impl, s370_modes):
    floating: list[str] | None = None if has_floating_point(s370_impl) else []
    source = data.draw(guest_programs(floating=floating), label="program")
    _check(source, s370_impl, s370_modes)


FRAME = """\
T        START 0
         DC    X'{psw}'
         ORG   T+X'58'
         DC    X'000A0000',A(X'E58')     external: stop
         DC    X'000A0000',A(X'E60')     SVC: stop
         DC    X'000A0000',A(X'E68')     program: stop
         ORG   T+X'400'
{prologue}         DC    X'{code}'
         LPSW  X'800'(0)
         ORG   T+X'800'
         DC    X'000A000000000000'
{data}         END
"""
DONE = 0x000A0000_00000000          # FRAME's end: LPSW of its wait PSW
PROGRAM_STOP = 0x000A0000_00000E68  # FRAME's program new PSW
CODE_AT = 0x400                     # FRAME's code: the prologue, then the instruction


def framed(code: bytes, ec: bool, problem: bool, program_mask: int = 0,
           float_data: list[int] | None = None) -> str:
    """``code`` in FRAME, started in the EC or BC mode, problem or supervisor state,
    with ``program_mask``; with ``float_data`` (FLOAT_DOUBLEWORDS values, at
    FLOAT_DATA) the floating-point registers 0-6 are loaded from its first four
    first."""
    if ec:
        psw = f"{8 | int(problem):04X}{program_mask:02X}0000000400"
    else:
        psw = f"{int(problem):04X}0000{program_mask:02X}000400"
    prologue = data = ""
    if float_data is not None:
        prologue = "".join(f"         LD    {r},X'{FLOAT_DATA + 4 * r:X}'(0)\n"
                           for r in (0, 2, 4, 6))
        data = f"         ORG   T+X'{FLOAT_DATA:X}'\n" + "".join(
            f"         DC    X'{v:016X}'\n" for v in float_data)
    return FRAME.format(psw=psw, code=code.hex().upper(), prologue=prologue, data=data)


FLOAT_DATA_VALUES = st.lists(float_values(), min_size=FLOAT_DOUBLEWORDS,
                             max_size=FLOAT_DOUBLEWORDS)


def _framed_instruction(data: st.DataObject, impl: Implementation,
                        code: st.SearchStrategy[bytes]) -> str:
    """A drawn instruction in FRAME: mode, state and program mask drawn, and the
    floating-point registers and operands where ``impl`` has floating point."""
    floating = has_floating_point(impl)
    return framed(data.draw(code, label="code"), data.draw(st.booleans(), label="ec"),
                  data.draw(st.booleans(), label="problem"),
                  data.draw(st.integers(0, 15), label="program mask"),
                  data.draw(FLOAT_DATA_VALUES, label="floating-point data")
                  if floating else None)


@given(data=st.data())
def test_any_instruction_runs_as_on_the_reference_machine(data, s370_impl, s370_modes):
    # Every row of the opcode table, the channel-I/O instructions included: the
    # native machine has no channels and the VM no devices, so in the supervisor
    # state both answer CC 3 (not operational), and in the problem state both take
    # the privileged-operation exception.  Channel programs with devices:
    # conformance/test_channel_programs.py.
    floating = None if has_floating_point(s370_impl) else False
    source = _framed_instruction(data, s370_impl, instructions(floating_point=floating))
    _check(source, s370_impl, s370_modes)


IO_MNEMONICS = [row.mnemonic for row in opcodes.TABLE if "ch.13" in row.section]


@given(data=st.data())
def test_io_instructions_without_devices_run_as_on_the_reference_machine(
        data, s370_impl, s370_modes):
    # The same property drawn from the channel-I/O rows only (the one above reaches
    # them a few times in a hundred): CC 3 or the privileged-operation exception.
    code = st.sampled_from(IO_MNEMONICS).flatmap(lambda m: instructions(mnemonic=m))
    _check(_framed_instruction(data, s370_impl, code), s370_impl, s370_modes)


def _needs_floating_point(impl: Implementation) -> None:
    if not has_floating_point(impl):
        pytest.skip(f"{impl.name} has no floating-point facility (or does not give the "
                    f"floating-point registers)")


@given(data=st.data())
def test_floating_point_instructions_run_as_on_the_reference_machine(data, s370_impl,
                                                                     s370_modes):
    # The floating-point rows only (the property above draws them about one time in
    # four): random registers, operands, program mask; now and then an invalid
    # register field.
    _needs_floating_point(s370_impl)
    source = _framed_instruction(data, s370_impl, instructions(floating_point=True))
    _check(source, s370_impl, s370_modes)


# The floating-point exceptions each instruction can cause (GA22-7000 ch.9, the
# program exceptions of each instruction), besides specification and, for the RX
# forms, access: 0C exponent overflow, 0D exponent underflow (only with program-mask
# bit 2 on), 0E significance (only with bit 3 on), 0F floating-point divide.
_ADD = {0x0C, 0x0D, 0x0E}
FLOAT_EXCEPTIONS: dict[str, set[int]] = {
    **{m: set() for m in ("LPDR", "LNDR", "LTDR", "LCDR", "LPER", "LNER", "LTER", "LCER",
                          "LDR", "LER", "LD", "LE", "STD", "STE", "CDR", "CER", "CD",
                          "CE")},
    "HDR": {0x0D}, "HER": {0x0D}, "LRDR": {0x0C}, "LRER": {0x0C},
    **{m: _ADD for m in ("ADR", "AER", "AD", "AE", "SDR", "SER", "SD", "SE", "AXR",
                         "SXR")},
    **{m: {0x0C, 0x0E} for m in ("AWR", "AUR", "AW", "AU", "SWR", "SUR", "SW", "SU")},
    **{m: {0x0C, 0x0D} for m in ("MDR", "MER", "MD", "ME", "MXR", "MXDR", "MXD")},
    **{m: {0x0C, 0x0D, 0x0F} for m in ("DDR", "DER", "DD", "DE")},
}
# The instructions that change no floating-point register.
FLOAT_STORES_NOTHING = {"STD", "STE", "CDR", "CER", "CD", "CE"}
UNDERFLOW_MASK, SIGNIFICANCE_MASK = 0x2, 0x1      # program-mask bits 2 and 3


def _architected_float_outcome(out: Outcome, row: opcodes.Instruction, r1: int,
                               program_mask: int, problem: bool,
                               before: list[int]) -> list[str]:
    """What is not architected in the outcome of FRAME around one floating-point
    instruction (empty: all is)."""
    wrong = []
    if out.stop != "disabled-wait":
        return [f"stop: {out.stop}"]
    taken = list(out.interruptions)
    done = DONE
    if problem:
        # In the problem state FRAME ends in the privileged-operation exception of
        # its LPSW (ILC 2, the old PSW at the address after it).
        after_lpsw = CODE_AT + 16 + row.length + 4
        if taken and taken[-1][:3] == ("program", 2, 2) \
                and taken[-1][3] & 0xFFFFFF == after_lpsw:
            taken.pop()
            done = PROGRAM_STOP
    allowed = FLOAT_EXCEPTIONS[row.mnemonic] | {0x06} | ({0x04, 0x05} if row.layout == "RX"
                                                          else set())
    if not program_mask & UNDERFLOW_MASK:
        allowed.discard(0x0D)
    if not program_mask & SIGNIFICANCE_MASK:
        allowed.discard(0x0E)
    completed = True
    if not taken:
        if out.psw != done:
            wrong.append(f"PSW {out.psw:016X}, not the end of the program")
    elif len(taken) > 1 or taken[0][0] != "program":
        wrong.append(f"interruptions {taken}")
    else:
        _, code, ilc, _ = taken[0]
        if code not in allowed:
            wrong.append(f"program interruption code {code:04X}, not one of "
                         f"{sorted(allowed)}")
        if ilc != row.length // 2:
            wrong.append(f"ILC {ilc}")
        if out.psw != PROGRAM_STOP:
            wrong.append(f"PSW {out.psw:016X}, not the program new PSW")
        completed = code in (0x0C, 0x0D, 0x0E)     # the others suppress
    if out.fpr is not None:
        written: set[int] = set()
        if completed and row.mnemonic not in FLOAT_STORES_NOTHING:
            written = {r1 >> 1, (r1 >> 1) + 1} if row.mnemonic in EXTENDED_R1 else {r1 >> 1}
        for i, (a, b) in enumerate(zip(before, out.fpr)):
            if not 0 <= b < 1 << 64:
                wrong.append(f"FPR {2 * i}: {b!r} is not 64 bits")
            elif a != b and i not in written:
                wrong.append(f"FPR {2 * i} changed: {a:016X} to {b:016X}")
    return wrong


@given(data=st.data())
def test_floating_point_instructions_end_in_an_architected_outcome(data, s370_impl,
                                                                   s370_modes):
    _needs_floating_point(s370_impl)
    code = data.draw(instructions(floating_point=True), label="code")
    row = opcodes.BY_OPCODE[code[0]]
    r1 = code[1] >> 4
    if row.mnemonic in ("STD", "STE"):
        # A store into the frame itself (its code or its wait PSW) would end it
        # elsewhere; the rest of storage is fair game.  The general registers are
        # zero: the operand address is D2.
        at = (code[2] & 0xF) << 8 | code[3]
        hi = at + (8 if row.mnemonic == "STD" else 4)
        assume(hi <= CODE_AT or at >= CODE_AT + 0x20)
        assume(hi <= 0x800 or at >= 0x808)
    ec, problem = data.draw(st.booleans(), label="ec"), data.draw(st.booleans(), label="problem")
    mask = data.draw(st.integers(0, 15), label="program mask")
    values = data.draw(FLOAT_DATA_VALUES, label="floating-point data")
    source = framed(code, ec, problem, mask, values)
    note(source)
    image = assemble(source, "<generated>").image
    for mode in s370_modes:
        out = s370_impl.run(image, PROGRAM_STORAGE, STEPS, mode)
        wrong = _architected_float_outcome(out, row, r1, mask, problem, values[:4])
        if wrong:
            _fail(source, [f"{mode}: {w}" for w in wrong], mode,
                  "run" if mode == "native" else f"run --under {mode}")


def test_the_property_finds_a_wrong_simulation(monkeypatch):
    """Against a VMCP whose SSM ignores the SSM-suppression control (CR0 bit 1:
    special-operation exception), the property fails and shrinks to a short
    program that uses SSM."""
    monkeypatch.setenv("S370_EXECUTION", "assist")    # simulations: not by SIE
    def careless_ssm(m, b2, d2):
        control._set_system_mask(m, m.fetch_byte(m.address(0, b2, d2)))

    monkeypatch.setitem(SIMULATIONS, "SSM", Simulation(careless_ssm))
    impl = Reference()
    found = find(guest_programs(privileged=["SSM", "LCTL"]),
                 lambda source: bool(discrepancies(source, impl, "vmcp")),
                 settings=settings(max_examples=2000, derandomize=True, database=None,
                                   deadline=None, phases=[Phase.generate, Phase.shrink],
                                   suppress_health_check=list(HealthCheck)))
    body = [line for line in found.splitlines() if line.startswith(("I", "         SSM",
                                                                    "         LCTL"))]
    assert any("SSM" in line for line in body)
    assert len([b for b in body if b.startswith("I")]) <= 4  # shrunk to a few instructions
    monkeypatch.undo()
    assert not discrepancies(found, impl, "vmcp")


@given(data=st.data())
def test_dat_programs_run_as_on_the_reference_machine(data, s370_impl, s370_modes):
    source = data.draw(dat_programs(), label="program")
    _check(source, s370_impl, s370_modes)
