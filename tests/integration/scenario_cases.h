// What each Scenarios scenario must produce under clrprobe: the selectors to probe and the
// exact counts. The same numbers are printed by the program ("expected <key> <calls>",
// "expected-exceptions <key> <n>"), which the plain-run tests check, so the table and the
// C# code cannot drift apart silently.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace clrprobe::itest {

struct ProbeExpectation {
  std::string selector;
  int64_t calls = 0;
  int64_t exceptions = 0;
  // Key of the program's "expected <key> <calls>" line; empty: the program prints none.
  std::string stdout_key;
  // Each must be a substring of some entry of the report's "methods".
  std::vector<std::string> method_substrings;
  // When set, "methods" must have exactly this many entries.
  std::optional<size_t> method_count;
  // Entries that must appear verbatim in "methods".
  std::vector<std::string> exact_methods;
};

struct ScenarioCase {
  std::string test_name;  // gtest parameter name
  std::string scenario;   // argv[1] of Scenarios
  int exit_code = 0;
  std::vector<ProbeExpectation> probes;
};

// gtest prints parameters in test names/failures: show the case name, not raw bytes.
inline void PrintTo(const ScenarioCase& c, std::ostream* os) { *os << c.test_name; }

// One entry per Scenarios scenario, plus extra selector variants.
const std::vector<ScenarioCase>& ScenarioCases();

// Every probe of every case whose scenario runs in "all" (variants excluded), for one run.
std::vector<ProbeExpectation> AllScenarioProbes();

}  // namespace clrprobe::itest
