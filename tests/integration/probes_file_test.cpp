// The watched probes file (`clrprobe run --probes-file FILE`, or CLRPROBE_PROBES_FILE; see
// docs/FLEETS.md "Probes from a file"): tests/apps/LiveService runs under the agent while the
// tests edit the file the ways operators do (in place, editor-style replace by rename,
// Kubernetes ConfigMap symlink swap) and read the result with `clrprobe list` / `stats`.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// How long an edit may take to apply. The agent watches the directory (inotify) and re-reads
// the file every second anyway, so a few seconds is plenty even on a loaded machine.
constexpr auto kApplyTimeout = 20s;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  ASSERT_TRUE(out) << "cannot write " << path;
}

// What an editor does: write a temporary file next to the target, rename it over the target.
void ReplaceByRename(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".swp";
  WriteText(temporary, text);
  ASSERT_EQ(std::rename(temporary.c_str(), path.c_str()), 0) << "rename " << temporary << ": " << std::strerror(errno);
}

// The selectors of the probes in force (not removed) in a `list`.
std::set<std::string> InForce(const std::vector<nlohmann::json>& probes) {
  std::set<std::string> out;
  for (const auto& p : probes) {
    if (StateOf(p) != "removed") out.insert(p.value("selector", ""));
  }
  return out;
}

const nlohmann::json* FindBySelector(const std::vector<nlohmann::json>& probes, const std::string& selector) {
  for (const auto& p : probes) {
    if (p.value("selector", "") == selector && StateOf(p) != "removed") return &p;
  }
  return nullptr;
}

std::string Dump(const std::vector<nlohmann::json>& probes) { return nlohmann::json(probes).dump(2); }

// Polls `clrprobe list` until the probes in force are exactly `wanted`, all active and from
// the file; the list then, or a test failure and nullopt.
std::optional<std::vector<nlohmann::json>> WaitForProbes(ProbeSession& session, pid_t pid,
                                                         const std::set<std::string>& wanted) {
  const auto deadline = Clock::now() + kApplyTimeout;
  std::vector<nlohmann::json> last;
  while (true) {
    if (auto listed = ListProbes(session, pid)) {
      last = *listed;
      bool ready = InForce(last) == wanted;
      for (const auto& selector : wanted) {
        const nlohmann::json* p = FindBySelector(last, selector);
        ready = ready && p != nullptr && StateOf(*p) == "active" && p->value("source", "") == "file";
      }
      if (ready) return last;
    } else {
      return std::nullopt;
    }
    if (Clock::now() > deadline) break;
    std::this_thread::sleep_for(100ms);
  }
  std::string expected;
  for (const auto& s : wanted) expected += " " + s;
  ADD_FAILURE() << "the probes in force never became [" << expected << " ] (active, source \"file\"); last list:\n"
                << Dump(last);
  return std::nullopt;
}

// `clrprobe list -p PID --json`'s "probes_file" object ({"path", "error"}), or null.
nlohmann::json ProbesFileStatus(ProbeSession& session, pid_t pid) {
  CliJson r = RunClrprobeJson(session, {"list", "-p", std::to_string(pid), "--json"});
  if (!r.json || !r.json->contains("probes_file")) return nullptr;
  return r.json->at("probes_file");
}

int64_t IdOfSelector(const std::vector<nlohmann::json>& probes, const std::string& selector) {
  const nlohmann::json* p = FindBySelector(probes, selector);
  return p ? IdOf(*p) : -1;
}

// The probe counts: its first calls arrive (an active probe's ReJIT may still be under way
// on a loaded machine, so they are waited for), and its figures grow while the service runs.
void ExpectCounting(ProbeSession& session, pid_t pid, int64_t id, const std::string& what) {
  const auto deadline = Clock::now() + kApplyTimeout;
  int64_t first = CallsOf(session, pid, id);
  while (first == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    first = CallsOf(session, pid, id);
  }
  ASSERT_GT(first, 0) << what << " (probe " << id << ") has counted nothing in " << kApplyTimeout.count() << " s";
  std::this_thread::sleep_for(300ms);
  const int64_t second = CallsOf(session, pid, id);
  EXPECT_GT(second, first) << what << " (probe " << id << ") does not count calls";
}

class ProbesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
  }
};

