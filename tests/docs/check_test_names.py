#!/usr/bin/env python3
"""Every test a document names exists.

The docs back each promise with the name of the test that checks it (`Suite.Test`, or
`Suite.*` for a whole suite). A renamed or deleted test would leave the promise pointing at
nothing while the docs still read as checked: this fails on any name whose suite is a test
suite of this build but which matches no registered test.

usage: check_test_names.py BUILD_DIR FILE...
"""
import fnmatch
import re
import subprocess
import sys


def registered_tests(build_dir):
    out = subprocess.run(["ctest", "--test-dir", build_dir, "-N"], capture_output=True, text=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"\s*Test\s+#\d+: (\S+)", line)
        if m:
            # Parameterised gtest names (Prefix/Suite.Test/param) are also named Suite.Test.
            name = m.group(1)
            names.add(name)
            parts = name.split("/")
            if len(parts) == 3:
                names.add(parts[1])
    return names


def main():
    build_dir, files = sys.argv[1], sys.argv[2:]
    tests = registered_tests(build_dir)
    suites = {t.split(".", 1)[0] for t in tests if "." in t}
    if len(tests) < 100:
        print(f"check_test_names: only {len(tests)} tests registered in {build_dir}", file=sys.stderr)
        return 1
    missing, checked = [], 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                for name in re.findall(r"\b([A-Z][A-Za-z0-9]+\.[A-Z*][A-Za-z0-9_*]*)", line):
                    if name.split(".", 1)[0] not in suites:
                        continue  # a .NET API (Task.WhenAll) or a file name, not a test
                    checked += 1
                    if not any(fnmatch.fnmatchcase(t, name) for t in tests):
                        missing.append(f"{path}:{number}: {name}")
    for m in missing:
        print(f"names no registered test: {m}", file=sys.stderr)
    print(f"check_test_names: {checked} test names in {len(files)} files, {len(missing)} unknown")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
