"""The logo file examined with Pillow, once per submission, for the logo rules.

The logo is examined (``examine``) in stages, each cheaper than the next and each refusing what
the next must not see: the file size before any byte is read, the magic number before Pillow sees
a byte, the header before any pixel is decoded, and pixels only for a PNG, JPEG or GIF of an
allowed size. Pillow is only ever handed the one plugin (PNG, JPEG or GIF) that the magic number
names, so a WebP, TIFF or SVG is named from its bytes and never decoded, also in the review bot.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import struct
import warnings
import weakref
from dataclasses import dataclass, replace

from PIL import Image, ImageFile, UnidentifiedImageError

from oin_gitops.rules.structure import LOGO
from oin_gitops.sources import Kind
from oin_gitops.submission import Submission

MAX_BYTES = 1_000_000
SIZES = ((200, 200), (244, 244), (244, 156), (156, 244))
FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}
# Pillow reads these three only, each with its own plugin alone, chosen by its magic number;
# other formats are merely named from their magic numbers (``SNIFFED``).
READABLE = ("PNG", "JPEG", "GIF")
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
# Formats saved as a logo by mistake, by magic number: (first bytes, what the file holds).
SNIFFED = (
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"\xffO\xffQ", "a JPEG 2000 image"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image"),
    (b"\xff\n", "a JPEG XL image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an ICO icon"),
    (b"icns", "an ICNS icon"),
    (b"%PDF", "a PDF document"),
    (b"%!PS", "a PostScript (EPS) file"),
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"qoif", "a QOI image"),
)
# ISO media (``....ftyp<brand>``): the brand at offset 8 tells AVIF and HEIC from video.
BRANDS = {
    b"avif": "an AVIF image",
    b"avis": "an AVIF image",
    **{brand: "a HEIC image" for brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx")},
    **{brand: "a HEIF image" for brand in (b"mif1", b"msf1")},
}
# The sizes of the BMP info headers (offset 14): "BM" alone is too short a magic number.
BMP_HEADERS = (12, 40, 52, 56, 64, 108, 124)
# What Pillow raises on bad data: Image.open documents UnidentifiedImageError (an OSError),
# ValueError and TypeError; its plugins and decoders also raise SyntaxError, EOFError,
# struct.error and IndexError.
DATA_ERRORS = (OSError, ValueError, TypeError, SyntaxError, EOFError, struct.error, IndexError)
# Raised by Image.open when the header claims more pixels than Pillow's bomb limit (the
# warning, for the lower limit, is turned into an exception locally).
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
# The rounded-corner test judges a drawing at least this many pixels wide and high.
MIN_SIDE = 24


@dataclass(frozen=True)
class Logo:
    """What the logo file turned out to be; fields stay at their defaults when not reached."""

    name: str
    path: str
    size: int
    unreadable: str | None = None  # the operating system refused to read it
    other: str | None = None  # not a PNG, JPEG or GIF: what it holds instead ("a WebP image")
    format: str | None = None  # PNG, JPEG or GIF (a multi-picture JPEG counts as JPEG)
    corrupt: str | None = None  # why its header or pixels cannot be decoded
    bomb: bool = False  # the header claims more pixels than Pillow's bomb limit
    dimensions: tuple[int, int] | None = None
    mode: str = ""
    deep: bool = False  # 16 bits per sample
    animated: bool = False
    alpha: bool | None = None  # None: pixels not decoded
    clear: bool | None = None  # at least one fully transparent pixel
    # Measured only with a transparent background (``clear``): the box (left, top, right,
    # bottom) of the pixels at least half opaque, and whether its corners look rounded.
    drawing: tuple[int, int, int, int] | None = None
    rounded: bool = False

    @property
    def expected(self) -> str:
        """The format the file name promises."""
        return FORMATS[self.name.rpartition(".")[2]]


_cache: dict[int, tuple[weakref.ref[Submission], Logo | None]] = {}


def examine(submission: Submission) -> Logo | None:
    """The submission's logo, examined once: the rules of one submission run one after another,
    so one cached entry (checked by identity, not by a reusable ``id``) serves them all."""
    hit = _cache.get(id(submission))
    if hit is not None and hit[0]() is submission:
        return hit[1]
    logo = _examine(submission)
    _cache.clear()
    _cache[id(submission)] = (weakref.ref(submission), logo)
    return logo


def _examine(submission: Submission) -> Logo | None:
    names = [name for name in submission.entries if LOGO.fullmatch(name)]
    if len(names) != 1 or submission.entries[names[0]] is not Kind.FILE:
        return None  # the logo-file rule reports a missing or extra logo
    name = names[0]
    logo = Logo(name, submission.path(name), 0)
    try:
        logo = replace(logo, size=submission.size(name))
        if logo.size >= MAX_BYTES:
            return logo  # never read
        data = submission.read(name)
    except OSError as exc:
        return replace(logo, unreadable=exc.strerror or str(exc) or type(exc).__name__)
    if not REMEMBER:
        return _open(logo, data)
    key = (name, hashlib.sha256(data).digest())
    if key not in _by_content:
        if len(_by_content) >= _BY_CONTENT_LIMIT:
            _by_content.clear()
        _by_content[key] = _open(replace(logo, path=""), data)
    return replace(_by_content[key], path=logo.path)


# The same image bytes under the same name give the same findings: decode each once per run.
_by_content: dict[tuple[str, bytes], Logo] = {}
_BY_CONTENT_LIMIT = 512
REMEMBER = True  # tests turn it off to compare results with and without


def forget() -> None:
    """Drop what was learnt about image contents (tests that fake Pillow call this)."""
    _by_content.clear()


def _open(logo: Logo, data: bytes) -> Logo:
    """Name the format from its magic number, then let only that format's Pillow plugin parse
    the header (``Image.open`` is lazy) and decide whether pixels may follow."""
    magic = _magic(data)
    if magic is None:
        return replace(logo, other=_describe(data))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=(magic,))
    except BOMB_ERRORS:
        return replace(logo, format=magic, bomb=True)
    except UnidentifiedImageError:
        return replace(logo, format=magic, corrupt=f"its {magic} header cannot be read")
    except DATA_ERRORS as exc:
        return replace(logo, format=magic, corrupt=_detail(exc))
    with image:
        return _header(logo, image)


def _header(logo: Logo, image: ImageFile.ImageFile) -> Logo:
    logo = replace(
        logo,
        format="JPEG" if image.format == "MPO" else image.format,
        dimensions=image.size,
        mode=image.mode,
        # 16-bit PNGs open as RGB/RGBA: only the raw mode of the undecoded tile tells.
        deep=image.mode.startswith("I;16") or any(";16" in str(t.args) for t in image.tile),
    )
    if image.size not in SIZES:
        return logo  # not one pixel of a wrong-sized image is decoded
    try:
        # is_animated reads the next frame's header only, then returns to the first frame. A
        # multi-picture JPEG (MPO) holds views, not an animation.
        animated = image.format in ("PNG", "GIF") and bool(getattr(image, "is_animated", False))
        logo = replace(logo, animated=animated)
        image.load()
    except DATA_ERRORS as exc:
        return replace(logo, corrupt=_detail(exc))
    return _pixels(logo, image)


def _pixels(logo: Logo, image: Image.Image) -> Logo:
    if logo.format == "JPEG":
        return replace(logo, alpha=False, clear=False)
    if "A" not in image.getbands() and "transparency" not in image.info:
        return replace(logo, alpha=False, clear=False)
    try:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    except ValueError:
        return logo  # a mode Pillow cannot convert: say nothing about transparency
    alpha = rgba.getchannel("A")
    if alpha.getextrema()[0] != 0:
        return replace(logo, alpha=True, clear=False)
    return _drawing(replace(logo, alpha=True, clear=True), alpha)


def _drawing(logo: Logo, alpha: Image.Image) -> Logo:
    """The box of the drawing's pixels, those at least half opaque (a threshold and a box,
    both in C), and the rounded-corner test, which reads 20 pixels of that box."""
    solid = alpha.convert("1", dither=Image.Dither.NONE)  # alpha >= 128 becomes 255
    box = solid.getbbox()
    if box is None:
        return logo
    return replace(logo, drawing=box, rounded=_rounded(solid, box))


def _rounded(solid: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Whether each side of the box is opaque at a quarter, half and three quarters of its
    length while its four corners (and the pixel diagonally inside each) are transparent: a
    rounded tile, not a circle (transparent at a quarter), a hexagon (two sides touch the box
    at one point) or a square with sharp corners."""
    left, top, right, bottom = box[0], box[1], box[2] - 1, box[3] - 1
    if min(right - left, bottom - top) < MIN_SIDE:
        return False
    pixels = solid.load()
    assert pixels is not None
    corners = (
        (left, top, 1, 1),
        (right, top, -1, 1),
        (left, bottom, 1, -1),
        (right, bottom, -1, -1),
    )
    if any(pixels[x, y] or pixels[x + dx, y + dy] for x, y, dx, dy in corners):
        return False
    sides = []
    for k in (1, 2, 3):
        x, y = left + (right - left) * k // 4, top + (bottom - top) * k // 4
        sides += [pixels[x, top], pixels[x, bottom], pixels[left, y], pixels[right, y]]
    return all(sides)


