"""CKD geometry and Hercules CKD/CCKD image files (reference/io/ckd_geometry.py,
reference/io/dasd.py, ``s370 dasd``).

Hercules 3.13's own utilities are the independent oracle: ``dasdinit`` makes
volumes read here, ``dasdls`` lists volumes made here, ``cckdcdsk`` checks the
compressed images written here and ``dasdcopy`` converts them to uncompressed
images compared track for track.  Those tests skip when the tools are absent;
the tests of the real volumes in ../shared/volumes skip when that folder is.
"""

from __future__ import annotations

import random
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from reference.arch.ebcdic import to_ebcdic
from reference.io.ckd_geometry import GEOMETRIES, geometry_for_device
from reference.io.dasd import (
    DasdImageError,
    LabelError,
    Record,
    TrackError,
    build_track,
    create,
    list_datasets,
    null_track,
    open_image,
    parse_track,
    read_volume_label,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "volumes"
HERCULES_TOOLS = ("dasdinit", "dasdls", "dasdcopy", "cckdcdsk")
NEEDS_TOOLS = pytest.mark.skipif(
    any(shutil.which(t) is None for t in HERCULES_TOOLS),
    reason="Hercules' DASD utilities (dasdinit, dasdls, dasdcopy, cckdcdsk) not on PATH")
NEEDS_SHARED = pytest.mark.skipif(not SHARED.is_dir(),
                                  reason=f"{SHARED} (real volumes) is absent")


def tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=120, check=False)


def dasdls_listing(path: Path) -> tuple[str | None, list[str], str]:
    """(volser, names, stderr) of Hercules' dasdls."""
    out = tool("dasdls", path)
    volser = None
    names = []
    for line in out.stdout.splitlines():
        m = re.match(r".*: VOLSER=(\S*)$", line)
        if m:
            volser = m.group(1)
        elif line.strip():
            names.append(line.strip())
    return volser, names, out.stderr


def cckdcdsk_problems(path: Path) -> list[str]:
    """cckdcdsk's warnings and errors at its maximal level, without repairing."""
    out = tool("cckdcdsk", "-ro", "-3", path)
    return [line for line in (out.stdout + out.stderr).splitlines()
            if re.search(r"HHCCU\d{3}[WE]", line)]


def to_plain(path: Path, tmp: Path) -> Path:
    """Hercules' dasdcopy of an image to an uncompressed CKD image."""
    out = tmp / (path.stem + "-plain.ckd")
    r = tool("dasdcopy", "-q", "-r", "-o", "CKD", path, out)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def same_tracks(a: Path, b: Path) -> None:
    with open_image(str(a), readonly=True) as x, open_image(str(b), readonly=True) as y:
        assert (x.cylinders, x.heads) == (y.cylinders, y.heads)
        for c in range(x.cylinders):
            for h in range(x.heads):
                assert x.read_track(c, h) == y.read_track(c, h), f"track {c}/{h}"


# -- geometry ------------------------------------------------------------------

# The devices' numbers as their manuals give them (docs/configuration.md, "CKD
# volumes", cites them): primary cylinders, tracks per cylinder, bytes of the
# largest record (no key) a track holds.
MANUAL = {
    "2311": (200, 10, 3625),
    "2314": (200, 20, 7294),
    "3330": (404, 19, 13030),
    "3330-11": (808, 19, 13030),
    "3340-35": (348, 12, 8368),
    "3340-70": (696, 12, 8368),
    "3350": (555, 30, 19069),
    "3380": (885, 15, 47476),
}
# Records per track from the manuals' capacity tables: (key, data) -> records.
# 140-byte DSCBs (44-byte key, 96 data) per track, the VTOC's DS4DEVDT.
DSCBS_PER_TRACK = {"2311": 16, "2314": 25, "3330": 39, "3340": 22, "3350": 47, "3380": 53}
BLOCKS_4K = {"2314": 1, "3330": 3, "3340": 2, "3350": 4, "3380": 10}


