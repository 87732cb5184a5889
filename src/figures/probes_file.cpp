#include "figures/probes_file.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace clrprobe::figures {
namespace {

using nlohmann::json;

Error invalid(const std::string& what) { return make_error(Reason::InvalidInput, what); }

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// A non-negative integer (counts, baselines).
std::optional<uint64_t> as_count(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer()) {
    const auto v = value.get<int64_t>();
    if (v >= 0) return static_cast<uint64_t>(v);
  }
  return std::nullopt;
}

std::string text_or(const json& object, const char* key, std::string fallback) {
  const json* v = member(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : fallback;
}

double number_or_zero(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_number()) return 0;
  const double d = v->get<double>();
  return std::isfinite(d) && d >= 0 ? d : 0;
}

Result<MethodRef> parse_method(const json& entry, const std::string& where) {
  MethodRef method;
  if (entry.is_string()) {  // bare name: no slot
    method.name = entry.get<std::string>();
    return method;
  }
  if (!entry.is_object()) return invalid(where + " is neither a name nor an object");
  method.name = text_or(entry, "name", "");
  if (const json* slot = member(entry, "slot")) {
    if (!slot->is_number_integer()) return invalid(where + ": slot is not an integer");
    const auto s = slot->get<int64_t>();
    if (s < -1 || s > INT32_MAX) return invalid(where + ": slot " + std::to_string(s) + " is out of range");
    method.slot = static_cast<int32_t>(s);
  }
  if (const json* async = member(entry, "async"); async != nullptr && async->is_boolean()) {
    method.async = async->get<bool>();
  }
  if (const json* timed = member(entry, "timed"); timed != nullptr && timed->is_boolean()) {
    method.timed = timed->get<bool>();
  }
  method.measures = text_or(entry, "measures", "");
  method.kind = text_or(entry, "kind", "");
  method.instrumentation = text_or(entry, "instrumentation", "");
  if (const json* sites = member(entry, "self_tail_calls")) method.self_tail_calls = as_count(*sites).value_or(0);
  if (const json* baseline = member(entry, "baseline")) {
    if (!baseline->is_object()) return invalid(where + ": baseline is not an object");
    for (auto [key, out] : {std::pair{"calls", &method.baseline_calls},
                            std::pair{"exceptions", &method.baseline_exceptions},
                            std::pair{"cancelled", &method.baseline_cancelled}}) {
      const json* v = member(*baseline, key);
      if (v == nullptr) continue;
      auto count = as_count(*v);
      if (!count) return invalid(where + ": baseline " + key + " is not a non-negative integer");
      *out = *count;
    }
  }
  return method;
}

std::optional<FinalFigures> parse_final(const json& object) {
  const json* final_json = member(object, "final");
  if (final_json == nullptr || !final_json->is_object()) return std::nullopt;
  FinalFigures f;
  if (const json* v = member(*final_json, "calls")) f.calls = as_count(*v).value_or(0);
  if (const json* v = member(*final_json, "exceptions")) f.exceptions = as_count(*v).value_or(0);
  if (const json* v = member(*final_json, "cancelled")) f.cancelled = as_count(*v).value_or(0);
  if (const json* v = member(*final_json, "in_flight")) f.in_flight = as_count(*v).value_or(0);
  if (const json* latency = member(*final_json, "latency_ns"); latency != nullptr && latency->is_object()) {
    f.latency.p50 = number_or_zero(*latency, "p50");
    f.latency.p90 = number_or_zero(*latency, "p90");
    f.latency.p99 = number_or_zero(*latency, "p99");
    f.latency.max = number_or_zero(*latency, "max");
  }
  return f;
}

}  // namespace

Result<ProbeEntry> parse_probe_object(const json& object) {
  if (!object.is_object()) return invalid("probe is not a JSON object");
  ProbeEntry probe;
  const json* id = member(object, "id");
  if (id == nullptr || !id->is_number_integer() || id->get<int64_t>() < 0) {
    return invalid("probe has no valid \"id\"");
  }
  probe.id = id->get<int64_t>();
  const std::string where = "probe " + std::to_string(probe.id);
  probe.selector = text_or(object, "selector", "");
  probe.state = text_or(object, "state", "");
  if (probe.state.empty()) {
    // Older reports carried booleans instead of a state.
    const json* removed = member(object, "removed");
    const json* pending = member(object, "pending");
    probe.state = removed != nullptr && removed->is_boolean() && removed->get<bool>()   ? "removed"
                  : pending != nullptr && pending->is_boolean() && pending->get<bool>() ? "pending"
                                                                                        : "active";
  }
  if (const json* methods = member(object, "methods")) {
    if (!methods->is_array()) return invalid(where + ": \"methods\" is not an array");
    for (std::size_t i = 0; i < methods->size(); ++i) {
      auto method = parse_method((*methods)[i], where + " method " + std::to_string(i + 1));
      if (!method) return method.error();
      probe.methods.push_back(std::move(*method));
    }
  }
  if (const json* refused = member(object, "refused"); refused != nullptr && refused->is_array()) {
    for (const json& r : *refused) {
      if (r.is_string()) {
        probe.refused.push_back({r.get<std::string>(), ""});
      } else if (r.is_object()) {
        probe.refused.push_back({text_or(r, "method", "?"), text_or(r, "reason", "")});
      }
    }
  }
  probe.note = text_or(object, "note", "");
  probe.kind = text_or(object, "kind", "full");
  if (const json* sample = member(object, "sample")) probe.sample = as_count(*sample).value_or(0);
  if (const json* disarmed = member(object, "disarmed")) probe.disarmed = as_count(*disarmed).value_or(0);
  if (const json* added = member(object, "added_unix_ns")) probe.added_unix_ns = as_count(*added).value_or(0);
  probe.final_figures = parse_final(object);
  if (const json* ttl = member(object, "ttl_ms")) probe.ttl_ms = as_count(*ttl).value_or(0);
  if (const json* pct = member(object, "max_overhead_pct"); pct != nullptr && pct->is_number()) {
    probe.max_overhead_pct = pct->get<double>();
  }
  if (const json* at = member(object, "expired_unix_ns")) probe.expired_unix_ns = as_count(*at).value_or(0);
  if (const json* s = member(object, "suspended"); s != nullptr && s->is_object()) {
    if (const json* e = member(*s, "estimate_pct"); e != nullptr && e->is_number()) {
      probe.suspended_estimate_pct = e->get<double>();
    }
    if (const json* at = member(*s, "unix_ns")) probe.suspended_unix_ns = as_count(*at).value_or(0);
  }
  return probe;
}

