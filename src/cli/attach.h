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
//   process N has diagnostics disabled (DOTNET_EnableDiagnostics=0) or its
//     runtime is too old; attach is impossible — restart it under `clrprobe run`
// then the runtime's answer (HRESULT, see diagnostics/hresult.h), then the
// wait until the agent's control socket answers a ping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  bool already_attached = false;   // nothing was sent: an agent was there
  std::string agent_path;          // what was sent (empty when already attached)
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

// The agent of `pid` answers a ping within `timeout`: its response.
Result<nlohmann::json> ping_agent(pid_t pid, std::chrono::milliseconds timeout);

// True when DOTNET_EnableDiagnostics (or COMPlus_EnableDiagnostics, or the
// _IPC variant) is "0" in a NUL-separated environment block.
bool diagnostics_disabled_in_environ(std::string_view environ_block);

}  // namespace clrprobe::cli
