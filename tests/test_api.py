"""docs/api.md names what a user imports: every dotted name it gives in backticks
(``reference.…`` or ``conformance.…``, a module or a name in one) exists, and every
method it names on a documented class (``Machine.run``, ``VMCP.create_vm``) is there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from reference import session

API = Path(__file__).resolve().parent.parent / "docs" / "api.md"
TEXT = API.read_text(encoding="utf-8")

# `reference.session.load_program(path, ...)`: the dotted name before any "(".
DOTTED = sorted(set(re.findall(r"`((?:reference|conformance)(?:\.\w+)+)", TEXT)))

# `Class.method(`: methods of the classes the document names.
CLASSES = {
    "Machine": "reference.machine.machine",
    "CPU": "reference.machine.cpu",
    "VMCP": "reference.vm.vmcp",
    "Configuration": "reference.io.config",
}
METHODS = sorted(set(re.findall(r"`(" + "|".join(CLASSES) + r")\.(\w+)", TEXT)))


def resolve(dotted: str) -> object:
    """The module or attribute ``dotted`` names: the longest importable module
    prefix, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_the_document_names_the_entry_points():
    assert "reference.session" in " ".join(DOTTED)
    assert len(DOTTED) >= 10 and len(METHODS) >= 5


@pytest.mark.parametrize("dotted", DOTTED)
def test_every_dotted_name_exists(dotted):
    resolve(dotted)


@pytest.mark.parametrize("cls, method", METHODS)
def test_every_method_named_exists(cls, method):
    owner = getattr(importlib.import_module(CLASSES[cls]), cls)
    assert hasattr(owner, method) or method in getattr(owner, "__dataclass_fields__", {}), \
        f"{cls}.{method}"


@pytest.mark.parametrize("name", ["load_program", "start_machine", "start_vm", "run_either",
                                  "configured_guest", "configured_run", "real_storage_for",
                                  "differences", "first_difference", "UsageError"])
def test_every_session_function_in_the_table_exists(name):
    assert f"`{name}" in TEXT
    assert callable(getattr(session, name))
