"""``python -m publisher`` runs the command line."""

from publisher.cli import main

main()
