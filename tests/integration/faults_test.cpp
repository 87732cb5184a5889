// Faults around a running service with the agent (tests/apps/LiveService): the files beside
// the socket deleted, made unwritable or their directory removed; the CLI killed in the
// middle of a command; the monitored process killed under `clrprobe monitor`; the agent log
// and the runtime directory on a full disk. In every case the service keeps running and
// computing the same results, and the CLI either keeps working or says clearly what is
// wrong.
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

#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string Describe(const std::vector<std::string>& args, const ProcessResult& r) {
  return "clrprobe " + DescribeCommand(args) + " -> exit " + std::to_string(r.exit_code) +
         (r.timed_out ? " (timed out)" : "") + "\n  stdout: " + r.out.substr(0, 2000) + "\n  stderr: " + r.err;
}

// A private directory under /tmp, removed (and unmounted) at the end.
class TempDir {
 public:
  TempDir() {
    std::string templ = "/tmp/clrprobe-fault-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    path_ = templ;
  }
  ~TempDir() {
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Mounts a tmpfs of `size` (e.g. "64k") at path()/name; false (and why) when not permitted.
  bool MountTmpfs(const std::string& name, const std::string& size, std::string* error) {
    const std::string target = path_ + "/" + name;
    fs::create_directories(target);
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", target.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      *error = "mount -t tmpfs " + target + ": " + std::strerror(errno);
      return false;
    }
    mounts_.push_back(target);
    return true;
  }
  // A read-only bind mount of path()/name over itself; false (and why) when not permitted.
  bool BindReadOnly(const std::string& name, std::string* error) {
    const std::string target = path_ + "/" + name;
    if (::mount(target.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      *error = "mount --bind " + target + ": " + std::strerror(errno);
      return false;
    }
    mounts_.push_back(target);
    if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      *error = "mount -o remount,bind,ro " + target + ": " + std::strerror(errno);
      return false;
    }
    return true;
  }
  bool Unmount(const std::string& name) {
    const std::string target = path_ + "/" + name;
    for (auto it = mounts_.begin(); it != mounts_.end(); ++it) {
      if (*it == target) {
        mounts_.erase(it);
        return ::umount2(target.c_str(), 0) == 0;
      }
    }
    return false;
  }

 private:
  std::string path_;
  std::vector<std::string> mounts_;
};

// Fills the filesystem holding `dir` until writes fail with ENOSPC; returns the filler's size.
int64_t FillDisk(const std::string& dir) {
  int fd = ::open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  std::vector<char> block(4096, 'x');
  int64_t written = 0;
  for (size_t size : {size_t{4096}, size_t{512}, size_t{64}, size_t{1}}) {
    while (true) {
      ssize_t n = ::write(fd, block.data(), size);
      if (n <= 0) break;
      written += n;
    }
  }
  ::close(fd);
  return written;
}

int64_t FreeBytes(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// A probe on Statics::Plain counts exactly the window run while it is attached: pause, add,
// run N iterations, stats. Returns the probe id (or -1 with a failure).
int64_t ExpectExactPlainWindow(ProbeSession& session, LiveService& service) {
  const pid_t pid = service.pid();
  auto c0 = service.Pause();
  if (!c0) return -1;
  auto probe = AddProbe(session, pid, kPlainMethod);
  if (!probe) return -1;
  EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
  const int64_t id = IdOf(*probe);
  auto c1 = service.RunIterations(50);
  if (!c1) return -1;
  auto stats = Stats(session, pid);
  if (!stats) return -1;
  const ProbeReport* p = FindProbeById(*stats, id);
  EXPECT_NE(p, nullptr) << "probe " << id << " missing from stats:\n" << stats->raw.dump(2);
  if (p != nullptr) {
    EXPECT_EQ(p->calls, c1->Calls(kPlainMethod) - c0->Calls(kPlainMethod)) << "probe " << id;
  }
  EXPECT_TRUE(service.Resume());
  return id;
}

// The service stops cleanly and computed what it always computes.
void ExpectCleanStop(LiveService& service, ProbeSession& session) {
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  for (const auto& text : {service.Stdout(), service.Stderr()}) {
    EXPECT_FALSE(Contains(text, "InvalidProgramException"));
    EXPECT_FALSE(Contains(text, "Unhandled exception"));
  }
  (void)session;
}

// A CLI failure that explains itself: exit code 1 or 2 (never a crash or a hang), nothing on
// stdout, a message on stderr naming what is wrong (one of `words`, case-sensitive).
::testing::AssertionResult ClearError(const std::vector<std::string>& args, const ProcessResult& r,
                                      const std::vector<std::string>& words) {
  if (r.timed_out) return ::testing::AssertionFailure() << "hangs: " << Describe(args, r);
  if (r.exit_code != 1 && r.exit_code != 2) {
    return ::testing::AssertionFailure() << "exit code " << r.exit_code << " (expected 1 or 2): " << Describe(args, r);
  }
  if (r.err.empty()) return ::testing::AssertionFailure() << "no message: " << Describe(args, r);
  for (const auto& w : words) {
    if (Contains(r.err, w)) return ::testing::AssertionSuccess();
  }
  std::string wanted;
  for (const auto& w : words) wanted += " '" + w + "'";
  return ::testing::AssertionFailure() << "the message names none of" << wanted << ": " << Describe(args, r);
}

// A probe object of an add that instrumented nothing must not claim to be active (or pending,
// which means "its assembly is not loaded yet").
::testing::AssertionResult HonestState(const nlohmann::json& probe) {
  const auto methods = probe.value("methods", nlohmann::json::array());
  const std::string state = StateOf(probe);
  if (methods.empty() && (state == "active" || state == "pending")) {
    return ::testing::AssertionFailure() << "probe with no instrumented method reported as '" << state
                                         << "':\n" << probe.dump(2);
  }
  return ::testing::AssertionSuccess();
}

class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
  }
};

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
    std::cout << "[ faults ] read-only bind mount not possible (" << error << "): that part is skipped\n";
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