// A line added to the file becomes a probe of source "file" that counts exactly the calls
// the service made while it was in force (added while the workers are parked).
TEST_F(ProbesFile, ALineAddedWhileTheServiceRunsBecomesAProbeThatCountsCalls) {
  ProbeSession session;
  const std::string file = session.dir() + "/probes";
  WriteText(file, std::string("# probes\n") + kInstanceMethod + "\n");
  LiveService service(session, LiveService::Options{}.RunArg("--probes-file").RunArg(file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto initial = WaitForProbes(session, pid, {kInstanceMethod});
  ASSERT_TRUE(initial);
  ExpectCounting(session, pid, IdOfSelector(*initial, kInstanceMethod), "the probe from the initial file");

  // Parked workers: the window the new probe covers is known exactly.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  WriteText(file, std::string("# probes\n") + kInstanceMethod + "\n\n  " + kPlainMethod + "  \n");
  auto edited = WaitForProbes(session, pid, {kInstanceMethod, kPlainMethod});
  ASSERT_TRUE(edited);
  EXPECT_EQ(IdOfSelector(*edited, kInstanceMethod), IdOfSelector(*initial, kInstanceMethod))
      << "a line that stayed must keep its probe";
  const int64_t plain_id = IdOfSelector(*edited, kPlainMethod);
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(500ms);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  const int64_t calls = c1->Calls(kPlainMethod) - c0->Calls(kPlainMethod);
  EXPECT_GT(calls, 0) << "the window ran no calls";
  EXPECT_EQ(CallsOf(session, pid, plain_id), calls) << "probe calls vs the service's own count";
  ASSERT_TRUE(service.Resume());
  EXPECT_TRUE(ProbesFileStatus(session, pid).value("error", nlohmann::json()).is_null());
  EXPECT_TRUE(service.StillServing());
}

// A line removed from the file removes its probe: its figures freeze while the service and
// the other probe go on.
TEST_F(ProbesFile, ALineRemovedFromTheFileRemovesItsProbe) {
  ProbeSession session;
  const std::string file = session.dir() + "/probes";
  WriteText(file, std::string(kPlainMethod) + "\n" + kInstanceMethod + "\n");
  LiveService service(session, LiveService::Options{}.RunArg("--probes-file").RunArg(file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto both = WaitForProbes(session, pid, {kPlainMethod, kInstanceMethod});
  ASSERT_TRUE(both);
  const int64_t plain_id = IdOfSelector(*both, kPlainMethod);
  const int64_t instance_id = IdOfSelector(*both, kInstanceMethod);

  WriteText(file, std::string(kPlainMethod) + "\n");
  auto one = WaitForProbes(session, pid, {kPlainMethod});
  ASSERT_TRUE(one);
  EXPECT_EQ(IdOfSelector(*one, kPlainMethod), plain_id);
  const nlohmann::json* removed = FindById(*one, instance_id);
  ASSERT_NE(removed, nullptr) << "a removed probe stays listed with its final figures:\n" << Dump(*one);
  EXPECT_EQ(StateOf(*removed), "removed");

  const int64_t frozen = CallsOf(session, pid, instance_id);
  EXPECT_GT(frozen, 0) << "the removed probe's final figures are empty";
  ExpectCounting(session, pid, plain_id, "the probe whose line stayed");
  EXPECT_EQ(CallsOf(session, pid, instance_id), frozen) << "the removed probe still counts";

  // An emptied file removes everything.
  WriteText(file, "# nothing\n");
  ASSERT_TRUE(WaitForProbes(session, pid, {}));
  EXPECT_TRUE(service.StillServing());
}

// A file with a malformed selector is not applied at all: the probes in force stay (same
// ids, still counting), the agent log and `list` say which line is wrong; the next valid
// version applies. The file is given by CLRPROBE_PROBES_FILE, as a container would.
TEST_F(ProbesFile, AnInvalidFileChangesNothingAndTheLogSaysWhy) {
  ProbeSession session;
  const std::string file = session.dir() + "/probes";
  WriteText(file, std::string(kPlainMethod) + "\n");
  LiveService service(session, LiveService::Options{}.Env("CLRPROBE_PROBES_FILE", file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto before = WaitForProbes(session, pid, {kPlainMethod});
  ASSERT_TRUE(before);
  const int64_t plain_id = IdOfSelector(*before, kPlainMethod);

  // Line 3 is malformed; line 2 alone would be valid, and must not be applied either.
  WriteText(file, std::string(kPlainMethod) + "\n" + kInstanceMethod + "\nLiveService.Targets.Statics::\n");
  const auto deadline = Clock::now() + kApplyTimeout;
  nlohmann::json status;
  while (Clock::now() < deadline) {
    status = ProbesFileStatus(session, pid);
    if (status.is_object() && status.value("error", nlohmann::json()).is_string()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(status.is_object() && status.value("error", nlohmann::json()).is_string())
      << "`list` never reported the invalid file: " << status.dump();
  EXPECT_NE(status["error"].get<std::string>().find("line 3"), std::string::npos) << status.dump();
  EXPECT_EQ(status.value("path", ""), file);
  const std::string log = session.ReadLog();
  EXPECT_NE(log.find("is invalid"), std::string::npos) << "the agent log does not say the file is invalid:\n" << log;
  EXPECT_NE(log.find("line 3"), std::string::npos) << "the agent log does not say which line:\n" << log;

  auto during = ListProbes(session, pid);
  ASSERT_TRUE(during);
  EXPECT_EQ(InForce(*during), std::set<std::string>{kPlainMethod}) << Dump(*during);
  EXPECT_EQ(IdOfSelector(*during, kPlainMethod), plain_id);
  ExpectCounting(session, pid, plain_id, "the probe in force before the invalid edit");

  // Fixed: applies, and `list` no longer reports an error.
  WriteText(file, std::string(kInstanceMethod) + "\n");
  ASSERT_TRUE(WaitForProbes(session, pid, {kInstanceMethod}));
  EXPECT_TRUE(ProbesFileStatus(session, pid).value("error", nlohmann::json()).is_null());
  EXPECT_TRUE(service.StillServing());
}

// Editors (vim, sed -i, configuration management) write a new file and rename it over the
// old one; the agent sees the new file, and again on a second replacement.
TEST_F(ProbesFile, AnEditorsReplaceByRenameApplies) {
  ProbeSession session;
  const std::string file = session.dir() + "/probes";
  WriteText(file, std::string(kPlainMethod) + "\n");
  LiveService service(session, LiveService::Options{}.RunArg("--probes-file").RunArg(file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  ASSERT_TRUE(WaitForProbes(session, pid, {kPlainMethod}));

  ReplaceByRename(file, std::string(kInstanceMethod) + "\n");
  auto replaced = WaitForProbes(session, pid, {kInstanceMethod});
  ASSERT_TRUE(replaced);
  ExpectCounting(session, pid, IdOfSelector(*replaced, kInstanceMethod), "the probe of the replaced file");

  ReplaceByRename(file, std::string(kInstanceMethod) + "\n" + kPlainMethod + "\n");
  ASSERT_TRUE(WaitForProbes(session, pid, {kInstanceMethod, kPlainMethod}));
  EXPECT_TRUE(service.StillServing());
}

// A mounted Kubernetes ConfigMap: DIR/probes -> ..data/probes, DIR/..data -> ..<timestamp>;
// an update writes a new timestamped directory and swaps ..data atomically (a new symlink
// renamed over it). The agent, given DIR/probes, follows the swap.
TEST_F(ProbesFile, AConfigMapStyleSymlinkSwapApplies) {
  ProbeSession session;
  const std::string dir = session.dir() + "/configmap";
  fs::create_directories(dir + "/..2024_01_01_00_00_00.1");
  WriteText(dir + "/..2024_01_01_00_00_00.1/probes", std::string(kPlainMethod) + "\n");
  fs::create_directory_symlink("..2024_01_01_00_00_00.1", dir + "/..data");
  fs::create_symlink("..data/probes", dir + "/probes");
  const std::string file = dir + "/probes";
  LiveService service(session, LiveService::Options{}.RunArg("--probes-file").RunArg(file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  ASSERT_TRUE(WaitForProbes(session, pid, {kPlainMethod}));

  // The kubelet's update: new directory, new ..data_tmp symlink renamed over ..data, old
  // directory removed.
  auto swap = [&](const std::string& from, const std::string& to, const std::string& text) {
    fs::create_directories(dir + "/" + to);
    WriteText(dir + "/" + to + "/probes", text);
    fs::create_directory_symlink(to, dir + "/..data_tmp");
    ASSERT_EQ(std::rename((dir + "/..data_tmp").c_str(), (dir + "/..data").c_str()), 0) << std::strerror(errno);
    fs::remove_all(dir + "/" + from);
  };
  swap("..2024_01_01_00_00_00.1", "..2024_01_01_00_01_00.2", std::string(kInstanceMethod) + "\n");
  auto swapped = WaitForProbes(session, pid, {kInstanceMethod});
  ASSERT_TRUE(swapped);
  ExpectCounting(session, pid, IdOfSelector(*swapped, kInstanceMethod), "the probe of the swapped ConfigMap");

  swap("..2024_01_01_00_01_00.2", "..2024_01_01_00_02_00.3",
       std::string(kInstanceMethod) + "\n" + kPlainMethod + "\n");
  ASSERT_TRUE(WaitForProbes(session, pid, {kInstanceMethod, kPlainMethod}));
  EXPECT_TRUE(service.StillServing());
}

}  // namespace
}  // namespace clrprobe::itest
