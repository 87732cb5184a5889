// Reaching a process from the command line (issue 13), on real .NET processes:
//  - every failure to reach one says its cause (diagnostics disabled and how that was
//    seen, no diagnostics socket where it was looked for, another CLR profiler named,
//    permission and the uid needed), and `add` without a process is one line of usage;
//  - -n NAME with zero, one and two matching processes;
//  - nothing lost: the figures of an exited process stay readable after ps, monitor and
//    export ran, and `clean` removes them only once they are older than the retention;
//  - per-method figures: the rows of a probe sum to its totals (stats and monitor --json).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::size_t Lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class CliReach : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
    char dir[] = "/tmp/clrprobe-reach-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    runtime_dir_ = dir;
    session_.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir_);
    session_.SetEnv("CLRPROBE_RETENTION", std::nullopt);
  }
  void TearDown() override {
    std::error_code ec;
    if (!runtime_dir_.empty()) fs::remove_all(runtime_dir_, ec);
  }

  LiveService::Options Plain() {
    LiveService::Options options;
    options.WithoutAgent();
    options.env["CLRPROBE_RUNTIME_DIR"] = std::nullopt;
    return options;
  }

  // LiveService.dll copied as <name>.dll (with its runtimeconfig), so that its entry
  // assembly name is this test's own.
  std::string CopyAs(const std::string& name) {
    const fs::path dll = LiveServiceDll();
    const fs::path config = dll.parent_path() / (dll.stem().string() + ".runtimeconfig.json");
    const std::string copy = session_.dir() + "/" + name + ".dll";
    std::error_code ec;
    fs::copy_file(dll, copy, fs::copy_options::overwrite_existing, ec);
    EXPECT_FALSE(ec) << ec.message();
    fs::copy_file(config, session_.dir() + "/" + name + ".runtimeconfig.json", fs::copy_options::overwrite_existing,
                  ec);
    EXPECT_FALSE(ec) << ec.message();
    return copy;
  }

  ProbeSession session_;
  std::string runtime_dir_;
};

// ---- clear errors ----------------------------------------------------------

TEST_F(CliReach, AddWithoutAProcessPrintsOneLineOfUsage) {
  ProcessResult r = session_.RunClrprobe({"add", "X::Y"}, 30s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("clrprobe add: which process? give -p PID or -n NAME (usage: clrprobe add (-p PID | -n NAME) "
                        "SELECTOR",
                        0),
            0u)
      << r.err;
  EXPECT_FALSE(Contains(r.err, "not in range")) << r.err;
  // The selector taken for a pid: one line that says so.
  ProcessResult swapped = session_.RunClrprobe({"add", "-p", "X::Y"}, 30s);
  EXPECT_EQ(swapped.exit_code, 2);
  EXPECT_EQ(Lines(swapped.err), 1u) << swapped.err;
  EXPECT_EQ(swapped.err.rfind("clrprobe add: -p needs a process id (a positive number), not 'X::Y' (usage: ", 0), 0u)
      << swapped.err;
  ProcessResult no_selector = session_.RunClrprobe({"add", "-p", "42"}, 30s);
  EXPECT_EQ(no_selector.exit_code, 2);
  EXPECT_EQ(no_selector.err.rfind("clrprobe add: which methods? give a SELECTOR (usage: ", 0), 0u) << no_selector.err;
  ProcessResult both = session_.RunClrprobe({"list", "-p", "1", "-n", "x"}, 30s);
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_TRUE(Contains(both.err, "excludes")) << both.err;
}

TEST_F(CliReach, DiagnosticsDisabledSaysHowItWasDetected) {
  LiveService service(session_, Plain().Env("DOTNET_EnableDiagnostics", "0"));
  ASSERT_TRUE(service.Started());
  ProcessResult r = session_.RunClrprobe({"attach", "-p", service.Pid()}, 60s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "process " + service.Pid() + " has diagnostics disabled: its environment (/proc/" +
                                  service.Pid() +
                                  "/environ) sets DOTNET_EnableDiagnostics=0, so its runtime opened no "
                                  "dotnet-diagnostic-" +
                                  service.Pid() + "-*-socket"))
      << r.err;
  EXPECT_TRUE(service.StillServing());
}

