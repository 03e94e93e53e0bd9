"""Card decks for a card reader, written as text: the cards of a job stream.

A deck file has one card a line: the line's characters are the card's columns
1-80 in EBCDIC (code page 037; printable ASCII only; a shorter line is padded
with blanks).  A line ``@FILE`` stands for the object deck of the assembler
source FILE (relative to the deck file), assembled by the project's assembler
(``reference.asm.objdeck``: ESD, TXT, RLD and END cards).  Lines starting
with ``#`` and empty lines are not cards.  The result is the reader's file in
the ``binary`` format of docs/configuration.md: 80 bytes a card.

``deck_cards`` raises ``DeckFileError`` with one line, ``file:line: problem``,
for a card longer than 80 columns, a character without an EBCDIC code, or a
source that cannot be read or assembled.
"""

from __future__ import annotations

from pathlib import Path

from reference.arch.ebcdic import PRINTABLE, to_ebcdic
from reference.asm.assembler import AssemblyError, assemble
from reference.asm.objdeck import write_deck

__all__ = ["DeckFileError", "deck_cards", "CARD"]

CARD = 80


class DeckFileError(Exception):
    """A deck file that cannot be made into cards: ``file:line: problem``."""


def _object_deck(source: Path, where: str) -> bytes:
    try:
        text = source.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise DeckFileError(f"{where}: {source}: {getattr(e, 'strerror', None) or e}") \
            from None
    try:
        module = assemble(text, str(source), object_module=True).module
    except AssemblyError as e:
        raise DeckFileError(f"{where}: {e}") from None
    assert module is not None
    return write_deck(module)


def deck_cards(path: str | Path) -> bytes:
    """The cards of the deck file ``path``, 80 bytes each."""
    path = Path(path)
    try:
        # Every byte is a character here, so that one outside printable ASCII is
        # reported with its line.
        lines = path.read_text(encoding="latin-1").splitlines()
    except OSError as e:
        raise DeckFileError(f"{path}: {getattr(e, 'strerror', None) or e}") from None
    out = bytearray()
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            out += _object_deck(path.parent / line[1:].strip(), where)
            continue
        if len(line) > CARD:
            raise DeckFileError(f"{where}: a card has {CARD} columns, this line {len(line)}")
        bad = next((ch for ch in line if ord(ch) not in PRINTABLE), None)
        if bad is not None:
            raise DeckFileError(f"{where}: character {bad!r} has no EBCDIC code here")
        out += to_ebcdic(line.ljust(CARD))
    return bytes(out)
