#include "live_service.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "agent_socket.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

constexpr std::chrono::seconds kCommandTimeout{60};
constexpr std::chrono::seconds kCliTimeout{60};

std::string Context(const LiveService& service) {
  return "\n---- service stdout:\n" + service.Stdout() + "\n---- service stderr:\n" + service.Stderr();
}

std::string DescribeCli(const std::vector<std::string>& args, const ProcessResult& r) {
  std::string out = "clrprobe " + DescribeCommand(args) + " -> exit " + std::to_string(r.exit_code);
  if (r.timed_out) out += " (timed out)";
  if (!r.error.empty()) out += " (" + r.error + ")";
  return out + "\n  stdout: " + r.out + "\n  stderr: " + r.err;
}

}  // namespace

int64_t ServiceCounts::Get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) {
    ADD_FAILURE() << "the service printed no counter '" << key << "'";
    return 0;
  }
  return it->second;
}

ServiceCounts ParseCountsLine(const std::string& line) {
  ServiceCounts counts;
  std::istringstream words(line);
  std::string word;
  words >> word;  // "paused" / "counts"
  while (words >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    try {
      counts.values[word.substr(0, eq)] = std::stoll(word.substr(eq + 1));
    } catch (const std::exception&) {
    }
  }
  return counts;
}

::testing::AssertionResult LiveAppsBuilt() {
  for (const auto& path : {DotnetExe(), LiveServiceDll(), LateLibDll()}) {
    if (!FileExists(path)) {
      return ::testing::AssertionFailure() << path << " missing: build the clrprobe_test_apps target";
    }
  }
  return ::testing::AssertionSuccess();
}

LiveService::LiveService(ProbeSession& session, Options options) : session_(session), options_(std::move(options)) {
  std::vector<std::string> argv = options_.wrapper;
  if (options_.with_agent) {
    argv.insert(argv.end(), {ClrprobeExe(), "run", "--log", session_.LogPath()});
    argv.insert(argv.end(), options_.run_args.begin(), options_.run_args.end());
    argv.push_back("--");
  }
  argv.insert(argv.end(),
              {DotnetExe(), options_.dll.empty() ? LiveServiceDll() : options_.dll, "--latelib", LateLibDll()});
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());
  ProcessOptions process_options = session_.PlainOptions();
  for (const auto& [name, value] : options_.env) process_options.env[name] = value;
  if (auto it = process_options.env.find("CLRPROBE_RUNTIME_DIR"); it != process_options.env.end() && it->second) {
    options_.env["CLRPROBE_RUNTIME_DIR"] = it->second;  // remembered for the clean-up
  }
  process_ = InteractiveProcess::Start(argv, process_options, &start_error_);
  if (!process_) start_error_ = DescribeCommand(argv) + ": " + start_error_;
}

LiveService::~LiveService() {
  if (process_ && process_->Running()) {
    process_->WriteLine("stop");
    process_->CloseStdin();
    if (!process_->Wait(std::chrono::seconds(20))) process_->Kill();
  }
  if (::testing::Test::HasFailure() && process_) {
    auto tail = [](const std::string& text) {
      return text.size() <= 16384 ? text : "[...]\n" + text.substr(text.size() - 16384);
    };
    std::cerr << "---- LiveService (pid " << pid_ << ") stdout:\n"
              << tail(process_->Stdout()) << "\n---- LiveService stderr:\n"
              << tail(process_->Stderr()) << "\n---- end of LiveService\n";
  }
  process_.reset();
  // The agent's files of a finished process: keep them only for a failed test.
  if (options_.with_agent && pid_ > 0 && !::testing::Test::HasFailure()) {
    std::string dir = AgentRuntimeDir();
    if (auto it = options_.env.find("CLRPROBE_RUNTIME_DIR"); it != options_.env.end() && it->second) dir = *it->second;
    if (::kill(pid_, 0) != 0 && errno == ESRCH) {
      std::error_code ec;
      for (const char* suffix : {".stats", ".probes.json", ".sock"}) {
        std::filesystem::remove(dir + "/" + std::to_string(pid_) + suffix, ec);
      }
    }
  }
}

