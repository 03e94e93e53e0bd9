"""The ``s370`` command.

    s370 asm SOURCE [-o IMAGE] [--object DECK] [--listing FILE|-]
    s370 disasm IMAGE [--start HEX] [--end HEX] [--origin HEX]
    s370 run PROGRAM [--storage SIZE] [--max-steps N] [--dump START-END]... [--json]
             [--under vmcp [--execution trap|assist|sie]] [--config FILE] [--origin HEX]
    s370 run --config FILE --ipl ADDRESS [--storage SIZE] [--max-steps N] ...
    s370 compare PROGRAM [--storage SIZE] [--max-steps N] [--config FILE] [--execution MODE]
    s370 vmcp PROGRAM... [--policy round-robin|share] [--share N]... [--storage SIZE]
             [--max-steps N] [--slice MICROSECONDS] [--paging SIZE] [--directory FILE]
             [--spool DIR] [--execution trap|assist|sie]
    s370 bench [--steps N] [--hercules] [--under vmcp] [--table] [--nesting]
    s370 bench --growth [--plot FILE] [--growth-max-records N] [--growth-suite]
    s370 dasd init TYPE FILE [--volser V] [--compress zlib|bzip2] [--cylinders N]
    s370 dasd ls FILE
    s370 debug PROGRAM [--storage SIZE] [--under vmcp [--execution MODE]]
               [--config FILE [--ipl ADDRESS]] [--commands FILE] [--max-time SECONDS]

``s370 run`` is a contract that tools outside the project depend on; README.md
states it in full.  Bad input of any kind gets one line on standard error naming
the place and the problem, and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.asm.assembler import AssemblyError, assemble
from reference.asm.disassembler import disassemble, format_instruction
from reference.asm.objdeck import DeckError, is_deck, load_deck, read_deck, write_deck
from reference.cli.bench import (
    chapter_rows,
    format_chapters,
    format_nesting,
    nesting_rows,
    run_bench,
    run_bench_table,
    run_trace_bench,
    run_vmcp_bench,
)
from reference.cli.dasd import add_dasd_parsers
from reference.cli.debug import add_debug_parser
from reference.cli.dump import format_dump
from reference.cli.growth import add_growth_arguments, cmd_growth, growth_options_alone
from reference.io.config import ConfigError, Configuration, IPLError, load_configuration
from reference.io.devices import FileUse, check_shared_files
from reference.machine.cpu import CPU, default_max_time
from reference.machine.machine import StorageSizeError
from reference.session import (
    UsageError,
    configured_guest,
    configured_run,
    first_difference,
    load_program,
    new_vmcp,
    read_image,
    read_source,
    real_storage_for,
    run_either,
)
from reference.trace import (
    TraceError,
    diff_files,
    embedded_image,
    referenced_image,
    verify_file,
    write_trace,
)
from reference.vm.directory import load_directory
from reference.vm.vmcp import EXECUTIONS, VMCPError, default_execution
from reference.vm.vmio import AREA_SIZE, VMIOError, spool_problem

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_UNDELIVERED = 3     # the run ended, but some spooled output stays in the spool
DEFAULT_STORAGE = 2 * 1024 * 1024
DEFAULT_MAX_STEPS = 10_000_000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _digits(text: str) -> bool:
    """Decimal digits 0-9, at most 12 of them (larger sizes are out of range)."""
    return text.isascii() and text.isdigit() and len(text) <= 12


def parse_size(text: str) -> int:
    """'2M', '512K', '65536' -> bytes; 64K to 16M in multiples of 2K."""
    t = text.strip().upper()
    if not t:
        raise UsageError("--storage: empty (a size: 64K, 2M, 16M)")
    scale = 1
    if t.endswith("K"):
        scale, t = 1024, t[:-1]
    elif t.endswith("M"):
        scale, t = 1024 * 1024, t[:-1]
    if not t.isascii() or not t.isdigit():
        raise UsageError(f"--storage {text}: not a size (examples: 64K, 2M, 16M)")
    size = int(t) * scale if _digits(t) else MAX_STORAGE + 1
    if not MIN_STORAGE <= size <= MAX_STORAGE or size % 2048:
        raise UsageError(f"--storage {text}: must be a multiple of 2K from 64K to 16M")
    return size


def parse_paging(text: str) -> int:
    """``--paging SIZE``: real frames for paged VMs, a multiple of 4K from 32K."""
    t = text.strip().upper()
    if not t:
        raise UsageError("--paging: empty (a size: 64K, 1M)")
    scale = {"K": 1024, "M": 1024 * 1024}.get(t[-1:], 1)
    digits = t[:-1] if scale > 1 else t
    size = int(digits) * scale if _digits(digits) else 0
    if size < 32768 or size % 4096 or size > 15 * 1024 * 1024:
        raise UsageError(f"--paging {text}: must be a multiple of 4K from 32K to 15M")
    return size


def parse_range(text: str) -> tuple[int, int]:
    """'240-25F' (hex, end inclusive) -> (0x240, 0x25F)."""
    parts = text.split("-")
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = int(parts[0], 16), int(parts[1], 16)
    except ValueError:
        raise UsageError(f"--dump {text}: expected START-END in hex, e.g. 240-25F") from None
    if start > end:
        raise UsageError(f"--dump {text}: START is beyond END")
    return start, end



def state_json(m: CPU, stop: str, dumps: list[tuple[int, int]]) -> dict[str, object]:
    storage = []
    for start, end in dumps:
        data = m.real_storage(start, end - start + 1)
        storage.append({"start": start, "end": end, "hex": data.hex().upper()})
    return {
        "stop": stop,
        "steps": m.steps,
        "psw": f"{m.psw_value():016X}",
        "gpr": [f"{v:08X}" for v in m.gpr],
        "fpr": [f"{v:016X}" for v in m.fpr],
        "cr": [f"{v:08X}" for v in m.cr],
        "storage": storage,
        "keys": list(m.keys),
    }


def print_state(out: dict[str, object], as_json: bool) -> None:
    """The final state of ``s370 run``: one JSON object, or the text for a person."""
    if as_json:
        print(json.dumps(out))
    else:
        print_human(out)


def print_human(out: dict[str, object]) -> None:
    print(f"stop   {out['stop']} after {out['steps']} instructions")
    print(f"PSW    {out['psw']}")
    for name in ("gpr", "cr"):
        regs = out[name]
        assert isinstance(regs, list)
        label = "GR" if name == "gpr" else "CR"
        for row in range(0, 16, 4):
            cells = "  ".join(f"{label}{r:<2d}={regs[r]}" for r in range(row, row + 4))
            print(f"       {cells}")
        if name == "gpr":
            fpr = out["fpr"]
            assert isinstance(fpr, list)
            print("       " + "  ".join(f"FR{2 * i}={v}" for i, v in enumerate(fpr)))
    storage = out["storage"]
    assert isinstance(storage, list)
    for d in storage:
        data = bytes.fromhex(d["hex"])
        for line in format_dump(data, d["start"], "R:"):
            print(line)
    keys = out["keys"]
    assert isinstance(keys, list)
    used = [(i, k) for i, k in enumerate(keys) if k]
    if used:
        print("keys   " + " ".join(f"{i * 2048:06X}:{k:02X}" for i, k in used))
    else:
        print("keys   all zero")


def parse_time(text: str) -> int:
    """``--max-time SECONDS`` of machine time (a decimal number) -> microseconds."""
    t = text.strip()
    try:
        seconds = Decimal(t) if t.isascii() else Decimal("NaN")
    except InvalidOperation:
        seconds = Decimal("NaN")
    if not seconds.is_finite() or seconds < 0 or seconds > 10 ** 12:
        raise UsageError(f"--max-time {text}: not a number of seconds (examples: 10, 0.5)")
    return int(seconds * 1_000_000)


def run_bounds(args: argparse.Namespace) -> tuple[int, int | None]:
    """The bounds of a run: (``--max-steps``, ``--max-time`` in microseconds, or
    None for the machine's default for that many steps)."""
    if args.max_steps < 0:
        raise UsageError(f"--max-steps {args.max_steps}: must not be negative")
    return args.max_steps, None if args.max_time is None else parse_time(args.max_time)



def execution_option(args: argparse.Namespace) -> str | None:
    """``--execution`` of a command with ``--under``: only with ``--under vmcp``."""
    if args.execution is not None and args.under != "vmcp":
        raise UsageError(f"--execution {args.execution}: only with --under vmcp")
    return args.execution


def report_undelivered(command: str, spool: Any) -> int:
    """One line on standard error for each spool file whose destination could not
    be written (it stays in the spool); their number."""
    for item in spool.undelivered:
        print(f"{command}: {item.vm} {item.address:03X}: output kept in {item.path}: "
              f"{item.destination}: {item.reason}", file=sys.stderr)
    return len(spool.undelivered)


def run_configured_vm(args: argparse.Namespace, config: Any, image: bytes, storage: int,
                      ipl: int | None, max_steps: int,
                      max_time: int | None) -> tuple[CPU, str, int]:
    """The configured machine as the only VM of a VMCP
    (``reference.vm.vmcp.configured_guest``): the VM, its stop, and how many spool
    files could not be delivered (each reported on standard error)."""
    try:
        cp, vm = configured_guest(config, image, storage, max_steps=max_steps, ipl=ipl,
                                  virtual_cpu_id=args.virtual_cpu_id, max_time=max_time,
                                  execution=args.execution)
    except VMCPError as e:
        if str(e).startswith(f"{config.path}:"):
            raise UsageError(str(e)) from None      # it names its place already
        where = f"--ipl {args.ipl}" if ipl is not None and "IPL" in str(e) else config.path
        raise UsageError(f"{where}: {e}") from None
    try:
        cp.run()
    finally:
        cp.close()
    return vm, vm.stop_reason or "", report_undelivered("s370 run", cp.spool)


def read_configuration(path: str) -> Configuration:
    """A machine configuration file (docs/configuration.md); bad input is a usage
    error with its place."""
    try:
        return load_configuration(path)
    except ConfigError as e:
        raise UsageError(str(e)) from None


def run_configured(args: argparse.Namespace) -> int:
    """``s370 run [PROGRAM] --config FILE [--ipl ADDR]``: a machine with the
    configuration's storage and devices (docs/configuration.md).  With PROGRAM it
    starts as without a configuration; with --ipl it is loaded from the device by
    initial program loading instead."""
    config = read_configuration(args.config)
    execution_option(args)
    if args.no_floating_point:
        config.floating_point = False
    storage = parse_size(args.storage) if args.storage is not None else (
        config.storage or DEFAULT_STORAGE)
    max_steps, max_time = run_bounds(args)
    dumps = [parse_range(d) for d in args.dump]
    for start, end in dumps:
        if end >= storage:
            raise UsageError(f"--dump {start:X}-{end:X}: beyond storage of {storage} bytes")
    ipl = None
    if args.ipl is not None:
        if args.program is not None:
            raise UsageError("--ipl: give either PROGRAM or --ipl, not both")
        if not all(c in "0123456789abcdefABCDEF" for c in args.ipl) or not 1 <= len(
                args.ipl) <= 4:
            raise UsageError(f"--ipl {args.ipl}: not a device address (hex, e.g. 00C)")
        ipl = int(args.ipl, 16)
    elif args.program is None:
        raise UsageError("s370 run: give PROGRAM, or --ipl ADDRESS with --config")
    image = b""
    if ipl is None:
        image = load_run_program(args, storage)
        if len(image) > storage:
            raise UsageError(f"{args.program}: image of {len(image)} bytes is larger than "
                             f"storage ({storage} bytes)")
        # The program is read: no device may write over it.
        check_shared_files([FileUse(Path(str(args.program)), "input",
                                    f"program {str(args.program)!r}", 0)]
                           + [use for spec in config.devices for use in spec.files],
                           lambda line, m: UsageError(f"{config.path}:{line}: {m}"))
    if args.under == "vmcp":
        m, stop, undelivered = run_configured_vm(args, config, image, storage, ipl,
                                                   max_steps, max_time)
        print_state(state_json(m, stop, dumps), args.json)
        return EXIT_UNDELIVERED if undelivered else EXIT_OK
    try:
        m = config.start(image, storage, ipl)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    except IPLError as e:
        raise UsageError(f"--ipl {args.ipl}: {e}") from None
    try:
        stop = m.run(max_steps, max_time)
    finally:
        m.channels.close()
    print_state(state_json(m, stop, dumps), args.json)
    return EXIT_OK


def load_run_program(args: argparse.Namespace, storage: int) -> bytes:
    """The image ``s370 run`` starts: an object deck (``reference.asm.objdeck``:
    first byte X'02', then EBCDIC ESD or TXT) loaded at ``--origin`` (default: its
    own addresses), or what ``load_program`` makes of any other file."""
    path = str(args.program)
    given = getattr(args, "origin", None)
    head = b""
    if Path(path).suffix.lower() != ".asm":
        try:
            with open(path, "rb") as f:
                head = f.read(4)
        except OSError:
            pass                        # load_program reports it
    if not is_deck(head):
        if given is not None:
            raise UsageError(f"--origin {given}: only for an object deck, and "
                             f"{path} is not one")
        return load_program(path, storage)
    origin = None
    if given is not None:
        if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", given):
            raise UsageError(f"--origin {given}: not a hex address (1 to 6 hex digits)")
        origin = int(given, 16)
        if origin % 8:
            raise UsageError(f"--origin {given}: not on a doubleword boundary")
    # Each byte of a module that fits storage takes at most 80/56 bytes of TXT cards
    # and, with an 8-byte RLD item for a one-byte constant, 8 x 80/56 of RLD cards:
    # 13 times the storage bounds every deck that can fit (ESD cards are few).
    data = read_image(path, 13 * storage)
    try:
        loaded = load_deck(read_deck(data), origin)
    except DeckError as e:
        raise UsageError(f"{path}: {e}") from None
    if len(loaded.image) > storage:
        raise UsageError(f"{path}: the deck loaded at X'{loaded.origin:06X}' needs "
                         f"{len(loaded.image)} bytes, more than storage ({storage} bytes)")
    return loaded.image


def cmd_run(args: argparse.Namespace) -> int:
    if args.config is not None:
        return run_configured(args)
    if args.ipl is not None:
        raise UsageError("--ipl needs --config (the devices)")
    if args.program is None:
        raise UsageError("s370 run: the following arguments are required: program")
    storage = parse_size("2M" if args.storage is None else args.storage)
    max_steps, max_time = run_bounds(args)
    dumps = [parse_range(d) for d in args.dump]
    for start, end in dumps:
        if end >= storage:
            raise UsageError(f"--dump {start:X}-{end:X}: beyond storage of {storage} bytes")
    image = load_run_program(args, storage)
    if args.virtual_cpu_id and args.under != "vmcp":
        raise UsageError("--virtual-cpu-id: only with --under vmcp")
    execution = execution_option(args)
    m, stop = run_either(image, storage, max_steps, args.under, args.program,
                         args.virtual_cpu_id, max_time, not args.no_floating_point,
                         execution)
    print_state(state_json(m, stop, dumps), args.json)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    config = None if args.config is None else read_configuration(args.config)
    storage = parse_size(args.storage) if args.storage is not None else (
        config.storage if config is not None and config.storage else DEFAULT_STORAGE)
    image = load_program(args.program, storage)
    # One time bound for every run of the comparison, the shorter ones of the
    # search for where the runs part included.
    max_steps, given = run_bounds(args)
    max_time = default_max_time(max_steps) if given is None else given
    try:
        scratch = tempfile.TemporaryDirectory(prefix="s370-compare-")
    except OSError as e:
        raise UsageError(f"s370 compare: scratch folder: {e.strerror or e}") from None
    runs = 0

    def run(steps: int, mode: str) -> tuple[CPU, str, dict[str, bytes]]:
        nonlocal runs
        if config is None:
            cpu, stop = run_either(image, storage, steps, None if mode == "native" else mode,
                                   args.program, max_time=max_time, execution=args.execution)
            return cpu, stop, {}
        runs += 1
        return configured_run(image, storage, steps, config, mode,
                              Path(scratch.name) / f"{runs}-{mode}", max_time, args.execution)

    with scratch:
        native, native_stop, native_out = run(max_steps, "native")
        guest, guest_stop, guest_out = run(max_steps, "vmcp")
        diff = first_difference(native.state(), guest.state())
        if diff is None:
            diff = _first_output_difference(native_out, guest_out)
        if diff is None and native_stop == guest_stop and native.steps == guest.steps:
            devices = f", {len(native_out)} device files" if config is not None else ""
            how = args.execution or default_execution()
            print(f"identical: {native.steps} instructions, stop {native_stop}{devices}, "
                  f"natively and under the VMCP ({how})")
            return EXIT_OK
        # Where do they part?  The first step count after which they differ.
        low, high = 0, max(native.steps, guest.steps)
        while low < high:
            mid = (low + high) // 2
            a, _, a_out = run(mid, "native")
            b, _, b_out = run(mid, "vmcp")
            if first_difference(a.state(), b.state()) is None and a.steps == b.steps \
                    and _first_output_difference(a_out, b_out) is None:
                low = mid + 1
            else:
                high = mid
        before, _, _ = run(max(0, low - 1), "native")
    at = before.ia
    text = format_instruction(before.real_storage(at, 6)) if at + 6 <= storage else "?"
    if diff is None:
        diff = ("stop", f"{native_stop} after {native.steps}",
                f"{guest_stop} after {guest.steps}")
    name, x, y = diff
    print(f"differ: {name}: native {x}, vmcp {y}")
    if native_stop != guest_stop:
        print(f"stop: native {native_stop}, vmcp {guest_stop}")
    print(f"they part at instruction {low} at {at:06X}: {text}")
    configured = f" --config {args.config}" if args.config is not None else ""
    seconds = Decimal(max_time) / 1_000_000      # the bound the comparison's runs had
    execution = f" --execution {args.execution}" if args.execution is not None else ""
    print(f"reproduce: s370 run {args.program}{configured} --max-steps {low} --max-time "
          f"{seconds} --json   and the same with --under vmcp{execution}")
    return 1


def _first_output_difference(a: dict[str, bytes],
                             b: dict[str, bytes]) -> tuple[str, str, str] | None:
    """The first device file that differs, with where and both bytes."""
    for name in sorted(a):
        x, y = a[name], b.get(name, b"")
        if x != y:
            at = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]),
                      min(len(x), len(y)))
            return (f"device {name} at byte {at}", _bytes_at(x, at), _bytes_at(y, at))
    return None


