// The probe object of docs/PROTOCOL.md, shared by control replies, the
// probes file and the exit report, plus the figures a probe has gathered.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/probe_registry.h"

namespace clrprobe::stats {
class StatsReader;
}

namespace clrprobe::agent {

// {"calls", "exceptions", "cancelled", "in_flight", "latency_ns": {p50, p90,
// p99, max}} since the probe attached (baselines subtracted; in_flight is a
// gauge, as of now). A removed probe returns its final figures.
nlohmann::json probe_figures(const Probe& probe, const ProbeRegistry& registry, const stats::StatsReader* reader);

// The protocol's probe object: id, selector, state, methods (name, slot,
// async, baseline), refused, note, and `final` for removed probes.
// `complete`: every method and refusal (the exit report); otherwise long
// lists are cut (with methods_total / refused_total) to keep replies bounded.
nlohmann::json probe_object(const Probe& probe, const ProbeRegistry& registry, bool complete = false);

}  // namespace clrprobe::agent
