// Helpers shared by the live-probe tests (live_probes_test.cpp and
// live_probes_refusals_test.cpp): the LiveService targets and the service's own
// counters a probe on each must match, and checks on `clrprobe stats` figures.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"
#include "report.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest::live_probes {

using Clock = std::chrono::steady_clock;

// A selector and the service counters whose sum a probe on it must report.
struct Target {
  const char* selector;
  std::vector<std::string> keys;
  bool throws = false;
};

inline const std::vector<Target>& AllTargets() {
  static const std::vector<Target> targets = {
      {kPlainMethod, {kPlainMethod}},
      {kInstanceMethod, {kInstanceMethod}},
      {kInlinedMethod, {kInlinedMethod}},
      {kGenericMethod, {kPickIntKey, kPickStringKey}},
      {kThrowingMethod, {kThrowingMethod}, true},
      {kAsyncMethod, {kAsyncMethod}},
      {kSeriesMethods,
       {"LiveService.Targets.Series::StepA", "LiveService.Targets.Series::StepB", "LiveService.Targets.Series::StepC"}},
      {kPairMethods, {"LiveService.Targets.Pair::Left", "LiveService.Targets.Pair::Right"}},
  };
  return targets;
}

inline const Target& TargetFor(const std::string& selector) {
  for (const auto& t : AllTargets()) {
    if (selector == t.selector) return t;
  }
  throw std::logic_error("no target " + selector);
}

inline int64_t CallsDelta(const Target& t, const ServiceCounts& from, const ServiceCounts& to) {
  int64_t sum = 0;
  for (const auto& key : t.keys) sum += to.Calls(key) - from.Calls(key);
  return sum;
}

inline int64_t ExceptionsDelta(const Target& t, const ServiceCounts& from, const ServiceCounts& to) {
  int64_t sum = 0;
  if (t.throws) {
    for (const auto& key : t.keys) sum += to.Exceptions(key) - from.Exceptions(key);
  }
  return sum;
}

// The stats entry of probe `id`, or a test failure and nullptr.
inline const ProbeReport* Entry(const Report& stats, int64_t id) {
  const ProbeReport* p = FindProbeById(stats, id);
  if (p == nullptr) ADD_FAILURE() << "probe " << id << " missing from `clrprobe stats`:\n" << stats.raw.dump(2);
  return p;
}

// Probe `id` on target t counted exactly what the service did between `from` and `to`,
// on top of `base` (its figures at `from`, when it existed before the window).
inline void ExpectWindow(const Report& stats, int64_t id, const Target& t, const ServiceCounts& from,
                         const ServiceCounts& to, const ProbeReport* base = nullptr) {
  const ProbeReport* p = Entry(stats, id);
  if (p == nullptr) return;
  const int64_t calls = CallsDelta(t, from, to);
  EXPECT_GT(calls, 0) << t.selector << ": the window ran no calls";
  EXPECT_EQ(p->calls - (base ? base->calls : 0), calls)
      << t.selector << " (probe " << id << "): probe calls vs the service's own count";
  EXPECT_EQ(p->exceptions - (base ? base->exceptions : 0), ExceptionsDelta(t, from, to))
      << t.selector << " (probe " << id << "): probe exceptions vs the exceptions the service caught";
}

inline void ExpectSaneLatency(const ProbeReport& p) {
  ASSERT_TRUE(p.latency.has_value()) << p.raw.dump(2);
  EXPECT_LE(p.latency->p50, p.latency->p90);
  EXPECT_LE(p.latency->p90, p.latency->p99);
  EXPECT_LE(p.latency->p99, p.latency->max);
  EXPECT_GT(p.latency->max, 0);
}

// No InvalidProgramException (a bad rewrite) anywhere: service output and agent log.
inline void ExpectNoInvalidProgram(const LiveService& service, const ProbeSession& session) {
  for (const auto& [what, text] : {std::pair<std::string, std::string>{"service stdout", service.Stdout()},
                                   {"service stderr", service.Stderr()},
                                   {"agent log", session.ReadLog()}}) {
    EXPECT_EQ(text.find("InvalidProgramException"), std::string::npos) << "InvalidProgramException in the " << what;
    EXPECT_EQ(text.find("Unhandled exception"), std::string::npos) << "unhandled exception in the " << what;
  }
}

// "LiveService.Targets.Statics::Plain" -> "Statics::Plain"
inline std::string TypeAndMethod(const std::string& selector) {
  const std::string prefix = "LiveService.Targets.";
  return selector.rfind(prefix, 0) == 0 ? selector.substr(prefix.size()) : selector;
}

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class LiveProbes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
  }
};

}  // namespace clrprobe::itest::live_probes
