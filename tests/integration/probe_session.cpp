#include "probe_session.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "test_paths.h"

namespace clrprobe::itest {
namespace {

constexpr std::chrono::minutes kRunTimeout{4};
constexpr size_t kMaxDumpBytes = 64 * 1024;

// Variables that would load a profiler into a "plain" run.
const char* const kProfilerVariables[] = {
    "CORECLR_ENABLE_PROFILING", "CORECLR_PROFILER",   "CORECLR_PROFILER_PATH",
    "CORECLR_PROFILER_PATH_64", "DOTNET_STARTUP_HOOKS", "CLRPROBE_LOG",
};

std::string TestDirName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "test";
  for (char& c : name) {
    if (c == '/' || c == ' ') c = '_';
  }
  return name;
}

std::string Tail(const std::string& text) {
  if (text.size() <= kMaxDumpBytes) return text;
  return "[... " + std::to_string(text.size() - kMaxDumpBytes) + " bytes cut ...]\n" +
         text.substr(text.size() - kMaxDumpBytes);
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProbeSession::ProbeSession() {
  std::filesystem::create_directories(WorkDir());
  std::string templ = WorkDir() + "/" + TestDirName() + ".XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << templ << " failed";
  }
  dir_ = templ;
}

ProbeSession::~ProbeSession() {
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- kept " << dir_ << "\n---- agent log (" << LogPath() << "):\n"
              << Tail(ReadLog()) << "\n---- clrprobe stderr:\n"
              << Tail(last_stderr_) << "\n---- end\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ProbeSession::ReadLog() const { return ReadFile(LogPath()); }

ProcessOptions ProbeSession::PlainOptions() const {
  ProcessOptions options;
  options.timeout = kRunTimeout;
  options.working_dir = dir_;
  for (const char* v : kProfilerVariables) options.env[v] = std::nullopt;
  for (const auto& [name, value] : env_) options.env[name] = value;
  return options;
}

ProcessResult ProbeSession::RunPlain(const std::vector<std::string>& command) const {
  return RunProcess(command, PlainOptions());
}

ProcessResult ProbeSession::RunClrprobe(const std::vector<std::string>& args) {
  return RunClrprobe(args, kRunTimeout);
}

ProcessResult ProbeSession::RunClrprobe(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{ClrprobeExe()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options = PlainOptions();
  options.timeout = timeout;
  ProcessResult r = RunProcess(argv, options);
  last_stderr_ = r.err;
  return r;
}

ProbedRun ProbeSession::RunProbed(const std::vector<std::string>& selectors,
                                  const std::vector<std::string>& command) {
  std::vector<std::string> args{"run"};
  for (const auto& s : selectors) {
    args.push_back("--probe");
    args.push_back(s);
  }
  args.insert(args.end(), {"--report", ReportPath(), "--log", LogPath(), "--"});
  args.insert(args.end(), command.begin(), command.end());
  ProbedRun run;
  run.process = RunClrprobe(args);
  if (!FileExists(ReportPath())) {
    run.report_error = "no report written at " + ReportPath();
  } else {
    run.report = ParseReport(ReadFile(ReportPath()), &run.report_error);
  }
  return run;
}

std::vector<std::string> ScenarioCommand(const std::string& scenario) {
  return {DotnetExe(), ScenariosDll(), scenario, LateLibDll()};
}

::testing::AssertionResult ClrprobeBuilt() {
  if (FileExists(ClrprobeExe())) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "clrprobe is not built: " << ClrprobeExe()
                                       << " missing (set CLRPROBE_ITEST_CLRPROBE to override)";
}

::testing::AssertionResult AppsBuilt() {
  for (const auto& path : {DotnetExe(), ScenariosDll(), LateLibDll(), OrderServiceDll()}) {
    if (!FileExists(path)) {
      return ::testing::AssertionFailure() << path << " missing: build the clrprobe_test_apps target";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace clrprobe::itest
