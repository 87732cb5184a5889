#!/usr/bin/env python3
"""Writes the generated methods of CallBench (used by the ReJIT benchmarks).

  Bench.GenA::M0000 .. M0999   1,000 small methods (the 1,000-method add)
  Bench.GenB::M0000 .. M0999   1,000 more (100-method adds: Bench.GenB::M01* is M0100..M0199)
  Bench.Solo::S00 .. S39       40 more (single-method adds, each one probed for the first time)
  Bench.Wide::W00000 .. W09999 10,000 more, mostly never called (memory per probed method)
Each class but Wide has CallAll(int), which calls every method of the class once.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tools"))
from gen_static_methods import emit_class, write_source  # noqa: E402


def classes(out):
    emit_class(out, "GenA", "M", 1000, 4)
    emit_class(out, "GenB", "M", 1000, 4)
    emit_class(out, "Solo", "S", 40, 2)
    emit_class(out, "Wide", "W", 10000, 5, call_all=False)


if __name__ == "__main__":
    write_source(sys.argv[1], "Bench", classes)
