// `clrprobe ps`: .NET processes, with or without the agent; cleans the files
// exited processes left behind.
#pragma once

namespace clrprobe::cli {

struct PsOptions {
  bool json = false;
};

int ps_command(const PsOptions& options);

}  // namespace clrprobe::cli
