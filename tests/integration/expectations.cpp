#include "expectations.h"

#include <gtest/gtest.h>

#include <sstream>

namespace clrprobe::itest {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

}  // namespace

long long FindCount(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  const std::string head = prefix + " ";
  while (std::getline(lines, line)) {
    if (line.rfind(head, 0) == 0) {
      try {
        return std::stoll(line.substr(head.size()));
      } catch (const std::exception&) {
        return -1;
      }
    }
  }
  return -1;
}

void ExpectProbe(const Report& report, const ProbeExpectation& p) {
  SCOPED_TRACE("probe " + p.selector);
  const ProbeReport* probe = FindProbe(report, p.selector);
  ASSERT_NE(probe, nullptr) << "no report entry with selector \"" << p.selector << "\" in\n"
                            << report.raw.dump(2);
  EXPECT_EQ(probe->calls, p.calls);
  EXPECT_EQ(probe->exceptions, p.exceptions);
  EXPECT_FALSE(probe->methods.empty()) << "selector matched no method";
  for (const auto& part : p.method_substrings) {
    bool found = false;
    for (const auto& m : probe->methods) found = found || m.find(part) != std::string::npos;
    EXPECT_TRUE(found) << "no method containing \"" << part << "\" in " << Join(probe->methods);
  }
  for (const auto& exact : p.exact_methods) {
    bool found = false;
    for (const auto& m : probe->methods) found = found || m == exact;
    EXPECT_TRUE(found) << "\"" << exact << "\" not in " << Join(probe->methods);
  }
  if (p.method_count) {
    EXPECT_EQ(probe->methods.size(), *p.method_count) << Join(probe->methods);
  }
  ExpectLatency(*probe);
}

void ExpectLatency(const ProbeReport& probe) {
  ASSERT_TRUE(probe.latency.has_value()) << "latency_ns with p50/p90/p99/max missing: " << probe.raw.dump();
  const Latency& l = *probe.latency;
  EXPECT_GE(l.p50, 0);
  EXPECT_LE(l.p50, l.p90);
  EXPECT_LE(l.p90, l.p99);
  EXPECT_LE(l.p99, l.max);
  if (probe.calls > 0) {
    EXPECT_GT(l.p50, 0) << "calls counted but no latency recorded: " << probe.raw.dump();
    EXPECT_GT(l.max, 0) << "calls counted but no latency recorded: " << probe.raw.dump();
  }
}

void ExpectDeclaredByProgram(const std::string& out, const ProbeExpectation& p) {
  if (p.stdout_key.empty()) return;
  EXPECT_EQ(FindCount(out, "expected " + p.stdout_key), p.calls)
      << "program's \"expected " << p.stdout_key << "\" line differs from the test table";
  long long declared = FindCount(out, "expected-exceptions " + p.stdout_key);
  if (declared >= 0) {
    EXPECT_EQ(declared, p.exceptions) << "program's expected-exceptions line differs from the test table";
  }
}

void ExpectSameBehaviour(const ProcessResult& plain, const ProcessResult& probed) {
  ASSERT_TRUE(plain.error.empty()) << plain.error;
  ASSERT_TRUE(probed.error.empty()) << probed.error;
  EXPECT_FALSE(plain.timed_out);
  EXPECT_FALSE(probed.timed_out) << "probed run timed out";
  EXPECT_EQ(probed.exit_code, plain.exit_code) << "probed stderr:\n" << probed.err;
  EXPECT_EQ(probed.out, plain.out) << "stdout differs under clrprobe";
  // The agent (and `clrprobe run` with --report/--log) never writes to the program's stderr:
  // its messages go to the agent log.
  EXPECT_EQ(probed.err, plain.err) << "stderr differs under clrprobe";
}

}  // namespace clrprobe::itest
