#!/bin/bash
# First start of the db container: CKAN's database, the DataStore's, and its read-only user.
# The DataStore permissions themselves are granted by `ckan datastore set-permissions` at CKAN start.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<-SQL
  CREATE ROLE ckan LOGIN PASSWORD '${CKAN_DB_PASSWORD}';
  CREATE ROLE datastore_ro LOGIN PASSWORD '${DATASTORE_RO_PASSWORD}';
  CREATE DATABASE ckan OWNER ckan ENCODING 'UTF8';
  CREATE DATABASE datastore OWNER ckan ENCODING 'UTF8';
SQL
for db in ckan datastore; do
  psql -v ON_ERROR_STOP=1 --username postgres --dbname "$db" -c "CREATE EXTENSION IF NOT EXISTS unaccent"
done
