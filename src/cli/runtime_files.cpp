#include "cli/runtime_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "cli/process_info.h"
#include "cli/process_view.h"
#include "common/runtime_paths.h"

namespace clrprobe::cli {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<pid_t> parse_pid(std::string_view digits) {
  if (!all_digits(digits) || digits.size() > 10 || digits.front() == '0') return std::nullopt;
  long long v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (v <= 0 || v > INT32_MAX) return std::nullopt;
  return static_cast<pid_t>(v);
}

constexpr std::string_view kTmpMarker = ".tmp.";

}  // namespace

std::optional<RuntimeFile> parse_runtime_file_name(std::string_view name) {
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto pid = parse_pid(name.substr(0, dot));
  if (!pid) return std::nullopt;
  std::string_view rest = name.substr(dot);
  RuntimeFile file;
  file.pid = *pid;
  file.name = std::string(name);
  if (rest == ".stats") {
    file.kind = RuntimeFileKind::Stats;
    return file;
  }
  if (rest == ".probes.json") {
    file.kind = RuntimeFileKind::Probes;
    return file;
  }
  if (rest == ".sock") {
    file.kind = RuntimeFileKind::Socket;
    return file;
  }
  if (rest == ".watch") {
    file.kind = RuntimeFileKind::WatchRing;
    return file;
  }
  for (std::string_view base : {std::string_view(".stats"), std::string_view(".probes.json")}) {
    if (rest.size() > base.size() + kTmpMarker.size() && rest.substr(0, base.size()) == base &&
        rest.substr(base.size(), kTmpMarker.size()) == kTmpMarker &&
        all_digits(rest.substr(base.size() + kTmpMarker.size()))) {
      file.kind = RuntimeFileKind::Temporary;
      return file;
    }
  }
  return std::nullopt;
}

std::vector<RuntimeFile> list_runtime_files(const std::string& dir) {
  std::vector<RuntimeFile> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return files;
  while (const dirent* entry = ::readdir(d)) {
    if (auto file = parse_runtime_file_name(entry->d_name)) files.push_back(std::move(*file));
  }
  ::closedir(d);
  std::sort(files.begin(), files.end(), [](const RuntimeFile& a, const RuntimeFile& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.name < b.name;
  });
  return files;
}

std::vector<std::string> runtime_dirs_to_scan() {
  if (const char* env = std::getenv("CLRPROBE_RUNTIME_DIR"); env != nullptr && *env != '\0') {
    return {env};
  }
  std::vector<std::string> dirs = runtime_dir_candidates(::geteuid());
  if (::geteuid() != 0) return dirs;
  std::vector<std::string> others;
  // Every user's directories, in the tmpfs base and in the /tmp fallback.
  for (const std::string& base : {runtime_base_dir(), std::string("/tmp")}) {
    DIR* d = ::opendir(base.c_str());
    if (d == nullptr) continue;
    while (const dirent* entry = ::readdir(d)) {
      std::string_view name = entry->d_name;
      constexpr std::string_view kPrefix = "clrprobe-";
      if (name.substr(0, kPrefix.size()) != kPrefix || !all_digits(name.substr(kPrefix.size()))) continue;
      std::string path = base + "/" + std::string(name);
      if (std::find(dirs.begin(), dirs.end(), path) == dirs.end() &&
          std::find(others.begin(), others.end(), path) == others.end())
        others.push_back(std::move(path));
    }
    ::closedir(d);
  }
  std::sort(others.begin(), others.end());
  dirs.insert(dirs.end(), others.begin(), others.end());
  return dirs;
}

RuntimePaths runtime_paths(const std::string& dir, pid_t pid) {
  return {dir, dir + "/" + stats_file_name(pid), dir + "/" + probes_file_name(pid),
          dir + "/" + socket_file_name(pid)};
}

RuntimePaths expected_runtime_paths(pid_t pid, uid_t euid) { return runtime_paths(locate_runtime_dir(euid, pid), pid); }

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::optional<RuntimePaths> find_runtime_files(pid_t pid) {
  auto has_files = [](const RuntimePaths& p) { return path_exists(p.stats) || path_exists(p.probes); };
  if (auto view = view_process(pid)) {
    RuntimePaths expected = agent_runtime_paths(*view);
    if (has_files(expected)) return expected;
  }
  for (const std::string& dir : runtime_dirs_to_scan()) {
    RuntimePaths paths = runtime_paths(dir, pid);
    if (has_files(paths)) return paths;
  }
  return std::nullopt;
}

}  // namespace clrprobe::cli
