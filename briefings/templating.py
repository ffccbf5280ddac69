"""Running a user's Jinja template.

Templates are text anyone may send an analyst, so they run in a sandbox stricter than
Jinja's: attributes are read from an allow-list of plain data types (not "anything
public"), the context holds plain data and the project's own helper functions, and only
``*.j2`` files load. Any mistake in a template becomes one ``BriefingError`` naming the
template's file and line (Jinja rewrites tracebacks so that template frames carry both)."""

from __future__ import annotations

import datetime as dt
import os
import re
import traceback
from collections import OrderedDict
from pathlib import Path

import jinja2
import jinja2.bccache
from jinja2.defaults import DEFAULT_TESTS
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Namespace

from briefings import bounded, glyphs, limits, projectfiles
from briefings.errors import BriefingError, did_you_mean
from briefings.syntax import explain_syntax_error

# The only attributes a template may read. Dict keys (``fact.in_favour``, ``t.title``) are
# items, not attributes, and stay readable.
SAFE_ATTRIBUTES: tuple[tuple[type, frozenset[str]], ...] = (
    (str, frozenset({"upper", "lower", "capitalize", "title", "strip", "lstrip", "rstrip",
                     "startswith", "endswith", "replace", "split"})),
    (dict, frozenset({"items", "keys", "values", "get"})),
    (dt.date, frozenset({"year", "month", "day", "isoformat"})),
    (LoopContext, frozenset({"index", "index0", "revindex", "revindex0", "first", "last",
                             "length", "previtem", "nextitem", "cycle", "depth", "depth0",
                             "changed"})),
    (Cycler, frozenset({"next", "current", "reset"})),
)


class TemplateValueError(Exception):
    """A template asked the facts or a filter for something they do not have."""


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with an allow-list of attributes instead of "everything public":
    a live object that slips into the context (a path, a model) offers nothing. What an
    operator, a call or a filter would make is measured first (``bounded``)."""

    # Intercepted operators are also never worked out while compiling.
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = bounded.Filters(self.filters)

    def call_binop(self, context, operator, left, right):
        bounded.before_binop(operator, left, right)
        return bounded.checked(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's names: keywords pass
        bounded.before_call(__obj, args, kwargs)
        return bounded.checked(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        # A dict's keys come before its methods: ``fact("x").values`` is the fact's values.
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        refused = self._refused(obj, attribute)
        return super().getattr(obj, attribute) if refused is None else refused

    def getitem(self, obj, argument):
        refused = self._refused(obj, argument)
        return super().getitem(obj, argument) if refused is None else refused

    def _refused(self, obj, name):
        """Undefined for an attribute off the allow-list, checked before Jinja's own
        handling (which hands out a wrapped ``str.format`` to anyone)."""
        if isinstance(name, str) and not (isinstance(obj, dict) and name in obj) \
                and hasattr(obj, name) and not self.is_safe_attribute(obj, name, None):
            return self.unsafe_undefined(obj, name)
        return None

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, Namespace):  # {% set ns = namespace(n=0) %}: the template's own
            return not attr.startswith("_")
        return any(isinstance(obj, kind) and attr in names for kind, names in SAFE_ATTRIBUTES)


class Undefined(jinja2.StrictUndefined):
    """StrictUndefined that fails inside a list too: ``[x]`` prints its items' repr, and
    ``|map(attribute='cite._access')`` must not print ``[Undefined]`` into a brief."""
    __repr__ = jinja2.StrictUndefined._fail_with_undefined_error


class TemplatesOnly(jinja2.BaseLoader):
    """Loads ``*.j2`` files only: a template cannot include a profile (with its distribution
    list), a font or a document. A byte-order mark some editors put first is dropped.
    ``files`` lists every file loaded, extended and included ones too."""

    def __init__(self, loader: jinja2.BaseLoader):
        self.loader = loader
        self.files: list[str] = []

    def get_source(self, environment, name):
        if not name.endswith(".j2"):
            raise jinja2.TemplateNotFound(name, "only templates (files ending in .j2) "
                                          "can be included or extended")
        source, filename, uptodate = self.loader.get_source(environment, name)
        self.files.append(filename)
        return source.removeprefix("\ufeff"), filename, uptodate

    def list_templates(self):
        return [name for name in self.loader.list_templates() if name.endswith(".j2")]


class Folders(jinja2.FileSystemLoader):
    """Jinja's loader of template files, reading through the project's one door
    (``projectfiles``): a template that is a link out of the project, or a named pipe, is
    refused with its name instead of being printed into the brief, or hanging it; one that
    is not UTF-8 text is named too."""

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..' in the name
        for folder in self.searchpath:
            filename = os.path.normpath(os.path.join(folder, *pieces))
            if projectfiles.found(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        try:
            source = projectfiles.read_text(filename)
            mtime = os.path.getmtime(filename)
        except FileNotFoundError:  # a link to nothing
            raise jinja2.TemplateNotFound(template) from None
        return source, filename, lambda: _mtime(filename) == mtime


def _mtime(filename: str) -> float | None:
    try:
        return os.path.getmtime(filename)
    except OSError:
        return None


def chain_loader(chain) -> jinja2.BaseLoader:
    """Templates looked up along an edition's chain: the reader's overrides, the brief, the
    theme. ``brief/…`` names the brief's own template (or the theme's) and ``theme/…`` the
    theme's, so an override can extend the very template it replaces."""
    _, brief, theme = chain
    return jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"brief": Folders([brief, theme]), "theme": Folders(theme)}),
        Folders(list(chain)),
    ])


