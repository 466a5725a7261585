"""The municipality's account naming convention (pure function)."""

from __future__ import annotations

import pytest
from ckanext.pueblaabierto.workflow.naming import NamingError, account_name, candidates


def free(*used: str):
    return lambda name: name in used


def test_first_letter_of_first_name_plus_first_surname():
    assert account_name("Juan Carlos", "Pérez", "García", taken=free()) == "jperez"


def test_accents_removed_and_enye_becomes_n():
    assert account_name("Íñigo", "Muñoz", "Ávila", taken=free()) == "imunoz"
    assert account_name("Ángela", "Núñez", taken=free()) == "anunez"


def test_collision_adds_second_surname_initial():
    assert account_name("Juana", "Pérez", "Órtiz", taken=free("jperez")) == "jperezo"


def test_collision_without_second_surname_and_double_collision_get_a_number():
    assert account_name("Juana", "Pérez", taken=free("jperez")) == "jperez2"
    assert account_name("Juana", "Pérez", "Ortiz", taken=free("jperez", "jperezo")) == "jperezo2"


def test_compound_surname_and_spaces():
    assert candidates("  maría  josé ", "de la Rosa", "López") == ["mdelarosa", "mdelarosal"]


def test_missing_parts_are_refused_in_spanish():
    with pytest.raises(NamingError, match="primer apellido"):
        account_name("Juan", "", taken=free())