@pytest.mark.parametrize("name", sorted(MANUAL))
def test_geometry_matches_the_manuals(name: str) -> None:
    g = GEOMETRIES[name]
    assert (g.cylinders, g.heads, g.max_record_data) == MANUAL[name]
    # The largest record fits alone, one byte more does not.
    assert g.record_fits(0, 0, g.max_record_data)
    assert not g.record_fits(0, 0, g.max_record_data + 1)


# IBM, z/OS DFSMS Using Data Sets, "VSAM usage of 3380 DASD space": physical
# blocks (no key) per 3380 track for a block size.
IBM_3380_BLOCKS = {512: 46, 1024: 31, 1536: 23, 2048: 18, 2560: 15, 3072: 13, 3584: 11,
                   4096: 10, 4608: 9, 5120: 8, 5632: 7, 6144: 7, 6656: 6, 7168: 6,
                   7680: 5, 8192: 5, 10240: 4, 14336: 3}


def test_3380_blocks_per_track_as_ibm_tables_give() -> None:
    g = GEOMETRIES["3380"]
    assert {size: g.records_per_track(0, size) for size in IBM_3380_BLOCKS} == IBM_3380_BLOCKS


@pytest.mark.parametrize("name", sorted(DSCBS_PER_TRACK))
def test_records_per_track(name: str) -> None:
    g = GEOMETRIES[name]
    assert g.records_per_track(44, 96) == DSCBS_PER_TRACK[name]
    if name in BLOCKS_4K:
        assert g.records_per_track(0, 4096) == BLOCKS_4K[name]


def test_device_codes_and_lookup() -> None:
    assert (GEOMETRIES["3330-11"].devtype, GEOMETRIES["3330-11"].model) == (0x3330, 0x11)
    assert (GEOMETRIES["3350"].cu_type, GEOMETRIES["3380"].cu_type) == (0x3830, 0x3880)
    assert geometry_for_device(0x3330, 808) is GEOMETRIES["3330-11"]
    assert geometry_for_device(0x30, 404) is GEOMETRIES["3330"]
    assert geometry_for_device(0x14, 203) is GEOMETRIES["2314"]     # with alternates
    assert geometry_for_device(0x90, 1) is None
    # The 2311's last record on a track needs no gap after it.
    g = GEOMETRIES["2311"]
    assert g.record_size(0, 100, last=True) == 100
    assert g.record_size(0, 100) == 61 + 100 * 537 // 512


@NEEDS_TOOLS
@pytest.mark.parametrize("name", ["2311", "2314", "3330", "3330-11", "3340", "3350", "3380"])
def test_geometry_matches_dasdinit(name: str, tmp_path: Path) -> None:
    """The image's heads, track slot and device type byte as dasdinit writes them."""
    g = GEOMETRIES[name]
    path = tmp_path / "h.cckd"
    r = tool("dasdinit", "-z", path, name, "HDR001")
    assert r.returncode == 0, r.stderr
    hdr = path.read_bytes()[:20]
    heads, trksize, devtype = struct.unpack_from("<IIB", hdr, 8)
    assert (heads, trksize, devtype) == (g.heads, g.track_length, g.image_devtype)
    cyls = struct.unpack_from("<I", path.read_bytes(), 512 + 40)[0]
    assert cyls == g.cylinders


# -- track images --------------------------------------------------------------

def test_track_build_and_parse() -> None:
    recs = [Record(3, 4, 0, b"", bytes(8)), Record(3, 4, 1, b"KEY", b"data"),
            Record(3, 4, 2, b"", b"")]
    t = build_track(3, 4, recs)
    assert t[:5] == b"\x00\x00\x03\x00\x04" and t.endswith(b"\xff" * 8)
    assert parse_track(t) == recs
    assert parse_track(null_track(1, 2)) == [Record(1, 2, 0, b"", bytes(8))]
    assert len(null_track(1, 2, 0)) == 37
    with pytest.raises(ValueError):
        parse_track(t[:-8])


