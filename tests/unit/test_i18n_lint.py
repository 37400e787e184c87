"""No visible English left outside _() (issue 8): a static read of the source.

Widgets: a literal (or f-string) handed straight to a call that puts text on screen
(setText, QLabel(...), QAction(...), msgbox..., addTab, headers...). Services: a sentence
(literal with a space) handed to a ...Error(...) refusal, since the desk reads those too.
A line that really isn't read by people (an object name, a file filter the OS shows in
its own words, a log line) says so with the comment ``# i18n: not shown``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "app"
SHOWN = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setStatusTip",
    "setAccessibleName", "setAccessibleDescription", "setTitle", "addTab", "insertTab",
    "setTabText", "addRow", "QLabel", "QPushButton", "QAction", "QCheckBox", "QRadioButton",
    "QGroupBox", "addMenu", "addAction", "setHorizontalHeaderLabels", "information",
    "warning", "critical", "question", "confirm", "show", "refusal", "showMessage",
    "setLabelText", "setSuffix", "setPrefix", "setSpecialValueText", "addItem", "addItems",
    "setWhatsThis", "QMessageBox", "setInformativeText", "setDetailedText", "QToolButton",
    "setFormat", "addButton", "setHeaderData", "setPlainText", "setHtml",
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _literals(node: ast.expr):
    """The bare literals an argument is made of (through +, if/else and f-strings)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value for v in node.values if isinstance(v, ast.Constant)) or "{}"
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _words(text: str, sentence: bool) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and (" " in text.strip() if sentence else True)


def problems(path: Path, *, widgets: bool) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if widgets and name in SHOWN:
            sentence = False
        elif name.endswith("Error") or name in ("ClinicError", "Refused"):
            sentence = True
        else:
            continue
        if "i18n: not shown" in lines[node.lineno - 1] or (
                node.end_lineno and "i18n: not shown" in lines[node.end_lineno - 1]):
            continue
        args = list(node.args) + [k.value for k in node.keywords]
        for arg in args:
            for text in _literals(arg):
                if _words(text, sentence):
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: "
                                 f"{name}({text[:50]!r})")
    return found


UI_FILES = sorted(p for p in (ROOT / "ui").rglob("*.py"))
SERVICE_FILES = sorted(p for p in (ROOT / "services").rglob("*.py"))


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_widget_text_goes_through_the_translator(path):
    assert not problems(path, widgets=True), "\n".join(problems(path, widgets=True))


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_refusals_go_through_the_translator(path):
    assert not problems(path, widgets=False), "\n".join(problems(path, widgets=False))
