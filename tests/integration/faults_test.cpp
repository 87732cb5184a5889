// Faults around a running service with the agent (tests/apps/LiveService): the files beside
// the socket deleted, made unwritable or their directory removed; the CLI killed in the
// middle of a command; the monitored process killed under `clrprobe monitor`. In every case
// the service keeps running and computing the same results, and the CLI either keeps
// working or says clearly what is wrong. Full disks and a full stats region:
// faults_capacity_test.cpp.
//
// Each test uses a private runtime directory (CLRPROBE_RUNTIME_DIR) under /tmp (short: a
// Unix socket path has at most 107 bytes).
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "faults_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "support/temp_dir.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using namespace faults;

// The stats file (and then the probes file) deleted under a running agent: `list`, `add`,
// `remove` keep working over the socket; `stats` either keeps working or says which file is
// missing; the service goes on.
TEST_F(Faults, StatsFileDeletedWhileRunning) {
  TempDir tmp;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const int64_t id = ExpectExactPlainWindow(session, service);
  ASSERT_GT(id, 0);
  auto before = Stats(session, pid);
  ASSERT_TRUE(before && FindProbeById(*before, id));
  const int64_t calls_before = FindProbeById(*before, id)->calls;
  ASSERT_GT(calls_before, 0);

  const std::string stats_file = rt + "/" + service.Pid() + ".stats";
  ASSERT_TRUE(fs::exists(stats_file));
  ASSERT_TRUE(fs::remove(stats_file));

  // `stats`: the right figures, or a clear error, or figures flagged on stderr as not read
  // from the stats file; never wrong figures without a word.
  const std::vector<std::string> stats_args = {"stats", "-p", service.Pid(), "--json"};
  ProcessResult stats = session.RunClrprobe(stats_args, 30s);
  if (stats.exit_code == 0) {
    std::string error;
    auto report = ParseReport(stats.out, &error);
    ASSERT_TRUE(report) << error << "\n" << stats.out;
    const ProbeReport* p = FindProbeById(*report, id);
    ASSERT_NE(p, nullptr) << stats.out;
    const bool right = p->calls >= calls_before;
    std::cout << "[ faults ] stats after the stats file was deleted: exit 0, "
              << (right ? "right figures" : "figures of " + std::to_string(p->calls) + " calls instead of >= " +
                                                  std::to_string(calls_before))
              << (stats.err.empty() ? "" : "; stderr: " + stats.err) << "\n";
    if (!right) {
      EXPECT_TRUE(Contains(stats.err, ".stats")) << "wrong figures without a warning naming the stats file: "
                                                 << Describe(stats_args, stats);
    }
  } else {
    std::cout << "[ faults ] stats after the stats file was deleted: exit " << stats.exit_code << ": " << stats.err;
    EXPECT_TRUE(ClearError(stats_args, stats, {".stats", "stats file", "stats region"}));
  }

  EXPECT_TRUE(ListProbes(session, pid));
  auto probe = AddProbe(session, pid, kInstanceMethod);
  ASSERT_TRUE(probe);
  EXPECT_TRUE(RemoveProbe(session, pid, IdOf(*probe)));
  const std::vector<std::string> monitor_args = {"monitor", "-p", service.Pid(), "--count", "1", "-i", "0.2"};
  ProcessResult monitor = session.RunClrprobe(monitor_args, 30s);
  std::cout << "[ faults ] monitor after the stats file was deleted: exit " << monitor.exit_code << ": "
            << (monitor.exit_code == 0 ? "still works" : monitor.err) << "\n";
  if (monitor.exit_code != 0) {
    EXPECT_TRUE(ClearError(monitor_args, monitor, {".stats", "stats file", "stats region"}));
  } else {
    EXPECT_TRUE(Contains(monitor.err, ".stats")) << "monitor without its stats file and without a word: "
                                                 << Describe(monitor_args, monitor);
  }

  // The probes file too (the agent rewrites it on the next change).
  const std::string probes_file = rt + "/" + service.Pid() + ".probes.json";
  fs::remove(probes_file);
  ProcessResult stats2 = session.RunClrprobe(stats_args, 30s);
  if (stats2.exit_code != 0) {
    EXPECT_TRUE(ClearError(stats_args, stats2, {".stats", ".probes.json", "stats file", "probes file", "stats region"}));
  }
  EXPECT_TRUE(ListProbes(session, pid));
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// The runtime files made unwritable: chmod 000 / 0500 (root is not stopped by modes — noted),
// then, when mounting is permitted, a read-only bind mount over the runtime directory so
// that the agent really cannot rewrite its probes file. Live control keeps working over the
// socket; the service goes on; once writable again, `stats` sees every probe.
TEST_F(Faults, RuntimeFilesUnwritable) {
  TempDir tmp;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  const std::string stats_file = rt + "/" + service.Pid() + ".stats";
  const std::string probes_file = rt + "/" + service.Pid() + ".probes.json";
  if (::geteuid() == 0) {
    // Modes do not stop root: the agent and the CLI go on as if nothing happened.
    ASSERT_EQ(::chmod(stats_file.c_str(), 0), 0);
    ::chmod(probes_file.c_str(), 0);
    ASSERT_EQ(::chmod(rt.c_str(), 0500), 0);
    std::cout << "[ faults ] running as root: chmod 000 / 0500 do not stop root\n";
    EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
    ::chmod(rt.c_str(), 0700);
    ::chmod(stats_file.c_str(), 0600);
    ::chmod(probes_file.c_str(), 0600);
  } else {
    // Not root: only the directory, so the CLI can still read the files.
    ASSERT_EQ(::chmod(rt.c_str(), 0500), 0);
    auto probe = AddProbe(session, pid, kPlainMethod);
    EXPECT_TRUE(probe);
    EXPECT_TRUE(ListProbes(session, pid));
    EXPECT_TRUE(service.StillServing());
    ::chmod(rt.c_str(), 0700);
  }

  std::string error;
  if (!tmp.BindReadOnly("rt", &error)) {
    MountUnavailable("the read-only runtime directory half", error);
  } else {
    // The agent cannot write <pid>.probes.json any more.
    auto probe = AddProbe(session, pid, kInstanceMethod);
    ASSERT_TRUE(probe);
    const int64_t id = IdOf(*probe);
    auto listed = ListProbes(session, pid);
    ASSERT_TRUE(listed);
    EXPECT_NE(FindById(*listed, id), nullptr) << "list (socket) does not show the new probe";
    const std::vector<std::string> stats_args = {"stats", "-p", service.Pid(), "--json"};
    ProcessResult stats = session.RunClrprobe(stats_args, 30s);
    std::string parse_error;
    auto report = stats.exit_code == 0 ? ParseReport(stats.out, &parse_error) : std::nullopt;
    const bool shows_new = report && FindProbeById(*report, id) != nullptr;
    std::cout << "[ faults ] stats while the probes file cannot be rewritten: exit " << stats.exit_code << ", "
              << (shows_new ? "shows the new probe" : "does NOT show the new probe (stale probes file)") << "\n";
    if (stats.exit_code != 0) {
      EXPECT_TRUE(ClearError(stats_args, stats, {".probes.json", "probes file"}));
    }
    EXPECT_TRUE(Contains(session.ReadLog(), "cannot write")) << "the agent did not log the failed write";
    EXPECT_TRUE(service.StillServing());
    EXPECT_TRUE(RemoveProbe(session, pid, id));

    ASSERT_TRUE(tmp.Unmount("rt"));
    // Writable again: the next change rewrites the file and stats sees everything.
    auto again = AddProbe(session, pid, kPairMethods);
    ASSERT_TRUE(again);
    auto fresh = Stats(session, pid);
    ASSERT_TRUE(fresh);
    EXPECT_NE(FindProbeById(*fresh, IdOf(*again)), nullptr) << fresh->raw.dump(2);
    EXPECT_NE(FindProbeById(*fresh, id), nullptr) << fresh->raw.dump(2);
  }
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// The whole runtime directory removed: `list`/`add`/`stats` say that the agent's socket
// (files) are gone, naming the pid; the service keeps running.
TEST_F(Faults, RuntimeDirectoryRemovedWhileRunning) {
  TempDir tmp;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  ASSERT_TRUE(AddProbe(session, pid, kPlainMethod));

  fs::remove_all(rt);
  ASSERT_FALSE(fs::exists(rt));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "-p", service.Pid()},
        {"add", "-p", service.Pid(), kInstanceMethod},
        {"remove", "-p", service.Pid(), "--all"}}) {
    ProcessResult r = session.RunClrprobe(args, 30s);
    std::cout << "[ faults ] " << args[0] << " after the runtime directory was removed: exit " << r.exit_code << ": "
              << r.err;
    EXPECT_TRUE(ClearError(args, r, {"socket", ".sock"}));
    EXPECT_TRUE(Contains(r.err, service.Pid())) << "the message does not name the pid: " << r.err;
  }
  const std::vector<std::string> stats_args = {"stats", "-p", service.Pid()};
  ProcessResult stats = session.RunClrprobe(stats_args, 30s);
  std::cout << "[ faults ] stats after the runtime directory was removed: exit " << stats.exit_code << ": "
            << stats.err;
  EXPECT_TRUE(ClearError(stats_args, stats, {".stats", "stats file", "stats region", "agent", "not found"}));

  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// `clrprobe add` SIGKILLed while it waits for the agent's answer (an add of a few thousand
