"""A guest hypervisor under the VMCP (reference/vm/nested.py): a VM's START
INTERPRETIVE EXECUTION runs its guest as the real machine's SIE does.

Every expectation is the same program run natively: a host program in S/370
(``HOST``, below) runs a guest by SIE on the reference machine, which implements
docs/interpretive-execution.md, and the same host program as a VM of the VMCP,
in each execution mode, must end in the same state: its storage (the SD, the
guest's storage, the host's log of interceptions), registers, PSW and timers,
at the same instruction count.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.strategies import PROGRAM_STORAGE, dat_programs, guest_programs
from reference.asm.assembler import assemble
from reference.machine import interpretive as sie
from reference.session import start_machine
from reference.trace.recorder import record_lines
from reference.vm.vmcp import EXECUTIONS, VMCP
from tests.support import differences

GUEST_ORIGIN = 0x10000
HOST_STORAGE = 0x20000
SD = 0x800

# The host: runs the guest at GUEST_ORIGIN (extent 64K) by SIE from the SD at
# X'800', enabled for its CPU timer (a slice of SLICE microseconds: each one
# ends the SIE without interception and is counted at TICKS); after each
# interception it logs the code, IPA and IPB (LOG, 8 bytes each, COUNT of them)
# and goes on with the guest after an instruction interception (the guest's PSW
# is past it) by adding 1 to the guest's R1 as its "simulation"; any other code
# ends the run in a disabled wait.  The guest's registers 0-13 are kept at GREGS
# across the host's own work (base register 14, SD address in 15).
HOST = """
HOST     START 0
         DC    X'00080000',A(BEGIN)      restart: EC mode, disabled
         ORG   HOST+X'58'
         DC    X'00080000',A(EXTH)       external new PSW: EC, disabled
         ORG   HOST+X'68'
         DC    X'000A0000',A(X'F00')     program new PSW: a disabled wait
         ORG   HOST+X'200'
BEGIN    BALR  14,0
         USING *,14
         LCTL  0,0,CR0                   CPU-timer subclass on
         SPT   SLICE
         LA    15,SD
         LM    0,13,GREGS
LOOP     SSM   ENABLED                   external interruptions on
         SIE   0(15)
         SSM   DISABLED
         STM   0,13,GREGS
         L     1,COUNT
         LR    2,1
         SLL   2,3
         LA    2,LOG(2)
         MVC   0(2,2),SDCODE-1           code (with the byte before it)
         MVC   2(6,2),SDIPA              IPA and IPB
         LA    1,1(1)
         ST    1,COUNT
         C     1,MAXLOG
         BNL   DONE
         CLI   SDCODE,4
         BNE   DONE
         L     1,GREGS+4                 the guest's R1 + 1: the "simulation"
         LA    1,1(1)
         ST    1,GREGS+4
         LM    0,13,GREGS
         B     LOOP
EXTH     STM   0,1,XSAVE                 CPU timer: count, new slice, back to SIE
         L     1,TICKS
         LA    1,1(1)
         ST    1,TICKS
         SPT   SLICE
         MVC   X'50'(4,0),ITIMER          the interval timer: one more step
         LM    0,1,XSAVE
         LPSW  X'18'
DONE     LPSW  WAIT
         DS    0D
WAIT     DC    X'000A0000',A(0)
SLICE    DC    X'00000000',A({slice})
CR0      DC    X'{cr0}'
ITIMER   DC    X'00000100'
ENABLED  DC    X'01'
DISABLED DC    X'00'
         DS    0F
COUNT    DC    F'0'
TICKS    DC    F'0'
MAXLOG   DC    F'64'
XSAVE    DS    2F
GREGS    DC    14F'0'
LOG      DS    64D
         ORG   HOST+X'800'
