// Removes the files that exited processes left in a runtime directory.
//
// The files of pid N are stale when:
//  * no process N exists;
//  * N.stats is a valid region of pid N whose recorded start time differs
//    from the running process N's (the pid was reused): all of N's files go;
//  * otherwise, per file: it was last modified more than 2 s before process N
//    started (a leftover of an earlier process with the same pid; the 2 s
//    cover the 1 s precision of the boot time).
// Only the names of runtime_files.h are considered; symbolic links and
// directories are never touched, and a directory that others may write to
// is left alone.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace clrprobe::cli {

struct CleanupReport {
  std::vector<std::string> removed;  // paths of removed files
  std::vector<pid_t> pids;           // distinct pids whose files were removed
  std::vector<std::string> problems; // what could not be done (for a warning)
};

CleanupReport remove_stale_files(const std::string& dir);

}  // namespace clrprobe::cli
