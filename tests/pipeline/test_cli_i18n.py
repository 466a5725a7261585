"""Click's own messages (usage errors, --help) are Spanish in the pueblaabierto command only."""

from __future__ import annotations

import ast
import gettext
import importlib
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pueblaabierto.cli import main
from pueblaabierto.cli_i18n import CLICK_MODULES, MESSAGES, PLURALS, SpanishGroup, spanish_click

# What Click 8.1 prints in English; none of it may reach an enlace.
ENGLISH = re.compile(
    r"Usage:|Try '|Error: Missing|Missing argument|Missing option|No such (option|command)|Did you mean"
    r"|does not exist|Invalid value|is a directory|is a file|Options:|Commands:|Show this message|\[OPTIONS\]"
    r"|COMMAND \[ARGS\]|requires an argument|unexpected extra argument| PATH | FILE |Aborted"
)


def click_msgids() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal passed to ``_``/``ngettext`` in the installed Click's modules."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for name in CLICK_MODULES:
        source = Path(importlib.import_module(name).__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and literals:
                singles.add(literals[0])
            elif node.func.id == "ngettext" and len(literals) >= 2:
                plurals.add((literals[0], literals[1]))
    return singles, plurals


def fields(text: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return names | set(re.findall(r"%\((\w+)\)s", text))


def test_catalog_covers_every_click_message():
    # Fails after a Click upgrade that adds or rewords a message: translate the new msgid.
    singles, plurals = click_msgids()
    assert singles and plurals
    assert sorted(singles - set(MESSAGES)) == []
    assert sorted(plurals - set(PLURALS)) == []


def test_translations_only_use_the_placeholders_click_passes():
    for msgid, spanish in MESSAGES.items():
        assert fields(spanish) <= fields(msgid), msgid
    for (one, many), (uno, varios) in PLURALS.items():
        assert fields(uno) <= fields(one) | fields(many), one
        assert fields(varios) <= fields(one) | fields(many), many


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="pueblaabierto")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validar"], "Error: Falta el argumento 'FORMATO'."),
        (["validar", "x.xlsx", "--jsn"], "Error: No existe la opción --jsn. ¿Quiso decir --json?"),
        (["validar", "x.xlsx", "--no-existe"], "Error: No existe la opción --no-existe."),
        (["validar", "x.xlsx", "--html"], "Error: La opción --html requiere un valor."),
        (["validar", "a.xlsx", "b.xlsx"], "Error: Sobra un argumento: b.xlsx."),
        (["validr"], "Error: No existe el comando «validr»."),
        (["plantilla", "."], "Error: Valor no válido para 'SALIDA': «.» es una carpeta; se esperaba un archivo."),
        (["plantilla", "salida.txt"], "Error: Valor no válido: la plantilla se guarda como libro de Excel"),
    ],
)
def test_usage_errors_are_spanish_and_exit_2(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    if args[-1] != "--html":  # Click's parser raises this one without the usage line
        assert "Uso: pueblaabierto" in result.output and "[OPCIONES]" in result.output
        assert "Para ver la ayuda escriba: pueblaabierto" in result.output and "--help" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_help_is_spanish():
    group = run("--help")
    assert group.exit_code == 0
    assert "Uso: pueblaabierto [OPCIONES] COMANDO [ARGS]..." in group.output
    assert "Opciones:" in group.output and "Comandos:" in group.output
    assert "Muestra esta ayuda y termina." in group.output
    validar = run("validar", "--help")
    assert "Uso: pueblaabierto validar [OPCIONES] FORMATO" in validar.output
    assert "--datos CARPETA" in validar.output
    for result in (group, validar, run("plantilla", "--help"), run("lote", "--help"), run("publicar", "--help")):
        assert result.exit_code == 0
        assert not ENGLISH.search(result.output), result.output


def test_path_checks_of_click_are_spanish():
    # Our commands check existence themselves; a Path(exists=True) still must not speak English.
    group = SpanishGroup("prueba")

    @group.command()
    @click.argument("carpeta", type=click.Path(exists=True, file_okay=False))
    def revisar(carpeta: str) -> None: ...

    result = CliRunner().invoke(group, ["revisar", "no-existe-en-ningun-lado"])
    assert result.exit_code == 2
    assert "Valor no válido para 'CARPETA': No existe «no-existe-en-ningun-lado»." in result.output
    assert not ENGLISH.search(result.output), result.output


def test_translation_is_restored_after_our_command():
    # Other Click programs in the same process (the embedded portal CLI) keep their wording.
    run("validar")
    assert click.core._ is gettext.gettext and click.exceptions.ngettext is gettext.ngettext

    @click.command()
    @click.argument("archivo")
    def other(archivo: str) -> None: ...

    assert "Missing argument 'ARCHIVO'" in CliRunner().invoke(other, []).output
    with spanish_click(), spanish_click():  # nesting restores the outer binding, then the original
        assert click.core._("Usage:") == "Uso:"
    assert click.formatting._ is gettext.gettext


def test_real_console_script_speaks_spanish():
    script = Path(sys.executable).parent / "pueblaabierto"
    command = [str(script)] if script.exists() else [shutil.which("pueblaabierto") or "pueblaabierto"]
    usage = subprocess.run([*command, "validar"], capture_output=True, text=True, check=False, timeout=60)
    assert usage.returncode == 2
    assert "Error: Falta el argumento 'FORMATO'." in usage.stderr
    assert "Uso: pueblaabierto validar [OPCIONES] FORMATO" in usage.stderr
    assert not ENGLISH.search(usage.stderr) and "Traceback" not in usage.stderr
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False, timeout=60)
    assert helped.returncode == 0 and "Comandos:" in helped.stdout and not ENGLISH.search(helped.stdout)
