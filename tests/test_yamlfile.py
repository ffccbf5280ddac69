"""Any YAML file the project reads: plain data only, every refusal one line with its place,
never a traceback nor a hang."""


import pytest

from briefings.errors import BriefingError
from briefings.yamlfile import MAX_DEPTH, read_yaml
from tests.conftest import ROOT, briefings

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

# A few hundred bytes whose aliases, expanded, make 9**9 strings.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))

CASES = {
    "impossible day": ("x: 1\nas_of: 2026-02-30\n", 2,
                       "'2026-02-30' is not a real date (day is out of range for month)"),
    "impossible month": ("as_of: 2026-13-01\n", 1,
                         "'2026-13-01' is not a real date (month must be in 1..12)"),
    "BEL byte": ("x: 1\ny: a\x07b\n", 2,
                 "contains an invisible control character (U+0007); retype the text around it"),
    "NUL byte": ("x: a\x00b\n", 1,
                 "contains an invisible control character (U+0000); retype the text around it"),
    "U+FFFF": ("x: 1\n\ny: a\uffffb\n", 3, "contains a code point that is not a character "
               "(U+FFFF); retype the text around it"),
    "complex key": ("x: 1\n? [a, b]\n: 1\n", 2,
                    "a key must be a plain word, not a list or a block"),
    "deep nesting": ("x:\n  y: " + "[" * 5000 + "]" * 5000 + "\n", 2,
                     f"nested more than {MAX_DEPTH} levels deep"),
    "self-reference": ("x: 1\ny: &me [*me]\n", 2, "anchors and aliases (&name, *name) are not "
                       "allowed here: write the value out in full"),
    "alias bomb": (BOMB, 1, "anchors and aliases (&name, *name) are not allowed here: write "
                   "the value out in full"),
    "explicit tag": ("x: !!int abc\n", 1, "tags such as '!!int' are not allowed here: write "
                     "the value plainly (quote it to keep it as text)"),
}


@pytest.mark.parametrize("case", CASES)
def test_unplain_yaml_is_refused_with_its_line(tmp_path, case):
    text, line, problem = CASES[case]
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BriefingError) as excinfo:
        read_yaml(path)
    assert str(excinfo.value) == f"{path}:{line}: {problem}"


def test_the_bomb_is_small():
    assert len(BOMB) < 600


def test_plain_yaml_reads_as_before(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text("a: 2026-02-28\nb: [1, 2.5, {c: \"d & *e\"}]\n\"? x\": y\n", encoding="utf-8")
    data = read_yaml(path).data
    assert str(data["a"]) == "2026-02-28" and data["b"][2] == {"c": "d & *e"}
    assert data["? x"] == "y"


def test_every_yaml_file_of_the_project_is_plain():
    for path in [*ROOT.glob("facts/*.yaml"), *ROOT.glob("templates/**/*.yaml")]:
        read_yaml(path)


def check(project):
    return briefings(project, "check", "--no-warnings")


def errors(result):
    """The error lines: a finding on stdout, or a problem that stopped the check on stderr."""
    return [line for line in (result.stdout + result.stderr).splitlines()
            if line.startswith("error:")]


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each spoils one file of the fixture project: (file, text replaced, replacement, line,
# problem).
CLI_CASES = {
    "impossible date in a fact": (
        "facts/harbour.yaml", "as_of: 2026-03-02", "as_of: 2026-02-30", 11,
        "'2026-02-30' is not a real date"),
    "BEL byte in a fact": (
        "facts/harbour.yaml", "con 41 votos", "con 41\x07votos", 6,
        "invisible control character (U+0007)"),
    "complex key in a profile": (
        "templates/readers/press.yaml", "\ntone:", "\n? [a, b]\n: 1\ntone:",
        None, "a key must be a plain word"),
    "alias bomb in a fact": (
        "facts/harbour.yaml", "facts:\n", BOMB.replace("a: ", "x: ", 1) + "facts:\n", None,
        "anchors and aliases"),
    "deep nesting in a brief.yaml": (
        "templates/briefs/alpha/brief.yaml", "\n",
        "\nx: " + "[" * 3000 + "]" * 3000 + "\n", None, "nested more than"),
}


@pytest.mark.parametrize("case", CLI_CASES)
def test_check_reports_bad_yaml_in_one_line(tiny, case):
    file, old, new, line, problem = CLI_CASES[case]
    path = tiny.root / file
    replace(path, old, new)
    if line is None:  # where the spoiling text starts
        line = path.read_text(encoding="utf-8")[:path.read_text(encoding="utf-8").index(
            new.strip("\n")[:8])].count("\n") + 1
    result = check(tiny)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [error] = errors(result)
    assert error.startswith(f"error: {file}:{line}: ") and problem in error


# --- the page furniture: templates/theme/i18n/<lang>.yaml -----------------------------------

def test_a_label_missing_in_one_language_is_named(tiny):
    from briefings.i18n import LABELS, load_strings
    folder = tiny.theme / "i18n"
    replace(folder / "en.yaml", 'contents: "Contents"\n', "")
    assert load_strings(folder, "es", LABELS)["contents"]
    with pytest.raises(BriefingError) as excinfo:
        load_strings(folder, "en")
    assert str(excinfo.value) == (f"{folder / 'en.yaml'}: 'contents' is missing (es.yaml has "
                                  "it): add it in this language")


def test_a_label_the_brief_needs_is_named_even_if_no_language_has_it(tiny):
    from briefings.i18n import LABELS, load_strings
    folder = tiny.theme / "i18n"
    for path in folder.glob("*.yaml"):  # every language of the theme
        text = path.read_text(encoding="utf-8")
        path.write_text(
            "\n".join(line for line in text.splitlines() if not line.startswith("page_of:")),
            encoding="utf-8")
    assert "page_of" not in load_strings(folder, "es")
    with pytest.raises(BriefingError, match="'page_of' is missing \\(the brief needs it\\)"):
        load_strings(folder, "es", LABELS)


def test_check_reports_a_missing_label_in_one_line(tiny):
    replace(tiny.theme / "i18n/en.yaml", 'contents: "Contents"\n', "")
    result = check(tiny)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [error] = errors(result)
    assert error == ("error: templates/theme/i18n/en.yaml: 'contents' is missing (es.yaml has "
                     "it): add it in this language")
