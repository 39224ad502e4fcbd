"""One module per CLI command; `graf.cli.COMMANDS` lists them."""
