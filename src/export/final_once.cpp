#include "export/final_once.h"

#include <iterator>

namespace clrprobe::exporter {
namespace {

// Forgets what belongs to processes whose files are gone.
template <typename Set, typename KeyOf>
void prune(Set& set, const std::set<ProcessKey>& present, KeyOf key_of) {
  for (auto it = set.begin(); it != set.end();) {
    it = present.count(key_of(*it)) == 0 ? set.erase(it) : std::next(it);
  }
}

}  // namespace

FinalOnce::Selection FinalOnce::select(const HostSnapshot& scan) {
  Selection out;
  out.snapshot.time_unix_ns = scan.time_unix_ns;
  std::set<ProcessKey> present;
  for (const ProcessSnapshot& process : scan.processes) {
    const ProcessKey key = process.key;
    present.insert(key);
    if (dropped_processes_.count(key) != 0) continue;
    const bool known_before = seen_.count(key) != 0;
    const bool started_after_us = process.region_created_unix_ns >= start_unix_ns_;
    seen_.insert(key);
    if (process.alive) {
      seen_alive_.insert(key);
    } else if (seen_alive_.count(key) == 0 && !started_after_us) {
      dropped_processes_.insert(key);  // exited before we ever saw it: never published
      continue;
    }
    ProcessSnapshot published = process;
    published.probes.clear();
    for (const ProbeSnapshot& probe : process.probes) {
      const ProbeKey probe_key{key, probe.id};
      if (dropped_probes_.count(probe_key) != 0) continue;
      if (!probe.removed()) {
        seen_live_probes_.insert(probe_key);
      } else if (seen_live_probes_.count(probe_key) == 0 && !known_before && !started_after_us) {
        dropped_probes_.insert(probe_key);  // removed before we ever saw it
        continue;
      } else {
        out.final_probes.push_back(probe_key);
      }
      published.probes.push_back(probe);
    }
    if (!process.alive) out.final_processes.push_back(key);
    out.snapshot.processes.push_back(std::move(published));
  }
  auto process_of = [](const ProcessKey& k) { return k; };
  auto probe_process = [](const ProbeKey& k) { return k.first; };
  prune(seen_, present, process_of);
  prune(seen_alive_, present, process_of);
  prune(dropped_processes_, present, process_of);
  prune(seen_live_probes_, present, probe_process);
  prune(dropped_probes_, present, probe_process);
  return out;
}

void FinalOnce::commit(const Selection& selection) {
  dropped_processes_.insert(selection.final_processes.begin(), selection.final_processes.end());
  dropped_probes_.insert(selection.final_probes.begin(), selection.final_probes.end());
}

}  // namespace clrprobe::exporter
