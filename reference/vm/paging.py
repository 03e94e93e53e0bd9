"""Paging of guest storage: the VMCP's real frames and its backing file.

A VM created with ``paged=True`` has no storage of its own in real storage.  Its
storage is a ``PagedStorage``: 4K guest pages, each either resident in a real
frame lent by the ``Pager``, or kept in the backing file (a temporary file), or
never touched (zeros).  Its storage keys go with its pages (``PagedKeys``): while a
page is resident its keys are the real keys of its frame, as the real machine
uses and records them; when it is paged out they are saved beside it.

The VMCP reads and writes a paged VM's storage through these objects exactly as
it does a resident VM's (they behave as a ``bytearray`` of the VM's size), so
simulation and reflection do not know about paging.  When the guest itself
touches a page that is not resident, the VMCP's tables have no valid entry for it:
the real translation exception brings the page in (``PagedStorage.page_fault``),
the VMCP maps it, and the guest retries the nullified instruction, invisibly
(GA22-7000 leaves nothing of this architecturally visible): the attempt is not
counted among the guest's instructions, and the VMCP's work is charged to the VM
(``COSTS["page fault"]`` in reference.vm.vmcp).

Frames are lent first in, first out: when none is free, the page resident the
longest is paged out (its contents and keys saved), and the VMCP is told, so that
it invalidates its tables' entries for that page before the frame is reused.
"""

from __future__ import annotations

import tempfile
from array import array
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

PAGE = 4096


class Pager:
    """Real frames lent to paged VMs, and the backing file their pages go to."""

    def __init__(self, real: Any, frames: list[int]) -> None:
        self.real = real
        self.free = list(frames)
        self.resident: OrderedDict[tuple[int, int], PagedStorage] = OrderedDict()
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the VMCP)
        self.slots_free: list[int] = []
        self.slots = 0
        self.page_ins = 0
        self.page_outs = 0
        # Called with (storage, page) when a page has been paged out, before its
        # frame is used again.
        self.on_page_out: Callable[[PagedStorage, int], None] = lambda s, p: None

    def take_frame(self) -> int:
        if not self.free:
            (_, page), owner = self.resident.popitem(last=False)
            owner.page_out(page)
        return self.free.pop()

    def write_slot(self, data: bytes) -> int:
        slot = self.slots_free.pop() if self.slots_free else self._new_slot()
        self.file.seek(slot * PAGE)
        self.file.write(data)
        return slot

    def _new_slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    def read_slot(self, slot: int) -> bytes:
        self.file.seek(slot * PAGE)
        return self.file.read(PAGE)


