"""Storage dumps for a person, as Hercules shows them: the address, sixteen bytes
in four words of hex, and the bytes as EBCDIC text between asterisks::

    R:00000250  E2E4D440 F14BF1F0 F0407E40 F5F0F5F0  *SUM 1.100 = 5050*

A byte whose EBCDIC character (code page 037, ``reference.arch.ebcdic``) is not a
printable ASCII character shows as ``.``.  A last line of fewer than sixteen
bytes keeps the text column where the full lines have it.  ``s370 run`` prints
its ``--dump`` ranges this way, and the monitor (``s370 debug``) its displays.
"""

from __future__ import annotations

from reference.arch.ebcdic import PRINTABLE

__all__ = ["format_dump", "ebcdic_text"]

BYTES_PER_LINE = 16
_HEX_WIDTH = 35          # four words of eight digits, three blanks between them


def ebcdic_text(data: bytes) -> str:
    """The bytes as EBCDIC characters, ``.`` for any that does not print."""
    text = bytes(data).decode("cp037")
    return "".join(c if ord(c) in PRINTABLE else "." for c in text)


def format_dump(data: bytes, start: int, prefix: str = "") -> list[str]:
    """The lines of a dump of ``data``, whose first byte is at address ``start``:
    ``prefix`` (``"R:"`` for real addresses, ``"A:"`` for absolute ones), the
    address in eight hex digits, the hex and the EBCDIC text of sixteen bytes."""
    lines = []
    for off in range(0, len(data), BYTES_PER_LINE):
        chunk = bytes(data[off:off + BYTES_PER_LINE])
        words = " ".join(chunk[i:i + 4].hex().upper() for i in range(0, len(chunk), 4))
        lines.append(f"{prefix}{start + off:08X}  {words:<{_HEX_WIDTH}}  "
                     f"*{ebcdic_text(chunk)}*")
    return lines
