"""examples/minivm.asm, the project's hypervisor in S/370, as a workload: its decks
and its runs, natively or under the VMCP.

minivm (its header gives the theory of operation and the deck's format) reads
one deck from its reader X'00C': for each guest a control card, the guest's
program as an object deck, a count card and the guest's reader cards.  Here:

- ``Guest``: one guest (name, storage, object deck, reader cards, device
  addresses, and its image, to run it alone); ``guest_from_source`` assembles
  one, ``minios``, ``cards_to_printer`` and ``sos`` build the usual ones, and
  ``minivm_guest`` makes minivm itself a guest whose reader holds a deck;
- ``deck(guests)``: minivm's reader file;
- ``run_configured``: a program run natively or as the only VM of a VMCP with
  ``cards`` in its reader and a printer, as ``s370 run --config`` runs it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import reference.cli.sos as sos_cli
from reference.asm.assembler import assemble
from reference.asm.objdeck import write_deck
from reference.io.config import load_configuration
from reference.io.decks import deck_cards
from reference.session import configured_run

__all__ = ["Guest", "MINIVM_SOURCE", "READER", "PRINTER", "card", "object_deck",
           "guest_from_source", "minios", "cards_to_printer", "sos", "minivm_guest",
           "minivm_image", "deck", "config_text", "run_configured"]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MINIVM_SOURCE = EXAMPLES / "minivm.asm"
K = 1024
READER, PRINTER = 0x00C, 0x00E


def card(text: str) -> bytes:
    """An 80-column card of ``text`` in EBCDIC."""
    if len(text) > 80:
        raise ValueError(f"card longer than 80 columns: {text!r}")
    return text.ljust(80).encode("cp037")


@dataclass
class Guest:
    """One guest of minivm."""

    name: str
    storage: int                  # bytes, a multiple of 4K
    objdeck: bytes                # its program as an object deck
    cards: bytes = b""            # its reader's cards, 80 bytes each
    reader: int = READER
    printer: int = PRINTER
    image: bytes = b""            # the program's image (for the run alone)

    def control_card(self) -> bytes:
        return card(f"MINIVM GUEST {self.name:<8.8} {self.storage // K:05d}K "
                    f"{self.reader:03X} {self.printer:03X}")


def object_deck(source: str, name: str) -> tuple[bytes, bytes]:
    """(object deck, image) of assembler ``source``."""
    a = assemble(source, name, object_module=True)
    assert a.module is not None
    return write_deck(a.module), a.image


def guest_from_source(name: str, source: str, storage: int, cards: bytes = b"",
                      reader: int = READER, printer: int = PRINTER) -> Guest:
    objdeck, image = object_deck(source, name)
    return Guest(name, storage, objdeck, cards, reader, printer, image)


def minios() -> Guest:
    """examples/minios.asm (256K, no devices)."""
    text = (EXAMPLES / "minios.asm").read_text()
    return guest_from_source("MINIOS", text, 256 * K)


def cards_to_printer(cards: bytes | None = None) -> Guest:
    """examples/cards_to_printer.asm with ``cards`` (default: examples/cards.txt)."""
    text = (EXAMPLES / "cards_to_printer.asm").read_text()
    if cards is None:
        cards = b"".join(card(line)
                         for line in (EXAMPLES / "cards.txt").read_text().splitlines())
    return guest_from_source("CARDS", text, 64 * K, cards)


def sos(stream: str = "stream-a") -> Guest:
    """SOS (reference.cli.sos; read from ../shared/workloads) with the job stream
    examples/sos/<stream>.deck."""
    return guest_from_source("SOS", sos_cli.sos_source(), sos_cli.STORAGE,
                             deck_cards(sos_cli.EXAMPLES / f"{stream}.deck"), sos_cli.READER,
                             sos_cli.PRINTER)


@lru_cache(maxsize=1)
def _minivm_assembled() -> tuple[bytes, bytes]:
    """(object deck, image) of examples/minivm.asm, assembled once."""
    return object_deck(MINIVM_SOURCE.read_text(), str(MINIVM_SOURCE))


def minivm_image() -> bytes:
    return _minivm_assembled()[1]


def minivm_guest(name: str, guests: list[Guest], storage: int) -> Guest:
    """minivm itself as a guest whose reader holds the deck of ``guests``."""
    objdeck, image = _minivm_assembled()
    return Guest(name, storage, objdeck, deck(guests), READER, PRINTER, image)


def deck(guests: list[Guest]) -> bytes:
    """minivm's reader file for ``guests``."""
    out = bytearray()
    for g in guests:
        if len(g.cards) % 80:
            raise ValueError(f"{g.name}: reader cards not a multiple of 80 bytes")
        out += g.control_card() + g.objdeck
        out += card(f"MINIVM CARDS {len(g.cards) // 80:05d}") + g.cards
    return bytes(out)


def config_text(reader_file: str, printer_file: str, reader: int = READER,
                printer: int = PRINTER) -> str:
    """A machine configuration with a reader on ``reader_file`` (binary cards) and
    a printer writing ``printer_file``."""
    return (f'[[device]]\naddress = "{reader:03X}"\ntype = "2540R"\nfile = "{reader_file}"\n'
            f'format = "binary"\n\n'
            f'[[device]]\naddress = "{printer:03X}"\ntype = "1403"\nfile = "{printer_file}"\n')


def run_configured(image: bytes, storage: int, cards: bytes, max_steps: int,
                   reader: int = READER, printer: int = PRINTER, mode: str = "native",
                   execution: str | None = None) -> tuple[Any, str, str]:
    """``image`` run with ``cards`` in its reader, natively (``mode`` "native")
    or as the only VM of a VMCP ("vmcp", run the ``execution`` way):
    (CPU, stop, the printer file)."""
    with tempfile.TemporaryDirectory(prefix="s370-minivm-") as tmp:
        work = Path(tmp)
        (work / "cards.bin").write_bytes(cards)
        (work / "run.toml").write_text(config_text("cards.bin", "out.prt", reader, printer))
        config = load_configuration(str(work / "run.toml"))
        cpu, stop, outputs = configured_run(image, storage, max_steps, config, mode,
                                            work / "out", execution=execution)
        return cpu, stop, outputs[f"{printer:03X} 1403"].decode("latin-1")