# -- volumes made here ---------------------------------------------------------

@pytest.mark.parametrize("compress", [None, "zlib", "bzip2"])
def test_create_label_and_vtoc(compress: str | None, tmp_path: Path) -> None:
    path = tmp_path / "v.img"
    create(str(path), "3350", "abc123", compress, cylinders=3)
    with open_image(str(path), readonly=True) as im:
        assert (im.cylinders, im.heads, im.compressed) == (3, 30, compress is not None)
        label = read_volume_label(im)
        assert label.volser == "ABC123" and label.vtoc == (0, 1, 1)
        assert list_datasets(im) == []
        t0 = parse_track(im.read_track(0, 0))
        assert [r.key for r in t0] == [b"", to_ebcdic("IPL1"), to_ebcdic("IPL2"),
                                       to_ebcdic("VOL1")]
        vtoc = parse_track(im.read_track(0, 1))
        assert vtoc[1].key == b"\x04" * 44 and vtoc[1].data[0] == 0xF4
        assert len(vtoc) == 1 + 47
        assert im.read_track(2, 29) == null_track(2, 29)
    with pytest.raises(DasdImageError, match="exists"):
        create(str(path), "3350", "X")


def test_create_refuses_bad_arguments(tmp_path: Path) -> None:
    for args in [("3390", "V"), ("3350", "TOOLONG"), ("3350", "A B")]:
        with pytest.raises(ValueError):
            create(str(tmp_path / "x"), *args)
    with pytest.raises(ValueError):
        create(str(tmp_path / "x"), "3350", "V", "lzma")
    with pytest.raises(ValueError):
        create(str(tmp_path / "x"), "3350", "V", cylinders=1)


@pytest.mark.parametrize("compress", [None, "zlib", "bzip2"])
def test_write_and_read_back(compress: str | None, tmp_path: Path) -> None:
    path = tmp_path / "w.img"
    create(str(path), "2314", "WRT", compress, cylinders=20)
    expected = write_random_tracks(path, rounds=3, seed=7)
    with open_image(str(path), readonly=True) as im:
        for (c, h), t in expected.items():
            assert im.read_track(c, h) == t


def write_random_tracks(path: Path, rounds: int, seed: int,
                        cylinders: range | None = None) -> dict[tuple[int, int], bytes]:
    rnd = random.Random(seed)
    expected: dict[tuple[int, int], bytes] = {}
    for _ in range(rounds):
        with open_image(str(path)) as im:
            cyls = cylinders or range(1, im.cylinders)
            for _ in range(150):
                c, h = rnd.choice(cyls), rnd.randrange(im.heads)
                n = rnd.randrange(0, 4)
                recs = [Record(c, h, 0, b"", bytes(8))]
                recs += [Record(c, h, r, b"", bytes([rnd.randrange(256)]) * rnd.randrange(1, 1500)
                                + bytes(rnd.randrange(256) for _ in range(rnd.randrange(40))))
                         for r in range(1, n + 1)]
                t = build_track(c, h, recs)
                im.write_track(c, h, t)
                expected[(c, h)] = t
    return expected


def big_endian_copy(src: Path, dst: Path) -> None:
    """A compressed image with its header numbers and tables in big-endian order
    (as Hercules writes them on a big-endian host: options bit X'02')."""
    data = bytearray(src.read_bytes())
    fields = struct.unpack_from("<iiIIIIIiI", data, 516)    # the cylinders stay as they are
    struct.pack_into(">iiIIIIIiI", data, 516, *fields)
    data[515] |= 0x02
    struct.pack_into(">h", data, 558, struct.unpack_from("<h", data, 558)[0])
    numl1 = fields[0]
    l1 = struct.unpack_from(f"<{numl1}I", data, 1024)
    struct.pack_into(f">{numl1}I", data, 1024, *l1)
    for pos in l1:
        if pos:
            entries = struct.unpack_from("<" + "IHH" * 256, data, pos)
            struct.pack_into(">" + "IHH" * 256, data, pos, *entries)
    dst.write_bytes(bytes(data))


