#include "agent/probe_json.h"

#include <algorithm>
#include <string>
#include <vector>

#include "agent/budget_json.h"
#include "figures/probe_figures.h"
#include "figures/probes_file.h"
#include "stats/stats_reader.h"

namespace clrprobe::agent {

namespace {

// A removed probe lists this many refusals and methods (with refused_total
// and methods_total).
constexpr size_t kListedRefusals = 100;
constexpr size_t kListedWhenRemoved = 100;
// Notes naming methods name this many, then "and N more".
constexpr size_t kNamedInNote = 3;

// "A::M(), B::N() and 4 more"
std::string name_some(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < kNamedInNote; ++i) text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kNamedInNote) text += " and " + std::to_string(names.size() - kNamedInNote) + " more";
  return text;
}

}  // namespace

nlohmann::json probe_figures(const Probe& probe, const ProbeRegistry& registry, const stats::StatsReader* reader) {
  if ((probe.state == ProbeState::Removed || probe.suspended) && probe.final_figures.is_object()) {
    return probe.final_figures;
  }
  // The same aggregation the CLI and the exporter apply to the probes file
  // (slots summed, baselines subtracted): one definition of a probe's figures.
  auto entry = figures::parse_probe_object(probe_object(probe, registry, /*complete=*/true));
  figures::ProbeFigures sum = entry ? figures::probe_figures(*entry, reader) : figures::ProbeFigures{};
  const figures::LatencyNs latency = sum.latency();
  return {{"calls", sum.calls},
          {"exceptions", sum.exceptions},
          {"cancelled", sum.cancelled},
          {"in_flight", sum.in_flight},
          {"timed_calls", sum.completed},
          {"latency_ns", {{"p50", latency.p50}, {"p90", latency.p90}, {"p99", latency.p99}, {"max", latency.max}}}};
}

