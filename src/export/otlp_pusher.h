// Pushes the collector's figures to an OTLP/HTTP endpoint (JSON encoding,
// e.g. http://127.0.0.1:4318/v1/metrics of an OpenTelemetry Collector) every
// interval, on its own thread, with libcurl.
//
// Cumulative figures make failures cheap: a push that fails (collector down,
// HTTP 4xx/5xx, timeout) is logged as a warning and simply not retried; the
// next interval sends fresh totals. Exited processes and removed probes stay
// in the pushes until one was accepted (final_once.h). Repeated identical
// failures are logged once, then every 10th time, and recovery is logged.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "export/collector.h"
#include "export/final_once.h"
#include "export/otlp_json.h"

namespace clrprobe::exporter {

struct PushOutcome {
  bool ok = false;
  long http_status = 0;      // 0: no HTTP answer
  std::size_t data_points = 0;
  std::string message;       // why it failed, or a partial-success warning
};

// One POST of a JSON body (Content-Type: application/json). Never throws.
// `cancel` (may be null) aborts a transfer in flight when it becomes true.
PushOutcome post_otlp_json(const std::string& url, const std::string& body, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* cancel = nullptr);

// curl_global_init, once per process, before any thread uses libcurl.
void init_http_client();

struct OtlpPusherOptions {
  std::string url;
  std::chrono::milliseconds interval{std::chrono::seconds(15)};
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per request, capped at the interval
  OtlpIdentity identity;
  uint64_t exporter_start_unix_ns = 0;
};

class OtlpPusher {
 public:
  OtlpPusher(Collector& collector, OtlpPusherOptions options, Collector::Log log);
  ~OtlpPusher();  // stop()s
  OtlpPusher(const OtlpPusher&) = delete;
  OtlpPusher& operator=(const OtlpPusher&) = delete;

  // Pushes now, then every interval, until stop().
  void start();
  // Wakes the thread, aborts a request in flight, joins.
  void stop();
  // One collect-and-push, on the caller's thread (tests; start() must not run).
  PushOutcome push_once();

 private:
  void run();
  void report(const PushOutcome& outcome);

  Collector& collector_;
  OtlpPusherOptions options_;
  Collector::Log log_;
  FinalOnce final_once_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::string last_failure_;
  int repeated_failures_ = 0;
};

}  // namespace clrprobe::exporter
