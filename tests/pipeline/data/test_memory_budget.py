"""The declared memory budget (Limits.memory_budget_mb) holds for large inputs of every format.

Each case runs the validator in a child process on a large file generated in tmp and reads
that child's peak resident memory from the kernel (os.wait4's rusage, ru_maxrss), so the
figure is the one a portal worker would see, not an estimate. Sizes are chosen to run in
seconds while exercising each reader at scale; the GeoJSON sits just under the in-memory cap
(Limits.max_in_memory_mb), the largest such file the validator accepts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pueblaabierto.data.limits import DEFAULT_LIMITS, MB

from tests.pipeline.conftest import EJEMPLOS

BUDGET_MB = DEFAULT_LIMITS.memory_budget_mb
COLUMNS = ["folio", "colonia", "monto", "fecha", "descripcion"]
COLONIAS = ["Centro Histórico", "La Paz", "Azcárate", "San Manuel", "Zaragoza", "Analco", "Xonaca"]

CHILD = """
import json, sys
from pathlib import Path
from pueblaabierto.data import validate_resource_file
from pueblaabierto.validation import validate_submission
path, formato = Path(sys.argv[1]), sys.argv[2]
if formato == "FORM":
    findings = validate_submission(path).findings
else:
    terms = dict.fromkeys(json.loads(sys.argv[3]), "d")
    findings = validate_resource_file(path, formato=formato, terms=terms, display_name=path.name)
print(json.dumps(sorted({f.code for f in findings})))
"""


# The child's ru_maxrss counts the memory of the process it was forked from (Linux carries the
# high-water mark across exec), so pytest would inflate it by its own size: a small launcher
# forks the child and reports the child's rusage from os.wait4.
LAUNCHER = """
import os, sys
child = os.fork()
if child == 0:
    os.execv(sys.executable, [sys.executable, "-c", sys.argv[1], *sys.argv[2:]])
