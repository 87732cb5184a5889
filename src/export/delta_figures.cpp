#include "export/delta_figures.h"

#include <algorithm>

namespace clrprobe::exporter {
namespace {

uint64_t minus(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

}  // namespace

HostSnapshot DeltaFigures::deltas(const HostSnapshot& cumulative) {
  HostSnapshot out = cumulative;
  pending_.clear();
  for (ProcessSnapshot& process : out.processes) {
    for (ProbeSnapshot& probe : process.probes) {
      for (MethodFigures& m : probe.methods) {
        const SeriesKey key{process.key, probe.id, m.method};
        Previous now{m.calls, m.exceptions, m.cancelled, m.ticks, m.max_ticks, cumulative.time_unix_ns};
        auto before = committed_.find(key);
        if (before != committed_.end()) {
          const Previous& p = before->second;
          m.calls = minus(now.calls, p.calls);
          m.exceptions = minus(now.exceptions, p.exceptions);
          m.cancelled = minus(now.cancelled, p.cancelled);
          stats::Histogram delta;
          uint32_t top = stats::kBucketCount;
          for (uint32_t i = 0; i < stats::kBucketCount; ++i) {
            const uint64_t n = minus(now.ticks.counts()[i], p.ticks.counts()[i]);
            if (n == 0) continue;
            delta.add_bucket(i, n);
            top = i;
          }
          m.ticks = delta;
          if (top == stats::kBucketCount) {
            m.max_ticks = 0;
          } else if (now.max_ticks > p.max_ticks) {
            m.max_ticks = now.max_ticks;
          } else {
            m.max_ticks = std::min(stats::bucket_midpoint(top), now.max_ticks);
          }
          m.latency = collapse_latency(m.ticks, m.max_ticks, m.ticks_per_ns);
          m.start_unix_ns = p.time_unix_ns;
        }
        pending_[key] = std::move(now);
      }
    }
  }
  return out;
}

void DeltaFigures::commit() {
  // Series no longer published are forgotten; the others move on.
  committed_ = std::move(pending_);
  pending_.clear();
}

}  // namespace clrprobe::exporter