Result<ProbesFile> parse_probes_file(const json& document) {
  if (!document.is_object()) return invalid("probes file is not a JSON object");
  ProbesFile file;
  if (const json* pid = member(document, "pid")) {
    if (!pid->is_number_integer()) return invalid("probes file: \"pid\" is not an integer");
    file.pid = static_cast<int32_t>(pid->get<int64_t>());
  }
  const json* probes = member(document, "probes");
  if (probes == nullptr) return file;
  if (!probes->is_array()) return invalid("probes file: \"probes\" is not an array");
  for (std::size_t i = 0; i < probes->size(); ++i) {
    auto probe = parse_probe_object((*probes)[i]);
    if (!probe) {
      return invalid("probes file: entry " + std::to_string(i + 1) + ": " + probe.error().message);
    }
    file.probes.push_back(std::move(*probe));
  }
  return file;
}

Result<ProbesFile> read_probes_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return make_error(err == ENOENT ? Reason::NotFound : Reason::Io,
                      "cannot read " + path + ": " + std::strerror(err));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  json document = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return invalid(path + " is not valid JSON");
  auto file = parse_probes_file(document);
  if (!file) return invalid(path + ": " + file.error().message);
  return file;
}

json probe_object_json(const ProbeEntry& probe) {
  json methods = json::array();
  for (const MethodRef& m : probe.methods) {
    json entry = {{"name", m.name}, {"slot", m.slot}, {"async", m.async}};
    if (!m.measures.empty()) entry["measures"] = m.measures;
    if (!m.timed) entry["timed"] = false;
    if (!m.kind.empty()) entry["kind"] = m.kind;
    if (!m.instrumentation.empty()) entry["instrumentation"] = m.instrumentation;
    if (m.self_tail_calls != 0) entry["self_tail_calls"] = m.self_tail_calls;
    if (m.baseline_calls != 0 || m.baseline_exceptions != 0 || m.baseline_cancelled != 0) {
      entry["baseline"] = {
          {"calls", m.baseline_calls}, {"exceptions", m.baseline_exceptions}, {"cancelled", m.baseline_cancelled}};
    }
    methods.push_back(std::move(entry));
  }
  json refused = json::array();
  for (const RefusedMethod& r : probe.refused) refused.push_back({{"method", r.method}, {"reason", r.reason}});
  json object = {{"id", probe.id},
                 {"selector", probe.selector},
                 {"state", probe.state},
                 {"methods", std::move(methods)},
                 {"refused", std::move(refused)}};
  if (!probe.note.empty()) object["note"] = probe.note;
  if (probe.kind != "full") object["kind"] = probe.kind;
  if (probe.sample != 0) object["sample"] = probe.sample;
  if (probe.disarmed != 0) object["disarmed"] = probe.disarmed;
  if (probe.added_unix_ns != 0) object["added_unix_ns"] = probe.added_unix_ns;
  if (probe.ttl_ms != 0) object["ttl_ms"] = probe.ttl_ms;
  if (probe.max_overhead_pct != 0) object["max_overhead_pct"] = probe.max_overhead_pct;
  if (probe.expired_unix_ns != 0) object["expired_unix_ns"] = probe.expired_unix_ns;
  if (probe.suspended()) {
    object["suspended"] = {{"reason", "over budget"},
                           {"estimate_pct", probe.suspended_estimate_pct},
                           {"max_overhead_pct", probe.max_overhead_pct},
                           {"unix_ns", probe.suspended_unix_ns}};
  }
  if (probe.final_figures) {
    const FinalFigures& f = *probe.final_figures;
    object["final"] = {{"calls", f.calls},
                       {"exceptions", f.exceptions},
                       {"cancelled", f.cancelled},
                       {"in_flight", f.in_flight},
                       {"latency_ns",
                        {{"p50", f.latency.p50}, {"p90", f.latency.p90}, {"p99", f.latency.p99}, {"max", f.latency.max}}}};
  }
  return object;
}

}  // namespace clrprobe::figures
