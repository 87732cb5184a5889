// The everyday commands load only the C library family (issue 12, part 5):
// the export stack (libcurl, zlib, OpenSSL, libstdc++) belongs to
// clrprobe-export, which only `clrprobe export` runs. Checked on what the
// dynamic loader actually initialises (LD_DEBUG=libs), so a library that
// came in by dlopen or a new NEEDED entry would both fail it.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"

namespace clrprobe::itest {
namespace {

// The objects the loader initialised, from its "calling init: PATH" lines.
std::set<std::string> InitialisedLibraries(const std::string& ld_debug_output) {
  std::set<std::string> libraries;
  std::istringstream lines(ld_debug_output);
  std::string line;
  const std::string marker = "calling init: ";
  while (std::getline(lines, line)) {
    const size_t at = line.find(marker);
    if (at != std::string::npos) libraries.insert(line.substr(at + marker.size()));
  }
  return libraries;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

::testing::AssertionResult LoadsOnlyTheCLibrary(ProbeSession& session, const std::vector<std::string>& args) {
  session.SetEnv("LD_DEBUG", "libs");
  ProcessResult run = session.RunClrprobe(args);
  session.SetEnv("LD_DEBUG", std::nullopt);
  std::string command = "clrprobe";
  for (const auto& arg : args) command += " " + arg;
  if (run.exit_code != 0) {
    return ::testing::AssertionFailure() << command << " exited " << run.exit_code << ": " << run.err;
  }
  const std::set<std::string> libraries = InitialisedLibraries(run.err);
  bool saw_libc = false;
  for (const auto& library : libraries) {
    if (library.find("/libc.so") != std::string::npos) saw_libc = true;
    for (const char* unwanted : {"libcurl", "libz.", "libssl", "libcrypto", "libstdc++", "libnghttp", "libbrotli"}) {
      if (library.find(unwanted) != std::string::npos) {
        return ::testing::AssertionFailure() << command << " loaded " << library << " (all: " << Join(libraries) << ")";
      }
    }
  }
  // LD_DEBUG did report: an empty list would pass the check above for nothing.
  if (!saw_libc) return ::testing::AssertionFailure() << command << ": no loader report of libc: " << run.err;
  return ::testing::AssertionSuccess();
}

TEST(CliLibraries, VersionListStatsAndAddLoadNoExportLibraries) {
  ASSERT_TRUE(LiveAppsBuilt());
  ProbeSession session;
  EXPECT_TRUE(LoadsOnlyTheCLibrary(session, {"--version"}));

  LiveService service(session);
  ASSERT_TRUE(service.Started());
  ASSERT_TRUE(WaitForAgent(session, service.pid()));
  EXPECT_TRUE(LoadsOnlyTheCLibrary(session, {"add", "-p", service.Pid(), kPlainMethod}));
  EXPECT_TRUE(LoadsOnlyTheCLibrary(session, {"list", "-p", service.Pid()}));
  EXPECT_TRUE(LoadsOnlyTheCLibrary(session, {"stats", "-p", service.Pid()}));
}

}  // namespace
}  // namespace clrprobe::itest
