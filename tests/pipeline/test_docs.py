"""The README's module tables and docs/form317.md's field table are checked against the code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pueblaabierto.schemas import form317

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "pipeline" / "pueblaabierto"
PLUGIN = REPO / "ckanext-pueblaabierto" / "ckanext" / "pueblaabierto"
CODE = re.compile(r"`([^`]+)`")


def first_column(markdown: str, heading: str) -> list[str]:
    """The first cell of each row of the first table under the line that starts with ``heading``."""
    lines = markdown[markdown.index(heading):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line.split("|")[1].strip())
    return rows


def test_pipeline_module_table_lists_exactly_the_package():
    text = (REPO / "pipeline" / "README.md").read_text("utf-8")
    listed = {CODE.search(cell).group(1).rstrip("/") for cell in first_column(text, "| módulo")}
    present = {p.name for p in PACKAGE.iterdir()
               if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").exists()}
    assert listed == present


def test_every_path_the_pipeline_table_names_exists():
    text = (REPO / "pipeline" / "README.md").read_text("utf-8")
    table = text[text.index("| módulo"):text.index("## Mensajes de Click")]
    for row in table.strip().splitlines()[2:]:
        folder = CODE.search(row.split("|")[1]).group(1)
        base = PACKAGE / folder if folder.endswith("/") else PACKAGE
        for name in CODE.findall(row.split("|")[2]):
            if name.endswith(".py") and "/" not in name:
                assert (base / name).exists() or (PACKAGE / name).exists(), (folder, name)


def test_readme_plugin_table_lists_exactly_the_subpackages():
    text = (REPO / "README.md").read_text("utf-8")
    listed = [CODE.search(cell).group(1).rstrip("/") for cell in first_column(text, "| Subpaquete")]
    present = {p.name for p in PLUGIN.iterdir() if (p / "__init__.py").is_file()}
    assert len(listed) == len(set(listed))
    assert set(listed) == present


def test_readme_folder_table_lists_exactly_the_tracked_folders():
    text = (REPO / "README.md").read_text("utf-8")
    listed = {CODE.search(cell).group(1).rstrip("/") for cell in first_column(text, "| Carpeta")}
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    folders = {line.split("/")[0] for line in tracked.splitlines() if "/" in line and not line.startswith(".")}
    assert listed == folders


def test_form317_doc_table_is_the_registry():
    text = (REPO / "docs" / "form317.md").read_text("utf-8")
    block = text.split("<!-- form317:campos -->\n", 1)[1].split("<!-- /form317:campos -->", 1)[0]
    assert block.strip() == form317.markdown_table().strip(), "Regenere con: python -m pueblaabierto.schemas.form317"


def _keys_in_table(text: str, heading: str) -> set[str]:
    return {key for cell in first_column(text, heading) for key in CODE.findall(cell)}


def test_readme_api_field_tables_match_the_registry():
    text = (REPO / "README.md").read_text("utf-8")
    # CKAN's upload/tag companions of a registry field, shown in the same row.
    companions = {"image_upload", "tags", "upload"}
    for heading, level in (("**Dependencia**", form317.ORGANIZATION), ("**Dataset**", form317.DATASET),
                           ("**Recurso**", form317.RESOURCE)):
        listed = _keys_in_table(text, heading)
        fields = {f.key for f in form317.fields() if f.level == level}
        assert listed - companions <= fields, heading
        assert set(form317.workbook_keys(level)) <= listed, heading


def test_readme_dcat_table_matches_the_registry():
    """Each field the README maps to DCAT has that property in the registry (what the profile reads)."""
    text = (REPO / "README.md").read_text("utf-8")
    table = text[text.index("| Campo | DCAT |"):].split("\n\n", 1)[0].splitlines()[2:]
    checked = 0
    for row in table:
        fields_cell, dcat_cell = row.split("|")[1:3]
        level = form317.RESOURCE if "recurso" in fields_cell else form317.DATASET
        stated = CODE.findall(dcat_cell)[0]
        for key in CODE.findall(fields_cell):
            prop = form317.dcat_property(key, level) or form317.dcat_property(key, form317.ORGANIZATION)
            assert prop is not None and prop.split("/")[0] == stated, (key, prop, stated)
            checked += 1
    assert checked >= 9


def test_no_tracked_file_points_outside_the_repository():
    """The product stands on its own: no file sends its reader to this machine's /work/ or to the
    team's shared reference folder (their facts live in docs/ and the packages' READMEs)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    outside = re.compile(r"/work/|shared/reference")
    offenders = []
    for name in tracked.splitlines():
        path = REPO / name
        if path.suffix not in {".py", ".md", ".yaml", ".yml", ".json", ".toml", ".txt", ".ini", ".html", ".cfg",
                               ".sh", ".po"} and path.name != "Makefile":
            continue
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            if outside.search(line) and path.name != "test_docs.py":
                offenders.append(f"{name}:{number}")
    assert offenders == []
