"""``python -m kgraph`` runs the command line."""

from kgraph.cli import main

if __name__ == "__main__":
    main()
