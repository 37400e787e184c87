"""The installers (issue 8), checked without building anything.

The spec is run with PyInstaller's build steps stood in for, so what it would collect can be
compared with what the program reads as files at run time; the .desktop file goes through
desktop-file-validate when the machine has it; the icon and Inno Setup script are read.
Building and starting the real bundle is installers/build_linux.sh, run by hand.
"""

from __future__ import annotations

import ast
import configparser
import shutil
import struct
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
SPEC = INSTALLERS / "clinicdesk.spec"
DESKTOP = INSTALLERS / "linux" / "clinicdesk.desktop"
ISS = INSTALLERS / "windows" / "clinicdesk.iss"
ICONS = ROOT / "resources" / "icons"


class _Step:
    """Stands in for Analysis, PYZ, EXE and COLLECT: keeps what it was given."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        # Analysis's results, as PyInstaller 6 gives them: (name in the bundle, source, kind)
        self.datas = [(dest + "/" + Path(src).name, src, "DATA")
                      for src, dest in kwargs.get("datas", [])] + list(_QT_FILES)
        self.binaries = list(_QT_BINARIES)
        self.scripts, self.pure = [], []


_QT_FILES = [(f"PySide6/Qt/translations/{name}", "x", "DATA") for name in (
    "qtbase_fr.qm", "qt_fr.qm", "qtbase_de.qm", "qt_help_fr.qm", "qtdeclarative_fr.qm")]
_QT_BINARIES = [(f"PySide6/Qt/plugins/{name}", "x", "BINARY") for name in (
    "platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
    "platforms/qwindows.dll", "platforms/libqvnc.so", "platforms/libqlinuxfb.so",
    "imageformats/libqsvg.so", "imageformats/qsvg.dll", "imageformats/libqtiff.so",
    "iconengines/libqsvgicon.so", "styles/qmodernwindowsstyle.dll",
    "platformthemes/libqgtk3.so", "platformthemes/libqxdgdesktopportal.so",
    "sqldrivers/libqsqlite.so", "tls/libqopensslbackend.so", "generic/libqtuiotouchplugin.so",
    "xcbglintegrations/libqxcb-glx-integration.so")]


@pytest.fixture(scope="module")
def spec():
    """The spec's namespace after it ran, on this platform, with the build steps stood in."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package, **_: [(f"<{package} data>", package)]
    hooks.collect_dynamic_libs = lambda package, **_: [(f"<{package} libs>", package)]
    fakes = {"PyInstaller": types.ModuleType("PyInstaller"),
             "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
             "PyInstaller.utils.hooks": hooks}
    saved_modules = {name: sys.modules.get(name) for name in fakes}
    saved_path = list(sys.path)
    sys.modules.update(fakes)
    namespace = {"SPECPATH": str(INSTALLERS), "__file__": str(SPEC), "__name__": "__main__",
                 **{step: type(step, (_Step,), {})
                    for step in ("Analysis", "PYZ", "EXE", "COLLECT")}}
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return namespace


def bundled(spec) -> dict[str, str]:
    """Path in the bundle -> source file, for the spec's own data files."""
    return {f"{dest}/{Path(src).name}": src for src, dest in spec["datas"]}


def test_spec_ships_every_migration_as_a_file_where_db_py_looks(spec):
    files = bundled(spec)
    sources = sorted((ROOT / "app" / "migrations").rglob("*.py"))
    assert (ROOT / "app" / "migrations" / "versions" / "0001_initial_schema.py") in sources
    for path in sources + [ROOT / "app" / "migrations" / "script.py.mako"]:
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(ROOT).as_posix()
        assert name in files, f"{name} is not in the bundle (Alembic loads it by path)"
        assert Path(files[name]) == path


def test_spec_imports_what_the_migrations_import(spec):
    hidden = set(spec["a"].kwargs["hiddenimports"])
    assert {"alembic.op", "alembic.context", "sqlalchemy", "app.models"} <= hidden
    for path in (ROOT / "app" / "migrations").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert {alias.name for alias in node.names} <= hidden, path.name


def test_spec_ships_the_translations_babel_and_reportlab_data_and_the_look(spec):
    files = bundled(spec)
    catalogues = sorted((ROOT / "app" / "locale").glob("*/*.po"))
    assert catalogues, "no PO files: app/i18n.py reads them at run time"
    for path in catalogues:
        assert path.relative_to(ROOT).as_posix() in files
    for name in ("resources/style.qss", "resources/icons/clinicdesk.svg"):
        assert name in files  # app/ui/style.py reads them beside app/
    assert ("<babel data>", "babel") in spec["datas"]  # every locale's .dat
    assert ("<reportlab data>", "reportlab") in spec["datas"]
    assert ("<psycopg_binary libs>", "psycopg_binary") in spec["binaries"]
    hidden = set(spec["a"].kwargs["hiddenimports"])
    assert {"sqlalchemy.dialects.sqlite.pysqlite", "sqlalchemy.dialects.postgresql.psycopg",
            "psycopg_binary", "app.services.demo"} <= hidden


