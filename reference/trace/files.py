"""Trace files: written and read a block of lines at a time, gzip-compressed when
the name ends in ``.gz``; the program image a trace names, embedded in its header
or referenced by path.
"""

from __future__ import annotations

import base64
import gzip
import queue
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import reference.trace.format as trace_format
from reference.session import UsageError, load_program
from reference.trace.format import (
    TraceError,
    embedded_image_bytes,
    image_digest,
    parse_line,
)

GZIP_LEVEL = 1            # ``.gz`` written by ``record`` (golden traces use 9)
BATCH = 2048              # lines handed to a sink, or read, at a time (at least)


class TraceWriter:
    """Writes a trace's lines to a file, gzip-compressed when the name ends in
    ``.gz`` (no name or time in the gzip header: equal traces give equal files).

    Compression runs in a thread of its own: zlib releases the interpreter lock
    while it compresses, so the machine keeps running meanwhile."""

    def __init__(self, path: str | Path, level: int = GZIP_LEVEL) -> None:
        self.raw = open(path, "wb")  # noqa: SIM115
        self.gz: gzip.GzipFile | None = None
        self.error: BaseException | None = None
        self.pending: list[bytes] = []
        self.pending_size = 0
        if str(path).endswith(".gz"):
            self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0,
                                    compresslevel=level)
            self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
            self.thread = threading.Thread(target=self._compress, daemon=True)
            self.thread.start()

    def _compress(self) -> None:
        assert self.gz is not None
        while True:
            data = self.queue.get()
            if data is None:
                return
            if self.error is None:
                try:
                    self.gz.write(data)
                except BaseException as e:  # reported by close()
                    self.error = e

    def write_lines(self, lines: list[str]) -> None:
        data = "".join(lines).encode("ascii")
        if self.gz is None:
            self.raw.write(data)
            return
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= 1 << 20:
            self.queue.put(b"".join(self.pending))
            self.pending, self.pending_size = [], 0

    def close(self) -> None:
        try:
            if self.gz is not None:
                if self.pending:
                    self.queue.put(b"".join(self.pending))
                self.queue.put(None)
                self.thread.join()
                if self.error is None:
                    self.gz.close()
        finally:
            self.raw.close()
        if self.error is not None:
            raise self.error