SD       DC    X'00001018'               V, S, M: 370 resident
         DC    F'0'                      prefix
         DC    A({origin})               origin
         DC    A(X'10000')               extent
         DC    2F'0'                     GR14, GR15
         DC    X'00080000',A(X'200')     guest PSW: EC, disabled, at X'200'
         DC    XL8'00'                   reserved
         DC    XL8'00'                   CPU timer
         DC    XL8'00'                   clock comparator
         DC    XL8'00'                   epoch
         DC    XL16'{controls}'          SVC, LCTL, interception controls
SDCODE   DC    X'00'
         DC    X'00'
         DC    XL4'00'
SDIPA    DC    XL2'00'
         DC    XL4'00'
         ORG   SD+X'80'
         DC    X'000000E0',13F'0',X'C2000000',X'00000200'
         ORG   SD+X'100'
         END
"""


def host_source(slice_us: int = 700, controls: str = "00" * 16,
                interval_timer: bool = False) -> str:
    return HOST.format(slice=slice_us << 12, origin=GUEST_ORIGIN, controls=controls,
                       cr0="00000480" if interval_timer else "00000400")


def host_image(guest: str, slice_us: int = 700, controls: str = "00" * 16,
               interval_timer: bool = False) -> bytes:
    image = bytearray(assemble(host_source(slice_us, controls, interval_timer),
                               "host.asm").image)
    code = assemble(guest, "guest.asm").image
    image[len(image):GUEST_ORIGIN] = bytes(GUEST_ORIGIN - len(image))
    return bytes(image) + code


# A guest that works with its clocks, keys, control registers and interruptions
# (all interpreted by the facility), intercepted instructions (DIAGNOSE), and
# ends in a disabled wait (interception 28).
GUEST = """
GUEST    START 0
         ORG   GUEST+X'58'
         DC    X'00080000',A(EXTH)       external new PSW
         ORG   GUEST+X'68'
         DC    X'00080000',A(PGMH)       program new PSW
         ORG   GUEST+X'200'
BEGIN    BALR  12,0
         USING *,12
         STCK  T0
         SPT   TIMER
         LCTL  0,0,CR0
         STOSM MASK,X'01'                external on: the CPU timer will come
         LA    3,2000
SPIN     AR    4,3
         BCT   3,SPIN
         DIAG  0,0,0                     intercepted: the host adds 1 to R1
         DIAG  0,0,0
         SSK   5,6
         ISK   7,6
         STPT  T1
         STCK  T2
         STPX  PFX2
         DC    X'0000'                   operation exception: the guest's own
         LPSW  WAIT
EXTH     L     9,TICKS
         LA    9,1(9)
         ST    9,TICKS
         SPT   TIMER
         LPSW  X'18'
PGMH     MVC   PGMCODE,X'8E'
         LPSW  X'28'
         DS    0D
WAIT     DC    X'000A0000',A(X'EEE')
TIMER    DC    X'00000000',A(X'100000')  a 256 us CPU timer
CR0      DC    X'00000400'
T0       DS    D
T1       DS    D
T2       DS    D
PFX2     DS    F
TICKS    DC    F'0'
PGMCODE  DC    H'0'
MASK     DS    X
         END
