"""Logo design heuristics (LOGO-08): empty space around the drawing and rounded corners.

The OIN asks for an icon with sharp corners and little white space, which a reviewer judges;
these rules only point at what the pixels suggest, as notices. They read the box of the
drawing's pixels (those at least half opaque) that ``logo_image.examine`` measures with the
other pixel checks, and only for a logo with a transparent background: on an opaque one the
background may be part of the design, and ``logo-transparency`` already asks for a transparent
one.
"""

from __future__ import annotations

from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.logo_image import examine
from oin_gitops.submission import Submission

REVIEWED = "a reviewer judges the design itself"


def _percent(part: int, whole: int) -> int:
    return 100 * part // whole


@submission_rule(
    id="logo-whitespace",
    summary="The logo's drawing is not lost in empty space.",
    severity=Severity.NOTICE,
    guideline="LOGO-08",
    help="Crop the empty space around the drawing, or choose the canvas that fits its shape "
    "(square is preferred), and scale the drawing up to fill it; for a wide wordmark, use a "
    "compact icon instead.",
)
def logo_whitespace(submission: Submission) -> Iterator[Finding]:
    """The OIN asks for little white space. The drawing is the box of the pixels at least half
    opaque. The OIN's own heuristic, a drawing under two thirds of the logo's height, would
    also flag ordinary wide icons (a hexagon spans 65% of the height, a shield between signal
    waves 57%), so a notice needs either a drawing under two thirds of the height and of the
    width (it could be drawn half as large again), or under half the height (a banner or a
    wordmark, or a wide drawing on the 156x244 canvas: more than half empty above and below).
    Logos without a transparent background are left to the reviewer.

    Passes: a disc spanning 135 of 200 pixels, or a shield 212 pixels wide and 140 high on
    244x244. Fails: a disc spanning 100 of 200 pixels ("the drawing fills 50% of the logo's
    height and 50% of its width"), or a wordmark 230 pixels wide and 60 high on 244x244.
    """
    logo = examine(submission)
    if logo is None or logo.drawing is None or logo.dimensions is None:
        return
    width, height = logo.dimensions
    left, top, right, bottom = logo.drawing
    across, down = right - left, bottom - top
    if 3 * down < 2 * height and 3 * across < 2 * width:
        yield Finding(
            logo.path,
            f"the drawing fills {_percent(down, height)}% of the logo's height and "
            f"{_percent(across, width)}% of its width; enlarge it until it fills at least two "
            f"thirds of the height or the width ({REVIEWED})",
        )
    elif 2 * down < height:
        advice = (
            "a square canvas (200x200 or 244x244) fits a drawing this wide"
            if height > width
            else "trim that space, or use a compact icon rather than a wide wordmark"
        )
        yield Finding(
            logo.path,
            f"the drawing fills {_percent(down, height)}% of the logo's height, leaving more "
            f"than half of it empty above and below; {advice} ({REVIEWED})",
        )


@submission_rule(
    id="logo-rounded-corners",
    summary="The logo's drawing has sharp corners, not the rounded corners of an app icon.",
    severity=Severity.NOTICE,
    guideline="LOGO-08",
    help="Give the drawing square corners, or drop its rounded background tile and keep the "
    "drawing on a transparent background, then export the logo again.",
)
def logo_rounded_corners(submission: Submission) -> Iterator[Finding]:
    """The OIN asks for sharp corners, not the rounded tile of an app icon. The test follows the
    OIN's heuristic, opaque edges with transparent corners, on the box of the drawing's pixels
    (those at least half opaque): each side opaque at a quarter, half and three quarters of its
    length, each corner and the pixel diagonally inside it transparent. A disc, a hexagon, a
    triangle or a square with sharp corners does not match. Logos without a transparent
    background are left to the reviewer.

    Passes: a disc, or a square with sharp corners, on a transparent background. Fails: a
    200x200 tile with corners rounded to a 30-pixel radius ("the drawing looks like a tile with
    rounded corners").
    """
    logo = examine(submission)
    if logo is not None and logo.rounded:
        yield Finding(
            logo.path,
            "the drawing looks like a tile with rounded corners: its sides are opaque and its "
            f"four corners transparent; the OIN asks for sharp corners ({REVIEWED})",
        )


RULES: tuple[Rule, ...] = (logo_whitespace, logo_rounded_corners)