// CoreLib methods takes a while): the agent finishes or drops that request, stays
// consistent and answers the next commands; the host never sees SIGPIPE.
TEST_F(Faults, CliKilledMidCommand) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  // A few thousand methods in all (the stats region holds 4096), killed after 5 to 80 ms:
  // before, during and after the agent's work on the request.
  const std::vector<std::pair<std::string, int>> kills = {
      {"System.Private.CoreLib!System.Collections.*::*", 60},
      {"System.Private.CoreLib!System.Text.*::*", 30},
      {"LiveService!*::*", 10},
      {"System.Private.CoreLib!System.Collections.*::*", 5},
      {"System.Private.CoreLib!System.Text.*::*", 80},
  };
  for (const auto& [selector, delay_ms] : kills) {
    std::vector<std::string> argv = {ClrprobeExe(), "add", "-p", service.Pid(), selector, "--max-methods", "20000"};
    std::string error;
    auto cli = InteractiveProcess::Start(argv, session.PlainOptions(), &error);
    ASSERT_TRUE(cli) << error;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    const bool was_running = cli->Running();
    cli->Kill();
    std::cout << "[ faults ] killed `clrprobe add " << selector << "` after " << delay_ms << " ms"
              << (was_running ? " (still waiting)" : " (had already finished)") << "\n";
    ASSERT_TRUE(service.Running()) << "the service died after the CLI was killed";
  }

  // Consistent: every probe is active with methods (or removed); list, add, remove work.
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  for (const auto& p : *listed) {
    const std::string state = StateOf(p);
    EXPECT_TRUE(state == "active" || state == "removed") << p.dump(2);
    if (state == "active") {
      EXPECT_FALSE(p.value("methods", nlohmann::json::array()).empty()) << p.dump(2);
    }
  }
  const std::string log = session.ReadLog();
  size_t undelivered = 0;
  for (size_t at = log.find("reply not delivered"); at != std::string::npos; at = log.find("reply not delivered", at + 1)) {
    ++undelivered;
  }
  std::cout << "[ faults ] " << listed->size() << " probes left by the killed clients; " << undelivered
            << " replies the agent could not deliver\n";
  ASSERT_TRUE(RemoveAllProbes(session, pid));
  EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
  EXPECT_FALSE(Contains(session.ReadLog(), "SIGPIPE"));
}