// A socket that is not where the process's TMPDIR says: the message lists where it looked.
TEST_F(CliReach, NoDiagnosticsSocketListsWhereItLooked) {
  // Short: the socket's path must fit a sockaddr_un.
  char dir[] = "/tmp/clrprobe-reach-tmp-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string tmp = dir;
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{tmp};
  LiveService service(session_, Plain().Env("TMPDIR", tmp));
  ASSERT_TRUE(service.Started());
  std::size_t deleted = 0;
  for (const auto& entry : fs::directory_iterator(tmp)) {
    if (entry.path().filename().string().rfind("dotnet-diagnostic-" + service.Pid() + "-", 0) == 0) {
      fs::remove(entry.path());
      ++deleted;
    }
  }
  ASSERT_EQ(deleted, 1u) << "the runtime did not open its socket in its TMPDIR " << tmp;
  ProcessResult r = session_.RunClrprobe({"attach", "-p", service.Pid()}, 60s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "process " + service.Pid() +
                                  " runs .NET but has no diagnostics socket dotnet-diagnostic-" + service.Pid() +
                                  "-*-socket in " + tmp + ", /tmp (its TMPDIR is " + tmp + ")"))
      << r.err;
  EXPECT_TRUE(service.StillServing());
}

TEST_F(CliReach, AnotherProfilerIsNamedBeforeAnyAttachIsTried) {
  LiveService::Options options = Plain();
  // A profiler the runtime cannot load (no such file): the process runs without one, but
  // its environment says it should have one, and clrprobe names it without sending anything.
  options.Env("CORECLR_ENABLE_PROFILING", "1")
      .Env("CORECLR_PROFILER", "{918728DD-259F-4A6A-AC2B-B85E1B658318}")
      .Env("CORECLR_PROFILER_PATH", "/opt/otel/OpenTelemetry.AutoInstrumentation.Native.so");
  LiveService service(session_, options);
  ASSERT_TRUE(service.Started());
  ProcessResult r = session_.RunClrprobe({"attach", "-p", service.Pid(), "--log", session_.LogPath()}, 60s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "process " + service.Pid() +
                                  " already runs another CLR profiler: its environment sets CORECLR_ENABLE_PROFILING=1 "
                                  "and CORECLR_PROFILER={918728DD-259F-4A6A-AC2B-B85E1B658318} "
                                  "(CORECLR_PROFILER_PATH=/opt/otel/OpenTelemetry.AutoInstrumentation.Native.so)"))
      << r.err;
  // Nothing was loaded: no agent log, no control socket.
  EXPECT_FALSE(FileExists(session_.LogPath()));
  EXPECT_FALSE(FileExists(runtime_dir_ + "/" + service.Pid() + ".sock"));
  EXPECT_TRUE(service.StillServing());
}

// clrprobe as another (unprivileged) user: which uid is needed.
TEST_F(CliReach, PermissionErrorNamesTheUidNeeded) {
  ASSERT_EQ(::geteuid(), 0u) << "this test runs clrprobe as uid 65534 through setpriv, which needs root (as in CI)";
  LiveService service(session_, Plain());
  ASSERT_TRUE(service.Started());
  ProcessResult r = RunProcess(
      {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ClrprobeExe(), "attach", "-p", service.Pid()},
      session_.PlainOptions());
  EXPECT_EQ(r.exit_code, 1) << r.error << r.err;
  EXPECT_TRUE(Contains(r.err, "process " + service.Pid() + " belongs to uid 0 (root); clrprobe runs as uid 65534"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "run it as uid 0 or as root")) << r.err;
}

// ---- -n NAME -----------------------------------------------------------------

