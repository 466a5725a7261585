"""ckanext-dcat profile for Puebla Abierto, applied after ``euro_dcat_ap_3``: DCAT-AP 3.0.1.

The base profile writes title, description, keywords, distributions and the organization as
``dct:publisher``, with free text where DCAT-AP 3.0.1 asks for controlled vocabularies. This
profile rewrites those values as the IRIs of the EU authority tables (eu_vocabularies.yaml),
adds the FORM.317 fields, and describes every concept it uses (type, ``skos:inScheme``,
label), so the catalogue passes the official SHACL shapes on its own, without fetching them:

* frecuencia       -> dct:accrualPeriodicity <.../authority/frequency/MONTHLY>
* tema             -> dcat:theme: the portal's tema concept (in the portal's scheme) and
                      the closest EU data-theme
* responsable_*    -> dcat:contactPoint (vcard:Kind with vcard:fn and vcard:hasEmail)
* periodo_*        -> dct:temporal (dct:PeriodOfTime with dcat:startDate/dcat:endDate)
* dependencia      -> dct:publisher gets dct:identifier = id_dependencia and a publisher type
* id_dataset       -> adms:identifier (adms:Identifier, skos:notation)
* license_id       -> dct:license (dct:LicenseDocument, ADMS licence type) on the dataset too
* format           -> dct:format <.../file-type/CSV> and dcat:mediaType <iana.org/.../text/csv>
* url              -> dcat:downloadURL (and dcat:accessURL, mandatory)
* fecha_inicio/fin -> the distribution's dct:temporal
* first publication (workflow record) -> dct:issued; the portal page -> dcat:landingPage
* language         -> dct:language <.../authority/language/SPA>; text literals tagged @es
* (the municipality) -> dct:spatial <.../authority/country/MEX>

Which FORM.317 field feeds each property comes from the registry (``form317.dcat`` in
schemas/dataset.yaml and dependencia.yaml, read through ``form317.dcat_mapping``): a field
whose property is a plain literal is written as is, unless the base profile wrote it already
(title, description, keywords); the properties above that need more than a literal have a
builder (``Form317Profile.BUILDERS``) that asks the registry which field gives each step of
its path. tests/plugin/dcat/test_registry_mapping.py keeps the two in step.

``parse_dataset`` reads all of that back, so a harvester using ckanext-dcat's RDFParser with
these profiles gets the dataset ``package_show`` gives (tests/plugin/dcat).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import form317, rules, vocabularies
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import ADMS, DCAT, DCT, VCARD
from ckanext.dcat.utils import catalog_uri, resource_uri

from . import eu_vocabularies as eu
from . import publication

LANG = "es"
# Free-text properties whose literals are Spanish (DCAT-AP: titles and descriptions @lang).
TEXT_PROPERTIES = (DCT.title, DCT.description, DCAT.keyword, FOAF.name, SKOS.prefLabel)


# The prefixes of the registry's DCAT paths (schemas/*.yaml, ``form317.dcat``).
NAMESPACES = {"dct": DCT, "dcat": DCAT, "vcard": VCARD, "foaf": FOAF, "adms": ADMS, "skos": SKOS}


# Cached: the registry does not change while the process runs, and a catalogue page asks
# these for every dataset and distribution (benchmarks/: 100 datasets per page).
@functools.cache
def registry_path(key: str, level: str = form317.DATASET) -> tuple[URIRef, ...]:
    """The registry's DCAT path of a field as rdflib terms; () when it has none."""
    return tuple(NAMESPACES[prefix][local] for prefix, local in form317.dcat_path(key, level))


@functools.cache
def registry_paths(level: str) -> tuple[tuple[str, tuple[URIRef, ...]], ...]:
    """(CKAN key, DCAT path) of every field of ``level`` that the registry maps to DCAT."""
    return tuple((key, registry_path(key, level)) for key in form317.dcat_mapping(level))


@functools.cache
def fed_by(level: str, *path: URIRef) -> str:
    """The CKAN key of the field the registry maps to ``path`` ("" if none)."""
    return next((key for key, candidate in registry_paths(level) if candidate == path), "")


