#include "cli/watch_command.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/agent_request.h"
#include "cli/attach.h"
#include "cli/console.h"
#include "cli/watch_budget_check.h"
#include "cli/exit_codes.h"
#include "selector/selector.h"
#include "watch/condition.h"
#include "watch/event_format.h"
#include "watch/event_ring.h"
#include "watch/watch_event.h"

namespace clrprobe::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

// Ctrl-C and SIGTERM end the watch like --count: the instrumentation is removed.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

Result<long long> parse_duration_ms(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return make_error(Reason::InvalidInput, "duration '" + text + "' is not a number with a unit (e.g. 60s, 500ms)");
  }
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "ms")
    scale = 1;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  if (scale == 0 || !(value > 0) || value * scale > 1e12) {
    return make_error(Reason::InvalidInput, "duration '" + text + "': use a positive number with ms, s, m or h");
  }
  return static_cast<long long>(value * scale);
}

Result<int> parse_rate(const std::string& text) {
  std::string number = text;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0) number.resize(number.size() - 2);
  size_t used = 0;
  long n = 0;
  try {
    n = std::stol(number, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != number.size() || n < 1 || n > 100000) {
    return make_error(Reason::InvalidInput, "rate '" + text + "': give events per second, 1..100000 (e.g. 50/s)");
  }
  return static_cast<int>(n);
}

std::string condition_error_text(const std::string& condition, const std::string& message) {
  size_t column = 0;
  if (message.rfind("column ", 0) == 0) column = std::strtoul(message.c_str() + 7, nullptr, 10);
  std::string out = "  " + condition + "\n";
  if (column >= 1 && column <= condition.size() + 1) out += "  " + std::string(column - 1, ' ') + "^\n";
  return out;
}

int watch_command(const WatchCommandOptions& options) {
  if (!options.when.empty()) {
    auto condition = watch::parse_condition(options.when);
    if (!condition) {
      complain("watch: invalid --when condition: {}\n{}", condition.error().message,
               condition_error_text(options.when, condition.error().message));
      return kExitUsage;
    }
  }
  auto selector = selector::Selector::parse(options.selector);
  if (!selector) {
    complain("watch: invalid selector: {}", selector.error().message);
    return kExitUsage;
  }
  auto duration = parse_duration_ms(options.duration);
  auto rate = parse_rate(options.rate);
  for (const Error* e : {duration ? nullptr : &duration.error(), rate ? nullptr : &rate.error()}) {
    if (e != nullptr) {
      complain("watch: {}", e->message);
      return kExitUsage;
    }
  }
  auto budget = parse_budget_options(options.budget);
  if (!budget) {
    complain("watch: {}", budget.error().message);
    return kExitUsage;
  }
  if (options.count < 1) {
    complain("watch: --count must be at least 1");
    return kExitUsage;
  }

  // Located once, connected once: the request goes on the connection that
  // proved the agent live.
  auto agent = locate_agent_socket(options.pid);
  if (!agent && agent.error().reason == Reason::Unsupported) {
    auto attached = ensure_agent(options.pid, AttachOptions{});
    if (!attached) {
      complain("{}", attached.error().message);
      return kExitFailure;
    }
    agent = locate_agent_socket(options.pid);
  }
  if (!agent) {
    complain("watch: {}", agent.error().message);
    return kExitFailure;
  }
  nlohmann::json request = {{"op", "watch"},        {"selector", selector->text()},   {"condition", options.when},
                            {"args", options.args}, {"return", options.return_value}, {"stack", options.stack},
                            {"rate", *rate}};
  if (options.max_methods) request["max_methods"] = *options.max_methods;
  if (budget->ttl_ms) request["ttl_ms"] = *budget->ttl_ms;
  if (budget->max_overhead_pct) request["max_overhead_pct"] = *budget->max_overhead_pct;
  auto response = request_agent(*agent, request);
  if (!response) {
    complain("watch: {}", response.error().message);
    return kExitFailure;
  }
  const nlohmann::json& watch = (*response)["watch"];
  const auto id = watch.value("id", 0u);
  const auto probe_id = watch.value("probe", 0u);
  const auto counters = watch.value("counters", 0u);
  const std::string ring_path = watch.value("ring", "");
  size_t watched = 0;
  for (const auto& m : watch.value("methods", nlohmann::json::array())) {
    if (m.value("watched", false)) {
      ++watched;
      if (m.contains("note")) complain("  {}: {}", m.value("method", ""), m.value("note", ""));
    } else {
      complain("  not watched: {}: {}", m.value("method", ""), m.value("note", ""));
    }
  }
  complain("watching {} method{} of process {} (watch {}): up to {} events, {} ms; Ctrl-C stops", watched,
           watched == 1 ? "" : "s", options.pid, id, options.count, *duration);

  StopSignals signals;
  int printed = 0;
  uint64_t lost = 0;
  auto reader = watch::EventRingReader::open(ring_path);
  if (!reader) complain("watch: cannot read the event ring: {}", reader.error().message);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*duration);
  WatchBudgetCheck budget_check(options.pid, probe_id);
  while (reader && !g_stop.load() && printed < options.count && std::chrono::steady_clock::now() < deadline) {
    std::vector<std::vector<uint8_t>> payloads;
    reader->poll(&payloads, &lost);
    for (const auto& p : payloads) {
      auto event = watch::decode_event(p);
      if (!event || event->watch_id != id || printed >= options.count) continue;
      const std::string text = options.json ? watch::event_json(*event, options.pid).dump() + "\n"
                                            : watch::event_text(*event, options.pid) + "\n";
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      ++printed;
    }
    if (::kill(options.pid, 0) != 0 && errno == ESRCH) {
      complain("watch: process {} exited", options.pid);
      break;
    }
    if (budget_check.ended()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watch::EventRingReader::Counts counts;
  if (reader) counts = reader->counts(counters);
  auto removed = request_agent(options.pid, {{"op", "unwatch"}, {"id", id}});
  if (!removed && ::kill(options.pid, 0) == 0 && !budget_check.expired())
    complain("watch: removing the instrumentation: {}", removed.error().message);
  complain("{} event{} printed; {} calls matched, {} dropped over --rate, {} lost in the ring, {} skipped (busy)",
           printed, printed == 1 ? "" : "s", counts.matched, counts.rate_dropped, lost, counts.busy_dropped);
  return kExitOk;
}

}  // namespace clrprobe::cli
