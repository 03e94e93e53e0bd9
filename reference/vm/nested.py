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
   likewise, its TOD clock the VM's plus the SD's epoch, everything else the
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

*Scope.*  The VMCP combines resident guests of resident VMs: guest storage that
is an extent of the VM's storage.  A pageable guest (its storage the VM's virtual
storage) or a paged VM (its storage the VMCP's pages) would need shadow
translation tables for the combination; the VMCP does not provide them, and such
an SD is a validity interception with reason ``VALIDITY_NOT_COMBINED``
(docs/vmcp.md, "Guest hypervisors").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reference.arch.interrupts import AddressingException, SpecificationException
from reference.arch.lowcore import MASK24, MASK64, TOD_UNITS_PER_US
from reference.machine import interpretive as sie

# The VMCP's validity reason for an SD it does not combine (a pageable guest, or
# any guest of a paged VM): beyond the machine's reasons 1-7.
VALIDITY_NOT_COMBINED = 0x80


@dataclass
class NestedRun:
    """A VM in interpretive execution: its SIE at ``address``, its SD at VM real
    ``sd`` (VM absolute ``sd_absolute``)."""

    address: int
    sd: int
    sd_absolute: int


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
    d = sie.StateDescription.read(vm.mem, sd_absolute)
    reason = sie.validity_reason(vm, sd_absolute, d)
    if not reason and (vm.paged is not None or not d.mode & sie.MODE_RESIDENT):
        reason = VALIDITY_NOT_COMBINED
    if reason:
        vm.write_real(sd + sie.SD_CODE, bytes([sie.VALIDITY, 0]))
        vm.write_real(sd + sie.SD_IPA, reason.to_bytes(2, "big"))
        return
    vm.nested = NestedRun((vm.ia - 4) & MASK24, sd, sd_absolute)


def read(vm: Any) -> sie.StateDescription:
    """The VM's SD of the interpretive execution under way."""
    return sie.StateDescription.read(vm.mem, vm.nested.sd_absolute)


def describe(real: Any, vm: Any, d: sie.StateDescription, shadow: int) -> int:
    """Write at real ``shadow`` the SD that runs the guest of the VM's SD ``d`` on
    the real machine (its SIE to be the real machine's next instruction), and
    load the real registers 0-13 and floating-point registers (the guest's are
    the VM's).  Returns the shadow's epoch."""
    origin = vm.origin
    # Guest TOD = VM TOD + the SD's epoch, at the real SIE (one microsecond on).
    epoch = (vm.tod() + d.epoch - real.tod() - TOD_UNITS_PER_US) & MASK64
    shadow_d = d._replace(
        mode=d.mode | sie.MODE_RESIDENT, origin=origin + d.origin,
        key_area=origin + d.key_area if d.key_area else 0, epoch=epoch,
        code=0, flags=0, ipa=0, ipb=0)
    at = real.real_to_absolute(shadow)
    shadow_d.write(real.mem, at)
    real._stored(at, sie.SD_SIZE)
    real.gpr[:14] = vm.gpr[:14]
    real.gpr[15] = shadow
    real.fpr[:] = vm.fpr
    return epoch


def take_back(real: Any, vm: Any, d: sie.StateDescription, shadow: int,
              epoch: int) -> tuple[sie.StateDescription, int]:
    """The result of the real SIE (the shadow SD at real ``shadow``, written with
    ``epoch``) into the VM's SD ``d`` and the VM's registers; returns the VM's SD
    as now stored and the guest's instructions executed (the VM's too)."""
    s = sie.StateDescription.read(real.mem, real.real_to_absolute(shadow))
    new = d._replace(
        state=s.state, prefix=s.prefix, gr14=s.gr14, gr15=s.gr15, psw=s.psw,
        cpu_timer=s.cpu_timer, clock_comparator=s.clock_comparator,
        # The guest's clock moved against its host's only by its own SET CLOCK.
        epoch=(d.epoch + s.epoch - epoch) & MASK64,
        code=s.code, flags=s.flags, ipa=s.ipa, ipb=s.ipb, cr=s.cr,
        parameters=s.parameters, elapsed=s.elapsed, instructions=s.instructions,
        interval_steps=s.interval_steps, chain=s.chain)
    at = vm.nested.sd_absolute
    new.write(vm.mem, at)
    vm._stored(at, sie.SD_SIZE)
    vm.gpr[:14] = real.gpr[:14]
    vm.fpr[:] = real.fpr
    return new, s.instructions - d.instructions


__all__ = ["NestedRun", "VALIDITY_NOT_COMBINED", "start_interpretive_execution",
           "describe", "take_back", "read"]
