"""The theme's ``style.yaml``: the one typeface and palette that figures are drawn with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from briefings.document import Theme
from briefings.errors import BriefingError
from briefings.facts import Strict
from briefings.yamlfile import read_yaml

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
# The colours the drawing code itself uses; a style may add more for figures to name.
NEEDED = ("ink", "accent", "muted", "grey", "rule", "tint", "paper")


class Faces(Strict):
    """Font files in the theme's fonts/ folder."""
    regular: str
    italic: str
    semibold: str
    semibold_italic: str
    bold: str
    bold_italic: str


class Font(Strict):
    family: str
    faces: Faces


class Style(Strict):
    font: Font
    palette: dict[str, Colour]
    fonts: Path = Path()              # the folder of the font files

    def face(self, weight: int, italic: bool) -> Path:
        name = {400: "regular", 600: "semibold", 700: "bold"}[weight]
        if italic:
            name = "italic" if weight == 400 else f"{name}_italic"
        return self.fonts / getattr(self.font.faces, name)


def load_style(theme: Theme) -> Style:
    """The edition's style.yaml (the theme's, or a brief's replacement of it); its fonts
    are in the first ``fonts/`` folder along the chain that has them."""
    path = theme.file("style.yaml")
    doc = read_yaml(path)
    style = doc.validate(Style)
    missing = [name for name in NEEDED if name not in style.palette]
    if missing:
        raise BriefingError(f"the palette needs the colours {', '.join(missing)}", path,
                            doc.line_of(["palette"]))
    fonts = theme.file(f"fonts/{style.font.faces.regular}").parent
    return style.model_copy(update={"fonts": fonts})
