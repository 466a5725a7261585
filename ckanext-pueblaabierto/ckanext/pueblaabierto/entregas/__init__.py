"""Entregas: the FORM.317 intake of an enlace de datos abiertos, in the browser.

The workbook and its data files are uploaded, validated by the server (a job), fixed and
uploaded again as new versions, and applied as private drafts with the same planner as
``pueblaabierto publicar``.
"""
