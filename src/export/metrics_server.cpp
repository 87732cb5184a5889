#include "export/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "export/gzip.h"
#include "export/prometheus_text.h"

namespace clrprobe::exporter {
namespace {

constexpr char kIndexPage[] = R"(<!DOCTYPE html>
<html><head><title>clrprobe exporter</title></head>
<body><h1>clrprobe exporter {}</h1>
<p>Figures of the live probes of the .NET processes running the clrprobe agent on this host,
in the Prometheus text format: <a href="/metrics">/metrics</a>.</p>
</body></html>
)";

}  // namespace

MetricsServer::MetricsServer(Collector& collector, uint64_t exporter_start_unix_ns, std::string version,
                             PrometheusOptions format)
    : collector_(collector),
      version_(std::move(version)),
      format_(format),
      final_once_(exporter_start_unix_ns),
      server_(std::make_unique<httplib::Server>()) {
  server_->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const bool openmetrics = accepts_openmetrics(req.get_header_value("Accept"));
    std::string body = scrape(openmetrics);
    // cpp-httplib gzips text/plain itself when the scraper accepts it, but
    // not application/openmetrics-text: that one we compress here (82
    // buckets a method make the exposition large; 169 kB for ten methods gzip to 5 kB).
    if (openmetrics && req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
      if (auto zipped = gzip_compress(body)) {
        res.set_header("Content-Encoding", "gzip");
        body = std::move(*zipped);
      }
    }
    res.set_content(std::move(body), openmetrics ? kOpenMetricsContentType : kPrometheusContentType);
  });
  server_->Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(fmt::format(kIndexPage, version_), "text/html; charset=utf-8");
  });
  server_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(fmt::format("{}: try /metrics\n", res.status), "text/plain; charset=utf-8");
  });
  // httplib's default sets SO_REUSEPORT, which would let a second exporter
  // share the port silently (the kernel would spread scrapes over both).
  // SO_REUSEADDR alone: a restart may rebind at once, a port in use is refused.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server_->set_keep_alive_max_count(100);
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
}

MetricsServer::~MetricsServer() { stop(); }

Result<int> MetricsServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return make_error(Reason::Io, fmt::format("cannot listen on {}:{}", host, port));
  return bound;
}

bool MetricsServer::run() {
  state_ = kRunning;
  if (stop_requested_) {
    state_ = kDone;
    return true;
  }
  const bool ok = server_->listen_after_bind();
  state_ = kDone;
  return ok;
}

void MetricsServer::stop() {
  // httplib's stop() does nothing until listen_after_bind() has started
  // listening: repeat it until run() returned.
  stop_requested_ = true;
  while (state_ == kRunning) {
    server_->stop();
    if (state_ != kRunning) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string MetricsServer::scrape(bool openmetrics) {
  // Scrapes are serialised: a slow one never publishes older figures after
  // a newer one.
  std::lock_guard lock(mutex_);
  FinalOnce::Selection selection = final_once_.select(collector_.collect());
  final_once_.commit(selection);
  PrometheusOptions format = format_;
  format.openmetrics = openmetrics;
  return prometheus_text(selection.snapshot, format);
}

}  // namespace clrprobe::exporter
