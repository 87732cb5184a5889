// Loading the agent into a running .NET process that was started without
// clrprobe: the runtime's diagnostics IPC command AttachProfiler (see
// src/diagnostics). Used by `clrprobe attach`, and by any command that wants
// an agent in a process and may load one (ensure_agent).
//
// Before anything is sent, the usual mistakes become clear messages:
//   no process with pid N
//   process N belongs to uid U; run clrprobe as that user or root
//   process N is not a .NET process
//   clrprobe is already attached to process N   (its agent answers a ping:
//                                                not an error, already_attached)
//   process N runs in a container whose filesystem cannot be entered
//   process N already runs another CLR profiler (CORECLR_PROFILER=...)
//   process N has diagnostics disabled (how it was detected), or no
//     diagnostics socket where it was looked for (which directories)
// A process in a container (another pid and mount namespace) is addressed by
// its host pid; its sockets and files are reached through /proc/<pid>/root
// and named by its pid in its namespace (process_view.h).
// then the runtime's answer (HRESULT, see diagnostics/hresult.h), then the
// wait until the agent's control socket answers a ping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/process_view.h"
#include "common/result.h"

namespace clrprobe::cli {

inline constexpr std::chrono::milliseconds kDefaultAttachTimeout{10000};

struct AttachOptions {
  std::optional<std::string> agent_path;  // --agent; else CLRPROBE_AGENT, else next to clrprobe
  std::chrono::milliseconds timeout = kDefaultAttachTimeout;  // whole attach, until the agent answers
  std::string log_path;  // agent log file (made absolute), passed as client data
  // Where to look for the diagnostics socket; empty: the process's TMPDIR, then /tmp.
  std::vector<std::string> diagnostic_dirs;
};

struct AttachOutcome {
  pid_t pid = 0;
  pid_t ns_pid = 0;                // its pid in its own namespace (= pid outside containers)
  bool already_attached = false;   // nothing was sent: an agent was there
  std::string agent_path;          // what was sent (empty when already attached), a path in its filesystem
  std::string agent_copied_to;     // the agent was copied into its filesystem here (empty: not needed)
  std::string diagnostics_socket;  // the runtime's socket used (empty when already attached)
  std::string control_socket;      // the agent's <runtime dir>/<pid>.sock
  std::string client_data;         // what was passed to InitializeForAttach
  std::chrono::milliseconds attach_time{0};  // AttachProfiler sent -> runtime answered
  std::chrono::milliseconds ready_time{0};   // AttachProfiler sent -> agent answered a ping
  nlohmann::json ping;                       // the agent's ping response
};

// Loads the agent into `pid` unless it is there already. Errors carry a
// message ready to print; reason NotFound for a missing process or agent
// file, Unsupported when attach cannot work for this process (not .NET,
// diagnostics disabled, another profiler, runtime too old), Io/RuntimeError
// otherwise.
Result<AttachOutcome> ensure_agent(pid_t pid, const AttachOptions& options);

// The agent of the process answers a ping within `timeout`: its response.
Result<nlohmann::json> ping_agent(const ProcessView& view, std::chrono::milliseconds timeout);

// True when DOTNET_EnableDiagnostics (or COMPlus_EnableDiagnostics, or the
// _IPC variant) is "0" in a NUL-separated environment block.
bool diagnostics_disabled_in_environ(std::string_view environ_block);
// The setting that disables them ("DOTNET_EnableDiagnostics=0"), or "".
std::string disabled_diagnostics_setting(std::string_view environ_block);

// Another CLR profiler the runtime loaded at start-up, from its environment:
// CORECLR_ENABLE_PROFILING=1 with a CORECLR_PROFILER that is not clrprobe's,
// described as "CORECLR_PROFILER={...} (CORECLR_PROFILER_PATH=...)"; "" when none.
std::string other_profiler_in_environ(std::string_view environ_block);

// Nothing stops this CLI from reaching the process: the same uid or root,
// and a container's filesystem it can enter. Errors say what is missing.
Status check_may_reach(const ProcessView& view);

}  // namespace clrprobe::cli
