"""Fixtures of the workflow tests: four real liaisons, an outsider, a real SMTP server.

Datasets are created through actions *without* ``ignore_auth`` (as the portal and the API
do), so the workflow guard applies exactly as in production. Their resource is a CSV served
over real HTTP (tests/plugin/verification/helpers.py), holding a CURP; ``act`` runs the
server's validation job synchronously before ``enviar_revision``, as the jobs worker would.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from types import SimpleNamespace

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from ckan.tests import factories

from tests.plugin.verification.helpers import CLEAN_CSV, CURP_KEY, OBRAS_CSV, DataServer, run_validation
from tests.plugin.verification.helpers import truncate as truncate_validations

PLUGINS = "pueblaabierto activity datastore pueblaabierto_datastore"
SEDES_GEOJSON = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nombre": "Zócalo"}, '
    '"geometry": {"type": "Point", "coordinates": [-98.198, 19.043]}}]}'
)


@pytest.fixture
def wf_db(clean_db, clean_index):
    """CKAN's clean database plus empty workflow tables (TRUNCATE: the record refuses DELETE)."""
    from ckanext.pueblaabierto.workflow import model as wf_model

    wf_model.truncate_all(model.Session)
    model.Session.commit()
    truncate_validations()


@pytest.fixture(scope="session")
def data_server():
    server = DataServer()
    server.files["/obras.csv"] = CLEAN_CSV.encode("utf-8")
    server.files["/obras-2025.csv"] = CLEAN_CSV.encode("utf-8")
    server.files["/curp/obras.csv"] = OBRAS_CSV.encode("utf-8")
    server.files["/sedes.geojson"] = SEDES_GEOJSON.encode("utf-8")
    server.files["/actualizacion/obras.csv"] = b"folio,obra\naprobado-1,Bacheo\n"
    server.files["/actualizacion/obras-2025.csv"] = b"folio,obra\nsin-revisar-2025,Alumbrado\n"
    try:
        yield server
    finally:
        server.stop()


def act(who: dict | None, action: str, /, **data):
    """Call an action as ``who`` (None: anonymous), with real auth, like an API request.

    Before ``enviar_revision`` (and the demo walk, which starts with it) the server's validation
    job runs, synchronously: there is no jobs worker in-process.
    """
    sends = action == "workflow_transition" and data.get("transition") == "enviar_revision"
    if sends or action == "workflow_demo_publish":
        if model.Package.get(data.get("id") or "") is not None:
            run_validation(data["id"])
    context = {"user": who["name"] if who else "", "ignore_auth": False}
    return tk.get_action(action)(context, data)


@pytest.fixture
def people(wf_db, data_server, ckan_config, monkeypatch):
    # The CSV is served from 127.0.0.1: allowed for these tests only (SSRF guard, download.py).
    monkeypatch.setitem(ckan_config, "pueblaabierto.validation.allow_private_urls", True)
    sysadmin = factories.Sysadmin(name="admin-portal")
    org = factories.Organization(name="movilidad", title="Secretaría de Movilidad")
    other_org = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    datos = factories.User(name="jperez", email="jperez@pueblacapital.gob.mx", fullname="Juan Pérez")
    seguridad = factories.User(name="mlopez", email="mlopez@pueblacapital.gob.mx", fullname="María López")
    transparencia = factories.User(name="agarcia", email="agarcia@pueblacapital.gob.mx", fullname="Ana García")
    tecnico = factories.User(name="rnunez", email="rnunez@pueblacapital.gob.mx", fullname="Raúl Núñez")
    outsider = factories.User(name="otraeditora", email="otra@pueblacapital.gob.mx")
    # An editor of *another* dependency: must see nothing of ours.
    act(sysadmin, "organization_member_create", id=other_org["id"], username=outsider["name"], role="editor")
    act(sysadmin, "workflow_role_assign", user=datos["name"], role="enlace_datos_abiertos", organization=org["name"])
    act(sysadmin, "workflow_role_assign", user=seguridad["name"], role="enlace_seguridad", organization=org["name"])
    act(sysadmin, "workflow_role_assign", user=transparencia["name"], role="enlace_transparencia")
    act(sysadmin, "workflow_role_assign", user=tecnico["name"], role="enlace_tecnico")
    return SimpleNamespace(
        sysadmin=sysadmin, org=org, other_org=other_org, datos=datos, seguridad=seguridad,
        transparencia=transparencia, tecnico=tecnico, outsider=outsider, data_url=data_server.url,
    )


