"""Architectural interruptions, as exceptions named after the manual.

An instruction that recognizes a program exception raises the matching class; the
one place that catches them is the machine's step (``Machine.run``), which performs
the PSW swap (GA22-7000 ch.6 "Interruptions").  These are the machine's behaviour,
never errors of the model: a model error (a bug) is any other Python exception.

How an exception ends the instruction is part of the class:

- ``suppress``/``terminate``/``complete``: the old PSW points to the next
  sequential instruction (the PSW's instruction address was already updated);
- ``nullify``: the old PSW points to the instruction itself (segment- and
  page-translation exceptions; GA22-7000 ch.3 "Dynamic Address Translation").
"""

from __future__ import annotations


class Interruption(Exception):
    """Base of every architectural interruption raised inside the machine."""


class ProgramInterruption(Interruption):
    """A program interruption with its interruption code (GA22-7000 ch.6)."""

    code = 0
    nullify = False

    # (No __init__ of its own: ``PrivilegedOperation()`` and the like are raised
    # often, by guests under the VMCP above all; the detail, if any, is args[0].)
    def __str__(self) -> str:
        return super().__str__() or type(self).__name__


class OperationException(ProgramInterruption):
    code = 0x0001


class PrivilegedOperation(ProgramInterruption):
    code = 0x0002


class ExecuteException(ProgramInterruption):
    code = 0x0003


class ProtectionException(ProgramInterruption):
    code = 0x0004


class AddressingException(ProgramInterruption):
    code = 0x0005


class SpecificationException(ProgramInterruption):
    code = 0x0006


class DataException(ProgramInterruption):
    code = 0x0007


class FixedPointOverflow(ProgramInterruption):
    code = 0x0008


class FixedPointDivide(ProgramInterruption):
    code = 0x0009


class DecimalOverflow(ProgramInterruption):
    code = 0x000A


class DecimalDivide(ProgramInterruption):
    code = 0x000B


class ExponentOverflow(ProgramInterruption):
    """A floating-point result's characteristic would exceed 127 (completed, the
    characteristic wrapped)."""

    code = 0x000C


class ExponentUnderflow(ProgramInterruption):
    """A floating-point result's characteristic would be below zero, with the
    exponent-underflow mask one (completed, the characteristic wrapped)."""

    code = 0x000D


class Significance(ProgramInterruption):
    """A floating-point sum or difference has a zero fraction, with the
    significance mask one (completed)."""

    code = 0x000E


class FloatingPointDivide(ProgramInterruption):
    """A floating-point divisor has a zero fraction (suppressed)."""

    code = 0x000F


class SegmentTranslation(ProgramInterruption):
    code = 0x0010
    nullify = True

    def __init__(self, address: int, detail: str = "") -> None:
        super().__init__(detail)
        self.address = address


class PageTranslation(ProgramInterruption):
    code = 0x0011
    nullify = True

    def __init__(self, address: int, detail: str = "") -> None:
        super().__init__(detail)
        self.address = address


class TranslationSpecification(ProgramInterruption):
    code = 0x0012


class SpecialOperation(ProgramInterruption):
    code = 0x0013


class MonitorEvent(ProgramInterruption):
    """MONITOR CALL with its class enabled in CR8 (code 0x0040)."""

    code = 0x0040

    def __init__(self, monitor_class: int, monitor_code: int) -> None:
        super().__init__()
        self.monitor_class = monitor_class
        self.monitor_code = monitor_code


class SupervisorCall(Interruption):
    """SVC: not a program interruption; its own class with the SVC number as code."""

    def __init__(self, number: int) -> None:
        super().__init__(f"SVC {number}")
        self.number = number


PROGRAM_EXCEPTIONS: tuple[type[ProgramInterruption], ...] = (
    OperationException, PrivilegedOperation, ExecuteException, ProtectionException,
    AddressingException, SpecificationException, DataException, FixedPointOverflow,
    FixedPointDivide, DecimalOverflow, DecimalDivide, ExponentOverflow, ExponentUnderflow,
    Significance, FloatingPointDivide, SegmentTranslation, PageTranslation,
    TranslationSpecification, SpecialOperation, MonitorEvent)

PER_EVENT_CODE = 0x0080  # ORed into the program interruption code (GA22-7000 ch.4 PER)
