"""Starting and comparing runs: the one way every caller (the command line, the
conformance suite, the trace recorder, the benchmarks, adapters) loads a program,
starts a machine or a guest under the VMCP, runs a configuration, and finds where
two states differ.

Theory of operation
-------------------
A run begins from a program (``load_program``: a ``.asm`` file assembled, any
other file a raw image), placed at absolute 0 of a machine after clear reset; the
PSW is then loaded from location 0 by a restart interruption (``start_machine``),
as Hercules' ``restart`` does.  The same program runs as the only guest of a new
VMCP with ``start_vm``; ``run_either`` picks one of the two.  A machine
configuration with devices (``reference.io.devices``) runs natively through its
own ``Configuration.start``, or under the VMCP with ``configured_guest``;
``configured_run`` does either with every output written to a scratch folder and
returned.  ``first_difference`` compares two architectural states (``State``).

Bad input (a file that cannot be read, an image larger than storage, a source the
assembler refuses) raises ``UsageError`` with one line naming the place.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

from reference.arch.lowcore import MAX_STORAGE
from reference.asm.assembler import MAX_SOURCE, AssemblyError, assemble
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.config import ConfigError
from reference.machine.cpu import CPU, State
from reference.machine.machine import Machine
from reference.vm.shadow import SHADOW_SPACE
from reference.vm.virtual_machine import VirtualMachine
from reference.vm.vmcp import VMCP, VMCPError
from reference.vm.vmio import AREA_SIZE, VMIOError, devices_from_configuration


class UsageError(Exception):
    """Bad input: reported as one line and exit status 2."""


def new_vmcp(execution: str | None = None, **options: Any) -> VMCP:
    """A new VMCP of ``options`` that runs its guests the ``execution`` way
    (``reference.vm.vmcp.EXECUTIONS``); None: the VMCP's own default
    (``reference.vm.vmcp.default_execution``)."""
    if execution is None:
        return VMCP(**options)
    return VMCP(execution=execution, **options)


def load_program(path: str, storage: int = MAX_STORAGE) -> bytes:
    """The image of a program for ``storage`` bytes of storage: a .asm file (at most
    ``assembler.MAX_SOURCE`` bytes) assembled, or any other file as a raw image.  It
    reads at most one byte more than it accepts, so an endless file (/dev/zero) is
    refused as soon as that byte comes."""

    if Path(path).suffix.lower() == ".asm":
        try:
            data = assemble(read_source(path), path).image
        except AssemblyError as e:
            raise UsageError(str(e)) from None
    else:
        data = read_image(path, storage)
    if len(data) > storage:
        raise UsageError(f"{path}: image of {len(data)} bytes is larger than storage "
                         f"({storage} bytes)")
    return data


def _read_at_most(path: str, limit: int) -> bytes | None:
    """The bytes of ``path``, or None when it holds more than ``limit``: it reads
    at most one byte more, so an endless file (/dev/zero) ends at once."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from None
    return None if len(data) > limit else data


def read_image(path: str, limit: int = MAX_STORAGE) -> bytes:
    """A raw image of at most ``limit`` bytes (the storage it is for)."""
    data = _read_at_most(path, limit)
    if data is None:
        raise UsageError(f"{path}: image of more than {limit} bytes is larger than storage "
                         f"({limit} bytes)")
    return data


def read_source(path: str) -> str:
    """Assembler source: UTF-8 text of at most ``assembler.MAX_SOURCE`` bytes."""

    data = _read_at_most(path, MAX_SOURCE)
    if data is None:
        raise UsageError(f"{path}: source larger than {MAX_SOURCE} bytes, the most the "
                         f"assembler reads")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text ({e.reason} at byte {e.start})") \
            from None


def start_machine(image: bytes, storage: int, path: str = "image",
                  floating_point: bool = True) -> Machine:
    """Clear reset, the image at absolute 0, then the PSW from location 0, on a
    machine with (by default) or without the floating-point facility.

    The PSW is loaded by a restart interruption, as Hercules' ``restart`` does: the
    current PSW (all zeros after clear reset) is stored at 8 and the PSW at 0 loaded.
    """
    if len(image) > storage:
        raise UsageError(f"{path}: image of {len(image)} bytes is larger than storage "
                         f"({storage} bytes)")
    m = Machine(storage, floating_point=floating_point)
    m.load_image(image, 0)
    m.restart_interruption()
    return m


