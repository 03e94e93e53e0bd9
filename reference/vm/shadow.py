"""Shadow translation tables: how a guest with DAT on runs directly on the real machine.

Theory of operation
-------------------
A guest that turns DAT on translates its virtual addresses through its own
segment and page tables into guest-real addresses, and the VMCP maps those onto
the VM's frames.  The real machine has one translation, so the VMCP gives it the
composition: for each segment-table designation the guest uses (CR1, and CR7
when the guest has the secondary space on) a *shadow space* in the VMCP's real
storage, a segment table and page tables in the real format (2K pages, 64K
segments) mapping guest-virtual pages straight onto real frames, with the
guest's segment protection.  The real machine runs the guest with its CR1 (and
CR7) designating the shadow spaces.

*Filling.*  A shadow space starts with every entry invalid.  A real segment- or
page-translation exception while the guest translates is a *shadow fault*: the
VMCP translates the address as the native machine would, through the guest's
TLB and then its tables (setting the guest's reference bits and TLB entries as
the native walk does).  If the guest's translation succeeds, the shadow entries
of the guest page (a guest 4K page is two 2K shadow pages) are filled and the
guest retries the nullified instruction; it is not counted twice.  If it
fails, the guest's own exception is the interruption, with the instruction
address, ILC and PER events the native machine gives it.

*Freshness.*  The shadow entries are derived from the guest's TLB, so they are
exactly as fresh as the native TLB: when the guest's TLB loses entries (PTLB,
IPTE, LCTL, SPX) every shadow entry of that VM is dropped, and the next access
finds out again.  Entries only ever go from invalid to valid otherwise, so the
real TLB never holds a stale shadow translation.

*Storage.*  At most ``MAX_SHADOW_SPACES`` spaces per VM; beyond, its spaces are
all dropped and their real storage given back.  A guest frame beyond the guest's
storage maps to a real frame beyond real storage (when there is one), so that
the real machine recognizes the exceptions in the native order (protection
before addressing).

*Invariant.*  Every valid shadow entry equals the composition of the guest's
tables (walked with ``reference.arch.dat.walk`` without side effects) and the
VMCP's map of the VM's storage; ``ShadowTables.violations`` lists the entries
that break it.
"""

from __future__ import annotations

from collections.abc import Callable

from reference.arch import dat, opcodes
from reference.arch.interrupts import (
    AddressingException,
    ProgramInterruption,
    TranslationSpecification,
)
from reference.arch.lowcore import MASK24, TRANSLATION_EXCEPTION_ADDRESS
from reference.machine.machine import Machine
from reference.vm.states import VMCPError
from reference.vm.virtual_machine import VirtualMachine

# The VMCP's real tables (its own for each VM, and the shadow tables) have 2K
# pages and 64K segments: a segment table of 256 entries (1K), then a page table
# of 32 two-byte entries (64 bytes) per segment.
PAGE = 2048
SEGMENT = 64 * 1024
SHADOW_SPACE = 20 * 1024          # a segment table (1K) and 256 page tables of 32 entries
MAX_SHADOW_SPACES = 8             # per VM; beyond, the oldest are dropped
NO_STORAGE_FRAME = 0xFFF800       # the last 2K frame of 16M: beyond a smaller real storage
INVALID_SEGMENT_TABLE = dat.SEGMENT_INVALID.to_bytes(4, "big") * 256
INVALID_PAGE_TABLE = dat.PTE_INVALID_2K.to_bytes(2, "big") * 32


