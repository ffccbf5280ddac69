"""The theme's ``style.yaml``: the one typeface and palette of a brief. The stylesheet gets
them as ``@font-face`` rules and CSS variables (``var(--accent)``, ``var(--font)``), and the
figures are drawn with them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from briefings import projectfiles
from briefings.document import Theme
from briefings.cssvalues import css_string
from briefings.errors import BriefingError
from briefings.schema import Strict, spelled
from briefings.yamlfile import dotted, read_yaml

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
# A typeface's name as fonts are named: letters, digits, spaces and a few marks. It is
# written into CSS, SVG and Word, so nothing that could end a value gets in.
FamilyName = Annotated[str, spelled(r"\w[\w .'-]{0,62}",
                                     "a font name has letters, digits, spaces and hyphens")]
# A colour's name becomes a CSS variable (var(--accent)) and is what figures name.
ColourName = Annotated[str, spelled(r"[a-z][a-z0-9-]*",
                                     "a colour's name has lowercase letters, digits and "
                                     "hyphens, e.g. 'accent'")]
# The colours the drawing code, the stylesheet and the Word styles use; a style may add
# more for figures to name.
NEEDED = ("ink", "accent", "subheading", "muted", "grey", "rule", "tint", "paper")


class Faces(Strict):
    """Font files in the theme's fonts/ folder."""
    regular: str
    italic: str
    semibold: str
    semibold_italic: str
    bold: str
    bold_italic: str


class Font(Strict):
    family: FamilyName
    faces: Faces


# Each face by its weight and style, as CSS and the drawing code name them.
FACES = {(400, False): "regular", (400, True): "italic", (600, False): "semibold",
         (600, True): "semibold_italic", (700, False): "bold", (700, True): "bold_italic"}


class Style(Strict):
    font: Font
    palette: dict[ColourName, Colour]
    fonts: Path = Path()              # the folder of the font files

    def face(self, weight: int, italic: bool) -> Path:
        return self.fonts / getattr(self.font.faces, FACES[weight, italic])

    def css(self, base: Path) -> str:
        """The faces as ``@font-face`` rules (their files named relative to ``base``, the
        folder the page's URLs are read against) and the palette and family as variables."""
        family = css_string(self.font.family)
        rules = []
        for weight, italic in FACES:
            url = Path(os.path.relpath(self.face(weight, italic), base)).as_posix()
            rules.append(f'@font-face {{ font-family: {family}; font-weight: {weight}; '
                         f'font-style: {"italic" if italic else "normal"}; '
                         f'src: url({css_string(url)}); }}')
        variables = [f"  --{name}: {colour};" for name, colour in self.palette.items()]
        return "\n".join([*rules, ":root {", *variables, f'  --font: {family};', "}", ""])


def load_style(theme: Theme) -> Style:
    """The edition's style.yaml (the theme's, or a brief's replacement of it); its fonts
    are in the first ``fonts/`` folder along the chain that has them."""
    path = theme.file("style.yaml")
    doc = read_yaml(path)
    # a palette name's error is shown as "palette", not the name again
    style = doc.validate(Style, name=lambda loc: "palette" if loc[-1:] == ["[key]"]
                         else dotted(loc))
    missing = [name for name in NEEDED if name not in style.palette]
    if missing:
        raise BriefingError(f"the palette needs the colours {', '.join(missing)}", path,
                            doc.line_of(["palette"]))
    fonts = theme.file(f"fonts/{style.font.faces.regular}").parent
    for name, file in style.font.faces:
        where = path, doc.line_of(["font", "faces", name]), f"font.faces.{name}"
        if not (fonts / file).is_file():
            raise BriefingError(f"font file {file} not found in {fonts}", *where)
        try:  # a font from elsewhere on the disk would be embedded in every DOCX
            projectfiles.resolve(fonts / file)
        except BriefingError as exc:
            raise BriefingError(f"{file}: {exc.message}", *where) from None
    return style.model_copy(update={"fonts": fonts})