class TraceReader:
    """The lines of a trace file, numbered, with the header checked.

    Errors of the file itself (unreadable, not gzip, truncated gzip, not ASCII, a
    line longer than ``reference.trace.format.MAX_LINE``) become ``TraceError``
    naming the file and the line.  The file is read a block at a time and a read
    returns at most a block's lines beyond the first, so memory stays bounded
    whatever the file holds."""

    BLOCK = 1 << 20

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.line = 0                    # lines handed out
        self._ready: list[str] = []      # lines read from the file, not yet handed out
        self._start = 0                  # the first of them not handed out
        self._seen = 0                   # lines read from the file
        self._tail: list[bytes] = []     # the start of a line not yet complete
        self._tail_size = 0
        self._eof = False
        try:
            raw: IO[bytes] = open(path, "rb")  # noqa: SIM115
        except OSError as e:
            raise TraceError(self.path, None, e.strerror or str(e)) from None
        except ValueError as e:     # a name the system cannot take (a NUL byte)
            raise TraceError(self.path, None, str(e)) from None
        self._raw = raw
        self._stream: Any = gzip.GzipFile(fileobj=raw, mode="rb") \
            if self.path.endswith(".gz") else raw
        try:
            first = self.read(1)
            if not first:
                raise TraceError(self.path, 1, "empty file: no header")
            self.header_line = first[0]
            self.header = parse_line(self.path, 1, self.header_line, header=True)
        except BaseException:
            self.close()
            raise

    def read(self, n: int) -> list[str]:
        """Up to ``n`` more lines: fewer at the end of the file or of what was read
        from it (an empty list only at the end)."""
        if self._start >= len(self._ready) and not self._fill():
            return []
        lines = self._ready[self._start:self._start + n]
        self._start += len(lines)
        self.line += len(lines)
        return lines

    def _fill(self) -> bool:
        """Read the next block's complete lines; False at the end of the file."""
        ready: list[str] = []
        while not ready and not self._eof:
            try:
                block = self._stream.read(self.BLOCK)
            except (OSError, EOFError, ValueError, zlib.error) as e:
                raise TraceError(self.path, self._seen + 1,
                                 f"unreadable: {_reason(e)}") from None
            if not block:
                self._eof = True
                data = b"".join(self._tail)      # a last line without its newline
                self._tail, self._tail_size = [], 0
            else:
                cut = block.rfind(b"\n") + 1
                first = self._tail_size + (block.find(b"\n") + 1 or len(block))
                limit = trace_format.MAX_LINE   # the format's bound, read where it is set
                if first > limit:
                    raise TraceError(self.path, self._seen + 1,
                                     f"a line longer than {limit} characters")
                if not cut:
                    self._tail.append(block)
                    self._tail_size += len(block)
                    continue
                data = b"".join([*self._tail, block[:cut]])
                self._tail, self._tail_size = [block[cut:]], len(block) - cut
            if not data:
                continue
            try:
                text = data.decode("ascii")
            except UnicodeDecodeError as e:
                line = self._seen + data.count(b"\n", 0, e.start) + 1
                column = e.start - data.rfind(b"\n", 0, e.start)
                raise TraceError(self.path, line, f"not ASCII text (byte {column} of the "
                                                  f"line is X'{data[e.start]:02X}')") from None
            ready = text.split("\n")
            last = ready.pop()          # "" after a final newline, else the last line
            ready = [line + "\n" for line in ready]
            if last:
                ready.append(last)
        self._ready, self._start = ready, 0
        self._seen += len(ready)
        return bool(ready)

    def unread(self, count: int) -> None:
        """Give back the last ``count`` lines of the last read: the next read returns
        them first."""
        assert count <= self._start
        self._start -= count
        self.line -= count

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._raw.close()

    def __enter__(self) -> TraceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "the compressed stream ends early (truncated)"
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every record of a trace after the header, parsed and checked."""
    with TraceReader(path) as r:
        while True:
            lines = r.read(BATCH)
            if not lines:
                return
            start = r.line - len(lines)
            for i, line in enumerate(lines):
                yield parse_line(r.path, start + i + 1, line)


# ---------------------------------------------------------------------------
# The program image: embedded in the header, or referenced by path
# ---------------------------------------------------------------------------
def embedded_image(image: bytes) -> dict[str, Any]:
    return {"sha256": image_digest(image), "size": len(image),
            "base64": base64.b64encode(image).decode("ascii")}


def referenced_image(image: bytes, path: str) -> dict[str, Any]:
    return {"sha256": image_digest(image), "size": len(image), "path": path}


def resolve_image(reader: TraceReader, image_path: str | None = None) -> bytes:
    """The program image a trace names: at ``image_path`` when given (which must be
    the header's image, also when the trace embeds it), else embedded, at the path
    in the header (relative to the trace's directory), or ``<sha256>.bin`` beside
    the trace; its SHA-256 and size must be the header's."""
    info = reader.header["image"]
    digest = info["sha256"]
    if image_path is not None:
        image = load_image(image_path)
        if image_digest(image) != digest:
            what = "embeds" if "base64" in info else "names"
            raise TraceError(reader.path, 1, f"--image {image_path} is another image than "
                                             f"the one the trace {what} (sha256 differs)")
        _check_image_size(reader, image)
        return image
    if "base64" in info:
        embedded = embedded_image_bytes(info)
        if isinstance(embedded, str):
            raise TraceError(reader.path, 1, embedded)
        return embedded
    here = Path(reader.path).parent
    candidates = [here / info["path"], Path(info["path"]), here / f"{digest}.bin"]
    tried = []
    for p in candidates:
        try:
            found = p.is_file()
        except (OSError, ValueError):   # a name the system cannot take
            found = False
        if not found:
            tried.append(str(p))
            continue
        image = load_image(str(p))
        if image_digest(image) == digest:
            _check_image_size(reader, image)
            return image
        tried.append(f"{p} (another image: sha256 differs)")
    raise TraceError(reader.path, 1, f"the program image is not available (tried "
                                     f"{', '.join(tried)}); give it with --image")


def _check_image_size(reader: TraceReader, image: bytes) -> None:
    size = reader.header["image"]["size"]
    if len(image) != size:
        raise TraceError(reader.path, 1, f'"image.size" is {size}, but the image with its '
                                         f"sha256 has {len(image)} bytes")


def load_image(path: str) -> bytes:
    try:
        return load_program(path)
    except UsageError as e:
        raise TraceError(path, None, str(e).split(": ", 1)[-1]) from None
