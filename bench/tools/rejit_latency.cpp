// rejit_latency: how long a live `clrprobe add` takes, and how long after it
// returns the probed methods are counted (used by bench/run).
//
//   rejit_latency (--cli PATH | --socket PATH) --pid PID --stats FILE --selector SEL
//                 [--max-methods N] [--timeout-ms MS]
//
// With --cli: runs `clrprobe add -p PID SEL --json` as a child process. With
// --socket: sends the same add request to the agent's control socket itself
// (connect, send, read the reply), as any client of the control protocol
// does: the latency of the add in the agent, without the start of a CLI
// process. Meanwhile a second thread polls the `calls` counter of every slot
// of the stats region (every ~70 µs: 20 µs + the timer slack). The program must be
// calling the selected methods all the time (CallBench `spin`). Prints one
// JSON object:
//
//   {"methods": N, "add_ms": ..., "first_after_add_ms": ..., "all_after_add_ms": ...,
//    "first_since_start_ms": ..., "all_since_start_ms": ..., "counted": N, "probe_id": ID}
//
// *_after_add_ms are measured from the moment `clrprobe add` exited (or the
// reply was read; negative: the first calls were counted before it);
// *_since_start_ms from the moment it was started (or the connect began).
// A "first seen" time includes the poller's period: an upper bound. Exit 1
// on any failure.
//
// Only the calls counters are read, straight from the shared-memory layout
// (stats/region_layout.h); the header is validated by StatsReader first.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/client.h"
#include "control/messages.h"
#include "stats/region_layout.h"
#include "stats/stats_reader.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace clrprobe::stats;

struct Options {
  std::string cli, socket, stats, selector;
  long pid = 0;
  long max_methods = 0;
  long timeout_ms = 10000;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "rejit_latency: %s\n", message.c_str());
  std::exit(1);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail("missing value for " + a);
      return argv[++i];
    };
    if (a == "--cli") o.cli = value();
    else if (a == "--socket")
      o.socket = value();
    else if (a == "--pid") o.pid = std::stol(value());
    else if (a == "--stats") o.stats = value();
    else if (a == "--selector") o.selector = value();
    else if (a == "--max-methods") o.max_methods = std::stol(value());
    else if (a == "--timeout-ms") o.timeout_ms = std::stol(value());
    else fail("unknown argument " + a);
  }
  if (o.cli.empty() == o.socket.empty() || o.stats.empty() || o.selector.empty() || o.pid <= 0)
    fail("usage: rejit_latency (--cli PATH | --socket PATH) --pid PID --stats FILE --selector SEL [--max-methods N]");
  return o;
}

// Read-only view of the calls counters of every slot.
class CallCounters {
 public:
  explicit CallCounters(const std::string& path) {
    auto reader = StatsReader::open(path);
    if (!reader) fail("cannot open stats region " + path);
    capacity_ = reader->info().slot_capacity;
    stripes_ = reader->info().stripe_count;
    const RegionGeometry g = region_geometry(capacity_, stripes_, reader->info().histogram_blocks);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open " + path);
    size_ = g.total_size;
    base_ = static_cast<const std::byte*>(::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0));
    ::close(fd);
    if (base_ == MAP_FAILED) fail("cannot map " + path);
    header_ = reinterpret_cast<const RegionHeader*>(base_);
    masks_ = reinterpret_cast<const uint32_t*>(base_ + g.stripe_masks_offset);
    hot_ = base_ + g.hot_offset;
    hot_stride_ = g.hot_stripe_stride;
  }
  ~CallCounters() { ::munmap(const_cast<std::byte*>(base_), size_); }

  uint32_t slots_used() const {
    uint32_t used = std::atomic_ref<const uint32_t>(header_->slots_used).load(std::memory_order_acquire);
    return std::min(used, capacity_);
  }
  uint64_t calls(uint32_t slot) const {
    uint64_t sum = 0;
    const uint32_t mask = std::atomic_ref<const uint32_t>(masks_[slot]).load(std::memory_order_acquire);
    for (uint32_t i = 0; i < stripes_; ++i) {
      if ((mask & (1u << i)) == 0) continue;  // this stripe never counted the slot
      const auto& c = reinterpret_cast<const HotCounters*>(hot_ + i * hot_stride_)[slot];
      sum += std::atomic_ref<const uint64_t>(c.calls).load(std::memory_order_relaxed);
    }
    return sum;
  }
  uint32_t capacity() const { return capacity_; }

 private:
  const std::byte* base_ = nullptr;
  size_t size_ = 0;
  const RegionHeader* header_ = nullptr;
  const uint32_t* masks_ = nullptr;
  const std::byte* hot_ = nullptr;
  uint64_t hot_stride_ = 0;
  uint32_t capacity_ = 0, stripes_ = 0;
};

