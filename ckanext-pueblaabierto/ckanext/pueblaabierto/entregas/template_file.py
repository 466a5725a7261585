"""The blank FORM.317 workbook the portal serves («Descargar plantilla»).

The repository's copy, ``dataset_forms/FORM.317-SECATI-012224.xlsx``, is what the enlaces have
always received (a test keeps it equal to what ``pueblaabierto plantilla`` writes). It is found
next to the source (an editable install or a checkout) or under the project root
(``PUEBLAABIERTO_ROOT``). An installation without the repository (a wheel) writes the same
workbook once with the pipeline's own writer into the portal's storage and serves that.
"""

from __future__ import annotations

from pathlib import Path

FILENAME = "FORM.317-SECATI-012224.xlsx"


def candidates() -> list[Path]:
    here = Path(__file__).resolve()
    found = [parent / "dataset_forms" / FILENAME for parent in here.parents]
    from ..embedded.paths import project_root  # PUEBLAABIERTO_ROOT, else the checkout around the cwd

    found.append(project_root() / "dataset_forms" / FILENAME)
    return found


def path() -> Path:
    for candidate in candidates():
        if candidate.is_file():
            return candidate
    from . import storage

    generated = storage.root() / "plantilla" / FILENAME
    if not generated.is_file():
        from pueblaabierto.workbook.template import write_template

        generated.parent.mkdir(parents=True, exist_ok=True)
        partial = generated.with_suffix(".tmp.xlsx")
        write_template(partial)
        partial.replace(generated)
    return generated
