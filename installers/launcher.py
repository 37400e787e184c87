"""The bundled program's entry point (installers/clinicdesk.spec): `clinicdesk`, as
pyproject.toml's console script would start it."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
