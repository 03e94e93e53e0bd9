"""The MIT Sample Operating System (SOS) as a workload: an operating system
written by others runs its jobs natively, under the VMCP (alone and as one of
several VMs next to the bundled minios) and on Hercules, and prints the same
lines.

SOS itself, where it is read from and the machine it expects:
``reference.cli.sos``.  Everything here that needs it is skipped where
``../shared/workloads`` is absent.  The jobs (SOS user programs written for this
project) and their job streams are in ``examples/sos/`` (deck files of
``reference.io.decks``: text cards and ``@FILE`` object decks); each stream's
printer output, derived by hand, is ``conformance/sos/<stream>.toml``.

    python -m conformance.sos [STREAM ...] [--hercules]

runs each stream natively and under the VMCP (and on Hercules) and prints the
printer output and whether it is what the stream's expectations say.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import hercules as H
from reference.cli.sos import (
    EXAMPLES,
    PRINTER,
    READER,
    SOS_SOURCE,
    STORAGE,
    SOSError,
    configuration_text,
    sos_image,
    sos_present,
)
from reference.io.config import load_configuration
from reference.io.decks import DeckFileError, deck_cards
from reference.session import configured_run, load_program, real_storage_for, run_either
from reference.vm.directory import load_directory
from reference.vm.vmcp import VMCP

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python before 3.11
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

REPO = Path(__file__).resolve().parent.parent
EXPECTATIONS = Path(__file__).resolve().parent / "sos"
MAX_STEPS = 20_000_000


def expected_printer(path: Path) -> str:
    """The printer file a stream's expectations (``conformance/sos/<stream>.toml``)
    give: each page's lines, each page ended by SOS's write and skip to channel 1
    of one blank character (a carriage return, then a form feed:
    docs/configuration.md, 1403)."""
    with open(EXPECTATIONS / (path.stem + ".toml"), "rb") as f:
        data = tomllib.load(f)
    return "".join("".join(line + "\n" for line in page) + "\r\f" for page in data["pages"])


def configuration(workdir: Path, cards: bytes) -> Any:
    (workdir / "cards.bin").write_bytes(cards)
    (workdir / "sos.toml").write_text(configuration_text("cards.bin", "sos.prt"))
    return load_configuration(str(workdir / "sos.toml"))


@dataclass
class Run:
    """One run of SOS on a job stream."""

    stop: str
    printer: str
    state: Any = None           # the CPU (reference runs)
    instructions: int = 0


def run_reference(image: bytes, cards: bytes, mode: str) -> Run:
    """SOS with ``cards`` in its reader, natively or as the only VM of a VMCP."""
    with tempfile.TemporaryDirectory(prefix="s370-sos-") as tmp:
        work = Path(tmp)
        config = configuration(work, cards)
        cpu, stop, outputs = configured_run(image, STORAGE, MAX_STEPS, config, mode,
                                            work / "out")
        printer = outputs[f"{PRINTER:03X} 1403"].decode("latin-1")
        return Run(stop, printer, cpu.state(), cpu.steps)


def run_hercules(image: bytes, cards: bytes, timeout: float = 60.0) -> Run:
    """SOS on Hercules 3.13 with the same image, cards and device addresses: the
    image loaded at 0, a restart, and the printer file once SOS has come to its
    final enabled wait (which Hercules does not report).

    Hercules keeps the interval timer apart from location 80 and requests an
    interruption when the -1 SOS's image holds there replaces the zero of the
    clear reset (H17 in docs/hercules-differences.md); taken during SOS's IPL
    routine, that interruption leaves SOS waiting for ever with nothing printed.
    The run therefore has Hercules take up the loaded value (displaying location
    80 does it) and then clears the request with a CPU reset (``sysreset``,
    which keeps storage) before the restart: the smallest change that lets the
    rest be compared."""
    with tempfile.TemporaryDirectory(prefix="s370-sos-herc-") as tmp:
        work = Path(tmp)
        (work / "cards.bin").write_bytes(cards)
        prt = work / "sos.prt"
        config = (H.MACHINE + f"{READER:04X} 3505 {work / 'cards.bin'} ebcdic eof\n"
                  f"{PRINTER:04X} 1403 {prt}\n")
        with H.Hercules(config_text=config) as herc:
            herc.command("sysclear")
            herc.loadcore(0, image)
            herc.command("r 50.4")      # Hercules takes location 80 as its timer
            herc.command("sysreset")    # and the request that raised goes
            herc.start("restart")
            # Hercules writes the printer file when the device is detached, so the
            # end is seen in the PSW: the wait bit in three looks in a row, half a
            # second apart (SOS's waits for its own I/O last microseconds).
            deadline = time.monotonic() + timeout
            waits = 0
            while time.monotonic() < deadline and waits < 3:
                time.sleep(0.5)
                psw = herc.psw()
                waits = waits + 1 if psw >> 48 & 0x2 else 0
            stop = "enabled-wait" if waits >= 3 else "no wait"
            herc.stop()
            herc.command(f"detach {PRINTER:04X}")
        return Run(stop, prt.read_bytes().decode("latin-1") if prt.exists() else "")


@dataclass
class Guest:
    """One VM of a several-VM run: its name, share, final state, stop, printer
    output (SOS VMs) and the VMCP's interventions for it."""

    name: str
    share: int
    stop: str
    state: Any
    instructions: int
    printer: str
    interventions: dict[str, int]


