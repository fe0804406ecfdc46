"""The `lvyue` command line (one module per command group)."""
