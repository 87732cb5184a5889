// `clrprobe clean`: removes the figures of processes that exited longer ago
// than the retention period (stale_files.h), in every runtime directory
// `clrprobe ps` reads.
#pragma once

#include <string>

namespace clrprobe::cli {

struct CleanOptions {
  std::string older_than;  // --older-than; empty: $CLRPROBE_RETENTION, else 24h
  bool dry_run = false;
  bool json = false;
};

int clean_command(const CleanOptions& options);

}  // namespace clrprobe::cli
