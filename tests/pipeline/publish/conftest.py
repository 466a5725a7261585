"""Helpers for the publishing tests: FORM.317 workbooks written with openpyxl, the CLI, the live CKAN."""

from __future__ import annotations

import io
import itertools
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from pueblaabierto.cli import main
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.template import build_template

# Each test gets its own Dependencia (the live CKAN is shared by the whole session).
_ids = itertools.count(700)
_WORDS = ["Abasto", "Bacheo", "Cultura", "Deporte", "Empleo", "Fomento", "Gestion", "Hacienda", "Imagen",
          "Juventud", "Limpia", "Mercados", "Normas", "Obras", "Parques", "Rastro", "Salud", "Turismo"]


def png_bytes(color: str = "#7A1F3D") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def csv_bytes(rows: int, start: int = 0) -> bytes:
    lines = ["mercado,locales,apertura"]
    lines += [f"Mercado {i},{100 + i % 400},2024-0{1 + i % 9}-1{i % 10}" for i in range(start, start + rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Resource:
    archivo: str
    nombre: str
    content: bytes
    tipo: str = "Tabla"
    formato: str = "CSV"
    inicio: date = date(2024, 1, 1)
    fin: date = date(2024, 12, 31)


@dataclass
class Form:
    """A FORM.317 submission in a folder: one Dependencia, one dataset, its resources."""

    folder: Path
    id_dependencia: int = field(default_factory=lambda: next(_ids))
    dataset_title: str = ""
    notes: str = "Mercados municipales de Puebla y el número de locales de cada uno."
    tema: str = "Economía y Empleo"
    resources: list[Resource] = field(default_factory=list)
    terms: list[tuple[str, ...]] = field(default_factory=lambda: [
        ("mercado", "Nombre del mercado."),
        ("locales", "Número de locales comerciales."),
        ("apertura", "Fecha de apertura del padrón."),
    ])

    def __post_init__(self) -> None:
        word = _WORDS[self.id_dependencia % len(_WORDS)]
        self.dependencia = f"Dirección de {word} {self.id_dependencia}"
        self.dataset_title = self.dataset_title or f"Mercados de {word} {self.id_dependencia}"
        if not self.resources:
            self.resources = [Resource("mercados.csv", "Mercados 2024", csv_bytes(3))]

    @property
    def path(self) -> Path:
        return self.folder / "FORM.317.xlsx"

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        rows = {
            spec.DEPENDENCIA.name: [[self.id_dependencia, self.dependencia,
                                     "Administra los mercados municipales.", "logo.png"]],
            spec.DATASET.name: [[1, self.dataset_title, self.notes, "mercados, abasto", self.id_dependencia,
                                 self.tema, "anual", "Pedro Juárez Soto", "pedro.juarez@pueblacapital.gob.mx"]],
            spec.RECURSO.name: [[r.archivo, r.tipo, r.nombre, r.inicio, r.fin, 1, r.formato]
                                for r in self.resources],
            # (término, descripción) or (término, descripción, recurso): the optional «Recurso» column.
            spec.DICCIONARIO.name: [[1, *entry] for entry in self.terms],
        }
        workbook = build_template()
        for sheet, sheet_rows in rows.items():
            for row_number, values in enumerate(sheet_rows, start=2):
                for column, value in enumerate(values, start=1):
                    workbook[sheet].cell(row=row_number, column=column, value=value)
        workbook.save(self.path)
        logo = self.folder / "logo.png"
        if not logo.exists():
            logo.write_bytes(png_bytes())
        for resource in self.resources:
            (self.folder / resource.archivo).write_bytes(resource.content)
        return self.path


@pytest.fixture
def form(tmp_path: Path) -> Form:
    return Form(tmp_path / "entrega")


@dataclass
class Run:
    code: int
    output: str
    data: dict[str, Any] | None


@pytest.fixture
def cli(live_ckan):
    """Run ``pueblaabierto`` in-process against the live CKAN; ``--json`` output is parsed."""

    def run(*args: str, token: str | None = None, url: str | None = None, **env: str) -> Run:
        environment = {
            "CKAN_URL": url or live_ckan.url,
            "CKAN_API_TOKEN": live_ckan.token if token is None else token,
            "PUEBLAABIERTO_REINTENTOS": "2",
            "PUEBLAABIERTO_ESPERA": "0.1",
            **env,
        }
        result: Result = CliRunner(mix_stderr=False).invoke(main, list(args), env=environment)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        # Rich wraps at 80 columns off a terminal: compare sentences, not line breaks.
        output = " ".join((result.stdout + result.stderr).split())
        data = json.loads(result.stdout) if "--json" in args and result.stdout.strip().startswith("{") else None
        return Run(result.exit_code, output, data)

    return run


def cli_environment(live_ckan) -> dict[str, str]:
    return {**os.environ, "CKAN_URL": live_ckan.url, "CKAN_API_TOKEN": live_ckan.token}
