"""`python -m newskit` runs the command-line interface."""

from newskit.cli import entry_point

if __name__ == "__main__":
    entry_point()
