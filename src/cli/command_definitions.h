// The subcommands of clrprobe on the command line (CLI11): their options,
// usage lines and help footers. Defining all of them costs about 0.3 ms, on
// every run; a run that names its subcommand first defines that one alone.
// Built into the clrprobe executable only (the CLI library does not depend
// on CLI11).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/add_command.h"
#include "cli/attach_cli.h"
#include "cli/clean_command.h"
#include "cli/export_cli.h"
#include "cli/list_command.h"
#include "cli/monitor_command.h"
#include "cli/ps_command.h"
#include "cli/remove_command.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "cli/stats_command.h"
#include "cli/target_cli.h"
#include "cli/watch_command.h"

namespace clrprobe::cli {

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

// What parsing fills in, and the subcommands defined on this run (nullptr:
// not defined, hence not chosen).
struct CommandLine {
  RunOptions run;
  std::vector<std::string> run_old_p;  // `run -p`, refused with a hint
  ReportOptions report;
  PsOptions ps;
  AddOptions add;
  TargetSelection add_target;
  WatchCommandOptions watch;
  TargetSelection watch_target;
  ListOptions list;
  TargetSelection list_target;
  RemoveOptions remove;
  TargetSelection remove_target;
  StatsOptions stats;
  TargetSelection stats_target;
  MonitorOptions monitor;
  TargetSelection monitor_target;
  AttachCommandOptions attach;
  TargetSelection attach_target;
  CleanOptions clean;
  ExportOptions export_options;

  CLI::App* run_cmd = nullptr;
  CLI::App* report_cmd = nullptr;
  CLI::App* ps_cmd = nullptr;
  CLI::App* add_cmd = nullptr;
  CLI::App* watch_cmd = nullptr;
  CLI::App* list_cmd = nullptr;
  CLI::App* remove_cmd = nullptr;
  CLI::App* stats_cmd = nullptr;
  CLI::App* monitor_cmd = nullptr;
  CLI::App* attach_cmd = nullptr;
  CLI::App* clean_cmd = nullptr;
  CLI::App* export_cmd = nullptr;
};

// Defines the subcommand named `first_argument` alone when it names one
// exactly; otherwise (no argument, --help, an unknown word, an option) every
// subcommand, in the order --help lists them.
void define_commands(CLI::App& app, UsageFormatter& formatter, CommandLine& line, std::string_view first_argument);

// Whether `cmd` was defined and chosen.
inline bool chosen(const CLI::App* cmd) { return cmd != nullptr && cmd->parsed(); }

}  // namespace clrprobe::cli
