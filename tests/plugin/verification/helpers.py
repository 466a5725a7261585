"""Test helpers of the server's validation: a real HTTP server for link resources, the real job.

``run_validation`` runs the job function itself (verification/job.py), synchronously, as the
``ckan jobs worker`` would: no mock. In-process tests have no worker.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import ckan.model as model

# A CURP with a valid check digit, in column "responsable", data row 3 (row 4 of the file).
CURP = "BOXW310820HNERXN09"
OBRAS_CSV = f"folio,responsable,monto\n1,Obra uno,100\n2,Obra dos,200\n3,{CURP},300\n"
CLEAN_CSV = "folio,obra,monto\n1,Bacheo,100\n2,Alumbrado,200\n"
CURP_KEY = 'datos-personales-curp|obras.csv, columna "responsable", fila 4'


class DataServer:
    """Files served over real HTTP on 127.0.0.1 (``files[path] = bytes``)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                body = files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_validation(package_id: str) -> dict[str, Any]:
    """Run the real validation job now and return ``dataset_validation_show``'s dict."""
    from ckanext.pueblaabierto.verification import job, service

    pkg = model.Package.get(package_id)
    assert pkg is not None, package_id
    job.validate_dataset(pkg.id)
    return service.status(pkg.id)


def truncate() -> None:
    from ckanext.pueblaabierto.verification import model as v_model

    v_model.truncate_all(model.Session)
    model.Session.commit()
