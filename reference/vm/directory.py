"""The VMCP's directory: the real disks and the VMs of ``s370 vmcp --directory``.

Theory of operation
-------------------
The directory is a TOML file (docs/vmcp.md, "The directory"), as VM/370's user
directory: the top-level key ``execution`` says how the VMCP runs every VM
(``reference.vm.vmcp.EXECUTIONS``: trap, assist or sie), ``[[disk]]`` tables
name the VMCP's real disks (an I/O address, a host image file and a type: 3370,
the default, or a CKD type of ``reference.io.ckd_geometry``, a Hercules CKD or
CCKD image), ``[[tape]]``
tables its real tape units (a configured 3420's keys), ``[[vm]]`` tables
the VMs (a name, the program it runs or the device it is loaded from by IPL,
storage, share, step limit), and each VM's ``[[vm.device]]`` tables its devices.
A device is a minidisk (``type = "MDISK"``: blocks ``start`` to ``start + blocks
- 1`` of a 3370 ``[[disk]]``, or cylinders ``start`` to ``start + cylinders - 1``
of a CKD one), a ``[[tape]]`` dedicated to the VM (``type = "TAPE"``, ``tape``:
one VM per tape unit), a 3420 on a tape file of its own, or any other device of a
machine configuration but a disk, checked as a configuration's device is
(``reference.io.config.device_spec``) and spooled (``reference.vm.vmio``).

``load_directory`` reads the file with the bounds of a configuration file
(``reference.io.config.read_toml``) and checks it whole before any VM exists:
keys, names, addresses, sizes, that every minidisk lies on its disk and does
not overlap another VM's minidisk there (a CKD minidisk: any other minidisk),
that a CKD image is of the type its ``[[disk]]`` says, and the host files, by the rules of a
machine configuration (``reference.io.devices``: inputs readable, disk images
writable and of whole blocks, outputs writable, and no host file serving two
uses unless both only read it).  Every error is a ``VMIOError`` of one line,
``file:line: message``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference.io.ckd_geometry import GEOMETRIES
from reference.io.config import (
    ConfigError,
    Fail,
    device_spec,
    fail_at_key,
    key_line,
    parse_address,
    parse_storage,
    read_toml,
    table_lines,
)
from reference.io.dasd import DasdImageError, open_image
from reference.io.devices import FileUse, check_shared_files, input_problem
from reference.vm.vmcp import EXECUTIONS
from reference.vm.vmio import BLOCK, VirtualDevice, VMIOError, tape_arguments, virtual_device

__all__ = ["Directory", "DirectoryVM", "load_directory"]


@dataclass
class DirectoryVM:
    """One VM of the directory: its program (or the device it is IPLed from),
    storage, share, step limit and devices."""

    name: str
    line: int
    program: Path | None
    ipl: int | None
    storage: int
    share: int
    max_steps: int | None
    devices: list[VirtualDevice]


@dataclass
class Directory:
    """The VMCP's real disks (I/O address -> host image file) and its VMs."""

    path: str
    # How the VMCP runs its VMs (``EXECUTIONS``); None: not said, the VMCP's default.
    execution: str | None = None
    disks: dict[int, tuple[Path, int]] = field(default_factory=dict)   # file, line
    # The CKD disks: their type and cylinders (a disk not here is a 3370).
    ckd: dict[int, tuple[str, int]] = field(default_factory=dict)
    # The real tape units (I/O address -> the arguments of Tape3420, line) and
    # the VM each is dedicated to (its name, the line).
    tapes: dict[int, tuple[dict[str, Any], int]] = field(default_factory=dict)
    dedicated: dict[int, tuple[str, int]] = field(default_factory=dict)
    vms: list[DirectoryVM] = field(default_factory=list)
    # The minidisks on each disk: (first block, end, the VM's device table, line).
    extents: dict[int, list[tuple[int, int, dict[int, int], int]]] = field(
        default_factory=dict)
    # The host files it names: none may serve two uses unless both only read it.
    files: list[FileUse] = field(default_factory=list)


_VM_KEYS = {"name", "program", "ipl", "storage", "share", "max_steps", "device"}
_MDISK_KEYS = {"address", "type", "disk", "start", "blocks", "cylinders"}
_DISK_KEYS = {"address", "file", "type"}