def _bytes_at(data: bytes, at: int) -> str:
    return data[at:at + 8].hex().upper() or f"(end of file, {len(data)} bytes)"


def parse_shares(shares: list[str], count: int) -> list[int]:
    if not shares:
        return [1] * count
    if len(shares) != count:
        raise UsageError(f"--share given {len(shares)} times for {count} programs: give it "
                         f"once per program, in order")
    out = []
    for text in shares:
        if not _digits(text) or not 1 <= int(text) <= 10_000:
            raise UsageError(f"--share {text}: must be a whole number from 1 to 10000")
        out.append(int(text))
    return out


def cmd_vmcp(args: argparse.Namespace) -> int:
    storage = parse_size(args.storage)
    if args.slice < 1:
        raise UsageError(f"--slice {args.slice}: must be positive")
    # Each VM's time bound: --max-time, or the default of its own step bound.
    _, max_time = run_bounds(args)
    if args.spool is not None:
        problem = spool_problem(Path(args.spool))
        if problem is not None:
            raise UsageError(f"--spool {args.spool}: {problem}")
    directory = None
    if args.directory is not None:
        try:
            directory = load_directory(args.directory)
        except VMIOError as e:
            raise UsageError(str(e)) from None
    elif not args.programs:
        raise UsageError("s370 vmcp: give PROGRAM..., or --directory FILE")
    shares = parse_shares(args.share, len(args.programs))
    # (name, image, storage, share, max_steps, devices, ipl), directory VMs first
    guests: list[tuple[str, bytes, int, int, int, Any, int | None]] = []
    if directory is not None:
        for d in directory.vms:
            image = load_program(str(d.program), d.storage) if d.program is not None else b""
            guests.append((d.name, image, d.storage, d.share,
                           d.max_steps if d.max_steps is not None else args.max_steps,
                           d.devices, d.ipl))
    guests += [(Path(p).stem, load_program(p, storage), storage, sh, args.max_steps, None,
                None)
               for p, sh in zip(args.programs, shares)]
    paging = parse_paging(args.paging) if args.paging is not None else 0
    if paging:
        # Paged VMs: their storage lives in `paging` bytes of frames and a backing
        # file; real storage holds the frames and the tables.
        real = paging + 0x2000 + sum(((1024 + 64 * ((g[2] + 0xFFFF) >> 16) + 0xFFF) & ~0xFFF)
                                     + 2 * 20 * 1024 for g in guests)
    else:
        real = sum(real_storage_for(g[2]) for g in guests) + 0x1000
    if directory is not None and directory.disks:
        real += AREA_SIZE
    if real > MAX_STORAGE:
        raise UsageError(f"s370 vmcp: {len(guests)} VMs need {real} bytes of real storage, "
                         f"more than 16M (use --paging SIZE)")
    real = max(real, MIN_STORAGE)
    # How the VMCP runs its VMs: --execution, else the directory's, else its default.
    execution = args.execution if args.execution is not None else (
        directory.execution if directory is not None else None)
    try:
        cp = new_vmcp(execution, real_storage=(real + 0x7FF) & ~0x7FF, policy=args.policy,
                      slice_us=args.slice, paging=paging, spool_directory=args.spool)
    except VMCPError as e:
        raise UsageError(f"s370 vmcp: {e}") from None
    try:
        try:
            if directory is not None:
                for address, (path, _) in sorted(directory.disks.items()):
                    cp.attach_real_disk(address, path,
                                        directory.ckd.get(address, ("3370", 0))[0])
                for address, (arguments, _) in sorted(directory.tapes.items()):
                    cp.attach_real_tape(address, **arguments)
            vms = []
            for name, image, size, share, max_steps, devices, ipl in guests:
                if len(image) > size:
                    raise UsageError(f"s370 vmcp: {name}: image of {len(image)} bytes is "
                                     f"larger than its storage ({size} bytes)")
                vms.append(cp.create_vm(image, size, name=name, share=share,
                                        max_steps=max_steps, max_time=max_time,
                                        virtual_cpu_id=args.virtual_cpu_id,
                                        paged=bool(paging), devices=devices, ipl=ipl))
        except VMCPError as e:
            where = args.directory or "s370 vmcp"
            raise UsageError(f"{where}: {e}") from None
        cp.run()
        for vm in vms:
            cp.release_spool(vm)
    finally:
        if cp.real.channels is not None:
            cp.real.channels.close()
    # What each VM was charged: the real time of its instructions and the VMCP's
    # work for it (reference.vm.vmcp.COSTS), in milliseconds of real machine time.
    total = sum(vm.real_us + vm.vmcp_us for vm in vms) or 1
    print(f"{'VM':<16} {'share':>5} {'stop':<16} {'instructions':>12} {'charged ms':>10} "
          f"{'vmcp ms':>8} {'cpu':>6}  interventions by cause ({cp.execution})")
    for vm in vms:
        causes = ", ".join(f"{c} {n}" for c, n in vm.interventions.most_common())
        charged = vm.real_us + vm.vmcp_us
        print(f"{vm.name:<16} {vm.share:>5} {vm.stop_reason or '':<16} {vm.steps:>12} "
              f"{charged / 1000:>10.1f} {vm.vmcp_us / 1000:>8.1f} "
              f"{100 * charged / total:>5.1f}%  {causes}")
    return EXIT_UNDELIVERED if report_undelivered("s370 vmcp", cp.spool) else EXIT_OK