MINIOS = REPO / "examples" / "minios.asm"
MINIOS_STORAGE = 256 * 1024


def directory_text(image_file: Path, decks: list[tuple[str, Path, int]]) -> str:
    """A VMCP directory (docs/vmcp.md) with one SOS VM per (name, cards file,
    share), each with its reader and printer at SOS's addresses, and the
    bundled minios (``examples/minios.asm``) as a last VM of share 1."""
    out = []
    for name, cards, share in decks:
        out.append(
            f'[[vm]]\nname = "{name}"\nprogram = "{image_file}"\nstorage = "64K"\n'
            f'share = {share}\nmax_steps = {MAX_STEPS}\n\n'
            f'  [[vm.device]]\n  address = "{READER:03X}"\n  type = "2540R"\n'
            f'  file = "{cards}"\n  format = "binary"\n\n'
            f'  [[vm.device]]\n  address = "{PRINTER:03X}"\n  type = "1403"\n'
            f'  file = "{cards.with_suffix(".prt")}"\n')
    out.append(f'[[vm]]\nname = "minios"\nprogram = "{MINIOS}"\n'
               f'storage = "{MINIOS_STORAGE // 1024}K"\nshare = 1\n'
               f'max_steps = {MAX_STEPS}\n')
    return "\n".join(out)


def run_several(image: bytes, jobs: list[tuple[str, bytes, int]], workdir: Path,
                policy: str = "share") -> list[Guest]:
    """Several SOS VMs, one per (name, cards, share), and minios, time-shared by
    one VMCP as ``s370 vmcp --directory`` runs them (the directory is written
    to ``workdir/directory.toml``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    image_file = workdir / "sos.bin"
    image_file.write_bytes(image)
    decks = []
    for name, cards, share in jobs:
        path = workdir / f"{name}.cards"
        path.write_bytes(cards)
        decks.append((name, path, share))
    text = directory_text(image_file, decks)
    (workdir / "directory.toml").write_text(text)
    directory = load_directory(workdir / "directory.toml")
    real = sum(real_storage_for(d.storage) for d in directory.vms) + 0x1000
    cp = VMCP(real_storage=(real + 0x7FF) & ~0x7FF, policy=policy,
              spool_directory=workdir / "spool")
    try:
        vms = [cp.create_vm(load_program(str(d.program), d.storage), d.storage,
                            name=d.name, share=d.share, max_steps=d.max_steps,
                            devices=d.devices)
               for d in directory.vms]
        cp.run()
        for vm in vms:
            cp.release_spool(vm)
    finally:
        cp.close()
    guests = []
    for vm in vms:
        prt = workdir / f"{vm.name}.prt"
        guests.append(Guest(vm.name, vm.share, vm.stop_reason or "", vm.state(), vm.steps,
                            prt.read_bytes().decode("latin-1") if prt.exists() else "",
                            dict(vm.interventions)))
    return guests


def minios_native() -> tuple[str, Any, int]:
    """The bundled minios run natively: (stop, state, instructions)."""
    image = load_program(str(MINIOS), MINIOS_STORAGE)
    cpu, stop = run_either(image, MINIOS_STORAGE, MAX_STEPS, None, str(MINIOS))
    return stop, cpu.state(), cpu.steps


def streams() -> list[Path]:
    return sorted(EXAMPLES.glob("*.deck"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SOS job streams natively, under the "
                                     "VMCP and on Hercules")
    parser.add_argument("streams", nargs="*", help="job stream files (default: all)")
    parser.add_argument("--hercules", action="store_true", help="also on Hercules 3.13")
    args = parser.parse_args(argv)
    try:
        return _run_streams([Path(p) for p in args.streams] or streams(), args.hercules)
    except (DeckFileError, SOSError) as e:
        print(e, file=sys.stderr)
        return 2


def _run_streams(paths: list[Path], hercules: bool) -> int:
    if not sos_present():
        raise SOSError(f"{SOS_SOURCE}: not there (see ../shared/workloads/README.md)")
    image = sos_image()
    ok = True
    for path in paths:
        cards = deck_cards(path)
        expectations = EXPECTATIONS / (path.stem + ".toml")
        want = expected_printer(path) if expectations.is_file() else None
        runs = {mode: run_reference(image, cards, mode) for mode in ("native", "vmcp")}
        if hercules:
            runs["hercules"] = run_hercules(image, cards)
        print(f"== {path.name}: {len(cards) // 80} cards")
        print(runs["native"].printer.replace("\r\f", "--- page ---\n"), end="")
        if want is None:
            print(f"   (no expectations: {expectations} is not there)")
        for mode, run in runs.items():
            extra = f", {run.instructions} instructions" if run.instructions else ""
            if want is None:
                same = run.printer == runs["native"].printer
                verdict = "as natively" if same else "DIFFERS from the native run"
            else:
                same = run.printer == want
                verdict = "as expected" if same else "DIFFERS from the expectation"
            ok &= same
            print(f"   {mode:8} {run.stop}{extra}: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
