"""The Spanish catalogue is complete: every marked string has a checked translation.

A string marked for translation and left out of the catalogue would show in English on a
Spanish page; these tests name it, so it cannot be forgotten. Add it with
`manage.py makemessages -l es --ignore=.venv --ignore=tests --ignore=bench --no-obsolete`,
translate it, and `make messages`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from .translations import PO_FILE, read_po

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "tests", "bench", "node_modules", "staticfiles", ".git", ".data", "migrations"}
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
                 "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")


def project_files(pattern: str) -> list[Path]:
    return sorted(path for path in ROOT.rglob(pattern)
                  if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts))


def _key(context: str | None, msgid: str) -> tuple[str, str]:
    return (context or "", msgid)


def marked_in_python(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        if name in GETTEXT_CALLS and texts:
            found.add(_key(texts[0], texts[1]) if name.startswith(("pgettext", "npgettext")) else _key(None, texts[0]))
    return found


STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
CALL = re.compile(rf"\b({'|'.join(sorted(GETTEXT_CALLS, key=len, reverse=True))})\(\s*((?:{STRING}\s*,?\s*)+)")


def marked_in_template(path: Path) -> set[tuple[str, str]]:
    """What makemessages extracts from a template: Django's own templatize, then its gettext calls."""
    source = path.read_text(encoding="utf-8")
    if "i18n" not in source:
        return set()
    found = set()
    for call in CALL.finditer(templatize(source, origin=str(path))):
        texts = [ast.literal_eval(text.lstrip("u")) for text in re.findall(STRING, call.group(2))]
        found.add(_key(texts[0], texts[1]) if call.group(1).startswith(("pgettext", "npgettext")) else _key(None, texts[0]))
    return found


@pytest.fixture(scope="module")
def entries():
    return read_po()


def test_the_catalogue_is_spanish_with_two_plural_forms(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "Language: es\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    problems = []
    for entry in entries[1:]:
        if entry.obsolete:
            problems.append(f"obsolete: {entry.msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif sorted(entry.msgstr) != ([0, 1] if entry.msgid_plural is not None else [0]):
            problems.append(f"wrong number of forms: {entry.msgid!r}")
        elif not all(text.strip() for text in entry.msgstr.values()):
            problems.append(f"untranslated: {entry.msgid!r}")
    assert problems == []


def test_translations_keep_every_placeholder_and_tag(entries):
    problems = []
    for entry in entries[1:]:
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if index and entry.msgid_plural is not None else entry.msgid
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(source))):
                problems.append(f"placeholders differ: {entry.msgid!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                problems.append(f"HTML differs: {entry.msgid!r}")
    assert problems == []


def test_every_string_marked_for_translation_is_in_the_catalogue(entries):
    catalogue = {_key(entry.msgctxt, entry.msgid) for entry in entries[1:]}
    marked = set()
    for path in project_files("*.py"):
        marked |= marked_in_python(path)
    for path in project_files("*.html") + project_files("*.txt"):
        if "templates" in path.relative_to(ROOT).parts:
            marked |= marked_in_template(path)
    assert len(marked) > 200  # the reader found the patient pages' strings
    missing = sorted(marked - catalogue)
    assert missing == [], f"not in {PO_FILE.relative_to(ROOT)}: {missing}"


def test_the_reader_finds_strings_marked_every_way(tmp_path):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text('{% load i18n %}{% translate "One" %}{% translate "Two" context "menu" %}'
                        '{% blocktranslate count n=3 trimmed %}\n  {{ n }} cat{% plural %}{{ n }} cats\n'
                        '{% endblocktranslate %}{% include "x.html" with label=_("Three") %}')
    assert marked_in_template(template) == {("", "One"), ("menu", "Two"), ("", "%(n)s cat"), ("", "Three")}
    module = tmp_path / "module.py"
    module.write_text('from django.utils.translation import gettext_lazy as _, gettext, pgettext\n'
                      'A = _("Four " "five")\nB = gettext("Six")\nC = pgettext("ctx", "Seven")\nD = print("Eight")\n')
    assert marked_in_python(module) == {("", "Four five"), ("", "Six"), ("ctx", "Seven")}
