// `-n NAME`: the process a name stands for, matched like dotnet-trace and
// dotnet-counters do: the process name (comm), the program's file name, or
// its entry assembly (`dotnet Orders.dll` and `dotnet exec bin/Orders.dll`
// match `Orders`). Only .NET processes count (those `clrprobe ps` lists).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace clrprobe::cli {

struct NamedProcess {
  pid_t pid = 0;
  std::string name;  // comm
  std::vector<std::string> arguments;
  std::string command;  // for messages
};

// True when `name` is the process's comm, the file name of its program, or
// its entry assembly.
bool process_matches_name(const NamedProcess& process, const std::string& name);

// The single match among `candidates`. Errors (NotFound for none,
// InvalidInput for several) list the candidates with their pids.
Result<pid_t> pick_process_by_name(const std::vector<NamedProcess>& candidates, const std::string& name);

// pick_process_by_name over the .NET processes of this host.
Result<pid_t> find_process_by_name(const std::string& name);

}  // namespace clrprobe::cli
