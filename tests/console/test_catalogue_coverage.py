"""Every string the code marks for translation has a Ukrainian translation, and every
app's Ukrainian catalogue is complete and compiled.

The per-app catalogue tests check the strings a catalogue *holds*; a string added to a
view, form or template but never put into any catalogue escapes them and shows in
English on a Ukrainian console.  This test reads the source itself — Python calls to
``gettext``/``pgettext``/``ngettext`` (and their lazy and ``_`` forms) and the templates
through Django's own ``templatize`` (what ``makemessages`` uses) — for every app, and
asks Django's merged Ukrainian catalogue, the one the console is served from, for each
string.  It needs no GNU gettext.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

SRC = Path(__file__).resolve().parents[2] / "src" / "safepassage"
APPS = sorted(path.name for path in SRC.iterdir() if (path / "__init__.py").exists())
UK_CATALOGUES = sorted(SRC.glob("*/locale/uk/LC_MESSAGES/django.po"))

# (context, msgid, plural msgid)
Msg = tuple[str | None, str, str | None]

_SINGLE = {"_", "gettext", "gettext_lazy", "gettext_noop"}
_CONTEXT = {"pgettext", "pgettext_lazy"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
_LITERAL = r"u?'(?:[^'\\]|\\.)*'"
_TEMPLATE_CALL = re.compile(
    rf"\b(gettext|pgettext|ngettext|npgettext)\(({_LITERAL}(?:\s*,\s*{_LITERAL})*)"
)


def _literal(args: list[ast.expr], index: int) -> str | None:
    if len(args) > index:
        node = args[index]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
    return None


def python_messages(path: Path) -> Iterator[Msg]:
    """Translatable literals in one Python file (calls with a non-literal are skipped)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        first, second, third = (_literal(node.args, i) for i in range(3))
        if name in _SINGLE and first is not None:
            yield None, first, None
        elif name in _CONTEXT and first is not None and second is not None:
            yield first, second, None
        elif name in _PLURAL and first is not None and second is not None:
            yield None, first, second
        elif name in _CONTEXT_PLURAL and second is not None and third is not None:
            yield first, second, third


def template_messages(path: Path) -> Iterator[Msg]:
    """Translatable strings in one template, as ``makemessages`` would extract them."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in _TEMPLATE_CALL.finditer(code):
        parts = [ast.literal_eval(part) for part in re.findall(_LITERAL, match.group(2))]
        kind = match.group(1)
        if kind == "gettext":
            yield None, parts[0], None
        elif kind == "pgettext":
            yield parts[0], parts[1], None
        elif kind == "ngettext":
            yield None, parts[0], parts[1]
        else:
            yield parts[0], parts[1], parts[2]


def app_messages(app: str) -> set[Msg]:
    """Every translatable string of one app: its Python modules and its templates."""
    root = SRC / app
    found: set[Msg] = set()
    for path in root.rglob("*.py"):
        if "migrations" not in path.parts:
            found.update(python_messages(path))
    for path in root.rglob("templates/**/*.html"):
        found.update(template_messages(path))
    return found


def translated_to_ukrainian(message: Msg) -> bool:
    """Whether Django's merged Ukrainian catalogue (every app's, as served) has it."""
    catalogue = trans_real.translation("uk")._catalog  # type: ignore[attr-defined]
    context, msgid, plural = message
    key = msgid if context is None else f"{context}\x04{msgid}"
    return (key, 0) in catalogue if plural is not None else key in catalogue


def test_the_reader_finds_every_kind_of_marked_string() -> None:
    console = app_messages("console")
    assert (None, "Log a hotline call", None) in console  # {% translate %}
    assert (None, "Record %(number)s", None) in console  # {% blocktranslate with %}
    assert any(plural for _ctx, _id, plural in console)  # ngettext / blocktranslate count
    assert any(ctx for ctx, _id, _plural in app_messages("intake"))  # pgettext
    assert (None, "Campaign the caller mentioned", None) in app_messages("channels")
    assert not translated_to_ukrainian((None, "A sentence nobody has translated yet.", None))


@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_has_a_ukrainian_translation(app: str) -> None:
    missing = sorted(
        (m for m in app_messages(app) if not translated_to_ukrainian(m)), key=lambda m: m[1]
    )
    assert missing == []


def test_every_app_with_console_strings_has_a_ukrainian_catalogue_here() -> None:
    owners = {path.parts[-5] for path in UK_CATALOGUES}
    assert {"accounts", "analytics", "campaigns", "cases", "channels", "console", "register"} <= (
        owners
    )


@pytest.mark.parametrize("path", UK_CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_ukrainian_catalogue_is_complete_and_compiled(path: Path) -> None:
    source = polib.pofile(str(path))
    assert [e.msgid for e in source if not e.translated()] == []
    assert [e.msgid for e in source if e.fuzzy] == []
    for entry in source:
        expected = sorted(_PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(_PLACEHOLDER.findall(text)) == expected, entry.msgid
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    expected_pairs = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in source if not e.obsolete
    }
    actual_pairs = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled if e.msgid}
    assert actual_pairs == expected_pairs
