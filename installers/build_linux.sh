#!/usr/bin/env bash
# Build ClinicDesk's Linux bundle (dist/ClinicDesk/) with PyInstaller and smoke-test it
# (issue 8). Run by hand from anywhere in the repository; not part of CI (a build takes
# minutes):
#
#     bash installers/build_linux.sh             build, then test the bundle
#     bash installers/build_linux.sh --test-only  test the bundle already in dist/
#
# The build has its own venv, build/venv (ignored by git): PyInstaller and ClinicDesk's
# run-time dependencies only, at the versions .venv has when it exists (so the bundle holds
# what the tests ran against, and no pytest). .venv itself is not touched.
#
# The smoke test runs the bundle with HOME and the XDG folders in a throwaway folder (the
# demo clinic file goes there, never in your own data folder), on Qt's offscreen platform:
#   - `ClinicDesk --demo --screenshot PNG` four times: the first creates and fills the demo
#     clinic (migrations + demo data), the next three are timed (median reported); each must
#     exit 0 and draw a non-trivial PNG (the last is kept as build/smoke-screenshot.png)
#   - the same under Xvfb with the xcb platform plugin (what a Linux desktop uses), if
#     xvfb-run is installed
#   - `ClinicDesk --demo verify-audit` and `ClinicDesk --demo backup PATH`
#   - `ClinicDesk --db-url postgresql://...` to a port nothing listens on: refused by libpq
#   - for comparison, the timed start from the source tree (.venv), when there is one
# then prints the bundle's size and the start-up time, and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

VENV=build/venv
DIST=dist/ClinicDesk
PROGRAM=$DIST/ClinicDesk
BUILD=1
[ "${1:-}" = "--test-only" ] && BUILD=0

