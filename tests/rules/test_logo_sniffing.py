"""A logo in another format is named from its magic number; only PNG, JPEG and GIF reach Pillow.

Real images written by Pillow where it can write the format (WebP, BMP, TIFF, ICO, PDF, AVIF,
JPEG 2000 ...), crafted headers where it cannot (HEIC, PSD, JPEG XL), SVG and HTML as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image, features

from oin_gitops.rules import logo, logo_image
from oin_gitops.rules.structure import SVG_HELP
from oin_gitops.sources import Kind
from tests.fixtures.logos import make_logos
from tests.rules.test_logo import FOLDER, check, findings, submission


@pytest.fixture(autouse=True)
def _fresh_logo_memo():
    logo_image.forget()
    yield
    logo_image.forget()


def image(
    format: str, mode: str = "RGBA", size: tuple[int, int] = (200, 200), **options: Any
) -> bytes:
    buffer = io.BytesIO()
    make_logos.mark(size, mode).save(buffer, format, **options)
    return buffer.getvalue()


def big_endian_tiff() -> bytes:
    """Pillow writes little-endian TIFF; a Motorola-order header is built by hand."""
    return b"MM\0*" + (8).to_bytes(4, "big") + b"\0" * 64


def iso_media(brand: bytes) -> bytes:
    return (24).to_bytes(4, "big") + b"ftyp" + brand + b"\0\0\0\0mif1miaf" + b"\0" * 64


def avif() -> bytes:
    return image("AVIF") if features.check("avif") else iso_media(b"avif")


SVG = make_logos.svg()
SAMPLES: list[tuple[str, bytes, str]] = [
    ("webp-lossless", image("WEBP", lossless=True), "a WebP image"),
    ("webp-lossy", image("WEBP", "RGB", quality=50), "a WebP image"),
    ("bmp", image("BMP", "RGB"), "a BMP image"),
    ("tiff-little-endian", image("TIFF"), "a TIFF image"),
    ("tiff-big-endian", big_endian_tiff(), "a TIFF image"),
    ("ico", image("ICO", size=(64, 64)), "an ICO icon"),
    ("pdf", image("PDF", "RGB"), "a PDF document"),
    ("eps", image("EPS", "RGB", size=(16, 16)), "a PostScript (EPS) file"),
    ("jpeg-2000", image("JPEG2000", "RGB"), "a JPEG 2000 image"),
    ("jpeg-2000-codestream", image("JPEG2000", "RGB", no_jp2=True), "a JPEG 2000 image"),
    ("qoi", image("QOI"), "a QOI image"),
    ("avif", avif(), "an AVIF image"),
    ("heic", iso_media(b"heic"), "a HEIC image"),
    ("heif", iso_media(b"mif1"), "a HEIF image"),
    ("mp4", iso_media(b"isom"), "an ISO media file (such as an MP4 video)"),
    ("jpeg-xl", b"\xff\x0a" + b"\0" * 32, "a JPEG XL image"),
    ("psd", b"8BPS\0\1" + b"\0" * 64, "a Photoshop (PSD) file"),
    ("svg", SVG, "an SVG image"),
    ("svg-with-bom-and-doctype", b"\xef\xbb\xbf <!DOCTYPE svg>\n" + SVG, "an SVG image"),
    ("svg-after-a-comment", b"<!-- exported -->\n" + SVG, "an SVG image"),
    ("svg-upper-case", SVG.replace(b"<svg", b"<SVG"), "an SVG image"),
    ("html", b"<!DOCTYPE html>\n<html><body>Not found</body></html>", "an HTML page"),
    ("html-with-inline-svg", b"<html><body><svg/></body></html>", "an HTML page"),
    ("xml", b'<?xml version="1.0"?>\n<logo/>', "an XML file"),
    ("bm-text-is-not-a-bmp", b"BM is my initials\n", "text"),
]


@pytest.mark.parametrize(("data", "what"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_another_format_is_named_from_its_bytes(data: bytes, what: str) -> None:
    assert check("logo-format", {"logo.png": data}) == [
        (
            f"{FOLDER}/logo.png",
            None,
            None,
            f"'logo.png' holds {what}, not a PNG; export the logo as a PNG and save it as logo.png",
        )
    ]


def test_under_another_name_a_png_is_offered_too() -> None:
    assert check("logo-format", {"logo.jpg": image("WEBP")}) == [
        (
            f"{FOLDER}/logo.jpg",
            None,
            None,
            "'logo.jpg' holds a WebP image, not a JPEG; export the logo as a JPEG and save it "
            "as logo.jpg, or as a PNG (preferred) named logo.png with 'app.logo' set to match",
        )
    ]


@pytest.mark.parametrize("data", [SVG, b'<?xml version="1.0"?>\n' + SVG], ids=["svg", "xml"])
def test_an_svg_logo_is_told_to_export_a_png_of_an_allowed_size(data: bytes) -> None:
    (finding,) = findings(logo.logo_format, submission({"logo.png": data}))
    assert finding.help == SVG_HELP
    assert "200x200, 244x244, 244x156 or 156x244" in SVG_HELP


def test_other_formats_keep_the_rule_help() -> None:
    (finding,) = findings(logo.logo_format, submission({"logo.png": image("WEBP")}))
    assert finding.help is None


# --- what reaches Pillow -----------------------------------------------------------------

READABLE_SAMPLES: list[tuple[str, str, bytes]] = [
    ("png", "logo.png", (make_logos.HERE / "transparent-200x200.png").read_bytes()),
    ("jpeg", "logo.jpg", (make_logos.HERE / "rgb-200x200.jpg").read_bytes()),
    ("gif", "logo.gif", (make_logos.HERE / "animated-200x200.gif").read_bytes()),
    ("jpeg-named-png", "logo.png", (make_logos.HERE / "jpeg-renamed.png").read_bytes()),
    ("truncated-png", "logo.png", (make_logos.HERE / "truncated-200x200.png").read_bytes()),
]


def run_every_rule(name: str, data: bytes) -> list[str]:
    subject = submission({name: data})
    return [rule.id for rule in logo.RULES for _ in findings(rule, subject)]


def recording_open(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Replace Image.open with one that records the ``formats`` it was given."""
    calls: list[object] = []
    real_open: Callable[..., Any] = Image.open

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("formats"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", spy)
    return calls


@pytest.mark.parametrize(("data", "what"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_other_formats_never_reach_pillow(
    monkeypatch: pytest.MonkeyPatch, data: bytes, what: str
) -> None:
    calls = recording_open(monkeypatch)
    assert run_every_rule("logo.png", data) == ["logo-format"]
    assert calls == []


@pytest.mark.parametrize(
    ("name", "data"), [s[1:] for s in READABLE_SAMPLES], ids=[s[0] for s in READABLE_SAMPLES]
)
def test_pillow_is_given_the_one_plugin_the_magic_number_names(
    monkeypatch: pytest.MonkeyPatch, name: str, data: bytes
) -> None:
    calls = recording_open(monkeypatch)
    run_every_rule(name, data)
    assert len(calls) == 1
    (formats,) = calls
    assert isinstance(formats, tuple) and len(formats) == 1
    assert formats[0] in logo_image.READABLE


def test_no_other_plugin_runs_even_if_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plugin but PNG, JPEG and GIF refuses to open: the findings do not change."""
    Image.init()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a plugin other than PNG, JPEG or GIF was asked to open the logo")

    for format, (_factory, accept) in list(Image.OPEN.items()):
        if format not in logo_image.READABLE:
            monkeypatch.setitem(Image.OPEN, format, (refuse, accept))
    for _, data, _ in SAMPLES:
        logo_image.forget()
        assert run_every_rule("logo.png", data) == ["logo-format"]
    for _, name, data in READABLE_SAMPLES:
        logo_image.forget()
        run_every_rule(name, data)


def test_bomb_limits_still_apply_to_the_one_plugin() -> None:
    header = (make_logos.HERE / "bomb-100000x100000.png").read_bytes()
    assert run_every_rule("logo.png", header) == ["logo-dimensions"]


def test_a_logo_that_is_not_a_file_is_not_sniffed() -> None:
    assert check("logo-format", {"logo.png": Kind.SYMLINK}) == []
