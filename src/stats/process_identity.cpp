#include "stats/process_identity.h"

#include <unistd.h>

#include <charconv>
#include <string>

#include "common/proc_files.h"

namespace clrprobe::stats {
namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr != s.data();
}

uint64_t boot_time_unix_s() {
  auto file = proc::read_file("/proc/stat");
  if (!file) return 0;
  const std::string& text = *file;
  size_t pos = text.find("\nbtime ");
  if (pos == std::string::npos) return 0;
  size_t begin = pos + 7;
  size_t end = text.find('\n', begin);
  uint64_t btime = 0;
  parse_u64(std::string_view(text).substr(begin, end - begin), btime);
  return btime;
}

}  // namespace

Result<uint64_t> parse_stat_start_jiffies(std::string_view line) {
  size_t close = line.rfind(')');
  if (close == std::string_view::npos) return make_error(Reason::InvalidInput, "no ')' in stat line");
  // Fields after ") " start at field 3 (state); starttime is field 22.
  std::string_view rest = line.substr(close + 1);
  int field = 2;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    if (pos == end) break;
    ++field;
    if (field == 22) {
      uint64_t v = 0;
      if (!parse_u64(rest.substr(pos, end - pos), v))
        return make_error(Reason::InvalidInput, "bad starttime field");
      return v;
    }
    pos = end;
  }
  return make_error(Reason::Truncated, "stat line has fewer than 22 fields");
}

Result<ProcessIdentity> process_identity(int32_t pid) {
  auto text = pid > 0 ? proc::read(pid, "stat") : std::nullopt;
  if (!text || text->empty()) return make_error(Reason::NotFound, "no process " + std::to_string(pid));
  auto jiffies = parse_stat_start_jiffies(*text);
  if (!jiffies) return jiffies.error();
  ProcessIdentity id;
  id.pid = pid;
  id.start_jiffies = *jiffies;
  const long hz = ::sysconf(_SC_CLK_TCK);
  const uint64_t btime = boot_time_unix_s();
  if (hz > 0 && btime > 0) {
    const uint64_t hz_u = static_cast<uint64_t>(hz);
    id.start_unix_ns = btime * 1'000'000'000ull + (id.start_jiffies / hz_u) * 1'000'000'000ull +
                       (id.start_jiffies % hz_u) * 1'000'000'000ull / hz_u;
  }
  return id;
}

}  // namespace clrprobe::stats
