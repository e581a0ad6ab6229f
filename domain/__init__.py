"""Pure domain code of drijfjacht: no Dagster, no I/O beyond the files it is handed."""