::testing::AssertionResult LiveService::Started(std::chrono::milliseconds timeout) {
  if (!process_) return ::testing::AssertionFailure() << "cannot start the service: " << start_error_;
  auto line = process_->ReadLineStartingWith("ready pid=", timeout);
  if (!line) return ::testing::AssertionFailure() << "LiveService never printed 'ready'" << Context(*this);
  try {
    pid_ = static_cast<pid_t>(std::stol(line->substr(std::string("ready pid=").size())));
  } catch (const std::exception&) {
    return ::testing::AssertionFailure() << "bad ready line: " << *line;
  }
  return ::testing::AssertionSuccess();
}

std::optional<std::string> LiveService::Command(const std::string& command, const std::string& reply_prefix,
                                                std::chrono::milliseconds timeout) {
  if (!process_ || !process_->WriteLine(command)) {
    ADD_FAILURE() << "cannot send '" << command << "' to the service (it has exited?)" << Context(*this);
    return std::nullopt;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto line = left.count() > 0 ? process_->ReadLine(left) : std::nullopt;
    if (!line) {
      ADD_FAILURE() << "no '" << reply_prefix << "' reply to '" << command << "'" << Context(*this);
      return std::nullopt;
    }
    if (line->rfind(reply_prefix, 0) == 0) return line;
    if (line->rfind("error", 0) == 0) {
      ADD_FAILURE() << "the service answered '" << command << "' with: " << *line;
      return std::nullopt;
    }
  }
}

std::optional<ServiceCounts> LiveService::Pause() {
  auto line = Command("pause", "paused ", kCommandTimeout);
  if (!line) return std::nullopt;
  return ParseCountsLine(*line);
}

bool LiveService::Resume() { return Command("resume", "resumed", kCommandTimeout).has_value(); }

std::optional<ServiceCounts> LiveService::RunIterations(int64_t n) {
  auto line = Command("run " + std::to_string(n), "paused ", kCommandTimeout);
  if (!line) return std::nullopt;
  return ParseCountsLine(*line);
}

