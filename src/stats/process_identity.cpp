#include "stats/process_identity.h"

#include <time.h>
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

// The boot instant on the wall clock, in ns: CLOCK_REALTIME minus
// CLOCK_BOOTTIME, the same offset the kernel's `btime` (/proc/stat) is made
// of, but without building /proc/stat's text (every CPU's times and every
// interrupt's count: the largest part of this function's cost, paid by the
// agent at start-up and by readers at every liveness check). 0 if a clock fails.
uint64_t boot_time_unix_ns() {
  timespec real{}, boot{};
  if (::clock_gettime(CLOCK_REALTIME, &real) != 0 || ::clock_gettime(CLOCK_BOOTTIME, &boot) != 0) return 0;
  const int64_t ns = (static_cast<int64_t>(real.tv_sec) - boot.tv_sec) * 1'000'000'000 + (real.tv_nsec - boot.tv_nsec);
  return ns > 0 ? static_cast<uint64_t>(ns) : 0;
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
  const uint64_t boot_ns = boot_time_unix_ns();
  if (hz > 0 && boot_ns > 0) {
    const uint64_t hz_u = static_cast<uint64_t>(hz);
    id.start_unix_ns =
        boot_ns + (id.start_jiffies / hz_u) * 1'000'000'000ull + (id.start_jiffies % hz_u) * 1'000'000'000ull / hz_u;
  }
  return id;
}

}  // namespace clrprobe::stats