"""


def run_native(image: bytes, max_steps: int = 200_000):
    m = start_machine(image, HOST_STORAGE)
    m.run(max_steps)
    return m


def run_vm(image: bytes, execution: str, max_steps: int = 200_000, slice_us: int = 5000):
    cp = VMCP(real_storage=1 << 20, execution=execution, slice_us=slice_us)
    vm = cp.create_vm(image, HOST_STORAGE, max_steps=max_steps)
    cp.run()
    return vm


def sd_code(cpu) -> int:
    return cpu.read_real(SD + sie.SD_CODE, 1)[0]


def test_the_native_host_runs_its_guest_to_its_disabled_wait() -> None:
    native = run_native(host_image(GUEST))
    assert native.stop_reason == "disabled-wait"
    assert sd_code(native) == sie.WAIT_STATE
    host = assemble(host_source(), "host.asm").symbols
    # Two DIAGNOSEs were intercepted and "simulated" (the guest's R1 is 2), then
    # the wait: three interceptions logged; the host's slices ended SIE 5 times.
    assert native.read_real(host["GREGS"] + 4, 4) == (2).to_bytes(4, "big")
    assert native.read_real(host["COUNT"], 8) == bytes.fromhex("0000000300000005")
    assert native.read_real(host["LOG"], 24) == bytes.fromhex(
        "0004830000000000" "0004830000000000" "001C000000000000")
    sd = native.read_real(SD, sie.SD_SIZE)
    assert int.from_bytes(sd[sie.SD_PSW:sie.SD_PSW + 8], "big") & 0xFFFFFF == 0xEEE
    # The guest took its own operation exception (code 1) and its CPU-timer
    # interruptions (2,000 loop iterations, 4,000 instructions, a 256 us timer).
    guest = assemble(GUEST, "guest.asm").symbols
    assert native.read_real(GUEST_ORIGIN + guest["PGMCODE"], 2) == b"\0\1"
    ticks = int.from_bytes(native.read_real(GUEST_ORIGIN + guest["TICKS"], 4), "big")
    assert 4000 // 256 <= ticks <= 4100 // 256 + 1


@pytest.mark.parametrize("execution", EXECUTIONS)
@pytest.mark.parametrize("interval_timer", [False, True], ids=["cpu-timer", "interval-timer"])
@pytest.mark.parametrize("slice_us", [100_000, 700, 97])
def test_a_host_under_the_vmcp_runs_its_guest_as_natively(execution: str, slice_us: int,
                                                           interval_timer: bool) -> None:
    image = host_image(GUEST, slice_us=slice_us, interval_timer=interval_timer)
    native = run_native(image)
    vm = run_vm(image, execution)
    assert differences(native, vm) == []
    assert sd_code(vm) == sie.WAIT_STATE


@pytest.mark.parametrize("execution", EXECUTIONS)
def test_short_vmcp_slices_leave_the_guest_hypervisor_s_results_unchanged(
        execution: str) -> None:
    image = host_image(GUEST, slice_us=700)
    native = run_native(image)
    vm = run_vm(image, execution, slice_us=50)
    assert differences(native, vm) == []


@pytest.mark.parametrize("execution", EXECUTIONS)
def test_a_step_limit_inside_the_guest_ends_the_sie_as_natively(execution: str) -> None:
    image = host_image(GUEST, slice_us=100_000)
    native = run_native(image, max_steps=1500)
    vm = run_vm(image, execution, max_steps=1500)
    assert native.ia & 0xFFFFFF != 0
    assert differences(native, vm) == []


@pytest.mark.parametrize("execution", EXECUTIONS)
def test_a_pageable_guest_without_host_dat_is_invalid_as_natively(execution: str) -> None:
    image = bytearray(host_image(GUEST))
    image[SD + sie.SD_MODE] = sie.MODE_370        # pageable; the host's CR0 has no format
    native = run_native(bytes(image))
    assert sd_code(native) == sie.VALIDITY
    assert native.read_real(SD + sie.SD_IPA, 2) == sie.VALIDITY_HOST_DAT.to_bytes(2, "big")
    assert differences(native, run_vm(bytes(image), execution)) == []


# A pageable guest: its storage is host virtual X'100000'-X'10FFFF' (segment 16
# of 64K), which the host's tables (4K pages) map page n onto host frame
# X'1F000' - n * X'1000': the guest's pages in reverse order.
PAGEABLE_ORIGIN = 0x100000
SEGMENT_TABLE, PAGE_TABLE = 0x4000, 0x4400


def pageable_image(guest: str = GUEST, invalid: tuple[int, ...] = (),
                   key_area: int = 0) -> bytes:
    image = bytearray(host_image(guest))
    program = image[GUEST_ORIGIN:]
    image[GUEST_ORIGIN:] = bytes(HOST_STORAGE - GUEST_ORIGIN)
    for n in range(16):
        frame = 0x1F000 - n * 0x1000
        image[frame:frame + 0x1000] = program[n * 0x1000:(n + 1) * 0x1000].ljust(
            0x1000, b"\0")
        entry = 0x0008 if n in invalid else (frame >> 8) & 0xFFF0
        image[PAGE_TABLE + 2 * n:PAGE_TABLE + 2 * n + 2] = entry.to_bytes(2, "big")
    for segment in range(256):
        entry = (0xF << 28) | PAGE_TABLE if segment == 16 else 1
        image[SEGMENT_TABLE + 4 * segment:SEGMENT_TABLE + 4 * segment + 4] = \
            entry.to_bytes(4, "big")
    at = HOST_SYMBOLS["CR0"]
    image[at:at + 4] = bytes.fromhex("00800400")        # 4K pages, 64K segments
    # The host loads CR1 too: its LCTL 0,0 made LCTL 0,1 over CR0 and the word after.
    lctl = HOST_SYMBOLS["BEGIN"] + 2
    assert image[lctl:lctl + 2] == bytes.fromhex("B700")
    image[lctl + 1] = 0x01
    image[at + 4:at + 8] = ((15 << 24) | SEGMENT_TABLE).to_bytes(4, "big")
    image[SD + sie.SD_MODE] = sie.MODE_370
    image[SD + sie.SD_ORIGIN:SD + sie.SD_ORIGIN + 4] = PAGEABLE_ORIGIN.to_bytes(4, "big")
    image[SD + sie.SD_KEY_AREA:SD + sie.SD_KEY_AREA + 4] = key_area.to_bytes(4, "big")
    return bytes(image)


@pytest.mark.parametrize("execution", EXECUTIONS)
@pytest.mark.parametrize("case,image", [
    ("all pages", lambda: pageable_image()),
    ("with a key area", lambda: pageable_image(key_area=0x3000)),
    ("page 0 invalid", lambda: pageable_image(invalid=(0,))),
    ("a data page invalid", lambda: pageable_image(invalid=(5,), guest=GUEST_TOUCHING)),
])
def test_a_pageable_guest_of_a_vm_runs_through_the_vm_s_tables_as_natively(
        execution: str, case: str, image) -> None:
    image = image()
    native = run_native(image)
    vm = run_vm(image, execution)
    assert differences(native, vm) == []
    if "invalid" in case:
        # The host's translation failed: its program interruption at the SIE
        # (page translation, X'11'), its program new PSW a disabled wait.
        assert native.read_real(0x8E, 2) == b"\0\x11"
        assert native.read_real(0x28, 8)[5:] == (HOST_SYMBOLS["LOOP"] + 4).to_bytes(3, "big")
    else:
        assert sd_code(native) == sie.WAIT_STATE


# The guest of GUEST_TOUCHING stores into its page 5 (guest absolute X'5000').
GUEST_TOUCHING = GUEST.replace(
    "         STPX  PFX2\n",
    "         STPX  PFX2\n"
    "         LA    10,X'A00'\n         SLL   10,3\n         MVC   0(4,10),T1\n")


def _patched(changes: dict[int, bytes], guest: str = GUEST) -> bytes:
    image = bytearray(host_image(guest))
    for at, data in changes.items():
        image[at:at + len(data)] = data
    return bytes(image)


HOST_SYMBOLS = assemble(host_source(), "host.asm").symbols
# The host's "LA 15,SD" made "LA 15,SD+8": the SD not on a 256-byte boundary.
_LA = HOST_SYMBOLS["BEGIN"] + 10


@pytest.mark.parametrize("execution", EXECUTIONS)
@pytest.mark.parametrize("case,changes,code,reason", [
    ("extent beyond the host's storage", {SD + sie.SD_EXTENT: (0x20000).to_bytes(4, "big")},
     sie.VALIDITY, sie.VALIDITY_STORAGE_PLACE),
    ("extent over the host's low storage", {SD + sie.SD_ORIGIN: bytes(4)},
     sie.VALIDITY, sie.VALIDITY_STORAGE_PLACE),
    ("key area over the guest", {SD + sie.SD_KEY_AREA: GUEST_ORIGIN.to_bytes(4, "big")},
     sie.VALIDITY, sie.VALIDITY_KEY_AREA),
    ("prefix beyond the extent", {SD + sie.SD_PREFIX: (0x10000).to_bytes(4, "big")},
     sie.VALIDITY, sie.VALIDITY_PREFIX),
    ("key area in the host's storage", {SD + sie.SD_KEY_AREA: (0x3000).to_bytes(4, "big")},
     sie.WAIT_STATE, 0),
])
def test_the_state_description_is_checked_against_the_vm_as_natively(
        execution: str, case: str, changes: dict[int, bytes], code: int, reason: int) -> None:
    image = _patched(changes)
    native = run_native(image)
    assert sd_code(native) == code
    if reason:
        assert native.read_real(SD + sie.SD_IPA, 2) == reason.to_bytes(2, "big")
    assert differences(native, run_vm(image, execution)) == []


@pytest.mark.parametrize("execution", EXECUTIONS)
def test_a_misaligned_state_description_is_the_host_s_specification_exception(
        execution: str) -> None:
    image = bytearray(host_image(GUEST))
    assert image[_LA:_LA + 2] == bytes.fromhex("41F0")
    image[_LA + 2:_LA + 4] = (SD + 8).to_bytes(2, "big")
    native = run_native(bytes(image), max_steps=50)
    assert native.read_real(0x8E, 2) == b"\0\6"           # specification exception
    assert differences(native, run_vm(bytes(image), execution, max_steps=50)) == []


# A guest that stores beyond its 64K extent and into the last bytes of it: the
# first is its own addressing exception (its program new PSW: a disabled wait
# at X'ADD'), the host's storage beyond is untouched.
REACHING_GUEST = """
G        START 0
         ORG   G+X'68'
         DC    X'000A0000',A(X'ADD')     program new PSW: a disabled wait
         ORG   G+X'200'
         USING G,0
         L     1,EDGE
         MVC   0(4,1),MARK              the last word of its storage
         L     1,BEYOND
         MVC   0(4,1),MARK              the first word beyond: addressing
         LPSW  X'200'
