// `clrprobe export`: one exporter per host, outside the monitored processes.
// Reads every agent's stats region and probes file in the runtime
// directories (like `clrprobe ps`), serves them to Prometheus on /metrics
// and/or pushes them to an OTLP/HTTP collector every interval. See
// src/export/ and docs/FLEETS.md.
#pragma once

#include <string>
#include <vector>

namespace clrprobe::cli {

struct ExportOptions {
  std::string listen;            // HOST:PORT; empty: 127.0.0.1:9464 unless only --otlp is given
  bool listen_any = false;       // allow a non-loopback --listen address
  bool no_pid_label = false;     // /metrics without the pid label (--no-pid-label)
  // OTLP (src/export/otlp_settings.h; empty or 0: not given, the
  // OTEL_EXPORTER_OTLP_* environment or the defaults apply).
  std::string otlp_url;          // e.g. http://127.0.0.1:4318/v1/metrics
  std::string otlp_protocol;     // http/protobuf | http/json
  std::string otlp_compression;  // gzip | none
  std::vector<std::string> otlp_headers;  // K=V
  double otlp_timeout_seconds = 0;
  std::string otlp_temporality;           // cumulative | delta | lowmemory
  std::string otlp_histogram;             // exponential | explicit
  bool otlp_command_line = false;         // process.command_line resource attribute
  double interval_seconds = 0;            // between OTLP pushes (0: OTEL_METRIC_EXPORT_INTERVAL, else 15)
  std::vector<std::string> runtime_dirs;  // empty: those `clrprobe ps` scans
  bool once = false;                      // print /metrics once (and push once with OTLP), then exit
  std::string version;           // clrprobe's version (OTLP scope, index page)
  std::string older_than;        // retention of exited processes' files; empty: $CLRPROBE_RETENTION, else 24h
};

int export_command(const ExportOptions& options);

}  // namespace clrprobe::cli
