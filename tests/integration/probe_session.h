// One test's scratch directory plus the two ways of running a program: plain, and under
// `clrprobe run`. When the test has failed, the destructor prints the agent log and the
// probed run's stderr, and keeps the directory for inspection.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "process_runner.h"
#include "report.h"

namespace clrprobe::itest {

struct ProbedRun {
  ProcessResult process;
  std::optional<Report> report;  // nullopt when the file is missing or malformed
  std::string report_error;
};

class ProbeSession {
 public:
  ProbeSession();
  ~ProbeSession();
  ProbeSession(const ProbeSession&) = delete;
  ProbeSession& operator=(const ProbeSession&) = delete;

  const std::string& dir() const { return dir_; }
  std::string ReportPath() const { return dir_ + "/report.json"; }
  std::string LogPath() const { return dir_ + "/agent.log"; }
  std::string ReadLog() const;

  // Runs `command` with no profiler in the environment.
  ProcessResult RunPlain(const std::vector<std::string>& command) const;

  // clrprobe run --probe S... --report <dir>/report.json --log <dir>/agent.log -- command...
  ProbedRun RunProbed(const std::vector<std::string>& selectors, const std::vector<std::string>& command);

  // Runs clrprobe with exactly these arguments.
  ProcessResult RunClrprobe(const std::vector<std::string>& args);
  ProcessResult RunClrprobe(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

  // Extra environment for every program this session starts (value, or nullopt to remove
  // the variable), e.g. a private CLRPROBE_RUNTIME_DIR.
  void SetEnv(const std::string& name, std::optional<std::string> value) { env_[name] = std::move(value); }
  // The options RunPlain uses: the session directory, no profiler variables, SetEnv's.
  ProcessOptions PlainOptions() const;

 private:
  std::string dir_;
  std::string last_stderr_;
  std::map<std::string, std::optional<std::string>> env_;
};

// dotnet Scenarios.dll <scenario> <LateLib.dll>
std::vector<std::string> ScenarioCommand(const std::string& scenario);

// Success when build/bin/clrprobe exists; otherwise a message saying so.
::testing::AssertionResult ClrprobeBuilt();

// Success when the dotnet host and the Scenarios/LateLib/OrderService builds exist.
::testing::AssertionResult AppsBuilt();

std::string ReadFile(const std::string& path);

}  // namespace clrprobe::itest
