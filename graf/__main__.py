"""`python -m graf` is the `graf` command."""

from graf.cli import main

main()
