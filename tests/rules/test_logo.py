"""The logo rules: one table per rule, on in-memory submissions holding real image bytes."""

from __future__ import annotations

import io
import struct
import time
import warnings
import zlib
from pathlib import Path
from typing import cast

import pytest
from PIL import Image, ImageFile

from oin_gitops.config import Config
from oin_gitops.rules import BY_ID, logo, logo_image
from oin_gitops.rules.base import Finding, Rule, SubmissionCheck
from oin_gitops.sources import Kind, MemorySource
from oin_gitops.submission import Submission, list_entries
from tests.conftest import Found, ScratchRepo
from tests.fixtures.logos import make_logos


@pytest.fixture(autouse=True)
def _fresh_logo_memo():
    """Each test examines its images afresh (the rules remember contents within a run)."""
    logo_image.forget()
    yield
    logo_image.forget()


LOGOS = Path(__file__).resolve().parent.parent / "fixtures" / "logos"
FOLDER = "submissions/acme-notes"
SIZES = "200x200, 244x244, 244x156 or 156x244"


def fixture(name: str) -> bytes:
    return (LOGOS / name).read_bytes()


def encode(image: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def png_header(width: int, height: int, *, crc: bool = True) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` pixels, with almost no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    checksum = zlib.crc32(b"IHDR" + header) if crc else 0
    return (
        b"\x89PNG\r\n\x1a\n"
        + make_logos.chunk(b"IHDR", header)[:-4]
        + struct.pack(">I", checksum)
        + make_logos.chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + make_logos.chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG whose start-of-frame marker claims ``width`` x ``height`` pixels."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    frame = segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0]))
    return b"\xff\xd8" + frame + segment(0xDA, bytes([1, 1, 0, 0, 63, 0])) + b"\xff\xd9"


def gif_header(width: int, height: int) -> bytes:
    """A GIF whose logical screen claims ``width`` x ``height`` pixels."""
    screen = struct.pack("<HHBBB", width, height, 0, 0, 0)
    return b"GIF89a" + screen + b",\0\0\0\0\1\0\1\0\0\2\2D\1\0;"


def rgba(size: tuple[int, int] = (200, 200), alpha: int = 0) -> Image.Image:
    image = Image.new("RGBA", size, (255, 255, 255, alpha))
    image.paste((20, 90, 200, 255), (40, 40, size[0] - 40, size[1] - 40))
    return image


def mpo() -> bytes:
    """A multi-picture JPEG (two views), which Pillow names MPO."""
    views = [rgba().convert("RGB"), rgba().convert("RGB").rotate(90)]
    return encode(views[0], "MPO", save_all=True, append_images=views[1:])


def dds_with_unknown_pixel_format() -> bytes:
    """A DDS whose pixel format flags (offset 80) Pillow's reader refuses with
    NotImplementedError, an exception Image.open does not document."""
    data = bytearray(encode(rgba((32, 32)), "DDS"))
    data[80:84] = b"\0\0\0\0"
    return bytes(data)


def submission(files: dict[str, bytes | Kind]) -> Submission:
    source = MemorySource({f"{FOLDER}/{name}": data for name, data in files.items()})
    return Submission("acme-notes", source, Config(), entries=list_entries(source, FOLDER))


def findings(rule: Rule, subject: Submission) -> list[Finding]:
    check = cast(SubmissionCheck, rule.check)
    return list(check(subject))


def check(rule_id: str, files: dict[str, bytes | Kind]) -> list[Found]:
    found = findings(BY_ID[rule_id], submission(files))
    return [(f.path, f.line, f.column, f.message) for f in found]


def at(name: str, *messages: str) -> list[Found]:
    return [(f"{FOLDER}/{name}", None, None, message) for message in messages]


Row = tuple[str, str, bytes, list[Found]]  # case id, logo file name, its bytes, findings


def table(rows: list[Row]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        ("name", "data", "expected"), [pytest.param(*r[1:], id=r[0]) for r in rows]
    )


SIZE: list[Row] = [
    ("999999-bytes", "logo.png", make_logos.padded(999_999), []),
    (
        "1000000-bytes",
        "logo.png",
        make_logos.padded(1_000_000),
        at("logo.png", "the logo is 1,000,000 bytes; it must be smaller than 1,000,000 bytes"),
    ),
    (
        "1500000-bytes-not-an-image",
        "logo.gif",
        b"x" * 1_500_000,
        at("logo.gif", "the logo is 1,500,000 bytes; it must be smaller than 1,000,000 bytes"),
    ),
    ("small", "logo.png", fixture("transparent-200x200.png"), []),
]


@table(SIZE)
def test_logo_size(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-size", {name: data}) == expected


def not_a_png(what: str) -> str:
    return f"'logo.png' holds {what}, not a PNG; export the logo as a PNG and save it as logo.png"


FORMAT: list[Row] = [
    ("png", "logo.png", fixture("transparent-200x200.png"), []),
    ("jpg", "logo.jpg", fixture("rgb-200x200.jpg"), []),
    ("jpeg", "logo.jpeg", fixture("rgb-200x200.jpg"), []),
    ("gif", "logo.gif", fixture("animated-200x200.gif"), []),
    (
        "webp-named-png",
        "logo.png",
        fixture("webp-renamed.png"),
        at("logo.png", not_a_png("a WebP image")),
    ),
    (
        "svg-named-png",
        "logo.png",
        fixture("svg-renamed.png"),
        at("logo.png", not_a_png("an SVG image")),
    ),
    (
        "svg-with-xml-declaration",
        "logo.png",
        b'<?xml version="1.0"?>\n' + fixture("svg-renamed.png"),
        at("logo.png", not_a_png("an SVG image")),
    ),
    (
        "bmp",
        "logo.png",
        encode(rgba().convert("RGB"), "BMP"),
        at("logo.png", not_a_png("a BMP image")),
    ),
    (
        "text",
        "logo.gif",
        b"GIF, but only the word\n",
        at(
            "logo.gif",
            "'logo.gif' holds text, not a GIF; export the logo as a GIF and save it as "
            "logo.gif, or as a PNG (preferred) named logo.png with 'app.logo' set to match",
        ),
    ),
    ("empty", "logo.png", b"", at("logo.png", not_a_png("nothing (the file is empty)"))),
    (
        "binary",
        "logo.png",
        bytes(range(7, 200)),
        at("logo.png", not_a_png("data of an unknown format")),
    ),
    (
        "jpeg-named-png",
        "logo.png",
        fixture("jpeg-renamed.png"),
        at(
            "logo.png",
            "logo.png is a JPEG image, not a PNG; save it as a PNG, or rename it to logo.jpg "
            "and set 'app.logo' to match",
        ),
    ),
    (
        "png-named-jpg",
        "logo.jpg",
        fixture("transparent-200x200.png"),
        at(
            "logo.jpg",
            "logo.jpg is a PNG image, not a JPEG; save it as a JPEG, or rename it to logo.png "
            "and set 'app.logo' to match",
        ),
    ),
    (
        "gif-named-jpeg",
        "logo.jpeg",
        fixture("transparent-200x200.gif"),
        at(
            "logo.jpeg",
            "logo.jpeg is a GIF image, not a JPEG; save it as a JPEG, or rename it to logo.gif "
            "and set 'app.logo' to match",
        ),
    ),
    (
        "bomb-gif-named-png",
        "logo.png",
        gif_header(65535, 65535),
        at(
            "logo.png",
            "logo.png is a GIF image, not a PNG; save it as a PNG, or rename it to logo.gif "
            "and set 'app.logo' to match",
        ),
    ),
    ("too-large-is-not-read", "logo.png", b"RIFF" + b"\0" * 1_000_000, []),
    ("multi-picture-jpeg-is-a-jpeg", "logo.jpg", mpo(), []),
    (
        "a-format-pillow-fails-to-name",
        "logo.png",
        dds_with_unknown_pixel_format(),
        at("logo.png", not_a_png("data of an unknown format")),
    ),
]


@table(FORMAT)
def test_logo_format(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-format", {name: data}) == expected


def truncated(image: Image.Image, format: str, keep: float = 0.5) -> bytes:
    data = encode(image, format)
    return data[: int(len(data) * keep)]


CORRUPT = "the logo is truncated or corrupt: "
CORRUPT_ROWS: list[Row] = [
    ("complete", "logo.png", fixture("transparent-200x200.png"), []),
    ("interlaced", "logo.png", fixture("interlaced-200x200.png"), []),
    (
        "truncated-png",
        "logo.png",
        fixture("truncated-200x200.png"),
        at("logo.png", CORRUPT + "image file is truncated"),
    ),
    (
        "truncated-jpeg",
        "logo.jpg",
        truncated(rgba().convert("RGB"), "JPEG"),
        at("logo.jpg", CORRUPT + "image file is truncated (2 bytes not processed)"),
    ),
    (
        "truncated-gif",
        "logo.gif",
        truncated(rgba(), "GIF", keep=0.9),
        at("logo.gif", CORRUPT + "image file is truncated (56 bytes not processed)"),
    ),
    (
        "bad-header-checksum",
        "logo.png",
        png_header(200, 200, crc=False),
        at("logo.png", CORRUPT + "its PNG header cannot be read"),
    ),
    (
        "cut-inside-the-header",
        "logo.png",
        fixture("transparent-200x200.png")[:20],
        at("logo.png", CORRUPT + "Truncated File Read"),
    ),
    (
        "only-the-magic-number",
        "logo.gif",
        b"GIF89a",
        at("logo.gif", CORRUPT + "its GIF header cannot be read"),
    ),
    # A wrong-sized image is never decoded, so its broken pixels go unnoticed until resized.
    ("truncated-but-wrong-size", "logo.png", truncated(rgba((300, 300)), "PNG"), []),
]


@table(CORRUPT_ROWS)
def test_logo_corrupt(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-corrupt", {name: data}) == expected


def wrong(size: str) -> str:
    return f"the logo is {size} pixels; it must be exactly {SIZES} pixels"


BOMB = (
    "the logo's header declares an image so large that it was refused unread as a possible "
    f"decompression bomb; it must be exactly {SIZES} pixels"
)
DIMENSIONS: list[Row] = [
    ("200x200", "logo.png", fixture("transparent-200x200.png"), []),
    ("244x244", "logo.png", fixture("transparent-244x244.png"), []),
    ("244x156", "logo.png", fixture("transparent-244x156.png"), []),
    ("156x244", "logo.png", fixture("transparent-156x244.png"), []),
    ("300x300", "logo.png", fixture("wrong-size-300x300.png"), at("logo.png", wrong("300x300"))),
    ("200x201", "logo.png", encode(rgba((200, 201))), at("logo.png", wrong("200x201"))),
    ("156x156", "logo.gif", encode(rgba((156, 156)), "GIF"), at("logo.gif", wrong("156x156"))),
    (
        "jpeg-1x1",
        "logo.jpg",
        encode(Image.new("RGB", (1, 1)), "JPEG"),
        at("logo.jpg", wrong("1x1")),
    ),
    ("header-5000x5000", "logo.png", png_header(5000, 5000), at("logo.png", wrong("5000x5000"))),
    ("bomb-png", "logo.png", fixture("bomb-100000x100000.png"), at("logo.png", BOMB)),
    # Between Pillow's warning and error limits: the warning is refused the same way.
    ("bomb-png-warning-limit", "logo.png", png_header(10000, 10000), at("logo.png", BOMB)),
    ("bomb-jpeg", "logo.jpg", jpeg_header(65000, 65000), at("logo.jpg", BOMB)),
    ("bomb-gif", "logo.gif", gif_header(65535, 65535), at("logo.gif", BOMB)),
    ("not-an-image", "logo.png", fixture("svg-renamed.png"), []),
]


@table(DIMENSIONS)
def test_logo_dimensions(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-dimensions", {name: data}) == expected


PNG_PREFERRED: list[Row] = [
    ("png", "logo.png", fixture("transparent-200x200.png"), []),
    (
        "gif",
        "logo.gif",
        fixture("transparent-200x200.gif"),
        at("logo.gif", "the logo is a GIF image; PNG is preferred"),
    ),
    (
        "jpg",
        "logo.jpg",
        fixture("rgb-200x200.jpg"),
        at("logo.jpg", "the logo is a JPEG image; PNG is preferred"),
    ),
    # The real format counts, not the name.
    (
        "jpeg-named-png",
        "logo.png",
        fixture("jpeg-renamed.png"),
        at("logo.png", "the logo is a JPEG image; PNG is preferred"),
    ),
    ("webp", "logo.png", fixture("webp-renamed.png"), []),
]


@table(PNG_PREFERRED)
def test_logo_png_preferred(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-png-preferred", {name: data}) == expected


OPAQUE = "the logo has no alpha channel or transparent colour, so its background is opaque"
NO_CLEAR_PIXEL = "the logo has an alpha channel but no fully transparent pixel"


def with_transparency(image: Image.Image, colour: object, format: str = "PNG") -> bytes:
    return encode(image, format, transparency=colour)


TRANSPARENCY: list[Row] = [
    ("rgba-transparent-corners", "logo.png", fixture("transparent-200x200.png"), []),
    ("palette-with-transparent-index", "logo.png", fixture("palette-transparent-200x200.png"), []),
    ("gif-with-transparent-index", "logo.gif", fixture("transparent-200x200.gif"), []),
    ("la", "logo.png", encode(rgba().convert("LA")), []),
    (
        "rgb-with-trns-colour-used",
        "logo.png",
        with_transparency(rgba().convert("RGB"), (255, 255, 255)),
        [],
    ),
    ("16-bit-rgba", "logo.png", fixture("16-bit-200x200.png"), []),
    ("opaque-rgb", "logo.png", fixture("opaque-200x200.png"), at("logo.png", OPAQUE)),
    ("opaque-grey", "logo.png", encode(rgba().convert("L")), at("logo.png", OPAQUE)),
    ("opaque-gif", "logo.gif", encode(rgba().convert("RGB"), "GIF"), at("logo.gif", OPAQUE)),
    ("rgba-all-opaque", "logo.png", encode(rgba(alpha=255)), at("logo.png", NO_CLEAR_PIXEL)),
    ("rgba-half-transparent", "logo.png", encode(rgba(alpha=128)), at("logo.png", NO_CLEAR_PIXEL)),
    (
        "rgb-with-trns-colour-unused",
        "logo.png",
        with_transparency(rgba().convert("RGB"), (1, 2, 3)),
        at("logo.png", NO_CLEAR_PIXEL),
    ),
    (
        "jpeg",
        "logo.jpg",
        fixture("rgb-200x200.jpg"),
        at("logo.jpg", "the logo is a JPEG image, which cannot have a transparent background"),
    ),
    # Pixels are decoded only for a readable logo of an allowed size.
    ("opaque-wrong-size", "logo.png", encode(rgba((300, 300)).convert("RGB")), []),
    ("truncated", "logo.png", fixture("truncated-200x200.png"), []),
    ("bomb", "logo.png", fixture("bomb-100000x100000.png"), []),
]


@table(TRANSPARENCY)
def test_logo_transparency(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-transparency", {name: data}) == expected


ANIMATED = (
    "the logo is animated; the catalog publishes the file unchanged, so it animates on the "
    "catalog's pages"
)
ANIMATED_ROWS: list[Row] = [
    ("still-png", "logo.png", fixture("transparent-200x200.png"), []),
    ("still-gif", "logo.gif", fixture("transparent-200x200.gif"), []),
    ("animated-gif", "logo.gif", fixture("animated-200x200.gif"), at("logo.gif", ANIMATED)),
    ("animated-png", "logo.png", fixture("animated-200x200.png"), at("logo.png", ANIMATED)),
    ("multi-picture-jpeg-is-not-animated", "logo.jpg", mpo(), []),
    (
        "animated-but-wrong-size-is-not-examined",
        "logo.gif",
        encode(rgba((300, 300)), "GIF", save_all=True, append_images=[rgba((300, 300), 255)]),
        [],
    ),
]


@table(ANIMATED_ROWS)
def test_logo_animated(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-animated", {name: data}) == expected


DEEP = "the logo is a 16-bit PNG; convert it to 8-bit sRGB"
COLOR_MODE: list[Row] = [
    ("8-bit-rgba", "logo.png", fixture("transparent-200x200.png"), []),
    ("8-bit-palette", "logo.png", fixture("palette-transparent-200x200.png"), []),
    ("rgb-jpeg", "logo.jpg", fixture("rgb-200x200.jpg"), []),
    ("interlaced", "logo.png", fixture("interlaced-200x200.png"), []),
    ("16-bit-rgba", "logo.png", fixture("16-bit-200x200.png"), at("logo.png", DEEP)),
    ("16-bit-grey", "logo.png", encode(Image.new("I;16", (200, 200), 300)), at("logo.png", DEEP)),
    # The bit depth is in the header, so a wrong-sized 16-bit PNG is told too.
    (
        "16-bit-grey-wrong-size",
        "logo.png",
        encode(Image.new("I;16", (300, 300))),
        at("logo.png", DEEP),
    ),
    (
        "cmyk-jpeg",
        "logo.jpg",
        fixture("cmyk-200x200.jpg"),
        at("logo.jpg", "the logo is a CMYK JPEG; convert it to 8-bit sRGB"),
    ),
]


@table(COLOR_MODE)
def test_logo_color_mode(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-color-mode", {name: data}) == expected


def oblong(size: str) -> str:
    return f"the logo is {size} pixels; a square logo (200x200 or 244x244) is preferred"


SQUARE: list[Row] = [
    ("200x200", "logo.png", fixture("transparent-200x200.png"), []),
    ("244x244", "logo.png", fixture("transparent-244x244.png"), []),
    ("244x156", "logo.png", fixture("transparent-244x156.png"), at("logo.png", oblong("244x156"))),
    ("156x244", "logo.png", fixture("transparent-156x244.png"), at("logo.png", oblong("156x244"))),
    ("300x300-is-for-logo-dimensions", "logo.png", fixture("wrong-size-300x300.png"), []),
    ("300x200-is-for-logo-dimensions", "logo.png", encode(rgba((300, 200))), []),
]


@table(SQUARE)
def test_logo_square(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-square", {name: data}) == expected


# --- what every logo rule shares ------------------------------------------------------------

BROKEN = fixture("truncated-200x200.png")
SILENT: list[tuple[str, dict[str, bytes | Kind]]] = [
    ("no-logo", {"submission.yaml": b"app: {}\n"}),
    ("two-logos", {"logo.png": BROKEN, "logo.gif": BROKEN}),
    ("logo-is-a-symlink", {"logo.png": Kind.SYMLINK}),
    ("logo-is-a-special-file", {"logo.png": Kind.OTHER}),
    ("logo-is-a-folder", {"logo.png/inner.png": BROKEN}),
    ("other-name", {"Logo.PNG": BROKEN, "logo.webp": BROKEN}),
]


@pytest.mark.parametrize(("files"), [s[1] for s in SILENT], ids=[s[0] for s in SILENT])
@pytest.mark.parametrize("rule", logo.RULES, ids=lambda r: r.id)
def test_rules_say_nothing_without_exactly_one_regular_logo(
    rule: Rule, files: dict[str, bytes | Kind]
) -> None:
    assert check(rule.id, files) == []


class CountingSource(MemorySource):
    """Counts reads, and refuses to read files at or over the logo size limit."""

    def __init__(self, files: dict[str, bytes | Kind]) -> None:
        super().__init__(files)
        self.reads = 0

    def read(self, path: str) -> bytes:
        self.reads += 1
        assert self.size(path) < logo.MAX_BYTES, "an oversized logo was read"
        return super().read(path)


def run_all(source: MemorySource) -> list[str]:
    subject = Submission("acme-notes", source, Config(), entries=list_entries(source, FOLDER))
    return [r.id for r in logo.RULES for _ in findings(r, subject)]


def test_an_oversized_logo_is_never_read() -> None:
    source = CountingSource({f"{FOLDER}/logo.png": make_logos.padded(2_000_000)})
    assert run_all(source) == ["logo-size"]
    assert source.reads == 0


def test_the_logo_is_read_and_opened_once_for_all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    real_open = Image.open

    def counting_open(*args: object, **kwargs: object) -> object:
        opened.append(args)
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "open", counting_open)
    source = CountingSource({f"{FOLDER}/logo.jpg": fixture("cmyk-200x200.jpg")})
    found = run_all(source)
    assert found == ["logo-png-preferred", "logo-transparency", "logo-color-mode"]
    assert (source.reads, len(opened)) == (1, 1)


def test_the_cache_does_not_mix_up_submissions() -> None:
    first = run_all(MemorySource({f"{FOLDER}/logo.png": fixture("opaque-200x200.png")}))
    second = run_all(MemorySource({f"{FOLDER}/logo.png": fixture("transparent-244x156.png")}))
    assert (first, second) == (["logo-transparency"], ["logo-square"])


@pytest.mark.parametrize(
    "data",
    [fixture("bomb-100000x100000.png"), png_header(10000, 10000), png_header(5000, 5000)],
    ids=["error-limit", "warning-limit", "under-the-limits"],
)
def test_huge_headers_are_refused_fast_without_decoding_or_leaking_state(
    monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    limit, filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        assert run_all(MemorySource({f"{FOLDER}/logo.png": data})) == ["logo-dimensions"]
        assert time.perf_counter() - start < 0.5
    assert caught == []
    assert (Image.MAX_IMAGE_PIXELS, warnings.filters) == (limit, filters)


@pytest.mark.parametrize(
    "error",
    [
        OSError("broken data stream"),
        SyntaxError("bad chunk"),
        ValueError("bad value"),
        EOFError("no more data"),
        struct.error("unpack requires a buffer"),
        IndexError("out of range"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_any_decoding_error_is_a_finding(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def failing_load(self: ImageFile.ImageFile) -> None:
        raise error

    monkeypatch.setattr(ImageFile.ImageFile, "load", failing_load)
    files: dict[str, bytes | Kind] = {"logo.png": fixture("transparent-200x200.png")}
    assert check("logo-corrupt", files) == at("logo.png", CORRUPT + str(error))


@pytest.mark.parametrize(
    "error",
    [ValueError("Truncated IHDR chunk"), TypeError("bad type"), struct.error("unpack"), EOFError()],
    ids=lambda e: type(e).__name__,
)
def test_any_header_error_is_a_finding(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def failing_open(*args: object, **kwargs: object) -> Image.Image:
        raise error

    monkeypatch.setattr(Image, "open", failing_open)
    files: dict[str, bytes | Kind] = {"logo.png": fixture("transparent-200x200.png")}
    assert check("logo-corrupt", files) == at("logo.png", CORRUPT + (str(error) or "EOFError"))


class UnreadableSource(MemorySource):
    def read(self, path: str) -> bytes:
        raise PermissionError(13, "Permission denied")


def test_an_unreadable_logo_is_a_finding() -> None:
    source = UnreadableSource({f"{FOLDER}/logo.png": fixture("transparent-200x200.png")})
    subject = Submission("acme-notes", source, Config(), entries=list_entries(source, FOLDER))
    found = [(r.id, f.message) for r in logo.RULES for f in findings(r, subject)]
    assert found == [("logo-corrupt", "the logo cannot be read: Permission denied")]


def test_rules_run_in_the_engine_with_their_severities(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes")
    repo.write("submissions/acme-notes/logo.png", fixture("jpeg-renamed.png"))
    diagnostics = [d for d in repo.lint().diagnostics if d.rule.startswith("logo-")]
    assert [(d.rule, d.severity.value) for d in diagnostics] == [
        ("logo-format", "error"),
        ("logo-png-preferred", "warning"),
        ("logo-transparency", "warning"),
    ]
    assert {(d.path, d.line, d.column) for d in diagnostics} == {(f"{FOLDER}/logo.png", None, None)}
    assert diagnostics[0].message.startswith("logo.png is a JPEG image")


def test_every_logo_rule_documents_a_passing_and_a_failing_example() -> None:
    for rule in logo.RULES:
        assert "Passes:" in rule.doc and "Fails:" in rule.doc, rule.id
        assert rule.guideline and rule.guideline.startswith("LOGO-"), rule.id


def test_the_fixture_script_is_deterministic(tmp_path: Path) -> None:
    first, second = make_logos.build(), make_logos.build()
    assert first == second
    committed = {p.name for p in LOGOS.iterdir() if p.suffix != ".py" and p.is_file()}
    assert committed == set(first)
    make_logos.write(tmp_path, cases=None)
    assert {p.name for p in tmp_path.iterdir()} == set(first)


def test_the_committed_logos_are_the_script_output() -> None:
    """Fails after a change to make_logos.py (or to Pillow's encoders): run the script again."""
    built = make_logos.build()
    for name, data in built.items():
        assert (LOGOS / name).read_bytes() == data, name
    for relative, source in make_logos.CASE_FILES.items():
        expected = built[source] if isinstance(source, str) else source()
        assert (make_logos.CASES / relative).read_bytes() == expected, relative
