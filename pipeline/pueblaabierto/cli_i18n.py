"""Click's own messages in Spanish, for the ``pueblaabierto`` command only.

Click 8.1 writes its usage errors and help headings ("Missing argument", "Usage:",
"Options", "Show this message and exit.") through ``gettext.gettext``/``ngettext``,
imported once as module-level ``_``/``ngettext`` names in click.core, click.exceptions,
click.parser, click.types, etc. Our users are municipal staff who read Spanish only, so
every one of those messages is translated here.

Why this shape:

* A Python dict, not a compiled ``.mo``: the catalog is ~60 short strings that reviewers
  can read in the diff, it needs no build step nor package data, and a test compares it
  with the msgids of the installed Click, so an upgrade that adds a message fails loudly
  instead of leaking English.
* Not ``gettext.install``/``textdomain``: Click uses the stdlib *default* domain, shared
  by every library in the process, and the result would depend on LANGUAGE/LC_ALL.
* Scoped to our command's run (``SpanishGroup.main``), not rebound at import: other
  Click programs import ``pueblaabierto.cli`` in-process (the embedded portal's CLI) and
  must keep their own wording. The previous bindings are restored on exit, so nesting is
  fine; while our command runs the rebinding is process-wide, which is harmless for a
  single-threaded CLI.
* Two texts are not gettext calls in Click 8.1 and are set on our classes instead: the
  ``[OPTIONS]``/``COMMAND [ARGS]...`` metavars in the usage line, and the name of
  ``click.Path`` types ("file", "path"), which Click translates when the decorator runs
  (at import, before any translation is active) and prints as the default metavar.
"""

from __future__ import annotations

import gettext
import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

# msgid (Click 8.1.7) -> Spanish. Placeholders must be a subset of the msgid's (the caller
# formats with the msgid's names); "{x!r}" becomes «{x}» because repr quotes read as code.
MESSAGES: dict[str, str] = {
    # click.core
    "Show this message and exit.": "Muestra esta ayuda y termina.",
    "Missing command.": "Falta el comando.",
    "required": "obligatorio",
    "Aborted!": "Cancelado.",
    "(Deprecated) {text}": "(Obsoleto) {text}",
    "Options": "Opciones",
    "DeprecationWarning: The command {name!r} is deprecated.": "Aviso: el comando «{name}» está en desuso.",
    "Commands": "Comandos",
    "No such command {name!r}.": "No existe el comando «{name}».",
    "Value must be an iterable.": "El valor debe ser una lista.",
    "(dynamic)": "(dinámico)",
    "env var: {var}": "variable de entorno: {var}",
    "default: {default}": "por omisión: {default}",
    # click.exceptions
    "Missing argument": "Falta el argumento",
    "Missing option": "Falta la opción",
    "Missing parameter": "Falta el parámetro",
    "Missing {param_type}": "Falta {param_type}",
    "Missing parameter: {param_name}": "Falta el parámetro: {param_name}",
    "unknown error": "error desconocido",
    "Invalid value for {param_hint}: {message}": "Valor no válido para {param_hint}: {message}",
    "Invalid value: {message}": "Valor no válido: {message}",
    "Could not open file {filename!r}: {message}": "No se pudo abrir el archivo «{filename}»: {message}",
    "Error: {message}": "Error: {message}",
    "Try '{command} {option}' for help.": "Para ver la ayuda escriba: {command} {option}",
    "No such option: {name}": "No existe la opción {name}.",
    # click.parser
    "Option {name!r} does not take a value.": "La opción {name} no lleva valor.",
    "Argument {name!r} takes {nargs} values.": "El argumento {name} requiere {nargs} valores.",
    # click.types
    "file": "archivo",
    "directory": "carpeta",
    "path": "ruta",
    "Choose from:\n\t{choices}": "Elija entre:\n\t{choices}",
    "{value!r} is not a valid boolean.": "«{value}» no es un valor sí/no válido.",
    "{value} is not in the range {range}.": "{value} no está en el intervalo {range}.",
    "{value!r} is not a valid {number_type}.": "«{value}» no es un número válido.",
    "{value!r} is not a valid UUID.": "«{value}» no es un UUID válido.",
    "{name} {filename!r} is a file.": "«{filename}» es un archivo; se esperaba una carpeta.",
    "{name} '{filename}' is a directory.": "«{filename}» es una carpeta; se esperaba un archivo.",
    "{name} {filename!r} is not readable.": "No se puede leer «{filename}»: revise los permisos.",
    "{name} {filename!r} is not writable.": "No se puede escribir «{filename}»: revise los permisos.",
    "{name} {filename!r} is not executable.": "«{filename}» no es un programa ejecutable.",
    "{name} {filename!r} does not exist.": "No existe «{filename}».",
    # click.decorators
    "%(prog)s, version %(version)s": "%(prog)s, versión %(version)s",
    "Show the version and exit.": "Muestra la versión y termina.",
    # click.formatting
    "Usage:": "Uso:",
    # click.termui, click._termui_impl (prompts, editor)
    "Press any key to continue...": "Pulse cualquier tecla para continuar...",
    "Repeat for confirmation": "Repita para confirmar",
    "Error: The two entered values do not match.": "Error: los dos valores escritos no coinciden.",
    "Error: The value you entered was invalid.": "Error: el valor escrito no es válido.",
    "Error: invalid input": "Error: entrada no válida",
    "Error: {e.message}": "Error: {e.message}",
    "{editor}: Editing failed": "{editor}: no se pudo editar",
    "{editor}: Editing failed: {e}": "{editor}: no se pudo editar: {e}",
    # click.shell_completion
    "Couldn't detect Bash version, shell completion is not supported.":
        "No se pudo detectar la versión de Bash: el autocompletado no está disponible.",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "El autocompletado requiere Bash 4.4 o posterior.",
}