class ShadowTables:
    """The shadow spaces of every VM, in real storage the VMCP hands out
    (``allocate`` returns a real address or None when full; ``release`` gives a
    region back)."""

    def __init__(self, real: Machine, allocate: Callable[[int], int | None],
                 release: Callable[[int, int], None]) -> None:
        self.real = real
        self._allocate = allocate
        self._release = release

    # --- spaces -------------------------------------------------------------
    def space(self, vm: VirtualMachine, std: int, keep: tuple[int, ...] = ()) -> int:
        """The real address of the shadow tables for guest designation ``std``.
        Room is made by dropping the VM's other spaces, never one of ``keep`` (the
        designations the real machine uses together with this one)."""
        at = vm.shadows.get(std)
        if at is not None:
            return at
        if len(vm.shadows) >= MAX_SHADOW_SPACES:
            self._free_except(vm, keep)
        at = self._allocate(SHADOW_SPACE)
        if at is None:
            self._free_except(vm, keep)
            at = self._allocate(SHADOW_SPACE)
            if at is None:
                raise VMCPError("real storage is full: no room for shadow tables")
        self._invalidate_space(at)
        vm.shadows[std] = at
        return at

    def spaces(self, vm: VirtualMachine, primary: int, secondary: int | None) -> tuple[int, int]:
        """The real addresses of the shadow tables for the guest's primary and
        (when the secondary space is in use) secondary designation, loaded into the
        real CR1 and CR7 together: making room for one never drops the other.
        Without a secondary space the second address is 0."""
        at_primary = self.space(vm, primary, keep=() if secondary is None else (secondary,))
        if secondary is None:
            return at_primary, 0
        return at_primary, self.space(vm, secondary, keep=(primary,))

    def _invalidate_space(self, at: int) -> None:
        self.real.mem[at:at + 1024] = INVALID_SEGMENT_TABLE

    def invalidate(self, vm: VirtualMachine) -> None:
        """Every shadow entry of ``vm`` invalid (the caller purges the real TLB)."""
        for at in vm.shadows.values():
            self._invalidate_space(at)

    def free(self, vm: VirtualMachine) -> None:
        """Give every shadow space of ``vm`` back."""
        self._free_except(vm, ())

    def _free_except(self, vm: VirtualMachine, keep: tuple[int, ...]) -> None:
        """Give back every shadow space of ``vm`` but those of ``keep``; the real
        TLB holds no translation through a space given back."""
        for std in [s for s in vm.shadows if s not in keep]:
            self._release(vm.shadows.pop(std), SHADOW_SPACE)
        self.real.purge_tlb()

    def make_current(self, vm: VirtualMachine) -> None:
        """Drop every shadow entry when the guest's TLB lost entries (PTLB, IPTE,
        LCTL, SPX): the next access finds out again, through the guest's TLB, as the
        native machine does (a walk only where the guest's TLB has no entry)."""
        if vm.tlb is not vm.shadow_tlb or len(vm.tlb) < vm.shadow_tlb_size:
            self.invalidate(vm)
            if vm.shadows:
                self.real.purge_tlb()
            vm.shadow_tlb = vm.tlb
        vm.shadow_tlb_size = len(vm.tlb)

    def _no_storage_frame(self) -> int | None:
        """A 2K real frame beyond real storage, if real storage is below 16M."""
        return NO_STORAGE_FRAME if self.real.size <= NO_STORAGE_FRAME else None

    # --- faults ---------------------------------------------------------------
    def fault(self, vm: VirtualMachine, ilc: int) -> str:
        """A real translation exception while the guest translates: translate as the
        native machine would (through the guest's TLB and tables); either fill the
        shadow entries and let the guest retry the instruction ("shadow fault"),
        or reflect the guest's own exception (the cause counted)."""
        real = self.real
        tea = int.from_bytes(real.read_real(TRANSLATION_EXCEPTION_ADDRESS, 4), "big")
        secondary = bool(tea & dat.SECONDARY_TEA)
        vaddr = tea & 0xFFFFFF
        at = vm.ia  # the instruction was nullified
        fetch = self._is_fetch_fault(vm, at, vaddr, secondary)
        vm.steps -= 1  # the real attempt: natively, translation is part of the access
        exc: ProgramInterruption
        try:
            real_address, protected = dat.translate(vm, vaddr, secondary)
            absolute = vm.real_to_absolute(real_address)
            if absolute >= vm.size and self._no_storage_frame() is None:
                raise AddressingException(f"address {absolute:06X} beyond storage")
        except ProgramInterruption as e:
            exc = e
        else:
            self._fill(vm, vaddr, real_address, protected, secondary)
            vm.interventions["shadow fault"] += 1
            return "shadow fault"
        events = real.per_events_recognized if vm.per_on else 0
        if fetch:
            vm.end_instruction(at, 0, exc, per_events=events)
        else:
            vm.steps += 1
            vm.ia = (at + 2 * ilc) & MASK24
            vm.end_instruction(at, 2 * ilc, exc, per_events=events)
        cause = f"reflect program {exc.code:04X}"
        vm.interventions[cause] += 1
        return cause

    @staticmethod
    def _is_fetch_fault(vm: VirtualMachine, at: int, vaddr: int, secondary: bool) -> bool:
        """Whether a real translation exception at ``vaddr`` was the fetch of the
        (nullified) instruction at ``at``: the instruction's own pages are the only
        ones it fetches from, and an operand in them could not have faulted."""
        if secondary:
            return False
        if vaddr >> 11 == at >> 11:
            return True
        fmt = vm.dat_format
        hit = vm.tlb.get((vm.cr[1], at >> fmt.page_shift)) if fmt.valid else None
        if hit is None:
            return True
        first = vm.mem[vm.real_to_absolute(hit[0] | (at & ((1 << fmt.page_shift) - 1)))]
        last = (at + opcodes.instruction_length(first) - 1) & 0xFFFFFF
        return vaddr >> 11 == last >> 11

    def _fill(self, vm: VirtualMachine, vaddr: int, real_address: int, protected: bool,
              secondary: bool) -> None:
        """Shadow entries for the guest page holding ``vaddr``: each 2K half of it
        (a guest 4K page is two shadow pages) maps to the VM's frame."""
        std = vm.cr[7] if secondary else vm.cr[1]
        space = self.space(vm, std, keep=(vm.cr[1], vm.cr[7]))
        mem = self.real.mem
        page = 1 << vm.dat_format.page_shift
        vbase, rbase = vaddr & ~(page - 1), real_address & ~(page - 1)
        for offset in range(0, page, PAGE):
            v = vbase + offset
            segment = v >> 16
            ste_at = space + 4 * segment
            pt = space + 1024 + 64 * segment
            ste = int.from_bytes(mem[ste_at:ste_at + 4], "big")
            if ste & dat.SEGMENT_INVALID:
                mem[pt:pt + 64] = INVALID_PAGE_TABLE
            mem[ste_at:ste_at + 4] = ((15 << 28) | pt | (
                dat.SEGMENT_PROTECTED if protected else 0)).to_bytes(4, "big")
            absolute = vm.real_to_absolute(rbase + offset)
            frame = vm.real_frame(absolute, page_in=True) if absolute < vm.size else None
            if frame is not None:
                pte = (frame >> 8) & dat.PFRA_2K
            else:
                # A guest frame beyond the guest's storage: a real frame beyond real
                # storage, so that the real machine recognizes the exceptions in the
                # native order (segment and low-address protection on a store
                # before the addressing exception).
                beyond = self._no_storage_frame()
                pte = dat.PTE_INVALID_2K if beyond is None else (beyond >> 8) & dat.PFRA_2K
            at = pt + 2 * ((v >> 11) & 31)
            mem[at:at + 2] = pte.to_bytes(2, "big")
        # Entries go from invalid to valid only: the real TLB holds nothing for
        # them yet, so nothing needs purging.
        vm.shadow_tlb_size = len(vm.tlb)

    # --- the invariant ----------------------------------------------------------
    def violations(self, vm: VirtualMachine) -> list[str]:
        """The invariant of the shadow tables: every valid shadow entry equals the
        composition of the guest's tables (walked here without side effects) and
        the VMCP's own map (guest absolute -> the VM's frames), with the guest's
        segment protection.  Returns a description of every entry that breaks it
        (tests call this after every dispatch)."""
        out: list[str] = []
        mem = self.real.mem
        fmt = dat.Format(vm.cr[0])
        beyond = self._no_storage_frame()
        for std, space in vm.shadows.items():
            for segment in range(256):
                ste = int.from_bytes(mem[space + 4 * segment:space + 4 * segment + 4], "big")
                if ste & dat.SEGMENT_INVALID:
                    continue
                pt = space + 1024 + 64 * segment
                for p in range(32):
                    pte = int.from_bytes(mem[pt + 2 * p:pt + 2 * p + 2], "big")
                    if pte & dat.PTE_INVALID_2K:
                        continue
                    vaddr = (segment << 16) | (p << 11)
                    want = _guest_translation(vm, fmt, std, vaddr, beyond)
                    got = ((pte & dat.PFRA_2K) << 8, bool(ste & dat.SEGMENT_PROTECTED))
                    if want is None:
                        out.append(f"{vm.name}: shadow {std:08X} {vaddr:06X} valid, guest "
                                   f"tables say invalid")
                    elif want != got:
                        out.append(f"{vm.name}: shadow {std:08X} {vaddr:06X} maps "
                                   f"{got[0]:06X} (protected {got[1]}), composition gives "
                                   f"{want[0]:06X} (protected {want[1]})")
        return out


