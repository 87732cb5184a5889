// The /proc reader (src/common/proc_files.h) on literal /proc contents and on
// this process's own files.
#include "common/proc_files.h"

#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace clrprobe::proc {
namespace {

using namespace std::string_literals;

TEST(ProcFiles, EffectiveUidIsTheSecondUidField) {
  EXPECT_EQ(parse_status_euid("Name:\tdotnet\nUid:\t1000\t1001\t1002\t1003\nGid:\t5\t6\t5\t5\n"), 1001u);
  EXPECT_EQ(parse_status_egid("Name:\tdotnet\nUid:\t1000\t1001\t1002\t1003\nGid:\t5\t6\t5\t5\n"), 6u);
  EXPECT_EQ(parse_status_euid("Uid:\t0\t0\t0\t0\n"), 0u);
  EXPECT_FALSE(parse_status_euid("Name:\tx\n").has_value());
  EXPECT_FALSE(parse_status_euid("Uid:\t1000\n").has_value());
  EXPECT_FALSE(parse_status_euid("XUid:\t1\t2\t3\t4\n").has_value());
}

TEST(ProcFiles, NamespacePidIsTheLastNSpidNumber) {
  EXPECT_EQ(parse_status_ns_pid("Name:\tdotnet\nNSpid:\t48211\t7\nUid:\t0\t0\t0\t0\n"), 7);
  EXPECT_EQ(parse_status_ns_pid("NSpid:\t1234\n"), 1234);
  EXPECT_EQ(parse_status_ns_pid("NSpid:\t900\t55\t3\n"), 3);  // nested namespaces
  EXPECT_FALSE(parse_status_ns_pid("Name:\told kernel\n").has_value());
}

TEST(ProcFiles, OwnStatusNamesThisProcess) {
  auto status = read(::getpid(), "status");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(parse_status_euid(*status), ::geteuid());
  auto ns_pid = parse_status_ns_pid(*status);
  ASSERT_TRUE(ns_pid.has_value());
  EXPECT_GT(*ns_pid, 0);
}

TEST(ProcFiles, EnvironLookupReturnsTheFirstValueAsGetenvWould) {
  const std::string block = "A=1\0TMPDIR=/first\0TMPDIR=/second\0EMPTY=\0NOEQUALS\0"s;
  EXPECT_EQ(environ_value(block, "TMPDIR"), "/first");
  EXPECT_EQ(environ_value(block, "EMPTY"), "");
  EXPECT_FALSE(environ_value(block, "NOEQUALS").has_value());
  EXPECT_FALSE(environ_value(block, "tmpdir").has_value());
  EXPECT_EQ(environ_value_ignoring_case(block, "tmpdir"), "/first");
  EXPECT_EQ(environ_value("LAST=no-terminator"s, "LAST"), "no-terminator");
  EXPECT_FALSE(environ_value("", "A").has_value());
}

TEST(ProcFiles, CmdlineSplitsOnNulAndDropsTheTerminator) {
  auto args = split_cmdline("dotnet\0Orders.dll\0--port\0\0"s);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0], "dotnet");
  EXPECT_EQ(args[1], "Orders.dll");
  EXPECT_EQ(args[3], "");
  EXPECT_TRUE(split_cmdline("").empty());
  EXPECT_EQ(cmdline_text("dotnet\0a b\0"s), "dotnet a b");
}

TEST(ProcFiles, UidMapTranslatesOutsideUidsIntoTheNamespace) {
  const std::string map = "         0     100000      65536\n     65536       1000          1\n";
  EXPECT_EQ(uid_inside(map, 100000), 0u);
  EXPECT_EQ(uid_inside(map, 101000), 1000u);
  EXPECT_EQ(uid_inside(map, 1000), 65536u);
  EXPECT_FALSE(uid_inside(map, 0).has_value());
  EXPECT_EQ(uid_inside("0 0 4294967295\n", 1234), 1234u);
}

TEST(ProcFiles, NamespaceIdsOfThisProcessAreReadable) {
  auto mnt = own_namespace_id("mnt");
  ASSERT_TRUE(mnt.has_value());
  EXPECT_EQ(mnt->rfind("mnt:[", 0), 0u) << *mnt;
  EXPECT_EQ(root(42), "/proc/42/root");
}

TEST(ProcFiles, EntryAssemblyIsTheFirstDllOrExeArgumentAfterTheProgram) {
  EXPECT_EQ(entry_assembly({"dotnet", "Orders.dll"}), "Orders");
  EXPECT_EQ(entry_assembly({"/usr/bin/dotnet", "exec", "/app/bin/Orders.Api.dll", "--port", "80"}), "Orders.Api");
  EXPECT_EQ(entry_assembly({"dotnet", "exec", "/srv/Orders.Api.DLL", "x.dll"}), "Orders.Api");
  EXPECT_EQ(entry_assembly({"dotnet", "Tool.exe"}), "Tool");
  EXPECT_EQ(entry_assembly({"./Orders"}), "");
  EXPECT_EQ(entry_assembly({"Orders.dll"}), "");  // the program itself is not an argument
  EXPECT_EQ(entry_assembly({"dotnet", ".dll"}), "");
}

}  // namespace
}  // namespace clrprobe::proc
