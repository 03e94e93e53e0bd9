"""Implementations under test, and what running a program on one gives.

An implementation runs an image from a clear reset (image at absolute 0, the PSW
loaded from location 0 by a restart interruption, as ``s370 run`` starts) in one of
its modes, to a stop, and reports an ``Outcome``.  The reference implementation has
two modes: ``native`` (the reference machine) and ``vmcp`` (the program as the only
guest of the VMCP; every field is the guest's virtual state).  Other
implementations join through the adapter protocol (docs/adapter-protocol.md).

A run can also begin from given registers (``Start``: general, control and
floating-point registers and the prefix, each one named set, the others as the
clear reset leaves them), as an operator sets them before pressing the restart key:
``run_from`` of an implementation that has it (``takes_start``), where its
``lacks_start`` does not refuse them in the mode (``start_refusal`` says why not).
The restart interruption only stores the current PSW and loads a new one
(GA22-7000 ch.6 "Restart Interruption"), so the registers are those set; the
prefix decides where it stores and loads.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reference.io.config import ConfigError, IPLError
from reference.machine.cpu import CPU, State
from reference.machine.machine import Machine
from reference.session import UsageError, configured_guest, real_storage_for, start_machine
from reference.vm.vmcp import VMCP, VMCPError


@dataclass
class Outcome:
    """The end of one run."""

    stop: str
    steps: int
    psw: int
    gpr: tuple[int, ...]
    cr: tuple[int, ...]
    read: Callable[[int, int], bytes]         # (real address, length) -> bytes
    keys: Sequence[int]                       # the key of every 2K block (bytes, or read
                                              # on demand: conformance.adapter)
    interruptions: list[tuple[str, int, int, int]] = field(default_factory=list)
    state: State | None = None                # the whole state, where known
    # The floating-point registers 0, 2, 4, 6, where the implementation reports
    # them (None: it does not, or has no floating-point facility).
    fpr: tuple[int, ...] | None = None
    # With devices: what each output device and disk holds at the end (the file's
    # bytes, None when no file was written), by I/O address (conformance.corpus).
    outputs: dict[int, bytes | None] = field(default_factory=dict)


class Implementation(Protocol):
    """What every implementation has.  Optional, found with ``getattr``:
    ``run_configured`` (devices: ``takes_devices``), ``run_from(image, storage,
    max_steps, mode, start)`` and ``lacks_start(start, mode)`` (a run from given
    registers: ``takes_start``, ``start_refusal``)."""

    name: str
    modes: tuple[str, ...]
    facilities: tuple[str, ...]   # optional facilities installed (expectations.FACILITIES)

    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome: ...


PREFIX_MASK = 0x00FFF000       # the prefix: bits 8-19 (GA22-7000 ch.3 "Prefixing")
FPR_NUMBERS = (0, 2, 4, 6)     # the floating-point registers of System/370


@dataclass(frozen=True)
class Start:
    """Registers a run begins from: each register named here is set after the clear
    reset and before the restart interruption; the others keep their clear-reset
    values.  ``gpr`` and ``cr`` by number (0-15, 32-bit values), ``fpr`` by number
    (0, 2, 4, 6; 64-bit values), ``prefix`` (bits 8-19) or None.  ValueError for a
    register or value outside these."""

    gpr: Mapping[int, int] = field(default_factory=dict)
    cr: Mapping[int, int] = field(default_factory=dict)
    fpr: Mapping[int, int] = field(default_factory=dict)
    prefix: int | None = None

    def __post_init__(self) -> None:
        for name, numbers, bits in (("gpr", range(16), 32), ("cr", range(16), 32),
                                    ("fpr", FPR_NUMBERS, 64)):
            for number, value in getattr(self, name).items():
                if number not in numbers:
                    raise ValueError(f"{name} {number}: not one of "
                                     f"{', '.join(map(str, numbers))}")
                if not 0 <= value < 1 << bits:
                    raise ValueError(f"{name} {number}: {value:#x} is not {bits} bits")
        if self.prefix is not None and self.prefix & ~PREFIX_MASK:
            raise ValueError(f"prefix {self.prefix:#x}: only bits 8-19 can be set")

    def __bool__(self) -> bool:
        return bool(self.fields())

    def fields(self) -> tuple[str, ...]:
        """The state fields set (the adapter protocol's names)."""
        return tuple(name for name in ("gpr", "cr", "fpr") if getattr(self, name)) + \
            (("prefix",) if self.prefix is not None else ())

    def apply(self, cpu: CPU) -> None:
        """Set the registers on ``cpu``."""
        for number, value in self.gpr.items():
            cpu.gpr[number] = value
        for number, value in self.fpr.items():
            cpu.fpr[number >> 1] = value
        for number, value in self.cr.items():
            cpu.cr[number] = value
        if self.prefix is not None:
            cpu.prefix = self.prefix
        if self.cr or self.prefix is not None:
            cpu.control_changed()       # translation format, TLB, decoded instructions
        cpu.attention = True            # masks may enable a pending interruption

    def set_state(self) -> dict[str, object]:
        """The members of the adapter protocol's ``set_state`` request."""
        request: dict[str, object] = {}
        for name, digits in (("gpr", 8), ("cr", 8), ("fpr", 16)):
            registers = getattr(self, name)
            if registers:
                request[name] = {str(n): f"{v:0{digits}X}" for n, v in registers.items()}
        if self.prefix is not None:
            request["prefix"] = f"{self.prefix:08X}"
        return request


def takes_start(impl: Any) -> bool:
    """Whether ``impl`` can begin a run from given registers (``run_from``)."""
    return callable(getattr(impl, "run_from", None))


def start_refusal(impl: Any, start: Start, mode: str) -> str | None:
    """Why ``impl`` cannot begin a run in ``mode`` from ``start``, or None (it can,
    or ``start`` sets nothing)."""
    if not start:
        return None
    if not takes_start(impl):
        return (f"{impl.name} cannot begin a run from given registers (it has no "
                f"run_from: conformance.implementations)")
    lacks = getattr(impl, "lacks_start", None)
    return lacks(start, mode) if callable(lacks) else None


class DeviceSetupError(Exception):
    """The devices of a program could not be set up or the IPL failed (one line)."""


def takes_devices(impl: Any) -> bool:
    """Whether ``impl`` runs programs with device configurations."""
    return callable(getattr(impl, "run_configured", None))


def _outcome(cpu: CPU, stop: str) -> Outcome:
    log = cpu.interruption_log or []
    return Outcome(
        stop=stop, steps=cpu.steps, psw=cpu.psw_value(), gpr=tuple(cpu.gpr),
        cr=tuple(cpu.cr), read=cpu.real_storage, keys=bytes(cpu.keys),
        interruptions=[(r.kind, r.code, r.ilc, r.old_psw) for r in log], state=cpu.state(),
        fpr=tuple(cpu.fpr))


# Architectural coverage (``--s370-coverage``, conformance.coverage): while set,
# ``Reference.run`` calls ``coverage_hook(mode, cpu, machine, vmcp)`` before each run
# (``cpu`` the architectural CPU, ``machine`` the machine executing, ``vmcp`` the
# control program or None); it attaches its observers and returns what to call
# when the run ends.  None (the default): nothing is observed.
coverage_hook: Callable[[str, CPU, Any, Any], Callable[[], None]] | None = None


class Reference:
    """The reference machine, natively and under the VMCP."""

    name = "reference"
    modes: tuple[str, ...] = ("native", "vmcp")
    facilities: tuple[str, ...] = ("floating-point", "channel-io")

    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome:
        return self.run_from(image, storage, max_steps, mode, Start())

    def lacks_start(self, start: Start, mode: str) -> str | None:
        """Why a run in ``mode`` cannot begin from ``start``, or None.  Natively every
        register is set before the restart interruption.  Under the VMCP the VM is
        created and restarted by ``VMCP.create_vm``; its registers are set on its
        virtual state before its first dispatch, which is the same, since the restart
        interruption neither uses nor changes them, but the prefix decides where that
        interruption stores and loads the PSW, and ``create_vm`` takes none."""
        if mode == "vmcp" and start.prefix:
            return (f"under the VMCP a prefix of {start.prefix:08X} before the run cannot "
                    f"be set: VMCP.create_vm performs the VM's restart interruption at "
                    f"prefix 0 and takes no prefix")
        return None

    def run_from(self, image: bytes, storage: int, max_steps: int, mode: str,
                 start: Start) -> Outcome:
        """A run that begins from the registers of ``start`` (``lacks_start``: where
        it cannot, ValueError)."""
        why = self.lacks_start(start, mode)
        if why is not None:
            raise ValueError(why)
        if start.prefix is not None and start.prefix + 0x1000 > storage:
            raise ValueError(f"prefix {start.prefix:08X}: beyond storage ({storage} bytes)")
        if mode == "native":
            if start:
                # start_machine's sequence, the registers set before the restart.
                if len(image) > storage:
                    raise UsageError(f"image: image of {len(image)} bytes is larger than "
                                     f"storage ({storage} bytes)")
                m = Machine(storage)
                m.load_image(image, 0)
                start.apply(m)
                m.restart_interruption()
            else:
                m = start_machine(image, storage)
            m.interruption_log = []
            done = coverage_hook(mode, m, m, None) if coverage_hook is not None else None
            stop = m.run(max_steps)
            if done is not None:
                done()
            return _outcome(m, stop)
        if mode == "vmcp":
            cp = VMCP(real_storage=real_storage_for(storage))
            vm = cp.create_vm(image, storage, max_steps=max_steps)
            if start:
                # Before the first dispatch, which settles the VM first (attention).
                start.apply(vm)
            vm.interruption_log = []
            done = coverage_hook(mode, vm, cp.real, cp) if coverage_hook is not None else None
            cp.run()
            if done is not None:
                done()
            return _outcome(vm, vm.stop_reason or "")
        raise ValueError(f"the reference has no mode {mode!r}")

    def run_configured(self, image: bytes, storage: int, max_steps: int, mode: str,
                       config: Any, ipl: int | None = None) -> Outcome:
        """A run with the devices of ``config`` (reference.io.devices.Configuration):
        natively attached to the machine (``Configuration.start``); under the VMCP
        as ``s370 run --config --under vmcp`` gives them (reference.vm.vmcp
        ``configured_guest``: spooled unit-record devices and console, each 3370 a
        real disk given whole to the VM as a minidisk), the spool files handed on
        when the VMCP closes.  The image is loaded at 0;
        then the restart interruption, or with ``ipl`` initial program loading
        from that device.  DeviceSetupError when the devices or the IPL fail."""
        if mode == "native":
            try:
                m = config.start(image, storage, ipl)
            except (ConfigError, IPLError) as e:
                raise DeviceSetupError(str(e)) from None
            try:
                m.interruption_log = []
                done = coverage_hook(mode, m, m, None) if coverage_hook is not None else None
                stop = m.run(max_steps)
                if done is not None:
                    done()
            finally:
                m.channels.close()
            return _outcome(m, stop)
        if mode == "vmcp":
            # The spool in a directory of this run, removed with it.
            with tempfile.TemporaryDirectory(prefix="s370-spool-") as spool:
                try:
                    cp, vm = configured_guest(config, image, storage, max_steps=max_steps,
                                              ipl=ipl, spool_directory=spool)
                except VMCPError as e:
                    raise DeviceSetupError(str(e)) from None
                try:
                    vm.interruption_log = []
                    done = coverage_hook(mode, vm, cp.real, cp) \
                        if coverage_hook is not None else None
                    cp.run()
                    if done is not None:
                        done()
                finally:
                    cp.close()
            return _outcome(vm, vm.stop_reason or "")
        raise ValueError(f"the reference has no mode {mode!r}")

