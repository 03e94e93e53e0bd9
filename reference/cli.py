"""The ``s370`` command.

    s370 asm SOURCE [-o IMAGE] [--listing FILE|-]
    s370 disasm IMAGE [--start HEX] [--end HEX] [--origin HEX]
    s370 run PROGRAM [--storage SIZE] [--max-steps N] [--dump START-END]... [--json]
    s370 bench [--steps N] [--hercules]

``s370 run`` is a contract that tools outside the project depend on; README.md
states it in full.  Bad input of any kind gets one line on standard error naming
the place and the problem, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from .machine import MAX_STORAGE, MIN_STORAGE, Machine, StorageSizeError

EXIT_OK = 0
EXIT_BAD_INPUT = 2
DEFAULT_STORAGE = 2 * 1024 * 1024
DEFAULT_MAX_STEPS = 10_000_000


class UsageError(Exception):
    """Bad input: reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def parse_size(text: str) -> int:
    """'2M', '512K', '65536' -> bytes; 64K to 16M in multiples of 2K."""
    t = text.strip().upper()
    scale = 1
    if t.endswith("K"):
        scale, t = 1024, t[:-1]
    elif t.endswith("M"):
        scale, t = 1024 * 1024, t[:-1]
    if not t.isdigit():
        raise UsageError(f"--storage {text}: not a size (examples: 64K, 2M, 16M)")
    size = int(t) * scale
    if not MIN_STORAGE <= size <= MAX_STORAGE or size % 2048:
        raise UsageError(f"--storage {text}: must be a multiple of 2K from 64K to 16M")
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


def load_program(path: str) -> bytes:
    """Assemble a .asm file, or read any other file as a raw image."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from None
    if p.suffix.lower() == ".asm":
        from .assembler import AssemblyError, assemble
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise UsageError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
        try:
            return assemble(text, path).image
        except AssemblyError as e:
            raise UsageError(str(e)) from None
    return data


def start_machine(image: bytes, storage: int, path: str = "image") -> Machine:
    """Clear reset, the image at absolute 0, then the PSW from location 0.

    The PSW is loaded by a restart interruption, as Hercules' ``restart`` does: the
    current PSW (all zeros after clear reset) is stored at 8 and the PSW at 0 loaded.
    """
    if len(image) > storage:
        raise UsageError(f"{path}: image of {len(image)} bytes is larger than storage "
                         f"({storage} bytes)")
    m = Machine(storage)
    m.load_image(image, 0)
    m.restart_interruption()
    return m


def state_json(m: Machine, stop: str, dumps: list[tuple[int, int]]) -> dict[str, object]:
    storage = []
    for start, end in dumps:
        data = m.real_storage(start, end - start + 1)
        storage.append({"start": start, "end": end, "hex": data.hex().upper()})
    return {
        "stop": stop,
        "steps": m.steps,
        "psw": f"{m.psw_value():016X}",
        "gpr": [f"{v:08X}" for v in m.gpr],
        "cr": [f"{v:08X}" for v in m.cr],
        "storage": storage,
        "keys": list(m.keys),
    }


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
    storage = out["storage"]
    assert isinstance(storage, list)
    for d in storage:
        data = bytes.fromhex(d["hex"])
        for off in range(0, len(data), 16):
            chunk = data[off:off + 16]
            words = " ".join(chunk[i:i + 4].hex().upper() for i in range(0, len(chunk), 4))
            print(f"R:{d['start'] + off:08X}  {words}")
    keys = out["keys"]
    assert isinstance(keys, list)
    used = [(i, k) for i, k in enumerate(keys) if k]
    if used:
        print("keys   " + " ".join(f"{i * 2048:06X}:{k:02X}" for i, k in used))
    else:
        print("keys   all zero")


def cmd_run(args: argparse.Namespace) -> int:
    storage = parse_size(args.storage)
    if args.max_steps < 0:
        raise UsageError(f"--max-steps {args.max_steps}: must not be negative")
    dumps = [parse_range(d) for d in args.dump]
    for start, end in dumps:
        if end >= storage:
            raise UsageError(f"--dump {start:X}-{end:X}: beyond storage of {storage} bytes")
    image = load_program(args.program)
    m = start_machine(image, storage, args.program)
    stop = m.run(args.max_steps)
    out = state_json(m, stop, dumps)
    if args.json:
        print(json.dumps(out))
    else:
        print_human(out)
    return EXIT_OK


def cmd_asm(args: argparse.Namespace) -> int:
    from .assembler import AssemblyError, assemble
    try:
        text = Path(args.source).read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{args.source}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise UsageError(f"{args.source}: not UTF-8 text ({e.reason})") from None
    try:
        asm = assemble(text, args.source)
    except AssemblyError as e:
        raise UsageError(str(e)) from None
    output = args.output or str(Path(args.source).with_suffix(".bin"))
    try:
        Path(output).write_bytes(asm.image)
        if args.listing == "-":
            sys.stdout.write(asm.listing)
        elif args.listing:
            Path(args.listing).write_text(asm.listing, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{e.filename}: {e.strerror}") from None
    return EXIT_OK


def cmd_disasm(args: argparse.Namespace) -> int:
    from .disassembler import disassemble
    try:
        image = Path(args.image).read_bytes()
    except OSError as e:
        raise UsageError(f"{args.image}: {e.strerror or e}") from None

    def hexarg(name: str, text: str | None) -> int | None:
        if text is None:
            return None
        try:
            return int(text, 16)
        except ValueError:
            raise UsageError(f"--{name} {text}: not a hex address") from None

    origin = hexarg("origin", args.origin) or 0
    start = hexarg("start", args.start)
    end = hexarg("end", args.end)
    lines = disassemble(image, start=origin if start is None else start, end=end,
                        origin=origin)
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench
    if args.steps <= 0:
        raise UsageError(f"--steps {args.steps}: must be positive")
    run_bench(args.steps, hercules=args.hercules)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="s370", description="System/370 reference machine")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run a program (.asm or raw image) to a stop")
    r.add_argument("program")
    r.add_argument("--storage", default="2M", help="main storage size, e.g. 64K or 2M")
    r.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    r.add_argument("--dump", action="append", default=[], metavar="START-END",
                   help="hex range of absolute storage to print, END inclusive")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.set_defaults(func=cmd_run)

    a = sub.add_parser("asm", help="assemble a source file into an image")
    a.add_argument("source")
    a.add_argument("-o", "--output", help="image file (default: SOURCE with .bin)")
    a.add_argument("--listing", help="write a listing to FILE, or - for standard output")
    a.set_defaults(func=cmd_asm)

    d = sub.add_parser("disasm", help="disassemble an image")
    d.add_argument("image")
    d.add_argument("--start", help="hex address to start at")
    d.add_argument("--end", help="hex address to end at (exclusive)")
    d.add_argument("--origin", help="hex address of the image's first byte")
    d.set_defaults(func=cmd_disasm)

    b = sub.add_parser("bench", help="native instructions per second on a compute loop")
    b.add_argument("--steps", type=int, default=3_000_000)
    b.add_argument("--hercules", action="store_true",
                   help="also time Hercules on the same loop (needs hercules)")
    b.set_defaults(func=cmd_bench)
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


if __name__ == "__main__":
    sys.exit(main())