nlohmann::json probe_object(const Probe& probe, const ProbeRegistry& registry, bool complete) {
  nlohmann::json methods = nlohmann::json::array();
  std::vector<std::string> notes;  // what the probe's methods measure, when not plain calls
  auto note_once = [&](std::string text) {
    if (std::find(notes.begin(), notes.end(), text) == notes.end()) notes.push_back(std::move(text));
  };
  // A removed probe is read through its final figures, so its method list is
  // only shown in part: probes of thousands of methods, added and removed
  // again, must not make `list` or the probes file grow without bound.
  const bool removed = probe.state == ProbeState::Removed && !complete;
  std::vector<std::string> count_only;  // "name (reason)"
  std::vector<std::string> self_recursive;
  std::vector<std::string> sampled;  // "name (1 in N)"
  size_t shown = 0;
  size_t disarmed = 0;
  for (const auto& pm : probe.methods) {
    auto method = registry.method(pm.key);
    if (method && instrumentation_of(*method) == Instrumentation::Disarmed) ++disarmed;
  }
  for (const auto& pm : probe.methods) {
    if (removed && shown == kListedWhenRemoved) break;
    ++shown;
    auto method = registry.method(pm.key);
    if (!method) continue;
    const bool to_completion = method->measure == MethodMeasure::Task && !method->task_fallback &&
                               method->coverage.shape == il::ProbeShape::Timed;
    nlohmann::json entry = {{"name", method->display_name}, {"slot", method->slot}, {"async", to_completion}};
    entry["kind"] = selector::probe_kind_name(method->kind.kind);
    entry["instrumentation"] = instrumentation_name(instrumentation_of(*method));
    if (method->measure != MethodMeasure::Call) entry["measures"] = method_measure_name(method->measure);
    const ProbeCoverage& coverage = method->coverage;
    if (coverage.shape == il::ProbeShape::CountOnly) {
      // Only calls: the readers must not take calls - Σbuckets for calls in flight.
      entry["measures"] = std::string("calls only (") + coverage.count_only_reason + ")";
      entry["timed"] = false;
      count_only.push_back(method->display_name + " (" + coverage.count_only_reason + ")");
    } else if (method->kind.kind == selector::ProbeKind::Sampled) {
      // Calls and exceptions exact, latency of one call in N: calls in flight unknown.
      entry["measures"] = "calls and exceptions, latency sampled (1 in " + std::to_string(method->kind.sample) + ")";
      entry["timed"] = false;
      entry["sample"] = method->kind.sample;
      sampled.push_back(method->display_name + " (1 in " + std::to_string(method->kind.sample) + ")");
    }
    if (coverage.self_tail_calls != 0) {
      entry["self_tail_calls"] = coverage.self_tail_calls;
      self_recursive.push_back(method->display_name);
    }
    if (method->task_fallback) entry["task_fallback"] = *method->task_fallback;
    if (pm.baseline_calls != 0 || pm.baseline_exceptions != 0 || pm.baseline_cancelled != 0) {
      entry["baseline"] = {
          {"calls", pm.baseline_calls}, {"exceptions", pm.baseline_exceptions}, {"cancelled", pm.baseline_cancelled}};
    }
    switch (method->measure) {
      case MethodMeasure::Task:
        if (method->task_fallback) {
          note_once("task not tracked for some methods (" + *method->task_fallback +
                    "): their latency covers the synchronous part only");
        }
        break;
      case MethodMeasure::Iterator:
        note_once("iterator methods: calls and latency cover creating the enumerator, not enumerating it");
        break;
      case MethodMeasure::StateMachineStep:
        note_once("MoveNext of a compiler-generated state machine: each call is one step of an async method "
                  "or iterator, not a whole call");
        break;
      case MethodMeasure::Call:
        break;
    }
    methods.push_back(std::move(entry));
  }
  if (!count_only.empty()) {
    note_once("calls only, latency and exceptions not measured: " + name_some(count_only) +
              (probe.kind.kind == selector::ProbeKind::Count ? " (counted at entry)"
                                                             : " (counted at entry; their tail calls are kept)"));
  }
  if (!sampled.empty()) {
    note_once("latency sampled, calls and exceptions exact, calls in flight not known: " + name_some(sampled));
  }
  if (!self_recursive.empty()) {
    note_once(
        "self-recursive calls in tail position run inside the probe's try, where the JIT makes no tail "
        "call: each recursion level keeps its stack frame while probed, in " +
        name_some(self_recursive));
  }
  nlohmann::json refused = nlohmann::json::array();
  for (const auto& r : probe.refused) {
    if (removed && refused.size() == kListedRefusals) break;
    refused.push_back({{"method", r.method}, {"reason", r.reason}});
  }
  nlohmann::json object = {{"id", probe.id},
                           {"selector", probe.selector_text},
                           {"state", probe_state_text(probe)},
                           {"kind", selector::probe_kind_name(probe.kind.kind)},
                           {"source", probe_source_name(probe.source)},
                           {"methods", std::move(methods)},
                           {"refused", std::move(refused)}};
  object["methods_total"] = probe.methods.size();
  if (probe.kind.kind == selector::ProbeKind::Sampled) object["sample"] = probe.kind.sample;
  object["disarmed"] = disarmed;
  if (probe.added_unix_ns != 0) object["added_unix_ns"] = probe.added_unix_ns;
  object["refused_total"] = probe.refused.size();
  if (probe.state == ProbeState::Pending && !probe.methods.empty()) {
    object["note"] = "instrumenting: the ReJIT of its methods is being requested";
  } else if (probe.state == ProbeState::Pending) {
    object["note"] = "no loaded module matches yet; the probe applies when a matching assembly loads";
  } else if (!notes.empty()) {
    std::string joined;
    for (const auto& n : notes) joined += (joined.empty() ? "" : "; ") + n;
    object["note"] = joined;
  }
  add_budget_fields(probe, object);
  if ((probe.state == ProbeState::Removed || probe.suspended) && probe.final_figures.is_object()) {
    object["final"] = probe.final_figures;
  }
  return object;
}

}  // namespace clrprobe::agent
