"""Our «es» catalogue completes CKAN's: no activity string left in English, no voseo anywhere.

Pure file checks (no app): CKAN's own es catalogue and the activity plugin's templates as
installed, against ckanext-pueblaabierto's catalogue, which overrides CKAN's (ITranslation).
"""

from __future__ import annotations

import re
from pathlib import Path

import ckan
import ckanext.activity
import ckanext.pueblaabierto
from babel.messages.pofile import read_po

CKAN_PO = Path(ckan.__file__).parent / "i18n" / "es" / "LC_MESSAGES" / "ckan.po"
OUR_PO = Path(ckanext.pueblaabierto.__file__).parent / "i18n" / "es" / "LC_MESSAGES" / "ckanext-pueblaabierto.po"
ACTIVITY = Path(ckanext.activity.__file__).parent
MSGID = re.compile(r"""_\(\s*(['"])(.*?)(?<!\\)\1""", re.S)
VOSEO = re.compile(r"\b(tenés|podés|querés|sabés|hacé|fijate|ingresá|elegí|escribí|necesitás|usá|agregá"
                   r"|seleccioná|intentá|registrate|revisá|probá|volvé|asegurate|acá|vos|sos|definí)\b", re.I)
# Placeholders only: nothing to translate.
NOT_WORDS = re.compile(r"^[\W_]*(\{\w+\}[\W_]*)*$")


def _catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as po:
        catalog = read_po(po)
    result = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else " ".join(message.string)
        if msgstr and not message.fuzzy:
            result[msgid] = msgstr
    return result


def merged() -> dict[str, str]:
    return {**_catalogue(CKAN_PO), **_catalogue(OUR_PO)}


def activity_msgids() -> set[str]:
    found = set()
    for path in [*ACTIVITY.rglob("*.html"), *ACTIVITY.rglob("*.py")]:
        for match in MSGID.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2).replace("\\'", "'"))
    return {m for m in found if not NOT_WORDS.match(m.replace("<q>", "").replace("</q>", "").replace(")", ""))}


def test_every_activity_string_reads_in_spanish():
    catalogue = merged()
    untranslated = sorted(m for m in activity_msgids() if catalogue.get(m, m) == m)
    assert untranslated == []
    assert catalogue["Changed the image URL of"] == "Cambió la URL de la imagen de"
    assert catalogue["Removed the source URL from"] == "Quitó la URL de origen de"


def test_no_voseo_left_in_the_merged_catalogue():
    voseo = {msgid[:60]: VOSEO.findall(text) for msgid, text in merged().items() if VOSEO.search(text)}
    assert voseo == {}
