#!/usr/bin/env python3
"""Writes the generated methods of ManyMethods: classes Many.C000 .. Many.C099, each with
M0000 .. M0999 (static int M(int x)); Many.C000 also has CallAll(int), which calls its 1,000
methods once. 100,001 methods in all."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tools"))
from gen_static_methods import emit_class, write_source  # noqa: E402


def classes(out):
    for c in range(100):
        emit_class(out, f"C{c:03d}", "M", 1000, 4, call_all=(c == 0), addend=c)


if __name__ == "__main__":
    write_source(sys.argv[1], "Many", classes)
