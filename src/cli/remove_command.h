// `clrprobe remove -p PID (ID | --all)`: removes probes from a running process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace clrprobe::cli {

struct RemoveOptions {
  pid_t pid = 0;
  std::optional<int64_t> id;
  bool all = false;
  bool revert = false;  // --revert
  bool json = false;
};

int remove_command(const RemoveOptions& options);

}  // namespace clrprobe::cli
