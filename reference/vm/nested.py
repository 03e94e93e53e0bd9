"""A guest's START INTERPRETIVE EXECUTION: the VMCP gives its guests the facility.

Theory of operation
-------------------
The real machine has interpretive execution (reference.machine.interpretive,
docs/interpretive-execution.md), and so has every VM: a guest hypervisor (one
that runs guests of its own with SIE, examples/minivm.asm) runs under the VMCP as
on the real machine.  A VM's SIE reaches the VMCP as every privileged
instruction of a VM does (a real privileged-operation exception, or an
instruction interception when the VM itself runs by SIE) and is simulated in two
steps, as z/VM runs a guest hypervisor's guests:

1. ``start_interpretive_execution`` (the instruction's simulation, on the VM's
   virtual state): the operand is checked (specification, addressing) and the
   VM's state description (SD) is checked against the VM as the machine checks
   one against itself (``interpretive.validity_reason``): a validity
   interception completes the SIE.  Otherwise the VM is *in interpretive
   execution* (``VirtualMachine.nested``): it stays at its SIE, and its
   dispatches run its guest instead of its own instructions.
2. ``VMCP._run_nested`` (reference.vm.vmcp) runs that guest on the real
   machine's SIE from a *shadow* SD that combines both levels (``describe``):
   the guest's storage at the VM's origin plus the SD's origin, its key area
   likewise (a resident guest of a resident VM; the others over a combined
   space, below), its TOD clock the VM's plus the SD's epoch, everything else the
   SD's own (state, controls, requests, timers, elapsed time).  The real CPU timer
   ends the real SIE at the VM's next timer event or at the end of the slice.
   ``take_back`` copies the result into the VM's SD, in the VM's terms, and the
   guest's instructions into the VM's time: a guest's instruction is an
   instruction of its host.

The VMCP adds no interception controls of its own, so every interception the
real machine makes is the VM's: its SIE completes with it.  Without one, the
real SIE ended at a VM event; the VM then does what the machine does for a host
at a timer event (its interval timer at location 80, its channels), and when the
VM is now interruptible, or its run reached a bound, its SIE ends without an
interception (code 0) with its PSW at the SIE, as a real host's does.  Otherwise
it stays in interpretive execution (the end of a slice among them: the VM's next
dispatch goes on with its guest, and the SIE is not performed again).  A VM's
SIE therefore ends with the same SD, registers, storage and time as a host's SIE
on the real machine.

The levels combine one at a time: a guest of a VM that executes SIE is
intercepted to the VM (SIE is always intercepted), which simulates it with a
shadow SD of its own and SIE, which reaches the VMCP as above.

*Translations combined.*  A resident guest of a resident VM is an extent of the
VM's storage, which is an extent of real storage: its shadow SD is resident at
the sum of the origins.  A *pageable* guest (its storage the VM's virtual
storage, translated by the VM's DAT tables) and any guest of a *paged* VM (whose
storage is the VMCP's pages) have no such extent: their shadow SD is pageable,
over a *combined space* the VMCP keeps for the VM (real tables in the VMCP's
format, 2K pages and 64K segments, from the VM's host virtual address to the
real frame).  It starts empty at each SIE of the VM and is filled on demand: a
real translation exception in it is resolved as the machine resolves the VM's
own access (``resolve``: through the VM's TLB and tables for a pageable guest,
paging the VM's page in for a paged VM).  When the VM's own translation fails,
that exception is the VM's: its SIE is nullified, the guest's state is in the SD
(code 0), and the VM takes the program interruption at its SIE, as a host on the
machine does.  A key area is copied into the combined region before each real
SIE and back after it.  A page the VMCP pages out empties the space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reference.arch import dat
from reference.arch.interrupts import (
    AddressingException,
    ProgramInterruption,
    SpecificationException,
)
from reference.arch.lowcore import MASK24, MASK64, TOD_UNITS_PER_US, TRANSLATION_EXCEPTION_ADDRESS
from reference.machine import interpretive as sie
from reference.vm import interpreted

# A VM's combined space: a segment table (256 entries, 1K) and 256 page tables of
# 32 two-byte entries (2K pages, 64K segments), then a copy of the key area
# (16M of guest storage has 8K keys).
COMBINED_TABLES = 1024 + 256 * 64
COMBINED_KEYS = COMBINED_TABLES
COMBINED_REGION = (COMBINED_TABLES + (16 << 20 >> 11) + 0xFFF) & ~0xFFF
PAGE = 2048
INVALID_SEGMENT_TABLE = dat.SEGMENT_INVALID.to_bytes(4, "big") * 256
INVALID_PAGE_TABLE = dat.PTE_INVALID_2K.to_bytes(2, "big") * 32


@dataclass
class NestedRun:
    """A VM in interpretive execution: its SIE at ``address``, its SD at VM real
    ``sd`` (VM absolute ``sd_absolute``); ``fresh`` until the combined space has
    been emptied for it."""

    address: int
    sd: int
    sd_absolute: int
    fresh: bool = True


def start_interpretive_execution(vm: Any, b2: int, d2: int) -> None:
    """B214 SIE, simulated for ``vm`` (the first step, on its virtual state):
    the operand and the SD checked; a validity interception completes the SIE,
    otherwise the VM is in interpretive execution (``VirtualMachine.nested``)."""
    sd = vm.address(0, b2, d2) & MASK24
    if sd & (sie.SD_BOUNDARY - 1):
        raise SpecificationException("state description not on a 256-byte boundary")
    sd_absolute = vm.real_to_absolute(sd)
    if sd_absolute + sie.SD_SIZE > vm.size:
        raise AddressingException(f"state description {sd:06X} beyond storage")
    d = _sd_at(vm, sd_absolute)
    reason = sie.validity_reason(vm, sd_absolute, d)
    if reason:
        vm.write_real(sd + sie.SD_CODE, bytes([sie.VALIDITY, 0]))
        vm.write_real(sd + sie.SD_IPA, reason.to_bytes(2, "big"))
        return
    vm.nested = NestedRun((vm.ia - 4) & MASK24, sd, sd_absolute)


def read(vm: Any) -> sie.StateDescription:
    """The VM's SD of the interpretive execution under way."""
    return _sd_at(vm, vm.nested.sd_absolute)


