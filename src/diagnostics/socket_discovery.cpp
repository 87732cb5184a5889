#include "diagnostics/socket_discovery.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "common/proc_files.h"
#include "stats/process_identity.h"

namespace clrprobe::diagnostics {
namespace {

constexpr std::string_view kPrefix = "dotnet-diagnostic-";
constexpr std::string_view kSuffix = "-socket";

std::string without_trailing_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

struct Candidate {
  DiagnosticSocket socket;
  timespec mtime{};
};

bool newer(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

}  // namespace

std::optional<uint64_t> parse_socket_name(std::string_view name, pid_t pid) {
  if (name.size() <= kPrefix.size() + kSuffix.size()) return std::nullopt;
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return std::nullopt;
  std::string_view middle = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  std::size_t dash = middle.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == middle.size()) return std::nullopt;
  std::string_view pid_text = middle.substr(0, dash);
  std::string_view key_text = middle.substr(dash + 1);
  long long parsed_pid = 0;
  auto [p1, e1] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), parsed_pid);
  if (e1 != std::errc() || p1 != pid_text.data() + pid_text.size() || parsed_pid != pid) return std::nullopt;
  uint64_t key = 0;
  auto [p2, e2] = std::from_chars(key_text.data(), key_text.data() + key_text.size(), key);
  if (e2 != std::errc() || p2 != key_text.data() + key_text.size()) return std::nullopt;
  return key;
}

std::optional<std::string> tmpdir_from_environ(std::string_view environ_block) {
  // getenv returns the first match; so does the runtime. Empty means unset.
  auto value = proc::environ_value(environ_block, "TMPDIR");
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> process_tmpdir(pid_t pid) {
  auto block = proc::read(pid, "environ", 4u << 20);
  if (!block) return std::nullopt;
  return tmpdir_from_environ(*block);
}

std::vector<std::string> default_search_dirs(pid_t pid) {
  std::vector<std::string> dirs;
  if (auto tmp = process_tmpdir(pid)) dirs.push_back(without_trailing_slashes(*tmp));
  dirs.push_back("/tmp");
  std::vector<std::string> unique;
  for (auto& d : dirs) {
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  }
  return unique;
}

Result<DiagnosticSocket> find_diagnostic_socket(pid_t pid, const SocketSearch& search) {
  std::vector<std::string> dirs = search.dirs.empty() ? default_search_dirs(pid) : search.dirs;
  const pid_t name_pid = search.name_pid.value_or(pid);
  std::optional<uint64_t> expected = search.expected_key;
  if (!expected) {
    if (auto identity = stats::process_identity(pid)) expected = identity->start_jiffies;
  }

  std::optional<Candidate> best;
  for (const std::string& raw_dir : dirs) {
    const std::string dir = without_trailing_slashes(raw_dir);
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    while (dirent* entry = ::readdir(d)) {
      auto key = parse_socket_name(entry->d_name, name_pid);
      if (!key) continue;
      Candidate c;
      c.socket.path = (dir == "/" ? "" : dir) + "/" + entry->d_name;
      c.socket.key = *key;
      c.socket.key_matches = expected && *expected == *key;
      struct stat st {};
      if (::stat(c.socket.path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
      c.mtime = st.st_mtim;
      if (!best || (c.socket.key_matches && !best->socket.key_matches) ||
          (c.socket.key_matches == best->socket.key_matches && newer(c.mtime, best->mtime))) {
        best = std::move(c);
      }
    }
    ::closedir(d);
  }
  if (!best) {
    std::string where;
    for (const auto& d : dirs) where += (where.empty() ? "" : ", ") + d;
    return make_error(Reason::NotFound,
                      "no diagnostics socket dotnet-diagnostic-" + std::to_string(name_pid) + "-*-socket in " + where);
  }
  return best->socket;
}

}  // namespace clrprobe::diagnostics
