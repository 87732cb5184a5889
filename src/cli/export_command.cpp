#include "cli/export_command.h"

#include <pthread.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/process_info.h"
#include "cli/process_view.h"
#include "common/proc_files.h"
#include "cli/runtime_files.h"
#include "cli/stale_files.h"
#include "export/collector.h"
#include "export/listen_address.h"
#include "export/metrics_server.h"
#include "export/otlp_pusher.h"
#include "export/otlp_settings.h"
#include "export/process_resource.h"
#include "export/prometheus_text.h"

namespace clrprobe::cli {
namespace {

using namespace clrprobe::exporter;

// Processes whose mount namespace is not ours (containers, PrivateTmp
// services) and that map the agent.
std::vector<pid_t> container_pids() {
  std::vector<pid_t> pids;
  const auto mine = proc::own_namespace_id("mnt");
  if (!mine) return pids;
  for (pid_t pid : proc::all_pids()) {
    if (pid == ::getpid()) continue;
    auto theirs = proc::namespace_id(pid, "mnt");
    if (!theirs || *theirs == *mine) continue;
    auto maps = mapped_libraries(pid);
    if (maps && maps->agent) pids.push_back(pid);
  }
  return pids;
}

void log_line(const std::string& line) {
  // One write per line: the server threads and the pusher log concurrently.
  const std::string text = "clrprobe export: " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

// The agents' stats regions in `dirs` (first directory wins for a pid), with
// the process's name while it runs; then those of running processes in
// containers (another mount namespace), found through /proc/<pid>/root and
// named there by their namespace's pid, unless a directory already gave the
// same file (a runtime directory shared with the container).
std::vector<AgentTarget> discover_agents(const std::vector<std::string>& dirs) {
  std::vector<AgentTarget> targets;
  std::set<pid_t> seen;
  std::set<std::pair<dev_t, ino_t>> files;
  auto file_id = [](const std::string& path) -> std::optional<std::pair<dev_t, ino_t>> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::pair{st.st_dev, st.st_ino};
  };
  for (const std::string& dir : dirs) {
    for (const RuntimeFile& file : list_runtime_files(dir)) {
      if (file.kind != RuntimeFileKind::Stats || !seen.insert(file.pid).second) continue;
      const RuntimePaths paths = runtime_paths(dir, file.pid);
      AgentTarget target;
      target.pid = file.pid;
      target.stats_path = paths.stats;
      target.probes_path = paths.probes;
      if (auto info = read_process_info(file.pid)) target.process_name = info->name;
      if (auto id = file_id(paths.stats)) files.insert(*id);
      targets.push_back(std::move(target));
    }
  }
  for (pid_t pid : container_pids()) {
    auto view = view_process(pid);
    if (!view || !view->other_mount_namespace) continue;
    const RuntimePaths paths = agent_runtime_paths(*view);
    auto id = file_id(paths.stats);
    if (!id || !files.insert(*id).second) continue;
    AgentTarget target;
    target.pid = view->ns_pid;
    target.host_pid = pid;
    target.stats_path = paths.stats;
    target.probes_path = paths.probes;
    if (auto info = read_process_info(pid)) target.process_name = info->name;
    targets.push_back(std::move(target));
  }
  return targets;
}

// Removes the files of processes that exited longer ago than the retention
// (stale_files.h), at most once a minute; thread-safe (the server and the
// pusher both collect).
class RetentionCleaner {
 public:
  explicit RetentionCleaner(std::chrono::seconds retention) : retention_(retention) {}
  void maybe_clean(const std::vector<std::string>& dirs) {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (cleaned_once_ && now - last_ < std::chrono::minutes(1)) return;
    cleaned_once_ = true;
    last_ = now;
    CleanupPolicy policy;
    policy.retention = retention_;
    for (const std::string& dir : dirs) {
      CleanupReport report = remove_stale_files(dir, policy);
      if (!report.removed.empty()) {
        log_line(fmt::format("removed {} file(s) of {} process(es) that exited more than {} s ago from {}",
                             report.removed.size(), report.pids.size(), retention_.count(), dir));
      }
    }
  }