class _Inspected:
    """A guest's real storage as the table walk reads it (``dat.TableStorage``),
    but setting no reference bit: the VMCP inspecting the guest's tables leaves
    nothing the guest could see."""

    __slots__ = ("vm",)

    def __init__(self, vm: VirtualMachine) -> None:
        self.vm = vm

    def _entry(self, real: int, length: int) -> int:
        vm = self.vm
        a = vm.real_to_absolute(real & 0xFFFFFF)
        if a + length > vm.size:
            raise AddressingException(f"real address {real:06X} beyond storage")
        return int.from_bytes(vm.mem[a:a + length], "big")

    def fetch_real_word_for_translation(self, real: int) -> int:
        return self._entry(real, 4)

    def fetch_real_half_for_translation(self, real: int) -> int:
        return self._entry(real, 2)


def _guest_translation(vm: VirtualMachine, fmt: dat.Format, std: int, vaddr: int,
                       beyond: int | None) -> tuple[int, bool] | None:
    """(the VM's real frame, segment protected) for the 2K guest-virtual page at
    ``vaddr`` through the guest's tables, read without touching reference bits;
    None if the guest's tables do not translate it.  A frame beyond the guest's
    storage is ``beyond`` (the VMCP's frame beyond real storage), or None when
    there is none; a paged-out frame is -1."""
    if not fmt.valid:
        return None
    try:
        w = dat.walk(_Inspected(vm), fmt, std, vaddr)
    except (TranslationSpecification, AddressingException):
        return None
    if w.cc != dat.TRANSLATED:
        return None
    absolute = vm.real_to_absolute(w.address & ~(PAGE - 1))
    if absolute >= vm.size:
        return None if beyond is None else (beyond, w.protected)
    resident = vm.real_frame(absolute)
    return (resident if resident is not None else -1), w.protected


__all__ = ["ShadowTables", "SHADOW_SPACE", "MAX_SHADOW_SPACES", "PAGE", "SEGMENT"]
