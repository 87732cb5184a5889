#include "cli/stale_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "cli/process_info.h"
#include "cli/runtime_files.h"
#include "stats/stats_reader.h"

namespace clrprobe::cli {
namespace {

constexpr uint64_t kClockSlackNs = 2'000'000'000;

uint64_t mtime_ns(const struct stat& st) {
  return static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(st.st_mtim.tv_nsec);
}

// True when the stats region of `pid` records another start time than the
// running process: every file of that pid belongs to an earlier process.
bool region_of_earlier_process(const std::string& stats_path, pid_t pid, const ProcessInfo& running) {
  auto reader = stats::StatsReader::open(stats_path);
  if (!reader) return false;
  const auto& info = reader->info();
  return info.pid == pid && info.process_start_jiffies != 0 &&
         info.process_start_jiffies != running.start_jiffies;
}

}  // namespace

CleanupReport remove_stale_files(const std::string& dir) {
  CleanupReport report;
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) {
    if (errno != ENOENT) report.problems.push_back("cannot open " + dir + ": " + std::strerror(errno));
    return report;
  }
  struct stat dir_stat;
  if (::fstat(dir_fd, &dir_stat) != 0) {
    report.problems.push_back("cannot stat " + dir + ": " + std::strerror(errno));
    ::close(dir_fd);
    return report;
  }
  if ((dir_stat.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    report.problems.push_back(dir + " is writable by others; not cleaning it");
    ::close(dir_fd);
    return report;
  }

  std::map<pid_t, std::vector<RuntimeFile>> by_pid;
  for (RuntimeFile& f : list_runtime_files(dir)) by_pid[f.pid].push_back(std::move(f));

  for (const auto& [pid, files] : by_pid) {
    auto running = read_process_info(pid);
    const bool whole_pid_stale =
        !running || region_of_earlier_process(runtime_paths(dir, pid).stats, pid, *running);
    bool removed_any = false;
    for (const RuntimeFile& f : files) {
      struct stat st;
      if (::fstatat(dir_fd, f.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (!S_ISREG(st.st_mode) && !S_ISSOCK(st.st_mode)) continue;
      bool stale = whole_pid_stale;
      if (!stale && running->start_unix_ns != 0 && f.kind != RuntimeFileKind::Temporary) {
        stale = mtime_ns(st) + kClockSlackNs < running->start_unix_ns;
      }
      if (!stale) continue;
      if (::unlinkat(dir_fd, f.name.c_str(), 0) == 0) {
        report.removed.push_back(dir + "/" + f.name);
        removed_any = true;
      } else if (errno != ENOENT) {
        report.problems.push_back("cannot remove " + dir + "/" + f.name + ": " + std::strerror(errno));
      }
    }
    if (removed_any) report.pids.push_back(pid);
  }
  ::close(dir_fd);
  return report;
}

}  // namespace clrprobe::cli