EDGE     DC    A(X'FFFC')
BEYOND   DC    A(X'10000')
MARK     DC    C'MARK'
         END
"""


@pytest.mark.parametrize("execution", EXECUTIONS)
def test_a_vm_s_guest_reaches_nothing_beyond_its_extent(execution: str) -> None:
    image = host_image(REACHING_GUEST)
    native = run_native(image)
    assert native.read_real(GUEST_ORIGIN + 0xFFFC, 4) == b"\xd4\xc1\xd9\xd2"  # MARK
    cp = VMCP(real_storage=1 << 20, execution=execution)
    neighbour_image = bytes(range(256)) * 256
    vm = cp.create_vm(image, HOST_STORAGE, max_steps=200_000)
    neighbour = cp.create_vm(neighbour_image, 0x10000, max_steps=1)
    # The VM beside it: one instruction of its own image, and stopped.
    cp.run()
    assert differences(native, vm) == []
    sd = vm.read_real(SD, sie.SD_SIZE)
    assert int.from_bytes(sd[sie.SD_PSW:sie.SD_PSW + 8], "big") & 0xFFFFFF == 0xADD
    assert bytes(neighbour.mem[0x300:0x400]) == neighbour_image[0x300:0x400]


# ---------------------------------------------------------------------------
# Properties: generated guests of the host, natively and as a VM's guests
# ---------------------------------------------------------------------------
PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def guest_of_host(source: str, slice_us: int) -> bytes:
    """The host image with the generated program ``source`` as its guest, whose
    PSW is the program's restart PSW (its location 0)."""
    program = assemble(source, "generated.asm").image
    assert len(program) <= PROGRAM_STORAGE
    image = bytearray(host_image("G START 0\n END\n", slice_us=slice_us))
    image[GUEST_ORIGIN:] = program
    image[SD + sie.SD_PSW:SD + sie.SD_PSW + 8] = program[:8]
    return bytes(image)


