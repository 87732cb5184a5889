// What one consumer (the /metrics endpoint, the OTLP pusher) still publishes
// of a scan: a process that exited, or a probe that was removed, is published
// once more with its final figures, then dropped (until its files are gone,
// the collector still reads it; this filter hides it).
//
//   exited process   published once if this consumer saw it running, or if
//                    its stats region was created after the exporter started
//                    (a short-lived process between two scrapes); the files
//                    of processes that exited before are never published
//   removed probe    published once if this consumer saw it before it was
//                    removed, or saw its process in an earlier scan (added
//                    and removed between two scrapes), or the process started
//                    after the exporter
//
// "Once" means: in one select() whose selection was commit()ted. The /metrics
// endpoint commits as it answers; the OTLP pusher only after the collector
// accepted the request, so a failed push retries the final figures too.
// Not thread-safe: one instance per consumer, used under its lock.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "export/snapshot.h"

namespace clrprobe::exporter {

class FinalOnce {
 public:
  explicit FinalOnce(uint64_t exporter_start_unix_ns) : start_unix_ns_(exporter_start_unix_ns) {}

  using ProbeKey = std::pair<ProcessKey, int64_t>;
  struct Selection {
    HostSnapshot snapshot;                  // what to publish now
    std::vector<ProcessKey> final_processes;  // published in their final state
    std::vector<ProbeKey> final_probes;
  };

  Selection select(const HostSnapshot& scan);
  // The selection was published: its final items are dropped from now on.
  void commit(const Selection& selection);

 private:
  uint64_t start_unix_ns_;
  std::set<ProcessKey> seen_;          // in an earlier select()
  std::set<ProcessKey> seen_alive_;
  std::set<ProbeKey> seen_live_probes_;
  std::set<ProcessKey> dropped_processes_;
  std::set<ProbeKey> dropped_probes_;
};

}  // namespace clrprobe::exporter
