#!/usr/bin/env python3
"""Keep the translations in step with the code.

    scripts/i18n.py update       collect every marked text into resources/i18n/*.ts (keeps what is
                                 translated, adds new texts unfinished, drops texts no longer used),
                                 then compile the .qm files
    scripts/i18n.py check        exit 1, listing them, if a text is untranslated or wrongly marked
    scripts/i18n.py export DIR N untranslated texts as N JSON files {english: ""} for translators
    scripts/i18n.py import FILE… translations from such JSON files, then update

Marked texts are the first literal argument of ``tr``/``self.tr``/``_``/``N_``/``QT_TR_NOOP`` and the
second of ``translate``/``QT_TRANSLATE_NOOP`` (Qt's own contexts are ignored: one text, one
translation, see ``partsdesk.i18n``). A marked f-string or concatenation can never be translated
(its text is made at run time) and is reported as a problem.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "partsdesk"
sys.path.insert(0, str(ROOT))
from partsdesk.i18n import CONTEXT, LANGUAGES, SOURCE_LANGUAGE, catalogue_file  # noqa: E402

FIRST_ARGUMENT = {"tr", "_", "N_", "QT_TR_NOOP"}
SECOND_ARGUMENT = {"translate", "QT_TRANSLATE_NOOP"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\d")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def marked(path: Path) -> Iterator[tuple[str | None, int, str]]:
    """(text or None for a problem, line, what) for every marked text in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        index = 0 if name in FIRST_ARGUMENT else 1 if name in SECOND_ARGUMENT else -1
        if index < 0 or len(node.args) <= index:
            continue
        arg = node.args[index]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value.strip():
                yield arg.value, node.lineno, name
        elif isinstance(arg, (ast.JoinedStr, ast.BinOp)):
            yield None, node.lineno, f"{name}() of a text made at run time: mark the template, format after"


def collect() -> tuple[dict[str, list[str]], list[str]]:
    """Every marked text → where it is used; and the problems."""
    texts: dict[str, list[str]] = {}
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        for text, line, what in marked(path):
            if text is None:
                problems.append(f"{where}:{line}: {what}")
            else:
                texts.setdefault(text, []).append(f"{where}:{line}")
    return texts, problems


def read_ts(language: str) -> dict[str, str]:
    """English → translation ('' when unfinished) of a catalogue."""
    path = catalogue_file(language)
    if not path.is_file():
        return {}
    entries: dict[str, str] = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        finished = translation is not None and not translation.get("type") and translation.text
        entries[source] = translation.text if finished else ""
    return entries


def write_ts(language: str, texts: dict[str, list[str]], translations: dict[str, str]) -> None:
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text in sorted(texts):
        message = ET.SubElement(context, "message")
        for where in texts[text][:1]:
            file, line = where.rsplit(":", 1)
            ET.SubElement(message, "location", filename=f"../../../{file}", line=line)
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        if translations.get(text):
            translation.text = translations[text]
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    path = catalogue_file(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def release(language: str, qm: Path | None = None) -> Path:
    """Compile the language's .ts into its .qm (or into ``qm``)."""
    qm = qm or catalogue_file(language, ".qm")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    command = [str(lrelease) if lrelease.exists() else "pyside6-lrelease", "-silent",
               str(catalogue_file(language)), "-qm", str(qm)]
    subprocess.run(command, check=True)
    return qm


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def check(language: str) -> list[str]:
    """What is wrong with a language's catalogue against the code."""
    texts, problems = collect()
    translations = read_ts(language)
    for text in sorted(texts):
        where = texts[text][0]
        translated = translations.get(text)
        if translated is None:
            problems.append(f"{where}: not in {catalogue_file(language).name} (run scripts/i18n.py update): {text!r}")
        elif not translated:
            problems.append(f"{where}: no {LANGUAGES[language]} translation: {text!r}")
        elif placeholders(translated) != placeholders(text):
            problems.append(f"{where}: the translation's placeholders differ: {text!r} → {translated!r}")
    for text in sorted(set(translations) - set(texts)):
        problems.append(f"{catalogue_file(language).name}: no longer used (run scripts/i18n.py update): {text!r}")
    return problems


def main(argv: list[str]) -> int:
    languages = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
    command = argv[0] if argv else "update"
    if command == "update":
        texts, problems = collect()
        for language in languages:
            write_ts(language, texts, read_ts(language))
            release(language)
            done = sum(1 for text in texts if read_ts(language).get(text))
            print(f"{catalogue_file(language).name}: {len(texts)} texts, {done} translated")
        for problem in problems:
            print(problem, file=sys.stderr)
        return 0
    if command == "check":
        problems = [problem for language in languages for problem in check(language)]
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if command == "export":
        folder, parts = Path(argv[1]), int(argv[2])
        folder.mkdir(parents=True, exist_ok=True)
        for language in languages:
            translations = read_ts(language)
            todo = [text for text in sorted(collect()[0]) if not translations.get(text)]
            size = -(-len(todo) // parts) if todo else 0
            for n in range(parts):
                chunk = {text: "" for text in todo[n * size:(n + 1) * size]}
                (folder / f"{language}-{n + 1}.json").write_text(
                    json.dumps(chunk, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"{language}: {len(todo)} texts in {parts} files under {folder}")
        return 0
    if command == "import":
        texts = collect()[0]
        for language in languages:
            translations = read_ts(language)
            for file in argv[1:]:
                if Path(file).name.startswith(language + "-"):
                    for text, translated in json.loads(Path(file).read_text(encoding="utf-8")).items():
                        if translated and text in texts:
                            translations[text] = translated
            write_ts(language, texts, translations)
        return main(["update"])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
