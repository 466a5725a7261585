"""Compile the plugin's .po catalogs into the committed .mo files (run after editing a .po).

    python -m ckanext.pueblaabierto.i18n_compile

Babel is already a CKAN dependency, so no msgfmt/gettext tools are needed.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

I18N = Path(__file__).parent / "i18n"


def compile_catalogs(root: Path = I18N) -> list[Path]:
    written = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(path)
