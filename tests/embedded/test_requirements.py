"""The pins that make a fresh clone install the same thing everywhere."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"


def requirement_lines(name: str) -> list[str]:
    lines = (REQUIREMENTS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def constraints() -> dict[str, str]:
    pinned = {}
    for line in requirement_lines("constraints.txt"):
        requirement = Requirement(line)
        assert requirement.url is None, f"{line}: a local or URL install cannot be reproduced on another machine"
        [spec] = requirement.specifier
        assert spec.operator == "==", line
        pinned[canonicalize_name(requirement.name)] = spec.version
    return pinned


def test_every_declared_dependency_is_pinned_by_the_constraints():
    pinned = constraints()
    for name in ("base.txt", "ckan.txt", "test.txt"):
        for line in requirement_lines(name):
            requirement = Requirement(line)
            key = canonicalize_name(requirement.name)
            assert key in pinned, f"{requirement.name} ({name}) falta en constraints.txt"
            assert requirement.specifier.contains(pinned[key], prereleases=True), (
                f"{requirement.name}: constraints.txt fija {pinned[key]}, {name} pide {requirement.specifier}"
            )


def test_ckan_is_the_pinned_release():
    assert constraints()["ckan"] == "2.11.6"