def load_directory(path: str | os.PathLike[str]) -> Directory:
    """Read and check a VMCP directory (docs/vmcp.md, "The directory"); VMIOError
    ``file:line: message`` when it is bad."""
    name = str(path)
    try:
        text, data = read_toml(path)
    except ConfigError as e:
        raise VMIOError(str(e)) from None
    base = Path(path).resolve().parent
    lines = text.splitlines()

    def fail(line: int, message: str) -> VMIOError:
        return VMIOError(f"{name}:{line}: {message}")

    directory = Directory(name)
    directory.files.append(FileUse(Path(path), "input", "this directory file", 0))
    for key in data:
        if key not in ("execution", "disk", "tape", "vm"):
            raise fail(key_line(text, 0, key), f"unknown key {key!r} (execution, [[disk]], "
                       "[[tape]], [[vm]])")
    if "execution" in data:
        execution = data["execution"]
        if not isinstance(execution, str) or execution not in EXECUTIONS:
            raise fail(key_line(text, 0, "execution"), f"execution {execution!r}: one of "
                       f"{', '.join(EXECUTIONS)}")
        directory.execution = execution
    disks, tapes, vms = data.get("disk", []), data.get("tape", []), data.get("vm", [])
    if not isinstance(disks, list) or not isinstance(vms, list) or not isinstance(tapes, list):
        raise fail(1, "disk, tape and vm must be arrays of tables ([[disk]], [[tape]], "
                   "[[vm]])")
    for entry, start in zip(disks, table_lines(text, "disk") + [1] * len(disks)):
        if not isinstance(entry, dict) or set(entry) - _DISK_KEYS \
                or "address" not in entry or "file" not in entry:
            raise fail(start, "a disk has an address, a file and a type, nothing else")
        address = parse_address(entry["address"], fail_at_key(fail, text, start, "address"))
        if address in directory.disks:
            raise fail(key_line(text, start, "address"), f"disk {address:03X} twice")
        file = entry["file"]
        if not isinstance(file, str) or not file:
            raise fail(key_line(text, start, "file"), "file must be a file name")
        p = base / file
        kind = str(entry.get("type", "3370")).upper()
        if kind != "3370" and kind not in GEOMETRIES:
            raise fail(key_line(text, start, "type"), f"type {entry['type']!r}: a disk is "
                       f"a 3370 or one of {', '.join(GEOMETRIES)}")
        problem = input_problem(p, disk=kind == "3370")
        if problem is None and kind != "3370":
            problem = _ckd_problem(p, kind)
            if problem is None:
                with open_image(str(p), readonly=True) as image:
                    directory.ckd[address] = (kind, image.cylinders)
        if problem is not None:
            raise fail(key_line(text, start, "file"), f"file {file!r}: {problem}")
        directory.files.append(FileUse(p, "disk", f"file {file!r} of disk {address:03X}",
                                       key_line(text, start, "file")))
        directory.disks[address] = (p, start)
    real_addresses = {a: line for a, (_, line) in directory.disks.items()}
    for entry, start in zip(tapes, table_lines(text, "tape") + [1] * len(tapes)):
        if not isinstance(entry, dict) or "type" in entry:
            raise fail(start, "a tape is a table of a 3420's keys (address, file, format, "
                       "compression, ring, max_size)")
        spec = device_spec({**entry, "type": "3420"}, start, text, base, fail,
                           real_addresses, " (a real tape unit)")
        directory.files.extend(spec.files)
        directory.tapes[spec.address] = (tape_arguments(spec), start)
    vm_starts = table_lines(text, "vm")
    device_starts = table_lines(text, "vm.device")
    names: set[str] = set()
    for i, entry in enumerate(vms):
        start = vm_starts[i] if i < len(vm_starts) else 1
        end = vm_starts[i + 1] if i + 1 < len(vm_starts) else len(lines) + 1
        if not isinstance(entry, dict):
            raise fail(start, "a vm must be a table")
        for key in entry:
            if key not in _VM_KEYS:
                raise fail(key_line(text, start, key), f"vm: unknown key {key!r} "
                           f"({', '.join(sorted(_VM_KEYS))})")
        vm_name = entry.get("name", f"vm{i + 1}")
        if not isinstance(vm_name, str) or not re.fullmatch(r"[A-Za-z0-9_$#@-]{1,16}",
                                                            vm_name):
            raise fail(key_line(text, start, "name"), f"name {vm_name!r}: 1-16 letters, "
                       "digits, _-$#@")
        if vm_name in names:
            raise fail(key_line(text, start, "name"), f"VM {vm_name} twice")
        names.add(vm_name)
        program = entry.get("program")
        ipl = entry.get("ipl")
        if (program is None) == (ipl is None):
            raise fail(start, f"vm {vm_name}: give either program or ipl")
        program_path = None
        if program is not None:
            program_path = base / str(program)
            problem = input_problem(program_path)
            if problem is not None:
                raise fail(key_line(text, start, "program"), f"program {program!r}: "
                           f"{problem}")
            directory.files.append(FileUse(program_path, "input", f"program {program!r} of "
                                           f"VM {vm_name}", key_line(text, start, "program")))
        ipl_address = None
        if ipl is not None:
            ipl_address = parse_address(ipl, fail_at_key(fail, text, start, "ipl"))
        storage = parse_storage(entry.get("storage", "256K"),
                                fail_at_key(fail, text, start, "storage"))
        share, max_steps = entry.get("share", 1), entry.get("max_steps")
        if not isinstance(share, int) or isinstance(share, bool) or not 1 <= share <= 10_000:
            raise fail(key_line(text, start, "share"), f"share {share!r}: 1 to 10000")
        if max_steps is not None and (not isinstance(max_steps, int)
                                      or isinstance(max_steps, bool) or max_steps < 0):
            raise fail(key_line(text, start, "max_steps"), f"max_steps {max_steps!r}: a "
                       "number of instructions")
        devices: list[VirtualDevice] = []
        seen: dict[int, int] = {}
        entries = entry.get("device", [])
        if not isinstance(entries, list):
            raise fail(start, "device must be an array of tables ([[vm.device]])")
        mine = [d for d in device_starts if start < d < end]
        for j, spec_entry in enumerate(entries):
            d_start = mine[j] if j < len(mine) else start
            devices.append(_directory_device(spec_entry, d_start, text, base, directory,
                                             seen, fail, f" of VM {vm_name}", vm_name))
        directory.vms.append(DirectoryVM(vm_name, start, program_path, ipl_address, storage,
                                         share, max_steps, devices))
    check_shared_files(directory.files, fail)
    return directory


