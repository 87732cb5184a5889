// Helpers shared by the fault-injection tests (faults_test.cpp: files and processes;
// faults_capacity_test.cpp: full disks and a full stats region): a private runtime
// directory that can hold tmpfs and read-only mounts, disk filling, and the checks every
// fault test makes (exact counting, a clean stop, a clear CLI error).
#pragma once

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

#include "agent_socket.h"
#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "support/temp_dir.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest::faults {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Mounting a tmpfs or a read-only bind mount needs privileges a developer's machine may lack;
// there the part of a fault test that needs one is left out and says so. scripts/test.sh (CI,
// as root, where mounts work) sets CLRPROBE_TESTS_REQUIRE_MOUNTS=1: a mount that fails there is
// a test failure, never a silently smaller test.
inline void MountUnavailable(const std::string& what, const std::string& error) {
  const char* required = std::getenv("CLRPROBE_TESTS_REQUIRE_MOUNTS");
  if (required != nullptr && std::string(required) == "1") {
    ADD_FAILURE() << what << " needs a mount that failed: " << error
                  << " (CLRPROBE_TESTS_REQUIRE_MOUNTS=1: scripts/test.sh runs every fault in full)";
  } else {
    std::cout << "[ faults ] " << what << " left out: " << error << "\n";
  }
}

inline std::string Describe(const std::vector<std::string>& args, const ProcessResult& r) {
  return "clrprobe " + DescribeCommand(args) + " -> exit " + std::to_string(r.exit_code) +
         (r.timed_out ? " (timed out)" : "") + "\n  stdout: " + r.out.substr(0, 2000) + "\n  stderr: " + r.err;
}

// A private directory under /tmp (sockets live in it: short paths), unmounted at the end
// and then removed by test_support::TempDir.
class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("clrprobe-fault", Base::Short) {}
  ~TempDir() {
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
  }
  // Mounts a tmpfs of `size` (e.g. "64k") at path()/name; false (and why) when not permitted.
  bool MountTmpfs(const std::string& name, const std::string& size, std::string* error) {
    const std::string target = path() + "/" + name;
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
    const std::string target = path() + "/" + name;
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
    const std::string target = path() + "/" + name;
    for (auto it = mounts_.begin(); it != mounts_.end(); ++it) {
      if (*it == target) {
        mounts_.erase(it);
        return ::umount2(target.c_str(), 0) == 0;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> mounts_;
};

// Fills the filesystem holding `dir` until writes fail with ENOSPC; returns the filler's size.
inline int64_t FillDisk(const std::string& dir) {
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

inline int64_t FreeBytes(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// A probe on Statics::Plain counts exactly the window run while it is attached: pause, add,
// run N iterations, stats. Returns the probe id (or -1 with a failure).
inline int64_t ExpectExactPlainWindow(ProbeSession& session, LiveService& service) {
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
inline void ExpectCleanStop(LiveService& service, ProbeSession& session) {
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
inline ::testing::AssertionResult ClearError(const std::vector<std::string>& args, const ProcessResult& r,
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
inline ::testing::AssertionResult HonestState(const nlohmann::json& probe) {
  const auto methods = probe.value("methods", nlohmann::json::array());
  const std::string state = StateOf(probe);
  if (methods.empty() && (state == "active" || state == "pending")) {
    return ::testing::AssertionFailure() << "probe with no instrumented method reported as '" << state << "':\n"
                                         << probe.dump(2);
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

}  // namespace clrprobe::itest::faults
