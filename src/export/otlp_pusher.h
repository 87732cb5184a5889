// Pushes the collector's figures to an OTLP/HTTP endpoint (e.g.
// http://127.0.0.1:4318/v1/metrics of an OpenTelemetry Collector) every
// interval, on its own thread, with libcurl: protobuf (default) or JSON,
// optionally gzip-compressed, with the configured headers (otlp_settings.h).
//
// Cumulative figures make failures cheap: a push that fails (collector down,
// HTTP 4xx/5xx, timeout) is logged as a warning and simply not retried; the
// next interval sends fresh totals. With delta temporality the next push
// carries the deltas since the last accepted one (delta_figures.h). Exited
// processes and removed probes stay in the pushes until one was accepted
// (final_once.h). Repeated identical failures are logged once, then every
// 10th time, and recovery is logged.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "export/collector.h"
#include "export/delta_figures.h"
#include "export/final_once.h"
#include "export/otlp_metrics.h"
#include "export/otlp_settings.h"

namespace clrprobe::exporter {

struct PushOutcome {
  bool ok = false;
  long http_status = 0;      // 0: no HTTP answer
  std::size_t data_points = 0;
  std::string message;       // why it failed, or a partial-success warning
};

struct PostOptions {
  std::string content_type = "application/json";
  bool gzip = false;    // compress the body, "Content-Encoding: gzip"
  OtlpHeaders headers;  // added to the request (e.g. authentication)
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

// One POST. Never throws. `cancel` (may be null) aborts a transfer in flight
// when it becomes true. A protobuf or JSON answer is read for the collector's
// reason (Status.message) or partial success.
PushOutcome post_otlp(const std::string& url, const std::string& body, const PostOptions& options,
                      const std::atomic<bool>* cancel = nullptr);

// A JSON body (the older interface; tests).
PushOutcome post_otlp_json(const std::string& url, const std::string& body, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* cancel = nullptr);

// The body of a request in the settings' protocol.
std::string encode_otlp(const OtlpRequest& request, OtlpProtocol protocol);
// The POST options of the settings (content type, gzip, headers, timeout).
PostOptions post_options(const OtlpSettings& settings);

// curl_global_init, once per process, before any thread uses libcurl.
void init_http_client();

struct OtlpPusherOptions {
  OtlpSettings settings;  // url, protocol, compression, headers, timeout (capped at the interval), interval
  OtlpContent content;    // resource and histogram choices; temporality from the settings
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
  DeltaFigures deltas_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::string last_failure_;
  int repeated_failures_ = 0;
};

}  // namespace clrprobe::exporter
