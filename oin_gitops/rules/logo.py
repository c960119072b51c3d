"""Logo rules: the logo file's real format, size, dimensions and pixels.

Each rule reads what ``logo_image.examine`` found in the logo, examined once per submission.
"""

from __future__ import annotations

from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.logo_image import MAX_BYTES, SIZES, Logo, examine
from oin_gitops.rules.structure import SHOWN_SIZES, SVG_HELP
from oin_gitops.submission import Submission

SQUARE = ((200, 200), (244, 244))
SUFFIXES = {"PNG": "png", "JPEG": "jpg", "GIF": "gif"}


@submission_rule(
    id="logo-size",
    summary="The logo file is smaller than 1,000,000 bytes.",
    guideline="LOGO-03",
    help="Export the logo again at an allowed size with compression; a logo is rarely over 100 KB.",
)
def logo_size(submission: Submission) -> Iterator[Finding]:
    """The OIN accepts logos under one megabyte; a larger file is refused before it is read.

    Passes: a 999,999-byte ``logo.png``. Fails: a 1,000,000-byte ``logo.png``.
    """
    logo = examine(submission)
    if logo is not None and logo.size >= MAX_BYTES:
        yield Finding(
            logo.path,
            f"the logo is {logo.size:,} bytes; it must be smaller than {MAX_BYTES:,} bytes",
        )


@submission_rule(
    id="logo-format",
    summary="The logo is a real PNG, JPEG or GIF, and its name matches its format.",
    guideline="LOGO-02",
    help="Save the logo as a PNG (preferred), JPEG or GIF named logo.png, logo.jpg or logo.gif, "
    "and set 'app.logo' to that name.",
)
def logo_format(submission: Submission) -> Iterator[Finding]:
    """The format is read from the file's first bytes, not its name: a WebP or SVG renamed
    ``logo.png`` is still a WebP or SVG. Only a file whose magic number says PNG, JPEG or GIF
    reaches an image decoder, and only that format's; anything else is named from its magic
    number and never decoded.

    Passes: a PNG named ``logo.png``. Fails: a WebP, BMP, TIFF, SVG or JPEG named ``logo.png``.
    """
    logo = examine(submission)
    if logo is None:
        return
    if logo.other is not None:
        help = SVG_HELP if logo.other == "an SVG image" else None
        yield Finding(logo.path, _not_an_image(logo, logo.other), help=help)
    elif logo.format is not None and logo.format != logo.expected:
        suffix = SUFFIXES[logo.format]
        yield Finding(
            logo.path,
            f"{logo.name} is a {logo.format} image, not a {logo.expected}; save it as a "
            f"{logo.expected}, or rename it to logo.{suffix} and set 'app.logo' to match",
        )


def _not_an_image(logo: Logo, other: str) -> str:
    expected = logo.expected
    advice = f"export the logo as a {expected} and save it as {logo.name}"
    if expected != "PNG":
        advice += ", or as a PNG (preferred) named logo.png with 'app.logo' set to match"
    return f"'{logo.name}' holds {other}, not a {expected}; {advice}"


@submission_rule(
    id="logo-corrupt",
    summary="The logo can be read and decoded completely.",
    guideline="LOGO-02",
    help="Export the logo again from your image editor; the file may have been cut short in transfer.",
)
def logo_corrupt(submission: Submission) -> Iterator[Finding]:
    """A logo whose header or pixel data is broken cannot be shown in the catalog.

    Passes: a complete PNG, interlaced or not. Fails: a PNG cut short.
    """
    logo = examine(submission)
    if logo is None:
        return
    if logo.unreadable is not None:
        yield Finding(logo.path, f"the logo cannot be read: {logo.unreadable}")
    elif logo.corrupt is not None:
        yield Finding(logo.path, f"the logo is truncated or corrupt: {logo.corrupt}")


@submission_rule(
    id="logo-dimensions",
    summary="The logo is exactly 200x200, 244x244, 244x156 or 156x244 pixels.",
    guideline="LOGO-04",
    help="Resize the canvas to 200x200 or 244x244 pixels (square, preferred), or 244x156 or 156x244.",
)
def logo_dimensions(submission: Submission) -> Iterator[Finding]:
    """The OIN accepts no other dimensions. The size is read from the header; a header
    claiming a huge image (a decompression bomb) is refused before any pixel is decoded.

    Passes: a 244x244 PNG. Fails: a 300x300 PNG, or a PNG header claiming 100000x100000.
    """
    logo = examine(submission)
    if logo is None:
        return
    if logo.bomb:
        yield Finding(
            logo.path,
            "the logo's header declares an image so large that it was refused unread as a "
            f"possible decompression bomb; it must be exactly {SHOWN_SIZES} pixels",
        )
    elif logo.dimensions is not None and logo.dimensions not in SIZES:
        width, height = logo.dimensions
        yield Finding(
            logo.path,
            f"the logo is {width}x{height} pixels; it must be exactly {SHOWN_SIZES} pixels",
        )


