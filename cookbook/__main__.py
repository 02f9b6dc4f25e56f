"""``python -m cookbook`` runs the command-line interface."""

from cookbook.cli import main

if __name__ == "__main__":
    main()
