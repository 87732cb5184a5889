// The pure parts of `clrprobe attach`: what it prints, and how it reads a
// process environment for DOTNET_EnableDiagnostics.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <string>

#include "cli/attach.h"
#include "cli/attach_command.h"
#include "common/agent_clsid.h"

namespace clrprobe::cli {
namespace {

using namespace std::string_literals;

TEST(AttachEnviron, DetectsDisabledDiagnostics) {
  EXPECT_TRUE(diagnostics_disabled_in_environ("A=1\0DOTNET_EnableDiagnostics=0\0"s));
  EXPECT_TRUE(diagnostics_disabled_in_environ("COMPlus_EnableDiagnostics=0"s));
  EXPECT_TRUE(diagnostics_disabled_in_environ("DOTNET_EnableDiagnostics_IPC=0\0"s));
  EXPECT_TRUE(diagnostics_disabled_in_environ("dotnet_enablediagnostics=0\0"s));  // names are case-insensitive
  EXPECT_FALSE(diagnostics_disabled_in_environ("DOTNET_EnableDiagnostics=1\0"s));
  EXPECT_FALSE(diagnostics_disabled_in_environ("DOTNET_EnableDiagnostics_Debugger=0\0"s));
  EXPECT_FALSE(diagnostics_disabled_in_environ("XDOTNET_EnableDiagnostics=0\0"s));
  EXPECT_FALSE(diagnostics_disabled_in_environ(""));
}

TEST(AttachEnviron, SaysWhichSettingDisablesDiagnostics) {
  EXPECT_EQ(disabled_diagnostics_setting("A=1\0COMPlus_EnableDiagnostics=0\0"s), "COMPlus_EnableDiagnostics=0");
  EXPECT_EQ(disabled_diagnostics_setting("DOTNET_EnableDiagnostics=1\0"s), "");
}

TEST(AttachEnviron, NamesAnotherProfilerLoadedAtStartup) {
  const std::string otel =
      "CORECLR_ENABLE_PROFILING=1\0CORECLR_PROFILER={918728DD-259F-4A6A-AC2B-B85E1B658318}\0"
      "CORECLR_PROFILER_PATH=/otel/linux-x64/OpenTelemetry.AutoInstrumentation.Native.so\0"s;
  EXPECT_EQ(other_profiler_in_environ(otel),
            "CORECLR_PROFILER={918728DD-259F-4A6A-AC2B-B85E1B658318} "
            "(CORECLR_PROFILER_PATH=/otel/linux-x64/OpenTelemetry.AutoInstrumentation.Native.so)");
  // Not enabled: the runtime loads nothing.
  EXPECT_EQ(other_profiler_in_environ("CORECLR_PROFILER={918728DD-259F-4A6A-AC2B-B85E1B658318}\0"s), "");
  EXPECT_EQ(other_profiler_in_environ("CORECLR_ENABLE_PROFILING=0\0CORECLR_PROFILER={1}\0"s), "");
  // clrprobe itself (any case) is not "another" profiler.
  std::string lower = kAgentClsid;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(other_profiler_in_environ("CORECLR_ENABLE_PROFILING=1\0CORECLR_PROFILER="s + lower + "\0"s), "");
  EXPECT_EQ(other_profiler_in_environ(""), "");
}

AttachOutcome attached() {
  AttachOutcome o;
  o.pid = 4242;
  o.agent_path = "/opt/clrprobe/lib/libclrprobe.so";
  o.diagnostics_socket = "/tmp/dotnet-diagnostic-4242-99-socket";
  o.control_socket = "/tmp/clrprobe-1000/4242.sock";
  o.attach_time = std::chrono::milliseconds(31);
  o.ready_time = std::chrono::milliseconds(35);
  o.ping = {{"ok", true}, {"pid", 4242}, {"agent_version", "0.1.0"}, {"protocol", 1}};
  return o;
}

TEST(AttachOutput, Attached) {
  EXPECT_EQ(format_attach_outcome(attached()),
            "attached to process 4242 in 35 ms\n"
            "  agent:          /opt/clrprobe/lib/libclrprobe.so (version 0.1.0)\n"
            "  control socket: /tmp/clrprobe-1000/4242.sock\n");
  nlohmann::json j = attach_outcome_json(attached());
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["attached"], true);
  EXPECT_EQ(j["already_attached"], false);
  EXPECT_EQ(j["agent"], "/opt/clrprobe/lib/libclrprobe.so");
  EXPECT_EQ(j["attach_ms"], 31);
  EXPECT_EQ(j["ready_ms"], 35);
  EXPECT_EQ(j["agent_version"], "0.1.0");
}

TEST(AttachOutput, AlreadyAttached) {
  AttachOutcome o;
  o.pid = 7;
  o.already_attached = true;
  o.control_socket = "/tmp/clrprobe-0/7.sock";
  EXPECT_EQ(format_attach_outcome(o),
            "clrprobe is already attached to process 7\n"
            "  control socket: /tmp/clrprobe-0/7.sock\n");
  nlohmann::json j = attach_outcome_json(o);
  EXPECT_EQ(j["already_attached"], true);
  EXPECT_FALSE(j.contains("attach_ms"));
  EXPECT_FALSE(j.contains("agent_version"));
}

TEST(EnsureAgent, RefusesBadPidsBeforeAnythingElse) {
  auto zero = ensure_agent(0, {});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().reason, Reason::InvalidInput);
  // pid_max is at most 2^22 on Linux: this pid cannot exist.
  auto missing = ensure_agent(99999999, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no process with pid 99999999");
}

TEST(EnsureAgent, RefusesAProcessThatIsNotDotnet) {
  // This test binary is not a .NET process and has no diagnostics socket.
  AttachOptions options;
  options.diagnostic_dirs = {"/nonexistent-clrprobe-dir"};
  auto self = ensure_agent(::getpid(), options);
  ASSERT_FALSE(self.ok());
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(self.error().message, "process " + pid + " is not a .NET process (no libcoreclr.so in /proc/" + pid +
                                      "/maps, no dotnet-diagnostic-" + pid + "-*-socket in /nonexistent-clrprobe-dir)");
}

}  // namespace
}  // namespace clrprobe::cli
