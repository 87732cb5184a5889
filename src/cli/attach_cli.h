// Registers `clrprobe attach` with the command line (CLI11). Header-only and
// included by the command line alone (command_definitions.h), so the CLI
// library does not depend on CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/attach_command.h"

namespace clrprobe::cli {

inline constexpr const char* kAttachFooter = R"(
Loads the agent into a .NET process that was started without clrprobe, through
the runtime's diagnostics socket (dotnet-diagnostic-<pid>-*-socket in the
process's TMPDIR or /tmp). Then add, list, remove, stats and monitor work on it.
A process in a container (its own pid and mount namespaces) is addressed by its
pid on the host: its sockets and files are reached through /proc/<pid>/root, and
the agent is copied into its /tmp when the container cannot see this one.
Checks first: the process exists, is yours (or you are root), is a .NET process,
has no agent yet (then it says so and exits 0), runs no other CLR profiler
(CORECLR_PROFILER in its environment), and has diagnostics enabled.
Only one profiler can be loaded in a process, and it stays until the process exits.

The agent is --agent PATH, else $CLRPROBE_AGENT, else <dir of clrprobe>/../lib/libclrprobe.so.
--log FILE and the runtime directory are passed to the agent as attach client data.

Exit status: 0 attached (or already attached), 1 attach impossible or failed, 2 usage.

Examples:
  clrprobe attach -p 4242
  clrprobe attach -p 4242 --timeout 30 --log /tmp/agent-4242.log
  clrprobe attach -n Orders
  clrprobe attach -p 4242 --json && clrprobe add -p 4242 'MyApp.Orders.*::Get*')";

// Adds the subcommand; run attach_command(options) when it was chosen.
inline CLI::App* add_attach_subcommand(CLI::App& app, AttachCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand("attach", "Load the agent into a running .NET process started without clrprobe");
  cmd->add_option("--agent", options.agent_path, "Path of libclrprobe.so")->type_name("PATH");
  cmd->add_option("--timeout", options.timeout_seconds,
                  "Seconds to wait until the agent answers (default: 10)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 600.0));
  cmd->add_option("-l,--log", options.log_path, "Agent log file")->type_name("FILE");
  cmd->add_flag("--json", options.json, "Print the outcome as JSON");
  cmd->footer(kAttachFooter);
  return cmd;
}

}  // namespace clrprobe::cli