def cmd_asm(args: argparse.Namespace) -> int:
    text = read_source(args.source)
    try:
        asm = assemble(text, args.source, object_module=args.object is not None)
        # An image has no linker: it is assembled without externals to resolve.
        image = None if args.object is not None and args.output is None else (
            asm.image if args.object is None else assemble(text, args.source).image)
    except AssemblyError as e:
        raise UsageError(str(e)) from None
    try:
        if image is not None:
            Path(args.output or str(Path(args.source).with_suffix(".bin"))).write_bytes(image)
        if asm.module is not None:
            Path(args.object).write_bytes(write_deck(asm.module))
        if args.listing == "-":
            sys.stdout.write(asm.listing)
        elif args.listing:
            Path(args.listing).write_text(asm.listing, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{e.filename}: {e.strerror}") from None
    return EXIT_OK


def cmd_disasm(args: argparse.Namespace) -> int:
    image = read_image(args.image)

    def hexarg(name: str, text: str | None) -> int | None:
        if text is None:
            return None
        if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", text):
            raise UsageError(f"--{name} {text}: not a hex address (1 to 6 hex digits)")
        return int(text, 16)

    origin = hexarg("origin", args.origin) or 0
    start = hexarg("start", args.start)
    end = hexarg("end", args.end)
    lines = disassemble(image, start=origin if start is None else start, end=end,
                        origin=origin)
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    if args.steps <= 0:
        raise UsageError(f"--steps {args.steps}: must be positive")
    growth_options_alone(args)
    if args.growth:
        return cmd_growth(args)
    if args.nesting:
        for line in format_nesting(nesting_rows(args.steps)):
            print(line)
    elif args.table:
        run_bench_table(args.steps, hercules=args.hercules)
    elif args.under == "vmcp":
        run_vmcp_bench(args.steps)
        print()
        for line in format_chapters(chapter_rows(args.steps)):
            print(line)
    else:
        run_bench(args.steps, hercules=args.hercules)
    return EXIT_OK


# ---------------------------------------------------------------------------
# s370 trace: record, diff, verify, regenerate, bench (reference/trace/)
# ---------------------------------------------------------------------------
def cmd_trace_record(args: argparse.Namespace) -> int:

    storage = parse_size(args.storage)
    if args.max_steps < 0:
        raise UsageError(f"--max-steps {args.max_steps}: must not be negative")
    image = load_program(args.program, storage)
    if len(image) > storage:
        raise UsageError(f"{args.program}: image of {len(image)} bytes is larger than "
                         f"storage ({storage} bytes)")
    if args.under == "vmcp" and real_storage_for(storage) > MAX_STORAGE:
        raise UsageError(f"{args.program}: under the VMCP a guest of {storage} bytes needs "
                         f"{real_storage_for(storage)} bytes of real storage, more than 16M")
    if args.no_embed:
        where = os.path.relpath(os.path.abspath(args.program),
                                os.path.dirname(os.path.abspath(args.output)))
        info = referenced_image(image, where.replace(os.sep, "/"))
    else:
        info = embedded_image(image)
    try:
        footer = write_trace(args.output, image, storage, args.under or "native",
                             args.max_steps, info)
    except VMCPError as e:
        raise UsageError(f"{args.program}: {e}") from None
    except OSError as e:
        raise UsageError(f"{args.output}: {e.strerror or e}") from None
    print(f"{args.output}: {footer['n']} steps, stop {footer['stop']}")
    return EXIT_OK


def cmd_trace_diff(args: argparse.Namespace) -> int:
    result = _trace_check(diff_files, args.a, args.b)
    return _trace_outcome(result.divergence, args.a, args.b,
                          f"identical: {result.records} records ({result.modes[0]}, "
                          f"{result.modes[1]})")


def cmd_trace_verify(args: argparse.Namespace) -> int:
    result = _trace_check(verify_file, args.file, args.image)
    return _trace_outcome(result.divergence, args.file, "reference",
                          f"verified: {result.records} records reproduced by the reference")


def _trace_check(check: Callable[..., Any], *files: Any) -> Any:
    """``check`` (diff or verify) of trace files; a bad trace is bad input."""
    try:
        return check(*files)
    except TraceError as e:
        raise UsageError(str(e)) from None


def _trace_outcome(divergence: Any, name_a: str, name_b: str, agreed: str) -> int:
    """Exit status 0 with ``agreed`` when nothing diverged; 1 with the report."""
    if divergence is None:
        print(agreed)
        return EXIT_OK
    print(divergence.report(name_a, name_b))
    return 1


def cmd_trace_regenerate(args: argparse.Namespace) -> int:
    # The golden traces are the conformance suite's: its corpus programs with their
    # expectations (storage, modes, step bound).  The library does not depend on the
    # suite, so the command finds the suite's regeneration by name, when it runs.
    try:
        goldens = importlib.import_module("conformance.goldens")
    except ImportError:
        raise UsageError("s370 trace regenerate: the conformance suite is not installed "
                         "(the golden traces are its corpus's)") from None
    goldens.regenerate()
    return EXIT_OK


def cmd_trace_bench(args: argparse.Namespace) -> int:
    if args.steps <= 0:
        raise UsageError(f"--steps {args.steps}: must be positive")
    run_trace_bench(args.steps)
    return EXIT_OK


def add_trace_parsers(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("trace", help="execution traces: record, diff, verify (traces/FORMAT.md)")
    tsub = t.add_subparsers(dest="trace_command", required=True, parser_class=_Parser)
    r = tsub.add_parser("record", help="run a program and write its trace (.gz: compressed)")
    r.add_argument("program")
    r.add_argument("-o", "--output", required=True, help="trace file (.jsonl or .jsonl.gz)")
    r.add_argument("--under", choices=["vmcp"], help="run as the only guest of the VMCP")
    r.add_argument("--storage", default="2M")
    r.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    r.add_argument("--no-embed", action="store_true",
                   help="name the image by SHA-256 and path instead of embedding it")
    r.set_defaults(func=cmd_trace_record)
    d = tsub.add_parser("diff", help="the first divergence of two traces: exit 0 identical, "
                                     "1 different, 2 bad trace")
    d.add_argument("a")
    d.add_argument("b")
    d.set_defaults(func=cmd_trace_diff)
    v = tsub.add_parser("verify", help="replay the reference from a trace's header and "
                                       "check every record: exit 0, 1, or 2 (bad trace)")
    v.add_argument("file")
    v.add_argument("--image", help="the program (.asm or raw image) if the trace does not "
                                   "embed it; if it does, the same image (else exit 2)")
    v.set_defaults(func=cmd_trace_verify)
    g = tsub.add_parser("regenerate", help="rewrite the golden traces (traces/golden/) from "
                                           "the conformance corpus")
    g.set_defaults(func=cmd_trace_regenerate)
    b = tsub.add_parser("bench", help="recording cost against a plain run; verify and diff "
                                      "records per second")
    b.add_argument("--steps", type=int, default=500_000)
    b.set_defaults(func=cmd_trace_bench)


def add_execution_argument(parser: argparse.ArgumentParser, what: str,
                           default: str = "") -> None:
    """``--execution trap|assist|sie``: how the VMCP runs its guests
    (``reference.vm.vmcp.EXECUTIONS``); not given, the VMCP's default."""
    parser.add_argument("--execution", choices=EXECUTIONS,
                        help=f"{what}how the VMCP runs its guests: trap (trap and "
                             f"simulate), assist (with the virtual-machine assist) or sie "
                             f"(interpretive execution); default: {default}$S370_EXECUTION, "
                             f"else assist")


MAX_TIME_HELP = ("stop after this much machine time, waits and channel activity "
                 "included (default: ten times what --max-steps instructions take, at "
                 "least 10 s)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="s370", description="System/370 reference machine")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run a program (.asm or raw image) to a stop")
    r.add_argument("program", nargs="?")
    r.add_argument("--storage", default=None,
                   help="main storage size, e.g. 64K or 2M (default 2M, or the config's)")
    r.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    r.add_argument("--max-time", metavar="SECONDS", help=MAX_TIME_HELP)
    r.add_argument("--dump", action="append", default=[], metavar="START-END",
                   help="hex range of absolute storage to print, END inclusive")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--under", choices=["vmcp"],
                   help="run as the only guest of the VMCP; the state printed is the "
                        "guest's virtual state")
    r.add_argument("--virtual-cpu-id", action="store_true",
                   help="with --under vmcp: STIDP stores the virtual-machine version "
                        "code X'FF' (by default the guest sees the native CPU ID)")
    add_execution_argument(r, "with --under vmcp: ")
    r.add_argument("--config", metavar="FILE",
                   help="machine configuration (TOML): storage and I/O devices")
    r.add_argument("--ipl", metavar="ADDRESS",
                   help="with --config: initial program loading from this device (hex)")
    r.add_argument("--no-floating-point", action="store_true",
                   help="a model without the floating-point facility: its instructions "
                        "are operation exceptions")
    r.add_argument("--origin", metavar="HEX",
                   help="load an object deck PROGRAM at this address (default: the "
                        "deck's own)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("compare", help="run natively and under the VMCP; exit 0 when "
                                       "the final states are identical, 1 otherwise")
    c.add_argument("program")
    c.add_argument("--storage", default=None, help="default 2M, or the configuration's")
    c.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    c.add_argument("--max-time", metavar="SECONDS", help=MAX_TIME_HELP)
    c.add_argument("--config", metavar="FILE",
                   help="machine configuration (TOML): the devices of both runs; their "
                        "output files and disk images are compared too (the configured "
                        "files are not written)")
    add_execution_argument(c, "")
    c.set_defaults(func=cmd_compare)

    v = sub.add_parser("vmcp", help="run several programs as VMs time-shared by the VMCP")
    v.add_argument("programs", nargs="*", metavar="PROGRAM")
    v.add_argument("--directory", metavar="FILE",
                   help="the VMCP's directory (TOML): real disks, and VMs with their "
                        "devices and minidisks (docs/vmcp.md)")
    v.add_argument("--spool", metavar="DIR",
                   help="spool directory (default: a temporary one)")
    v.add_argument("--policy", choices=["round-robin", "share"], default="round-robin")
    v.add_argument("--share", action="append", default=[],
                   help="the share of each VM, once per program in order (policy share)")
    v.add_argument("--storage", default="256K", help="each VM's storage")
    v.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS,
                   help="stop each VM after this many of its instructions")
    v.add_argument("--max-time", metavar="SECONDS",
                   help="stop each VM after this much of its machine time (default: ten "
                        "times what its --max-steps instructions take, at least 10 s)")
    v.add_argument("--slice", type=int, default=5000, help="time slice in microseconds")
    v.add_argument("--virtual-cpu-id", action="store_true",
                   help="STIDP stores the virtual-machine version code X'FF'")
    v.add_argument("--paging", metavar="SIZE",
                   help="page the VMs' storage through SIZE of real frames and a "
                        "backing file (e.g. 64K)")
    add_execution_argument(v, "", "the directory's execution, else ")
    v.set_defaults(func=cmd_vmcp)

    a = sub.add_parser("asm", help="assemble a source file into an image or an object deck")
    a.add_argument("source")
    a.add_argument("-o", "--output", help="image file (default: SOURCE with .bin, unless "
                                          "--object is given)")
    a.add_argument("--object", metavar="DECK",
                   help="write an OS/360 object deck (80-byte ESD, TXT, RLD, END cards)")
    a.add_argument("--listing", help="write a listing to FILE, or - for standard output")
    a.set_defaults(func=cmd_asm)

    d = sub.add_parser("disasm", help="disassemble an image")
    d.add_argument("image")
    d.add_argument("--start", help="hex address to start at")
    d.add_argument("--end", help="hex address to end at (exclusive)")
    d.add_argument("--origin", help="hex address of the image's first byte")
    d.set_defaults(func=cmd_disasm)

    b = sub.add_parser("bench", help="native instructions per second on an integer loop "
                                     "and a floating-point dot product")
    b.add_argument("--steps", type=int, default=3_000_000)
    b.add_argument("--hercules", action="store_true",
                   help="also time Hercules on the same loops (needs hercules)")
    b.add_argument("--under", choices=["vmcp"],
                   help="measure the VMCP against native runs: compute loop, "
                        "privileged-heavy loop, dispatch cost with 4 and 256 VMs")
    b.add_argument("--table", action="store_true",
                   help="every guest kind natively, under the VMCP and (with --hercules, "
                        "the loops) on Hercules, as one table")
    b.add_argument("--nesting", action="store_true",
                   help="the cost per nesting level: a guest alone, under minivm "
                        "(examples/minivm.asm) and the VMCP, up to 4 levels")
    add_growth_arguments(b)
    b.set_defaults(func=cmd_bench)
    add_trace_parsers(sub)
    add_dasd_parsers(sub, _Parser)
    add_debug_parser(sub, parse_size, parse_time)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UsageError as e:
        print(str(e).splitlines()[0] if str(e) else "s370: bad input", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StorageSizeError as e:
        print(f"s370: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of the output went away (``s370 run ... | head``): stop
        # quietly, as a program killed by SIGPIPE does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
