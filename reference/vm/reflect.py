"""Reflection: a guest's own interruptions performed on its virtual state.

Theory of operation
-------------------
When a real program or supervisor-call interruption took the real machine back
from a guest and the VMCP has nothing to simulate or fill, the interruption is
the guest's.  The VMCP reads what the real interruption stored in its own real
low storage (GA22-7000 ch.3 "Assigned Storage Locations": the program
interruption's ILC and code, the SVC's ILC and number, the PER code and address,
the monitor class and code) and performs
the same interruption on the ``VirtualMachine``: the old PSW stored into the
guest's low storage, its new PSW loaded, exactly as the native machine does.

The instruction's address is where the PSW moved past it, or (after a
successful branch with a PER event) the real machine's PER address; a
nullifying exception leaves the guest's PSW at the instruction itself.

A real translation exception of a guest with DAT off means the guest addressed
beyond its storage (the VMCP's tables for it end where its storage ends): it is
reflected as the addressing exception the native machine recognizes, which
suppresses, with the PER events the nullifying real exception dropped.

The guest's external interruptions (its CPU timer, clock comparator, interval
timer) are not reflected: they arise from its virtual timers and are performed
by its own settling between instructions (``VirtualMachine.settle``).
"""

from __future__ import annotations

from reference.arch import opcodes
from reference.arch.interrupts import (
    PROGRAM_EXCEPTIONS,
    AddressingException,
    MonitorEvent,
    PageTranslation,
    ProgramInterruption,
    SegmentTranslation,
    SupervisorCall,
)
from reference.arch.lowcore import (
    MONITOR_CLASS,
    MONITOR_CODE,
    PER_ADDRESS,
    PER_CODE,
    SVC_CODE,
    SVC_ILC,
)
from reference.machine.machine import Machine
from reference.vm.virtual_machine import VirtualMachine

PER_EVENT_FLAG = 0x0080          # in the program-interruption code: a PER event too

# The exceptions a reflected program interruption can be (translation
# exceptions of the real machine are the VMCP's, never reflected as such).
_PROGRAM_CLASSES = tuple(c for c in PROGRAM_EXCEPTIONS
                         if c not in (SegmentTranslation, PageTranslation))


def program(real: Machine, vm: VirtualMachine, code: int, ilc: int, per_code: int) -> str:
    """Perform the real program interruption of ``code`` (with ``per_code``) on
    the VM; the cause counted."""
    base = code & ~PER_EVENT_FLAG
    # The instruction's address: the PSW has moved past it, or (after a
    # successful branch with a PER event) to the branch address; the real
    # machine's PER address names it then.
    if per_code:
        instruction_at = int.from_bytes(real.read_real(PER_ADDRESS, 4), "big") & 0xFFFFFF
    else:
        instruction_at = (vm.ia - 2 * ilc) & 0xFFFFFF
    exc = _exception_with_code(base)
    if isinstance(exc, MonitorEvent):
        exc.monitor_class = real.read_real(MONITOR_CLASS, 1)[0]
        exc.monitor_code = int.from_bytes(real.read_real(MONITOR_CODE, 4), "big")
    vm.per_event = per_code
    if exc.nullify:
        vm.ia = instruction_at
    vm.program_interruption(exc, ilc, instruction_at)
    cause = f"reflect program {code:04X}"
    vm.interventions[cause] += 1
    return cause


def addressing(real: Machine, vm: VirtualMachine, ilc: int) -> str:
    """A real translation exception nullified the instruction: reflect the
    addressing exception, which suppresses (or, on instruction fetch, points
    two bytes past the instruction with ILC 1, as this machine does)."""
    at = vm.ia  # nullified: the instruction's own address
    length = 2
    if _fetchable(vm, at):
        length = opcodes.instruction_length(vm.mem[vm.real_to_absolute(at)])
        if not _fetchable(vm, (at + length - 1) & 0xFFFFFF):
            length = 2
        else:
            length = 2 * ilc if ilc else length
    vm.ia = (at + length) & 0xFFFFFF
    # The native addressing exception does not nullify: the PER events that
    # the real (nullifying) translation exception dropped are the guest's.
    vm.end_instruction(at, length, AddressingException("beyond guest storage"),
                       per_events=real.per_events_recognized if vm.per_on else 0)
    vm.interventions["reflect program 0005"] += 1
    return "reflect program 0005"


def svc(real: Machine, vm: VirtualMachine) -> str:
    """Perform the real supervisor-call interruption on the VM."""
    number = int.from_bytes(real.read_real(SVC_CODE, 2), "big")
    ilc = real.read_real(SVC_ILC, 1)[0] >> 1
    vm.supervisor_call_interruption(number, ilc)
    vm.interventions["reflect SVC"] += 1
    return "reflect SVC"


def svc_with_per(real: Machine, vm: VirtualMachine) -> str:
    """SVC with a PER event: the real machine took the SVC interruption and then,
    with the VMCP's SVC entry PSW as old PSW, the PER program interruption.  The
    guest gets both, in that order, as natively."""
    number = int.from_bytes(real.read_real(SVC_CODE, 2), "big")
    ilc = real.read_real(SVC_ILC, 1)[0] >> 1
    at = int.from_bytes(real.read_real(PER_ADDRESS, 4), "big") & 0xFFFFFF
    vm.end_instruction(at, 2 * ilc, SupervisorCall(number),
                       per_events=real.read_real(PER_CODE, 1)[0])
    vm.interventions["reflect SVC with PER"] += 1
    return "reflect SVC with PER"


def _fetchable(vm: VirtualMachine, addr: int) -> bool:
    return vm.real_to_absolute(addr & 0xFFFFFF) < vm.size


def _exception_with_code(code: int) -> ProgramInterruption:
    """An exception object that performs a program interruption with ``code``."""
    for cls in _PROGRAM_CLASSES:
        if cls.code == code:
            if cls is MonitorEvent:
                return MonitorEvent(0, 0)
            return cls()
    exc = ProgramInterruption(f"code {code:04X}")
    exc.code = code
    return exc


__all__ = ["program", "addressing", "svc", "svc_with_per"]
