"""Starting and comparing runs (reference/session.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reference.machine.cpu import State
from reference.session import (
    UsageError,
    differences,
    first_difference,
    load_program,
    start_machine,
)
from tests.support import WAIT_PSW_BC, ins

# BC-mode PSW at 0 -> X'200': LA 1,5; LPSW X'1F0' (a disabled wait).
IMAGE = bytearray(0x200) + ins("LA", 1, 0, 0, 5) + ins("LPSW", 0, 0x1F0)
IMAGE[0:8] = bytes.fromhex("0000000000000200")
IMAGE[0x1F0:0x1F8] = WAIT_PSW_BC.to_bytes(8, "big")


def run() -> State:
    m = start_machine(bytes(IMAGE), 64 * 1024)
    m.run(100)
    return m.state()


def test_start_machine_loads_the_psw_at_0_by_a_restart_and_runs_the_program():
    m = start_machine(bytes(IMAGE), 64 * 1024)
    assert m.ia == 0x200
    assert m.run(100) == "disabled-wait"
    assert m.gpr[1] == 5 and m.steps == 2


def test_an_image_larger_than_storage_is_refused_naming_it():
    with pytest.raises(UsageError, match=r"^prog.bin: image of 65537 bytes is larger than "
                                         r"storage \(65536 bytes\)$"):
        start_machine(bytes(65537), 65536, "prog.bin")


def test_a_missing_program_file_is_refused_naming_it(tmp_path):
    with pytest.raises(UsageError, match="^" + str(tmp_path / "none.asm")):
        load_program(str(tmp_path / "none.asm"))


def test_every_differing_field_in_the_words_of_first_difference():
    a = run()
    gpr = list(a.gpr)
    gpr[3] = 0x12345678
    storage = bytearray(a.storage)
    storage[0x403] = 0xFF
    b = replace(a, psw=a.psw ^ 1, gpr=tuple(gpr), storage=bytes(storage))
    found = differences(a, b)
    assert found == [("psw", f"{a.psw:016X}", f"{b.psw:016X}"),
                     ("gpr3", f"{a.gpr[3]:08X}", "12345678"),
                     ("storage at 000403", a.storage[0x403:0x40B].hex().upper(),
                      storage[0x403:0x40B].hex().upper())]
    assert found[0] == first_difference(a, b)


def test_a_floating_point_register_difference_is_named_by_its_register_number():
    a = run()
    b = replace(a, fpr=(0, 0, 0x4110000000000000, 0))   # register 4 (the third)
    assert differences(a, b) == [("fpr4", "0000000000000000", "4110000000000000")]
    assert first_difference(a, replace(a, fpr=(0, 0, 0, 0))) is None
    assert differences(a, a) == [] and first_difference(a, a) is None




def test_storage_of_different_sizes_differs_where_the_shorter_ends():
    a = run()
    b = replace(a, storage=a.storage[:0x800])
    assert differences(a, b) == [("storage at 000800", a.storage[0x800:0x808].hex().upper(),
                                  "")]
