// tests/apps/LiveService driven over its stdin/stdout, with or without the agent, plus thin
// wrappers around the live clrprobe subcommands (add, list, remove, stats, ps).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "probe_session.h"
#include "process_runner.h"
#include "report.h"

namespace clrprobe::itest {

// Selectors of the LiveService targets (tests/apps/LiveService/Targets.cs).
inline constexpr char kPlainMethod[] = "LiveService.Targets.Statics::Plain";
inline constexpr char kInstanceMethod[] = "LiveService.Targets.Accumulator::Add";
inline constexpr char kInlinedMethod[] = "LiveService.Targets.Hot::Mix";
inline constexpr char kGenericMethod[] = "LiveService.Targets.Generic::Pick";
inline constexpr char kThrowingMethod[] = "LiveService.Targets.Validator::Check";
inline constexpr char kAsyncMethod[] = "LiveService.Targets.AsyncOps::ComputeAsync";
inline constexpr char kSeriesMethods[] = "LiveService.Targets.Series::*";  // StepA, StepB, StepC
inline constexpr char kPairMethods[] = "LiveService.Targets.Pair::*";      // Left, Right
inline constexpr char kLateMethod[] = "LateLib!LateLib.Plugin::Compute";
// Keys of the service's own counters that are not plain selectors.
inline constexpr char kPickIntKey[] = "LiveService.Targets.Generic::Pick<int>";
inline constexpr char kPickStringKey[] = "LiveService.Targets.Generic::Pick<string>";
inline constexpr char kLateKey[] = "LateLib.Plugin::Compute";

// The service's own counters: key → value, from a "paused ..." line
// ("iterations", "<method>", "exceptions(<method>)") or from the final "calls <method> N" /
// "exceptions <method> N" lines.
struct ServiceCounts {
  std::map<std::string, int64_t> values;

  // The value of key; a test failure (and 0) when the service did not print it.
  int64_t Get(const std::string& key) const;
  int64_t Calls(const std::string& method) const { return Get(method); }
  int64_t Exceptions(const std::string& method) const { return Get("exceptions(" + method + ")"); }
  int64_t Iterations() const { return Get("iterations"); }
};

struct ServiceFinal {
  int exit_code = -1;
  std::string result_line;  // "result per-iteration=R mismatches=M": the same in every run
  ServiceCounts counts;
  std::string out;  // all of stdout
};

class LiveService {
 public:
  struct Options {
    bool with_agent = true;          // under `clrprobe run -- ...`, else plain `dotnet ...`
    std::vector<std::string> run_args;  // extra `clrprobe run` options (before `--`)
    std::vector<std::string> args;   // LiveService arguments (--paused, --pace N, ...)
    std::map<std::string, std::optional<std::string>> env;  // on top of the session's
    std::vector<std::string> wrapper;  // runs the command through it (e.g. unshare ... --), plain only
    std::string dll;                   // instead of LiveServiceDll() (a copy under another name)

    Options& WithoutAgent() {
      with_agent = false;
      return *this;
    }
    Options& Arg(std::string arg) {
      args.push_back(std::move(arg));
      return *this;
    }
    Options& RunArg(std::string arg) {
      run_args.push_back(std::move(arg));
      return *this;
    }
    Options& Wrap(std::vector<std::string> command_prefix) {
      wrapper = std::move(command_prefix);
      return *this;
    }
    Options& Env(const std::string& name, std::string value) {
      env[name] = std::move(value);
      return *this;
    }
  };

  // Starts `clrprobe run --log <session log> -- dotnet LiveService.dll --latelib <LateLib.dll> args`
  // (or the plain command) in the session's directory. Check Started() before anything else.
  LiveService(ProbeSession& session, Options options);
  explicit LiveService(ProbeSession& session) : LiveService(session, Options{}) {}
  // Stops the service (stop, then SIGKILL if it does not exit) if still running.
  ~LiveService();
  LiveService(const LiveService&) = delete;
  LiveService& operator=(const LiveService&) = delete;

  // Waits for "ready pid=N"; N (the dotnet process, not clrprobe) becomes pid().
  ::testing::AssertionResult Started(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  pid_t pid() const { return pid_; }
  std::string Pid() const { return std::to_string(pid_); }

  // Commands; nullopt / false when the service does not answer in time.
  std::optional<ServiceCounts> Pause();
  bool Resume();
  std::optional<ServiceCounts> RunIterations(int64_t n);
  ::testing::AssertionResult LoadLate();
  // `pause` then `resume`: the service still answers commands.
  ::testing::AssertionResult StillServing();
  // Sends `stop` and waits for the exit; nullopt when it does not exit in time.
  std::optional<ServiceFinal> Stop();

  bool Running() { return process_ != nullptr && process_->Running(); }
  std::string Stdout() const { return process_ ? process_->Stdout() : ""; }
  std::string Stderr() const { return process_ ? process_->Stderr() : ""; }
  const std::string& start_error() const { return start_error_; }

 private:
  std::optional<std::string> Command(const std::string& command, const std::string& reply_prefix,
                                     std::chrono::milliseconds timeout);

  ProbeSession& session_;
  Options options_;
  std::unique_ptr<InteractiveProcess> process_;
  std::string start_error_;
  pid_t pid_ = -1;
};

// Parses "<word> k=v k=v ..." (the first word is skipped).
ServiceCounts ParseCountsLine(const std::string& line);

// Success when the dotnet host, LiveService.dll and LateLib.dll exist.
::testing::AssertionResult LiveAppsBuilt();

// ---- clrprobe live subcommands ----

struct CliJson {
  ProcessResult process;
  std::optional<nlohmann::json> json;  // stdout parsed, when exit code 0 and valid JSON
  std::string json_error;
};

// Runs clrprobe args... (60 s timeout) and parses its stdout as JSON.
CliJson RunClrprobeJson(ProbeSession& session, const std::vector<std::string>& args);

// Polls `clrprobe list -p PID` until it succeeds.
::testing::AssertionResult WaitForAgent(ProbeSession& session, pid_t pid,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

// `clrprobe add -p PID SELECTOR --json [extra...]`; the probe object of the reply, or a
// test failure and nullopt.
std::optional<nlohmann::json> AddProbe(ProbeSession& session, pid_t pid, const std::string& selector,
                                       const std::vector<std::string>& extra = {});
// `clrprobe remove -p PID ID --json` / `--all`: the "removed" ids, or a failure and nullopt.
std::optional<std::vector<int64_t>> RemoveProbe(ProbeSession& session, pid_t pid, int64_t id);
std::optional<std::vector<int64_t>> RemoveAllProbes(ProbeSession& session, pid_t pid);
// `clrprobe list -p PID --json`: the probe objects, or a failure and nullopt.
std::optional<std::vector<nlohmann::json>> ListProbes(ProbeSession& session, pid_t pid);
// `clrprobe stats -p PID --json`, parsed.
std::optional<Report> Stats(ProbeSession& session, pid_t pid);
// Calls of probe `id` in `clrprobe stats` (-1 and a failure when missing).
int64_t CallsOf(ProbeSession& session, pid_t pid, int64_t id);

// The probe object with this id in a list, else nullptr.
const nlohmann::json* FindById(const std::vector<nlohmann::json>& probes, int64_t id);
int64_t IdOf(const nlohmann::json& probe);
std::string StateOf(const nlohmann::json& probe);

// A pid with no process behind it.
pid_t UnusedPid();

// Resident set size of a process in KiB (/proc/PID/status VmRSS), or -1.
int64_t ResidentKiB(pid_t pid);

}  // namespace clrprobe::itest
