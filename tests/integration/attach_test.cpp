// `clrprobe attach`: the agent loaded into a .NET process started with plain `dotnet`
// (no clrprobe variables) through the runtime's diagnostics IPC AttachProfiler; then
// live probes work on it as on a process started under `clrprobe run`. Also the refusals:
// attaching twice, a process that is not .NET, a pid that does not exist, diagnostics
// disabled, another profiler already loaded, an agent file that is not a profiler.
//
// Every session uses a private CLRPROBE_RUNTIME_DIR that only clrprobe sees (the service
// is started without it), so the agent can only find it through the attach client data.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int64_t Ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

class Attach : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
    // Short: the socket path inside must fit a sockaddr_un (108 bytes).
    char dir[] = "/tmp/clrprobe-attach-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    runtime_dir_ = dir;
    session_.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir_);
  }

  void TearDown() override {
    std::error_code ec;
    if (!runtime_dir_.empty()) std::filesystem::remove_all(runtime_dir_, ec);
  }

  // LiveService under plain `dotnet`, without CLRPROBE_RUNTIME_DIR.
  LiveService::Options Plain() {
    LiveService::Options options;
    options.WithoutAgent();
    options.env["CLRPROBE_RUNTIME_DIR"] = std::nullopt;
    return options;
  }

  ProcessResult AttachCli(pid_t pid, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"attach", "-p", std::to_string(pid), "--log", session_.LogPath()};
    args.insert(args.end(), extra.begin(), extra.end());
    return session_.RunClrprobe(args, 60s);
  }

  ProbeSession session_;
  std::string runtime_dir_;
};

// Attach, then the agent answers where the CLI looks (the private runtime directory came
// with the client data), and a probe added afterwards counts exactly the calls the service
// made in a window it covered; after remove the service runs on unharmed.
TEST_F(Attach, AttachesToAPlainProcessAndLiveProbesWork) {
  LiveService service(session_, Plain());
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  EXPECT_FALSE(FileExists(runtime_dir_ + "/" + service.Pid() + ".sock"));

  const auto attach_start = Clock::now();
  CliJson attached = RunClrprobeJson(session_, {"attach", "-p", service.Pid(), "--log", session_.LogPath(), "--json"});
  const int64_t attach_wall_ms = Ms(Clock::now() - attach_start);
  ASSERT_TRUE(attached.json) << attached.process.err << attached.json_error;
  const nlohmann::json& j = *attached.json;
  EXPECT_EQ(j.value("pid", 0), pid);
  EXPECT_TRUE(j.value("attached", false));
  EXPECT_FALSE(j.value("already_attached", true));
  EXPECT_EQ(j.value("control_socket", ""), runtime_dir_ + "/" + service.Pid() + ".sock") << j.dump(2);
  EXPECT_TRUE(Contains(j.value("diagnostics_socket", ""), "dotnet-diagnostic-" + service.Pid() + "-")) << j.dump(2);
  EXPECT_TRUE(FileExists(runtime_dir_ + "/" + service.Pid() + ".sock"));
  std::cout << "[attach] attach: runtime answered in " << j.value("attach_ms", -1) << " ms, agent answered in "
            << j.value("ready_ms", -1) << " ms (clrprobe attach ran " << attach_wall_ms << " ms)" << std::endl;
  EXPECT_TRUE(Contains(session_.ReadLog(), "attach")) << "the agent log (from the client data) is missing";

  // The other commands find the attached agent.
  ASSERT_TRUE(WaitForAgent(session_, pid, 10s));

  // Time from `add` to the first counted call, with the workers running freely.
  const auto add_start = Clock::now();
  auto probe = AddProbe(session_, pid, kPlainMethod);
  ASSERT_TRUE(probe);
  const int64_t id = IdOf(*probe);
  const int64_t add_ms = Ms(Clock::now() - add_start);
  int64_t first_count_ms = -1;
  int64_t first_calls = 0;
  while (Clock::now() - add_start < 30s) {
    auto stats = Stats(session_, pid);
    ASSERT_TRUE(stats);
    const ProbeReport* p = FindProbeById(*stats, id);
    ASSERT_NE(p, nullptr) << stats->raw.dump(2);
    if (p->calls > 0) {
      first_count_ms = Ms(Clock::now() - add_start);
      first_calls = p->calls;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(first_count_ms, 0) << "the attached agent's probe never counted a call";
  std::cout << "[attach] add -> first counted call: " << first_count_ms << " ms (add itself " << add_ms
            << " ms; " << first_calls << " calls at the first look)" << std::endl;

  // The counts grow while the service runs.
  std::this_thread::sleep_for(200ms);
  auto later = Stats(session_, pid);
  ASSERT_TRUE(later);
  const ProbeReport* grown = FindProbeById(*later, id);
  ASSERT_NE(grown, nullptr);
  EXPECT_GT(grown->calls, first_calls);

  // Exact: a probe added while the workers are parked counts the next N iterations'
  // calls, as the service itself counted them.
  auto before = service.Pause();
  ASSERT_TRUE(before);
  auto exact = AddProbe(session_, pid, kInstanceMethod);
  ASSERT_TRUE(exact);
  auto after = service.RunIterations(500);
  ASSERT_TRUE(after);
  auto window = Stats(session_, pid);
  ASSERT_TRUE(window);
  const ProbeReport* w = FindProbeById(*window, IdOf(*exact));
  ASSERT_NE(w, nullptr) << window->raw.dump(2);
  const int64_t service_calls = after->Calls(kInstanceMethod) - before->Calls(kInstanceMethod);
  EXPECT_GT(service_calls, 0);
  EXPECT_EQ(w->calls, service_calls) << "probe on an attached agent vs the service's own count";

  // Remove: the figures freeze, the service goes on.
  auto removed = RemoveAllProbes(session_, pid);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->size(), 2u);
  ASSERT_TRUE(service.Resume());
  EXPECT_TRUE(service.StillServing());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0) << service.Stderr();
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
}