def test_big_endian_image(tmp_path: Path) -> None:
    little = tmp_path / "le.cckd"
    create(str(little), "3330", "BIGEND", "zlib", cylinders=30)
    expected = write_random_tracks(little, rounds=1, seed=2)
    big = tmp_path / "be.cckd"
    big_endian_copy(little, big)
    same_tracks(little, big)
    more = write_random_tracks(big, rounds=1, seed=4)
    with open_image(str(big), readonly=True) as im:
        assert read_volume_label(im).volser == "BIGEND"
        for (c, h), t in {**expected, **more}.items():
            assert im.read_track(c, h) == t
    if shutil.which("cckdcdsk"):
        assert cckdcdsk_problems(big) == []


def test_write_refuses_bad_images(tmp_path: Path) -> None:
    path = tmp_path / "w.cckd"
    create(str(path), "3330", "W", "zlib", cylinders=2)
    with open_image(str(path)) as im:
        # what a guest may write but the image cannot hold: the device's
        # equipment check (TrackError)
        with pytest.raises(TrackError):
            im.write_track(1, 1, null_track(1, 2))          # wrong home address
        with pytest.raises(TrackError):
            im.write_track(1, 1, null_track(1, 1)[:-8])     # no end marker
        with pytest.raises(TrackError):
            im.write_track(1, 1, build_track(1, 1, [Record(1, 1, 1, b"", bytes(14000))]))
        with pytest.raises(ValueError):                      # a caller's error
            im.read_track(2, 0)
    with open_image(str(path), readonly=True) as im, pytest.raises(DasdImageError):
        im.write_track(1, 1, null_track(1, 1))


# -- bad images ------------------------------------------------------------------

def one_line(e: BaseException, path: Path) -> str:
    text = str(e)
    assert "\n" not in text and text.startswith(str(path) + ": ")
    return text


def test_bad_images_rejected(tmp_path: Path) -> None:
    good = tmp_path / "good.cckd"
    create(str(good), "3350", "G", "zlib", cylinders=3)
    data = good.read_bytes()
    cases = {
        "short": (data[:100], "truncated"),
        "notckd": (b"X" * 2048, "not a Hercules CKD image"),
        "devtype": (data[:16] + b"\x90" + data[17:], "device type"),
        "l1": (data[:1024] + struct.pack("<I", 10**8) + data[1028:], "level-1 entry 0"),
        "nol1": (data[:1026], "truncated"),
        "nol2": (data[:1030], "outside the file"),
    }
    for name, (content, problem) in cases.items():
        p = tmp_path / name
        p.write_bytes(content)
        with pytest.raises(DasdImageError) as info:
            open_image(str(p), readonly=True)
        assert problem in one_line(info.value, p)
    plain = tmp_path / "plain.ckd"
    create(str(plain), "2311", "P", cylinders=2)
    cut = tmp_path / "cut.ckd"
    cut.write_bytes(plain.read_bytes()[:-100])
    with pytest.raises(DasdImageError) as info:
        open_image(str(cut))
    assert "truncated" in one_line(info.value, cut)
    with pytest.raises(DasdImageError):
        open_image(str(tmp_path / "absent"))


def test_corrupt_track_is_a_track_error(tmp_path: Path) -> None:
    path = tmp_path / "c.cckd"
    create(str(path), "3350", "C", "zlib", cylinders=3)
    with open_image(str(path)) as im:
        im.write_track(1, 0, build_track(1, 0, [Record(1, 0, 0, b"", bytes(8)),
                                                Record(1, 0, 1, b"", b"x" * 3000)]))
    data = bytearray(path.read_bytes())
    pos = struct.unpack_from("<I", data, 1024)[0] + 8 * 30       # l2 entry of track 30
    where, length = struct.unpack_from("<IH", data, pos)
    data[where + 10:where + length] = b"\x55" * (length - 10)      # garble the stream
    path.write_bytes(bytes(data))
    with open_image(str(path), readonly=True) as im:
        with pytest.raises(TrackError, match="track 1/0"):
            im.read_track(1, 0)
        assert im.read_track(0, 1)            # the other tracks still read