def new_dataset(people, name: str = "obras-publicas", personal: bool = False, **extra) -> dict:
    """A draft of the enlace de datos abiertos; ``personal``: its CSV holds a CURP (PERSONAL_KEY)."""
    path = "/curp/obras.csv" if personal else "/obras.csv"
    data = {
        "name": name,
        "title": "Obras públicas 2024",
        "notes": "Obras con ubicación y presupuesto.",
        "owner_org": people.org["id"],
        "private": False,  # asked public on purpose: the workflow must still keep it private
        "resources": [{"url": f"{people.data_url}{path}", "name": "Obras", "format": "CSV"}],
    }
    data.update(extra)
    return act(people.datos, "package_create", **data)


# A submission's report in the pipeline's shape (``Report.to_dict()``): an error of the form
# and a personal-data finding of a data file, as ``pueblaabierto validar --json`` writes them.
REPORT = {
    "valid": False,
    "errors": [
        {"code": "celda-obligatoria", "message": "Falta la frecuencia.", "severity": "error",
         "suggestion": "Elija la frecuencia de la lista.", "sheet": "Dataset", "row": 2, "column": "G",
         "file": None, "rows": [], "sample": None, "count": None, "location": "Dataset!G2"},
        {
            "code": "datos-personales-curp",
            "message": 'La columna "responsable" contiene 1 CURP (Clave Única de Registro de Población) (fila 3). '
                       "Ejemplo enmascarado: «GAPA85****MPL***09».",
            "severity": "error",
            "suggestion": "Los datos personales no pueden publicarse. Elimine la columna o esos valores.",
            "sheet": None, "row": 3, "column": "responsable", "file": "obras.csv", "rows": [3],
            "sample": "GAPA85****MPL***09", "count": 1,
            "location": 'obras.csv, columna "responsable", fila 3',
        },
    ],
    "warnings": [],
}
# The server's finding about the CURP of obras.csv (the client's REPORT above is ignored).
PERSONAL_KEY = CURP_KEY


def store_report(dataset_id: str, report: dict) -> None:
    """The validation report stored for a dataset under review, as the workflow keeps it (its state
    row), whichever path produced it (the server's validation lands there)."""
    from ckanext.pueblaabierto.verification import verdict
    from ckanext.pueblaabierto.workflow import model as wf_model

    row = wf_model.get_state(dataset_id)
    assert row is not None, "send the dataset to review first"
    # Keep the server's mark of what was sent (its fingerprint): the later steps check it.
    server = (row.report or {}).get(verdict.SERVER_KEY)
    row.report = {**report, verdict.SERVER_KEY: server} if server is not None else report
    model.Session.commit()


def publish_path(people, dataset_id: str) -> None:
    """The happy path, each step by its real liaison."""
    act(people.datos, "workflow_transition", id=dataset_id, transition="enviar_revision",
        oficio_numero="SMI/DA/0123/2024", oficio_fecha="2024-05-02", validation_report=REPORT)
    act(people.transparencia, "workflow_transition", id=dataset_id, transition="aprobar")
    act(people.seguridad, "workflow_transition", id=dataset_id, transition="aprobar",
        acknowledged_findings=[PERSONAL_KEY])
    act(people.datos, "workflow_transition", id=dataset_id, transition="solicitar_publicacion",
        oficio_numero="SMI/DA/0140/2024", oficio_fecha="2024-05-10")
    act(people.tecnico, "workflow_transition", id=dataset_id, transition="publicar")


# -- A real SMTP server --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


@dataclass
class Mailbox:
    messages: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.original_content or envelope.content)
        payload = parsed.get_payload(decode=True) if not parsed.is_multipart() else (
            parsed.get_payload()[0].get_payload(decode=True)
        )
        self.messages.append(
            Mail(
                to=list(envelope.rcpt_tos),
                subject=str(make_header(decode_header(parsed["Subject"]))),
                body=payload.decode(parsed.get_content_charset() or "utf-8"),
            )
        )
        return "250 OK"

    def to(self, email: str) -> list[Mail]:
        return [m for m in self.messages if email in m.to]

    def wait(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def smtp(ckan_config, monkeypatch):
    """aiosmtpd on a free port; CKAN's mailer pointed at it."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "puebla-abierto@pueblacapital.gob.mx")
    monkeypatch.setitem(ckan_config, "smtp.starttls", False)
    try:
        yield mailbox
    finally:
        controller.stop()


def transition_count() -> int:
    return model.Session.execute(sa.text("SELECT count(*) FROM pueblaabierto_workflow_transition")).scalar()
