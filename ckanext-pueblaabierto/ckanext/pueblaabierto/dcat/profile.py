"""ckanext-dcat profile for the FORM.317 fields, applied after ``euro_dcat_ap_3``.

The base profile already writes title, description, keywords, licence, distributions and
falls back to the organization as ``dct:publisher``; it knows nothing about our keys, so this
profile adds what Mexico's national inventory asks for (mexico-open-data.md):

* frecuencia      -> dct:accrualPeriodicity (ISO 8601 code from vocabularios.yaml, e.g. R/P1M)
* tema            -> dcat:theme (skos:Concept, the portal's tema facet URL, Spanish label)
* responsable_*   -> dcat:contactPoint (vcard:Kind with vcard:fn and vcard:hasEmail)
* periodo_*       -> dct:temporal (dct:PeriodOfTime with dcat:startDate/dcat:endDate)
* dependencia     -> dct:publisher gets dct:identifier = id_dependencia
* fecha_inicio/fin-> the distribution's dct:temporal
* license_id      -> dct:license on the dataset too (datos.gob.mx reads it there; Libre Uso MX)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import rules, vocabularies
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCT
from ckanext.dcat.utils import catalog_uri, resource_uri


class Form317Profile(RDFProfile):
    """Adds the FORM.317 fields; parsing RDF back into datasets is left to the base profiles."""

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        return dataset_dict

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        self._frequency(dataset_dict, dataset_ref)
        self._theme(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref)
        self._period(dataset_ref, dataset_dict.get("periodo_inicio"), dataset_dict.get("periodo_fin"))
        self._publisher_identifier(dataset_dict, dataset_ref)
        self._license(dataset_dict, dataset_ref)
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            self._period(distribution, resource.get("fecha_inicio"), resource.get("fecha_fin"))

    def _frequency(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        term = vocabularies.load().get("frecuencias", dataset_dict.get("frecuencia") or "")
        if term is None:
            return
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        self.g.add((dataset_ref, DCT.accrualPeriodicity, Literal(term.extra["iso8601"])))

    def _theme(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        term = vocabularies.load().get("temas", dataset_dict.get("tema") or "")
        if term is None:
            return
        # The tema facet of the portal's search: a stable, resolvable URI for each category.
        concept = URIRef(f"{catalog_uri().rstrip('/')}/dataset/?tema={quote(term.value)}")
        self.g.add((dataset_ref, DCAT.theme, concept))
        self.g.add((concept, RDF.type, SKOS.Concept))
        self.g.add((concept, SKOS.prefLabel, Literal(term.label, lang="es")))

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        name, email = dataset_dict.get("responsable_nombre"), dataset_dict.get("responsable_correo")
        if not name and not email:
            return
        self._add_contact_to_graph(dataset_ref, DCAT.contactPoint, {"name": name, "email": email})

    def _period(self, subject: Any, start: Any, end: Any) -> None:
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

    def _license(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        url = dataset_dict.get("license_url")
        if not url:
            return
        license_ref = URIRef(url)
        self.g.add((dataset_ref, DCT.license, license_ref))
        self.g.add((license_ref, RDF.type, DCT.LicenseDocument))
        if dataset_dict.get("license_title"):
            self.g.add((license_ref, DCT.title, Literal(dataset_dict["license_title"], lang="es")))

    def _publisher_identifier(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        org = dataset_dict.get("organization") or {}
        if not org.get("id"):
            return
        if "id_dependencia" not in org:
            try:
                org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org["id"]})
            except tk.ObjectNotFound:
                return
        if not org.get("id_dependencia"):
            return
        for publisher in self.g.objects(dataset_ref, DCT.publisher):
            self.g.add((publisher, DCT.identifier, Literal(str(org["id_dependencia"]))))
