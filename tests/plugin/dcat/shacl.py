"""The official DCAT-AP 3.0.1 SHACL shapes (vendored in shapes/), run with pyshacl.

shapes/ holds, unchanged, from SEMICeu/DCAT-AP at commit 7c531da7f154794da620fd0e57a3e8afe0286c0f:
releases/3.0.1/shacl/dcat-ap-SHACL.ttl (the shapes, with the class of every property's value)
and releases/3.0.1/html/shacl/mdr-vocabularies.shape.ttl (the controlled vocabularies: EU
authority tables, IANA). ranges.ttl of the release is left out: its property shapes have no
sh:path of their own (pyshacl refuses them) and repeat the classes dcat-ap-SHACL.ttl checks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace

SHAPES = Path(__file__).parent / "shapes"
SHAPE_FILES = ("dcat-ap-SHACL.ttl", "mdr-vocabularies.shape.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class ShaclReport:
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "\n".join(f"{count} x {message}" for message, count in Counter(self.violations).most_common())


def shapes_graph(names: tuple[str, ...] = SHAPE_FILES) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(SHAPES / name, format="turtle")
    return graph


def check(data: Graph, shapes: Graph | None = None) -> ShaclReport:
    """Validate ``data`` alone (no inference, no imports: what a harvester receives)."""
    _conforms, results, _text = validate(data, shacl_graph=shapes if shapes is not None else shapes_graph(),
                                         inference="none", allow_warnings=True)
    report = ShaclReport()
    # Only the report's own results: the sh:detail under each (why a sh:node failed) would count twice.
    for result in results.objects(None, SH.result):
        severity = results.value(result, SH.resultSeverity)
        line = (f"{results.value(result, SH.resultPath)} on {results.value(result, SH.focusNode)}: "
                f"{results.value(result, SH.resultMessage)} (value {results.value(result, SH.value)})")
        (report.violations if severity == SH.Violation else report.warnings).append(line)
    return report
