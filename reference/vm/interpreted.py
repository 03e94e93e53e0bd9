"""The VMCP's third execution mode: its guests run by interpretive execution.

Theory of operation
-------------------
With ``VMCP(execution="sie")`` the VMCP no longer runs a guest in the real problem
state and takes it back through real interruptions: it describes the guest to the
real machine in a state description (reference.machine.interpretive,
docs/interpretive-execution.md) and lets the machine run it with START
INTERPRETIVE EXECUTION.  A dispatch is "build the state description, run SIE,
handle the interception":

- ``describe`` writes the SD from the VM's virtual state: its PSW, registers,
  control registers, prefix, timers, its clock (elapsed time, instructions,
  interval-timer steps) and, as requests, the interruption conditions the VMCP
  holds for it (its channels' I/O interruptions, the interrupt key, signals,
  machine checks), which the guest is not enabled for (the VMCP took the others
  before the dispatch);
- the real machine runs the host program ``SIE 0(15); LPSW`` of a disabled wait
  at ``ENTRY_SIE``, with its CPU timer set to end the SIE where the dispatch
  must end (the slice, the VM's next channel event, its bounds);
- ``take_back`` reads the guest's state from the SD into the VM;
- the interception is handled by ``INTERCEPTIONS`` (data: code -> cause); only
  an instruction interception makes the VMCP simulate (the same simulations as
  trap-and-simulate, reference.vm.simulate), a wait or a request is the settling
  the VMCP does after every dispatch step anyway.

A resident VM is a resident guest (its region of real storage is the origin and
extent); a paged VM is a pageable guest whose host virtual storage is mapped by the
VMCP's tables for it (guest absolute page -> frame), a real page-translation
exception of the host being the VM's page fault.
"""

from __future__ import annotations

from typing import Any

from reference.arch import dat
from reference.arch.lowcore import MASK32, MASK64, TOD_UNITS_PER_US
from reference.arch.opcodes import instruction_length
from reference.machine import interpretive as sie

HOST_PROGRAM = 0x400             # real: SIE 0(15); LPSW WAIT_PSW
WAIT_PSW_AT = 0x410
ENTRY_SIE = 0x48                 # the disabled wait after an interception

# What each interception is to the VMCP: the cause counted (None: an instruction
# to simulate).
INTERCEPTIONS: dict[int, str | None] = {
    sie.INSTRUCTION: None,
    sie.WAIT_STATE: "wait state",
    sie.EXTERNAL_REQUEST: "interruption request",
    sie.IO_REQUEST: "interruption request",
    sie.MACHINE_CHECK_REQUEST: "interruption request",
    sie.INTERRUPTION_LOOP: "interruption loop",
}


def host_program(wait_psw: int) -> bytes:
    """The real machine's program at ``HOST_PROGRAM``: SIE of the SD whose address
    is in register 15, then LOAD PSW of ``wait_psw`` (at ``WAIT_PSW_AT``)."""
    code = bytes.fromhex("B214F000") + bytes([0x82, 0x00]) + WAIT_PSW_AT.to_bytes(2, "big")
    return code.ljust(WAIT_PSW_AT - HOST_PROGRAM, b"\0") + wait_psw.to_bytes(8, "big")


