#include "cli/run_command.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "cli/agent_locator.h"
#include "cli/child_process.h"
#include "cli/exit_codes.h"
#include "cli/profiler_env.h"
#include "cli/report_table.h"
#include "selector/probe_kind.h"

namespace clrprobe::cli {
namespace fs = std::filesystem;
namespace {

template <typename... Args>
void complain(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "clrprobe: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

// Absolute path for a file the agent will create; its directory must exist
// now, so that a typo fails before the program runs rather than at its exit.
Result<std::string> output_path(const std::string& given, const char* flag) {
  if (given.empty()) return make_error(Reason::InvalidInput, std::string(flag) + " needs a file name");
  std::error_code ec;
  fs::path abs = fs::absolute(given, ec).lexically_normal();
  if (ec) return make_error(Reason::Io, std::string(flag) + " " + given + ": " + ec.message());
  fs::path dir = abs.parent_path();
  if (!fs::is_directory(dir, ec)) {
    return make_error(Reason::NotFound,
                      std::string(flag) + " " + given + ": directory " + dir.string() + " does not exist");
  }
  if (fs::is_directory(abs, ec)) {
    return make_error(Reason::InvalidInput, std::string(flag) + " " + given + " is a directory");
  }
  return abs.string();
}

struct FileStamp {
  bool exists = false;
  struct timespec mtime = {};
  ino_t inode = 0;
};

FileStamp stamp_of(const std::string& path) {
  FileStamp s;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    s.exists = true;
    s.mtime = st.st_mtim;
    s.inode = st.st_ino;
  }
  return s;
}

bool same_stamp(const FileStamp& a, const FileStamp& b) {
  return a.exists == b.exists && a.inode == b.inode && a.mtime.tv_sec == b.mtime.tv_sec &&
         a.mtime.tv_nsec == b.mtime.tv_nsec;
}

// A report file in $TMPDIR for --table without --report; removed afterwards.
Result<std::string> temporary_report_path() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp") +
                        "/clrprobe-report-XXXXXX.json";
  int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) {
    return make_error(Reason::Io, "cannot create a temporary report file: " +
                                      std::string(std::strerror(errno)));
  }
  ::close(fd);
  return pattern;
}

std::string exec_failure(const std::string& program, int err) {
  return fmt::format("cannot run '{}': {}", program, std::strerror(err));
}

}  // namespace

int run_command(const RunOptions& options) {
  if (options.command.empty()) {
    complain("run: no COMMAND given (usage: clrprobe run [OPTIONS] -- COMMAND [ARGS...])");
    return kExitUsage;
  }

  // 1. Selectors: all valid, or nothing runs.
  std::optional<selector::KindSpec> run_kind;  // --kind/--sample: for probes without their own kind=
  if (options.kind || options.sample) {
    auto spec = selector::make_kind_spec(options.kind, options.sample);
    if (!spec) {
      complain("run: {}", spec.error().message);
      return kExitUsage;
    }
    run_kind = *spec;
  }
  auto run_budget = parse_budget_options(options.budget);  // for probes without their own ttl=/max_overhead=
  if (!run_budget) {
    complain("run: {}", run_budget.error().message);
    return kExitUsage;
  }
  std::vector<selector::DeclaredProbe> selectors;
  for (const std::string& probe : options.probes) {
    auto parsed = selector::parse_declared_list(probe);
    if (!parsed) {
      complain("--probe '{}': {}", probe, parsed.error().message);
      return kExitUsage;
    }
    if (parsed->empty()) {
      complain("--probe '{}': empty selector", probe);
      return kExitUsage;
    }
    for (auto& s : *parsed) {
      if (run_kind && !s.kind_given) s.kind = *run_kind;
      if (!s.budget.ttl_ms) s.budget.ttl_ms = run_budget->ttl_ms;
      if (!s.budget.max_overhead_pct) s.budget.max_overhead_pct = run_budget->max_overhead_pct;
      selectors.push_back(std::move(s));
    }
  }

  // 2. The agent.
  AgentSearch search;
  search.flag = options.agent_path;
  if (const char* env = std::getenv(kAgentEnvVar)) search.env = env;
  if (auto exe = current_executable()) search.self_exe = *exe;
  auto agent = locate_agent(search);
  if (!agent) {
    complain("{}", agent.error().message);
    return kExitUsage;
  }

  // 3. Output files.
  ProfilerSettings settings;
  settings.agent_path = agent->string();
  settings.probes = selector::join_declared_texts(selectors);
  if (options.report_path) {
    auto path = output_path(*options.report_path, "--report");
    if (!path) {
      complain("{}", path.error().message);
      return kExitUsage;
    }
    settings.report_path = *path;
  }
  if (options.log_path) {
    auto path = output_path(*options.log_path, "--log");
    if (!path) {
      complain("{}", path.error().message);
      return kExitUsage;
    }
    settings.log_path = *path;
  }
  if (options.probes_file) {
    // The file may not exist yet (config management may create it later);
    // its directory must, so the agent can watch it.
    auto path = output_path(*options.probes_file, "--probes-file");
    if (!path) {
      complain("{}", path.error().message);
      return kExitUsage;
    }
    settings.probes_file = *path;
  }
  bool temporary_report = false;
  if (options.table && !settings.report_path) {
    auto path = temporary_report_path();
    if (!path) {
      complain("{}", path.error().message);
      return kExitFailure;
    }
    settings.report_path = *path;
    temporary_report = true;
  }
  FileStamp before = settings.report_path ? stamp_of(*settings.report_path) : FileStamp{};

  // 4. Run.
  ChildEnvironment env = build_child_environment(current_environment(), settings);
  for (const std::string& warning : env.warnings) complain("warning: {}", warning);
  auto outcome = run_child(options.command, env.entries);
  if (!outcome) {
    complain("{}", outcome.error().message);
    if (temporary_report) std::remove(settings.report_path->c_str());
    return kExitFailure;
  }
  if (outcome->exec_errno != 0) {
    complain("{}", exec_failure(options.command.front(), outcome->exec_errno));
    if (temporary_report) std::remove(settings.report_path->c_str());
    return outcome->exec_errno == ENOENT ? kExitNotFound : kExitCannotExecute;
  }

  // 5. The report.
  if (settings.report_path) {
    FileStamp after = stamp_of(*settings.report_path);
    bool written = after.exists && !same_stamp(before, after);
    if (!written) {
      complain("warning: no report was written to {} (did the agent load? is '{}' a .NET "
               "program? see --log)",
               *settings.report_path, options.command.front());
    } else if (options.table) {
      auto report = load_report(*settings.report_path);
      if (report) {
        TableOptions table_options;
        if (options.all_methods) table_options.max_methods.reset();
        fmt::print(stderr, "\n{}", format_report_table(*report, table_options));
      } else {
        complain("warning: {}", report.error().message);
      }
    }
    if (temporary_report) std::remove(settings.report_path->c_str());
  }
  return outcome->exit_code;
}

}  // namespace clrprobe::cli
