"""What differs between two runs (conformance/comparison.py): one field list and one
way of showing a field, those of ``reference.session.first_difference``."""

from __future__ import annotations

from conformance.comparison import differences, log_difference
from conformance.implementations import Outcome
from reference.session import start_machine
from tests.support import WAIT_PSW_BC, ins

# BC-mode PSW at 0 -> X'200': LA 1,5; LPSW X'1F0' (a disabled wait).
IMAGE = bytearray(0x200) + ins("LA", 1, 0, 0, 5) + ins("LPSW", 0, 0x1F0)
IMAGE[0:8] = bytes.fromhex("0000000000000200")
IMAGE[0x1F0:0x1F8] = WAIT_PSW_BC.to_bytes(8, "big")


def run() -> Outcome:
    m = start_machine(bytes(IMAGE), 64 * 1024)
    m.interruption_log = []
    stop = m.run(100)
    return Outcome(stop=stop, steps=m.steps, psw=m.psw_value(), gpr=tuple(m.gpr),
                   cr=tuple(m.cr), read=m.real_storage, keys=bytes(m.keys),
                   interruptions=[], state=m.state())


def test_outcomes_compare_their_states_or_the_fields_every_implementation_reports():
    expected, got = run(), run()
    assert differences(expected, got) == []
    got.gpr = (0,) * 16
    got.state = None                       # as an adapter reports it: no whole state
    assert differences(expected, got) == [f"gpr1: {expected.gpr[1]:08X} vs 00000000"]
    got.interruptions = [("svc", 1, 1, 0)]
    assert differences(expected, got)[-1] == \
        "interruption 0: [] vs [('svc', 1, 1, 0)] (0 vs 1 in all)"


def test_the_first_interruption_in_which_two_logs_differ():
    assert log_difference([1, 2, 3], [1, 2, 3]) is None
    assert log_difference([1, 2, 3], [1, 5, 3]) == "interruption 1: [2] vs [5] (3 vs 3 in all)"
    assert log_difference([1], [1, 2]) == "interruption 1: [] vs [2] (1 vs 2 in all)"
