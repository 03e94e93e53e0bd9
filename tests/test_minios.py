"""Tests of examples/minios.asm, the bundled guest operating system.

What "right" means: the two tasks compute what their arithmetic says (the expected
values below are computed here in Python, independently of the machine: sums of
squares by formula and by summation, primes by trial division), the kernel served
exactly the supervisor calls the tasks' programs make (counted by hand from the
source), the summary at X'2000' says so, and the final state is the same natively,
as the only guest of the VMCP, and as each of several copies time-shared by one
VMCP (round robin and share-weighted).

Counts that depend on where the CPU timer falls (preemptions, dispatches, address
space switches) are not derived by hand; they are checked against the interruptions
the machine actually took (its interruption log) and against the kernel's invariant
"every dispatch ends in a preemption, a yield, an exit, a sleep or a fault".
"""

from __future__ import annotations

import os

import pytest

from reference import cli
from reference.asm.assembler import assemble
from reference.machine.machine import Machine
from reference.session import first_difference, real_storage_for, start_machine, start_vm
from reference.vm.virtual_machine import VirtualMachine
from reference.vm.vmcp import VMCP

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_PATH = os.path.join(ROOT, "examples", "minios.asm")
K = 1024
STORAGE = 256 * K
MAX_STEPS = 1_000_000

# The documented layout (examples/minios.asm, header).
SUMMARY = 0x2000
FRAMES_A = {"code": 0x20000, "data": 0x25000, "log": 0x23000}
FRAMES_B = {"code": 0x30000, "data": 0x34000, "log": 0x37000}
SEG_A, SEG_B = 0x1000, 0x1040
DONE_PSW = 0x000A0000_00000000
CR0 = 0x00800C00            # 4K pages (bits 8-9 = 10), 64K segments, CKC (20), CPU timer (21)

# Summary words, by offset.
(S_EYE, S_TASKS, S_DISPATCH, S_SWITCH, S_PREEMPT, S_CLOCK, S_IDLE, S_SVC, S_SVC1,
 S_SVC2, S_SVC3, S_SVC4, S_FAULT, S_PAGEIN) = range(0, 56, 4)
S_TOD, S_TASK_A, S_TASK_B, S_LOG_A, S_LOG_B = 56, 64, 80, 0x100, 0x500

# --- the tasks' arithmetic, independently ----------------------------------
A_TERMS = 600
A_SUM = A_TERMS * (A_TERMS + 1) * (2 * A_TERMS + 1) // 6      # 72,180,100
A_LOG = [sum(k * k for k in range(1, i + 1)) for i in range(50, A_TERMS + 1, 50)]
B_PRIMES = [n for n in range(2, 1000) if all(n % d for d in range(2, int(n ** 0.5) + 1))]

# Supervisor calls the tasks' programs make, counted from the source:
#   A: SVC 1 after every 50 terms (600 / 50 = 12), SVC 2 after every second one (6),
#      SVC 3 once.  B: SVC 4 twice, SVC 1 once per prime (168), SVC 3 once.
SVC1 = A_TERMS // 50 + len(B_PRIMES)
SVC2 = A_TERMS // 100
SVC3 = 2
SVC4 = 2


