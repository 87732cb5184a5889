// Instrument-everything (short form, for CI): tests/apps/Everything runs real workloads over
// System.Text.Json, LINQ, collections, async I/O, channels and regex, then force-compiles
// (RuntimeHelpers.PrepareMethod) every method of the probed assemblies, once plainly and
// once under `clrprobe run` with startup probes on every method of those assemblies.
// The probed run must print exactly what the plain run prints, exit the same way, and
// raise no InvalidProgramException / BadImageFormatException (a bad rewrite). The test
// prints how many methods were instrumented and the refusals by reason.
//
// The long form (whole CoreLib and more) is scripts/instrument-everything.sh.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "probe_session.h"
#include "report.h"
#include "test_paths.h"
#include "support/temp_dir.h"

using clrprobe::test_support::TempDir;

namespace clrprobe::itest {
namespace {

using Clock = std::chrono::steady_clock;

std::string EverythingDll() {
  const char* value = std::getenv("CLRPROBE_ITEST_EVERYTHING");
  return value != nullptr && *value != '\0' ? value : CLRPROBE_ITEST_EVERYTHING;
}

// The probed assemblies: the app itself, three libraries whole, and a slice of CoreLib.
// Each entry: the startup selector and the matching --prepare argument of Everything.
struct ProbedSet {
  const char* selector;
  const char* prepare;
};

const std::vector<ProbedSet>& ShortSets() {
  static const std::vector<ProbedSet> sets = {
      {"Everything!*::*", "self"},
      {"System.Linq!*::*", "System.Linq"},
      {"System.Collections!*::*", "System.Collections"},
      {"System.Text.Json!*::*", "System.Text.Json"},
      {"System.Private.CoreLib!System.Collections.Generic.*::*", "System.Private.CoreLib:System.Collections.Generic"},
  };
  return sets;
}

std::vector<std::string> EverythingCommand(const std::vector<ProbedSet>& sets) {
  std::vector<std::string> command = {DotnetExe(), EverythingDll()};
  for (const auto& set : sets) {
    command.push_back("--prepare");
    command.push_back(set.prepare);
  }
  return command;
}

// "reason: detail" -> "reason".
std::string ReasonKind(const std::string& reason) {
  auto colon = reason.find(':');
  return colon == std::string::npos ? reason : reason.substr(0, colon);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first lines where two outputs differ, for a readable failure.
std::string FirstDifferences(const std::string& expected, const std::string& actual, size_t max = 8) {
  auto a = Lines(expected), b = Lines(actual);
  std::ostringstream out;
  size_t shown = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) && shown < max; ++i) {
    const std::string* x = i < a.size() ? &a[i] : nullptr;
    const std::string* y = i < b.size() ? &b[i] : nullptr;
    if (x && y && *x == *y) continue;
    out << "  line " << i + 1 << ":\n    plain:  " << (x ? *x : "<none>") << "\n    probed: " << (y ? *y : "<none>")
        << "\n";
    ++shown;
  }
  return out.str();
}

size_t CountOccurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + part.size())) ++n;
  return n;
}

// Log lines containing `part` (at most `max`).
std::string LogLines(const std::string& log, const std::string& part, size_t max = 10) {
  std::string out;
  size_t shown = 0;
  for (const auto& line : Lines(log)) {
    if (line.find(part) == std::string::npos) continue;
    if (shown++ == max) {
      out += "  ...\n";
      break;
    }
    out += "  " + line + "\n";
  }
  return out;
}