def _compare_nested(source: str, execution: str, slice_us: int, vmcp_slice: int) -> None:
    image = guest_of_host(source, slice_us)
    native = run_native(image, max_steps=3000)
    vm = run_vm(image, execution, max_steps=3000, slice_us=vmcp_slice)
    assert differences(native, vm) == []


@PROPERTY
@given(source=guest_programs(), execution=st.sampled_from(EXECUTIONS),
       slice_us=st.sampled_from([50, 300, 100_000]), vmcp_slice=st.sampled_from([40, 5000]))
def test_generated_guests_of_a_vm_end_as_the_guests_of_the_native_host(
        source, execution, slice_us, vmcp_slice):
    _compare_nested(source, execution, slice_us, vmcp_slice)


@PROPERTY
@given(source=dat_programs(), execution=st.sampled_from(EXECUTIONS),
       slice_us=st.sampled_from([50, 300, 100_000]), vmcp_slice=st.sampled_from([40, 5000]))
def test_generated_dat_guests_of_a_vm_end_as_the_guests_of_the_native_host(
        source, execution, slice_us, vmcp_slice):
    _compare_nested(source, execution, slice_us, vmcp_slice)


@pytest.mark.parametrize("execution", EXECUTIONS)
@pytest.mark.parametrize("frames", [8, 40], ids=["8-frames", "40-frames"])
@pytest.mark.parametrize("case,image", [
    ("resident guest", lambda: host_image(GUEST)),
    ("resident guest with a key area", lambda: _patched(
        {SD + sie.SD_KEY_AREA: (0x3000).to_bytes(4, "big")})),
    ("pageable guest", lambda: pageable_image()),
    ("pageable guest, a page invalid", lambda: pageable_image(invalid=(5,),
                                                              guest=GUEST_TOUCHING)),
    ("resident guest sweeping its pages", lambda: host_image(GUEST_SWEEPING)),
    ("pageable guest sweeping its pages", lambda: pageable_image(guest=GUEST_SWEEPING)),
])
def test_the_guest_of_a_paged_vm_runs_as_natively(execution: str, frames: int, case: str,
                                                  image) -> None:
    # A paged VM's storage is the VMCP's pages: with 8 frames for 128K, pages go
    # out and come in while its guest runs.
    image = image()
    native = run_native(image)
    cp = VMCP(real_storage=1 << 20, execution=execution, paging=frames * 4096)
    vm = cp.create_vm(image, HOST_STORAGE, max_steps=200_000, paged=True)
    cp.run()
    assert differences(native, vm) == []
    assert vm.interventions["combined fault"] > 0
    if frames == 8 and "sweeping" in case:
        assert vm.paged.pager.page_outs > 0


