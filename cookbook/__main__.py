"""``python -m cookbook`` runs the command-line interface."""

from cookbook.console import main

if __name__ == "__main__":
    main()
