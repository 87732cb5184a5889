// Removes the files that exited processes left in a runtime directory, after
// a retention period: their figures stay readable (`clrprobe stats -p PID`)
// until then. Run by `clrprobe clean` and by `clrprobe export`, never by
// `clrprobe ps` (which only reads).
//
// The files of pid N belong to an exited process when:
//  * no process N exists;
//  * N.stats is a valid region of pid N whose recorded start time differs
//    from the running process N's (the pid was reused): all of N's files;
//  * otherwise, per file: it was last modified more than 2 s before process N
//    started (a leftover of an earlier process with the same pid; the 2 s
//    cover the 1 s precision of the boot time).
// Of an exited process, the stats region and probes file go once the newest
// of its files is older than the retention; its socket and interrupted
// writes (which hold no figures) go at once. Leftovers beside a running
// process with the same pid go at once too (the new process owns the names).
// Only the names of runtime_files.h are considered; symbolic links and
// directories are never touched, and a directory that others may write to
// is left alone.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace clrprobe::cli {

inline constexpr std::chrono::seconds kDefaultRetention{24 * 3600};
inline constexpr char kRetentionEnvVar[] = "CLRPROBE_RETENTION";

struct CleanupPolicy {
  std::chrono::seconds retention = kDefaultRetention;
  uint64_t now_unix_ns = 0;  // 0: the current time
  bool dry_run = false;      // report what would go; remove nothing
};

struct CleanupReport {
  std::vector<std::string> removed;  // paths of removed files (would be, with dry_run)
  std::vector<pid_t> pids;           // distinct pids whose files were removed
  std::vector<pid_t> kept_pids;      // exited processes whose figures are younger than the retention
  std::vector<std::string> problems; // what could not be done (for a warning)
};

CleanupReport remove_stale_files(const std::string& dir, const CleanupPolicy& policy = {});

// "90s", "30m", "12h", "7d", or plain seconds ("3600"); "0" is allowed.
Result<std::chrono::seconds> parse_duration(const std::string& text);

// --older-than when given, else $CLRPROBE_RETENTION, else 24 h. Errors name
// where the bad value came from.
Result<std::chrono::seconds> retention_setting(const std::string& option);

}  // namespace clrprobe::cli
