// Runs a child process with captured stdout/stderr, optional environment changes and a
// timeout after which the child's whole process group is killed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

// A child with pipes to its stdin, stdout and stderr, for programs driven by commands
// (tests/apps/LiveService). It runs in its own process group; a reader thread collects
// its output. The destructor kills the group (SIGKILL) if the child is still running.
// options.timeout is not used: each call takes its own.
class InteractiveProcess {
 public:
  // Starts argv; on failure returns nullptr and sets *error.
  static std::unique_ptr<InteractiveProcess> Start(const std::vector<std::string>& argv,
                                                   const ProcessOptions& options, std::string* error);
  ~InteractiveProcess();
  InteractiveProcess(const InteractiveProcess&) = delete;
  InteractiveProcess& operator=(const InteractiveProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Writes line + "\n" to the child's stdin; false if the child no longer reads it.
  bool WriteLine(const std::string& line);
  // Closes the child's stdin (it sees end of input).
  void CloseStdin();

  // The next stdout line not yet returned (without "\n"), or nullopt when none arrives
  // within timeout or stdout was closed.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Skips lines until one starts with prefix and returns it; nullopt on timeout or EOF.
  std::optional<std::string> ReadLineStartingWith(const std::string& prefix, std::chrono::milliseconds timeout);

  // Waits for the child to exit: its exit code (128 + signal when killed), or nullopt on
  // timeout (the child keeps running).
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  // SIGKILL to the whole process group, then reaps the child.
  void Kill();

  // Everything read so far.
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  InteractiveProcess() = default;
  void ReadLoop(int out_fd, int err_fd);
  bool ReapNoHang();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> exit_code_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_, err_;
  std::string partial_line_;
  std::deque<std::string> lines_;
  bool out_closed_ = false;
};

}  // namespace clrprobe::itest
