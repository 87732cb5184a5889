#include "cli/profiler_env.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "common/agent_clsid.h"

namespace clrprobe::cli {
namespace {

ProfilerSettings settings() {
  ProfilerSettings s;
  s.agent_path = "/opt/clrprobe/lib/libclrprobe.so";
  s.probes = "A.B::C;re:x";
  return s;
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

std::size_t count_name(const std::vector<std::string>& env, const std::string& name) {
  return std::count_if(env.begin(), env.end(),
                       [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

TEST(ProfilerEnv, SetsTheContractVariables) {
  auto env = build_child_environment({"PATH=/usr/bin", "HOME=/root"}, settings());
  EXPECT_TRUE(has(env.entries, "PATH=/usr/bin"));
  EXPECT_TRUE(has(env.entries, "HOME=/root"));
  EXPECT_TRUE(has(env.entries, "CORECLR_ENABLE_PROFILING=1"));
  EXPECT_TRUE(has(env.entries, std::string("CORECLR_PROFILER=") + kAgentClsid));
  EXPECT_TRUE(has(env.entries, "CORECLR_PROFILER_PATH=/opt/clrprobe/lib/libclrprobe.so"));
  EXPECT_TRUE(has(env.entries, "CORECLR_PROFILER_PATH_64=/opt/clrprobe/lib/libclrprobe.so"));
  EXPECT_TRUE(has(env.entries, "CLRPROBE_PROBES=A.B::C;re:x"));
  EXPECT_EQ(count_name(env.entries, "CLRPROBE_REPORT"), 0u);
  EXPECT_EQ(count_name(env.entries, "CLRPROBE_LOG"), 0u);
  EXPECT_TRUE(env.warnings.empty());
  EXPECT_EQ(std::string(kAgentClsid), "{8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}");
}

TEST(ProfilerEnv, ReportAndLogWhenGiven) {
  ProfilerSettings s = settings();
  s.report_path = "/tmp/r.json";
  s.log_path = "/tmp/agent.log";
  auto env = build_child_environment({}, s);
  EXPECT_TRUE(has(env.entries, "CLRPROBE_REPORT=/tmp/r.json"));
  EXPECT_TRUE(has(env.entries, "CLRPROBE_LOG=/tmp/agent.log"));
}

TEST(ProfilerEnv, ReplacesInheritedValuesOnce) {
  ProfilerSettings s = settings();
  s.report_path = "/tmp/new.json";
  auto env = build_child_environment(
      {"CORECLR_ENABLE_PROFILING=0", "CLRPROBE_PROBES=old::Thing", "CLRPROBE_REPORT=/old.json",
       "CLRPROBE_LOG=/inherited.log", "CORECLR_PROFILER_PATH=/other.so"},
      s);
  for (const char* name : {"CORECLR_ENABLE_PROFILING", "CLRPROBE_PROBES", "CLRPROBE_REPORT",
                           "CORECLR_PROFILER_PATH", "CLRPROBE_LOG"}) {
    EXPECT_EQ(count_name(env.entries, name), 1u) << name;
  }
  EXPECT_TRUE(has(env.entries, "CORECLR_ENABLE_PROFILING=1"));
  EXPECT_TRUE(has(env.entries, "CLRPROBE_PROBES=A.B::C;re:x"));
  EXPECT_TRUE(has(env.entries, "CLRPROBE_REPORT=/tmp/new.json"));
  // Without --log an inherited CLRPROBE_LOG passes through.
  EXPECT_TRUE(has(env.entries, "CLRPROBE_LOG=/inherited.log"));
}

TEST(ProfilerEnv, WarnsWhenReplacingAnotherProfiler) {
  auto env = build_child_environment({"CORECLR_PROFILER={00000000-1111-2222-3333-444444444444}"},
                                     settings());
  ASSERT_EQ(env.warnings.size(), 1u);
  EXPECT_NE(env.warnings[0].find("only one profiler"), std::string::npos);
  auto same = build_child_environment({std::string("CORECLR_PROFILER=") + kAgentClsid}, settings());
  EXPECT_TRUE(same.warnings.empty());
}

TEST(ProfilerEnv, EmptyProbesStillSet) {
  ProfilerSettings s = settings();
  s.probes.clear();
  auto env = build_child_environment({"CLRPROBE_PROBES=stale::One"}, s);
  EXPECT_TRUE(has(env.entries, "CLRPROBE_PROBES="));
  EXPECT_EQ(count_name(env.entries, "CLRPROBE_PROBES"), 1u);
}

TEST(ProfilerEnv, VariableOrderIsStable) {
  auto vars = profiler_variables(settings());
  ASSERT_EQ(vars.size(), 5u);
  EXPECT_EQ(vars[0].first, "CORECLR_ENABLE_PROFILING");
  EXPECT_EQ(vars[1].first, "CORECLR_PROFILER");
  EXPECT_EQ(vars[2].first, "CORECLR_PROFILER_PATH");
  EXPECT_EQ(vars[3].first, "CORECLR_PROFILER_PATH_64");
  EXPECT_EQ(vars[4].first, "CLRPROBE_PROBES");
}

}  // namespace
}  // namespace clrprobe::cli