TEST_F(CliReach, NameWithZeroOneAndTwoMatches) {
  const std::string unique = "Reach" + std::to_string(::getpid());
  const std::string dll = CopyAs(unique);

  // Zero: an error that says so (and lists the .NET processes there are).
  ProcessResult none = session_.RunClrprobe({"attach", "-n", unique}, 60s);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(Contains(none.err, "no .NET process named '" + unique + "'")) << none.err;

  // One: attach and add work on it by name.
  LiveService::Options options = Plain();
  options.dll = dll;
  LiveService first(session_, options);
  ASSERT_TRUE(first.Started());
  ProcessResult attached = session_.RunClrprobe({"attach", "-n", unique, "--json"}, 60s);
  ASSERT_EQ(attached.exit_code, 0) << attached.err;
  EXPECT_TRUE(Contains(attached.out, "\"pid\": " + first.Pid())) << attached.out;
  CliJson added = RunClrprobeJson(session_, {"add", "-n", unique, kPlainMethod, "--json"});
  ASSERT_TRUE(added.json) << added.process.err;
  CliJson stats = RunClrprobeJson(session_, {"stats", "--name", unique, "--json"});
  ASSERT_TRUE(stats.json) << stats.process.err;
  EXPECT_EQ(stats.json->value("pid", 0), first.pid());

  // Two: an error listing both pids.
  LiveService second(session_, options);
  ASSERT_TRUE(second.Started());
  ProcessResult two = session_.RunClrprobe({"list", "-n", unique}, 60s);
  EXPECT_EQ(two.exit_code, 1);
  EXPECT_TRUE(Contains(two.err, "2 processes are named '" + unique + "'; choose one with -p PID")) << two.err;
  EXPECT_TRUE(Contains(two.err, first.Pid())) << two.err;
  EXPECT_TRUE(Contains(two.err, second.Pid())) << two.err;
}

// ---- nothing lost ------------------------------------------------------------

TEST_F(CliReach, FiguresOfAnExitedProcessSurvivePsMonitorAndExportUntilTheRetention) {
  LiveService service(session_, LiveService::Options{}.Arg("--paused").Env("CLRPROBE_RUNTIME_DIR", runtime_dir_));
  ASSERT_TRUE(service.Started());
  ASSERT_TRUE(WaitForAgent(session_, service.pid()));
  auto before = service.Pause();
  ASSERT_TRUE(before);
  auto probe = AddProbe(session_, service.pid(), kPlainMethod);
  ASSERT_TRUE(probe);
  auto after = service.RunIterations(300);
  ASSERT_TRUE(after);
  const int64_t calls = after->Calls(kPlainMethod) - before->Calls(kPlainMethod);
  auto final = service.Stop();
  ASSERT_TRUE(final);
  const std::string stats_file = runtime_dir_ + "/" + service.Pid() + ".stats";
  ASSERT_TRUE(FileExists(stats_file));

  ProcessResult ps = session_.RunClrprobe({"ps"}, 60s);
  EXPECT_EQ(ps.exit_code, 0) << ps.err;
  EXPECT_TRUE(Contains(ps.out, "figures of 1 exited process kept (" + service.Pid() + ")")) << ps.out;
  ProcessResult monitor = session_.RunClrprobe({"monitor", "-p", service.Pid(), "--count", "1"}, 60s);
  EXPECT_EQ(monitor.exit_code, 1) << monitor.out;  // not running: says so, removes nothing
  ProcessResult exported = session_.RunClrprobe({"export", "--once", "--runtime-dir", runtime_dir_}, 60s);
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(Contains(exported.out, "clrprobe_calls_total")) << exported.out;

  auto stats = Stats(session_, service.pid());
  ASSERT_TRUE(stats);
  EXPECT_FALSE(stats->raw.value("running", true));
  const ProbeReport* p = FindProbeById(*stats, IdOf(*probe));
  ASSERT_NE(p, nullptr) << stats->raw.dump(2);
  EXPECT_EQ(p->calls, calls);

  // clean: younger than the retention stays; past it, it goes.
  ProcessResult kept = session_.RunClrprobe({"clean", "--older-than", "1h"}, 60s);
  EXPECT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_TRUE(FileExists(stats_file)) << kept.out;
  EXPECT_TRUE(Contains(kept.out, "kept the figures of 1 exited process")) << kept.out;
  session_.SetEnv("CLRPROBE_RETENTION", "0s");
  ProcessResult removed = session_.RunClrprobe({"clean"}, 60s);
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_FALSE(FileExists(stats_file)) << removed.out;
  EXPECT_FALSE(FileExists(runtime_dir_ + "/" + service.Pid() + ".probes.json")) << removed.out;
  ProcessResult bad = session_.RunClrprobe({"clean", "--older-than", "soon"}, 60s);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "invalid duration 'soon'")) << bad.err;
}

// ---- per-method figures ----------------------------------------------------------

