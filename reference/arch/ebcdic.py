"""Character data: EBCDIC code page 037, the one conversion of the project.

The assembler's ``C'...'`` constants and the devices' character data are EBCDIC
code page 037 (Python's ``cp037`` codec); host text files are ASCII.  Text read
from a host file is converted character for character.  Data written to a host
file is converted back, and an EBCDIC byte that is not a printable ASCII
character after conversion prints (or is written) as a blank, as a character
missing from a print train prints blank.
"""

from __future__ import annotations

EBCDIC_BLANK = 0x40
PRINTABLE = frozenset(range(0x20, 0x7F))     # the printable ASCII characters

__all__ = ["EBCDIC_BLANK", "PRINTABLE", "to_ebcdic", "to_ascii"]


def to_ebcdic(text: str) -> bytes:
    """``text`` in EBCDIC code page 037."""
    return text.encode("cp037")


def to_ascii(data: bytes) -> str:
    """EBCDIC to ASCII; a byte with no printable ASCII character becomes a blank."""
    text = data.decode("cp037")
    return "".join(c if ord(c) in PRINTABLE else " " for c in text)
