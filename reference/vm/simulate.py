"""Instruction simulation: a guest's privileged instructions applied to its virtual state.

Theory of operation
-------------------
A guest runs in the real problem state, so every privileged instruction it
executes is a real privileged-operation exception.  When the guest's virtual PSW
is in the supervisor state the VMCP simulates the instruction (in the virtual
problem state the exception is the guest's, and is reflected): the instruction
that trapped is read again from the guest's storage (for an EXECUTE, its target
as modified by R1, decoded by the same ``execute_target`` the machine's EXECUTE
uses) and performed through ``SIMULATIONS``, one entry per privileged
instruction: the architecture's
definition of the instruction (the same functions the real machine executes)
applied to the ``VirtualMachine`` - its virtual PSW, control registers, prefix,
timers, the storage keys of its frames, and for the I/O instructions its virtual
channel subsystem (reference.vm.vmio).  ``perform`` surrounds it with what the
native machine does around any instruction: PER events recognized, and an
interruption the instruction causes performed on the virtual state with the
instruction's address and length.

Semi-privileged instructions (SPKA, IPK, MVCK) run directly: while the guest is
in the virtual supervisor state the real CR3 PSW-key mask allows every key and
the real extraction-authority control is on, so they trap only where the
guest's own state would refuse them.

The VMCP does the rest (``VMCP._simulate`` in reference.vm.vmcp): reading and
decoding the instruction, the accounting of the simulation, and its own
follow-up (``Simulation.remap``: SET PREFIX moves the prefix pages, so the
VMCP's tables for the VM are rebuilt).  The virtual-machine assist simulates
from inside the real machine's run, through the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reference.arch.interrupts import Interruption
from reference.machine.instructions import control, io
from reference.vm import nested
from reference.vm.virtual_machine import VirtualMachine


@dataclass(frozen=True)
class Simulation:
    """How the VMCP simulates one privileged instruction on a VM.

    ``perform`` is the architecture's definition of the instruction, applied to
    the virtual state; ``remap``: afterwards the VMCP rebuilds its tables for
    the VM (the instruction moved guest-real pages)."""

    perform: Callable[..., None]
    remap: bool = False


def _store_virtual_cpu_id(vm: VirtualMachine, b2: int, d2: int) -> None:
    """STIDP under the VMCP with the virtual-machine version code X'FF' (the option
    ``virtual_cpu_id``); otherwise the native definition answers."""
    control.store_cpu_id(vm, b2, d2)
    if vm.virtual_cpu_id:
        addr = vm.address(0, b2, d2)
        vm.store_byte(addr, 0xFF)


SIMULATIONS: dict[str, Simulation] = {
    "SSK": Simulation(control.set_storage_key),
    "ISK": Simulation(control.insert_storage_key),
    "SSM": Simulation(control.set_system_mask),
    "LPSW": Simulation(control.load_psw),
    "DIAG": Simulation(control.diagnose),
    "STNSM": Simulation(control.store_then_and_system_mask),
    "STOSM": Simulation(control.store_then_or_system_mask),
    "SIGP": Simulation(control.signal_processor),
    "LRA": Simulation(control.load_real_address),
    "STCTL": Simulation(control.store_control),
    "LCTL": Simulation(control.load_control),
    "STIDP": Simulation(_store_virtual_cpu_id),
    "SCK": Simulation(control.set_clock),
    "SCKC": Simulation(control.set_clock_comparator),
    "STCKC": Simulation(control.store_clock_comparator),
    "SPT": Simulation(control.set_cpu_timer),
    "STPT": Simulation(control.store_cpu_timer),
    "SPKA": Simulation(control.set_psw_key_from_address),
    "IPK": Simulation(control.insert_psw_key),
    "PTLB": Simulation(control.purge_tlb),
    "SPX": Simulation(control.set_prefix, remap=True),
    "STPX": Simulation(control.store_prefix),
    "STAP": Simulation(control.store_cpu_address),
    "RRB": Simulation(control.reset_reference_bit),
    "IPTE": Simulation(control.invalidate_page_table_entry),
    # Interpretive execution: the VM's guest runs by the real machine's SIE from a
    # shadow state description (reference.vm.nested, VMCP._run_nested).
    "SIE": Simulation(nested.start_interpretive_execution),
    "MVCK": Simulation(control.move_with_key),
    "MVCP": Simulation(control.move_to_primary),
    "MVCS": Simulation(control.move_to_secondary),
    "TPROT": Simulation(control.test_protection),
    # Channel I/O (reference.vm.vmio): the instruction's definition applied to the
    # VM, whose channel subsystem is its virtual one (virtual devices, spool,
    # minidisks by CCW translation).
    "SIO": Simulation(io.start_io),
    "SIOF": Simulation(io.start_io_fast_release),
    "TIO": Simulation(io.test_io),
    "CLRIO": Simulation(io.clear_io),
    "HIO": Simulation(io.halt_io),
    "HDV": Simulation(io.halt_device),
    "TCH": Simulation(io.test_channel),
    "STIDC": Simulation(io.store_channel_id),
}


def perform(vm: VirtualMachine, simulation: Simulation, fields: tuple[int, ...], at: int,
            ilc: int) -> bool:
    """Perform ``simulation`` with the instruction's ``fields`` on the VM, as the
    native machine executes the instruction at ``at`` of ILC ``ilc``: PER events
    recognized for it, and an interruption it causes performed on the virtual
    state.  Whether it completed (no interruption)."""
    vm.begin_instruction(at)
    try:
        simulation.perform(vm, *fields)
    except Interruption as exc:
        vm.end_instruction(at, 2 * ilc, exc)
        return False
    vm.end_instruction(at, 2 * ilc)
    return True


__all__ = ["Simulation", "SIMULATIONS", "perform"]
