"""CKAN validators for the FORM.317 fields: thin wrappers over the shared rules.

The registry (schemas/dataset.yaml, dependencia.yaml) names each field's validators; the
rules they run live in pueblaabierto.schemas.rules, where ``pueblaabierto validar`` runs them
too, and their Spanish text in pueblaabierto.schemas.messages. Here a rule's problem only
becomes a field error that names the field by its label, because enlaces read the form and
developers read the API error without context. What needs the portal's database (an ID
already used by another dataset, the licence register, the dataset's resource names) is
checked here alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from pueblaabierto.schemas import messages, rules, vocabularies

from ckanext.scheming.validation import scheming_validator

from .. import versions

Validator = Callable[..., Any]


def field_label(field: dict[str, Any]) -> str:
    label = field.get("label") or field.get("field_name", "")
    if isinstance(label, dict):
        label = label.get("es") or next(iter(label.values()), "")
    return str(label)


def _blank(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def _fail(key: tuple, errors: dict, message: str) -> None:
    errors.setdefault(key, []).append(message)
    raise StopOnError


def _refuse(key: tuple, errors: dict, problem: rules.Problem, label: str, **context: Any) -> None:
    """A shared rule's problem as this field's error, in the catalogue's words (CKAN-translated)."""
    _fail(key, errors, messages.field_error(problem, label, translate=tk._, **context))