 private:
  std::chrono::seconds retention_;
  std::mutex mutex_;
  bool cleaned_once_ = false;
  std::chrono::steady_clock::time_point last_{};
};

std::string host_name() {
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

OtlpFlags otlp_flags(const ExportOptions& options) {
  OtlpFlags flags;
  flags.endpoint = options.otlp_url;
  flags.protocol = options.otlp_protocol;
  flags.compression = options.otlp_compression;
  flags.headers = options.otlp_headers;
  if (options.otlp_timeout_seconds > 0) flags.timeout_seconds = options.otlp_timeout_seconds;
  if (options.interval_seconds > 0) flags.interval_seconds = options.interval_seconds;
  flags.temporality = options.otlp_temporality;
  flags.histogram = options.otlp_histogram;
  return flags;
}

}  // namespace

int export_command(const ExportOptions& options) {
  auto settings = resolve_otlp_settings(otlp_flags(options), [](const char* name) { return std::getenv(name); });
  if (!settings) {
    complain("{}", settings.error().message);
    return kExitUsage;
  }
  const bool push = !settings->url.empty();
  // --otlp alone means "push, do not serve"; an endpoint from the
  // environment adds pushes to whatever the flags say.
  const bool serve = !options.listen.empty() || options.otlp_url.empty();
  ListenAddress address;
  if (serve && !options.once) {
    auto parsed = parse_listen_address(options.listen.empty() ? kDefaultListen : options.listen);
    if (!parsed) {
      complain("{}", parsed.error().message);
      return kExitUsage;
    }
    address = *parsed;
    if (!options.listen_any) {
      auto loopback = is_loopback_host(address.host);
      if (!loopback) {
        complain("--listen: {}", loopback.error().message);
        return kExitUsage;
      }
      if (!*loopback) {
        complain("--listen {}: not a loopback address, and /metrics has no authentication; "
                 "add --listen-any to serve other hosts",
                 format_host_port(address.host, address.port));
        return kExitUsage;
      }
    }
  }

  // Without --runtime-dir the directories are looked up on every scan: as
  // root, a user's /tmp/clrprobe-<uid> appears with that user's first agent.
  auto retention = retention_setting(options.older_than);
  if (!retention) {
    complain("{}", retention.error().message);
    return kExitUsage;
  }
  const std::vector<std::string> fixed_dirs = options.runtime_dirs;
  const uint64_t start_ns = unix_now_ns();
  auto cleaner = std::make_shared<RetentionCleaner>(*retention);
  Collector collector(
      [fixed_dirs, cleaner] {
        const std::vector<std::string> dirs = fixed_dirs.empty() ? runtime_dirs_to_scan() : fixed_dirs;
        cleaner->maybe_clean(dirs);
        return discover_agents(dirs);
      },
      log_line);
  OtlpPusherOptions push_options;
  push_options.settings = *settings;
  push_options.content.version = options.version;
  push_options.content.host_name = host_name();
  push_options.content.boot_id = boot_id();
  push_options.content.command_line = options.otlp_command_line;
  push_options.exporter_start_unix_ns = start_ns;

  if (options.once) {
    // Everything the files hold now, exited processes included.
    HostSnapshot snapshot = collector.collect();
    int status = kExitOk;
    if (push) {
      // One push: cumulative whatever the temporality (there is no earlier push).
      OtlpContent content = push_options.content;
      content.histogram = settings->histogram;
      const OtlpRequest request = otlp_request(snapshot, content);
      PushOutcome outcome = post_otlp(settings->url, encode_otlp(request, settings->protocol), post_options(*settings));
      if (!outcome.ok) {
        complain("OTLP push to {} failed: {}", settings->url, outcome.message);
        status = kExitFailure;
      }
    }
    PrometheusOptions format;
    format.pid_label = !options.no_pid_label;
    const std::string text = prometheus_text(snapshot, format);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return status;
  }

  // SIGINT/SIGTERM/SIGHUP are taken by this thread (sigwait below); the
  // server and pusher threads inherit the blocked mask. A scraper that hangs
  // up must not kill us.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, s);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<MetricsServer> server;
  std::thread server_thread;
  if (serve) {
    PrometheusOptions format;
    format.pid_label = !options.no_pid_label;
    server = std::make_unique<MetricsServer>(collector, start_ns, options.version, format);
    auto port = server->bind(address.host, address.port);
    if (!port) {
      complain("{}", port.error().message);
      return kExitFailure;
    }
    fmt::print("clrprobe export: serving http://{}/metrics\n", format_host_port(address.host, *port));
    std::fflush(stdout);
    server_thread = std::thread([&server] {
      if (!server->run()) log_line("warning: the /metrics server stopped unexpectedly");
    });
  }
  std::unique_ptr<OtlpPusher> pusher;
  if (push) {
    fmt::print("clrprobe export: pushing to {} every {} s ({}{}, {}, {} histogram{})\n", settings->url,
               static_cast<double>(settings->interval.count()) / 1000.0, protocol_name(settings->protocol),
               settings->compression == OtlpCompression::Gzip ? " gzip" : "", temporality_name(settings->temporality),
               histogram_name(settings->histogram),
               settings->headers.empty() ? "" : fmt::format(", {} header(s)", settings->headers.size()));
    std::fflush(stdout);
    pusher = std::make_unique<OtlpPusher>(collector, push_options, log_line);
    pusher->start();
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log_line(fmt::format("stopping ({})", strsignal(signal_number)));
  if (pusher) pusher->stop();
  if (server) {
    server->stop();
    server_thread.join();
  }
  return kExitOk;
}

}  // namespace clrprobe::cli