TEST(InstrumentEverything, LibrariesProbedAndForceCompiledBehaveAsWithoutTheAgent) {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(EverythingDll())) << EverythingDll() << " missing: build the clrprobe_test_apps target";
  ProbeSession session;
  // About 7,200 methods are probed: ask for room for all of them (an agent without the
  // variable keeps its default capacity; refusals for lack of slots are reported).
  session.SetEnv("CLRPROBE_STATS_SLOTS", "16384");
  // A private runtime directory (the stats file of ~7,000 slots is ~450 MB, removed at the
  // end) with a short path (the control socket's path has at most 107 bytes).
  const TempDir runtime("clrprobe-everything", "/tmp");
  ASSERT_FALSE(runtime.path().empty());
  const std::string& runtime_dir = runtime.path();
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir);
  const auto command = EverythingCommand(ShortSets());

  const auto plain_start = Clock::now();
  ProcessResult plain = session.RunPlain(command);
  const double plain_s = std::chrono::duration<double>(Clock::now() - plain_start).count();
  ASSERT_EQ(plain.exit_code, 0) << "plain run failed:\n" << plain.out << "\n" << plain.err;
  ASSERT_NE(plain.out.find("prepare bad-il: InvalidProgramException=0 BadImageFormatException=0"), std::string::npos)
      << plain.out;

  std::vector<std::string> selectors;
  for (const auto& set : ShortSets()) selectors.push_back(set.selector);
  const auto probed_start = Clock::now();
  ProbedRun probed = session.RunProbed(selectors, command);
  const double probed_s = std::chrono::duration<double>(Clock::now() - probed_start).count();

  // Same behaviour: output, exit code, no bad IL, no crash.
  EXPECT_FALSE(probed.process.timed_out);
  EXPECT_EQ(probed.process.exit_code, plain.exit_code) << probed.process.err.substr(0, 4000);
  EXPECT_EQ(probed.process.out, plain.out) << "the probed run's output differs:\n"
                                           << FirstDifferences(plain.out, probed.process.out);
  // stdout has the summary line "prepare bad-il: InvalidProgramException=0 ..."; a failing
  // method is a "prepare bad-il <method>: ..." line.
  for (const char* bad : {"prepare bad-il ", "Unhandled exception", "Fatal error"}) {
    EXPECT_EQ(probed.process.out.find(bad), std::string::npos) << bad << " in the probed run's stdout";
  }
  for (const char* bad : {"InvalidProgramException", "BadImageFormatException", "Unhandled exception", "Fatal error"}) {
    EXPECT_EQ(probed.process.err.find(bad), std::string::npos) << bad << " in the probed run's stderr";
  }
  EXPECT_NE(probed.process.out.find("prepare bad-il: InvalidProgramException=0 BadImageFormatException=0"),
            std::string::npos);

  // What was instrumented, what was refused and why.
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const std::string log = session.ReadLog();
  size_t instrumented = 0, refused = 0, region_full = 0;
  std::map<std::string, size_t> by_reason;
  std::cout << "[ everything ] plain run " << plain_s << " s, probed run " << probed_s << " s\n";
  for (const auto& set : ShortSets()) {
    const ProbeReport* probe = FindProbe(*probed.report, set.selector);
    if (probe == nullptr) {
      ADD_FAILURE() << "no probe " << set.selector << " in the report";
      continue;
    }
    EXPECT_EQ(probe->state, "active") << set.selector;
    std::map<std::string, size_t> probe_reasons;
    size_t probe_refused = 0, probe_full = 0;
    if (auto it = probe->raw.find("refused"); it != probe->raw.end() && it->is_array()) {
      for (const auto& r : *it) {
        const std::string reason = r.value("reason", std::string("?"));
        std::string kind = ReasonKind(reason);
        ++probe_reasons[kind];
        ++by_reason[kind];
        ++probe_refused;
        if (reason.find("stats region is full") != std::string::npos) ++probe_full;
      }
    }
    region_full += probe_full;
    // Methods refused only because the stats region has no free slot left are a capacity
    // limit (reported below), not a failure of this probe.
    if (probe_full == 0) {
      EXPECT_GT(probe->methods.size(), 0u) << set.selector;
    }
    instrumented += probe->methods.size();
    refused += probe_refused;
    std::cout << "[ everything ] " << set.selector << ": " << probe->methods.size() << " methods instrumented, "
              << probe_refused << " refused";
    for (const auto& [kind, n] : probe_reasons) std::cout << " " << kind << "=" << n;
    std::cout << "; calls " << probe->calls << ", exceptions " << probe->exceptions << "\n";
    // The workloads ran instrumented code of every probed assembly.
    if (!probe->methods.empty()) {
      EXPECT_GT(probe->calls, 0) << set.selector << ": no call counted";
    }
  }
  std::cout << "[ everything ] total: " << instrumented << " methods instrumented, " << refused << " refused";
  for (const auto& [kind, n] : by_reason) std::cout << " " << kind << "=" << n;
  std::cout << "\n";
  const size_t rejit_errors = CountOccurrences(log, "ReJIT failed");
  const size_t not_instrumenting = CountOccurrences(log, "not instrumenting ");
  std::cout << "[ everything ] agent log: " << not_instrumenting << " 'not instrumenting' lines, " << rejit_errors
            << " 'ReJIT failed' lines\n";
  if (not_instrumenting > 0) std::cout << LogLines(log, "not instrumenting ", 5);
  if (region_full > 0) {
    std::cout << "[ everything ] NOTE: " << region_full
              << " methods refused because the stats region was full (one slot per instrumented method; "
                 "the agent's region has a fixed capacity unless CLRPROBE_STATS_SLOTS raises it): this run "
                 "covered only part of the probed assemblies\n";
  }
  RecordProperty("region_full_refusals", static_cast<int>(region_full));
  RecordProperty("instrumented", static_cast<int>(instrumented));
  RecordProperty("refused", static_cast<int>(refused));
  RecordProperty("probed_run_ms", static_cast<int>(probed_s * 1000));

  // The runtime accepted every rewritten body it compiled.
  EXPECT_EQ(rejit_errors, 0u) << LogLines(log, "ReJIT failed");
  EXPECT_GT(instrumented, 1000u);
}

}  // namespace
}  // namespace clrprobe::itest
