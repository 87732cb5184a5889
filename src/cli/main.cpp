// clrprobe: command-line entry point. Parses arguments and dispatches to one
// subcommand; the work is done in run_command.cpp / report_command.cpp.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "common/agent_clsid.h"

#ifndef CLRPROBE_VERSION
#define CLRPROBE_VERSION "0.0.0"
#endif

namespace {

using namespace clrprobe::cli;

// CLI11 derives the usage line from the options; for `run` we want the "--"
// convention spelled out.
class UsageFormatter : public CLI::Formatter {
 public:
  void set_usage(const CLI::App* app, std::string usage) { usages_[app] = std::move(usage); }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    auto it = usages_.find(app);
    if (it == usages_.end()) return CLI::Formatter::make_usage(app, std::move(name));
    return "Usage: " + it->second + "\n";
  }

 private:
  std::map<const CLI::App*, std::string> usages_;
};

constexpr const char* kMainFooter = R"(
Selectors:  [Assembly!]Namespace.Type::Method[(ParamType,...)]   or   re:<regex>
  '*' matches any run of characters, dots included (MyApp.*::Get*); nested types
  are Outer+Inner; List matches List`1; Method(int,string) selects one overload,
  Method() the parameterless one. Several selectors: repeat --probe or separate
  them with ';'.

Run 'clrprobe run --help' or 'clrprobe report --help' for details.)";

std::string run_footer() {
  return std::string(R"(
COMMAND is searched in PATH and runs with this process's environment plus:
  CORECLR_ENABLE_PROFILING=1
  CORECLR_PROFILER=)") + clrprobe::kAgentClsid + R"(
  CORECLR_PROFILER_PATH, CORECLR_PROFILER_PATH_64=<absolute path of the agent>
  CLRPROBE_PROBES=<the selectors, joined by ';'>
  CLRPROBE_REPORT=<absolute path>   (with --report or --table)
  CLRPROBE_LOG=<absolute path>      (with --log)
The agent is --agent PATH, else $CLRPROBE_AGENT, else <dir of clrprobe>/../lib/libclrprobe.so.
SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to clrprobe are passed on to COMMAND.

Exit status: COMMAND's (128+N if it was killed by signal N); 2 if an argument or
selector is invalid or the agent cannot be found (COMMAND is then not run);
126/127 if COMMAND cannot be executed / is not found.

Examples:
  clrprobe run --probe 'MyApp.Orders.*::Get*' -- dotnet MyApp.dll
  clrprobe run -p 'MyApp!MyApp.Store::Save(MyApp.Order,bool)' --report r.json --table -- ./MyApp
  clrprobe run -p 're:^MyApp!.*Async\(' --log agent.log -- dotnet test)";
}

constexpr const char* kReportFooter = R"(
The report is the JSON file the agent writes when the program exits (clrprobe run
--report FILE). Latencies are per call, shown with units (ns, µs, ms, s).)";

}  // namespace

int main(int argc, char** argv) {
  // Everything after the first "--" is COMMAND, passed through untouched
  // (CLI11 would otherwise look at options such as "-c" inside it).
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> after_dashes;
  bool saw_dashes = false;
  if (auto it = std::find(args.begin(), args.end(), "--"); it != args.end()) {
    after_dashes.assign(it + 1, args.end());
    args.erase(it, args.end());
    saw_dashes = true;
  }

  auto formatter = std::make_shared<UsageFormatter>();
  formatter->column_width(28);

  CLI::App app{"clrprobe: live probes for .NET (CoreCLR) programs on Linux.\n"
               "Counts calls, exceptions and latency of the methods you select, by "
               "rewriting their IL at run time."};
  app.name("clrprobe");
  app.formatter(formatter);
  app.set_version_flag("--version", std::string("clrprobe ") + CLRPROBE_VERSION);
  app.require_subcommand(1);
  app.footer(kMainFooter);

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a .NET program with probes attached from its start");
  formatter->set_usage(run_cmd, "clrprobe run [OPTIONS] -- COMMAND [ARGS...]");
  run_cmd->add_option("-p,--probe", run.probes,
                      "Method selector to probe (repeatable; ';' separates several)")
      ->type_name("SELECTOR")
      ->allow_extra_args(false);
  run_cmd->add_option("-r,--report", run.report_path,
                      "Write the JSON report to FILE when the program exits")
      ->type_name("FILE");
  run_cmd->add_flag("-t,--table", run.table,
                    "Print the report as a table on stderr when the program exits");
  run_cmd->add_flag("--all-methods", run.all_methods,
                    "With --table: list every matched method (default: first 20)");
  run_cmd->add_option("-l,--log", run.log_path, "Agent log file")->type_name("FILE");
  run_cmd->add_option("--agent", run.agent_path, "Path of libclrprobe.so")->type_name("PATH");
  run_cmd->add_option("COMMAND", run.command, "The program to run and its arguments (after --)")
      ->type_name("");
  run_cmd->footer(run_footer());

  ReportOptions report;
  CLI::App* report_cmd = app.add_subcommand("report", "Print a report written by clrprobe run --report");
  formatter->set_usage(report_cmd, "clrprobe report [OPTIONS] FILE");
  report_cmd->add_option("FILE", report.path, "Report file (JSON)")->required()->type_name("");
  report_cmd->add_flag("--json", report.json, "Print the JSON itself (pretty-printed)");
  report_cmd->add_flag("--all-methods", report.all_methods,
                       "List every matched method (default: first 20 per probe)");
  report_cmd->footer(kReportFooter);

  if (args.empty() && !saw_dashes) {
    std::fputs(app.help().c_str(), stderr);
    return kExitUsage;
  }

  // CLI11 wants argv-style input; it parses a reversed vector.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help/version/error
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (*run_cmd) {
    run.command.insert(run.command.end(), after_dashes.begin(), after_dashes.end());
    return run_command(run);
  }
  if (saw_dashes && !after_dashes.empty()) {
    std::fprintf(stderr, "clrprobe: unexpected arguments after '--'\n");
    return kExitUsage;
  }
  if (*report_cmd) return report_command(report);
  return kExitUsage;  // unreachable: a subcommand is required
}
