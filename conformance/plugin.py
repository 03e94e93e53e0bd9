"""The pytest plugin of the conformance suite (entry point ``pytest11``: ``s370``).

Options:

- ``--s370-impl=SPEC``: the implementation under test; ``reference`` (default).
- ``--s370-mode=LIST``: the modes to run, comma-separated (``native,vmcp``), or
  ``all`` (default): every mode the implementation has.
- ``--s370-coverage=DIR``: architectural coverage of what the suite ran through the
  reference implementation, written to ``DIR/coverage.json`` and
  ``DIR/coverage.html`` (``conformance.coverage``; works under pytest-xdist).
- ``--s370-hercules-tests=DIR``: also collect every ``.tst`` script of ``DIR``
  (Hercules' own test scripts: ``conformance.hercules_tests``), one test per mode,
  named ``<script>.tst::<mode>``: the script's commands build the image and run it on
  the implementation in System/370 mode, and its loud comments are checked.

Every corpus program (``conformance/programs/**/NAME.asm`` with ``NAME.toml``
beside it or its expectations in its source behind ``*! ``) is collected as one test
per mode, named ``programs/<chapter>/<NAME>.asm::<mode>``.  A program that requires
a facility the implementation lacks is skipped; so is a program with devices
(``[[device]]``) on an implementation that takes no device configurations
(``conformance.implementations.takes_devices``: adapters do only with the ``devices``
capability of docs/adapter-protocol.md), or in a mode, or with a device type, that
the implementation's devices capability does not cover (``lacks_devices``), and a
program that requires floating point on an adapter that does not give the
floating-point registers (``lacks_capability``).

Hypothesis profiles (choose with ``--hypothesis-profile``): ``dev`` (fast, for the
edit-run loop), ``ci`` (the default), ``thorough`` (long runs; see README for running
it under HypoFuzz on many machines), ``fuzz`` (``thorough`` with the examples database
in the directory named by ``S370_HYPOTHESIS_DB``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from . import PROGRAMS, coverage, hercules_tests
from .adapter import AdapterError, AdapterImplementation, implementation
from .corpus import Program, check, has_expectations, report
from .expectations import MODES, ExpectationError
from .implementations import DeviceSetupError, Implementation, takes_devices

settings.register_profile("dev", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
# For HypoFuzz campaigns on many machines: the examples database in a directory
# that every machine shares (CONTRIBUTING.md).
_shared_db = os.environ.get("S370_HYPOTHESIS_DB")
settings.register_profile(
    "fuzz", parent=settings.get_profile("thorough"),
    **({"database": DirectoryBasedExampleDatabase(_shared_db)} if _shared_db else {}))
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("s370", "s370 conformance suite")
    group.addoption("--s370-impl", default="reference", metavar="SPEC",
                    help="implementation under test (default: reference)")
    group.addoption("--s370-mode", default="all", metavar="LIST",
                    help="modes to run, comma-separated: native,vmcp (default: all)")
    group.addoption("--s370-coverage", default=None, metavar="DIR",
                    help="write the architectural coverage of the conformance runs to "
                         "DIR/coverage.json and DIR/coverage.html")
    group.addoption("--s370-hercules-tests", default=None, metavar="DIR",
                    help="also run every .tst script of DIR (Hercules' test scripts) on "
                         "the implementation, in each mode")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a conformance-suite test")
    spec = config.getoption("--s370-impl")
    try:
        impl = implementation(spec)
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None
    text = config.getoption("--s370-mode")
    modes = impl.modes if text == "all" else tuple(m.strip() for m in text.split(","))
    for mode in modes:
        if mode not in MODES or mode not in impl.modes:
            raise pytest.UsageError(f"--s370-mode {text}: {impl.name} has the modes "
                                    f"{', '.join(impl.modes)}")
    config.stash[_IMPL] = impl
    config.stash[_MODES] = modes
    directory = config.getoption("--s370-coverage")
    if directory:
        config.pluginmanager.register(coverage.CoveragePlugin(config, Path(directory)),
                                      "s370-coverage")
    scripts = config.getoption("--s370-hercules-tests")
    if scripts:
        hercules_tests.configure(config, Path(scripts), impl, modes)


_IMPL = pytest.StashKey[Implementation]()
_MODES = pytest.StashKey[tuple[str, ...]]()


def selected(config: pytest.Config) -> tuple[Implementation, tuple[str, ...]]:
    """The implementation and modes chosen on the command line."""
    return config.stash[_IMPL], config.stash[_MODES]


@pytest.fixture(scope="session")
def s370_impl(request: pytest.FixtureRequest) -> Implementation:
    return selected(request.config)[0]


@pytest.fixture(scope="session")
def s370_modes(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return selected(request.config)[1]


def pytest_collect_file(file_path: Any, parent: pytest.Collector) -> pytest.Collector | None:
    if (file_path.suffix == ".asm" and PROGRAMS in file_path.parents
            and has_expectations(file_path)):
        return ProgramFile.from_parent(parent, path=file_path)
    return None


class ConformanceFailure(Exception):
    """A program missed its expectations (the message is the whole report)."""


class ProgramFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        program = Program(self.path)
        impl, modes = selected(self.config)
        try:
            wanted = program.expectations.modes
        except ExpectationError as e:
            raise self.CollectError(str(e)) from None
        # A documented difference of the implementation (its hello's known_differences,
        # conformance/adapter.py) named in the program's header ("* KNOWN: H1") makes
        # the program an expected failure, strict, on that implementation.
        known = _KNOWN.search(self.path.read_text(encoding="utf-8"))
        differences: dict[str, str] = getattr(impl, "known_differences", {})
        for mode in modes:
            if mode in wanted:
                item = ProgramItem.from_parent(self, name=mode, program=program, mode=mode,
                                               impl=impl)
                if known and known.group(1) in differences:
                    item.add_marker(pytest.mark.xfail(strict=True, raises=ConformanceFailure,
                                                      reason=(
                        f"known difference {known.group(1)} of {impl.name}: "
                        f"{differences[known.group(1)]}")))
                yield item


_KNOWN = re.compile(r"^\*\s*KNOWN:\s*(\S+)", re.MULTILINE)


class ProgramItem(pytest.Item):
    def __init__(self, *, program: Program, mode: str, impl: Implementation,
                 **kw: Any) -> None:
        super().__init__(**kw)
        self.program = program
        self.mode = mode
        self.impl = impl
        self.add_marker(pytest.mark.conformance)

    def runtest(self) -> None:
        missing = [f for f in self.program.expectations.requires
                   if f not in self.impl.facilities]
        if missing:
            pytest.skip(f"needs the {', '.join(missing)} facility, which {self.impl.name} "
                        f"does not have")
        # An adapter with the facility but without a state field the comparison needs
        # (the floating-point registers: conformance/adapter.py).
        lacks_capability = getattr(self.impl, "lacks_capability", None)
        if callable(lacks_capability):
            why = lacks_capability(self.program.expectations.requires)
            if why:
                pytest.skip(why)
        if self.program.has_devices and not takes_devices(self.impl):
            how = " (an adapter without the devices capability, docs/adapter-protocol.md)" \
                if isinstance(self.impl, AdapterImplementation) else ""
            pytest.skip(f"has devices ([[device]]); {self.impl.name}{how} takes no device "
                        f"configurations")
        lacks = getattr(self.impl, "lacks_devices", None)
        if self.program.has_devices and callable(lacks):
            why = lacks([d.type_name for d in self.program.expectations.devices], self.mode)
            if why:
                pytest.skip(f"has devices ([[device]]); {why}")
        out, misses = check(self.program, self.impl, self.mode)
        if misses:
            with coverage.paused():  # the report's reruns are not counted
                text = report(self.program, self.impl, self.mode, out, misses)
            raise ConformanceFailure(text)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, (ConformanceFailure, AdapterError, DeviceSetupError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"{self.program.name} [{self.impl.name}, {self.mode}]"