def describe(real: Any, vm: Any, sd: int, chain_limit: int) -> None:
    """Write the SD at real ``sd`` for ``vm`` and load the real registers the
    guest's are in (general registers 0-13, floating-point registers); the
    epoch makes the guest's TOD clock go on from the VM's when SIE begins."""
    paged = vm.paged is not None
    state = (sie.STATE_INTERVAL_TIMER_PENDING if vm.pending_interval_timer else 0) \
        | (sie.STATE_INVALID_PSW_BY_SSM if vm.psw_invalid_bits and vm.psw_invalid_ilc == 2
           else 0)
    chain = vm.interruption_chain if vm.steps == vm._steps_at_last_interruption else 0
    d = sie.StateDescription(
        requests=requests(vm), state=state,
        mode=sie.MODE_370 | (0 if paged else sie.MODE_RESIDENT), prefix=vm.prefix,
        origin=0 if paged else vm.origin, extent=vm.size, gr14=vm.gpr[14],
        gr15=vm.gpr[15], psw=vm.psw_value(), cpu_timer=vm.cpu_timer(),
        clock_comparator=vm.clock_comparator,
        epoch=(vm.tod() - (real.now() + 1) * TOD_UNITS_PER_US) & MASK64,
        controls=bytes(16), code=0, flags=0, ipa=0, ipb=0, key_area=0,
        cr=tuple(value & MASK32 for value in vm.cr), parameters=bytes(8),
        elapsed=vm.now(), instructions=vm.steps, interval_steps=vm.interval_ticks,
        chain=chain, chain_limit=chain_limit)
    load(real, vm, d, sd)


def load(real: Any, vm: Any, d: sie.StateDescription, sd: int) -> None:
    """Write the SD ``d`` at real ``sd`` and load the real registers the guest's
    are in: general registers 0-13 and the floating-point registers, the VM's
    (register 15 holds the SD's address for the host program's ``SIE 0(15)``)."""
    at = real.real_to_absolute(sd)
    d.write(real.mem, at)
    real._stored(at, sie.SD_SIZE)
    real.gpr[:14] = vm.gpr[:14]
    real.gpr[15] = sd
    real.fpr[:] = vm.fpr


def requests(vm: Any) -> int:
    """The SD's requests: the interruption conditions the VMCP holds for ``vm``."""
    v = 0
    if vm.pending_interrupt_key or vm.pending_signals:
        v |= sie.REQUEST_EXTERNAL
    if vm.channels is not None and vm.channels.pending_names():
        v |= sie.REQUEST_IO
    if vm.pending_machine_checks:
        v |= sie.REQUEST_MACHINE_CHECK
    return v


def take_back(real: Any, vm: Any, sd: int, ended_at_tod: int) -> sie.StateDescription:
    """The guest's state from the SD at real ``sd`` into ``vm`` (the real
    machine's TOD clock stood at ``ended_at_tod`` when the SIE ended); returns
    the SD (its code 0: the real CPU timer or a real exception ended the SIE)."""
    d = sie.StateDescription.read(real.mem, real.real_to_absolute(sd))
    gpr = vm.gpr
    gpr[:14] = real.gpr[:14]
    gpr[14], gpr[15] = d.gr14, d.gr15
    vm.fpr[:] = real.fpr
    vm.steps = d.instructions
    vm.idle_us = d.elapsed - d.instructions
    vm.interval_ticks = d.interval_steps
    vm.interruption_chain = d.chain
    vm._steps_at_last_interruption = d.instructions if d.chain else -1
    vm.pending_interval_timer = bool(d.state & sie.STATE_INTERVAL_TIMER_PENDING)
    vm.cpu_timer_value = d.cpu_timer
    vm.cpu_timer_set_at = vm.now()
    vm.clock_comparator = d.clock_comparator
    guest_tod = (ended_at_tod + d.epoch) & MASK64
    vm.tod_offset = (guest_tod - vm.now() * TOD_UNITS_PER_US) & MASK64
    # The machine translated with a TLB of its own: the VM's (used by the
    # simulations) starts afresh, as after a purge.
    vm.tlb.clear()
    if list(d.cr) != vm.cr:
        vm.cr[:] = d.cr
        vm.dat_format = dat.Format(vm.cr[0])
    vm.prefix = d.prefix
    vm.load_psw_value(d.psw)
    if d.state & sie.STATE_INVALID_PSW_BY_SSM:
        vm.psw_invalid_ilc = 2
    return d


def intercepted_length(d: sie.StateDescription) -> int:
    """The length of the instruction an instruction interception names."""
    return instruction_length(d.ipa >> 8)


__all__ = ["HOST_PROGRAM", "ENTRY_SIE", "INTERCEPTIONS", "host_program", "describe", "load",
           "requests", "take_back", "intercepted_length"]
