#include "export_test_support.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "common/runtime_paths.h"
#include "stats/process_identity.h"

namespace clrprobe::exporter::testing {

FakeAgent::FakeAgent(const std::string& dir, pid_t pid, std::string name)
    : dir_(dir),
      pid_(pid),
      name_(std::move(name)),
      region_(std::make_unique<test_support::FakeStatsRegion>(dir + "/" + stats_file_name(pid), 64)) {
  if (pid != ::getpid()) {
    // The region of process `pid`: alive while it runs (its real start
    // time), else that of a process that exited.
    auto identity = stats::process_identity(pid);
    region_->set_writer(pid, identity ? identity->start_jiffies : 1);
  }
}

int32_t FakeAgent::add_slot(const std::string& method) { return region_->add_slot(method); }

void FakeAgent::record(int32_t slot, uint64_t latency_ticks, bool exception, uint32_t stripe) {
  region_->record(slot, latency_ticks, exception, stripe);
}

void FakeAgent::record_cancelled(int32_t slot, uint64_t latency_ticks) {
  region_->record_cancelled(slot, latency_ticks);
}

void FakeAgent::enter(int32_t slot, uint64_t calls) { region_->enter(slot, calls); }

void FakeAgent::set_ticks_per_ns(double ticks_per_ns) { region_->set_ticks_per_ns(ticks_per_ns); }

void FakeAgent::set_created_unix_ns(uint64_t ns) { region_->set_created_unix_ns(ns); }

void FakeAgent::write_probes(const nlohmann::json& probes) const {
  std::ofstream out(dir_ + "/" + probes_file_name(pid_), std::ios::trunc);
  out << nlohmann::json{{"pid", pid_}, {"probes", probes}}.dump();
}

AgentTarget FakeAgent::target() const {
  AgentTarget t;
  t.pid = pid_;
  t.stats_path = dir_ + "/" + stats_file_name(pid_);
  t.probes_path = dir_ + "/" + probes_file_name(pid_);
  t.process_name = name_;
  return t;
}

nlohmann::json method_entry(const std::string& name, int32_t slot, uint64_t baseline_calls,
                            uint64_t baseline_exceptions, uint64_t baseline_cancelled) {
  nlohmann::json m = {{"name", name}, {"slot", slot}, {"async", false}};
  if (baseline_calls != 0 || baseline_exceptions != 0 || baseline_cancelled != 0) {
    m["baseline"] = {{"calls", baseline_calls}, {"exceptions", baseline_exceptions}, {"cancelled", baseline_cancelled}};
  }
  return m;
}

nlohmann::json probe_entry(int64_t id, const std::string& selector, const nlohmann::json& methods,
                           const std::string& state) {
  return {{"id", id}, {"selector", selector}, {"state", state}, {"methods", methods}, {"refused", nlohmann::json::array()}};
}

pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

SleepingChild::SleepingChild() {
  pid_ = ::fork();
  if (pid_ == 0) {
    for (;;) ::pause();
  }
}

SleepingChild::~SleepingChild() { end(); }

void SleepingChild::end() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string find_line(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

// protoc's text rendering of a request, or a failure.
::testing::AssertionResult protoc_decode(const std::string& body, std::string& text) {
  if (std::system("command -v protoc >/dev/null 2>&1") != 0) {
    return ::testing::AssertionFailure() << "protoc not installed: run scripts/install-deps.sh "
                                            "(apt-get install protobuf-compiler)";
  }
  TempDir dir;
  const std::string in = dir.path() + "/body.pb";
  const std::string out = dir.path() + "/body.txt";
  std::ofstream(in, std::ios::binary) << body;
  const std::string command = std::string("protoc --proto_path=") + CLRPROBE_OTLP_PROTO_DIR +
                              " --decode=clrprobe.otlp.ExportMetricsServiceRequest otlp_metrics.proto < " + in + " > " +
                              out + " 2>&1";
  const int rc = std::system(command.c_str());
  std::stringstream buffer;
  buffer << std::ifstream(out).rdbuf();
  text = buffer.str();
  if (rc != 0) return ::testing::AssertionFailure() << "protoc --decode failed: " << text;
  // Fields the .proto does not know show as bare numbers: none are expected.
  if (std::regex_search(text, std::regex(R"((^|\n)\s*[0-9]+: )"))) {
    return ::testing::AssertionFailure() << "unknown fields in:\n" << text;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace clrprobe::exporter::testing