// The monitored process SIGKILLed while `clrprobe monitor` runs: monitor notices, prints the
// final figures with a message and exits 0 within a few refreshes.
TEST_F(Faults, MonitoredProcessKilledDuringMonitor) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  ASSERT_TRUE(AddProbe(session, pid, kPlainMethod));

  std::string error;
  auto monitor = InteractiveProcess::Start({ClrprobeExe(), "monitor", "-p", service.Pid(), "-i", "0.5"},
                                           session.PlainOptions(), &error);
  ASSERT_TRUE(monitor) << error;
  ASSERT_TRUE(monitor->ReadLineStartingWith("clrprobe monitor", 20s)) << "monitor printed nothing:\n"
                                                                      << monitor->Stdout() << monitor->Stderr();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto killed = Clock::now();
  auto code = monitor->Wait(15s);
  const double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
  ASSERT_TRUE(code.has_value()) << "monitor still running 15 s after the process was killed:\n" << monitor->Stdout();
  std::cout << "[ faults ] monitor exited " << seconds << " s after SIGKILL of the process, code " << *code << "\n";
  EXPECT_EQ(*code, 0) << monitor->Stderr();
  EXPECT_TRUE(Contains(monitor->Stdout(), "exited")) << monitor->Stdout();
  EXPECT_TRUE(Contains(monitor->Stdout(), kPlainMethod)) << "no final figures:\n" << monitor->Stdout();
  EXPECT_TRUE(monitor->Stderr().empty()) << monitor->Stderr();
}

}  // namespace
}  // namespace clrprobe::itest
