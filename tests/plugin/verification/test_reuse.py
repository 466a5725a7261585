"""A file the server already judged is not read again: same bytes, terms, name, allow list and limits."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from ckanext.pueblaabierto.verification import reuse
from pueblaabierto.data import validate_resource_file
from pueblaabierto.data.limits import DEFAULT_LIMITS
from pueblaabierto.validation.allowlist import build_allow_list

EXAMPLE = Path(__file__).parents[3] / "dataset_forms" / "ejemplos" / "obra-publica" / "obras_publicas_2024.csv"


class Counted:
    """The real checks, counting how often they read a file."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path, **kwargs):
        self.calls += 1
        return validate_resource_file(path, **kwargs)


def test_same_file_and_dictionary_is_judged_once_and_any_change_is_judged_again(tmp_path):
    data = tmp_path / "obras.csv"
    shutil.copyfile(EXAMPLE, data)
    # Entries last an hour: a name of this run's own keeps an earlier run's from answering.
    name = f"obras-{uuid.uuid4().hex}.csv"
    terms = {"numero_contrato": "Número del contrato."}
    allow = build_allow_list([], addresses=["obras@pueblacapital.gob.mx"])
    counted = Counted()
    checks = reuse.remembering(counted)

    first = checks(data, formato="CSV", terms=terms, display_name=name, allow=allow, limits=DEFAULT_LIMITS)
    again = checks(data, formato="CSV", terms=terms, display_name=name, allow=allow, limits=DEFAULT_LIMITS)

    assert counted.calls == 1
    # The same report (columns the one-term dictionary leaves undescribed, at least).
    assert [f.to_dict() for f in again] == [f.to_dict() for f in first] and first
    # A copy with the same bytes elsewhere (the draft's copy of the entrega's file) is the same file.
    copy = tmp_path / "borrador" / "obras.csv"
    copy.parent.mkdir()
    shutil.copyfile(data, copy)
    checks(copy, formato="CSV", terms=terms, display_name=name, allow=allow, limits=DEFAULT_LIMITS)
    assert counted.calls == 1
    # Anything that can change a finding is a new judgement.
    checks(data, formato="CSV", terms={**terms, "obra": "Obra."}, display_name=name, allow=allow,
           limits=DEFAULT_LIMITS)
    checks(data, formato="CSV", terms=terms, display_name=name, allow=build_allow_list([]),
           limits=DEFAULT_LIMITS)
    with data.open("a", encoding="utf-8") as handle:
        handle.write("\n")
    checks(data, formato="CSV", terms=terms, display_name=name, allow=allow, limits=DEFAULT_LIMITS)
    assert counted.calls == 4