def _magic(data: bytes) -> str | None:
    return next((name for magic, name in MAGIC if data.startswith(magic)), None)


def _detail(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__


def _describe(data: bytes) -> str:
    """What a file that is not a PNG, JPEG or GIF holds, named from its first bytes alone: no
    Pillow plugin (nor any other decoder) ever parses it."""
    for magic, name in SNIFFED:
        if data.startswith(magic):
            return name
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith(b"BM") and int.from_bytes(data[14:18], "little") in BMP_HEADERS:
        return "a BMP image"
    if data[4:8] == b"ftyp":
        return BRANDS.get(data[8:12], "an ISO media file (such as an MP4 video)")
    return _describe_text(data)


def _describe_text(data: bytes) -> str:
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"  # before SVG: a page may hold an inline <svg>
    prologue = lowered.startswith((b"<?xml", b"<!"))  # a declaration, DOCTYPE or comment
    if lowered.startswith(b"<svg") or (prologue and b"<svg" in lowered):
        return "an SVG image"
    if lowered.startswith(b"<?xml"):
        return "an XML file"
    if not data:
        return "nothing (the file is empty)"
    try:  # incremental, so a character cut at the end of ``head`` is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return "data of an unknown format"
    return "data of an unknown format" if b"\0" in head else "text"