// The agent log on a full disk (a tiny tmpfs, filled up; /dev/full when mounting is not
// permitted) with debug logging: the service keeps running and probes still count exactly.
TEST_F(Faults, AgentLogOnAFullDisk) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  session.SetEnv("CLRPROBE_LOG_LEVEL", "debug");
  std::string error, log_target;
  if (tmp.MountTmpfs("full", "64k", &error)) {
    const int64_t filled = FillDisk(tmp.path() + "/full");
    log_target = tmp.path() + "/full/agent.log";
    std::cout << "[ faults ] log on a 64 KiB tmpfs, filled with " << filled << " bytes; " << FreeBytes(tmp.path() + "/full")
              << " bytes free\n";
  } else {
    log_target = "/dev/full";
    std::cout << "[ faults ] " << error << ": logging to /dev/full instead\n";
  }
  // LiveService logs to <session dir>/agent.log: make that name point at the full disk.
  fs::remove(session.LogPath());
  fs::create_symlink(log_target, session.LogPath());

  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  for (int i = 0; i < 3; ++i) EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
  auto more = AddProbe(session, pid, "LiveService!*::*", {"--max-methods", "1000"});
  ASSERT_TRUE(more);
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
  fs::remove(session.LogPath());  // the symlink
}

// The runtime directory on a full disk: new stats slots cannot be allocated. The probe on
// methods that already have slots keeps counting; methods that need a new slot are refused
// with a reason (never SIGBUS in the host from a page of the mapped stats file).
TEST_F(Faults, RuntimeDirectoryOnAFullDisk) {
  TempDir tmp;
  std::string error;
  if (!tmp.MountTmpfs("rt", "4m", &error)) GTEST_SKIP() << error;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const int64_t first = ExpectExactPlainWindow(session, service);
  ASSERT_GT(first, 0);

  const int64_t filled = FillDisk(rt);
  std::cout << "[ faults ] runtime directory on a 4 MiB tmpfs, filled with " << filled << " bytes; " << FreeBytes(rt)
            << " bytes free\n";
  // Needs new slots: refused (as a failed add or as refused methods), the service goes on.
  const std::vector<std::string> args = {"add", "-p", service.Pid(), kSeriesMethods, "--json"};
  ProcessResult add = session.RunClrprobe(args, 60s);
  if (add.exit_code == 0) {
    auto reply = nlohmann::json::parse(add.out, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << add.out;
    const auto first_refusal = reply["probe"].value("refused", nlohmann::json::array());
    std::cout << "[ faults ] add on a full disk: exit 0, state " << StateOf(reply["probe"]) << ", refusals: "
              << first_refusal.dump() << "\n";
    auto refused = reply["probe"].value("refused", nlohmann::json::array());
    auto methods = reply["probe"].value("methods", nlohmann::json::array());
    EXPECT_EQ(methods.size(), 0u) << "methods instrumented without a stats slot?\n" << add.out;
    EXPECT_EQ(refused.size(), 3u) << add.out;
    EXPECT_TRUE(HonestState(reply["probe"]));
  } else {
    std::cout << "[ faults ] add on a full disk: exit " << add.exit_code << ": " << add.err;
    EXPECT_TRUE(ClearError(args, add, {"space", "allocate", "stats"}));
  }
  EXPECT_TRUE(service.StillServing());
  // The first probe's method has its slot: still exact.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto s0 = Stats(session, pid);
  auto c1 = service.RunIterations(20);
  ASSERT_TRUE(c1);
  auto s1 = Stats(session, pid);
  ASSERT_TRUE(s0 && s1);
  const ProbeReport* before = FindProbeById(*s0, first);
  const ProbeReport* after = FindProbeById(*s1, first);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(after->calls - before->calls, c1->Calls(kPlainMethod) - c0->Calls(kPlainMethod));
  ASSERT_TRUE(service.Resume());

  // Space again: the same methods can be probed now (a refusal for lack of space is not
  // remembered as a permanent failure of the method).
  fs::remove(rt + "/filler");
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  auto again = AddProbe(session, pid, kSeriesMethods);
  ASSERT_TRUE(again);
  EXPECT_EQ(StateOf(*again), "active") << again->dump(2);
  EXPECT_EQ(again->value("methods", nlohmann::json::array()).size(), 3u) << again->dump(2);
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// Every CoreLib method added live (about 39,000: far more than the stats region's slots):
// the add answers within the protocol's time limit, the methods beyond the capacity are
// refused with a reason that says so, the service keeps running, and afterwards a new
// method is refused clearly too (slots are kept for the life of the process), while a
// method that already has a slot can still be probed and counts exactly.
TEST_F(Faults, StatsRegionFull) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const int64_t first = ExpectExactPlainWindow(session, service);  // Statics::Plain has a slot
  ASSERT_GT(first, 0);
  const int64_t rss_before = ResidentKiB(pid);

  const auto start = Clock::now();
  auto big = AddProbe(session, pid, "System.Private.CoreLib!*::*", {"--max-methods", "100000"});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(big);
  const auto methods = big->value("methods", nlohmann::json::array());
  const auto refused = big->value("refused", nlohmann::json::array());
  size_t full = 0;
  for (const auto& r : refused) full += Contains(r.value("reason", ""), "stats region is full") ? 1 : 0;
  const int64_t rss_added = ResidentKiB(pid);
  std::cout << "[ faults ] add System.Private.CoreLib!*::* took " << seconds << " s: " << methods.size()
            << " methods instrumented, " << refused.size() << " refused (" << full
            << " because the stats region is full); RSS " << rss_before << " -> " << rss_added << " KiB\n";
  EXPECT_GT(methods.size(), 1000u);
  EXPECT_GT(full, 0u) << "CoreLib fits in the stats region? then this test needs a larger selector";
  EXPECT_TRUE(service.StillServing());

  ASSERT_TRUE(RemoveAllProbes(session, pid));
  std::cout << "[ faults ] RSS after removing it: " << ResidentKiB(pid) << " KiB\n";
  EXPECT_TRUE(service.StillServing());

  // A method without a slot: refused, saying why.
  const std::vector<std::string> args = {"add", "-p", service.Pid(), kSeriesMethods, "--json"};
  ProcessResult add = session.RunClrprobe(args, 60s);
  if (add.exit_code == 0) {
    auto reply = nlohmann::json::parse(add.out, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << add.out;
    const auto& probe = reply["probe"];
    bool says_full = false;
    for (const auto& r : probe.value("refused", nlohmann::json::array())) {
      says_full = says_full || Contains(r.value("reason", ""), "stats region is full");
    }
    EXPECT_TRUE(says_full) << add.out;
    EXPECT_TRUE(HonestState(probe));
  } else {
    EXPECT_TRUE(ClearError(args, add, {"stats region is full"}));
  }
  // A method with a slot: still exact.
  EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// Removed probes are kept (with their method and refusal lists) for `list` and `stats`. A
// few large probes added and removed must not make `list` unusable: its reply has to stay
// under the protocol's 16 MiB response cap, and the probes file that the agent rewrites on
// every change must not grow without bound either.
TEST_F(Faults, ListStillWorksAfterLargeProbesWereRemoved) {
  TempDir tmp;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  const std::string probes_file = rt + "/" + service.Pid() + ".probes.json";
  for (int round = 0; round < 3; ++round) {
    auto big = AddProbe(session, pid, "System.Private.CoreLib!*::*", {"--max-methods", "100000"});
    ASSERT_TRUE(big) << "round " << round;
    ASSERT_TRUE(RemoveAllProbes(session, pid)) << "round " << round;
    std::error_code ec;
    std::cout << "[ faults ] after " << round + 1 << " large probes added and removed: probes file "
              << fs::file_size(probes_file, ec) << " bytes\n";
  }
  const std::vector<std::string> args = {"list", "-p", service.Pid(), "--json"};
  ProcessResult list = session.RunClrprobe(args, 60s);
  EXPECT_EQ(list.exit_code, 0) << "list no longer works: " << list.err;
  std::cout << "[ faults ] list reply: " << list.out.size() << " bytes; " << list.err;
  EXPECT_TRUE(ListProbes(session, pid));
  // The large probes may have used every stats slot (slots are never reused, so
  // that figures stay readable): a new method is then refused, saying why.
  const std::vector<std::string> add_args = {"add", "-p", service.Pid(), kPlainMethod, "--json"};
  ProcessResult add = session.RunClrprobe(add_args, 60s);
  if (add.exit_code != 0) {
    EXPECT_TRUE(ClearError(add_args, add, {"stats region is full"}));
  }
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

}  // namespace
}  // namespace clrprobe::itest
