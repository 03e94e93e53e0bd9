"""examples/minivm.asm, a hypervisor written in S/370 assembler, as a workload:
its decks, its runs, and the same guests run alone for comparison.

minivm (its header gives the theory of operation) reads one deck from its reader
X'00C': for each guest a control card, the guest's program as an object deck, a
count card and the guest's reader cards; it runs the guests with START
INTERPRETIVE EXECUTION and prints their printer lines on its printer X'00E',
each prefixed with the guest's name.  Here:

- ``Guest``: one guest (name, storage, object deck, reader cards, device
  addresses); ``guest_from_source`` assembles one (``minios``, ``sos`` and
  ``cards_to_printer`` build the bundled ones);
- ``deck(guests)``: minivm's reader file;
- ``run_minivm(guests)``: minivm run natively with that deck (``Result``: the
  machine, its stop, its printer file, and for each guest its printer lines with
  the prefix stripped, its final SD and storage, read from minivm's table of
  guests at X'10000');
- ``alone(guest)``: the same guest run alone natively (its devices at its own
  addresses, with its reader cards), to compare with;
- ``minivm_guest(name, guests, storage)``: minivm itself as a guest of minivm,
  its reader holding the deck of ``guests``; ``Result.inner(name)`` reads that
  inner minivm's guests from its storage and printer lines.

    python -m conformance.minivm

runs minivm with SOS (job stream A) and minios as guests and prints minivm's
printer file (SOS is read from ../shared/workloads; without it, minios and the
card-to-printer example).  ``python -m conformance.minivm --write-example``
writes the bundled deck examples/minivm.deck (minios and cards_to_printer),
which examples/minivm.toml reads.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference.cli.minivm import (
    MINIVM_SOURCE,
    PRINTER,
    READER,
    Guest,
    card,
    cards_to_printer,
    deck,
    guest_from_source,
    minios,
    minivm_guest,
    minivm_image,
    object_deck,
    run_configured,
    sos,
)
from reference.cli.sos import sos_present
from reference.machine import interpretive as sie
from reference.machine.cpu import State
from reference.session import start_machine

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EXAMPLE_DECK = EXAMPLES / "minivm.deck"
K = 1024
MAX_STEPS = 40_000_000

# minivm's layout (examples/minivm.asm, header)
TABLE = 0x10000
ENTRY0 = 0x10100
ENTRY_SIZE = 0x200
E_NAME, E_STATE, E_HOW, E_INTERCEPTIONS, E_SIZE = 0x100, 0x108, 0x10C, 0x110, 0x114
E_DETAIL, E_REGS, E_TOD_OFFSET = 0x128, 0x130, 0x1C8
HOWS = {1: "WAIT", 2: "IDLE", 3: "LOOP", 4: "VALIDITY", 5: "UNSUPP", 6: "INTERCPT"}
END_PSW = 0x00020000_00000000


def ebcdic(text: str) -> bytes:
    return text.encode("cp037")


def configured(image: bytes, storage: int, cards: bytes, reader: int, printer: int,
               max_steps: int, mode: str = "native",
               execution: str | None = None) -> tuple[Any, str, str]:
    """``image`` run with ``cards`` in its reader, natively or (``mode`` "vmcp")
    as the only VM of a VMCP: (CPU, stop, printer)."""
    return run_configured(image, storage, cards, max_steps, reader, printer, mode, execution)


@dataclass
class GuestResult:
    """One guest's end under minivm, from minivm's table of guests."""

    name: str
    how: str
    detail: int
    interceptions: int
    sd: sie.StateDescription
    regs: tuple[int, ...]          # registers 0-15 (0-13 from minivm's save area)
    storage: bytes
    keys: bytes                    # the storage keys of its frames
    tod_offset: int                # guest TOD = elapsed * 4096 + this
    lines: list[str] = field(default_factory=list)   # its printer lines, prefix stripped

    def state(self) -> State:
        """The guest's architectural state (comparable with a native run's)."""
        d = self.sd
        mem = self.storage
        return State(psw=d.psw, gpr=self.regs[:14] + (d.gr14, d.gr15), fpr=(0, 0, 0, 0),
                     cr=d.cr, prefix=d.prefix,
                     tod=(d.elapsed * 4096 + self.tod_offset) & (1 << 64) - 1,
                     clock_comparator=d.clock_comparator, cpu_timer=d.cpu_timer,
                     interval_timer=int.from_bytes(mem[0x50:0x54], "big"),
                     storage=mem, keys=self.keys, pending=(), stopped=None)


@dataclass
class Result:
    cpu: Any
    stop: str
    printer: str
    guests: list[GuestResult]
    host_keys: Any = b""           # the storage keys of the machine minivm runs on

    def guest(self, name: str) -> GuestResult:
        return next(g for g in self.guests if g.name == name)

    def minivm_lines(self) -> list[str]:
        return [line for line in self.printer.splitlines() if line.startswith("MINIVM ")]

    def inner(self, name: str) -> Result:
        """The guest ``name``, itself a minivm, as a result of its own: its
        guests from the table in its storage, its printer lines."""
        g = self.guest(name)
        printer = "".join(line + "\n" for line in g.lines)
        return Result(None, g.how, printer,
                      guests_of(g.storage, printer, self.host_keys, g.sd.origin),
                      self.host_keys)


def guests_of(mem: Any, printer: str, keys: Any, base: int = 0) -> list[GuestResult]:
    """The guests in minivm's table in storage ``mem``; ``printer``: minivm's
    printer file (their lines); ``keys``: the storage keys of the machine whose
    storage from ``base`` on is ``mem`` (a guest's keys are those of its frames)."""
    if bytes(mem[TABLE:TABLE + 4]) != ebcdic("MVMT"):
        return []
    n = int.from_bytes(mem[TABLE + 4:TABLE + 8], "big")
    out = []
    for i in range(n):
        e = ENTRY0 + i * ENTRY_SIZE
        d = sie.StateDescription.read(bytes(mem[e:e + sie.SD_SIZE]))
        name = bytes(mem[e + E_NAME:e + E_NAME + 8]).decode("cp037").rstrip()
        regs = tuple(int.from_bytes(mem[e + E_REGS + 4 * r:e + E_REGS + 4 * r + 4], "big")
                     for r in range(16))
        how = int.from_bytes(mem[e + E_HOW:e + E_HOW + 4], "big")
        prefix = f"{name:<8} "
        lines = [line[len(prefix):] for line in printer.splitlines()
                 if line.startswith(prefix) or line == prefix.rstrip()]
        out.append(GuestResult(
            name, HOWS.get(how, "RUNNING"),
            int.from_bytes(mem[e + E_DETAIL:e + E_DETAIL + 2], "big"),
            int.from_bytes(mem[e + E_INTERCEPTIONS:e + E_INTERCEPTIONS + 4], "big"),
            d, regs, bytes(mem[d.origin:d.origin + d.extent]),
            bytes(keys[(base + d.origin) >> 11:(base + d.origin + d.extent) >> 11]),
            int.from_bytes(mem[e + E_TOD_OFFSET:e + E_TOD_OFFSET + 8], "big"), lines))
    return out


def run_minivm(guests: list[Guest], storage: int = 2 * 1024 * K,
               max_steps: int = MAX_STEPS, cards: bytes | None = None,
               mode: str = "native", execution: str | None = None) -> Result:
    """minivm run with the deck of ``guests`` (or ``cards``), natively or (``mode``
    "vmcp") as the only VM of a VMCP run the ``execution`` way."""
    cpu, stop, printer = configured(minivm_image(), storage,
                                    deck(guests) if cards is None else cards,
                                    READER, PRINTER, max_steps, mode, execution)
    return Result(cpu, stop, printer, guests_of(cpu.mem, printer, cpu.keys), cpu.keys)


def alone(guest: Guest, max_steps: int = MAX_STEPS) -> tuple[Any, str, str]:
    """The guest run alone natively: (machine, stop, printer file)."""
    if not guest.cards and guest.name == "MINIOS":
        m = start_machine(guest.image, guest.storage)
        stop = m.run(max_steps)
        return m, stop, ""
    return configured(guest.image, guest.storage, guest.cards, guest.reader, guest.printer,
                      max_steps)


LINE_WIDTH = 123                  # a guest's line under one minivm: 132 less "NAME     "


def printed_lines(printer: str, levels: int = 1) -> list[str]:
    """A native printer file's lines as minivm shows them at ``levels`` of
    minivm: the text of each line written (trailing blanks dropped, at most 123
    characters under one minivm, 9 fewer for each minivm more, whose name prefix
    takes them on the 132 print positions), without the lines that spacing and
    skipping make."""
    width = LINE_WIDTH - 9 * (levels - 1)
    text = printer.replace("\f", "\n").replace("\r", "\n")
    return [line[:width].rstrip() for line in text.split("\n") if line.strip()]


def write_example() -> Path:
    EXAMPLE_DECK.write_bytes(deck([minios(), cards_to_printer()]))
    return EXAMPLE_DECK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.minivm")
    parser.add_argument("--write-example", action="store_true",
                        help=f"write {EXAMPLE_DECK.relative_to(REPO)} and stop")
    args = parser.parse_args(argv)
    if args.write_example:
        print(write_example())
        return 0
    guests = [sos("stream-a"), minios()] if sos_present() \
        else [minios(), cards_to_printer()]
    result = run_minivm(guests)
    sys.stdout.write(result.printer)
    print(f"-- minivm stopped: {result.stop}; PSW {result.cpu.psw_value():016X}; "
          f"{result.cpu.steps} instructions")
    return 0


# The deck builders are reference.cli.minivm's (s370 bench uses them too).
__all__ = ["Guest", "GuestResult", "Result", "MINIVM_SOURCE", "READER", "PRINTER", "card",
           "object_deck", "guest_from_source", "minios", "cards_to_printer", "sos",
           "minivm_guest", "minivm_image", "deck", "configured", "run_minivm", "alone",
           "guests_of", "printed_lines", "write_example", "main"]


if __name__ == "__main__":
    sys.exit(main())
