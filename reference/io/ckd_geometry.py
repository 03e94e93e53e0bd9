"""Count-key-data device geometry: the CKD disk types and their track capacities.

One frozen :class:`Geometry` per device type, in :data:`GEOMETRIES`, keyed by the
type name a configuration or ``s370 dasd init`` uses (``"3350"``, ``"3330-11"``).

The numbers are the devices' own (see docs/configuration.md, "CKD volumes", for
the manuals): cylinders and tracks per cylinder, the largest record a track
holds, and the track-capacity formula, i.e. how many bytes of the track a record
with key length K and data length D takes, gaps and count area included.  Three
kinds of formula occur:

``"2311"`` (2311, 2314)
    a record that is not the last one on the track takes
    ``record_overhead + (K + D) * gap_num // gap_den`` bytes, plus ``key_overhead``
    when K > 0 (the gaps grow with the record); the last record on the track takes
    only ``K + D`` bytes, plus ``key_overhead`` when K > 0.
``"fixed"`` (3330, 3340, 3350)
    every record takes ``record_overhead + K + D`` bytes, plus ``key_overhead``
    when K > 0.
``"cells"`` (3380)
    the track is divided into cells of ``cell_size`` bytes; the data area and its
    count take ``D + record_overhead`` bytes rounded up to whole cells, and a key
    ``K + key_overhead`` bytes rounded up to whole cells.

``track_capacity`` is the track's length in those units, home address and
record 0 excluded: a record fits on a track where ``used`` bytes are already
taken by records 1..n when ``used + record_size(K, D, last=True) <=
track_capacity`` (``used`` being the sum of ``record_size(...)`` of the records
before it, each counted as not last).

``track_length`` is different: it is the size of one track's slot in a Hercules
uncompressed image file (home address, record 0 with 8 data bytes, one record of
``max_record_data`` bytes and the end-of-track marker, rounded up to 512 bytes),
the value Hercules' ``dasdinit`` writes into the image's device header.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Geometry", "GEOMETRIES", "geometry_for_device", "image_track_length"]


def image_track_length(max_record_data: int) -> int:
    """The slot of one track in a Hercules CKD image: 5-byte home address, R0
    (8-byte count, 8 data bytes), R1 (8-byte count, ``max_record_data`` bytes),
    8-byte end-of-track marker, rounded up to a multiple of 512."""
    raw = 5 + 8 + 8 + 8 + max_record_data + 8
    return (raw + 511) // 512 * 512


@dataclass(frozen=True)
class Geometry:
    """One CKD device type.

    Fields:
      type_name: the name used to choose it ("3350", "3330-11", "3340-70").
      devtype: the device type as SENSE ID (bytes 4-5) and Read Device
        Characteristics report it, e.g. 0x3350.
      model: the device model byte of SENSE ID byte 6 / RDC byte 5.
      cu_type: the control unit type of SENSE ID bytes 1-2 (0x2841, 0x2314,
        0x3830, 0x3880).
      cu_model: the control unit model byte (SENSE ID byte 3).
      sense_bytes: how many sense bytes the control unit gives (6 for the
        2311/2314 controls, 24 for the 3830/3880).
      cylinders: primary cylinders (what ``dasdinit`` makes by default).
      heads: tracks per cylinder.
      max_record_data: the largest data area of one record without a key alone
        on a track after R0 (the manuals' "track capacity" in bytes).
      track_capacity: the track's length in the formula's units (see the module
        text), HA and R0 excluded.
      formula: "2311", "fixed" or "cells" (see the module text).
      record_overhead, key_overhead: the formula's constant bytes per record and
        extra bytes for a record with a key.
      gap_num, gap_den: the "2311" formula's growth factor of a record that is
        not last on the track (1 and 1 for the other formulas).
      cell_size: the "cells" formula's cell (1 for the other formulas).
      track_length: a track's slot in a Hercules image file (see the module text).
    """

    type_name: str
    devtype: int
    model: int
    cu_type: int
    cu_model: int
    sense_bytes: int
    cylinders: int
    heads: int
    max_record_data: int
    track_capacity: int
    formula: str
    record_overhead: int
    key_overhead: int
    gap_num: int = 1
    gap_den: int = 1
    cell_size: int = 1

    @property
    def track_length(self) -> int:
        return image_track_length(self.max_record_data)

    @property
    def tracks(self) -> int:
        """Tracks on the volume (primary cylinders times heads)."""
        return self.cylinders * self.heads

    @property
    def image_devtype(self) -> int:
        """The device type byte of a Hercules image's device header (the last
        two hex digits of the type: 0x50 for a 3350)."""
        return self.devtype & 0xFF

    def record_size(self, key_length: int, data_length: int, last: bool = False) -> int:
        """Track bytes a record with this key and data length takes (``last``:
        when it is the last record on the track, which matters for 2311/2314)."""
        key_extra = self.key_overhead if key_length else 0
        if self.formula == "2311":
            if last:
                return key_length + data_length + key_extra
            return (self.record_overhead + key_extra
                    + (key_length + data_length) * self.gap_num // self.gap_den)
        if self.formula == "cells":
            cell = self.cell_size
            size = -(-(data_length + self.record_overhead) // cell) * cell
            if key_length:
                size += -(-(key_length + self.key_overhead) // cell) * cell
            return size
        return self.record_overhead + key_length + data_length + key_extra

    def record_fits(self, used: int, key_length: int, data_length: int) -> bool:
        """Whether a record fits on a track whose records so far take ``used``
        bytes (the sum of their :meth:`record_size`, each counted as not last)."""
        return used + self.record_size(key_length, data_length, last=True) <= self.track_capacity

    def records_per_track(self, key_length: int, data_length: int) -> int:
        """How many records of this key and data length one track holds."""
        if not self.record_fits(0, key_length, data_length):
            return 0
        last = self.record_size(key_length, data_length, last=True)
        each = self.record_size(key_length, data_length)
        return (self.track_capacity - last) // each + 1


def _g(type_name: str, devtype: int, model: int, cu: tuple[int, int, int],
       cylinders: int, heads: int, max_data: int, capacity: int, formula: str,
       overhead: int, key_overhead: int, **extra: int) -> Geometry:
    return Geometry(type_name, devtype, model, cu[0], cu[1], cu[2], cylinders, heads,
                    max_data, capacity, formula, overhead, key_overhead, **extra)


_CU_2841 = (0x2841, 0x00, 6)
_CU_2314 = (0x2314, 0x00, 6)
_CU_3830 = (0x3830, 0x02, 24)
_CU_3880 = (0x3880, 0x05, 24)

# 2311: 3625 bytes a track; a record not last takes 61 + 537/512 (K+D) (+20 with a key).
# 2314: 7294 bytes a track; a record not last takes 101 + 2137/2048 (K+D) (+45 with a key).
# 3330: 13165 bytes of records a track; each takes 135 + K + D (+56 with a key).
# 3340: 8535 bytes; each record 167 + K + D (+75 with a key).
# 3350: 19254 bytes; each record 185 + K + D (+82 with a key).
# 3380: 1499 cells of 32 bytes; data (D + 12) / 32 cells rounded up plus 15 cells
#       of count and gaps, a key (K + 12) / 32 rounded up plus 7 cells.
_TABLE = (
    _g("2311", 0x2311, 0x00, _CU_2841, 200, 10, 3625, 3625, "2311", 61, 20,
       gap_num=537, gap_den=512),
    _g("2314", 0x2314, 0x00, _CU_2314, 200, 20, 7294, 7294, "2311", 101, 45,
       gap_num=2137, gap_den=2048),
    _g("3330", 0x3330, 0x01, _CU_3830, 404, 19, 13030, 13165, "fixed", 135, 56),
    _g("3330-11", 0x3330, 0x11, _CU_3830, 808, 19, 13030, 13165, "fixed", 135, 56),
    _g("3340", 0x3340, 0x01, _CU_3830, 348, 12, 8368, 8535, "fixed", 167, 75),
    _g("3340-35", 0x3340, 0x01, _CU_3830, 348, 12, 8368, 8535, "fixed", 167, 75),
    _g("3340-70", 0x3340, 0x02, _CU_3830, 696, 12, 8368, 8535, "fixed", 167, 75),
    _g("3350", 0x3350, 0x00, _CU_3830, 555, 30, 19069, 19254, "fixed", 185, 82),
    _g("3380", 0x3380, 0x02, _CU_3880, 885, 15, 47476, 47968, "cells", 15 * 32 + 12,
       7 * 32 + 12, cell_size=32),
)

GEOMETRIES: dict[str, Geometry] = {g.type_name: g for g in _TABLE}


def geometry_for_device(devtype: int, cylinders: int = 0) -> Geometry | None:
    """The geometry of a device type given as its full code (0x3350) or as the
    one byte of a Hercules image header (0x50), choosing the smallest model whose
    primary cylinders hold ``cylinders`` (so 808 cylinders of 3330 is a 3330-11),
    or the largest model when none does; None for an unknown type."""
    matches = [g for g in _TABLE
               if devtype in (g.devtype, g.image_devtype)
               and g.type_name not in ("3340-35",)]
    if not matches:
        return None
    matches.sort(key=lambda g: g.cylinders)
    for g in matches:
        if cylinders <= g.cylinders:
            return g
    return matches[-1]
