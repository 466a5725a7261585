#!/bin/bash
# Runs before CKAN starts (ckan-base's entrypoint hook): plugin tables and DataStore permissions.
set -euo pipefail
ckan -c "$CKAN_INI" db upgrade
ckan -c "$CKAN_INI" datastore set-permissions | psql "$DATASTORE_ADMIN_URL" --set ON_ERROR_STOP=1