class PagedStorage:
    """A VM's storage, 4K pages resident in real frames or kept in the backing
    file; indexing and slicing work as on a ``bytearray`` of the VM's size."""

    # Where each page is, one 32-bit entry a page (the bookkeeping of a 16M VM is
    # 16K, and 8K of saved keys): n >= 0, resident in the real frame at n * PAGE;
    # UNTOUCHED, never touched since the last clear (zeros); n <= -2, in the
    # backing file's slot -n - 2.
    UNTOUCHED = -1

    def __init__(self, pager: Pager, size: int) -> None:
        self.pager = pager
        self.size = size
        pages = size // PAGE
        self.where = array("i", [self.UNTOUCHED]) * pages
        self.saved_keys = bytearray(pages * 2)

    def __len__(self) -> int:
        return self.size

    # --- residency ---------------------------------------------------------
    def resident_frame(self, page: int) -> int | None:
        """The real frame of ``page`` if it is resident, else None."""
        w = self.where[page]
        return w * PAGE if w >= 0 else None

    def _slot(self, page: int) -> int | None:
        """The backing file's slot holding ``page``, if it is there."""
        w = self.where[page]
        return -w - 2 if w <= -2 else None

    def frame(self, page: int) -> int:
        """The real frame of ``page``, brought in if it is not resident."""
        w = self.where[page]
        if w >= 0:
            return w * PAGE
        pager = self.pager
        f = pager.take_frame()
        real = pager.real
        if w == self.UNTOUCHED:
            real.mem[f:f + PAGE] = bytes(PAGE)
        else:
            slot = -w - 2
            real.mem[f:f + PAGE] = pager.read_slot(slot)
            pager.slots_free.append(slot)
        real.keys[f >> 11:(f >> 11) + 2] = self.saved_keys[2 * page:2 * page + 2]
        real._stored(f, PAGE)
        self.where[page] = f // PAGE
        pager.resident[(id(self), page)] = self
        pager.page_ins += 1
        return f

    def page_fault(self, absolute: int) -> bool:
        """A real translation exception at guest-absolute ``absolute`` while the
        guest ran with DAT off: the VMCP's tables have no valid entry for a page
        that is not resident.  A page of this storage is a page fault: the page is
        brought in (True).  Beyond the storage it is none (False): the guest
        addressed beyond its storage, an addressing exception natively."""
        if absolute >= self.size:
            return False
        self.frame(absolute // PAGE)
        return True

    def page_out(self, page: int) -> None:
        f = self.resident_frame(page)
        assert f is not None
        pager = self.pager
        real = pager.real
        slot = pager.write_slot(bytes(real.mem[f:f + PAGE]))
        self.saved_keys[2 * page:2 * page + 2] = real.keys[f >> 11:(f >> 11) + 2]
        self.where[page] = -slot - 2
        pager.free.append(f)
        pager.page_outs += 1
        pager.on_page_out(self, page)

    def release(self) -> None:
        """Give every frame and slot back (the VM is destroyed)."""
        pager = self.pager
        for page in range(len(self.where)):
            f = self.resident_frame(page)
            if f is not None:
                pager.resident.pop((id(self), page), None)
                pager.free.append(f)
            slot = self._slot(page)
            if slot is not None:
                pager.slots_free.append(slot)
        self.where = array("i", [self.UNTOUCHED]) * len(self.where)

    def _page_bytes(self, page: int) -> bytes:
        """A page's contents without bringing it in."""
        f = self.resident_frame(page)
        if f is not None:
            return bytes(self.pager.real.mem[f:f + PAGE])
        slot = self._slot(page)
        return bytes(PAGE) if slot is None else self.pager.read_slot(slot)

    # --- the bytearray interface --------------------------------------------
    def __bytes__(self) -> bytes:
        return b"".join(self._page_bytes(p) for p in range(len(self.where)))

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.size)
            out = bytearray()
            while start < stop:
                page, offset = divmod(start, PAGE)
                n = min(stop - start, PAGE - offset)
                f = self.frame(page)
                out += self.pager.real.mem[f + offset:f + offset + n]
                start += n
            return bytes(out)
        if index < 0:
            index += self.size
        page, offset = divmod(index, PAGE)
        return self.pager.real.mem[self.frame(page) + offset]

    def __setitem__(self, index: int | slice, value: Any) -> None:
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.size)
            data = bytes(value)
            if start == 0 and stop == self.size and not any(data):
                self._clear()
                return
            done = 0
            while start < stop:
                page, offset = divmod(start, PAGE)
                n = min(stop - start, PAGE - offset)
                f = self.frame(page)
                self.pager.real.mem[f + offset:f + offset + n] = data[done:done + n]
                start += n
                done += n
            return
        if index < 0:
            index += self.size
        page, offset = divmod(index, PAGE)
        self.pager.real.mem[self.frame(page) + offset] = value

    def _clear(self) -> None:
        """All zeros (a clear reset): pages not resident become untouched pages."""
        real = self.pager.real
        where = self.where
        for page, w in enumerate(where):
            if w >= 0:
                f = w * PAGE
                real.mem[f:f + PAGE] = bytes(PAGE)
                real._stored(f, PAGE)
            elif w != self.UNTOUCHED:
                self.pager.slots_free.append(-w - 2)
                where[page] = self.UNTOUCHED


class PagedKeys:
    """The storage keys of a paged VM's 2K blocks: the real keys of resident
    frames, saved keys for pages that are out."""

    def __init__(self, storage: PagedStorage) -> None:
        self.storage = storage

    def __len__(self) -> int:
        return self.storage.size >> 11

    def _where(self, block: int) -> tuple[Any, int]:
        s = self.storage
        page, half = divmod(block, 2)
        f = s.resident_frame(page)
        if f is None:
            return s.saved_keys, block
        return s.pager.real.keys, (f >> 11) + half

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return bytes(self[i] for i in range(*index.indices(len(self))))
        where, i = self._where(index % len(self))
        return where[i]

    def __setitem__(self, index: int | slice, value: Any) -> None:
        if isinstance(index, slice):
            blocks, keys = range(*index.indices(len(self))), bytes(value)
            if len(keys) != len(blocks):
                raise ValueError(f"{len(keys)} keys for a slice of {len(blocks)} blocks")
            for i, v in zip(blocks, keys):
                self[i] = v
            return
        where, i = self._where(index % len(self))
        where[i] = value

    def __bytes__(self) -> bytes:
        return self[0:len(self)]