// A second attach changes nothing and says so (exit 0); the process is unharmed.
TEST_F(Attach, AttachingTwiceSaysAlreadyAttached) {
  LiveService service(session_, Plain());
  ASSERT_TRUE(service.Started());
  ProcessResult first = AttachCli(service.pid());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(Contains(first.out, "attached to process " + service.Pid() + " in ")) << first.out;

  ProcessResult second = AttachCli(service.pid());
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(Contains(second.out, "clrprobe is already attached to process " + service.Pid())) << second.out;

  CliJson third = RunClrprobeJson(session_, {"attach", "-p", service.Pid(), "--json"});
  ASSERT_TRUE(third.json) << third.process.err;
  EXPECT_TRUE(third.json->value("already_attached", false)) << third.json->dump(2);

  // Exactly one agent: the log says it loaded once.
  const std::string log = session_.ReadLog();
  std::size_t loads = 0;
  for (std::size_t at = log.find("agent loading"); at != std::string::npos; at = log.find("agent loading", at + 1)) {
    ++loads;
  }
  EXPECT_EQ(loads, 1u) << log;
  EXPECT_TRUE(service.StillServing());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
}

TEST_F(Attach, RefusesAProcessThatIsNotDotnet) {
  std::string error;
  auto sleeper = InteractiveProcess::Start({"sleep", "30"}, session_.PlainOptions(), &error);
  ASSERT_TRUE(sleeper) << error;
  ProcessResult r = AttachCli(sleeper->pid());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "process " + std::to_string(sleeper->pid()) + " is not a .NET process")) << r.err;
  EXPECT_TRUE(sleeper->Running());
  sleeper->Kill();
}

TEST_F(Attach, RefusesAPidWithoutProcess) {
  const pid_t pid = UnusedPid();
  ProcessResult r = AttachCli(pid);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "no process with pid " + std::to_string(pid))) << r.err;
}

TEST_F(Attach, RefusesAProcessWithDiagnosticsDisabled) {
  LiveService::Options options = Plain();
  options.Env("DOTNET_EnableDiagnostics", "0");
  LiveService service(session_, options);
  ASSERT_TRUE(service.Started());
  ProcessResult r = AttachCli(service.pid());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "process " + service.Pid() + " has diagnostics disabled: its environment (/proc/" +
                                  service.Pid() + "/environ) sets DOTNET_EnableDiagnostics=0"))
      << r.err;
  EXPECT_TRUE(service.StillServing());
}

// A process that runs another profiler (here a copy of the agent under another name, with
// its files elsewhere, so nothing tells clrprobe it is its own): the runtime refuses a
// second profiler, and clrprobe says so.
TEST_F(Attach, RefusesWhenAnotherProfilerIsLoaded) {
  const std::string other = session_.dir() + "/other-profiler.so";
  const std::string agent =
      (std::filesystem::path(ClrprobeExe()).parent_path().parent_path() / "lib" / "libclrprobe.so").string();
  std::error_code ec;
  std::filesystem::copy_file(agent, other, ec);
  ASSERT_FALSE(ec) << ec.message();
  LiveService::Options options = Plain();
  options.Env("CORECLR_ENABLE_PROFILING", "1")
      .Env("CORECLR_PROFILER", "{8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}")
      .Env("CORECLR_PROFILER_PATH", other)
      .Env("CLRPROBE_RUNTIME_DIR", session_.dir() + "/other-runtime")
      .Env("CLRPROBE_LOG", session_.dir() + "/other-profiler.log");
  LiveService service(session_, options);
  ASSERT_TRUE(service.Started());
  ProcessResult r = AttachCli(service.pid());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "a profiler is already loaded in process " + service.Pid() +
                                  " (clrprobe or another one); only one profiler per process"))
      << r.err;
  EXPECT_TRUE(service.StillServing());

  // The runtime keeps libclrprobe.so mapped after refusing it: a second try must not take
  // that for an attached agent.
  ProcessResult again = AttachCli(service.pid());
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_TRUE(Contains(again.err, "a profiler is already loaded in process " + service.Pid())) << again.err;
  EXPECT_TRUE(Contains(again.err, "only one profiler per process")) << again.err;
  EXPECT_TRUE(service.StillServing());
}

// An --agent that is not a profiler: a clear error, the process runs on, and a real
// attach afterwards still works.
TEST_F(Attach, AFailedAttachLeavesTheProcessAttachable) {
  LiveService service(session_, Plain());
  ASSERT_TRUE(service.Started());
  const std::string bogus = session_.dir() + "/not-a-library.so";
  {
    std::FILE* f = std::fopen(bogus.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("not an ELF file\n", f);
    std::fclose(f);
  }
  ProcessResult bad = AttachCli(service.pid(), {"--agent", bogus});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(bad.err, "could not load the agent " + bogus)) << bad.err;
  EXPECT_TRUE(service.StillServing());

  ProcessResult good = AttachCli(service.pid());
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(Contains(good.out, "attached to process " + service.Pid())) << good.out;
  ASSERT_TRUE(WaitForAgent(session_, service.pid(), 10s));
  EXPECT_TRUE(service.StillServing());
}

}  // namespace
}  // namespace clrprobe::itest
