"""Publishing validated FORM.317 submissions to a CKAN 2.11 portal (``publicar``, ``lote``).

"Publicar" here means *load into the portal, complete and ready for the workflow*. The
rule "all-or-nothing towards the public" is:

1. Nothing is written unless the whole submission validates without errors.
2. A dataset the pipeline creates is created private, without resources; resources,
   DataStore tables and views are added while it stays private.
3. Who makes it public depends on the portal:
   - Portal with the FORM.317 workflow (``workflow_show`` exists): the pipeline never makes
     anything public. The dataset stays in ``borrador``; with ``--enviar-revision`` it is
     moved to ``en_revision`` (``workflow_transition`` enviar_revision) only after every one
     of its steps succeeded and the portal's own validation of the data is in without errors
     (server_validation.py: no report of the client's is sent), so reviewers always see a
     complete dataset judged by the server. It becomes public only through the workflow's ``publicar``.
     A published dataset is never changed in place: its changes go into the workflow's
     update (``workflow_update_start``, a private copy reviewed like a new dataset) and the
     public version stays as it was until that update is published. A dataset under review
     cannot change: the run reports it as failed with that reason.
   - Portal without the workflow: the last step for a dataset, run only when every previous
     step for it succeeded, sets ``private=False``. A public dataset that needs changes is
     first made private, so the public never sees a half-updated dataset.
   - ``lote --ejemplos-demo`` (``make portal`` only): after every step of an example dataset
     succeeded, ``workflow_demo_publish`` walks it through the procedure as the sysadmin in
     each role, so the demo portal shows the examples. Never used for real submissions.
4. Any failure (network, CKAN restart, Ctrl-C, a refused step) stops that dataset where it
   is: it remains private. Re-running the same command re-reads the portal and performs only
   what is missing (plan.py), then the final step.
5. Identical re-runs write nothing: identity is by FORM.317 keys, files by SHA-256,
   metadata by normalized comparison (mapping.py).

Modules: client (HTTP, retries, Spanish errors, write count), mapping (the only place with
portal field keys), plan (diff -> steps), apply (steps, privacy), datastore, geo, views,
run (one submission), batch (lote), command (terminal/JSON output).
"""
