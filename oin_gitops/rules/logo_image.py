"""The logo file examined with Pillow, once per submission, for the logo rules.

The logo is examined (``examine``) in stages, each cheaper than the next and each refusing what
the next must not see: the file size before any byte is read, the header before any pixel is
decoded, and pixels only for a PNG, JPEG or GIF of an allowed size.
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
# Pillow reads the header of these three only; other formats are merely named.
READABLE = ("PNG", "JPEG", "GIF")
# Where Pillow cannot parse a header, the magic number still tells a broken PNG from a WebP.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
# What Pillow raises on bad data: Image.open documents UnidentifiedImageError (an OSError),
# ValueError and TypeError; its plugins and decoders also raise SyntaxError, EOFError,
# struct.error and IndexError.
DATA_ERRORS = (OSError, ValueError, TypeError, SyntaxError, EOFError, struct.error, IndexError)
# Raised by Image.open when the header claims more pixels than Pillow's bomb limit (the
# warning, for the lower limit, is turned into an exception locally).
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Logo:
    """What the logo file turned out to be; fields stay at their defaults when not reached."""

    name: str
    path: str
    size: int
    unreadable: str | None = None  # the operating system refused to read it
    other: str | None = None  # not a PNG, JPEG or GIF: what it is instead
    format: str | None = None  # PNG, JPEG or GIF (a multi-picture JPEG counts as JPEG)
    corrupt: str | None = None  # why its header or pixels cannot be decoded
    bomb: bool = False  # the header claims more pixels than Pillow's bomb limit
    dimensions: tuple[int, int] | None = None
    mode: str = ""
    deep: bool = False  # 16 bits per sample
    animated: bool = False
    alpha: bool | None = None  # None: pixels not decoded
    clear: bool | None = None  # at least one fully transparent pixel

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
    """Parse the header only (``Image.open`` is lazy), then decide whether pixels may follow."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READABLE)
    except BOMB_ERRORS:
        return replace(logo, format=_magic(data), bomb=True)
    except UnidentifiedImageError:
        magic = _magic(data)
        if magic is None:
            return replace(logo, other=_describe(data))
        return replace(logo, format=magic, corrupt=f"its {magic} header cannot be read")
    except DATA_ERRORS as exc:
        return replace(logo, format=_magic(data), corrupt=_detail(exc))
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
    return replace(logo, alpha=True, clear=rgba.getchannel("A").getextrema()[0] == 0)


def _magic(data: bytes) -> str | None:
    return next((name for magic, name in MAGIC if data.startswith(magic)), None)


def _detail(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__


def _describe(data: bytes) -> str:
    """What a file that is not a PNG, JPEG or GIF holds, for the message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                return f"{_article(image.format or '')} {image.format} image"
    except Exception:
        # Naming is best effort and the bytes are refused either way, while any of Pillow's
        # many plugins may raise anything here (the DDS reader raises NotImplementedError).
        pass
    head = data[:4096].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "an SVG image"
    if not data:
        return "an empty file"
    try:  # incremental, so a character cut at the end of ``head`` is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return "a file of an unknown format"
    return "a file of an unknown format" if b"\0" in head else "a text file"


def _article(acronym: str) -> str:
    """'an' before acronyms read letter by letter that start with a vowel sound (SVG, ICO)."""
    return "an" if acronym[:1] in tuple("AEFHILMNORSX") else "a"
