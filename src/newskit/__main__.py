"""`python -m newskit` runs the command-line interface."""

from newskit.cli import main

if __name__ == "__main__":
    main()