@submission_rule(
    id="logo-png-preferred",
    summary="The logo is preferably a PNG.",
    severity=Severity.WARNING,
    guideline="LOGO-05",
    help="Save the logo as a PNG with a transparent background, name it logo.png, and set "
    "'app.logo: logo.png'.",
)
def logo_png_preferred(submission: Submission) -> Iterator[Finding]:
    """JPEG and GIF logos are accepted, but the OIN prefers PNG.

    Passes: ``logo.png``. Fails: ``logo.gif`` or ``logo.jpg``.
    """
    logo = examine(submission)
    if logo is not None and logo.format in ("JPEG", "GIF"):
        yield Finding(logo.path, f"the logo is a {logo.format} image; PNG is preferred")


@submission_rule(
    id="logo-transparency",
    summary="The logo has a transparent background.",
    severity=Severity.WARNING,
    guideline="LOGO-06",
    help="Export the logo as a PNG with a transparent background; a coloured background is "
    "acceptable only when it is part of the logo's design.",
)
def logo_transparency(submission: Submission) -> Iterator[Finding]:
    """The catalog shows logos on its own background, so the logo's background should be
    transparent: an alpha channel (or transparent colour) and some fully transparent pixels.
    Checked only for a readable logo of an allowed size.

    Passes: a PNG with transparent corners. Fails: an opaque RGB PNG, or any JPEG.
    """
    logo = examine(submission)
    if logo is None or logo.alpha is None:
        return
    if logo.format == "JPEG":
        message = "the logo is a JPEG image, which cannot have a transparent background"
    elif not logo.alpha:
        message = "the logo has no alpha channel or transparent colour, so its background is opaque"
    elif not logo.clear:
        message = "the logo has an alpha channel but no fully transparent pixel"
    else:
        return
    yield Finding(logo.path, message)


@submission_rule(
    id="logo-animated",
    summary="The logo is a still image.",
    severity=Severity.WARNING,
    guideline="LOGO-02",
    help="If the logo should not move, save a still version (for example its first frame) as "
    "a PNG named logo.png and set 'app.logo: logo.png'.",
)
def logo_animated(submission: Submission) -> Iterator[Finding]:
    """An animated GIF (or PNG) is accepted, but the catalog publishes the logo file as it is,
    so it keeps animating on the catalog's pages (browsers play animated GIFs and PNGs).

    Passes: a single-frame PNG or GIF. Fails: a GIF with three frames.
    """
    logo = examine(submission)
    if logo is not None and logo.animated:
        yield Finding(
            logo.path,
            "the logo is animated; the catalog publishes the file unchanged, so it animates "
            "on the catalog's pages",
        )


@submission_rule(
    id="logo-color-mode",
    summary="The logo uses 8-bit sRGB colour: no CMYK JPEG, no 16-bit PNG.",
    severity=Severity.WARNING,
    guideline="LOGO-02",
    help="Convert the logo to 8-bit sRGB (RGB or RGBA, 8 bits per channel) and export it again.",
)
def logo_color_mode(submission: Submission) -> Iterator[Finding]:
    """Browsers show CMYK JPEGs with wrong colours, and 16-bit PNGs only add size.
    Interlaced images are fine.

    Passes: an 8-bit RGBA PNG. Fails: a CMYK JPEG, or a PNG with 16 bits per channel.
    """
    logo = examine(submission)
    if logo is None:
        return
    if logo.mode == "CMYK":
        yield Finding(logo.path, "the logo is a CMYK JPEG; convert it to 8-bit sRGB")
    elif logo.deep:
        yield Finding(logo.path, "the logo is a 16-bit PNG; convert it to 8-bit sRGB")


@submission_rule(
    id="logo-square",
    summary="A square logo (200x200 or 244x244) is preferred.",
    severity=Severity.NOTICE,
    guideline="LOGO-07",
    help="If your logo allows it, use a square 200x200 or 244x244 canvas.",
)
def logo_square(submission: Submission) -> Iterator[Finding]:
    """244x156 and 156x244 are accepted for logos that do not fit a square.

    Passes: a 200x200 PNG. Fails: a 244x156 PNG.
    """
    logo = examine(submission)
    if logo is None or logo.dimensions is None:
        return
    if logo.dimensions in SIZES and logo.dimensions not in SQUARE:
        width, height = logo.dimensions
        yield Finding(
            logo.path,
            f"the logo is {width}x{height} pixels; a square logo (200x200 or 244x244) is preferred",
        )


RULES: tuple[Rule, ...] = (
    logo_size,
    logo_format,
    logo_corrupt,
    logo_dimensions,
    logo_png_preferred,
    logo_transparency,
    logo_animated,
    logo_color_mode,
    logo_square,
)