def start_vm(image: bytes, storage: int, max_steps: int,
             path: str = "image", virtual_cpu_id: bool = False,
             max_time: int | None = None, floating_point: bool = True,
             execution: str | None = None) -> VirtualMachine:
    """One VM under a new VMCP, started as ``start_machine`` starts the native one,
    run to its stop.  Returns the VM (its state is the guest's virtual state).
    ``execution``: how the VMCP runs it (``reference.vm.vmcp.EXECUTIONS``; None:
    the VMCP's default)."""

    real = real_storage_for(storage)
    if real > MAX_STORAGE:
        raise UsageError(f"{path}: under the VMCP a guest of {storage} bytes needs {real} "
                         f"bytes of real storage, more than the 16M the machine has")
    if len(image) > storage:
        raise UsageError(f"{path}: image of {len(image)} bytes is larger than storage "
                         f"({storage} bytes)")
    try:
        cp = new_vmcp(execution, real_storage=real, floating_point=floating_point)
        vm = cp.create_vm(image, storage, max_steps=max_steps,
                          virtual_cpu_id=virtual_cpu_id, max_time=max_time)
    except VMCPError as e:
        raise UsageError(f"{path}: {e}") from None
    cp.run()
    return vm


def run_either(image: bytes, storage: int, max_steps: int, under: str | None,
               path: str, virtual_cpu_id: bool = False,
               max_time: int | None = None, floating_point: bool = True,
               execution: str | None = None) -> tuple[CPU, str]:
    """(CPU, stop reason) of a native run, or of a run under the VMCP (run the
    ``execution`` way: ``start_vm``)."""
    if under == "vmcp":
        vm = start_vm(image, storage, max_steps, path, virtual_cpu_id, max_time,
                      floating_point, execution)
        return vm, vm.stop_reason or ""
    m = start_machine(image, storage, path, floating_point)
    return m, m.run(max_steps, max_time)


STATE_FIELDS = ("stopped", "psw", "gpr", "fpr", "cr", "prefix", "tod", "clock_comparator",
                "cpu_timer", "interval_timer", "pending", "keys", "storage")


def differences(a: State, b: State) -> list[tuple[str, str, str]]:
    """Every field in which two states differ, in ``STATE_FIELDS`` order: (the field,
    with where in it for registers, storage and keys; ``a``'s value; ``b``'s value),
    as text.  Storage and keys are named at their first differing byte (a block of
    keys at its first address), with eight bytes from there."""
    out = []
    for name in STATE_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x == y:
            continue
        if name == "storage" or name == "keys":
            assert isinstance(x, bytes) and isinstance(y, bytes)
            i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]),
                     min(len(x), len(y)))
            unit = 1 if name == "storage" else 2048
            out.append((f"{name} at {i * unit:06X}", x[i:i + 8].hex().upper(),
                        y[i:i + 8].hex().upper()))
        elif name in ("gpr", "cr"):
            r = next(r for r in range(16) if x[r] != y[r])
            out.append((f"{name}{r}", f"{x[r]:08X}", f"{y[r]:08X}"))
        elif name == "fpr":
            r = next(r for r in range(4) if x[r] != y[r])
            out.append((f"fpr{2 * r}", f"{x[r]:016X}", f"{y[r]:016X}"))
        elif name == "psw":
            out.append((name, f"{x:016X}", f"{y:016X}"))
        else:
            out.append((name, str(x), str(y)))
    return out


def first_difference(a: State, b: State) -> tuple[str, str, str] | None:
    """The first field in which two states differ, with both values as text
    (``differences``' first)."""
    found = differences(a, b)
    return found[0] if found else None


