"""The MIT Sample Operating System (SOS) as a workload: where its source is, the
one line the project's assembler does not take, and the machine it expects.

SOS (version 2.00, MIT 1973) is software written by others and not part of the
project: it is read from ``../shared/workloads/sos/sos.asm`` beside the
checkout (``SOS_SOURCE``; the workloads README says where it comes from).  Its
source is assembled as it is, with one exception: line 15, ``PROGRAM  START
0,SOSLOAD``, gives START a second operand (a region name) that only the SATK
assembler (ASMA) accepts; ``sos_source`` makes it the plain ``PROGRAM  START 0``.

The machine SOS expects, from its listing: storage from 0 (``CORESIZE EQU
32768``; ``STORAGE`` gives it 64K, this model's smallest), BC mode, its IPL PSW
at location 0 (the restart interruption that starts every program of the
project loads it), one job stream (``STREAMS DC F'1'``) whose reader is X'012'
and printer X'010' (``UCBRDR1``, ``UCBPRT1``).  Its job stream processor reads
``$JOB,size,NAME=IN,NAME=OUT`` cards and the object deck that follows (TXT and
RLD cards, relocated by adding the load address; END starts the program), runs
the program in problem state, prints the twelve characters the program ends
with ("PROGRAM HALT"; "PROGRAM FLOP" after a program check) and skips to a new
page.  After the last card every process waits and the machine is in an enabled
wait that nothing can end: the run's end.  Jobs for it are in
``examples/sos/`` (deck files of ``reference.io.decks``).
"""

from __future__ import annotations

from pathlib import Path

from reference.asm.assembler import AssemblyError, assemble

__all__ = ["SOS_SOURCE", "EXAMPLES", "READER", "PRINTER", "STORAGE", "sos_present",
           "sos_source", "sos_image", "configuration_text", "SOSError"]

REPO = Path(__file__).resolve().parents[2]
SOS_SOURCE = REPO.parent / "shared" / "workloads" / "sos" / "sos.asm"
EXAMPLES = REPO / "examples" / "sos"

READER, PRINTER = 0x012, 0x010
STORAGE = 64 * 1024

# The one line of sos.asm the project's assembler does not take as it is.
START_LINE = "PROGRAM  START 0,SOSLOAD"
START_PLAIN = "PROGRAM  START 0"


class SOSError(Exception):
    """SOS's source is not there or not what it should be: one line."""


def sos_present(path: Path | None = None) -> bool:
    return (path or SOS_SOURCE).is_file()


def sos_source(path: Path | None = None) -> str:
    """SOS's source (default ``SOS_SOURCE``) with its SATK-only START line made
    the plain one."""
    path = path or SOS_SOURCE
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SOSError(f"{path}: {getattr(e, 'strerror', None) or e}") from None
    hits = [i for i, line in enumerate(lines) if line.startswith(START_LINE)]
    if len(hits) != 1:
        raise SOSError(f"{path}: the line {START_LINE!r} is not there once")
    lines[hits[0]] = START_PLAIN
    return "\n".join(lines) + "\n"


def sos_image(path: Path | None = None) -> bytes:
    """SOS assembled: its image from location 0."""
    path = path or SOS_SOURCE
    try:
        return assemble(sos_source(path), str(path)).image
    except AssemblyError as e:
        raise SOSError(str(e)) from None


def configuration_text(cards: str, printer: str) -> str:
    """A machine configuration (docs/configuration.md) with SOS's reader on the
    binary card file ``cards`` and its printer writing ``printer``."""
    return (f'[[device]]\naddress = "{READER:03X}"\ntype = "2540R"\nfile = "{cards}"\n'
            f'format = "binary"\n\n'
            f'[[device]]\naddress = "{PRINTER:03X}"\ntype = "1403"\nfile = "{printer}"\n')
