// `-p, --process-id PID` and `-n, --name NAME`: how every command that works
// on one process is told which (as dotnet-trace and dotnet-counters do).
// Header-only and included by the command line alone (command_definitions.h;
// the CLI library does not depend on CLI11).
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/process_match.h"

namespace clrprobe::cli {

struct TargetSelection {
  std::string command;  // "add", for messages
  std::string usage;    // the command's one-line usage
  pid_t pid = 0;
  std::string pid_text;  // -p as typed: checked here, so a selector taken for a pid gets a clear line
  std::string name;
  CLI::Option* pid_option = nullptr;
  CLI::Option* name_option = nullptr;
};

// --pid stays as a long form of -p (it was the only one before --process-id).
inline void add_target_options(CLI::App* cmd, TargetSelection& target, std::string usage) {
  target.command = cmd->get_name();
  target.usage = std::move(usage);
  target.pid_option =
      cmd->add_option("-p,--process-id,--pid", target.pid_text, "Process id of the .NET program")->type_name("PID");
  target.name_option =
      cmd->add_option("-n,--name", target.name, "Process name or entry assembly (dotnet Orders.dll: Orders)")
          ->type_name("NAME");
  target.pid_option->excludes(target.name_option);
}

// The pid the user meant, or the exit status after a message: usage (2)
// when neither -p nor -n was given, failure (1) when NAME matches no process
// or several.
inline std::optional<int> resolve_target(TargetSelection& target) {
  if (target.pid_option->count() > 0) {
    const std::string& text = target.pid_text;
    long long value = 0;
    const bool digits = !text.empty() && text.size() <= 10 && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) value = std::stoll(text);
    if (!digits || value <= 0 || value > 0x7fffffff) {
      std::fprintf(stderr, "clrprobe %s: -p needs a process id (a positive number), not '%s' (usage: %s)\n",
                   target.command.c_str(), text.c_str(), target.usage.c_str());
      return kExitUsage;
    }
    target.pid = static_cast<pid_t>(value);
    return std::nullopt;
  }
  if (target.name_option->count() == 0) {
    std::fprintf(stderr, "clrprobe %s: which process? give -p PID or -n NAME (usage: %s)\n", target.command.c_str(),
                 target.usage.c_str());
    return kExitUsage;
  }
  auto pid = find_process_by_name(target.name);
  if (!pid) {
    std::fprintf(stderr, "clrprobe %s: %s\n", target.command.c_str(), pid.error().message.c_str());
    return kExitFailure;
  }
  target.pid = *pid;
  return std::nullopt;
}

}  // namespace clrprobe::cli