def test_spec_embeds_dejavu_where_the_pdf_fonts_look_when_the_build_machine_has_it(spec):
    from app.services.pdf.fonts import find_font_files

    fonts = {name for name in bundled(spec) if name.startswith("resources/fonts/")}
    expected = set() if find_font_files() is None else {
        "resources/fonts/DejaVuSans.ttf", "resources/fonts/DejaVuSans-Bold.ttf"}
    assert fonts == expected


def _imported_by_app() -> set[str]:
    names = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def test_spec_excludes_nothing_the_program_imports(spec):
    excluded = set(spec["a"].kwargs["excludes"])
    for name in _imported_by_app():
        parts = name.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        assert not prefixes & excluded, f"app imports {name}, which the spec excludes"


def test_spec_keeps_the_qt_plugins_the_desk_needs_and_drops_the_rest(spec):
    kept = {Path(name).name for name, _src, _kind in spec["a"].binaries + spec["a"].datas}
    for needed in ("libqxcb.so", "libqoffscreen.so", "libqwayland.so", "qwindows.dll",
                   "libqsvg.so", "qsvg.dll", "libqsvgicon.so", "qmodernwindowsstyle.dll",
                   "libqxcb-glx-integration.so", "libqxdgdesktopportal.so",
                   "qtbase_fr.qm", "qt_fr.qm"):
        assert needed in kept
    for unused in ("qtbase_de.qm", "qt_help_fr.qm", "qtdeclarative_fr.qm", "libqvnc.so",
                   "libqlinuxfb.so", "libqtiff.so", "libqgtk3.so", "libqsqlite.so",
                   "libqopensslbackend.so", "libqtuiotouchplugin.so"):
        assert unused not in kept


def test_spec_makes_one_windowed_folder_named_clinicdesk(spec):
    collect = spec["coll"]
    assert collect.kwargs["name"] == "ClinicDesk"
    programs = [step for step in collect.args if type(step).__name__ == "EXE"]
    assert programs[0].kwargs["name"] == "ClinicDesk"
    assert programs[0].kwargs["console"] is False
    assert programs[0].kwargs["exclude_binaries"] is True  # one folder, not one file
    if sys.platform == "win32":
        assert [p.kwargs["name"] for p in programs] == ["ClinicDesk", "clinicdesk-cli"]
        assert programs[1].kwargs["console"] is True
    script = Path(spec["a"].args[0][0])
    assert script == INSTALLERS / "launcher.py" and script.is_file()


def test_desktop_file_names_the_program_in_english_and_french():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP, encoding="utf-8")
    desk = entry["Desktop Entry"]
    assert desk["Type"] == "Application" and desk["Exec"] == "clinicdesk"
    for key in ("Name", "Name[fr_CA]", "Comment", "Comment[fr_CA]"):
        assert desk[key].strip()
    assert desk["Comment"] != desk["Comment[fr_CA]"]
    assert {"Office", "Finance", "MedicalSoftware"} <= set(desk["Categories"].split(";"))
    assert desk["Icon"] == "clinicdesk" and desk["StartupWMClass"] == "ClinicDesk"
    for size in (48, 64, 128, 256):
        png = (ICONS / f"clinicdesk-{size}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (desktop-file-utils)")
def test_desktop_file_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                            text=True, timeout=30)
    errors = [line for line in (result.stdout + result.stderr).splitlines()
              if "error:" in line or "warning:" in line]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr


def test_windows_icon_holds_png_images_from_16_to_256_px():
    data = (ICONS / "clinicdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, height, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index:22 + 16 * index])
        image = data[offset:offset + length]
        assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) == length
        side = width or 256
        assert width == height and struct.unpack(">II", image[16:24]) == (side, side)
        sizes.add(side)
    assert {16, 32, 48, 256} <= sizes


def test_inno_setup_script_installs_the_bundle_and_keeps_the_clinics_data():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: the French text stays French
    text = raw.decode("utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if not line.lstrip().startswith(";")]
    setup = "\n".join(lines)
    assert "DefaultDirName={autopf}\\{#AppName}" in setup
    assert '#define Bundle "..\\..\\dist\\ClinicDesk"' in setup  # the spec's COLLECT name
    assert 'MessagesFile: "compiler:Languages\\French.isl"' in setup
    assert 'Name: "desktopicon"' in setup and "Tasks: desktopicon" in setup
    assert "{autoprograms}\\{#AppName}" in setup
    assert "[UninstallDelete]" not in setup  # the data folder is never the uninstaller's
    assert "localappdata" in setup.lower() and "fr.DataKept=" in setup
    icon = next(line.split("=", 1)[1] for line in lines if line.startswith("SetupIconFile="))
    assert (ISS.parent / icon.replace("\\", "/")).resolve() == ICONS / "clinicdesk.ico"


def test_build_script_is_valid_bash_and_ci_does_not_build_installers():
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", str(INSTALLERS / "build_linux.sh")], check=True,
                       timeout=30)
    for path in (ROOT / ".ci").glob("*"):
        if path.is_file():
            assert "build_linux" not in path.read_text(encoding="utf-8", errors="replace")
