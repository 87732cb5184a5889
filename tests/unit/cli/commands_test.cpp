// The clrprobe binary's live subcommands without a live agent: argument
// validation and exit codes, `stats` and `monitor` on fabricated files, and
// `ps` cleaning a runtime directory. Every test points CLRPROBE_RUNTIME_DIR
// at a private directory, so nothing outside it is read or removed.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli/runtime_files.h"
#include "stats/process_identity.h"
#include "test_support.h"

namespace clrprobe::cli {
namespace {

using nlohmann::json;
using testing::CliRun;
using testing::FakeRegion;
using testing::method_json;
using testing::run_cli;
using testing::ScopedEnv;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CommandsTest : public ::testing::Test {
 protected:
  TempDir dir;
  ScopedEnv env{"CLRPROBE_RUNTIME_DIR", dir.path()};
  const std::string self = std::to_string(::getpid());

  // add --dry-run, list and remove on this process each fail saying it has no agent.
  void expect_live_commands_say_no_agent() {
    for (std::vector<std::string> args :
         {std::vector<std::string>{"add", "-p", self, "Ns.T::M", "--dry-run"},
          std::vector<std::string>{"list", "-p", self}, std::vector<std::string>{"remove", "-p", self, "--all"}}) {
      CliRun r = run_cli(args);
      EXPECT_EQ(r.exit_code, 1) << args[0];
      EXPECT_EQ(r.err, "clrprobe: process " + self + " has no clrprobe agent loaded (no control socket " +
                           dir.file(self + ".sock") + "); `clrprobe attach -p " + self +
                           "` loads one, or start it with `clrprobe run`\n")
          << args[0];
    }
  }
};

// --- argument validation -------------------------------------------------

TEST_F(CommandsTest, AddWithoutPidIsAUsageError) {
  CliRun r = run_cli({"add", "Ns.T::M"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err,
            "clrprobe add: which process? give -p PID or -n NAME (usage: clrprobe add (-p PID | -n NAME) SELECTOR "
            "[--kind count|sampled|full] [--sample N] [--dry-run] [--ttl D] [--max-overhead PCT] [--max-methods N] "
            "[--json])\n");
  EXPECT_TRUE(r.out.empty());
}

// A bad --kind / --sample (or kind= word) is refused before anything runs.
TEST_F(CommandsTest, RunRefusesABadKindOrSampleAndRunsNothing) {
  const std::vector<std::vector<std::string>> bad = {
      {"--probe", "A::B", "--kind", "fast"},
      {"--probe", "A::B", "--kind", "sampled", "--sample", "0"},
      {"--probe", "A::B", "--kind", "count", "--sample", "4"},
      {"--probe", "A::B kind=sampled sample=x"},
  };
  for (const auto& options : bad) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "sh", "-c", "touch " + dir.file("ran")});
    CliRun r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "kind") || contains(r.err, "sample")) << r.err;
    EXPECT_FALSE(path_exists(dir.file("ran")));
  }
}

// -p is the process id in every command (issue 13); `run -p SELECTOR` says so and runs nothing.
TEST_F(CommandsTest, RunWithTheOldShortProbeFlagSaysToUseProbe) {
  CliRun r = run_cli({"run", "-p", "A::B", "--", "sh", "-c", "touch " + dir.file("ran")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "clrprobe run: -p is the process id in every command now; give selectors with --probe"))
      << r.err;
  EXPECT_FALSE(path_exists(dir.file("ran")));
}