# (singular msgid, plural msgid) -> (Spanish singular, Spanish plural); Spanish, like
# English, uses the singular for n == 1 only.
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Sobra un argumento: {args}.", "Sobran argumentos: {args}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Requiere {nargs} valores, pero se dio 1.", "Requiere {nargs} valores, pero se dieron {len}."),
    ("Did you mean {possibility}?", "(Possible options: {possibilities})"):
        ("¿Quiso decir {possibility}?", "(Opciones posibles: {possibilities})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("La opción {name} requiere un valor.", "La opción {name} requiere {nargs} valores."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("«{value}» no es {choice}.", "«{value}» no es ninguno de estos: {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("«{value}» no tiene el formato {format}.", "«{value}» no tiene ninguno de los formatos {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("Se requieren {len_type} valores, pero se dio {len_value}.",
         "Se requieren {len_type} valores, pero se dieron {len_value}."),
}

# Click modules that hold ``_``/``ngettext`` names bound to the stdlib functions.
CLICK_MODULES: Sequence[str] = (
    "click.core",
    "click.exceptions",
    "click.parser",
    "click.types",
    "click.decorators",
    "click.formatting",
    "click.termui",
    "click._termui_impl",
    "click.shell_completion",
)

OPTIONS_METAVAR = "[OPCIONES]"
SUBCOMMAND_METAVAR = "COMANDO [ARGS]..."


class SpanishClickTranslations(gettext.NullTranslations):
    """Click's messages from MESSAGES/PLURALS; anything unknown falls back to English."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        pair = PLURALS.get((msgid1, msgid2))
        if pair is None:
            return super().ngettext(msgid1, msgid2, n)
        return pair[0] if n == 1 else pair[1]


TRANSLATIONS = SpanishClickTranslations()


@contextmanager
def spanish_click() -> Iterator[None]:
    """While the block runs, Click's own messages are Spanish; the old bindings come back after."""
    saved: list[tuple[Any, str, Any]] = []
    try:
        for name in CLICK_MODULES:
            module = importlib.import_module(name)
            for attr, replacement in (("_", TRANSLATIONS.gettext), ("ngettext", TRANSLATIONS.ngettext)):
                if attr in vars(module):
                    saved.append((module, attr, vars(module)[attr]))
                    setattr(module, attr, replacement)
        yield
    finally:
        for module, attr, original in reversed(saved):
            setattr(module, attr, original)


def _spanish_param_types(params: list[click.Parameter]) -> None:
    """Path types got their English name at decoration time; it is their default metavar."""
    for param in params:
        if isinstance(param.type, click.Path):
            param.type.name = MESSAGES.get(param.type.name, param.type.name)


class SpanishCommand(click.Command):
    """A subcommand whose usage line and Path metavars are Spanish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        _spanish_param_types(self.params)


class SpanishGroup(click.Group):
    """The ``pueblaabierto`` group: every message Click prints while it runs is Spanish."""

    command_class = SpanishCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)
        _spanish_param_types(self.params)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with spanish_click():
            return super().main(*args, **kwargs)
