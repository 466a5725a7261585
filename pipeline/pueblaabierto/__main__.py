"""``python -m pueblaabierto``: the same command as the ``pueblaabierto`` script.

Lets tools that only know the interpreter (make portal, without an activated venv)
run the pipeline.
"""

from pueblaabierto.cli import main

main(prog_name="pueblaabierto")
