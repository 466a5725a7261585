"""FORM.317 pipeline: template, validation and publication of Puebla's open data."""

from pueblaabierto import xlsx_dimensions as _xlsx_dimensions

_xlsx_dimensions.install()
