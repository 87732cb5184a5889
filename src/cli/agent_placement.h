// Makes the agent library loadable by a process that lives in another mount
// namespace (a container): the runtime opens the path we send it in ITS
// filesystem, where the CLI's copy may not exist. When the same file is not
// visible there, a copy goes to <its TMPDIR or /tmp>/clrprobe-agent-<hash>/
// libclrprobe.so (through /proc/<pid>/root), owned by the process's user and
// readable by it; the hash of the contents names the directory, so a second
// attach reuses the copy and another build gets its own.
#pragma once

#include <string>

#include "cli/process_view.h"
#include "common/result.h"

namespace clrprobe::cli {

struct AgentPlacement {
  std::string path_inside;  // what the target's runtime is told to load
  std::string copied_to;    // the copy, as reachable from here; empty when none was needed
};

Result<AgentPlacement> place_agent(const ProcessView& view, const std::string& agent_here);

}  // namespace clrprobe::cli
