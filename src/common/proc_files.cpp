#include "common/proc_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace clrprobe::proc {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !is_blank(text[end])) ++end;
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<uint64_t> to_u64(std::string_view text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string dir(pid_t pid) { return "/proc/" + std::to_string(pid); }

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return pids;
  while (const dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name.empty() || name.size() > 10) continue;
    auto n = to_u64(name);
    if (n && *n > 0 && *n <= 0x7fffffff) pids.push_back(static_cast<pid_t>(*n));
  }
  ::closedir(d);
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::string path(pid_t pid, std::string_view name) { return dir(pid) + "/" + std::string(name); }

std::optional<std::string> read_file(const std::string& file_path, std::size_t limit) {
  int fd = ::open(file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[8192];
  bool failed = false;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    // environ of a process whose memory cannot be read gives EACCES/EIO here.
    if (n < 0) failed = out.empty();
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() >= limit) break;
  }
  ::close(fd);
  if (failed) return std::nullopt;
  return out;
}

std::optional<std::string> read(pid_t pid, std::string_view name, std::size_t limit) {
  return read_file(path(pid, name), limit);
}

std::optional<std::string_view> status_field(std::string_view status, std::string_view key) {
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t end = status.find('\n', pos);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      std::string_view value = line.substr(key.size() + 1);
      while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
      return value;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::vector<uint64_t> status_numbers(std::string_view status, std::string_view key) {
  std::vector<uint64_t> out;
  auto value = status_field(status, key);
  if (!value) return out;
  for (std::string_view w : words(*value)) {
    auto n = to_u64(w);
    if (!n) return {};
    out.push_back(*n);
  }
  return out;
}

std::optional<uid_t> parse_status_euid(std::string_view status) {
  auto ids = status_numbers(status, "Uid");
  if (ids.size() < 2) return std::nullopt;
  return static_cast<uid_t>(ids[1]);
}

std::optional<gid_t> parse_status_egid(std::string_view status) {
  auto ids = status_numbers(status, "Gid");
  if (ids.size() < 2) return std::nullopt;
  return static_cast<gid_t>(ids[1]);
}

std::optional<pid_t> parse_status_ns_pid(std::string_view status) {
  auto ids = status_numbers(status, "NSpid");
  if (ids.empty() || ids.back() == 0) return std::nullopt;
  return static_cast<pid_t>(ids.back());
}

void for_each_environ_entry(std::string_view block,
                            const std::function<void(std::string_view, std::string_view)>& visit) {
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t end = block.find('\0', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view entry = block.substr(pos, end - pos);
    pos = end + 1;
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    visit(entry.substr(0, eq), entry.substr(eq + 1));
  }
}

std::optional<std::string> environ_value(std::string_view block, std::string_view name) {
  std::optional<std::string> found;
  for_each_environ_entry(block, [&](std::string_view n, std::string_view v) {
    if (!found && n == name) found = std::string(v);
  });
  return found;
}

std::optional<std::string> environ_value_ignoring_case(std::string_view block, std::string_view name) {
  std::optional<std::string> found;
  for_each_environ_entry(block, [&](std::string_view n, std::string_view v) {
    if (!found && equals_ignoring_case(n, name)) found = std::string(v);
  });
  return found;
}

std::vector<std::string> split_cmdline(std::string_view block) {
  std::vector<std::string> args;
  if (!block.empty() && block.back() == '\0') block.remove_suffix(1);
  if (block.empty()) return args;
  std::size_t pos = 0;
  for (;;) {
    std::size_t end = block.find('\0', pos);
    if (end == std::string_view::npos) {
      args.emplace_back(block.substr(pos));
      break;
    }
    args.emplace_back(block.substr(pos, end - pos));
    pos = end + 1;
  }
  return args;
}

std::string cmdline_text(std::string_view block) {
  std::string text(block);
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text) {
    if (c == '\0' || c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

std::string file_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string entry_assembly(const std::vector<std::string>& arguments) {
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string name = file_name(arguments[i]);
    if (name.size() <= 4) continue;
    const std::string_view extension = std::string_view(name).substr(name.size() - 4);
    if (equals_ignoring_case(extension, ".dll") || equals_ignoring_case(extension, ".exe")) {
      return name.substr(0, name.size() - 4);
    }
  }
  return "";
}

std::string root(pid_t pid) { return path(pid, "root"); }

std::optional<std::string> namespace_id(pid_t pid, std::string_view kind) {
  const std::string link = path(pid, "ns/" + std::string(kind));
  char buf[128];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<std::string> own_namespace_id(std::string_view kind) { return namespace_id(::getpid(), kind); }

std::optional<uid_t> uid_inside(std::string_view uid_map, uid_t outside) {
  std::size_t pos = 0;
  while (pos < uid_map.size()) {
    std::size_t end = uid_map.find('\n', pos);
    if (end == std::string_view::npos) end = uid_map.size();
    auto w = words(uid_map.substr(pos, end - pos));
    pos = end + 1;
    if (w.size() != 3) continue;
    auto inside = to_u64(w[0]);
    auto out = to_u64(w[1]);
    auto count = to_u64(w[2]);
    if (!inside || !out || !count) continue;
    if (outside >= *out && outside - *out < *count) return static_cast<uid_t>(*inside + (outside - *out));
  }
  return std::nullopt;
}

}  // namespace clrprobe::proc