def site_url() -> str:
    return catalog_uri().rstrip("/")


def tema_scheme() -> URIRef:
    """The portal's tema facet: the scheme of its theme concepts."""
    return URIRef(f"{site_url()}/dataset/#tema")


def tema_concept(value: str) -> URIRef:
    # The tema facet of the portal's search: a stable, resolvable URI for each category.
    return URIRef(f"{site_url()}/dataset/?tema={quote(value)}")


def landing_page(dataset_dict: dict[str, Any]) -> str:
    return f"{site_url()}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


class Form317Profile(RDFProfile):
    """DCAT-AP 3.0.1 with EU vocabularies and the FORM.317 fields (see the module docstring)."""

    # -- Dataset -> RDF ----------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        self._landing_page(dataset_dict, dataset_ref)
        self._issued(dataset_dict, dataset_ref)
        self._fields(dataset_dict, dataset_ref, form317.DATASET)
        self._language(dataset_ref)
        if (dataset_ref, DCT.spatial, None) not in self.g:
            self.g.add((dataset_ref, DCT.spatial, self._concept(eu.country(), DCT.Location)))
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            self._fields(resource, distribution, form317.RESOURCE)
            self._distribution_licences(distribution, dataset_dict)
        self._tag_spanish(dataset_ref)

    def _fields(self, data: dict[str, Any], subject: Any, level: str) -> None:
        """The registry's fields of ``level``: a builder per compound property, else a literal."""
        built: set[Node] = set()
        for key, path in registry_paths(level):
            builder = self.BUILDERS.get(path[0])
            if builder is not None:
                if path[0] not in built:
                    built.add(path[0])
                    builder(self, data, subject, level)
            elif len(path) == 1:
                self._literal(subject, path[0], data.get(key))

    def _literal(self, subject: Any, prop: URIRef, value: Any) -> None:
        # The base profile writes title, description and keywords (from ``tags``) already.
        if value in (None, "", []) or (subject, prop, None) in self.g:
            return
        self.g.add((subject, prop, Literal(str(value))))

    def _concept(self, concept: eu.Concept | None, *types: URIRef) -> URIRef | None:
        """Describe an authority-table concept in our graph (type, scheme, label)."""
        if concept is None:
            return None
        ref = URIRef(concept.iri)
        for kind in (SKOS.Concept, *types):
            self.g.add((ref, RDF.type, kind))
        self.g.add((ref, SKOS.inScheme, URIRef(concept.scheme)))
        if (ref, SKOS.prefLabel, None) not in self.g:
            self.g.add((ref, SKOS.prefLabel, Literal(concept.label, lang=LANG)))
        self._scheme(URIRef(concept.scheme), concept.scheme.rsplit("/", 1)[-1])
        return ref

    def _scheme(self, ref: URIRef, title: str) -> None:
        self.g.add((ref, RDF.type, SKOS.ConceptScheme))
        if (ref, DCT.title, None) not in self.g:
            self.g.add((ref, DCT.title, Literal(title)))

    def _landing_page(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        if (dataset_ref, DCAT.landingPage, None) in self.g:
            return
        page = URIRef(landing_page(dataset_dict))
        self.g.add((dataset_ref, DCAT.landingPage, page))
        self.g.add((page, RDF.type, FOAF.Document))

    def _issued(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        moment = publication.issued(dataset_dict)
        if not moment:
            return
        self.g.remove((dataset_ref, DCT.issued, None))
        self.g.add((dataset_ref, DCT.issued, Literal(moment, datatype=XSD.dateTime)))

    def _frequency(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        value = dataset_dict.get(fed_by(level, DCT.accrualPeriodicity)) or ""
        ref = self._concept(eu.frequency(value), DCT.Frequency)
        if ref is None:
            return
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        self.g.add((dataset_ref, DCT.accrualPeriodicity, ref))

    def _theme(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        term = vocabularies.load().get("temas", dataset_dict.get(fed_by(level, DCAT.theme)) or "")
        if term is None:
            return
        concept = tema_concept(term.value)
        self.g.add((dataset_ref, DCAT.theme, concept))
        self.g.add((concept, RDF.type, SKOS.Concept))
        self.g.add((concept, SKOS.prefLabel, Literal(term.label, lang=LANG)))
        self.g.add((concept, SKOS.notation, Literal(term.value)))
        self.g.add((concept, SKOS.inScheme, tema_scheme()))
        self._scheme(tema_scheme(), "Temas de Puebla Abierto")
        european = self._concept(eu.data_theme(term.value))
        if european is not None:
            self.g.add((dataset_ref, DCAT.theme, european))

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        name = dataset_dict.get(fed_by(level, DCAT.contactPoint, VCARD.fn))
        email = dataset_dict.get(fed_by(level, DCAT.contactPoint, VCARD.hasEmail))
        if not name and not email:
            return
        self._add_contact_to_graph(dataset_ref, DCAT.contactPoint, {"name": name, "email": email})

    def _period(self, data: dict[str, Any], subject: Any, level: str) -> None:
        start = data.get(fed_by(level, DCT.temporal, DCAT.startDate))
        end = data.get(fed_by(level, DCT.temporal, DCAT.endDate))
        start_date, end_date = rules.parse_date(start), rules.parse_date(end)
        if start_date is None and end_date is None:
            return
        period = BNode()
        self.g.add((subject, DCT.temporal, period))
        self.g.add((period, RDF.type, DCT.PeriodOfTime))
        if start_date is not None:
            self.g.add((period, DCAT.startDate, Literal(start_date.isoformat(), datatype=XSD.date)))
        if end_date is not None:
            self.g.add((period, DCAT.endDate, Literal(end_date.isoformat(), datatype=XSD.date)))

    def _license(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        # CKAN resolves the licence id (the FORM.317 field) to its URL and title.
        url = dataset_dict.get("license_url")
        if not url:
            return
        license_ref = URIRef(url)
        self.g.add((dataset_ref, DCT.license, license_ref))
        self._license_document(license_ref, dataset_dict)

    def _license_document(self, license_ref: URIRef, dataset_dict: dict[str, Any]) -> None:
        self.g.add((license_ref, RDF.type, DCT.LicenseDocument))
        if dataset_dict.get("license_title") and (license_ref, DCT.title, None) not in self.g:
            self.g.add((license_ref, DCT.title, Literal(dataset_dict["license_title"], lang=LANG)))
        licence_id = dataset_dict.get(fed_by(form317.DATASET, DCT.license)) or ""
        kind = self._concept(eu.licence_type(licence_id))
        if kind is not None:
            # The base profile marks every distribution licence "UnknownIPR"; ours are known.
            self.g.remove((license_ref, DCT.type, None))
            self.g.add((license_ref, DCT.type, kind))

    def _language(self, subject: Any) -> None:
        self.g.remove((subject, DCT.language, None))
        self.g.add((subject, DCT.language, self._concept(eu.language(), DCT.LinguisticSystem)))

    def _publisher(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        """The base profile's dct:publisher (the dependencia) gets its type and FORM.317 number."""
        org_key = fed_by(form317.ORGANIZATION, DCT.publisher, DCT.identifier)
        publishers = list(self.g.objects(dataset_ref, DCT.publisher))
        kind = self._concept(eu.publisher_type())
        for publisher in publishers:
            self.g.add((publisher, DCT.type, kind))
        org = dataset_dict.get("organization") or {}
        if not org.get("id") or not publishers:
            return
        if org_key not in org:
            # The base profile has just read this organization into ckanext-dcat's cache.
            cached = self._org_cache.get(org["id"])
            try:
                org = cached or tk.get_action("organization_show")({"ignore_auth": True}, {"id": org["id"]})
            except tk.ObjectNotFound:
                return
        if org.get(org_key):
            for publisher in publishers:
                self.g.add((publisher, DCT.identifier, Literal(str(org[org_key]))))

    def _identifier(self, dataset_dict: dict[str, Any], dataset_ref: Any, level: str) -> None:
        """The dependencia's own number for the dataset (FORM.317 «ID de Dataset»)."""
        value = dataset_dict.get(fed_by(level, ADMS.identifier, SKOS.notation))
        if not value:
            return
        identifier = BNode()
        self.g.add((dataset_ref, ADMS.identifier, identifier))
        self.g.add((identifier, RDF.type, ADMS.Identifier))
        self.g.add((identifier, SKOS.notation, Literal(str(value))))

    def _download(self, resource: dict[str, Any], distribution: Any, level: str) -> None:
        url = resource.get(fed_by(level, DCAT.downloadURL))
        if url:
            self.g.remove((distribution, DCAT.downloadURL, None))
            self.g.add((distribution, DCAT.downloadURL, URIRef(url)))
            self.g.add((URIRef(url), RDF.type, RDFS.Resource))
            self.g.add((distribution, DCAT.accessURL, URIRef(url)))

    def _format(self, resource: dict[str, Any], distribution: Any, level: str) -> None:
        formato = resource.get(fed_by(level, DCT["format"])) or ""
        self.g.remove((distribution, DCT["format"], None))
        self.g.remove((distribution, DCAT.mediaType, None))
        file_type = self._concept(eu.file_type(formato), DCT.MediaTypeOrExtent)
        if file_type is not None:
            self.g.add((distribution, DCT["format"], file_type))
        media_type = eu.media_type_iri(formato)
        if media_type:
            self.g.add((distribution, DCAT.mediaType, URIRef(media_type)))
            self.g.add((URIRef(media_type), RDF.type, DCT.MediaType))

    def _distribution_licences(self, distribution: URIRef, dataset_dict: dict[str, Any]) -> None:
        for license_ref in self.g.objects(distribution, DCT.license):
            if isinstance(license_ref, URIRef):
                self._license_document(license_ref, dataset_dict)

    # Compound properties (the first step of a registry path) and their builders; a builder
    # takes (data, subject, level) and asks the registry which field feeds each step.
    BUILDERS: dict[Node, Any] = {
        DCT.accrualPeriodicity: _frequency,
        DCAT.theme: _theme,
        DCAT.contactPoint: _contact,
        DCT.temporal: _period,
        DCT.publisher: _publisher,
        ADMS.identifier: _identifier,
        DCT.license: _license,
        DCAT.downloadURL: _download,
        DCT["format"]: _format,
    }

    def _tag_spanish(self, dataset_ref: Any) -> None:
        """Plain literals of the dataset, its distributions and its publisher get ``@es``.

        The concepts this profile describes are labelled in Spanish already; walking only
        these nodes keeps a 100-dataset page from re-reading the shared ones each time.
        """
        subjects = {dataset_ref}
        for predicate in (DCAT.distribution, DCT.publisher):
            subjects.update(self.g.objects(dataset_ref, predicate))
        self._tag(subjects)

    def _tag(self, subjects: set[Any]) -> None:
        for subject in subjects:
            for predicate in TEXT_PROPERTIES:
                for value in list(self.g.objects(subject, predicate)):
                    if isinstance(value, Literal) and value.language is None and value.datatype is None:
                        self.g.remove((subject, predicate, value))
                        self.g.add((subject, predicate, Literal(str(value), lang=LANG)))

    # -- Catalogue -> RDF ----------------------------------------------------------------
    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: Any) -> None:
        self._language(catalog_ref)
        # The home page is a foaf:Document; the catalogue IRI is the site URL without the
        # slash, so the page gets the slash rather than making the catalogue a document.
        self.g.remove((catalog_ref, FOAF.homepage, None))
        homepage = URIRef(f"{site_url()}/")
        self.g.add((catalog_ref, FOAF.homepage, homepage))
        self.g.add((homepage, RDF.type, FOAF.Document))
        vocab = vocabularies.load()
        default = next((lic for lic in vocab.licencias if lic["id"] == vocab.licencia_predeterminada), None)
        if default is not None:
            licence = URIRef(default["url"])
            self.g.add((catalog_ref, DCT.license, licence))
            self._license_document(licence, {"license_id": default["id"], "license_title": default["title"]})
        publisher = URIRef(tk.config.get("pueblaabierto.dcat.publisher_uri") or site_url())
        self.g.add((catalog_ref, DCT.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Agent))
        self.g.add((publisher, FOAF.name, Literal(tk.config.get("pueblaabierto.dcat.publisher_name"), lang=LANG)))
        self.g.add((publisher, DCT.type, self._concept(eu.publisher_type())))
        email = tk.config.get("pueblaabierto.dcat.publisher_email")
        if email:
            self.g.add((publisher, FOAF.mbox, URIRef(f"mailto:{email}")))
        self.g.add((catalog_ref, DCAT.themeTaxonomy, URIRef(eu.scheme("data_theme"))))
        self._scheme(URIRef(eu.scheme("data_theme")), "data-theme")
        self.g.add((catalog_ref, DCAT.themeTaxonomy, tema_scheme()))
        self._scheme(tema_scheme(), "Temas de Puebla Abierto")
        self._tag({catalog_ref, publisher})

    # -- RDF -> dataset (a harvester's view) -------------------------------------------
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        g = self.g
        page = g.value(dataset_ref, DCAT.landingPage)
        if page is not None and "/dataset/" in str(page):
            dataset_dict["name"] = str(page).rstrip("/").rsplit("/", 1)[-1]
        for identifier in g.objects(dataset_ref, ADMS.identifier):
            if g.value(identifier, SKOS.notation) is not None:
                dataset_dict[fed_by(form317.DATASET, ADMS.identifier, SKOS.notation)] = str(
                    g.value(identifier, SKOS.notation)
                )
        frequency = g.value(dataset_ref, DCT.accrualPeriodicity)
        if frequency is not None and eu.frecuencia_of(str(frequency)):
            dataset_dict[fed_by(form317.DATASET, DCT.accrualPeriodicity)] = eu.frecuencia_of(str(frequency))
        for theme in g.objects(dataset_ref, DCAT.theme):
            tema = parse_qs(urlparse(str(theme)).query).get("tema")
            if (theme, SKOS.inScheme, tema_scheme()) in g and tema:
                dataset_dict[fed_by(form317.DATASET, DCAT.theme)] = tema[0]
        contact = g.value(dataset_ref, DCAT.contactPoint)
        if contact is not None:
            dataset_dict[fed_by(form317.DATASET, DCAT.contactPoint, VCARD.fn)] = str(g.value(contact, VCARD.fn) or "")
            email = str(g.value(contact, VCARD.hasEmail) or "")
            dataset_dict[fed_by(form317.DATASET, DCAT.contactPoint, VCARD.hasEmail)] = email.removeprefix("mailto:")
        self._parse_period(dataset_dict, dataset_ref, form317.DATASET)
        license_ref = g.value(dataset_ref, DCT.license)
        if license_ref is not None:
            for licence in vocabularies.load().licencias:
                if licence["url"] == str(license_ref):
                    dataset_dict[fed_by(form317.DATASET, DCT.license)] = licence["id"]
        known = vocabularies.load().values("formatos")
        by_uri = {str(d): d for d in g.objects(dataset_ref, DCAT.distribution)}
        for resource in dataset_dict.get("resources") or []:
            distribution = by_uri.get(resource.get("uri") or "")
            if distribution is None:
                continue
            file_type = g.value(distribution, DCT["format"])
            if file_type is not None and eu.formato_of(str(file_type), known):
                resource[fed_by(form317.RESOURCE, DCT["format"])] = eu.formato_of(str(file_type), known)
            self._parse_period(resource, distribution, form317.RESOURCE)
            download = g.value(distribution, DCAT.downloadURL)
            if download is not None:
                resource[fed_by(form317.RESOURCE, DCAT.downloadURL)] = str(download)
        return dataset_dict

    def _parse_period(self, data: dict[str, Any], subject: Any, level: str) -> None:
        period = self.g.value(subject, DCT.temporal)
        for step in (DCAT.startDate, DCAT.endDate):
            value = self.g.value(period, step) if period is not None else None
            data[fed_by(level, DCT.temporal, step)] = str(value) if value is not None else ""
