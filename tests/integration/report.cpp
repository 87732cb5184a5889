#include "report.h"

namespace clrprobe::itest {
namespace {

std::optional<Latency> ParseLatency(const nlohmann::json& probe) {
  auto it = probe.find("latency_ns");
  if (it == probe.end() || !it->is_object()) return std::nullopt;
  Latency l;
  for (auto [key, field] : {std::pair{"p50", &l.p50}, {"p90", &l.p90}, {"p99", &l.p99}, {"max", &l.max}}) {
    auto v = it->find(key);
    if (v == it->end() || !v->is_number()) return std::nullopt;
    *field = v->get<double>();
  }
  return l;
}

std::vector<std::string> ParseMethods(const nlohmann::json& methods) {
  std::vector<std::string> out;
  for (const auto& m : methods) {
    out.push_back(m.is_object() ? m.at("name").get<std::string>() : m.get<std::string>());
  }
  return out;
}

}  // namespace

std::optional<Report> ParseReport(const std::string& text, std::string* error) {
  try {
    Report report;
    report.raw = nlohmann::json::parse(text);
    report.pid = report.raw.at("pid").get<int64_t>();
    for (const auto& p : report.raw.at("probes")) {
      ProbeReport probe;
      probe.raw = p;
      probe.id = p.value("id", int64_t{0});
      probe.selector = p.at("selector").get<std::string>();
      probe.state = p.value("state", std::string());
      probe.methods = ParseMethods(p.at("methods"));
      probe.calls = p.at("calls").get<int64_t>();
      probe.exceptions = p.at("exceptions").get<int64_t>();
      probe.cancelled = p.value("cancelled", int64_t{0});
      probe.in_flight = p.value("in_flight", int64_t{0});
      probe.latency = ParseLatency(p);
      report.probes.push_back(std::move(probe));
    }
    return report;
  } catch (const std::exception& e) {
    if (error != nullptr) *error = e.what();
    return std::nullopt;
  }
}

const ProbeReport* FindProbe(const Report& report, const std::string& selector) {
  for (const auto& p : report.probes) {
    if (p.selector == selector) return &p;
  }
  return nullptr;
}

const ProbeReport* FindProbeById(const Report& report, int64_t id) {
  for (const auto& p : report.probes) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace clrprobe::itest