def source() -> str:
    with open(SOURCE_PATH, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def assembly():
    return assemble(source(), SOURCE_PATH)


@pytest.fixture(scope="module")
def image(assembly) -> bytes:
    return assembly.image


def run_native(image: bytes) -> Machine:
    m = start_machine(image, STORAGE)
    m.interruption_log = []
    m.run(MAX_STEPS)
    return m


@pytest.fixture(scope="module")
def native(image) -> Machine:
    return run_native(image)


def word(cpu: Machine | VirtualMachine, addr: int) -> int:
    return int.from_bytes(bytes(cpu.mem[addr:addr + 4]), "big")


def words(cpu: Machine | VirtualMachine, addr: int, n: int) -> list[int]:
    return [word(cpu, addr + 4 * i) for i in range(n)]


def summary(cpu: Machine | VirtualMachine, offset: int) -> int:
    return word(cpu, SUMMARY + offset)


def assert_same_as_native(native: Machine, cpu: Machine | VirtualMachine) -> None:
    diff = first_difference(native.state(), cpu.state())
    assert diff is None, f"{diff[0]}: native {diff[1]}, vmcp {diff[2]}"
    assert cpu.steps == native.steps
    assert cpu.stop_reason == native.stop_reason


def create_vms(image: bytes, count: int, policy: str, shares: list[int] | None = None,
               slice_us: int = 5000) -> tuple[VMCP, list[VirtualMachine]]:
    real = sum(real_storage_for(STORAGE) for _ in range(count)) + 0x1000
    cp = VMCP(real_storage=real, policy=policy, slice_us=slice_us)
    vms = []
    for i in range(count):
        vm = cp.create_vm(image, STORAGE, name=f"minios{i}",
                          share=(shares or [1] * count)[i], max_steps=MAX_STEPS)
        vm.interruption_log = []
        vms.append(vm)
    return cp, vms


# ===========================================================================
# The image
# ===========================================================================
def test_image_starts_with_an_ec_restart_psw_and_keeps_bytes_8_to_15_zero(image, assembly):
    assert image[8:16] == bytes(8)                      # the restart old PSW goes there
    psw = int.from_bytes(image[0:8], "big")
    assert psw >> 32 == 0x00080000                      # EC mode (bit 12), DAT off, disabled
    assert psw & 0xFFFFFF == assembly.symbols["INIT"]
    assert len(image) <= STORAGE
    # The kernel (code, data, literals) lies within page 0, below the tables.
    assert assembly.symbols["KERNEND"] <= 0x1000


def test_segment_and_page_tables_map_the_kernel_alike_and_the_tasks_apart(image):
    def entries(at: int, n: int, size: int) -> list[int]:
        return [int.from_bytes(image[at + size * i:at + size * (i + 1)], "big")
                for i in range(n)]
    seg_a, seg_b = entries(SEG_A, 16, 4), entries(SEG_B, 16, 4)
    assert seg_a[0] == seg_b[0]                          # one kernel page table for both
    assert seg_a[2:] == seg_b[2:] == [1] * 14            # segments 2-15 invalid (bit 31)
    # Segment-table entry: page-table length in bits 0-3 (4K pages, 64K segments:
    # pages - 1), page-table origin in bits 8-28.
    assert [ste >> 28 for ste in (seg_a[0], seg_a[1], seg_b[1])] == [2, 2, 2]

    def pto(ste: int) -> int:
        return ste & 0x00FFFFF8
    # 4K page-table entries: frame address bits 8-19 in bits 0-11, bit 12 invalid;
    # the data pages start invalid (brought in on first use).
    assert entries(pto(seg_a[0]), 3, 2) == [0x0000, 0x0010, 0x0020]
    for seg, frames in ((seg_a, FRAMES_A), (seg_b, FRAMES_B)):
        assert entries(pto(seg[1]), 3, 2) == [frames["code"] >> 8,
                                              frames["data"] >> 8 | 0x0008,
                                              frames["log"] >> 8]


# ===========================================================================
# The native run
# ===========================================================================
def test_native_run_ends_in_the_disabled_wait_with_dat_state_loaded(native, assembly):
    assert native.stop_reason == "disabled-wait"
    assert native.psw_value() == DONE_PSW
    assert native.cr[0] == CR0
    # Task B runs last (it sleeps 10 ms after its sieve, long after A's last
    # instruction), so its space is the one CR1 designates at the end.
    assert native.cr[1] == SEG_B


def test_task_a_sum_of_squares_in_its_private_data_page(native):
    assert A_SUM == 72_180_100 == sum(i * i for i in range(1, A_TERMS + 1))
    data = FRAMES_A["data"]
    assert word(native, data) == A_SUM
    assert word(native, data + 4) == A_TERMS
    assert words(native, data + 16, A_TERMS) == [i * i for i in range(1, A_TERMS + 1)]


def test_task_b_sieve_in_its_private_data_page(native):
    assert len(B_PRIMES) == 168 and B_PRIMES[-1] == 997
    data = FRAMES_B["data"]
    assert word(native, data) == 168
    assert word(native, data + 4) == 997
    flags = bytes(native.mem[data + 256:data + 256 + 1000])
    composite = {n for n in range(4, 1000) if n not in B_PRIMES}
    assert flags == bytes(1 if n in composite else 0 for n in range(1000))


def test_each_tasks_log_page_holds_what_it_appended_with_svc_1(native):
    log_a, log_b = FRAMES_A["log"], FRAMES_B["log"]
    assert word(native, log_a) == len(A_LOG) == 12
    assert words(native, log_a + 4, len(A_LOG)) == A_LOG
    assert word(native, log_b) == len(B_PRIMES)
    assert words(native, log_b + 4, len(B_PRIMES)) == B_PRIMES


def test_the_tasks_virtual_pages_did_not_land_at_their_virtual_addresses(native):
    # Both tasks used virtual 10000-12FFF; with DAT off those would be real
    # addresses.  They stayed zero: every task access was translated.
    assert bytes(native.mem[0x10000:0x13000]) == bytes(0x3000)
    # The same virtual data page holds different things in the two frames.
    assert word(native, FRAMES_A["data"]) != word(native, FRAMES_B["data"])


def test_task_frames_carry_the_task_keys_and_the_kernel_key_0(native):
    def key(addr: int) -> int:
        return native.keys[addr >> 11] >> 4
    for frames, k in ((FRAMES_A, 8), (FRAMES_B, 9)):
        for frame in frames.values():
            assert key(frame) == key(frame + 2048) == k
    assert [key(a) for a in range(0, 0x3000, 2048)] == [0] * 6
    # Task A stored its squares (data frame changed: bit 30 of the key byte).
    assert native.keys[FRAMES_A["data"] >> 11] & 0x02


def test_summary_records_the_results_and_every_svc_served(native):
    assert bytes(native.mem[SUMMARY:SUMMARY + 4]) == "MNOS".encode("cp037")
    assert summary(native, S_TASKS) == 2
    assert summary(native, S_SVC1) == SVC1 == 180
    assert summary(native, S_SVC2) == SVC2 == 6
    assert summary(native, S_SVC3) == SVC3
    assert summary(native, S_SVC4) == SVC4
    assert summary(native, S_SVC) == SVC1 + SVC2 + SVC3 + SVC4 == 190
    assert summary(native, S_FAULT) == 0
    assert summary(native, S_PAGEIN) == 2                # each task's data page once
    # exit code, log words, data+0, data+4 of each task
    assert words(native, SUMMARY + S_TASK_A, 4) == [A_SUM, 12, A_SUM, A_TERMS]
    assert words(native, SUMMARY + S_TASK_B, 4) == [168, 168, 168, 997]
    # the logs copied from the tasks' log frames
    assert words(native, SUMMARY + S_LOG_A, 13) == [12] + A_LOG
    assert words(native, SUMMARY + S_LOG_B, 169) == [168] + B_PRIMES


def test_sleeping_uses_the_clock_comparator_and_one_idle_wait(native):
    # B sleeps twice, so two clock-comparator wake-ups.  The first sleep (500 us)
    # comes while A still has thousands of instructions to run; the second
    # (10,000 us) outlasts all of A's work (600 terms of about 9 instructions), so
    # the kernel waits exactly once, with nobody ready.
    assert summary(native, S_CLOCK) == 2
    assert summary(native, S_IDLE) == 1
    # The wait shows in the TOD clock but not in the instruction count: the TOD
    # clock stored at the end is more than the instructions executed (bit 51 =
    # one microsecond = one instruction) by nearly the rest of the 10 ms sleep.
    end_us = int.from_bytes(bytes(native.mem[SUMMARY + S_TOD:SUMMARY + S_TOD + 8]),
                            "big") >> 12
    assert end_us > native.steps + 1000


def test_kernel_counters_agree_with_the_interruptions_the_machine_took(native):
    log = native.interruption_log or []
    external = [r.code for r in log if r.kind == "external"]
    assert external.count(0x1005) == summary(native, S_PREEMPT)
    assert external.count(0x1004) == summary(native, S_CLOCK) == 2
    assert len(external) == summary(native, S_PREEMPT) + 2
    svc = [r.code for r in log if r.kind == "svc"]
    assert len(svc) == summary(native, S_SVC)
    assert svc.count(1) == SVC1 and svc.count(4) == SVC4
    # The only program interruptions: the first use of each task's data page
    # (virtual X'11000'), a page-translation exception (X'11') that nullifies.
    program = [r for r in log if r.kind == "program"]
    assert [r.code for r in program] == [0x11, 0x11]
    assert all((r.old_psw & 0xFFFFFF) in range(0x10000, 0x11000) for r in program)
    # Every SVC and timer interruption came from the problem state with DAT on.
    for r in log:
        if r.kind == "svc" or (r.kind == "external" and r.code == 0x1005):
            assert (r.old_psw >> 48) & 0x0001, r                 # P bit (15)
            assert (r.old_psw >> 56) & 0x04, r                   # DAT (bit 5)


def test_data_pages_are_brought_in_on_first_use_and_unmapped_at_exit(native, image):
    seg_a = int.from_bytes(image[SEG_A + 4:SEG_A + 8], "big") & 0x00FFFFF8
    seg_b = int.from_bytes(image[SEG_B + 4:SEG_B + 8], "big") & 0x00FFFFF8
    for pto, frames in ((seg_a, FRAMES_A), (seg_b, FRAMES_B)):
        pte = int.from_bytes(bytes(native.mem[pto + 2:pto + 4]), "big")
        # IPTE at exit set the invalid bit (12) again; the frame kept its data.
        assert pte == frames["data"] >> 8 | 0x0008
        # The code and log pages stayed valid.
        assert int.from_bytes(bytes(native.mem[pto:pto + 2]), "big") == frames["code"] >> 8


def test_dispatches_are_preemptions_plus_yields_exits_and_sleeps(native):
    preempt = summary(native, S_PREEMPT)
    assert preempt >= 10          # about 17,000 task instructions in 500 us slices
    assert summary(native, S_DISPATCH) == preempt + SVC2 + SVC3 + SVC4
    switches = summary(native, S_SWITCH)
    assert 2 <= switches <= summary(native, S_DISPATCH)


def test_a_faulting_task_is_ended_and_the_other_completes(assembly):
    image = bytearray(assembly.image)
    image[assembly.symbols["TASKA"]:assembly.symbols["TASKA"] + 2] = b"\x00\x00"
    m = run_native(bytes(image))
    assert m.psw_value() == DONE_PSW
    assert summary(m, S_FAULT) == 1
    # exit code X'80000000' + the operation exception's code 1; A did nothing else
    assert words(m, SUMMARY + S_TASK_A, 4) == [0x80000001, 0, 0, 0]
    assert words(m, SUMMARY + S_TASK_B, 4) == [168, 168, 168, 997]
    assert summary(m, S_PAGEIN) == 1                     # B's data page only
    assert summary(m, S_SVC) == len(B_PRIMES) + 2 + 1


def test_an_unknown_svc_ends_the_task(assembly):
    image = bytearray(assembly.image)
    image[assembly.symbols["TASKA"]:assembly.symbols["TASKA"] + 2] = b"\x0a\x09"  # SVC 9
    m = run_native(bytes(image))
    assert m.psw_value() == DONE_PSW
    assert summary(m, S_FAULT) == 1
    assert words(m, SUMMARY + S_TASK_A, 4) == [0x40000009, 0, 0, 0]
    assert summary(m, S_SVC) == 1 + len(B_PRIMES) + 2 + 1   # SVC 9 was served too
    # Under the VMCP the same.
    assert_same_as_native(m, start_vm(bytes(image), STORAGE, MAX_STEPS))


# ===========================================================================
# Under the VMCP
# ===========================================================================
@pytest.mark.parametrize("slice_us", [37, 5000])
def test_one_copy_under_the_vmcp_ends_as_natively(image, native, slice_us):
    cp, (vm,) = create_vms(image, 1, "round-robin", slice_us=slice_us)
    cp.run()
    assert_same_as_native(native, vm)
    assert vm.interruption_log == native.interruption_log
    # It ran translated: through shadow tables, or by the machine's two levels.
    assert (vm.interventions["shadow fault"] > 0) == (cp.execution != "sie")


def test_start_vm_and_s370_compare_agree(image, native, capsys):
    vm = start_vm(image, STORAGE, MAX_STEPS)
    assert_same_as_native(native, vm)
    assert cli.main(["compare", SOURCE_PATH, "--storage", "256K"]) == 0
    assert capsys.readouterr().out.startswith(f"identical: {native.steps} instructions")


@pytest.mark.parametrize("policy,shares", [
    ("round-robin", [1, 1, 1, 1]),
    ("share", [1, 2, 3, 1]),
])
def test_several_copies_under_one_vmcp_each_end_as_natively(image, native, policy, shares):
    cp, vms = create_vms(image, len(shares), policy, shares, slice_us=1000)
    cp.run()
    for vm in vms:
        assert_same_as_native(native, vm)
        assert vm.interruption_log == native.interruption_log
        assert words(vm, SUMMARY + S_TASK_A, 4) == [A_SUM, 12, A_SUM, A_TERMS]
    # Each ran in many dispatches (at most one slice, or up to its next timer
    # event, each), so the copies were time-shared with one another.
    assert all(vm.dispatches > 10 for vm in vms)


def test_shadow_faults_per_thousand_guest_instructions(image, native, monkeypatch):
    monkeypatch.setenv("S370_EXECUTION", "assist")    # shadow tables: not by SIE
    cp, (vm,) = create_vms(image, 1, "round-robin")
    cp.run()
    faults = vm.interventions["shadow fault"]
    switches = summary(vm, S_SWITCH)
    # The kernel loads CR1 once at the start and then once per switch, each
    # switch followed by PTLB; IPTE once per exit.
    assert vm.interventions["simulate LCTL"] == switches + 1
    assert vm.interventions["simulate PTLB"] == switches
    assert vm.interventions["simulate IPTE"] == 2
    purges = switches * 2 + 1 + 2
    # Each switch (LCTL, PTLB) empties the guest's TLB and so the shadow tables:
    # the kernel's next instruction fetch (page 0) and the task's (its code page)
    # fault at least.  Between two purges at most 6 distinct 4K pages are used (3
    # kernel pages, 3 task pages), each filled once.
    assert 2 * switches <= faults <= 6 * (purges + 1)
    rate = 1000 * faults / vm.steps
    print(f"\nminios under the VMCP: {faults} shadow faults in {vm.steps} guest "
          f"instructions = {rate:.2f} per 1,000; {switches} address-space switches")
