"""The citizens' portal: home page figures, editable institutional pages, dates, DataStore search."""