say() { printf 'build_linux: %s\n' "$*"; }
fail() { printf 'build_linux: FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys, sysconfig; sys.exit(0 if sys.version_info >= (3, 11)
        and sysconfig.get_config_var("Py_ENABLE_SHARED") else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ "$BUILD" = 1 ]; then
  # 1. The build venv.
  if [ ! -x "$VENV/bin/python" ]; then
    PY=$(find_python) || fail "need Python 3.11+ built with a shared libpython (PyInstaller)"
    say "creating $VENV with $PY"
    mkdir -p build
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  # Every build: ClinicDesk's dependencies as pyproject.toml lists them now (not ClinicDesk
  # itself: the spec builds from this source tree), at .venv's versions when .venv agrees
  # with pyproject.toml (quick when nothing changed). A pin added to pyproject.toml (say, a
  # Qt release that crashes) reaches the bundle at the next build.
  mapfile -t DEPS < <("$VENV/bin/python" -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
  installed=0
  if [ -x .venv/bin/pip ]; then
    .venv/bin/pip freeze --exclude-editable > build/constraints.txt
    "$VENV/bin/pip" install -q -c build/constraints.txt pyinstaller "${DEPS[@]}" && installed=1 \
      || say ".venv's versions do not fit pyproject.toml; installing pyproject.toml's newest"
  fi
  [ "$installed" = 1 ] || "$VENV/bin/pip" install -q pyinstaller "${DEPS[@]}"
  "$VENV/bin/pip" check >/dev/null || fail "build venv: $("$VENV/bin/pip" check | head -3)"
  say "PyInstaller $("$VENV/bin/pyinstaller" --version), $("$VENV/bin/python" -V)," \
    "PySide6 $("$VENV/bin/python" -c 'import PySide6; print(PySide6.__version__)')"

  # 2. The bundle.
  rm -rf "$DIST"
  started=$(now)
  "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist \
    --workpath build/pyinstaller installers/clinicdesk.spec
  BUILD_SECONDS=$(since "$started")
  say "built $DIST in ${BUILD_SECONDS%.*} s"
fi

[ -x "$PROGRAM" ] || fail "$PROGRAM is missing (build first)"

# 3. What the program reads as files must be in the bundle.
INTERNAL=$DIST/_internal
for needed in app/migrations/env.py app/migrations/script.py.mako \
    app/migrations/versions/0001_initial_schema.py app/locale/fr_CA/shell.po \
    babel/global.dat babel/locale-data/fr_CA.dat babel/locale-data/en_CA.dat \
    resources/style.qss resources/icons/clinicdesk.svg \
    PySide6/Qt/plugins/platforms/libqxcb.so PySide6/Qt/plugins/platforms/libqoffscreen.so \
    PySide6/Qt/plugins/imageformats/libqsvg.so PySide6/Qt/translations/qtbase_fr.qm; do
  [ -e "$INTERNAL/$needed" ] || fail "the bundle has no $needed"
done
for migration in app/migrations/versions/*.py; do
  [ -e "$INTERNAL/$migration" ] || fail "the bundle has no $migration"
done
for catalogue in app/locale/*/*.po; do
  [ -e "$INTERNAL/$catalogue" ] || fail "the bundle has no $catalogue"
done
if [ -e "$INTERNAL/resources/fonts/DejaVuSans.ttf" ]; then
  FONT="DejaVu Sans embedded"
else
  FONT="no DejaVu Sans (invoices print in Helvetica)"
fi

# 4. Run it, isolated: the demo clinic goes to a throwaway data folder.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
mkdir -p "$SMOKE/home" "$SMOKE/data" "$SMOKE/config" "$SMOKE/cache" "$SMOKE/runtime"
chmod 700 "$SMOKE/runtime"
run() {
  env -i PATH=/usr/bin:/bin HOME="$SMOKE/home" XDG_DATA_HOME="$SMOKE/data" \
    XDG_CONFIG_HOME="$SMOKE/config" XDG_CACHE_HOME="$SMOKE/cache" \
    XDG_RUNTIME_DIR="$SMOKE/runtime" LANG=C.UTF-8 "$@"
}
DEMO_FILE=$SMOKE/data/ClinicDesk/demo-clinic.db
# A start that does not exit by itself is a failure, not a hang: usually a message box
# ("could not open the clinic file") waiting for a click no one can give offscreen.
LIMIT=(timeout 120)
why() {  # why CODE: a failed run's exit code, explained
  cat "$SMOKE/out.txt" >&2
  if [ "$1" -eq 124 ]; then
    echo "(still running after 120 s: a message box is probably waiting; run" \
      "'$PROGRAM --demo verify-audit' to see the error)" >&2
  fi
}

png_ok() {  # a PNG of at least 640x400 px and 10 kB (a window, not a blank square)
  [ -s "$1" ] && [ "$(stat -c %s "$1")" -ge 10000 ] || return 1
  local size
  size=$(od -An -tu1 -j16 -N8 "$1" | awk '{print $3*256+$4, $7*256+$8}')
  set -- $size
  [ "$1" -ge 640 ] && [ "$2" -ge 400 ]
}

screenshot() {  # screenshot OUT.png: one start, exit 0, PNG checked
  local out=$1 code=0
  run QT_QPA_PLATFORM=offscreen "${LIMIT[@]}" "$ROOT/$PROGRAM" --demo \
    --screenshot "$out" >"$SMOKE/out.txt" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    why "$code"
    fail "ClinicDesk --demo --screenshot exited $code"
  fi
  png_ok "$out" || fail "the screenshot $out is missing or blank"
}

say "smoke test in $SMOKE"
started=$(now)
screenshot "$SMOKE/first.png"
FIRST=$(since "$started")
[ -s "$DEMO_FILE" ] || fail "the demo clinic was not created in the throwaway data folder"
TIMES=()
for round in 1 2 3; do
  started=$(now)
  screenshot "$SMOKE/shot-$round.png"
  TIMES+=("$(since "$started")")
done
MEDIAN=$(printf '%s\n' "${TIMES[@]}" | sort -n | sed -n 2p)
cp "$SMOKE/shot-3.png" build/smoke-screenshot.png

if command -v xvfb-run >/dev/null 2>&1; then
  code=0
  run xvfb-run -a env QT_QPA_PLATFORM=xcb "${LIMIT[@]}" "$ROOT/$PROGRAM" --demo \
    --screenshot "$SMOKE/xcb.png" >"$SMOKE/out.txt" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    why "$code"
    fail "ClinicDesk under Xvfb (xcb) exited $code"
  fi
  png_ok "$SMOKE/xcb.png" || fail "the Xvfb screenshot is missing or blank"
  cp "$SMOKE/xcb.png" build/smoke-screenshot-xcb.png
  XCB="xcb under Xvfb: ok"
else
  XCB="xcb not tried (no xvfb-run)"
fi

# For comparison: the same start from the source tree (.venv), same folder, same demo file.
SOURCE="not measured (no .venv)"
if [ -x .venv/bin/python ]; then
  SOURCE_TIMES=()
  for round in 1 2 3; do
    started=$(now)
    run QT_QPA_PLATFORM=offscreen "${LIMIT[@]}" "$ROOT/.venv/bin/python" -m app --demo \
      --screenshot "$SMOKE/source.png" >"$SMOKE/out.txt" 2>&1 || { SOURCE_TIMES=(); break; }
    SOURCE_TIMES+=("$(since "$started")")
  done
  if [ ${#SOURCE_TIMES[@]} -eq 3 ]; then
    SOURCE="median $(printf '%s\n' "${SOURCE_TIMES[@]}" | sort -n | sed -n 2p) s of ${SOURCE_TIMES[*]} s"
  else
    SOURCE="failed (see .venv)"
  fi
fi

run "${LIMIT[@]}" "$ROOT/$PROGRAM" --demo verify-audit >"$SMOKE/out.txt" 2>&1 \
  || { cat "$SMOKE/out.txt" >&2; fail "ClinicDesk --demo verify-audit"; }
grep -q "intact" "$SMOKE/out.txt" || { cat "$SMOKE/out.txt" >&2; fail "verify-audit said"; }
AUDIT=$(cat "$SMOKE/out.txt")
run "${LIMIT[@]}" "$ROOT/$PROGRAM" --demo backup "$SMOKE/copy.db" >"$SMOKE/out.txt" 2>&1 \
  || { cat "$SMOKE/out.txt" >&2; fail "ClinicDesk --demo backup"; }
[ -s "$SMOKE/copy.db" ] || fail "backup wrote no file"

# The PostgreSQL driver is in the bundle: a server that is not there is refused by libpq
# itself (psycopg's compiled module loaded), not by a missing module.
code=0
run "${LIMIT[@]}" "$ROOT/$PROGRAM" --db-url "postgresql://clinicdesk@127.0.0.1:1/none" \
  verify-audit >"$SMOKE/out.txt" 2>&1 || code=$?
if [ "$code" -ne 1 ] || ! grep -q "connection" "$SMOKE/out.txt" \
    || grep -qi "pq wrapper\|ModuleNotFoundError\|ImportError" "$SMOKE/out.txt"; then
  cat "$SMOKE/out.txt" >&2
  fail "--db-url did not reach libpq (exit $code)"
fi

SIZE=$(du -sh "$DIST" | cut -f1)
FILES=$(find "$DIST" -type f | wc -l)
say "---------------------------------------------------------------------------"
say "bundle        $DIST: $SIZE on disk, $FILES files ($FONT)"
say "first start   $FIRST s (creates and fills the demo clinic)"
say "start-up      median $MEDIAN s of ${TIMES[*]} s" \
    "(start, open the demo, draw the window, exit)"
say "from source   $SOURCE (.venv/bin/python -m app, same start)"
say "platforms     offscreen: ok; $XCB"
say "commands      verify-audit: $AUDIT; backup: ok; --db-url reaches libpq"
say "screenshot    build/smoke-screenshot.png"
say "machine       $(uname -sm), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$(date -u '+%Y-%m-%d %H:%M UTC')"
say "OK"
