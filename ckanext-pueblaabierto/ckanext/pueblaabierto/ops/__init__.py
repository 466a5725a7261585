"""Running the portal in production on one server: web server, jobs worker, backups, systemd.

The command lines built in :mod:`.server` are the only ones: ``make portal``, the end-to-end
tests, the systemd units and the Docker PostgreSQL variant all start CKAN through them, so the
set-up that is tested is the one that is deployed.
"""
