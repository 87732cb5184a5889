#include "stats/clock.h"

#include <fcntl.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace clrprobe::stats {
namespace {

bool has_word(std::string_view line, std::string_view word) noexcept {
  size_t pos = 0;
  while ((pos = line.find(word, pos)) != std::string_view::npos) {
    const bool left_ok = pos == 0 || line[pos - 1] == ' ' || line[pos - 1] == '\t';
    const size_t end = pos + word.size();
    const bool right_ok = end == line.size() || line[end] == ' ' ||
                          line[end] == '\t' || line[end] == '\n';
    if (left_ok && right_ok) return true;
    pos = end;
  }
  return false;
}

#if defined(__x86_64__)
// CPUID leaf 0x80000007, EDX bit 8: the invariant TSC bit from which the
// kernel sets both constant_tsc and nonstop_tsc. An instruction instead of
// /proc/cpuinfo, whose text the kernel builds for every CPU of the machine
// (CPU time of the host's start that grows with the number of CPUs).
bool cpuid_has_invariant_tsc() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
  if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 8)) != 0;
}
#endif

// Reads at most 64 KiB of /proc/cpuinfo: the first CPU's block is enough.
// Only when CPUID does not say: the kernel may also set both flags from the
// CPU model.
bool read_invariant_tsc_flag() noexcept {
#if defined(__x86_64__)
  if (cpuid_has_invariant_tsc()) return true;
#endif
  int fd = ::open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  static char buf[64 * 1024];  // first call only, under the caller's once-guard
  size_t used = 0;
  while (used < sizeof(buf)) {
    ssize_t n = ::read(fd, buf + used, sizeof(buf) - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  return cpuinfo_has_invariant_tsc(std::string_view(buf, used));
}

#if defined(__x86_64__)
struct ClockPair {
  int64_t mono_ns;
  uint64_t tsc;
};

// A TSC reading paired with the monotonic time at the same instant: take the
// tightest of several brackets so preemption does not skew the pair.
ClockPair sample_pair() noexcept {
  ClockPair best{0, 0};
  int64_t best_gap = INT64_MAX;
  for (int i = 0; i < 16; ++i) {
    int64_t before = monotonic_ns();
    uint64_t tsc = __rdtsc();
    int64_t after = monotonic_ns();
    if (after - before < best_gap) {
      best_gap = after - before;
      best = {before + (after - before) / 2, tsc};
    }
  }
  return best;
}

// How long the calibration measures: 10 ms, or CLRPROBE_CLOCK_CALIBRATION_MS
// (tests lengthen it to add a probe while it still runs).
int64_t calibration_span_ns() noexcept {
  const char* v = std::getenv("CLRPROBE_CLOCK_CALIBRATION_MS");
  if (v != nullptr) {
    char* end = nullptr;
    const long ms = std::strtol(v, &end, 10);
    if (end != v && *end == '\0' && ms >= 1 && ms <= 10'000) return int64_t{ms} * 1'000'000;
  }
  return 10'000'000;
}

double measure_ticks_per_ns() noexcept {
  const ClockPair start = sample_pair();
  const int64_t target = start.mono_ns + calibration_span_ns();
  for (;;) {
    int64_t now = monotonic_ns();
    if (now >= target) break;
    timespec rest{0, static_cast<long>(target - now)};
    ::nanosleep(&rest, nullptr);
  }
  const ClockPair end = sample_pair();
  if (end.mono_ns <= start.mono_ns || end.tsc <= start.tsc) return 0.0;
  return static_cast<double>(end.tsc - start.tsc) /
         static_cast<double>(end.mono_ns - start.mono_ns);
}
#endif

ClockCalibration detect_best_clock() noexcept {
  ClockCalibration monotonic{ClockKind::Monotonic, 1.0};
#if defined(__x86_64__)
  if (!read_invariant_tsc_flag()) return monotonic;
  const double ticks_per_ns = measure_ticks_per_ns();
  // 50 MHz .. 100 GHz: anything else means the measurement is not trustworthy.
  if (!std::isfinite(ticks_per_ns) || ticks_per_ns < 0.05 || ticks_per_ns > 100.0)
    return monotonic;
  return {ClockKind::Tsc, ticks_per_ns};
#else
  return monotonic;
#endif
}

bool env_forces_monotonic() noexcept {
  const char* v = std::getenv("CLRPROBE_CLOCK");
  return v != nullptr && std::strcmp(v, "monotonic") == 0;
}

// The one Auto calibration of the process, made at most once, on a
// background thread (start_clock_calibration) or by the first caller of
// calibrate_clock. Allocated once and never freed: a background calibration
// may still be running while static destructors run at exit.
struct CalibrationState {
  std::mutex mutex;
  std::condition_variable finished;
  bool started = false;
  bool done = false;
  ClockCalibration result;
};

CalibrationState& calibration_state() noexcept {
  static CalibrationState* state = new CalibrationState();
  return *state;
}

void publish_calibration(ClockCalibration calibration) noexcept {
  CalibrationState& s = calibration_state();
  {
    std::lock_guard lock(s.mutex);
    s.result = calibration;
    s.done = true;
  }
  s.finished.notify_all();
}

ClockCalibration auto_calibration() noexcept {
  CalibrationState& s = calibration_state();
  std::unique_lock lock(s.mutex);
  if (!s.started) {
    s.started = true;
    lock.unlock();
    publish_calibration(detect_best_clock());
    lock.lock();
  }
  s.finished.wait(lock, [&] { return s.done; });
  return s.result;
}

void* calibrate_in_background(void*) {
  ::pthread_setname_np(::pthread_self(), "clrprobe-clock");
  publish_calibration(detect_best_clock());
  return nullptr;
}

}  // namespace

void start_clock_calibration() noexcept {
  if (env_forces_monotonic()) return;
  CalibrationState& s = calibration_state();
  {
    std::lock_guard lock(s.mutex);
    if (s.started) return;
    s.started = true;
  }
  // A plain detached pthread, not std::thread: std::thread's state object
  // would be freed on the new thread, and a thread's first free sets up its
  // malloc cache and arena (tens of microseconds of the host's start for a
  // thread that otherwise allocates nothing).
  pthread_attr_t attr;
  bool started = false;
  if (::pthread_attr_init(&attr) == 0) {
    pthread_t thread;
    started = ::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
              ::pthread_create(&thread, &attr, &calibrate_in_background, nullptr) == 0;
    ::pthread_attr_destroy(&attr);
  }
  // No thread to be had: calibrate here, as without the background start.
  if (!started) publish_calibration(detect_best_clock());
}

bool clock_calibration_finished() noexcept {
  CalibrationState& s = calibration_state();
  std::lock_guard lock(s.mutex);
  return s.done;
}

bool cpuinfo_has_invariant_tsc(std::string_view cpuinfo) noexcept {
  size_t pos = 0;
  while (pos < cpuinfo.size()) {
    size_t end = cpuinfo.find('\n', pos);
    if (end == std::string_view::npos) end = cpuinfo.size();
    std::string_view line = cpuinfo.substr(pos, end - pos);
    if (line.rfind("flags", 0) == 0) {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return false;
      std::string_view flags = line.substr(colon + 1);
      return has_word(flags, "constant_tsc") && has_word(flags, "nonstop_tsc");
    }
    pos = end + 1;
  }
  return false;
}

int64_t monotonic_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

ClockCalibration calibrate_clock(ClockChoice choice) noexcept {
  if (choice == ClockChoice::ForceMonotonic || env_forces_monotonic())
    return {ClockKind::Monotonic, 1.0};
  return auto_calibration();  // calibrated once per process, then cached
}

}  // namespace clrprobe::stats
