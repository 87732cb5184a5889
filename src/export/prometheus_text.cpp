#include "export/prometheus_text.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace clrprobe::exporter {
namespace {

struct Label {
  std::string_view name;
  std::string value;
};

void append_labels(std::string& out, const std::vector<Label>& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const Label& label : labels) {
    if (!first) out += ',';
    first = false;
    out += label.name;
    out += "=\"";
    out += escape_label_value(label.value);
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, const std::vector<Label>& labels,
                   const std::string& value) {
  out += name;
  append_labels(out, labels);
  out += ' ';
  out += value;
  out += '\n';
}

void append_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type);
}

std::vector<Label> process_labels(const ProcessSnapshot& p) {
  return {{"pid", std::to_string(p.key.pid)}, {"process", p.name}};
}

std::vector<Label> method_labels(const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
  std::vector<Label> labels = process_labels(p);
  labels.push_back({"probe_id", std::to_string(probe.id)});
  labels.push_back({"selector", probe.selector});
  labels.push_back({"method", m.method});
  return labels;
}

template <typename Fn>
void for_each_method(const HostSnapshot& s, Fn fn) {
  for (const ProcessSnapshot& p : s.processes) {
    for (const ProbeSnapshot& probe : p.probes) {
      for (const MethodFigures& m : probe.methods) fn(p, probe, m);
    }
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string prometheus_text(const HostSnapshot& s) {
  std::string out;
  out.reserve(4096);

  append_header(out, "clrprobe_processes", "gauge",
                "Processes running the clrprobe agent whose figures this exporter publishes.");
  std::size_t running = 0;
  for (const ProcessSnapshot& p : s.processes) running += p.alive ? 1 : 0;
  append_sample(out, "clrprobe_processes", {}, std::to_string(running));

  append_header(out, "clrprobe_up", "gauge",
                "1 while the process runs; 0 in the one scrape that publishes its final figures after it exited.");
  for (const ProcessSnapshot& p : s.processes) append_sample(out, "clrprobe_up", process_labels(p), p.alive ? "1" : "0");

  append_header(out, "clrprobe_probe_methods", "gauge",
                "Methods a probe instruments (0 for a pending probe, whose assembly is not loaded yet).");
  for (const ProcessSnapshot& p : s.processes) {
    for (const ProbeSnapshot& probe : p.probes) {
      std::vector<Label> labels = process_labels(p);
      labels.push_back({"probe_id", std::to_string(probe.id)});
      labels.push_back({"selector", probe.selector});
      labels.push_back({"state", probe.state});
      append_sample(out, "clrprobe_probe_methods", labels, std::to_string(probe.methods.size()));
    }
  }

  append_header(out, "clrprobe_calls_total", "counter", "Calls of a probed method since its probe was added.");
  for_each_method(s, [&](const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
    append_sample(out, "clrprobe_calls_total", method_labels(p, probe, m), std::to_string(m.calls));
  });

  append_header(out, "clrprobe_exceptions_total", "counter",
                "Calls of a probed method that ended with an exception, since its probe was added.");
  for_each_method(s, [&](const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
    append_sample(out, "clrprobe_exceptions_total", method_labels(p, probe, m), std::to_string(m.exceptions));
  });

  append_header(out, "clrprobe_cancelled_total", "counter",
                "Calls of a probed async method whose task was cancelled, since its probe was added.");
  for_each_method(s, [&](const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
    append_sample(out, "clrprobe_cancelled_total", method_labels(p, probe, m), std::to_string(m.cancelled));
  });

  append_header(out, "clrprobe_in_flight", "gauge",
                "Calls of a probed method started and not finished (async: tasks pending).");
  for_each_method(s, [&](const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
    append_sample(out, "clrprobe_in_flight", method_labels(p, probe, m), std::to_string(m.in_flight));
  });

  append_header(out, "clrprobe_latency_seconds", "histogram",
                "Latency of completed calls of a probed method (sum approximate: bucket midpoints, within 6.25%).");
  const auto bounds = latency_bounds_seconds();
  for_each_method(s, [&](const ProcessSnapshot& p, const ProbeSnapshot& probe, const MethodFigures& m) {
    std::vector<Label> labels = method_labels(p, probe, m);
    const std::vector<uint64_t> running_counts = cumulative_counts(m.latency.counts);
    labels.push_back({"le", ""});
    for (std::size_t i = 0; i < running_counts.size(); ++i) {
      labels.back().value = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
      append_sample(out, "clrprobe_latency_seconds_bucket", labels, std::to_string(running_counts[i]));
    }
    labels.pop_back();
    append_sample(out, "clrprobe_latency_seconds_sum", labels, format_value(m.latency.sum_seconds));
    append_sample(out, "clrprobe_latency_seconds_count", labels, std::to_string(m.latency.count));
  });
  return out;
}

}  // namespace clrprobe::exporter