int64_t SumOfRows(const nlohmann::json& methods, int64_t probe_id, const char* field) {
  int64_t sum = 0;
  for (const auto& row : methods) {
    if (row.value("probe_id", int64_t{-1}) == probe_id) sum += row.value(field, int64_t{0});
  }
  return sum;
}

TEST_F(CliReach, PerMethodRowsSumToTheProbesTotals) {
  LiveService service(session_, LiveService::Options{}.Arg("--paused").Env("CLRPROBE_RUNTIME_DIR", runtime_dir_));
  ASSERT_TRUE(service.Started());
  ASSERT_TRUE(WaitForAgent(session_, service.pid()));
  auto before = service.Pause();
  ASSERT_TRUE(before);
  auto probe = AddProbe(session_, service.pid(), kSeriesMethods);
  ASSERT_TRUE(probe);
  const int64_t id = IdOf(*probe);
  auto after = service.RunIterations(200);
  ASSERT_TRUE(after);

  CliJson totals = RunClrprobeJson(session_, {"stats", "-p", service.Pid(), "--json"});
  ASSERT_TRUE(totals.json) << totals.process.err;
  int64_t probe_calls = -1;
  for (const auto& p : (*totals.json)["probes"]) {
    if (p.value("id", int64_t{0}) == id) probe_calls = p.value("calls", int64_t{-1});
  }
  CliJson rows = RunClrprobeJson(session_, {"stats", "-p", service.Pid(), "--by-method", "--json"});
  ASSERT_TRUE(rows.json) << rows.process.err;
  const nlohmann::json& methods = (*rows.json)["methods"];
  ASSERT_EQ(methods.size(), 3u) << rows.json->dump(2);
  EXPECT_EQ(SumOfRows(methods, id, "calls"), probe_calls);
  // Each row is its method's own count, as the service counted it; sorted by total time.
  for (const char* step : {"StepA", "StepB", "StepC"}) {
    const std::string key = std::string("LiveService.Targets.Series::") + step;
    bool found = false;
    for (const auto& row : methods) {
      if (!Contains(row.value("method", ""), key)) continue;
      found = true;
      EXPECT_EQ(row.value("calls", int64_t{-1}), after->Calls(key) - before->Calls(key)) << row.dump();
      EXPECT_GT(row.value("total_ns", 0.0), 0.0) << row.dump();
    }
    EXPECT_TRUE(found) << key << " in " << methods.dump(2);
  }
  for (std::size_t i = 1; i < methods.size(); ++i) {
    EXPECT_GE(methods[i - 1].value("total_ns", 0.0), methods[i].value("total_ns", 0.0)) << methods.dump(2);
  }
  CliJson by_calls = RunClrprobeJson(
      session_, {"stats", "-p", service.Pid(), "--by-method", "--sort", "calls", "--top", "1", "--json"});
  ASSERT_TRUE(by_calls.json) << by_calls.process.err;
  ASSERT_EQ((*by_calls.json)["methods"].size(), 1u);
  EXPECT_TRUE(Contains((*by_calls.json)["methods"][0].value("method", ""), "Series::StepC"))  // 3 calls per iteration
      << by_calls.json->dump(2);

  // monitor --json: one object per refresh; in each, the rows sum to the probe's calls
  // (the workers stay parked, so the probe's and the rows' reads see the same counts).
  ProcessResult monitor = session_.RunClrprobe(
      {"monitor", "-p", service.Pid(), "--json", "--by-method", "--interval", "0.3", "--count", "3"}, 60s);
  ASSERT_EQ(monitor.exit_code, 0) << monitor.err;
  ASSERT_EQ(Lines(monitor.out), 3u) << monitor.out;
  std::istringstream lines(monitor.out);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json refresh = nlohmann::json::parse(line);
    int64_t calls = -1;
    for (const auto& p : refresh["probes"]) {
      if (p.value("id", int64_t{0}) == id) calls = p.value("calls", int64_t{-1});
    }
    EXPECT_GT(calls, 0) << line;
    EXPECT_EQ(SumOfRows(refresh["methods"], id, "calls"), calls) << line;
    EXPECT_TRUE(refresh["methods"][0].contains("calls_per_second")) << line;
  }
  auto final = service.Stop();
  ASSERT_TRUE(final);
}

}  // namespace
}  // namespace clrprobe::itest
