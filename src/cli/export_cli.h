// Registers `clrprobe export` with the command line (CLI11). Header-only and
// included by the command lines alone (command_definitions.h, export_main.cpp),
// so the CLI library does not depend on CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/export_command.h"

namespace clrprobe::cli {

inline constexpr const char* kExportFooter = R"(
Publishes the figures of every process running the agent on this host (its
files in $CLRPROBE_RUNTIME_DIR, else /dev/shm/clrprobe-<uid> and
/tmp/clrprobe-<uid>; as root every clrprobe-<uid> directory there), read afresh on every scrape and push: processes that start
are picked up, and one that exits is published once more with its final figures
(clrprobe_up 0), then dropped; so is a removed probe. Once a minute (and with
--once) it removes the files of processes that exited longer ago than the
retention (--older-than, else $CLRPROBE_RETENTION, else 24h), as 'clrprobe
clean' does; younger figures stay.

  /metrics  Prometheus text format 0.0.4, or OpenMetrics when the scraper asks
            for it: clrprobe_calls_total, clrprobe_exceptions_total,
            clrprobe_cancelled_total, clrprobe_in_flight,
            clrprobe_latency_seconds (histogram), clrprobe_up,
            clrprobe_processes, clrprobe_probe_methods; labels pid (unless
            --no-pid-label), process, service, probe_id, selector, method
  OTLP      OTLP/HTTP protobuf (or JSON) POSTed every --interval: sums
            clrprobe.calls, .exceptions, .cancelled, gauge .in_flight,
            exponential histogram clrprobe.latency (s); one resource per process
            (service.name from the process's OTEL_SERVICE_NAME, else
            unknown_service:<entry assembly>). A failed push is logged and the
            next interval sends fresh figures.

OTLP settings come from the flags, else the standard environment variables:
OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT (the generic one gets /v1/metrics
appended), _HEADERS, _PROTOCOL, _COMPRESSION, _TIMEOUT (ms),
OTEL_METRIC_EXPORT_INTERVAL (ms), OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.
An OTLP endpoint in the environment turns pushes on.

Listens on 127.0.0.1:9464 unless --listen says otherwise (or only --otlp is
given). /metrics has no authentication: a non-loopback address needs --listen-any.
Runs until SIGINT or SIGTERM. Exit status: 0, 1 if it cannot listen, 2 usage.

Examples:
  clrprobe export
  clrprobe export --listen 127.0.0.1:9464 --otlp http://127.0.0.1:4318/v1/metrics --interval 10
  clrprobe export --otlp https://otlp.example.com/v1/metrics --otlp-header "Authorization=Bearer $TOKEN" --otlp-compression gzip
  OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 clrprobe export
  sudo clrprobe export --listen 0.0.0.0:9464 --listen-any
  clrprobe export --once | grep clrprobe_calls_total)";

// Adds the subcommand; run export_command(options) when it was chosen.
inline CLI::App* add_export_subcommand(CLI::App& app, ExportOptions& options) {
  CLI::App* cmd = app.add_subcommand("export", "Serve every agent's figures to Prometheus and/or push them over OTLP");
  cmd->add_option("--listen", options.listen, "Address of the /metrics endpoint (default: 127.0.0.1:9464)")
      ->type_name("HOST:PORT");
  cmd->add_flag("--listen-any", options.listen_any, "Allow --listen on a non-loopback address");
  cmd->add_flag("--no-pid-label", options.no_pid_label,
                "/metrics: no pid label (series survive restarts; processes of one service are summed)");
  cmd->add_option("--otlp", options.otlp_url,
                  "Push to this OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/metrics "
                  "(default: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics)")
      ->type_name("URL");
  cmd->add_option("--otlp-protocol", options.otlp_protocol, "http/protobuf (default) or http/json")
      ->type_name("PROTOCOL");
  cmd->add_option("--otlp-compression", options.otlp_compression, "gzip or none (default)")->type_name("ALGORITHM");
  cmd->add_option("--otlp-header", options.otlp_headers, "HTTP header of every push (repeatable), e.g. api-key=SECRET")
      ->type_name("NAME=VALUE");
  cmd->add_option("--otlp-timeout", options.otlp_timeout_seconds, "Seconds a push may take (default: 10)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--otlp-temporality", options.otlp_temporality, "cumulative (default), delta or lowmemory (= delta)")
      ->type_name("TEMPORALITY");
  cmd->add_option("--otlp-histogram", options.otlp_histogram,
                  "Latency as an exponential histogram (default, keeps the agent's precision) or on explicit bounds")
      ->type_name("KIND");
  cmd->add_flag("--otlp-command-line", options.otlp_command_line,
                "Add process.command_line to the resource (may show secrets passed as arguments)");
  cmd->add_option("-i,--interval", options.interval_seconds,
                  "Seconds between OTLP pushes (default: OTEL_METRIC_EXPORT_INTERVAL, else 15)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--runtime-dir", options.runtime_dirs,
                  "Runtime directory to read (repeatable; default: those 'clrprobe ps' scans)")
      ->type_name("DIR");
  cmd->add_option("--older-than", options.older_than,
                  "Remove the files of processes that exited longer ago (default: $CLRPROBE_RETENTION, else 24h)")
      ->type_name("DURATION");
  cmd->add_flag("--once", options.once, "Print /metrics once (and push once with --otlp), then exit");
  cmd->footer(kExportFooter);
  return cmd;
}

}  // namespace clrprobe::cli
