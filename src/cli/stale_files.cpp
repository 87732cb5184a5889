#include "cli/stale_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>

#include "cli/process_info.h"
#include "cli/runtime_files.h"
#include <algorithm>
#include <ctime>
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

bool holds_figures(RuntimeFileKind kind) { return kind == RuntimeFileKind::Stats || kind == RuntimeFileKind::Probes; }

uint64_t wall_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

CleanupReport remove_stale_files(const std::string& dir, const CleanupPolicy& policy) {
  CleanupReport report;
  const uint64_t now = policy.now_unix_ns != 0 ? policy.now_unix_ns : wall_now_ns();
  const uint64_t retention_ns = static_cast<uint64_t>(policy.retention.count()) * 1'000'000'000ull;
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
    const bool exited = !running || region_of_earlier_process(runtime_paths(dir, pid).stats, pid, *running);

    // Regular files and sockets only; the newest figures decide the age.
    std::vector<std::pair<const RuntimeFile*, struct stat>> present;
    uint64_t newest_figures_ns = 0;
    for (const RuntimeFile& f : files) {
      struct stat st;
      if (::fstatat(dir_fd, f.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (!S_ISREG(st.st_mode) && !S_ISSOCK(st.st_mode)) continue;
      present.emplace_back(&f, st);
      if (holds_figures(f.kind)) newest_figures_ns = std::max(newest_figures_ns, mtime_ns(st));
    }
    const bool expired = newest_figures_ns + retention_ns <= now;

    bool removed_any = false;
    bool kept_figures = false;
    for (const auto& [f, st] : present) {
      bool stale = false;
      if (exited) {
        stale = !holds_figures(f->kind) || expired;
        kept_figures = kept_figures || !stale;
      } else if (running->start_unix_ns != 0 && f->kind != RuntimeFileKind::Temporary) {
        stale = mtime_ns(st) + kClockSlackNs < running->start_unix_ns;
      }
      if (!stale) continue;
      if (policy.dry_run || ::unlinkat(dir_fd, f->name.c_str(), 0) == 0) {
        report.removed.push_back(dir + "/" + f->name);
        removed_any = true;
      } else if (errno != ENOENT) {
        report.problems.push_back("cannot remove " + dir + "/" + f->name + ": " + std::strerror(errno));
      }
    }
    if (removed_any) report.pids.push_back(pid);
    if (kept_figures) report.kept_pids.push_back(pid);
  }
  ::close(dir_fd);
  return report;
}

Result<std::chrono::seconds> parse_duration(const std::string& text) {
  std::string digits = text;
  uint64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    case 'd':
      unit = 86400;
      digits.pop_back();
      break;
    default:
      break;
  }
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n > 100ull * 365 * 86400) {
    return make_error(Reason::InvalidInput,
                      "invalid duration '" + text + "': a whole number with s, m, h or d (e.g. 90s, 30m, 12h, 7d)");
  }
  return std::chrono::seconds(static_cast<int64_t>(n * unit));
}

Result<std::chrono::seconds> retention_setting(const std::string& option) {
  if (!option.empty()) {
    auto d = parse_duration(option);
    if (!d) return make_error(Reason::InvalidInput, "--older-than: " + d.error().message);
    return d;
  }
  if (const char* env = std::getenv(kRetentionEnvVar); env != nullptr && *env != '\0') {
    auto d = parse_duration(env);
    if (!d) return make_error(Reason::InvalidInput, std::string(kRetentionEnvVar) + ": " + d.error().message);
    return d;
  }
  return kDefaultRetention;
}

}  // namespace clrprobe::cli
