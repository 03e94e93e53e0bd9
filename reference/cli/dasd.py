"""``s370 dasd``: make and list CKD volumes in Hercules' image formats.

    s370 dasd init TYPE FILE [--volser V] [--compress zlib|bzip2] [--cylinders N]
    s370 dasd ls FILE

``init`` makes a new formatted empty volume (docs/configuration.md, "CKD
volumes"); ``ls`` prints ``FILE: VOLSER=V`` and the data-set names of the
volume's VTOC one a line, as Hercules' ``dasdls`` does.  A bad argument or an
unusable image file: one line on standard error, exit status 2.  A volume
without the label or the VTOC its label points at: the message on standard
error (``FILE: F4DSCB record not found``), exit status 1.
"""

from __future__ import annotations

import argparse
import sys

from reference.io.ckd_geometry import GEOMETRIES
from reference.io.dasd import (
    DasdImageError,
    LabelError,
    TrackError,
    create,
    list_datasets,
    open_image,
    read_volume_label,
)
from reference.session import UsageError

EXIT_NO_VTOC = 1


def cmd_dasd_init(args: argparse.Namespace) -> int:
    cylinders = None
    if args.cylinders is not None:
        text = args.cylinders
        if not (text.isascii() and text.isdigit() and len(text) <= 6):
            raise UsageError(f"s370 dasd init: --cylinders {text}: not a number of cylinders")
        cylinders = int(text)
    try:
        create(args.file, args.type, args.volser, args.compress, cylinders)
    except ValueError as e:
        raise UsageError(f"s370 dasd init: {e}") from None
    except DasdImageError as e:
        raise UsageError(str(e)) from None
    g = GEOMETRIES[args.type]
    kind = f"{args.compress}-compressed (CCKD)" if args.compress else "uncompressed (CKD)"
    print(f"{args.file}: {g.type_name} volume {args.volser.upper()}, "
          f"{cylinders or g.cylinders} cylinders of {g.heads} tracks, {kind}")
    return 0


def cmd_dasd_ls(args: argparse.Namespace) -> int:
    try:
        image = open_image(args.file, readonly=True)
    except DasdImageError as e:
        raise UsageError(str(e)) from None
    try:
        label = read_volume_label(image)
        print(f"{args.file}: VOLSER={label.volser}")
        names = list_datasets(image)
    except LabelError as e:
        sys.stdout.flush()
        print(f"{args.file}: {e}", file=sys.stderr)
        return EXIT_NO_VTOC
    except TrackError as e:
        raise UsageError(str(e)) from None
    finally:
        image.close()
    for name in names:
        print(name)
    return 0


def add_dasd_parsers(sub: argparse._SubParsersAction,
                     parser_class: type[argparse.ArgumentParser]) -> None:
    d = sub.add_parser("dasd", help="CKD volumes in Hercules' formats: init, ls")
    dsub = d.add_subparsers(dest="dasd_command", required=True, parser_class=parser_class)
    i = dsub.add_parser("init", help="make a formatted empty volume (label, empty VTOC)")
    i.add_argument("type", choices=list(GEOMETRIES), metavar="TYPE",
                   help="device type: " + ", ".join(GEOMETRIES))
    i.add_argument("file")
    i.add_argument("--volser", default="VOL001", help="volume serial (default VOL001)")
    i.add_argument("--compress", choices=["zlib", "bzip2"],
                   help="make a compressed (CCKD) image, its tracks compressed so")
    i.add_argument("--cylinders", metavar="N",
                   help="cylinders (default: the type's primary cylinders)")
    i.set_defaults(func=cmd_dasd_init)
    ls = dsub.add_parser("ls", help="the volume serial and the data-set names of the VTOC")
    ls.add_argument("file")
    ls.set_defaults(func=cmd_dasd_ls)
