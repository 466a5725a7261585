"""WSGI entry point for gunicorn: CKAN from ``$CKAN_INI``, behind the maintenance switch."""

from __future__ import annotations

import os
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=UserWarning, message=".*pkg_resources.*")

from ckan.cli import load_config  # noqa: E402
from ckan.config.middleware import make_app  # noqa: E402

from .maintenance import MaintenanceMiddleware, flag_path  # noqa: E402

_config = load_config(os.environ["CKAN_INI"])
application = MaintenanceMiddleware(make_app(_config), flag_path(_config))
