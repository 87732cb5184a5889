// `clrprobe ps`: .NET processes, with or without the agent, and the exited
// processes whose figures remain. Only reads.
#pragma once

namespace clrprobe::cli {

struct PsOptions {
  bool json = false;
};

int ps_command(const PsOptions& options);

}  // namespace clrprobe::cli
