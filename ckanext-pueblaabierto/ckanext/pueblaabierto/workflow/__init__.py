"""The FORM.317 transparency-validation workflow (issue 7).

machine.py (pure rules) -> model.py (tables) -> state.py (where a dataset stands) ->
updates.py (update copies) -> service.py (apply a transition) ->
actions.py / auth.py / labels.py / views.py / cli.py (the CKAN faces) -> notify.py (e-mail).
See docs/flujo-de-validacion.md.
"""
