"""The LOGO-08 heuristics: one table per rule, on in-memory submissions holding real images."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from oin_gitops.rules import logo_design, logo_image
from oin_gitops.rules.base import Rule
from oin_gitops.sources import Kind
from tests.conftest import Found
from tests.fixtures.logos import make_logos
from tests.rules.test_logo import SILENT, Row, at, check, encode, fixture, table

BLUE = make_logos.BLUE
REVIEWED = "(a reviewer judges the design itself)"


@pytest.fixture(autouse=True)
def _fresh_logo_memo():
    logo_image.forget()
    yield
    logo_image.forget()


def box(size: tuple[int, int], corners: tuple[int, int, int, int], radius: int = 0) -> bytes:
    """A PNG with a blue box (rounded to ``radius``) on a transparent background."""
    return make_logos.drawn(size, lambda d: d.rounded_rectangle(corners, radius, BLUE))


def with_shadow() -> bytes:
    """A small disc over a faint (alpha 100) shadow that covers most of the logo."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 189, 189), (0, 0, 0, 100))
    draw.ellipse((60, 60, 139, 139), BLUE)
    return encode(image)


def small(height: int, width: int) -> str:
    return (
        f"the drawing fills {height}% of the logo's height and {width}% of its width; enlarge "
        f"it until it fills at least two thirds of the height or the width {REVIEWED}"
    )


def banner(height: int, advice: str = "") -> str:
    advice = advice or "trim that space, or use a compact icon rather than a wide wordmark"
    return (
        f"the drawing fills {height}% of the logo's height, leaving more than half of it empty "
        f"above and below; {advice} {REVIEWED}"
    )


SQUARE_FITS = "a square canvas (200x200 or 244x244) fits a drawing this wide"


WHITESPACE: list[Row] = [
    ("disc-two-thirds", "logo.png", fixture("transparent-200x200.png"), []),
    ("wide-icon", "logo.png", fixture("wide-icon-244x244.png"), []),
    ("portrait", "logo.png", fixture("transparent-156x244.png"), []),
    ("small-disc", "logo.png", fixture("small-disc-200x200.png"), at("logo.png", small(50, 50))),
    ("wordmark", "logo.png", fixture("wordmark-244x244.png"), at("logo.png", banner(24))),
    (
        "wide-on-portrait",
        "logo.png",
        make_logos.drawn((156, 244), lambda d: d.regular_polygon((78, 122, 59), 6, fill=BLUE)),
        at("logo.png", banner(42, SQUARE_FITS)),
    ),
    # Two thirds exactly is enough; one pixel less is not (whole-number arithmetic).
    ("two-thirds-exactly", "logo.png", box((244, 156), (60, 26, 179, 129)), []),
    (
        "one-pixel-short",
        "logo.png",
        box((244, 156), (60, 26, 179, 128)),
        at("logo.png", small(66, 49)),
    ),
    ("faint-shadow-is-not-drawing", "logo.png", with_shadow(), at("logo.png", small(40, 40))),
    # Without a transparent background, or without decoded pixels, the reviewer judges.
    ("opaque", "logo.png", encode(Image.new("RGB", (200, 200), "white")), []),
    ("jpeg", "logo.jpg", fixture("rgb-200x200.jpg"), []),
    ("wrong-size", "logo.png", box((300, 300), (140, 140, 160, 160)), []),
    ("nothing-drawn", "logo.png", encode(Image.new("RGBA", (200, 200))), []),
]


@table(WHITESPACE)
def test_logo_whitespace(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-whitespace", {name: data}) == expected


ROUNDED = (
    "the drawing looks like a tile with rounded corners: its sides are opaque and its four "
    f"corners transparent; the OIN asks for sharp corners {REVIEWED}"
)
ROUNDED_ROWS: list[Row] = [
    ("rounded-tile", "logo.png", fixture("rounded-tile-200x200.png"), at("logo.png", ROUNDED)),
    (
        "rounded-with-margin",
        "logo.png",
        box((200, 200), (25, 25, 175, 175), 33),
        at("logo.png", ROUNDED),
    ),
    (
        "rounded-landscape",
        "logo.png",
        box((244, 156), (0, 0, 243, 155), 24),
        at("logo.png", ROUNDED),
    ),
    ("sharp-tile", "logo.png", fixture("sharp-tile-200x200.png"), []),
    ("disc", "logo.png", fixture("transparent-200x200.png"), []),
    (
        "hexagon",
        "logo.png",
        make_logos.drawn((200, 200), lambda d: d.regular_polygon((100, 100, 75), 6, fill=BLUE)),
        [],
    ),
    ("corner-radius-4", "logo.png", box((200, 200), (0, 0, 199, 199), 4), []),
    ("too-small-to-judge", "logo.png", box((200, 200), (90, 90, 109, 109), 6), []),
    ("opaque", "logo.png", encode(Image.new("RGB", (200, 200), "white")), []),
]


@table(ROUNDED_ROWS)
def test_logo_rounded_corners(name: str, data: bytes, expected: list[Found]) -> None:
    assert check("logo-rounded-corners", {name: data}) == expected


@pytest.mark.parametrize(("files"), [s[1] for s in SILENT], ids=[s[0] for s in SILENT])
@pytest.mark.parametrize("rule", logo_design.RULES, ids=lambda r: r.id)
def test_rules_say_nothing_without_exactly_one_regular_logo(
    rule: Rule, files: dict[str, bytes | Kind]
) -> None:
    assert check(rule.id, files) == []


def test_every_rule_documents_examples_and_cites_logo_08() -> None:
    for rule in logo_design.RULES:
        assert "Passes:" in rule.doc and "Fails:" in rule.doc, rule.id
        assert (rule.guideline, rule.severity.value) == ("LOGO-08", "notice"), rule.id
