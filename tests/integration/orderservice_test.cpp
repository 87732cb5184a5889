// The README demo: samples/OrderService in deterministic --iterations mode, probed on its
// three service methods, with counts checked against the program's own summary lines.
#include <gtest/gtest.h>

#include "expectations.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

std::vector<std::string> OrderServiceCommand() {
  return {DotnetExe(), OrderServiceDll(), "--iterations", "5000", "--seed", "42"};
}

TEST(OrderService, PlainRunIsDeterministic) {
  ASSERT_TRUE(AppsBuilt());
  ProbeSession session;
  ProcessResult first = session.RunPlain(OrderServiceCommand());
  ProcessResult second = session.RunPlain(OrderServiceCommand());
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(FindCount(first.out, "calls OrderService.Orders.Store::GetById"), 10000) << first.out;
  EXPECT_EQ(FindCount(first.out, "calls OrderService.Pricing.Calculator::Price"), 10000) << first.out;
  EXPECT_EQ(FindCount(first.out, "calls OrderService.Orders.Store::Save") +
                FindCount(first.out, "exceptions OrderService.Pricing.Calculator::Price"),
            10000)
      << first.out;
}

TEST(OrderService, ProbedCountsMatchTheServiceSummary) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult plain = session.RunPlain(OrderServiceCommand());
  const std::vector<std::string> methods = {"OrderService.Orders.Store::GetById", "OrderService.Orders.Store::Save",
                                            "OrderService.Pricing.Calculator::Price"};
  ProbedRun probed = session.RunProbed(methods, OrderServiceCommand());
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  for (const auto& m : methods) {
    ProbeExpectation p;
    p.selector = m;
    p.calls = FindCount(plain.out, "calls " + m);
    long long exceptions = FindCount(plain.out, "exceptions " + m);
    p.exceptions = exceptions < 0 ? 0 : exceptions;
    p.method_substrings = {m};
    p.method_count = 1;
    ASSERT_GT(p.calls, 0) << "no \"calls " << m << "\" line in\n" << plain.out;
    ExpectProbe(*probed.report, p);
  }
}

}  // namespace
}  // namespace clrprobe::itest