def _sd_at(vm: Any, at: int) -> sie.StateDescription:
    """The SD at VM absolute ``at`` (a paged VM's storage is read by slices)."""
    return sie.StateDescription.read(bytes(vm.mem[at:at + sie.SD_SIZE]))


def combined(vm: Any, d: sie.StateDescription) -> bool:
    """Whether the guest of the VM's SD ``d`` runs over the VM's combined space
    (a pageable guest, or any guest of a paged VM)."""
    return vm.paged is not None or not d.mode & sie.MODE_RESIDENT


def empty(real: Any, space: int) -> None:
    """The combined space at real ``space`` maps nothing (the caller purges the
    real TLB)."""
    real.mem[space:space + 1024] = INVALID_SEGMENT_TABLE


def describe(real: Any, vm: Any, d: sie.StateDescription, shadow: int,
             space: int) -> int:
    """Write at real ``shadow`` the SD that runs the guest of the VM's SD ``d`` on
    the real machine (its SIE to be the real machine's next instruction), over
    the combined space at real ``space`` when ``combined``, and load the real
    registers 0-13 and floating-point registers (the guest's are the VM's).
    Returns the shadow's epoch."""
    # Guest TOD = VM TOD + the SD's epoch, at the real SIE (one microsecond on).
    epoch = (vm.tod() + d.epoch - real.tod() - TOD_UNITS_PER_US) & MASK64
    if combined(vm, d):
        key_area = 0
        if d.key_area:
            key_area = space + COMBINED_KEYS
            n = d.extent >> 11
            real.mem[key_area:key_area + n] = vm.mem[d.key_area:d.key_area + n]
        shadow_d = d._replace(mode=d.mode & ~sie.MODE_RESIDENT, key_area=key_area)
    else:
        origin = vm.origin
        shadow_d = d._replace(
            mode=d.mode | sie.MODE_RESIDENT, origin=origin + d.origin,
            key_area=origin + d.key_area if d.key_area else 0)
    shadow_d = shadow_d._replace(epoch=epoch, code=0, flags=0, ipa=0, ipb=0)
    interpreted.load(real, vm, shadow_d, shadow)
    return epoch