// Runs argv, returns its exit status and stdout.
int run_capture(const std::vector<std::string>& args, std::string& out) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) fail("pipe failed");
  // posix_spawn, not fork: the child shares this process's memory until its
  // exec, where a fork copies the page tables and the exec tears them down
  // again, time the figures would charge to `clrprobe add`.
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) fail("cannot start " + args[0] + ": " + std::strerror(spawned));
  ::close(pipefd[1]);
  char buf[65536];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The add request `clrprobe add` sends, straight to the agent; its reply's
// text (the reply object without "ok", as `add --json` prints it) or a
// failure message.
int request_directly(const Options& opt, std::string& out) {
  clrprobe::control::AddRequest add;
  add.selector = opt.selector;
  if (opt.max_methods > 0) add.max_methods = opt.max_methods;
  const nlohmann::json request = clrprobe::control::to_json(add);
  auto client = clrprobe::control::ControlClient::connect(opt.socket);
  if (!client) {
    out = client.error().message;
    return 1;
  }
  auto reply = client->request(request);
  if (!reply) {
    out = reply.error().message;
    return 1;
  }
  out = reply->dump();
  return 0;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  CallCounters counters(opt.stats);
  const uint32_t capacity = counters.capacity();

  // Counts at the start; slots allocated later start from 0.
  std::vector<uint64_t> initial(capacity, 0);
  const uint32_t used0 = counters.slots_used();
  for (uint32_t s = 0; s < used0; ++s) initial[s] = counters.calls(s);

  // first_seen[s]: ns since start when slot s was first seen counting (0: not yet).
  std::vector<std::atomic<int64_t>> first_seen(capacity);
  std::atomic<bool> stop{false};
  const Clock::time_point start = Clock::now();
  std::thread poller([&] {
    // Every 20 µs, stretched by the default 50 µs timer slack: ~70 µs, the
    // resolution of every "first seen" time. Polling faster (10 µs, 1 ns
    // slack) took the core the agent's control thread and the CLI need on
    // the 2-core bench machine and doubled the latencies it measured.
    while (!stop.load(std::memory_order_relaxed)) {
      const uint32_t used = counters.slots_used();
      const int64_t now_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      for (uint32_t s = 0; s < used; ++s) {
        if (first_seen[s].load(std::memory_order_relaxed) != 0) continue;
        if (counters.calls(s) > initial[s]) first_seen[s].store(std::max<int64_t>(now_ns, 1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  });

  std::vector<std::string> args = {opt.cli, "add", "-p", std::to_string(opt.pid), opt.selector, "--json"};
  if (opt.max_methods > 0) {
    args.push_back("--max-methods");
    args.push_back(std::to_string(opt.max_methods));
  }
  std::string out;
  const int status = opt.socket.empty() ? run_capture(args, out) : request_directly(opt, out);
  const Clock::time_point added = Clock::now();
  if (status != 0) {
    stop = true;
    poller.join();
    fail(
        (opt.socket.empty() ? "clrprobe add exited " + std::to_string(status) : std::string("the add request failed")) +
        ": " + out);
  }

  std::vector<uint32_t> slots;
  nlohmann::json reply;
  try {
    reply = nlohmann::json::parse(out);
    for (const auto& m : reply.at("probe").at("methods")) slots.push_back(m.at("slot").get<uint32_t>());
  } catch (const std::exception& e) {
    stop = true;
    poller.join();
    fail(std::string("cannot read the reply of clrprobe add: ") + e.what() + ": " + out);
  }
  for (uint32_t s : slots)
    if (s >= capacity) fail("slot out of range");

  const Clock::time_point deadline = added + std::chrono::milliseconds(opt.timeout_ms);
  auto all_seen = [&] {
    return std::all_of(slots.begin(), slots.end(), [&](uint32_t s) { return first_seen[s].load() != 0; });
  };
  while (!all_seen() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::microseconds(50));
  stop = true;
  poller.join();

  const double add_ms = ms_between(start, added);
  int64_t first = 0, last = 0;
  size_t counted = 0;
  for (uint32_t s : slots) {
    const int64_t t = first_seen[s].load();
    if (t == 0) continue;
    ++counted;
    first = first == 0 ? t : std::min(first, t);
    last = std::max(last, t);
  }
  nlohmann::json result = {
      {"methods", slots.size()},
      {"counted", counted},
      {"add_ms", add_ms},
      {"probe_id", reply["probe"].value("id", 0)},
  };
  if (counted > 0) {
    result["first_since_start_ms"] = first / 1e6;
    result["first_after_add_ms"] = first / 1e6 - add_ms;
  }
  if (counted == slots.size() && counted > 0) {
    result["all_since_start_ms"] = last / 1e6;
    result["all_after_add_ms"] = last / 1e6 - add_ms;
  }
  std::printf("%s\n", result.dump().c_str());
  return counted == slots.size() ? 0 : 1;
}
