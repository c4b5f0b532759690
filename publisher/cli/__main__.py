"""``python -m publisher.cli`` runs the command line."""

from publisher.cli import main

main()
