"""How drijfjacht runs: Dagster wiring, resources, automation and the command line."""
