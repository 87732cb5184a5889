// Registers `clrprobe export` with the command line (CLI11). Header-only and
// included by main.cpp alone, so the CLI library does not depend on CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/export_command.h"

namespace clrprobe::cli {

inline constexpr const char* kExportFooter = R"(
Publishes the figures of every process running the agent on this host (its
files in $CLRPROBE_RUNTIME_DIR, else /tmp/clrprobe-<uid>; as root every
/tmp/clrprobe-*), read afresh on every scrape and push: processes that start
are picked up, and one that exits is published once more with its final figures
(clrprobe_up 0), then dropped; so is a removed probe. Once a minute (and with
--once) it removes the files of processes that exited longer ago than the
retention (--older-than, else $CLRPROBE_RETENTION, else 24h), as 'clrprobe
clean' does; younger figures stay.

  /metrics  Prometheus text format 0.0.4: clrprobe_calls_total,
            clrprobe_exceptions_total, clrprobe_latency_seconds (histogram,
            bounds 100ns..10s), clrprobe_up, clrprobe_processes,
            clrprobe_probe_methods; labels pid, process, probe_id, selector, method
  --otlp    OTLP/HTTP JSON (cumulative sums clrprobe.calls, clrprobe.exceptions,
            histogram clrprobe.latency in s), POSTed every --interval; a failed
            push is logged and the next interval sends fresh totals

Listens on 127.0.0.1:9464 unless --listen says otherwise (or only --otlp is
given). /metrics has no authentication: a non-loopback address needs --listen-any.
Runs until SIGINT or SIGTERM. Exit status: 0, 1 if it cannot listen, 2 usage.

Examples:
  clrprobe export
  clrprobe export --listen 127.0.0.1:9464 --otlp http://127.0.0.1:4318/v1/metrics --interval 10
  sudo clrprobe export --listen 0.0.0.0:9464 --listen-any
  clrprobe export --once | grep clrprobe_calls_total)";

// Adds the subcommand; run export_command(options) when it was chosen.
inline CLI::App* add_export_subcommand(CLI::App& app, ExportOptions& options) {
  CLI::App* cmd = app.add_subcommand("export", "Serve every agent's figures to Prometheus and/or push them over OTLP");
  cmd->add_option("--listen", options.listen, "Address of the /metrics endpoint (default: 127.0.0.1:9464)")
      ->type_name("HOST:PORT");
  cmd->add_flag("--listen-any", options.listen_any, "Allow --listen on a non-loopback address");
  cmd->add_option("--otlp", options.otlp_url, "Push to this OTLP/HTTP endpoint (JSON), e.g. http://127.0.0.1:4318/v1/metrics")
      ->type_name("URL");
  cmd->add_option("-i,--interval", options.interval_seconds, "Seconds between OTLP pushes (default: 15)")
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