def resolve(real: Any, vm: Any, d: sie.StateDescription, space: int) -> \
        ProgramInterruption | None:
    """A real translation exception in the combined space at real ``space``:
    the VM's own translation of the address (the real translation-exception
    address), as the machine makes it for a host (through the VM's TLB and
    tables for a pageable guest; a resident guest's address is VM absolute), and
    the 2K page filled (None).  When the VM's translation fails, its exception
    (the VM's, for its SIE)."""
    tea = int.from_bytes(real.read_real(TRANSLATION_EXCEPTION_ADDRESS, 4), "big")
    vaddr = tea & MASK24
    try:
        if d.mode & sie.MODE_RESIDENT:
            absolute = vaddr
        else:
            address, _ = dat.translate(vm, vaddr)
            absolute = vm.real_to_absolute(address)
        if absolute >= vm.size:
            raise AddressingException(f"host frame {absolute:06X} beyond storage")
    except ProgramInterruption as exc:
        return exc
    frame = vm.real_frame(absolute & ~(PAGE - 1), page_in=True)
    mem = real.mem
    segment = vaddr >> 16
    ste_at = space + 4 * segment
    pt = space + 1024 + 64 * segment
    if int.from_bytes(mem[ste_at:ste_at + 4], "big") & dat.SEGMENT_INVALID:
        mem[pt:pt + 64] = INVALID_PAGE_TABLE
        mem[ste_at:ste_at + 4] = ((15 << 28) | pt).to_bytes(4, "big")
    at = pt + 2 * ((vaddr >> 11) & 31)
    mem[at:at + 2] = ((frame >> 8) & dat.PFRA_2K).to_bytes(2, "big")
    return None


def take_back(real: Any, vm: Any, d: sie.StateDescription, shadow: int,
              epoch: int, space: int) -> tuple[sie.StateDescription, int]:
    """The result of the real SIE (the shadow SD at real ``shadow``, written with
    ``epoch``; the combined space at ``space``) into the VM's SD ``d`` and the
    VM's registers; returns the VM's SD as now stored and the guest's
    instructions executed (the VM's too)."""
    s = sie.StateDescription.read(real.mem, real.real_to_absolute(shadow))
    if d.key_area and combined(vm, d):
        n = d.extent >> 11
        vm.mem[d.key_area:d.key_area + n] = real.mem[space + COMBINED_KEYS:
                                                     space + COMBINED_KEYS + n]
        vm._stored(d.key_area, n)
    new = d._replace(
        state=s.state, prefix=s.prefix, gr14=s.gr14, gr15=s.gr15, psw=s.psw,
        cpu_timer=s.cpu_timer, clock_comparator=s.clock_comparator,
        # The guest's clock moved against its host's only by its own SET CLOCK.
        epoch=(d.epoch + s.epoch - epoch) & MASK64,
        code=s.code, flags=s.flags, ipa=s.ipa, ipb=s.ipb, cr=s.cr,
        parameters=s.parameters, elapsed=s.elapsed, instructions=s.instructions,
        interval_steps=s.interval_steps, chain=s.chain)
    at = vm.nested.sd_absolute
    buffer = bytearray(sie.SD_SIZE)
    new.write(buffer)
    vm.mem[at:at + sie.SD_SIZE] = buffer
    vm._stored(at, sie.SD_SIZE)
    vm.gpr[:14] = real.gpr[:14]
    vm.fpr[:] = real.fpr
    return new, s.instructions - d.instructions


__all__ = ["NestedRun", "COMBINED_REGION", "start_interpretive_execution", "combined",
           "empty", "describe", "resolve", "take_back", "read"]
