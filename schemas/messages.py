"""The Spanish messages of the FORM.317 rules, keyed by the rules' stable codes.

One text per code for both faces: ``pueblaabierto validar`` shows ``message`` and
``suggestion`` as a cell finding (the cell is the finding's location), the portal joins them
into the field error of a 409 (``field_error``). ``{campo}`` is the field as the reader sees
it: the workbook header in the CLI, the form label in the portal (the registry keeps both
equal). The portal passes CKAN's ``_`` so the texts go through its i18n catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pueblaabierto.schemas.rules import Problem


@dataclass(frozen=True)
class Message:
    message: str
    suggestion: str = ""


CATALOGUE: dict[str, Message] = {
    "celda-requerida": Message(
        "Falta «{campo}»: es un dato obligatorio del FORM.317.",
        "Escriba el dato. {definicion}",
    ),
    "id-no-numerico": Message(
        "«{valor}» no es un número válido para «{campo}».",
        "Escriba un número entero con las cifras 0 a 9 (p. ej. 12), sin letras, puntos, espacios ni "
        "superíndices.",
    ),
    "vocabulario-invalido": Message(
        "«{valor}» no es un valor válido para «{campo}».",
        "{quiso_decir}Valores permitidos: {lista}.",
    ),
    "correo-invalido": Message(
        "«{valor}» no es un correo electrónico válido para «{campo}».",
        "Escríbalo completo y sin espacios, p. ej. nombre.apellido@pueblacapital.gob.mx.",
    ),
    "correo-no-institucional": Message(
        "«{valor}» no es un correo institucional («{campo}»): es de un servicio público de correo y se "
        "publicaría en el portal.",
        "Use el correo institucional del funcionario (p. ej. @pueblacapital.gob.mx).",
    ),
    "nombre-incompleto": Message(
        "«{valor}» no es válido para «{campo}»: falta el nombre completo.",
        "Escriba el nombre completo (nombre y apellidos), sin números ni correos.",
    ),
    "fecha-invalida": Message(
        "«{valor}» no es una fecha válida para «{campo}».",
        "Escriba la fecha como AAAA-MM-DD (por ejemplo 2024-01-31) o DD/MM/AAAA (31/01/2024).",
    ),
    "fecha-futura": Message(
        "«{campo}» ({valor}) es posterior a hoy ({hoy}).",
        "Escriba la fecha del último dato que contiene el archivo, no una fecha planeada.",
    ),
    "fechas-invertidas": Message(
        "«{campo}» ({fin}) es anterior a la «{campo_inicio}» ({inicio}).",
        "Revise que no estén intercambiadas: la inicial es la del primer dato y la final la del último.",
    ),
    "recurso-inexistente": Message(
        "«{valor}» no es el nombre de ningún recurso del conjunto («{campo}» del término «{termino}»).",
        "Escriba el Nombre del archivo o el Nombre del Recurso tal como está registrado ({lista}), o deje "
        "«{campo}» vacío si el término aplica a todos los recursos del conjunto.",
    ),
    "titulo-largo": Message(
        "«{campo}» tiene {palabras} palabras; el formato recomienda no más de {maximo}.",
        "Acórtelo y pase el detalle a la descripción del conjunto de datos.",
    ),
}

_QUISO_DECIR = "¿Quiso decir «{sugerencia}»? "


def _identity(text: str) -> str:
    return text


def render(
    problem: Problem, campo: str, *, translate: Callable[[str], str] = _identity, **context: Any
) -> tuple[str, str]:
    """(message, suggestion) of ``problem`` about field ``campo``; ``context`` adds e.g. ``definicion``."""
    entry = CATALOGUE[problem.code]
    params: dict[str, Any] = {"campo": campo, "definicion": "", **context, **problem.params}
    suggestion = params.get("sugerencia")
    params["quiso_decir"] = translate(_QUISO_DECIR).format(sugerencia=suggestion) if suggestion else ""
    message = translate(entry.message).format(**params)
    hint = translate(entry.suggestion).format(**params).strip() if entry.suggestion else ""
    return message, hint


def field_error(problem: Problem, campo: str, *, translate: Callable[[str], str] = _identity, **context: Any) -> str:
    """The portal's one-line error: the message, then how to fix it."""
    message, hint = render(problem, campo, translate=translate, **context)
    return f"{message} {hint}".strip()
