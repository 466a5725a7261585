"""Bad input and faults: Spanish messages, limits, archives, interrupted jobs and «Reintentar»."""

from __future__ import annotations

import io
import stat
import zipfile

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckanext.pueblaabierto.entregas import records, storage
from ckanext.pueblaabierto.entregas.model import Entrega, EntregaVersion

from .conftest import EJEMPLOS, PLUGINS, act, bytes_upload, example_files, run_jobs, upload

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "with_request_context"),
]

OFICIO = {"oficio_numero": "SISP/DA/0123/2024", "oficio_fecha": "2024-05-02"}


def _count() -> tuple[int, int]:
    return model.Session.query(Entrega).count(), model.Session.query(EntregaVersion).count()


def _zip(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, "/etc/passwd")
    return out.getvalue()


def test_missing_oficio_and_wrong_workbook_type_are_refused_in_spanish(people):
    workbook, data = example_files("obra-publica")
    with pytest.raises(tk.ValidationError) as error:
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data,
            oficio_numero="", oficio_fecha="enero 2024")
    assert "número del oficio" in str(error.value.error_dict["oficio_numero"])
    assert "DD/MM/AAAA o AAAA-MM-DD" in str(error.value.error_dict["oficio_fecha"])
    pdf = bytes_upload(b"%PDF-1.4 hola", "FORM.317.pdf")
    with pytest.raises(tk.ValidationError, match="no es un libro de Excel"):
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=pdf, archivos=data, **OFICIO)
    exe = bytes_upload(b"MZ\x90\x00", "programa.exe")
    with pytest.raises(tk.ValidationError, match="no es de un tipo que se publique"):
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=upload(
            EJEMPLOS / "obra-publica" / "FORM.317.xlsx"), archivos=[exe], **OFICIO)
    assert _count() == (0, 0)


@pytest.mark.ckan_config("pueblaabierto.entregas.max_file_mb", "1")
@pytest.mark.ckan_config("pueblaabierto.entregas.max_files", "3")
def test_limits_are_config_options_with_spanish_messages(people):
    workbook, _data = example_files("obra-publica")
    big = bytes_upload(b"a,b\n" + b"1,2\n" * 300_000, "grande.csv")
    with pytest.raises(tk.ValidationError, match="pesa más de 1 MB"):
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=[big], **OFICIO)
    many = [bytes_upload(b"a\n1\n", f"f{i}.csv") for i in range(4)]
    with pytest.raises(tk.ValidationError, match="máximo por entrega es 3"):
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=many, **OFICIO)
    assert _count() == (0, 0)
    # Nothing left on disk either.
    assert not any(p.is_file() for p in storage.root().rglob("*")) if storage.root().exists() else True


@pytest.mark.ckan_config("ckan.max_resource_size", "1")
def test_the_file_limit_is_the_portals_resource_limit_unless_set_apart(people, ckan_config, monkeypatch):
    # One number to adjust: an entrega accepts the same files as a resource upload.
    from ckanext.pueblaabierto.entregas import limits

    assert limits.current().max_file_mb == 1
    workbook, _data = example_files("obra-publica")
    big = bytes_upload(b"a,b\n" + b"1,2\n" * 300_000, "grande.csv")
    with pytest.raises(tk.ValidationError, match="pesa más de 1 MB"):
        act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=[big], **OFICIO)
    assert _count() == (0, 0)
    monkeypatch.setitem(ckan_config, "pueblaabierto.entregas.max_file_mb", "3")
    assert limits.current().max_file_mb == 3


@pytest.mark.ckan_config("pueblaabierto.entregas.max_unzipped_mb", "1")
def test_zip_decompressing_beyond_the_limit_is_reported(people):
    workbook, _data = example_files("obra-publica")
    archive = bytes_upload(_zip({"entrega/datos.csv": b"a,b\n" + b"1,2\n" * 400_000}), "entrega.zip")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook,
                  archivos=[archive], **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "con_errores"
    (finding,) = shown["report"]["errors"]
    assert finding["code"] == "zip-demasiado-grande"
    assert "más de 1 MB" in finding["message"]


@pytest.mark.parametrize(
    ("members", "links", "code"),
    [
        ({"../../fuera.csv": b"a\n1\n"}, (), "zip-ruta-insegura"),
        ({"entrega/C:/Windows/x.csv": b"a\n"}, (), None),
        ({"entrega/datos.csv": b"a\n1\n"}, ("entrega/enlace.csv",), "zip-enlace"),
        ({}, (), "zip-vacio"),
    ],
)
def test_unsafe_zips_are_refused_without_writing_outside(people, members, links, code):
    workbook, _data = example_files("obra-publica")
    archive = bytes_upload(_zip(members, links=links), "entrega.zip")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook,
                  archivos=[archive], **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "con_errores"
    if code:
        assert shown["report"]["errors"][0]["code"] == code
        assert "Traceback" not in str(shown)
    version = records.latest(created["id"])
    folder = storage.version_dir(created["id"], version.number)
    assert not (folder.parent / "fuera.csv").exists() and not (folder / "fuera.csv").exists()


def test_a_damaged_zip_gets_a_spanish_finding(people):
    workbook, _data = example_files("obra-publica")
    archive = bytes_upload(b"PK\x03\x04 esto no es un zip", "entrega.zip")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook,
                  archivos=[archive], **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["report"]["errors"][0]["code"] == "zip-danado"
    assert "Carpeta comprimida" in shown["report"]["errors"][0]["message"]


def test_an_unreadable_workbook_is_a_finding_not_a_traceback(people):
    fake = bytes_upload(b"<html><body>no soy excel</body></html>", "FORM.317.xlsx")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=fake, archivos=[],
                  **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "con_errores"
    assert shown["report"]["errors"][0]["message"]
    assert "Traceback" not in str(shown)


def test_interrupted_validation_shows_reintentar_and_retry_completes(people):
    workbook, data = example_files("obra-publica")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data,
                  **OFICIO)
    # The worker picked the job and was killed: the row says «validando», the job is gone.
    from ckan.lib import jobs

    jobs.get_queue().empty()
    version = records.latest(created["id"])
    version.status = "validando"
    model.Session.commit()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "interrumpida" and shown["can_retry"] is True
    assert "Reintentar" in shown["error"]
    act(people.datos, "submission_retry", id=created["id"])
    assert run_jobs() == 1
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "valida"
    with pytest.raises(tk.ValidationError, match="nada que reintentar"):
        act(people.datos, "submission_retry", id=created["id"])


def test_a_broken_job_leaves_fallo_with_reintentar(people):
    workbook, data = example_files("obra-publica")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data,
                  **OFICIO)
    version = records.latest(created["id"])
    # Disk trouble: where the job unpacks the files there is a file it cannot replace.
    blocker = storage.version_dir(created["id"], version.number) / storage.DATA
    blocker.write_text("no es una carpeta")
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "fallo" and shown["can_retry"] is True
    assert "Reintentar" in shown["error"] and "Traceback" not in shown["error"]
    blocker.unlink()
    act(people.datos, "submission_retry", id=created["id"])
    run_jobs()
    assert act(people.datos, "submission_show", id=created["id"])["state"] == "valida"
