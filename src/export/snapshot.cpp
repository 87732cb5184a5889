#include "export/snapshot.h"

#include <ctime>
#include <set>

#include "figures/probe_figures.h"
#include "figures/probes_file.h"
#include "stats/stats_reader.h"

namespace clrprobe::exporter {
namespace {

ProbeSnapshot read_probe(const figures::ProbeEntry& probe, const stats::StatsReader& reader,
                         uint64_t fallback_start_ns) {
  ProbeSnapshot out;
  out.id = probe.id;
  out.added_unix_ns = probe.added_unix_ns;
  const uint64_t start_ns = probe.added_unix_ns != 0 ? probe.added_unix_ns : fallback_start_ns;
  out.selector = probe.selector;
  out.state = probe.state;
  std::set<std::string> names;
  for (const figures::MethodRef& method : probe.methods) {
    if (method.slot < 0 || !names.insert(method.name).second) continue;  // one series per method
    // The probe restricted to this method, counted like `clrprobe stats`
    // counts it (baseline subtracted), but never frozen: "final" is per probe.
    figures::ProbeEntry single;
    single.id = probe.id;
    single.state = "active";
    single.methods = {method};
    const figures::ProbeFigures f = figures::probe_figures(single, &reader);
    MethodFigures m;
    m.method = method.name;
    m.calls = f.calls;
    m.exceptions = f.exceptions;
    m.cancelled = f.cancelled;
    m.in_flight = f.in_flight;
    m.latency = collapse_latency(f.histogram, f.max_ticks, f.ticks_per_ns);
    m.ticks = f.histogram;
    m.max_ticks = f.max_ticks;
    m.ticks_per_ns = f.ticks_per_ns;
    m.start_unix_ns = start_ns;
    out.methods.push_back(std::move(m));
  }
  return out;
}

}  // namespace

uint64_t unix_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

Result<ProcessSnapshot> read_process(const AgentTarget& target, std::string* problem) {
  auto reader = stats::StatsReader::open(target.stats_path);
  if (!reader) return reader.error();
  const stats::RegionInfo& info = reader->info();
  if (info.pid != target.pid) {
    return make_error(Reason::InvalidInput, target.stats_path + " was written by pid " + std::to_string(info.pid));
  }
  ProcessSnapshot process;
  // A container's process is published under its pid here (the host's).
  process.key = {target.host_pid > 0 ? target.host_pid : info.pid, info.process_start_jiffies};
  process.name = target.process_name;
  process.alive = target.host_pid > 0 ? reader->writer_alive_as(target.host_pid) : reader->writer_alive();
  process.start_unix_ns = info.process_start_unix_ns != 0 ? info.process_start_unix_ns : info.creation_unix_ns;
  process.region_created_unix_ns = info.creation_unix_ns;
  auto file = figures::read_probes_file(target.probes_path);
  if (!file) {
    // No probes file yet (no probe was ever added) is normal; anything else is news.
    if (problem != nullptr && file.error().reason != Reason::NotFound) *problem = file.error().message;
    return process;
  }
  for (const figures::ProbeEntry& probe : file->probes) {
    if (probe.id == 0) continue;  // dry runs are never written, but be safe
    process.probes.push_back(read_probe(probe, *reader, process.start_unix_ns));
  }
  return process;
}

}  // namespace clrprobe::exporter
