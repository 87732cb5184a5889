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

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/clrprobe-export-test-XXXXXX";
  if (char* made = ::mkdtemp(tmpl.data())) path_ = made;
  EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

FakeAgent::FakeAgent(const std::string& dir, pid_t pid, std::string name)
    : dir_(dir), pid_(pid), name_(std::move(name)) {
  auto made = stats::StatsRegion::create(dir + "/" + stats_file_name(pid), 64, stats::ClockChoice::ForceMonotonic);
  if (!made) {
    ADD_FAILURE() << "cannot create region: " << made.error().describe();
    std::abort();
  }
  region_ = std::move(*made);
  if (pid != ::getpid()) {
    // The region of process `pid`: alive while it runs (its real start
    // time), else that of a process that exited.
    auto identity = stats::process_identity(pid);
    header().pid = pid;
    header().process_start_jiffies = identity ? identity->start_jiffies : 1;
  }
}

stats::RegionHeader& FakeAgent::header() {
  return *reinterpret_cast<stats::RegionHeader*>(const_cast<std::byte*>(region_->bytes().data()));
}

stats::StripeCounters& FakeAgent::counters(int32_t slot, uint32_t stripe) {
  const stats::RegionHeader& h = header();
  auto* base = const_cast<std::byte*>(region_->bytes().data()) + h.counters_offset;
  return reinterpret_cast<stats::StripeCounters*>(base)[static_cast<uint64_t>(slot) * h.stripe_count + stripe];
}

int32_t FakeAgent::add_slot(const std::string& method) {
  auto slot = region_->allocate_slot(method, "Test.dll");
  EXPECT_TRUE(slot.ok());
  return slot.ok() ? *slot : -1;
}

void FakeAgent::record(int32_t slot, uint64_t latency_ticks, bool exception, uint32_t stripe) {
  stats::StripeCounters& c = counters(slot, stripe);
  c.calls += 1;
  if (exception) c.exceptions += 1;
  c.buckets[stats::bucket_index(latency_ticks)] += 1;
  if (latency_ticks > c.max_ticks) c.max_ticks = latency_ticks;
}

void FakeAgent::record_cancelled(int32_t slot, uint64_t latency_ticks) {
  record(slot, latency_ticks);
  counters(slot, 0).cancelled += 1;
}

void FakeAgent::enter(int32_t slot, uint64_t calls) { counters(slot, 0).calls += calls; }

void FakeAgent::set_ticks_per_ns(double ticks_per_ns) {
  header().flags |= stats::kHeaderFlagTsc;  // only TSC regions have a calibration other than 1
  header().ticks_per_ns = ticks_per_ns;
}

void FakeAgent::set_created_unix_ns(uint64_t ns) { header().creation_unix_ns = ns; }

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
                              " --decode=clrprobe.otlp.ExportMetricsServiceRequest otlp_metrics.proto < " + in +
                              " > " + out + " 2>&1";
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
