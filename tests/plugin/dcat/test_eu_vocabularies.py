"""Every FORM.317 value has its EU vocabulary: a value added to vocabularios.yaml without one
would put free text back in the catalogue (a DCAT-AP violation)."""

from __future__ import annotations

import pytest
from ckanext.pueblaabierto.dcat import eu_vocabularies as eu
from pueblaabierto.schemas import vocabularies

VOCAB = vocabularies.load()
AUTHORITY = "http://publications.europa.eu/resource/authority/"


@pytest.mark.parametrize("frecuencia", VOCAB.values("frecuencias"))
def test_each_frecuencia_has_an_eu_frequency_that_reads_back(frecuencia):
    concept = eu.frequency(frecuencia)
    assert concept is not None and concept.iri.startswith(AUTHORITY + "frequency/")
    assert eu.frecuencia_of(concept.iri) == frecuencia


def test_frequencies_match_the_national_codes():
    national = {t.value: t.extra["iso8601"] for t in VOCAB.frecuencias}
    codes = {f: eu.frequency(f).code for f in national}
    assert codes == {"diario": "DAILY", "semanal": "WEEKLY", "quincenal": "BIWEEKLY", "mensual": "MONTHLY",
                     "bimestral": "BIMONTHLY", "trimestral": "QUARTERLY", "semestral": "ANNUAL_2",
                     "anual": "ANNUAL", "irregularmente": "IRREG"}
    assert national["semestral"] == "R/P6M" and national["irregularmente"] == "irregular"


@pytest.mark.parametrize("tema", VOCAB.values("temas"))
def test_each_tema_has_an_eu_data_theme(tema):
    assert eu.data_theme(tema).iri.startswith(AUTHORITY + "data-theme/")


@pytest.mark.parametrize("formato", VOCAB.values("formatos"))
def test_each_formato_is_mapped_and_tabular_ones_have_a_type(formato):
    # A known format with no EU/IANA entry (PX, WMS) is mapped to null on purpose.
    assert formato in eu._data()["formats"], f"{formato}: falta en dcat/eu_vocabularies.yaml"
    if VOCAB.get("formatos", formato).extra.get("tabular"):
        assert eu.file_type(formato) is not None and eu.media_type(formato)
    if eu.file_type(formato) is not None:
        assert eu.formato_of(eu.file_type(formato).iri, VOCAB.values("formatos")) == formato


@pytest.mark.parametrize("licence", [lic["id"] for lic in VOCAB.licencias])
def test_each_licence_has_an_adms_licence_type(licence):
    assert eu.licence_type(licence).iri.startswith("http://purl.org/adms/licencetype/")