class CompiledInMemory(jinja2.BytecodeCache):
    """Templates compiled once per process, kept in memory, never on disk (compiled code in
    a file is code whoever can write the file would run). A check composes every brief for
    every reader and language from the same templates; compiling each again took a third of
    its time. Keyed by file and source, so an edited template is compiled anew; the least
    recently used are dropped past ``size``."""

    def __init__(self, size: int = 512):
        self._code: OrderedDict[str, bytes] = OrderedDict()
        self._size = size

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            self._code.move_to_end(bucket.key)
            bucket.bytecode_from_string(code)  # ignored if the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        self._code.move_to_end(bucket.key)
        if len(self._code) > self._size:
            self._code.popitem(last=False)


def environment(loader: jinja2.BaseLoader, **options) -> Sandbox:
    """Every template of the project (sections, page layout, email) runs in one of these."""
    return Sandbox(loader=TemplatesOnly(loader), undefined=Undefined, **options)


def relative(filename: str | None, root: Path) -> str | None:
    """A path under the project as the user sees it, e.g. ``templates/briefs/…``."""
    if filename and Path(filename).is_relative_to(root):
        return str(Path(filename).relative_to(root))
    return filename


def misprint(env: jinja2.Environment, root: Path, chars: frozenset[int] | None
             ) -> BriefingError | None:
    """Where the templates loaded so far print what a brief cannot (``glyphs.problem``):
    typed into their text, or as an escape in a string (``{{ "\\u202e" }}``)."""
    for file in dict.fromkeys(env.loader.files):
        source = projectfiles.read_text(file).removeprefix("\ufeff")
        for token in env.lexer.tokenize(source):
            if token.type not in ("data", "string"):  # code and comments print nothing
                continue
            for n, line in enumerate(token.value.split("\n")):
                if problem := glyphs.problem(line, chars):
                    return BriefingError(problem, relative(file, root), token.lineno + n)
    return None


def _place(exc: BaseException, root: Path, innermost: bool = True
           ) -> tuple[str | None, int | None]:
    """The innermost (or outermost) template frame of a rendering error."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return None, None
    frame = frames[-1] if innermost else frames[0]
    return relative(frame.filename, root), frame.lineno


def _in_macros(exc: RecursionError) -> bool:
    """Whether a recursion went round a macro (Jinja names a macro's frames "template")
    rather than round templates including or extending each other."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return sum(f.name == "template" for f in frames) > len(frames) // 2


def runtime_message(exc: Exception) -> str:
    """A Python error raised by an expression, in an analyst's words."""
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined: {exc}"
    if isinstance(exc, (TemplateValueError, bounded.TooLarge,
                        jinja2.exceptions.SecurityError)):
        return str(exc)
    if isinstance(exc, MemoryError):
        return ("this template needs more memory than a document may use "
                f"({limits.setting('BRIEFINGS_DOCUMENT_MB'):g} MB, BRIEFINGS_DOCUMENT_MB): "
                "look for a loop that makes a text or a list grow")
    if isinstance(exc, ZeroDivisionError):
        return "this expression divides by zero"
    if isinstance(exc, OverflowError):
        return f"this expression is too large for a brief ({exc})"
    if missing := re.fullmatch(r"No test named '(\w+)' found\.", str(exc)):  # x is od
        hint = did_you_mean(missing[1], DEFAULT_TESTS)
        return f"unknown test '{missing[1]}'" + (f" ({hint})" if hint else "")
    return f"this expression cannot be worked out: {exc}"


def _bounded_render(template: jinja2.Template, context: dict) -> str:
    """The template's text, stopped as soon as it is longer than a section may be (a loop
    printing a little many times)."""
    parts, size = [], 0
    for part in template.generate(context):
        size += len(part)
        if size > limits.TEXT:
            raise bounded.TooLarge(f"this template prints more than {limits.TEXT:,} "
                                   "characters, more than a brief's section holds: look "
                                   "for a loop that runs too many times")
        parts.append(part)
    return "".join(parts)


def render(env: jinja2.Environment, name: str, context: dict, root: Path,
           folder: Path) -> tuple[str, str]:
    """The rendered text and the file of the template that made it. ``folder`` is where the
    template belongs when no override exists: a missing one is named there."""
    template_file = relative(str(folder / name), root)
    try:
        template = env.get_template(name)
        template_file = relative(template.filename, root)
        limits.at(template_file, "composing this section")
        return _bounded_render(template, context), template_file
    except BriefingError as exc:
        if exc.file == name or exc.file is None:  # raised by the loader: name the file
            exc.file = template_file
        elif exc.file.endswith(".j2"):  # a template, named as every template error here
            exc.file = relative(exc.file, root)
        raise
    except jinja2.TemplateSyntaxError as exc:
        file = relative(exc.filename, root) or template_file
        message, line = explain_syntax_error(exc, env)
        raise BriefingError(message, file, line) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _place(exc, root)
        raise BriefingError(f"template not found: {exc.name}"
                            + (f" ({exc.message})" if exc.message != exc.name else ""),
                            file or template_file, line) from None
    except RecursionError as exc:
        if _in_macros(exc):
            file, line = _place(exc, root)
            raise BriefingError("a macro here calls itself without end: give it a case "
                                "where it stops calling itself", file or template_file,
                                line) from None
        file, line = _place(exc, root, innermost=False)
        raise BriefingError("this template includes or extends itself (to build on the "
                            "brief's template of the same name, name it with brief/, e.g. "
                            "{% extends \"brief/sections/summary.md.j2\" %})",
                            file or template_file, line) from None
    except Exception as exc:  # any other error is the template's: never a traceback
        file, line = _place(exc, root)
        raise BriefingError(runtime_message(exc), file or template_file, line) from None
