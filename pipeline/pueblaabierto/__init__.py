"""FORM.317 pipeline: template, validation and publication of Puebla's open data."""