def configured_run(image: bytes, storage: int, max_steps: int, config: Any, mode: str,
                   workdir: Path, max_time: int | None = None,
                   execution: str | None = None) -> tuple[CPU, str, dict[str, bytes]]:
    """A run with the devices of ``config``, natively or as the only VM of a
    VMCP, with every file it writes (console, punch and printer output; 3370
    and CKD images, copied first) in ``workdir``: (CPU, stop, the contents of each output
    and disk by device, e.g. ``"00E 1403"``).  ``execution``: how the VMCP runs the VM
    (None: its default)."""


    config = copy.deepcopy(config)
    files: dict[str, Path] = {}
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        for spec in config.devices:
            key = "output" if spec.type_name == "3215" else "file"
            if spec.type_name == "2540R" or spec.options.get(key) is None:
                continue
            target = workdir / f"{spec.address:03X}.{spec.type_name}"
            if spec.type_name == "3370" or spec.type_name in GEOMETRIES:
                shutil.copyfile(spec.options[key], target)
            spec.options[key] = target
            files[f"{spec.address:03X} {spec.type_name}"] = target
    except OSError as e:
        raise UsageError(f"{e.filename or workdir}: {e.strerror or e}") from None
    cpu: CPU
    if mode == "native":
        try:
            m = config.start(image, storage)
        except ConfigError as e:
            raise UsageError(str(e)) from None
        try:
            stop = m.run(max_steps, max_time)
        finally:
            m.channels.close()
        cpu = m
    else:
        try:
            cp, vm = configured_guest(config, image, storage, max_steps=max_steps,
                                      spool_directory=workdir / "spool", max_time=max_time,
                                      execution=execution)
        except VMCPError as e:
            raise UsageError(f"{config.path}: {e}") from None
        try:
            cp.run()
        finally:
            cp.close()
        cpu, stop = vm, vm.stop_reason or ""
        # Output that could not be delivered to the scratch folder is compared
        # as the spool holds it.
        for item in cp.spool.undelivered:
            for name, path in files.items():
                if path == item.destination:
                    files[name] = item.path
    try:
        outputs = {name: path.read_bytes() if path.exists() else b""
                   for name, path in files.items()}
    except OSError as e:
        raise UsageError(f"{e.filename}: {e.strerror or e}") from None
    return cpu, stop, outputs


def real_storage_for(storage: int) -> int:
    """Real storage for a VMCP running one guest of ``storage`` bytes: the guest,
    the VMCP's low storage and its tables (1K segment table, 64 bytes a segment),
    and room for the shadow tables of a guest that translates (primary, secondary)."""
    segments = (storage + 0xFFFF) >> 16
    return storage + 0x1000 + ((1024 + 64 * segments + 0xFFF) & ~0xFFF) + 2 * SHADOW_SPACE


def configured_guest(config: Any, image: bytes, storage: int, *,
                     max_steps: int | None = None, ipl: int | None = None,
                     spool_directory: Any = None, virtual_cpu_id: bool = False,
                     max_time: int | None = None,
                     execution: str | None = None) -> tuple[VMCP, VirtualMachine]:
    """A machine configuration (reference.io.devices) as the only guest of a new
    VMCP, as ``s370 run --config --under vmcp`` runs it: the unit-record devices
    and console spooled (their spool files go to the configured files when the
    VMCP closes: ``VMCP.close``), each 3370 or CKD disk a real disk of the VMCP
    given whole to the VM as a minidisk (closed, so flushed, with the VMCP), each
    3420 a real tape unit attached to the VM; ``image`` at absolute 0, then the
    restart interruption,
    or initial program loading from ``ipl``; the VMCP runs it the ``execution`` way
    (None: its default).  VMCPError when it cannot be set up (the VMCP is closed
    then)."""
    real = real_storage_for(storage) + AREA_SIZE
    if real > 16 * 1024 * 1024:
        raise VMCPError(f"a guest of {storage} bytes with devices needs {real} bytes of "
                        f"real storage, more than the 16M the machine has")
    cp = new_vmcp(execution, real_storage=real, spool_directory=spool_directory,
                  floating_point=config.floating_point)
    try:
        try:
            devices = devices_from_configuration(cp, config)
        except VMIOError as e:
            raise VMCPError(str(e)) from None
        vm = cp.create_vm(image, storage, max_steps=max_steps, ipl=ipl, devices=devices,
                          virtual_cpu_id=virtual_cpu_id, max_time=max_time)
    except BaseException:
        cp.close()
        raise
    return cp, vm