::testing::AssertionResult LiveService::LoadLate() {
  if (!Command("loadlate", "loaded LateLib", kCommandTimeout)) {
    return ::testing::AssertionFailure() << "loadlate failed";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult LiveService::StillServing() {
  if (!Running()) return ::testing::AssertionFailure() << "the service has exited" << Context(*this);
  if (!Pause()) return ::testing::AssertionFailure() << "the service does not answer 'pause'";
  if (!Resume()) return ::testing::AssertionFailure() << "the service does not answer 'resume'";
  return ::testing::AssertionSuccess();
}

std::optional<ServiceFinal> LiveService::Stop() {
  if (!Command("stop", "stopped", kCommandTimeout)) return std::nullopt;
  auto code = process_->Wait(kCommandTimeout);
  if (!code) {
    ADD_FAILURE() << "the service printed 'stopped' but did not exit" << Context(*this);
    return std::nullopt;
  }
  ServiceFinal final;
  final.exit_code = *code;
  final.out = process_->Stdout();
  std::istringstream lines(final.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string kind, key, value;
    words >> kind;
    if (kind == "result") final.result_line = line;
    if (kind == "iterations" && (words >> value)) final.counts.values["iterations"] = std::stoll(value);
    if ((kind == "calls" || kind == "exceptions") && (words >> key >> value)) {
      final.counts.values[kind == "calls" ? key : "exceptions(" + key + ")"] = std::stoll(value);
    }
  }
  return final;
}

// ---- clrprobe live subcommands ----

CliJson RunClrprobeJson(ProbeSession& session, const std::vector<std::string>& args) {
  CliJson result;
  result.process = session.RunClrprobe(args, kCliTimeout);
  if (result.process.exit_code != 0) {
    result.json_error = "exit code " + std::to_string(result.process.exit_code);
    return result;
  }
  try {
    result.json = nlohmann::json::parse(result.process.out);
  } catch (const std::exception& e) {
    result.json_error = e.what();
  }
  return result;
}

::testing::AssertionResult WaitForAgent(ProbeSession& session, pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::vector<std::string> args = {"list", "-p", std::to_string(pid)};
  ProcessResult last;
  while (true) {
    last = session.RunClrprobe(args, kCliTimeout);
    if (last.exit_code == 0) return ::testing::AssertionSuccess();
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return ::testing::AssertionFailure() << "the agent of pid " << pid << " never became reachable: "
                                       << DescribeCli(args, last);
}

std::optional<nlohmann::json> AddProbe(ProbeSession& session, pid_t pid, const std::string& selector,
                                       const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"add", "-p", std::to_string(pid), selector, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliJson r = RunClrprobeJson(session, args);
  if (!r.json || !r.json->is_object()) {
    ADD_FAILURE() << DescribeCli(args, r.process) << "\n  (" << r.json_error << ")";
    return std::nullopt;
  }
  auto it = r.json->find("probe");
  if (it == r.json->end() || !it->is_object()) {
    ADD_FAILURE() << "no probe object in the reply of " << DescribeCli(args, r.process);
    return std::nullopt;
  }
  return *it;
}

namespace {

std::optional<std::vector<int64_t>> Removed(ProbeSession& session, const std::vector<std::string>& args) {
  CliJson r = RunClrprobeJson(session, args);
  try {
    if (r.json) return r.json->at("removed").get<std::vector<int64_t>>();
  } catch (const std::exception& e) {
    r.json_error = e.what();
  }
  ADD_FAILURE() << DescribeCli(args, r.process) << "\n  (" << r.json_error << ")";
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<int64_t>> RemoveProbe(ProbeSession& session, pid_t pid, int64_t id) {
  return Removed(session, {"remove", "-p", std::to_string(pid), std::to_string(id), "--json"});
}

std::optional<std::vector<int64_t>> RemoveAllProbes(ProbeSession& session, pid_t pid) {
  return Removed(session, {"remove", "-p", std::to_string(pid), "--all", "--json"});
}

std::optional<std::vector<nlohmann::json>> ListProbes(ProbeSession& session, pid_t pid) {
  const std::vector<std::string> args = {"list", "-p", std::to_string(pid), "--json"};
  CliJson r = RunClrprobeJson(session, args);
  try {
    if (r.json) return r.json->at("probes").get<std::vector<nlohmann::json>>();
  } catch (const std::exception& e) {
    r.json_error = e.what();
  }
  ADD_FAILURE() << DescribeCli(args, r.process) << "\n  (" << r.json_error << ")";
  return std::nullopt;
}

std::optional<Report> Stats(ProbeSession& session, pid_t pid) {
  const std::vector<std::string> args = {"stats", "-p", std::to_string(pid), "--json"};
  ProcessResult r = session.RunClrprobe(args, kCliTimeout);
  std::string error = "exit code " + std::to_string(r.exit_code);
  if (r.exit_code == 0) {
    if (auto report = ParseReport(r.out, &error)) return report;
  }
  ADD_FAILURE() << DescribeCli(args, r) << "\n  (" << error << ")";
  return std::nullopt;
}

int64_t CallsOf(ProbeSession& session, pid_t pid, int64_t id) {
  auto stats = Stats(session, pid);
  if (!stats) return -1;
  const ProbeReport* p = FindProbeById(*stats, id);
  if (p == nullptr) {
    ADD_FAILURE() << "probe " << id << " missing from `clrprobe stats`:\n" << stats->raw.dump(2);
    return -1;
  }
  return p->calls;
}

const nlohmann::json* FindById(const std::vector<nlohmann::json>& probes, int64_t id) {
  for (const auto& p : probes) {
    if (IdOf(p) == id) return &p;
  }
  return nullptr;
}

int64_t IdOf(const nlohmann::json& probe) {
  auto it = probe.find("id");
  return it != probe.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
}

std::string StateOf(const nlohmann::json& probe) {
  auto it = probe.find("state");
  return it != probe.end() && it->is_string() ? it->get<std::string>() : "";
}

pid_t UnusedPid() {
  long pid_max = 32768;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  for (long pid = pid_max - 1; pid > 300; --pid) {
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
        !std::filesystem::exists("/proc/" + std::to_string(pid))) {
      return static_cast<pid_t>(pid);
    }
  }
  return -1;
}

int64_t ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

}  // namespace clrprobe::itest