_, status, usage = os.wait4(child, 0)
print(f"ru_maxrss_kb={usage.ru_maxrss}", flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(tmp_path: Path, path: Path, formato: str, columns: list[str]) -> tuple[float, list[str]]:
    """(peak RSS of the validating child in MB, finding codes it printed)."""
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, CHILD, str(path), formato, json.dumps(columns)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    *output, usage = result.stdout.strip().splitlines()
    return int(usage.removeprefix("ru_maxrss_kb=")) / 1024, json.loads(output[-1])


def value_rows(count: int) -> list[list[object]]:
    return [
        [f"F-{i:07d}", COLONIAS[i % 7], (i * 37) % 100_000 + 0.5, f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
         f"Apoyo número {i} entregado en la colonia {COLONIAS[(i * 3) % 7]}"]
        for i in range(count)
    ]


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        for row in value_rows(count):
            handle.write(",".join(str(v) for v in row) + "\n")
    return path


def _cell(column: int, row: int, value: object) -> str:
    ref = f"{'ABCDE'[column]}{row}"
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def write_xlsx(path: Path, count: int, *, extra_sheet_of: Path | None = None) -> Path:
    """A data workbook written part by part (openpyxl would take minutes for this size)."""
    header = "".join(_cell(c, 1, name) for c, name in enumerate(COLUMNS))
    body = "".join(
        f'<row r="{n}">' + "".join(_cell(c, n, v) for c, v in enumerate(row)) + "</row>"
        for n, row in enumerate(value_rows(count), start=2)
    )
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:E{count + 1}"/><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>')
    if extra_sheet_of is not None:
        return _add_sheet(extra_sheet_of, path, "Datos pegados", sheet)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Apoyos" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def _add_sheet(form: Path, path: Path, title: str, sheet_xml: str) -> Path:
    """``form`` with one more sheet (data pasted into the FORM.317 by mistake)."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                sheet = f'<sheet xmlns:r="{rel}" name="{title}" sheetId="99" r:id="rIdPegado"/>'
                data = data.replace(b"</sheets>", sheet.encode() + b"</sheets>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdPegado" Type="{rel}/worksheet" '
                                    'Target="/xl/worksheets/pegado.xml"/></Relationships>'.encode())
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/worksheets/pegado.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                                    b"</Types>")
            target.writestr(info, data)
        target.writestr("xl/worksheets/pegado.xml", sheet_xml)
    return path


def write_ods(path: Path, count: int) -> Path:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>' \
                   "</table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    rows = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
        for row in [list(COLUMNS), *value_rows(count)]
    )
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Apoyos">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
        'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def write_geojson(path: Path, target_bytes: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [\n')
        written, i = 0, 0
        while written < target_bytes:
            line = (f'{"," if i else ""}{{"type": "Feature", "properties": {{"nombre": "Luminaria {i}", '
                    f'"colonia": "{COLONIAS[i % 7]}", "potencia": {40 + i % 5 * 10}}}, "geometry": {{"type": "Point", '
                    f'"coordinates": [{-98.25 + (i % 997) * 1e-4:.6f}, {19.0 + (i % 991) * 1e-4:.6f}]}}}}\n')
            handle.write(line)
            written += len(line)
            i += 1
        handle.write("]}\n")
    return path


@pytest.mark.parametrize(
    ("case", "formato"),
    [("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS"), ("geojson", "GEOJSON"), ("form", "FORM")],
)
def test_peak_memory_stays_under_the_declared_budget(tmp_path, case, formato):
    columns = list(COLUMNS)
    if case == "csv":
        path = write_csv(tmp_path / "apoyos.csv", 100_000)  # ~9 MB: streamed, memory flat with size
    elif case == "xlsx":
        path = write_xlsx(tmp_path / "apoyos.xlsx", 15_000)
    elif case == "ods":
        path = write_ods(tmp_path / "apoyos.ods", 4_000)  # 2.2 MB of content.xml, read whole by odfpy
    elif case == "geojson":
        # Just under the in-memory cap: the largest GeoJSON accepted (geopandas reads it whole).
        path = write_geojson(tmp_path / "luminarias.geojson", DEFAULT_LIMITS.max_in_memory_bytes - 2 * MB)
        columns = ["nombre", "colonia", "potencia"]
    else:
        # A valid FORM.317 with 100,000 data rows pasted into an extra sheet (20x max_form_sheet_rows).
        folder = tmp_path / "entrega"
        shutil.copytree(EJEMPLOS / "obra-publica", folder)
        form = folder / "FORM.317.xlsx"
        path = write_xlsx(folder / "FORM.317-pegado.xlsx", 100_000, extra_sheet_of=form)
        form.unlink()
        path = path.rename(form)
    peak, codes = run_child(tmp_path, path, formato, columns)
    print(f"{case}: {path.stat().st_size / MB:.1f} MB file, peak RSS {peak:.0f} MB (budget {BUDGET_MB} MB)")
    # The file was really read, not refused (a refusal costs nothing and proves nothing).
    assert not {"archivo-demasiado-grande", "archivo-demasiado-comprimido"} & set(codes), codes
    if case == "form":
        assert codes == ["hoja-extra"], codes
    assert peak < BUDGET_MB, f"{case}: {peak:.0f} MB > {BUDGET_MB} MB ({path.stat().st_size / MB:.1f} MB file)"


def test_an_ods_over_its_own_cap_is_refused_before_odfpy_reads_it(tmp_path):
    path = write_ods(tmp_path / "padron.ods", 26_000)  # ~14 MB of content.xml, packed small
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > DEFAULT_LIMITS.max_ods_bytes
    from pueblaabierto.data import validate_resource_file

    terms = dict.fromkeys(COLUMNS, "d")
    [finding] = validate_resource_file(path, formato="ODS", terms=terms, display_name="padron.ods")
    assert finding.code == "archivo-demasiado-grande"
    assert f"el máximo es {DEFAULT_LIMITS.max_ods_mb} MB" in finding.message and "CSV" in finding.suggestion


def _lying_zip(path: Path, members: dict[str, bytes], declared: int) -> Path:
    """A zip whose directory claims ``declared`` bytes for its biggest member, while the data
    stored inflates to a few kB with another checksum: inflating the member fails its CRC
    check, so a refusal with the zip-bomb finding (not «dañado», not a traceback) proves the
    validator judged the directory alone and never read the decompressed bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    target = max(members, key=lambda name: len(members[name])).encode()
    # (signature, offset of the CRC, offset of the uncompressed size): central and local headers.
    for signature, crc_at, size_at in ((b"PK\x01\x02", 16, 24), (b"PK\x03\x04", 14, 22)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if raw[name_at:name_at + len(target)] == target:
                raw[at + size_at:at + size_at + 4] = declared.to_bytes(4, "little")
                raw[at + crc_at:at + crc_at + 4] = b"\xde\xad\xbe\xef"
            start = at + 4
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("what", ["data", "form"])
def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it(tmp_path, what):
    from pueblaabierto.data import validate_resource_file
    from pueblaabierto.errors import UnusableInput
    from pueblaabierto.validation import validate_submission

    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
             "xl/worksheets/sheet1.xml": b"<worksheet><sheetData>" + b"<row/>" * 2000 + b"</sheetData></worksheet>"}
    declared = 3_000_000_000  # 2.8 GB claimed; the bytes stored inflate to 14 kB
    path = _lying_zip(tmp_path / ("luminarias.xlsx" if what == "data" else "FORM.317.xlsx"), parts, declared)
    with zipfile.ZipFile(path) as archive:
        assert max(i.file_size for i in archive.infolist()) == declared
        with pytest.raises(zipfile.BadZipFile):  # what any reader that inflated it would hit
            archive.read("xl/worksheets/sheet1.xml")
    if what == "data":
        [finding] = validate_resource_file(path, formato="XLSX", terms={}, display_name="luminarias.xlsx")
    else:
        with pytest.raises(UnusableInput) as raised:
            validate_submission(path)
        finding = raised.value.to_finding()
    assert finding.code == "archivo-demasiado-comprimido"
    assert "se descomprime a 2,861 MB" in finding.message and "bomba zip" in finding.message
