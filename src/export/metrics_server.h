// The HTTP endpoint Prometheus scrapes (cpp-httplib): GET /metrics answers
// with a fresh read of every agent (prometheus_text.h), in OpenMetrics when
// the scraper's Accept header asks for it, else text 0.0.4; GET / with a short
// page pointing there; anything else is 404. Scrapes run on the server's
// worker threads and never wait for the OTLP pusher.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "export/collector.h"
#include "export/final_once.h"
#include "export/prometheus_text.h"

namespace httplib {
class Server;
}

namespace clrprobe::exporter {

class MetricsServer {
 public:
  // `format`: the pid label choice (openmetrics is decided per request).
  MetricsServer(Collector& collector, uint64_t exporter_start_unix_ns, std::string version,
                PrometheusOptions format = {});
  ~MetricsServer();  // stop()s
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds host:port (port 0: any free port). The bound port, or Io.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop() (call after a successful bind(), on its own
  // thread). False when the server failed.
  bool run();
  void stop();

  // The body of one GET /metrics (exited processes and removed probes are
  // published once, for every scraper together).
  std::string scrape(bool openmetrics = false);

 private:
  Collector& collector_;
  std::string version_;
  PrometheusOptions format_;
  std::mutex mutex_;
  FinalOnce final_once_;
  std::unique_ptr<httplib::Server> server_;
  enum State { kIdle, kRunning, kDone };
  std::atomic<int> state_{kIdle};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace clrprobe::exporter
