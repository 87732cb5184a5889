// `-n NAME` (src/cli/process_match.h): which process a name stands for.
#include "cli/process_match.h"

#include <gtest/gtest.h>

namespace clrprobe::cli {
namespace {

NamedProcess process(pid_t pid, std::string comm, std::vector<std::string> args) {
  NamedProcess p;
  p.pid = pid;
  p.name = std::move(comm);
  p.arguments = std::move(args);
  for (const auto& a : p.arguments) p.command += (p.command.empty() ? "" : " ") + a;
  return p;
}

TEST(ProcessMatch, MatchesCommProgramOrEntryAssembly) {
  EXPECT_TRUE(process_matches_name(process(1, "dotnet", {"dotnet", "Orders.dll"}), "Orders"));
  EXPECT_TRUE(process_matches_name(process(1, "Orders", {"/app/Orders"}), "Orders"));
  EXPECT_TRUE(process_matches_name(process(1, "dotnet", {"dotnet", "Orders.dll"}), "dotnet"));
  EXPECT_FALSE(process_matches_name(process(1, "dotnet", {"dotnet", "Orders.dll"}), "Order"));
  EXPECT_FALSE(process_matches_name(process(1, "dotnet", {"dotnet", "Orders.dll"}), "Orders.dll"));
  EXPECT_FALSE(process_matches_name(process(1, "dotnet", {"dotnet", "Orders.dll"}), ""));
}

TEST(ProcessMatch, OneMatchIsThePid) {
  std::vector<NamedProcess> all = {process(10, "dotnet", {"dotnet", "Orders.dll"}),
                                   process(11, "dotnet", {"dotnet", "Billing.dll"})};
  auto pid = pick_process_by_name(all, "Billing");
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  EXPECT_EQ(*pid, 11);
}

TEST(ProcessMatch, NoMatchListsTheCandidates) {
  std::vector<NamedProcess> all = {process(10, "dotnet", {"dotnet", "Orders.dll"})};
  auto pid = pick_process_by_name(all, "Billing");
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().reason, Reason::NotFound);
  EXPECT_EQ(pid.error().message,
            "no .NET process named 'Billing' (process name, program or entry assembly); the .NET processes are:\n"
            "       10  dotnet Orders.dll");
  auto none = pick_process_by_name({}, "Billing");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no .NET process is running"), std::string::npos);
}

TEST(ProcessMatch, TwoMatchesAreAnErrorListingBoth) {
  std::vector<NamedProcess> all = {process(10, "dotnet", {"dotnet", "Orders.dll"}),
                                   process(12, "dotnet", {"dotnet", "exec", "Orders.dll"}),
                                   process(11, "dotnet", {"dotnet", "Billing.dll"})};
  auto pid = pick_process_by_name(all, "Orders");
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().reason, Reason::InvalidInput);
  EXPECT_EQ(pid.error().message,
            "2 processes are named 'Orders'; choose one with -p PID:\n"
            "       10  dotnet Orders.dll\n"
            "       12  dotnet exec Orders.dll");
}

}  // namespace
}  // namespace clrprobe::cli