@scheming_validator
def pa_obligatorio(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Like not_empty, but the message names the field ("Falta el valor" alone helps nobody in the API)."""
    label = field_label(field)
    definition = field.get("help_text") or ""
    if isinstance(definition, dict):
        definition = definition.get("es") or ""

    def validator(key, data, errors, context):
        value = data.get(key)
        if value is missing or rules.required(value) is not None:
            data[key] = missing
            _refuse(key, errors, rules.Problem("celda-requerida"), label, definicion=definition)

    return validator


@scheming_validator
def pa_id_dependencia_unico(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """The Coordinación assigns each dependencia one number: no two organizations may share it."""
    label = field_label(field)

    def validator(key, data, errors, context):
        value = data.get(key)
        if _blank(value):
            return
        model = context["model"]
        own = model.Group.get(data.get(("id",))) if data.get(("id",)) else None
        query = (
            model.Session.query(model.Group.title)
            .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
            .filter(model.GroupExtra.key == "id_dependencia")
            .filter(model.GroupExtra.value == str(value))
            .filter(model.GroupExtra.state == "active")
            .filter(model.Group.state != "deleted")
        )
        if own is not None:
            query = query.filter(model.Group.id != own.id)
        other = query.first()
        if other is not None:
            _fail(key, errors, tk._("El «{campo}» {valor} ya lo tiene la dependencia «{otra}»; cada dependencia "
                                    "lleva su propio número.").format(campo=label, valor=value, otra=other[0]))

    return validator


@scheming_validator
def pa_id_dataset_unico(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """ID de Dataset relates the Recurso and Diccionario sheets to one dataset of one dependencia."""
    label = field_label(field)

    def validator(key, data, errors, context):
        value = data.get(key)
        owner = data.get(("owner_org",))
        if _blank(value) or _blank(owner):
            return
        model = context["model"]
        org = model.Group.get(owner)
        if org is None:
            return  # owner_org_validator reports it
        # On update the dataset itself holds the number: exclude it (by id, or CKAN's context package).
        own = model.Package.get(data.get(("id",))) if data.get(("id",)) else context.get("package")
        query = (
            model.Session.query(model.Package.name)
            .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
            .filter(model.PackageExtra.key == "id_dataset")
            .filter(model.PackageExtra.value == str(value))
            .filter(model.PackageExtra.state == "active")
            .filter(model.Package.owner_org == org.id)
            .filter(model.Package.state != "deleted")
        )
        # A published dataset and its update copy under review are one FORM.317 dataset.
        same_dataset = set(filter(None, [context.get(versions.UPDATE_OF_CONTEXT_KEY)]))
        if own is not None:
            same_dataset |= {own.id} | versions.update_relatives(own.id)
        if same_dataset:
            query = query.filter(model.Package.id.notin_(same_dataset))
        other = query.first()
        if other is not None:
            _fail(key, errors, tk._("El «{campo}» {valor} ya lo usa el conjunto «{otro}» de la misma dependencia; "
                                    "asigne otro número.").format(campo=label, valor=value, otro=other[0]))

    return validator


def _today(context: dict[str, Any]) -> date:
    return context.get("pueblaabierto_today") or date.today()


def _checked(check: Callable[[Any, dict[str, Any]], rules.Problem | None], store: Callable[[Any], Any],
             doc: str) -> Validator:
    """A validator that runs one shared rule on a non-blank value and stores it normalized."""

    @scheming_validator
    def build(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
        label = field_label(field)

        def validator(key, data, errors, context):
            value = data.get(key)
            if _blank(value):
                return
            problem = check(value, context)
            if problem is not None:
                _refuse(key, errors, problem, label)
            data[key] = store(value)

        return validator

    build.__doc__ = doc
    return build


pa_numerico = _checked(
    lambda value, context: rules.whole_number(value), rules.normalize_id,
    """FORM.317 IDs are whole numbers; stored without leading zeros so "012" and "12" collide.""",
)
pa_correo_institucional = _checked(
    lambda value, context: rules.institutional_email(value), lambda value: str(value).strip().lower(),
    """The responsable's address is published: it must be valid and institutional, not personal webmail.""",
)
pa_nombre_persona = _checked(
    lambda value, context: rules.person_name(value), lambda value: " ".join(str(value).split()),
    """The form asks for the full name: at least a name and a surname, no digits or addresses.""",
)
@scheming_validator
def pa_fecha(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """A date of data already produced, read as ``validar`` reads the cell (rules.parse_date:
    also «31/01/2024» or «enero 2024»), stored as "AAAA-MM-DD"."""
    end = field["field_name"] in rules.PERIOD_END_KEYS
    build = _checked(
        lambda value, context: rules.date_value(value, _today(context), end_of_period=end),
        lambda value: rules.parse_date(value, end_of_period=end).isoformat(),  # type: ignore[union-attr]  # checked
        pa_fecha.__doc__ or "",
    )
    return build(field, schema)


def pa_vocabulario(vocabulary: str) -> Validator:
    """One value of a vocabularios.yaml list; accepts the label or any case, stores the value."""
    return _checked(
        lambda value, context: rules.vocabulary_value(vocabulary, value),
        lambda value: rules.vocabulary_term(vocabulary, value).value,  # type: ignore[union-attr]  # checked
        pa_vocabulario.__doc__ or "",
    )


@scheming_validator
def pa_fecha_fin_posterior(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Start ≤ end. Keys are validated in alphabetical order, so the start may still be raw text."""
    label = field_label(field)
    start_field: dict[str, Any] = next(
        (f for f in schema.get("resource_fields", []) if f["field_name"] == "fecha_inicio"), {}
    )
    start_label = field_label(start_field) or "fecha_inicio"

    def validator(key, data, errors, context):
        problem = rules.end_not_before_start(data.get(key[:-1] + ("fecha_inicio",)), data.get(key))
        if problem is not None:
            _refuse(key, errors, problem, label, campo_inicio=start_label)

    return validator


def pa_periodo_derivado(which: str) -> Validator:
    """periodo_inicio / periodo_fin are computed from the resources on every write, never typed."""

    @scheming_validator
    def build(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
        def validator(key, data, errors, context):
            indexes = sorted({k[1] for k in data if len(k) == 3 and k[0] == "resources"})
            start, end = rules.period_covered(
                (data.get(("resources", i, "fecha_inicio")), data.get(("resources", i, "fecha_fin")))
                for i in indexes
            )
            value = start if which == "inicio" else end
            if value is None:
                data.pop(key, None)
                raise StopOnError
            data[key] = value.isoformat()

        return validator

    return build


@scheming_validator
def pa_licencia_predeterminada(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Defaults to Libre Uso MX and refuses ids that are not in the portal's licence list."""
    label = field_label(field)

    def validator(key, data, errors, context):
        value = data.get(key)
        if _blank(value):
            data[key] = field.get("default") or vocabularies.load().licencia_predeterminada
            return
        register = context["model"].Package.get_license_register()
        if str(value) not in register:
            allowed = ", ".join(sorted(register.keys()))
            _fail(key, errors, tk._("«{valor}» no es una licencia del portal para «{campo}». Licencias disponibles: "
                                    "{lista}.").format(valor=value, campo=label, lista=allowed))

    return validator


def _stored_package(data: dict, context: dict[str, Any]) -> Any:
    """The dataset as saved before this write (None on create)."""
    model = context["model"]
    if data.get(("id",)):
        return model.Package.get(data[("id",)])
    return context.get("package")


def _resource_names(data: dict, stored: Any) -> list[str]:
    """Names of the dataset's resources after this write.

    The dataset edit form sends no resources (package_update keeps the saved ones), so without
    ``resources`` in the data the saved resources are the dataset's.
    """
    indexes = sorted({k[1] for k in data if len(k) == 3 and k[0] == "resources"})
    if indexes or ("resources",) in data or stored is None:
        names = [data.get(("resources", i, "name")) for i in indexes]
    else:
        names = [r.name for r in stored.resources]
    return [str(n).strip() for n in names if not _blank(n)]


def _stored_entry_value(stored: Any, key: tuple) -> Any:
    """The same dictionary entry's value as saved (scheming keeps the list as JSON in an extra)."""
    if stored is None:
        return None
    entries = stored.extras.get(key[0])
    if isinstance(entries, str):
        try:
            entries = json.loads(entries)
        except ValueError:
            return None
    if not isinstance(entries, list) or not 0 <= key[1] < len(entries) or not isinstance(entries[key[1]], dict):
        return None
    return entries[key[1]].get(key[2])


@scheming_validator
def pa_recurso_del_conjunto(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """A dictionary entry's ``recurso`` must name one of the dataset's resources; stored as that name.

    When the check runs, and why:
    - Only once the dataset has resources. CKAN's two-stage form saves the dataset (with its
      dictionary) before any resource exists, so an empty resource list proves nothing.
    - Only for values this write sets or changes. resource_create/update/delete and the form's
      final "Finalizar" step re-save the whole dataset with the dictionary untouched; a
      dictionary error there cannot be shown (resource_delete and the activation step turn it
      into a server error) and is not what the user is doing. So an entry typed before its
      resource existed, or whose resource was later renamed or deleted, is refused the next
      time someone edits that entry. A field-level validator (not an after-validation step)
      keeps the error under ``diccionario[i].recurso``, where the form and the API show it.
    The resource names are read raw from the data: resources are validated after the
    dataset's fields are, and comparing folded text makes that order irrelevant.
    """
    # The form marks the subfield "(opcional)"; the message names the field itself.
    label = field_label(field).replace("(opcional)", "").strip()

    def validator(key, data, errors, context):
        value = data.get(key)
        if _blank(value):
            return
        stored = _stored_package(data, context)
        names = _resource_names(data, stored)
        if not names:
            return
        exact = rules.resource_named(value, names)
        if exact is not None:
            data[key] = exact
            return
        if str(value).strip() == str(_stored_entry_value(stored, key) or "").strip():
            return
        listed = ", ".join(f"«{name}»" for name in names)
        term = data.get(key[:-1] + ("termino",)) if isinstance(key, tuple) else None
        problem = rules.Problem("recurso-inexistente", {"valor": str(value).strip(), "termino": term or "",
                                                        "lista": listed})
        _fail(key, errors, messages.field_error(problem, label, translate=tk._))

    return validator


def get_validators() -> dict[str, Validator]:
    return {
        "pa_obligatorio": pa_obligatorio,
        "pa_numerico": pa_numerico,
        "pa_id_dependencia_unico": pa_id_dependencia_unico,
        "pa_id_dataset_unico": pa_id_dataset_unico,
        "pa_vocabulario": pa_vocabulario,
        "pa_correo_institucional": pa_correo_institucional,
        "pa_nombre_persona": pa_nombre_persona,
        "pa_fecha": pa_fecha,
        "pa_fecha_fin_posterior": pa_fecha_fin_posterior,
        "pa_periodo_derivado": pa_periodo_derivado,
        "pa_licencia_predeterminada": pa_licencia_predeterminada,
        "pa_recurso_del_conjunto": pa_recurso_del_conjunto,
    }