TEST_F(CommandsTest, AddWithAMalformedSelectorSendsNothing) {
  for (const char* bad : {"Ns.T", "Ns.T::", "Ns.T::M(int", "re:("}) {
    CliRun r = run_cli({"add", "-p", self, bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_TRUE(contains(r.err, "clrprobe: add: invalid selector")) << r.err;
  }
  // Even for a pid that does not exist: the selector is checked first.
  CliRun r = run_cli({"add", "-p", std::to_string(testing::dead_pid()), "Ns.T"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(CommandsTest, AddToAnUnknownPidFails) {
  const std::string gone = std::to_string(testing::dead_pid());
  CliRun r = run_cli({"add", "-p", gone, "Ns.T::M"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "clrprobe: no process with pid " + gone + "\n");
}

TEST_F(CommandsTest, AddAttachesFirstAndExplainsWhyItCannot) {
  // The test process is not a .NET process: add tries to attach, and says why it cannot.
  CliRun r = run_cli({"add", "-p", self, "Ns.T::M"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is not a .NET process")) << r.err;
}

TEST_F(CommandsTest, ProcessWithoutAgent) { expect_live_commands_say_no_agent(); }

TEST_F(CommandsTest, BadNumbersAreUsageErrors) {
  EXPECT_EQ(run_cli({"add", "-p", "0", "Ns.T::M"}).exit_code, 2);
  EXPECT_EQ(run_cli({"add", "-p", "abc", "Ns.T::M"}).exit_code, 2);
  EXPECT_EQ(run_cli({"add", "-p", self, "Ns.T::M", "--max-methods", "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"monitor", "-p", self, "--interval", "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"remove", "-p", self, "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"stats"}).exit_code, 2);
}

TEST_F(CommandsTest, RemoveNeedsExactlyOneOfIdAndAll) {
  CliRun both = run_cli({"remove", "-p", self, "3", "--all"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_TRUE(contains(both.err, "excludes")) << both.err;
  CliRun neither = run_cli({"remove", "-p", self});
  EXPECT_EQ(neither.exit_code, 2) << neither.err;
  EXPECT_TRUE(contains(neither.err, "give either a probe ID or --all")) << neither.err;
}

TEST_F(CommandsTest, HelpHasExamples) {
  for (const char* command : {"ps", "add", "list", "remove", "stats", "monitor"}) {
    CliRun r = run_cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_TRUE(contains(r.out, std::string("Usage: clrprobe ") + command)) << r.out;
    EXPECT_TRUE(contains(r.out, "Examples:")) << r.out;
  }
}

// --- stats ------------------------------------------------------------------

// A region and probes file for `pid` in the runtime directory: probe 1 over
// A and B (A shared with an earlier probe: baseline), probe 2 removed with
// final figures.
struct Fabricated {
  FakeRegion region;
  explicit Fabricated(const TempDir& dir, const std::string& file_pid)
      : region(dir.file(file_pid + ".stats")) {
    const int32_t a = region.add_slot("Ns.T::A()");
    const int32_t b = region.add_slot("Ns.T::B()");
    for (int i = 0; i < 6; ++i) region.record(a, 1000, i == 0);
    for (int i = 0; i < 4; ++i) region.record(b, 3000, i < 2, 5);
    region.record_cancelled(b, 3000);
    region.enter(a, 2);  // pending
    json probes = {
        {"pid", std::stoi(file_pid)},
        {"probes",
         {{{"id", 1}, {"selector", "Ns.T::*"}, {"state", "active"},
           {"methods", {method_json("Ns.T::A()", a, 2, 1), method_json("Ns.T::B()", b)}}, {"refused", json::array()}},
          {{"id", 2}, {"selector", "Ns.T::B"}, {"state", "removed"}, {"methods", {method_json("Ns.T::B()", b)}},
           {"refused", json::array()},
           {"final", {{"calls", 1}, {"exceptions", 0}, {"cancelled", 1}, {"in_flight", 1},
                      {"latency_ns", {{"p50", 3000.0}, {"p90", 3000.0}, {"p99", 3000.0}, {"max", 3000.0}}}}}}}}};
    dir.write(file_pid + ".probes.json", probes.dump());
  }
};

void expect_fabricated_figures(const json& report) {
  ASSERT_EQ(report["probes"].size(), 2u) << report.dump(2);
  const json& p1 = report["probes"][0];
  EXPECT_EQ(p1["id"], 1);
  EXPECT_EQ(p1["selector"], "Ns.T::*");
  EXPECT_EQ(p1["state"], "active");
  EXPECT_EQ(p1["methods"], json::array({"Ns.T::A()", "Ns.T::B()"}));
  EXPECT_EQ(p1["calls"], (8 - 2) + 5);
  EXPECT_EQ(p1["exceptions"], (1 - 1) + 2);
  EXPECT_EQ(p1["cancelled"], 1);
  EXPECT_EQ(p1["in_flight"], 2);
  EXPECT_DOUBLE_EQ(p1["latency_ns"]["max"].get<double>(), 3000.0);
  const double mid1000 = static_cast<double>(stats::bucket_midpoint(stats::bucket_index(1000)));
  EXPECT_DOUBLE_EQ(p1["latency_ns"]["p50"].get<double>(), mid1000);  // 6 of 11 calls took 1 µs
  const json& p2 = report["probes"][1];
  EXPECT_EQ(p2["state"], "removed");
  EXPECT_EQ(p2["calls"], 1);
  EXPECT_EQ(p2["cancelled"], 1);  // frozen
  EXPECT_EQ(p2["in_flight"], 1);
  EXPECT_DOUBLE_EQ(p2["latency_ns"]["p99"].get<double>(), 3000.0);
}

TEST_F(CommandsTest, StatsJsonOfARunningProcess) {
  Fabricated files(dir, self);
  CliRun r = run_cli({"stats", "-p", self, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["pid"], ::getpid());
  EXPECT_EQ(report["running"], true);
  EXPECT_EQ(report["stats_file"], dir.file(self + ".stats"));
  expect_fabricated_figures(report);
}

TEST_F(CommandsTest, StatsAfterTheProcessExited) {
  const pid_t gone = testing::dead_pid();
  const std::string gone_text = std::to_string(gone);
  Fabricated files(dir, gone_text);
  files.region.set_writer(gone, 12345);
  CliRun r = run_cli({"stats", "-p", gone_text, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["running"], false);
  expect_fabricated_figures(report);

  CliRun table = run_cli({"stats", "-p", gone_text});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "clrprobe stats for pid " + gone_text + " (exited): 2 probes")) << table.out;
  EXPECT_TRUE(contains(table.out, "ID  STATE    SELECTOR  CALLS  EXCEPTIONS  CANCELLED  IN FLIGHT")) << table.out;
  EXPECT_TRUE(contains(table.out, " 1  active   Ns.T::*      11           2          1          2")) << table.out;
  EXPECT_TRUE(contains(table.out, " 2  removed  Ns.T::B       1           0          1          1  3.00 µs  3.00 µs  "
                                  "3.00 µs  3.00 µs"))
      << table.out;
}

// A socket nobody listens on: what a process that exited leaves behind.
void leave_stale_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0) << path;
  ::close(fd);
}

// The socket and region of an earlier process that had this pid: no agent,
// said as for a process with no socket at all (the connection, refused, is
// what tells; the region's start time says whose socket it was).
TEST_F(CommandsTest, ASocketLeftByAnEarlierProcessWithTheSamePidMeansNoAgent) {
  leave_stale_socket(dir.file(self + ".sock"));
  Fabricated files(dir, self);
  files.region.set_writer(::getpid(), 1);  // started at jiffy 1: not this process
  expect_live_commands_say_no_agent();
}

// Without a region to tell whose it is, a socket nobody listens on is reported as such.
TEST_F(CommandsTest, ASocketNobodyListensOnIsReportedAsRefused) {
  leave_stale_socket(dir.file(self + ".sock"));
  CliRun r = run_cli({"list", "-p", self});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "clrprobe: process " + self + ": connection refused at " + dir.file(self + ".sock")))
      << r.err;
}

TEST_F(CommandsTest, StatsWithoutFiles) {
  CliRun r = run_cli({"stats", "-p", self});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "process " + self + " has no clrprobe agent loaded")) << r.err;
  const std::string gone = std::to_string(testing::dead_pid());
  r = run_cli({"stats", "-p", gone});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "no process with pid " + gone + ", and no clrprobe files")) << r.err;
}

TEST_F(CommandsTest, StatsWithAProbesFileButNoRegionWarns) {
  dir.write(self + ".probes.json", R"({"pid": 1, "probes": [{"id": 1, "selector": "A::B", "methods": []}]})");
  CliRun r = run_cli({"stats", "-p", self, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: cannot open")) << r.err;
  EXPECT_EQ(json::parse(r.out)["probes"][0]["calls"], 0);
}

// --- ps -------------------------------------------------------------------

TEST_F(CommandsTest, PsOnlyReadsAndListsTheLiveAgentAndTheExitedFigures) {
  Fabricated files(dir, self);  // this test process plays the agent
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  dir.write(gone + ".probes.json", "{}");

  CliRun r = run_cli({"ps", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  EXPECT_EQ(out["exited"], json::array({std::stoi(gone)})) << r.out;
  EXPECT_EQ(out["runtime_dirs"], json::array({dir.path()}));
  bool listed = false;
  for (const json& p : out["processes"]) {
    if (p["pid"] != ::getpid()) continue;
    listed = true;
    EXPECT_EQ(p["agent"], "loaded");
    EXPECT_EQ(p["probes"], 1);
    EXPECT_EQ(p["removed_probes"], 1);
    EXPECT_EQ(p["runtime_dir"], dir.path());
    EXPECT_TRUE(contains(p["command"].get<std::string>(), "cli_tests"));
  }
  EXPECT_TRUE(listed) << r.out;
  EXPECT_TRUE(path_exists(dir.file(self + ".stats")));
  EXPECT_TRUE(path_exists(dir.file(gone + ".stats")));  // ps never removes anything
  EXPECT_TRUE(path_exists(dir.file(gone + ".probes.json")));

  dir.write(gone + ".sock", "");
  CliRun table = run_cli({"ps"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "PID  AGENT")) << table.out;
  // Our row (column widths depend on the other .NET processes running).
  std::istringstream lines(table.out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string pid, agent, probes;
    words >> pid >> agent >> probes;
    if (pid != self) continue;
    found = true;
    EXPECT_EQ(agent, "loaded") << line;
    EXPECT_EQ(probes, "1") << line;
  }
  EXPECT_TRUE(found) << table.out;
  EXPECT_TRUE(contains(table.out, "figures of 1 exited process kept (" + gone + ")")) << table.out;
  EXPECT_TRUE(path_exists(dir.file(gone + ".sock")));
}

// --- monitor ----------------------------------------------------------------

TEST_F(CommandsTest, MonitorPrintsOneBlockPerIntervalWhenNotATerminal) {
  Fabricated files(dir, self);
  CliRun r = run_cli({"monitor", "-p", self, "--interval", "0.1", "--count", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t blocks = 0;
  for (std::size_t pos = 0; (pos = r.out.find("clrprobe monitor  pid " + self, pos)) != std::string::npos; ++pos) {
    ++blocks;
  }
  EXPECT_EQ(blocks, 2u) << r.out;
  EXPECT_TRUE(contains(r.out, "ID  STATE    SELECTOR  CALLS/S  CALLS  EXC  CANC  IN FLIGHT")) << r.out;
  EXPECT_TRUE(contains(r.out, " 1  active   Ns.T::*       0.0     11    2     1          2    -")) << r.out;
  EXPECT_FALSE(contains(r.out, "\x1b[")) << "escape sequences in a pipe";
}

TEST_F(CommandsTest, MonitorEndsWhenTheProcessExits) {
  // A child plays the agent's host: the region names it as its writer.
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sleep", "sleep", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string child_text = std::to_string(child);
  Fabricated files(dir, child_text);
  auto identity = stats::process_identity(child);
  ASSERT_TRUE(identity.ok());
  files.region.set_writer(child, identity->start_jiffies);
  // Reap the child as soon as it exits, so that its pid disappears.
  std::thread reaper([child] {
    int status = 0;
    ::waitpid(child, &status, 0);
  });
  CliRun r = run_cli({"monitor", "-p", child_text, "--interval", "0.2"}, 20);
  reaper.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "process " + child_text + " exited; final figures:")) << r.out;
  EXPECT_TRUE(contains(r.out, " 1  active   Ns.T::*      11           2          1          2")) << r.out;
}

TEST_F(CommandsTest, MonitorStopsOnSigint) {
  Fabricated files(dir, self);
  // Run it in the background and interrupt it.
  const pid_t child = ::fork();
  if (child == 0) {
    int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::execl(CLRPROBE_CLI_BINARY, "clrprobe", "monitor", "-p", self.c_str(), "--interval", "0.1",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(CommandsTest, MonitorOfAnExitedProcessPointsToStats) {
  const pid_t gone = testing::dead_pid();
  Fabricated files(dir, std::to_string(gone));
  files.region.set_writer(gone, 1);
  CliRun r = run_cli({"monitor", "-p", std::to_string(gone)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is not running; `clrprobe stats -p")) << r.err;
}

}  // namespace
}  // namespace clrprobe::cli
