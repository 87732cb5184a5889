// Helpers for the exporter tests: a private runtime directory, and fake
// agents (a stats region file <pid>.stats whose counters the test writes
// directly, plus a <pid>.probes.json).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "export/snapshot.h"
#include "stats/region_layout.h"
#include "support/fake_stats_region.h"
#include "support/temp_dir.h"
#include "stats/stats_region.h"

namespace clrprobe::exporter::testing {

class TempDir : public clrprobe::test_support::TempDir {
 public:
  TempDir() : clrprobe::test_support::TempDir("clrprobe-export-test") {}
};

// An agent's files in `dir`, written as if by process `pid`: alive while
// that process runs (e.g. getpid(), or a child), exited for a dead pid.
class FakeAgent {
 public:
  FakeAgent(const std::string& dir, pid_t pid, std::string name = "testhost");

  int32_t add_slot(const std::string& method);
  // One completed call of `latency_ticks`, an exception when `exception`.
  void record(int32_t slot, uint64_t latency_ticks, bool exception = false, uint32_t stripe = 0);
  // One completed async call whose task was cancelled.
  void record_cancelled(int32_t slot, uint64_t latency_ticks);
  // Calls entered, not completed.
  void enter(int32_t slot, uint64_t calls);
  void set_ticks_per_ns(double ticks_per_ns);
  void set_created_unix_ns(uint64_t ns);
  // Writes <pid>.probes.json: {"pid": pid, "probes": probes}.
  void write_probes(const nlohmann::json& probes) const;

  AgentTarget target() const;
  pid_t pid() const { return pid_; }

 private:
  std::string dir_;
  pid_t pid_;
  std::string name_;
  std::unique_ptr<test_support::FakeStatsRegion> region_;
};

// {"name", "slot", "async", "baseline"?}
nlohmann::json method_entry(const std::string& name, int32_t slot, uint64_t baseline_calls = 0,
                            uint64_t baseline_exceptions = 0, uint64_t baseline_cancelled = 0);
// {"id", "selector", "state", "methods"}
nlohmann::json probe_entry(int64_t id, const std::string& selector, const nlohmann::json& methods,
                           const std::string& state = "active");

// A pid no process has.
pid_t dead_pid();

// A child process that sleeps until end() (or the destructor) kills it.
class SleepingChild {
 public:
  SleepingChild();
  ~SleepingChild();
  pid_t pid() const { return pid_; }
  void end();  // kills and reaps it

 private:
  pid_t pid_ = -1;
};

// protoc's text rendering of an ExportMetricsServiceRequest in protobuf
// (protoc --decode against otlp/otlp_metrics.proto); a failure when protoc
// is missing, refuses the body, or finds fields the .proto does not know.
::testing::AssertionResult protoc_decode(const std::string& body, std::string& text);

// The first sample line "name{labels} value" of a text that starts with
// `prefix`; empty when none.
std::string find_line(const std::string& text, const std::string& prefix);

}  // namespace clrprobe::exporter::testing
