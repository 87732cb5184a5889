// Runs a child process with captured stdout/stderr, optional environment changes and a
// timeout after which the child's whole process group is killed.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clrprobe::itest {

struct ProcessResult {
  int exit_code = -1;  // WEXITSTATUS, or 128 + signal number if killed by a signal
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string error;  // non-empty when the process could not be started
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // Variables to set (value) or remove (nullopt) in the child's environment.
  std::map<std::string, std::optional<std::string>> env;
  std::string working_dir;  // empty: inherit
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// "a b 'c d'" style rendering for failure messages.
std::string DescribeCommand(const std::vector<std::string>& argv);

}  // namespace clrprobe::itest