# -- Hercules' tools as the oracle -------------------------------------------------

@NEEDS_TOOLS
@pytest.mark.parametrize("compress", [None, "-z", "-bz2"])
def test_dasdinit_volume_reads_here(compress: str | None, tmp_path: Path) -> None:
    """A volume made by dasdinit: its label read here, its track 0 byte for byte
    the one made here, every track as Hercules' dasdcopy reads it."""
    path = tmp_path / "h.img"
    args = ["dasdinit"] + ([compress] if compress else []) + [path, "3350", "HERC01", "3"]
    r = tool(*args)
    assert r.returncode == 0, r.stderr
    ours = tmp_path / "o.img"
    create(str(ours), "3350", "HERC01", None, cylinders=3)
    with open_image(str(path), readonly=True) as im, open_image(str(ours), True) as o:
        assert read_volume_label(im).volser == "HERC01"
        assert im.read_track(0, 0) == o.read_track(0, 0)
        with pytest.raises(LabelError, match="F4DSCB record not found"):
            list_datasets(im)                     # dasdinit writes no VTOC
    if compress:
        same_tracks(path, to_plain(path, tmp_path))


@NEEDS_TOOLS
@pytest.mark.parametrize("compress", [None, "zlib", "bzip2"])
def test_volume_made_here_checked_by_hercules(compress: str | None, tmp_path: Path) -> None:
    path = tmp_path / "m.img"
    create(str(path), "3380", "MADE01", compress, cylinders=4)
    volser, names, err = dasdls_listing(path)
    assert (volser, names) == ("MADE01", []), err
    if compress:
        assert cckdcdsk_problems(path) == []
        same_tracks(path, to_plain(path, tmp_path))


@NEEDS_TOOLS
@pytest.mark.parametrize("compress", ["zlib", "bzip2"])
def test_written_cckd_checked_by_hercules(compress: str, tmp_path: Path) -> None:
    path = tmp_path / "w.cckd"
    create(str(path), "3350", "WRT001", compress, cylinders=12)
    expected = write_random_tracks(path, rounds=3, seed=11)
    # Some tracks written back to the null track give their space back.
    with open_image(str(path)) as im:
        for c, h in list(expected)[:20]:
            im.write_track(c, h, null_track(c, h))
            expected[(c, h)] = null_track(c, h)
    assert cckdcdsk_problems(path) == []
    plain = to_plain(path, tmp_path)
    with open_image(str(plain), readonly=True) as im:
        for (c, h), t in expected.items():
            assert im.read_track(c, h) == t
    same_tracks(path, plain)
    volser, _, _ = dasdls_listing(path)
    assert volser == "WRT001"


@NEEDS_TOOLS
def test_plain_write_read_by_hercules(tmp_path: Path) -> None:
    path = tmp_path / "p.ckd"
    create(str(path), "3330", "PLAIN1", None, cylinders=5)
    expected = write_random_tracks(path, rounds=1, seed=3)
    packed = tmp_path / "p.cckd"
    r = tool("dasdcopy", "-q", "-z", "-o", "CCKD", path, packed)
    assert r.returncode == 0, r.stdout + r.stderr
    with open_image(str(packed), readonly=True) as im:
        for (c, h), t in expected.items():
            assert im.read_track(c, h) == t


# -- the real volumes ------------------------------------------------------------------

VOLUMES = ["mcat01.cckd", "vsamin.cckd", "vm50u1.cckd", "vm14-0.cckd"]


