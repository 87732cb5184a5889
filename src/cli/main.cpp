// clrprobe: command-line entry point. Parses arguments and dispatches to one
// subcommand; the subcommands are defined in command_definitions.cpp, the
// work is done in the *_command.cpp files.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_definitions.h"
#include "cli/exit_codes.h"
#include "cli/export_launcher.h"
#include "common/build_info.h"
#include "control/frame.h"

namespace {

using namespace clrprobe::cli;

constexpr const char* kMainFooter = R"(
Selectors:  [Assembly!]Namespace.Type::Method[(ParamType,...)]   or   re:<regex>
  '*' matches any run of characters, dots included (MyApp.*::Get*); nested types
  are Outer+Inner; List matches List`1; Method(int,string) selects one overload,
  Method() the parameterless one. Several selectors: repeat --probe or separate
  them with ';'.

Live probes: 'clrprobe ps' finds processes running the agent (start programs with
'clrprobe run'); then add, list and remove probes, and read their figures with
'clrprobe stats' or 'clrprobe monitor'.

Exit status: 0 ok, 1 failure (no such process, no agent, agent error), 2 usage error.
Run 'clrprobe COMMAND --help' for details and examples.)";

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
  app.set_version_flag("--version", std::string("clrprobe ") + clrprobe::build_version() + " (commit " +
                                        clrprobe::build_commit() + ", control protocol " +
                                        std::to_string(clrprobe::control::kProtocolVersion) + ")");
  app.require_subcommand(1);
  app.footer(kMainFooter);

  CommandLine line;
  define_commands(app, *formatter, line, argc > 1 ? std::string_view(argv[1]) : std::string_view());

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

  // Commands not defined on this run are nullptr: chosen() is false for them.
  if (chosen(line.run_cmd) && !line.run_old_p.empty()) {
    std::fprintf(stderr,
                 "clrprobe run: -p is the process id in every command now; give selectors with --probe "
                 "SELECTOR (usage: clrprobe run [OPTIONS] -- COMMAND [ARGS...])\n");
    return kExitUsage;
  }
  if (chosen(line.run_cmd)) {
    line.run.command.insert(line.run.command.end(), after_dashes.begin(), after_dashes.end());
    return run_command(line.run);
  }
  if (saw_dashes && !after_dashes.empty()) {
    std::fprintf(stderr, "clrprobe: unexpected arguments after '--'\n");
    return kExitUsage;
  }
  if (chosen(line.report_cmd)) return report_command(line.report);
  if (chosen(line.ps_cmd)) return ps_command(line.ps);
  if (chosen(line.clean_cmd)) return clean_command(line.clean);
  // The commands on one process: -p PID, or -n NAME resolved now.
  for (auto [cmd, target, pid] : {std::tuple{line.add_cmd, &line.add_target, &line.add.pid},
                                  std::tuple{line.attach_cmd, &line.attach_target, &line.attach.pid},
                                  std::tuple{line.list_cmd, &line.list_target, &line.list.pid},
                                  std::tuple{line.remove_cmd, &line.remove_target, &line.remove.pid},
                                  std::tuple{line.stats_cmd, &line.stats_target, &line.stats.pid},
                                  std::tuple{line.monitor_cmd, &line.monitor_target, &line.monitor.pid},
                                  std::tuple{line.watch_cmd, &line.watch_target, &line.watch.pid}}) {
    if (!chosen(cmd)) continue;
    if (auto exit_status = resolve_target(*target)) return *exit_status;
    *pid = target->pid;
  }
  if (chosen(line.add_cmd) && line.add.selector.empty()) {
    std::fprintf(stderr, "clrprobe add: which methods? give a SELECTOR (usage: %s)\n", line.add_target.usage.c_str());
    return kExitUsage;
  }
  if (chosen(line.add_cmd)) return add_command(line.add);
  if (chosen(line.watch_cmd) && line.watch.selector.empty()) {
    std::fprintf(stderr, "clrprobe watch: which methods? give a SELECTOR (usage: %s)\n",
                 line.watch_target.usage.c_str());
    return kExitUsage;
  }
  if (chosen(line.watch_cmd)) return watch_command(line.watch);
  if (chosen(line.attach_cmd)) return attach_command(line.attach);
  if (chosen(line.list_cmd)) return list_command(line.list);
  if (chosen(line.remove_cmd)) return remove_command(line.remove);
  if (chosen(line.stats_cmd)) return stats_command(line.stats);
  if (chosen(line.monitor_cmd)) return monitor_command(line.monitor);
  // Checked here (usage errors, --help); run by clrprobe-export.
  if (chosen(line.export_cmd)) return exec_export_helper(std::vector<std::string>(argv + 1, argv + argc));
  return kExitUsage;  // unreachable: a subcommand is required
}
