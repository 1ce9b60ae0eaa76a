#!/usr/bin/env python3
"""Regenerate src/newskit/data/nfc_unsafe.txt for the running Python's Unicode version.

python tools/gen_nfc_unsafe.py > src/newskit/data/nfc_unsafe.txt
"""

from newskit._nfc_table import render

if __name__ == "__main__":
    print(render(), end="")