def _ckd_problem(path: Path, kind: str) -> str | None:
    """Why ``path`` cannot be the image of a real CKD disk of type ``kind``."""
    if not os.access(path, os.W_OK):
        return "not writable (a disk image is read and written in place)"
    try:
        with open_image(str(path), readonly=True) as image:
            image.check_tables()
            found = image.geometry
    except DasdImageError as e:
        return str(e).removeprefix(f"{path}: ")
    if found.devtype != GEOMETRIES[kind].devtype:
        return f"a {found.type_name} image, not a {kind}"
    return None


def _directory_device(entry: Any, start: int, text: str, base: Path, directory: Directory,
                      seen: dict[int, int], fail: Fail, owner: str = "",
                      vm_name: str = "") -> VirtualDevice:
    """One [[vm.device]]: a minidisk, a real tape unit dedicated to the VM, or a
    device as in a machine configuration (spooled, or a 3420 on its own file; a
    disk is not: use a minidisk)."""
    if isinstance(entry, dict) and str(entry.get("type", "")).upper() == "TAPE":
        return _dedicated_tape(entry, start, text, directory, seen, fail, vm_name)
    if isinstance(entry, dict) and str(entry.get("type", "")).upper() == "MDISK":
        for key in entry:
            if key not in _MDISK_KEYS:
                raise fail(key_line(text, start, key), f"MDISK: unknown key {key!r} "
                           f"({', '.join(sorted(_MDISK_KEYS))})")
        address = parse_address(entry.get("address"), fail_at_key(fail, text, start, "address"))
        if address in seen:
            raise fail(key_line(text, start, "address"), f"address {address:03X} already "
                       f"configured at line {seen[address]}")
        seen[address] = key_line(text, start, "address")
        disk = parse_address(entry.get("disk"), fail_at_key(fail, text, start, "disk"))
        if disk not in directory.disks:
            raise fail(key_line(text, start, "disk"), f"disk {disk:03X}: not a [[disk]] of "
                       "the directory")
        if disk in directory.ckd:
            return _ckd_minidisk(entry, start, text, directory, seen, fail, address, disk)
        if "cylinders" in entry:
            raise fail(key_line(text, start, "cylinders"), f"disk {disk:03X} is a 3370: a "
                       "minidisk of it has blocks, not cylinders")
        first, blocks = entry.get("start", 0), entry.get("blocks")
        for key, value in (("start", first), ("blocks", blocks)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise fail(key_line(text, start, key), f"{key} {value!r}: a number of blocks")
        assert isinstance(blocks, int) and isinstance(first, int)
        size = directory.disks[disk][0].stat().st_size // BLOCK
        if blocks < 1 or first + blocks > size:
            raise fail(key_line(text, start, "blocks"), f"blocks {first}-{first + blocks - 1}"
                       f" are not on disk {disk:03X} ({size} blocks)")
        for lo, hi, table, line in directory.extents.get(disk, []):
            if first < hi and lo < first + blocks and table is not seen:
                raise fail(key_line(text, start, "blocks"), f"blocks {first}-"
                           f"{first + blocks - 1} of disk {disk:03X} overlap the minidisk at "
                           f"line {line}")
        directory.extents.setdefault(disk, []).append((first, first + blocks, seen, start))
        return VirtualDevice(address, "MDISK", real=disk, start=first, blocks=blocks)
    spec = device_spec(entry, start, text, base, fail, seen, owner)
    if spec.type_name == "3370" or spec.type_name in GEOMETRIES:
        raise fail(start, "a VM's disk is a minidisk (type = \"MDISK\", disk, start, blocks "
                   "or cylinders)")
    directory.files.extend(spec.files)
    return virtual_device(spec)


def _ckd_minidisk(entry: dict[str, Any], start: int, text: str, directory: Directory,
                  seen: dict[int, int], fail: Fail, address: int,
                  disk: int) -> VirtualDevice:
    """A minidisk of the CKD ``[[disk]]`` ``disk``: cylinders ``start`` to
    ``start + cylinders - 1``; it overlaps no other minidisk."""
    kind, size = directory.ckd[disk]
    if "blocks" in entry:
        raise fail(key_line(text, start, "blocks"), f"disk {disk:03X} is a {kind}: a "
                   "minidisk of it has cylinders, not blocks")
    first, cylinders = entry.get("start", 0), entry.get("cylinders")
    for key, value in (("start", first), ("cylinders", cylinders)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise fail(key_line(text, start, key) if key in entry else start,
                       f"{key} {value!r}: a number of cylinders")
    assert isinstance(cylinders, int) and isinstance(first, int)
    end = first + cylinders
    if cylinders < 1 or end > size:
        raise fail(key_line(text, start, "cylinders"), f"cylinders {first}-{end - 1} are "
                   f"not on disk {disk:03X} ({kind}, {size} cylinders)")
    for lo, hi, _, line in directory.extents.get(disk, []):
        if first < hi and lo < end:
            raise fail(key_line(text, start, "cylinders"), f"cylinders {first}-{end - 1} "
                       f"of disk {disk:03X} overlap the minidisk at line {line}")
    directory.extents.setdefault(disk, []).append((first, end, seen, start))
    return VirtualDevice(address, "MDISK", real=disk, start=first, cylinders=cylinders)


def _dedicated_tape(entry: dict[str, Any], start: int, text: str, directory: Directory,
                    seen: dict[int, int], fail: Fail, vm_name: str) -> VirtualDevice:
    """A [[vm.device]] of type TAPE: the real tape unit ``tape`` (a [[tape]])
    dedicated to the VM at ``address``; a tape unit goes to one VM only."""
    for key in entry:
        if key not in ("address", "type", "tape"):
            raise fail(key_line(text, start, key), f"TAPE: unknown key {key!r} (address, "
                       "tape, type)")
    address = parse_address(entry.get("address"), fail_at_key(fail, text, start, "address"))
    if address in seen:
        raise fail(key_line(text, start, "address"), f"address {address:03X} already "
                   f"configured at line {seen[address]}")
    seen[address] = key_line(text, start, "address")
    tape = parse_address(entry.get("tape"), fail_at_key(fail, text, start, "tape"))
    if tape not in directory.tapes:
        raise fail(key_line(text, start, "tape"), f"tape {tape:03X}: not a [[tape]] of the "
                   "directory")
    if tape in directory.dedicated:
        owner, line = directory.dedicated[tape]
        raise fail(key_line(text, start, "tape"), f"tape {tape:03X} is dedicated to VM "
                   f"{owner} at line {line}: a tape unit goes to one VM")
    directory.dedicated[tape] = (vm_name, key_line(text, start, "tape"))
    return VirtualDevice(address, "TAPE", real=tape)
