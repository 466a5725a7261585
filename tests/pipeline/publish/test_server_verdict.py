"""How ``publicar`` reads the portal's verdict (publish/server_validation.py): what it prints
and when it refuses to send to review. The live path is in test_publicar.py."""

from __future__ import annotations

import pytest
from pueblaabierto.publish.server_validation import NotValidated, require_valid

CURP = {"code": "datos-personales-curp", "message": "La columna \"r\" contiene 1 CURP.", "location": "a.csv"}
HEADER = {"code": "encabezado-vacio", "message": "La columna C no tiene encabezado.", "location": "a.csv, fila 1"}


def test_personal_findings_go_to_review_and_are_announced():
    state = {"status": "valido", "report": {"errors": [CURP], "warnings": []}, "blocking_errors": 0,
             "personal_findings": 1, "warnings": 0}
    assert require_valid(state) == (
        "Validación del portal: sin errores; 1 hallazgo(s) de datos personales que revisará el Enlace de Seguridad"
    )


def test_errors_stop_the_sending_and_say_which():
    state = {"status": "con_errores", "report": {"errors": [CURP, HEADER], "warnings": []}, "blocking_errors": 1}
    with pytest.raises(NotValidated) as refused:
        require_valid(state)
    assert refused.value.message.startswith("La validación del portal encontró 1 error(es): La columna C no tiene")
    assert "No se envió a revisión" in refused.value.message and "CURP" not in refused.value.message


def test_a_failed_validation_points_to_reintentar():
    with pytest.raises(NotValidated, match="Reintentar"):
        require_valid({"status": "fallo", "error": "No se encontró el servidor «x.invalid»."})


def test_the_verdict_line_of_publicar_says_where_the_validation_stands():
    from pueblaabierto.publish.server_validation import verdict_line

    assert verdict_line({"status": "valido", "personal_findings": 0}) == "Validación del portal: sin errores"
    line = verdict_line({"status": "con_errores", "report": {"errors": [CURP, HEADER]}, "blocking_errors": 1,
                         "personal_findings": 1})
    assert line.startswith("Validación del portal: 1 error(es): La columna C no tiene encabezado.")
    assert "Corríjalos antes de enviar a revisión" in line and "1 hallazgo(s) de datos personales" in line
    assert "Reintentar" in verdict_line({"status": "fallo", "error": "No respondió."})
    assert "aún en curso (Validando)" in verdict_line({"status": "validando", "status_label": "Validando"})
    assert "aún en curso" in verdict_line({"status": "valido", "stale": True})
