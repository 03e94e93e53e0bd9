"""Execution traces, format ``s370-trace`` version 1: record, read, compare, verify.

Theory of operation
-------------------
A trace is JSON Lines (``traces/FORMAT.md`` is the specification,
``traces/trace-v1.schema.json`` its JSON Schema): a header (configuration, program
image, initial state), one record per executed instruction, a record of its own for
an interruption taken with no instruction before it, and a footer (stop reason,
steps, a SHA-256 digest of the whole final architectural state).  Every line is in
one canonical form, the text ``encode`` (compact ``json.dumps``) gives for it: keys
in one documented order, empty fields left out.  The recorder writes that text
directly (the tests check ``encode(json.loads(line)) == line``), so two runs that
behave alike give equal *text*, and comparing traces is comparing lines: ``diff``
and ``verify`` parse a line only where two differ.

The modules, by job:

- ``format``: the records, their canonical text, the rules of a line
  (``check_record``, ``parse_line``, ``loads_bounded``), ``TraceError``, the
  final-state digest;
- ``recorder``: recording a run with the machine's own execution loop
  (``record``, ``record_lines``, ``write_trace``);
- ``files``: trace files, gzip-compressed or not (``TraceWriter``,
  ``TraceReader``, ``iter_records``), and the program image a trace names;
- ``compare``: ``diff_files`` and ``verify_file``, and the ``Divergence`` they
  report.

Only the standard library is used.  The golden traces of the conformance corpus
(``traces/golden/``) are listed and rewritten by ``conformance.goldens``
(``python -m conformance.goldens``).
"""

from __future__ import annotations

from reference.trace.compare import (
    DiffResult,
    Divergence,
    VerifyResult,
    diff_files,
    first_field_difference,
    verify_file,
)
from reference.trace.files import (
    BATCH,
    GZIP_LEVEL,
    TraceReader,
    TraceWriter,
    embedded_image,
    iter_records,
    load_image,
    referenced_image,
    resolve_image,
)
from reference.trace.format import (
    FOOTER_KEYS,
    FORMAT,
    HEADER_KEYS,
    INTERRUPTION_KEYS,
    INTERRUPTION_KINDS,
    INTERRUPTION_RECORD_KEYS,
    MAX_LINE,
    MAX_NESTING,
    MODES,
    RECORD_KEYS,
    VERSION,
    TraceError,
    canonical_state,
    check_record,
    encode,
    image_digest,
    json_nesting,
    loads_bounded,
    parse_line,
    state_digest,
)
from reference.trace.recorder import Sink, record, record_lines, write_trace

__all__ = [
    "BATCH", "FOOTER_KEYS", "FORMAT", "GZIP_LEVEL", "HEADER_KEYS", "INTERRUPTION_KEYS",
    "INTERRUPTION_KINDS", "INTERRUPTION_RECORD_KEYS", "MAX_LINE", "MAX_NESTING", "MODES",
    "RECORD_KEYS", "VERSION", "DiffResult", "Divergence", "Sink", "TraceError",
    "TraceReader", "TraceWriter", "VerifyResult", "canonical_state", "check_record",
    "diff_files", "embedded_image", "encode", "first_field_difference", "image_digest",
    "iter_records", "json_nesting", "load_image", "loads_bounded", "parse_line", "record",
    "record_lines", "referenced_image", "resolve_image", "state_digest", "verify_file",
    "write_trace",
]