@NEEDS_SHARED
@pytest.mark.skipif(shutil.which("dasdls") is None, reason="Hercules' dasdls not on PATH")
@pytest.mark.parametrize("name", VOLUMES)
def test_shared_volume_listed_as_dasdls_does(name: str) -> None:
    path = SHARED / name
    volser, names, err = dasdls_listing(path)
    out = subprocess.run([sys.executable, "-m", "reference.cli", "dasd", "ls", str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    lines = out.stdout.splitlines()
    if volser is None:                    # dasdls: "F4DSCB record not found"
        assert out.returncode == 1
        assert err.strip().splitlines()[-1] in out.stderr
        assert lines[1:] == []
    else:
        assert out.returncode == 0, out.stderr
        assert lines[0] == f"{path}: VOLSER={volser}"
        assert lines[1:] == names


@NEEDS_SHARED
@NEEDS_TOOLS
@pytest.mark.parametrize("name", ["vsamin.cckd", "vm14-0.cckd"])
def test_shared_volume_tracks_as_dasdcopy_reads_them(name: str, tmp_path: Path) -> None:
    """Every track as Hercules reads it (a 3350; a 2314 whose records' counts
    name another track, as VM/370 formats minidisks)."""
    path = SHARED / name
    same_tracks(path, to_plain(path, tmp_path))


@NEEDS_SHARED
@NEEDS_TOOLS
def test_writing_a_copy_of_a_real_volume(tmp_path: Path) -> None:
    """A volume with free space of its own (written by Hercules) written here."""
    path = tmp_path / "vsamin.cckd"
    shutil.copyfile(SHARED / "vsamin.cckd", path)
    path.chmod(0o644)
    before = {}
    with open_image(str(path), readonly=True) as im:
        before = {(0, h): im.read_track(0, h) for h in range(im.heads)}
    expected = write_random_tracks(path, rounds=2, seed=5, cylinders=range(200, 260))
    assert cckdcdsk_problems(path) == []
    with open_image(str(path), readonly=True) as im:
        for (c, h), t in {**before, **expected}.items():
            assert im.read_track(c, h) == t
        assert list_datasets(im) == ["Z9999996.VSAMDSPC.TD577870.TF4BE020",
                                     "Z9999992.VSAMDSPC.TD577882.TC893780"]


# -- the command ------------------------------------------------------------------

def s370(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reference.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def test_cli_init_and_ls(tmp_path: Path) -> None:
    path = tmp_path / "v.cckd"
    r = s370("dasd", "init", "3340", str(path), "--volser", "cli001", "--compress", "bzip2")
    assert r.returncode == 0, r.stderr
    r = s370("dasd", "ls", str(path))
    assert (r.returncode, r.stdout) == (0, f"{path}: VOLSER=CLI001\n")
    with open_image(str(path), readonly=True) as im:
        assert (im.geometry.type_name, im.compression) == ("3340", "bzip2")


@pytest.mark.parametrize("args, problem", [
    (["init", "3390", "{d}/x"], "invalid choice"),
    (["init", "3350", "{d}/x", "--volser", "SEVENXX"], "volume serial"),
    (["init", "3350", "{d}/x", "--cylinders", "many"], "--cylinders many"),
    (["init", "3350", "{d}/x", "--compress", "lzma"], "invalid choice"),
    (["ls", "{d}/absent"], "No such file"),
    (["ls", "{d}"], ""),
])
def test_cli_bad_input(args: list[str], problem: str, tmp_path: Path) -> None:
    r = s370("dasd", *[a.format(d=tmp_path) for a in args])
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and problem in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_ls_of_a_non_image(tmp_path: Path) -> None:
    p = tmp_path / "text"
    p.write_text("hello\n" * 200)
    r = s370("dasd", "ls", str(p))
    assert r.returncode == 2
    assert r.stderr == f"{p}: not a Hercules CKD image (device header identifier is not " \
                       "CKD_P370 or CKD_C370)\n"
