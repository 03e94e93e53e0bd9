"""The golden traces of the conformance corpus (``traces/golden/``, traces/FORMAT.md
"Golden traces"): which there are, and rewriting them.

Every corpus program with expectations has one trace in every mode its
expectations allow (``traces/golden/<chapter>/<program>.<mode>.jsonl.gz``),
recorded by the reference (``reference.trace``) with its expectations' storage and
``max_steps``, gzip level 9, the image named by path (the program's source).
Programs that need a facility the reference does not declare have none.
``python -m conformance.goldens`` rewrites them all after a change of the corpus
or of the reference's behaviour; ``tests/test_trace.py`` requires the reference to
reproduce each byte for byte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.corpus import programs
from conformance.implementations import Reference
from reference.session import load_program
from reference.trace import referenced_image, write_trace

GOLDEN = Path(__file__).resolve().parents[1] / "traces" / "golden"
GOLDEN_LEVEL = 9


@dataclass(frozen=True)
class GoldenCase:
    name: str          # the program's corpus name, e.g. "general/sieve"
    mode: str
    source: Path
    path: Path         # the trace file
    storage: int
    max_steps: int


def golden_cases(root: Path = GOLDEN) -> list[GoldenCase]:
    """Every corpus program with expectations, in every mode its expectations
    allow, except programs that need a facility the reference does not have."""
    cases = []
    for p in programs():
        exp = p.expectations
        if any(f not in Reference.facilities for f in exp.requires):
            continue
        for mode in exp.modes:
            cases.append(GoldenCase(p.name, mode, p.source,
                                    root / f"{p.name}.{mode}.jsonl.gz", exp.storage,
                                    exp.max_steps))
    return cases


def golden_image_info(case: GoldenCase, image: bytes) -> dict[str, Any]:
    """The header's image: named by the path of the program's source, relative to
    the trace."""
    rel = os.path.relpath(case.source, case.path.parent).replace(os.sep, "/")
    return referenced_image(image, rel)


def regenerate(root: Path = GOLDEN, log: Callable[[str], None] = print) -> list[Path]:
    """Rewrite every golden trace; remove those of programs no longer in the corpus."""
    cases = golden_cases(root)
    written = []
    for case in cases:
        image = load_program(str(case.source))
        case.path.parent.mkdir(parents=True, exist_ok=True)
        write_trace(case.path, image, case.storage, case.mode, case.max_steps,
                    golden_image_info(case, image), level=GOLDEN_LEVEL)
        written.append(case.path)
    keep = set(written)
    for old in root.rglob("*.jsonl.gz"):
        if old not in keep:
            old.unlink()
            log(f"removed {old}")
    total = sum(p.stat().st_size for p in written)
    log(f"{len(written)} golden traces in {root}, {total} bytes")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        print("usage: python -m conformance.goldens", file=sys.stderr)
        return 2
    regenerate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
