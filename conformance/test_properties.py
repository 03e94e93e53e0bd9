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
  instructions included: without devices they answer CC 3 in both modes).

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
from hypothesis import HealthCheck, Phase, find, given, note, settings
from hypothesis import strategies as st

from reference.arch import opcodes
from reference.machine.instructions import control
from reference.vm.simulate import SIMULATIONS, Simulation

from .comparison import STEPS, discrepancies
from .implementations import Implementation, Reference
from .strategies import PROGRAM_STORAGE, dat_programs, guest_programs, instructions

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


def _fail(source: str, diff: list[str], mode: str) -> None:
    FAILURES.mkdir(exist_ok=True)
    path = FAILURES / f"{hashlib.sha256(source.encode()).hexdigest()[:12]}.asm"
    path.write_text(source)
    pytest.fail("\n".join(diff + [f"program ({mode}): {path}",
                                  f"reproduce: s370 compare {path} --storage 64K "
                                  f"--max-steps {STEPS}"]), pytrace=False)


def _check(source: str, impl: Implementation, modes: tuple[str, ...]) -> None:
    """The property for one generated program: in every mode compared, ``impl`` runs
    it as the reference machine does natively (a failure shows the program)."""
    note(source)
    for mode in _modes_to_compare(impl, modes):
        diff = discrepancies(source, impl, mode)
        if diff:
            _fail(source, diff, mode)


@given(data=st.data())
def test_guest_programs_run_as_on_the_reference_machine(data, s370_impl, s370_modes):
    source = data.draw(guest_programs(), label="program")
    _check(source, s370_impl, s370_modes)


FRAME = """\
T        START 0
         DC    X'{psw}',A(X'400')
         ORG   T+X'58'
         DC    X'000A0000',A(X'E58')     external: stop
         DC    X'000A0000',A(X'E60')     SVC: stop
         DC    X'000A0000',A(X'E68')     program: stop
         ORG   T+X'400'
         DC    X'{code}'
         LPSW  X'800'(0)
         ORG   T+X'800'
         DC    X'000A000000000000'
         END
"""


def framed(code: bytes, ec: bool, problem: bool) -> str:
    """``code`` in FRAME, started in the EC or BC mode, problem or supervisor state."""
    psw = f"{(8 if ec else 0) | int(problem):04X}0000"
    return FRAME.format(psw=psw, code=code.hex().upper())


@given(code=instructions(), ec=st.booleans(), problem=st.booleans())
def test_any_instruction_runs_as_on_the_reference_machine(code, ec, problem, s370_impl,
                                                          s370_modes):
    # Every row of the opcode table, the channel-I/O instructions included: the
    # native machine has no channels and the VM no devices, so in the supervisor
    # state both answer CC 3 (not operational), and in the problem state both take
    # the privileged-operation exception.  Channel programs with devices:
    # conformance/test_channel_programs.py.
    _check(framed(code, ec, problem), s370_impl, s370_modes)


IO_MNEMONICS = [row.mnemonic for row in opcodes.TABLE if "ch.13" in row.section]


@given(code=st.sampled_from(IO_MNEMONICS).flatmap(lambda m: instructions(mnemonic=m)),
       ec=st.booleans(), problem=st.booleans())
def test_io_instructions_without_devices_run_as_on_the_reference_machine(
        code, ec, problem, s370_impl, s370_modes):
    # The same property drawn from the channel-I/O rows only (the one above reaches
    # them a few times in a hundred): CC 3 or the privileged-operation exception.
    _check(framed(code, ec, problem), s370_impl, s370_modes)


def test_the_property_finds_a_wrong_simulation(monkeypatch):
    """Against a VMCP whose SSM ignores the SSM-suppression control (CR0 bit 1:
    special-operation exception), the property fails and shrinks to a short
    program that uses SSM."""
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