# A guest that stores into each of its 16 pages, three times over.
GUEST_SWEEPING = """
G        START 0
         ORG   G+X'200'
         USING G,0
         LA    3,3
AGAIN    LA    2,16
         SR    1,1
SWEEP    ST    3,X'100'(0,1)
         A     1,PAGE
         BCT   2,SWEEP
         BCT   3,AGAIN
         LPSW  WAITPSW
         DS    0D
WAITPSW  DC    X'000A0000',A(X'EEE')
PAGE     DC    A(X'1000')
         END
"""


# ---------------------------------------------------------------------------
# A trace of a guest hypervisor under the VMCP
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("slice_us", [700, 100_000])
def test_a_trace_of_a_guest_hypervisor_under_the_vmcp_is_its_native_trace(slice_us) -> None:
    # A VM's SIE is one record, numbered by the guest's step count when it ends,
    # with everything it changed (the SD, the guest's storage, the registers), as
    # natively; the real machine's own SIE is not the VM's instruction.
    image = host_image(GUEST, slice_us=slice_us)
    native = record_lines(image, HOST_STORAGE, "native", 200_000)
    vmcp = record_lines(image, HOST_STORAGE, "vmcp", 200_000)
    assert len(native) > 20
    assert native[1:] == vmcp[1:]          # the header names the mode
