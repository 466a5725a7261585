"""«Actualización»: the FORM.317 pre-filled with a dependencia's or a dataset's current metadata.

The enlaces download it from the dependencia's page or the dataset's page, change what
changed and deliver it again (docs/actualizacion.md). The workbook itself is written by the
pipeline (pueblaabierto.workbook.prefill); this package only decides who may download it
(access.py) and serves it (views.py).
"""
