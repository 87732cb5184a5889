#include "export/prometheus_text.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

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

std::vector<Label> process_labels(const ProcessSnapshot& p, const PrometheusOptions& options) {
  std::vector<Label> labels;
  if (options.pid_label) labels.push_back({"pid", std::to_string(p.key.pid)});
  labels.push_back({"process", p.name});
  labels.push_back({"service", p.resource.service_name()});
  return labels;
}

std::string labels_key(const std::vector<Label>& labels) {
  std::string key;
  for (const Label& l : labels) {
    key += l.value;
    key += '\0';
  }
  return key;
}

// Rows of one kind, merged by their labels when the pid label is left out.
template <typename Row>
class Rows {
 public:
  explicit Rows(bool merge) : merge_(merge) {}
  template <typename Merge>
  void add(Row row, Merge merge) {
    if (merge_) {
      auto [it, fresh] = index_.try_emplace(labels_key(row.labels), rows_.size());
      if (!fresh) {
        merge(rows_[it->second], row);
        return;
      }
    }
    rows_.push_back(std::move(row));
  }
  const std::vector<Row>& rows() const { return rows_; }

 private:
  bool merge_;
  std::map<std::string, std::size_t> index_;
  std::vector<Row> rows_;
};

struct UpRow {
  std::vector<Label> labels;
  bool alive = false;
};

struct ProbeRow {
  std::vector<Label> labels;
  std::size_t methods = 0;
};

struct MethodRow {
  std::vector<Label> labels;
  uint64_t calls = 0;
  uint64_t exceptions = 0;
  uint64_t cancelled = 0;
  uint64_t in_flight = 0;
  CollapsedLatency latency;
  uint64_t created_unix_ns = 0;
};

std::string created_value(uint64_t unix_ns) {
  return format_value(static_cast<double>(unix_ns / 1000) / 1e6);  // microseconds are plenty
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

bool accepts_openmetrics(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos;
}

std::string prometheus_text(const HostSnapshot& s, const PrometheusOptions& options) {
  const bool merge = !options.pid_label;
  const bool om = options.openmetrics;
  Rows<UpRow> ups(merge);
  Rows<ProbeRow> probes(merge);
  Rows<MethodRow> methods(merge);
  std::size_t running = 0;
  for (const ProcessSnapshot& p : s.processes) {
    running += p.alive ? 1 : 0;
    ups.add({process_labels(p, options), p.alive}, [](UpRow& a, const UpRow& b) { a.alive = a.alive || b.alive; });
    for (const ProbeSnapshot& probe : p.probes) {
      std::vector<Label> labels = process_labels(p, options);
      labels.push_back({"probe_id", std::to_string(probe.id)});
      labels.push_back({"selector", probe.selector});
      std::vector<Label> probe_labels = labels;
      probe_labels.push_back({"state", probe.state});
      probes.add({std::move(probe_labels), probe.methods.size()},
                 [](ProbeRow& a, const ProbeRow& b) { a.methods = std::max(a.methods, b.methods); });
      for (const MethodFigures& m : probe.methods) {
        MethodRow row{labels,
                      m.calls,
                      m.exceptions,
                      m.cancelled,
                      m.in_flight,
                      m.latency,
                      m.start_unix_ns != 0 ? m.start_unix_ns : p.start_unix_ns};
        row.labels.push_back({"method", m.method});
        methods.add(std::move(row), [](MethodRow& a, const MethodRow& b) {
          a.calls += b.calls;
          a.exceptions += b.exceptions;
          a.cancelled += b.cancelled;
          a.in_flight += b.in_flight;
          for (std::size_t i = 0; i < a.latency.counts.size(); ++i) a.latency.counts[i] += b.latency.counts[i];
          a.latency.count += b.latency.count;
          a.latency.sum_seconds += b.latency.sum_seconds;
          a.latency.max_seconds = std::max(a.latency.max_seconds, b.latency.max_seconds);
          if (b.created_unix_ns != 0 && (a.created_unix_ns == 0 || b.created_unix_ns < a.created_unix_ns)) {
            a.created_unix_ns = b.created_unix_ns;
          }
        });
      }
    }
  }

  std::string out;
  out.reserve(4096 + methods.rows().size() * 12'000);

  append_header(out, "clrprobe_processes", "gauge",
                "Processes running the clrprobe agent whose figures this exporter publishes.");
  append_sample(out, "clrprobe_processes", {}, std::to_string(running));

  append_header(out, "clrprobe_up", "gauge",
                "1 while the process runs; 0 in the one scrape that publishes its final figures after it exited.");
  for (const UpRow& row : ups.rows()) append_sample(out, "clrprobe_up", row.labels, row.alive ? "1" : "0");

  append_header(out, "clrprobe_probe_methods", "gauge",
                "Methods a probe instruments (0 for a pending probe, whose assembly is not loaded yet).");
  for (const ProbeRow& row : probes.rows()) {
    append_sample(out, "clrprobe_probe_methods", row.labels, std::to_string(row.methods));
  }

  // A counter: OpenMetrics names the family without _total and adds _created.
  auto counter = [&](const std::string& name, const char* help, uint64_t MethodRow::*field) {
    append_header(out, om ? name : name + "_total", "counter", help);
    for (const MethodRow& row : methods.rows()) {
      append_sample(out, name + "_total", row.labels, std::to_string(row.*field));
      if (om && row.created_unix_ns != 0)
        append_sample(out, name + "_created", row.labels, created_value(row.created_unix_ns));
    }
  };
  counter("clrprobe_calls", "Calls of a probed method since its probe was added.", &MethodRow::calls);
  counter("clrprobe_exceptions", "Calls of a probed method that ended with an exception, since its probe was added.",
          &MethodRow::exceptions);
  counter("clrprobe_cancelled", "Calls of a probed async method whose task was cancelled, since its probe was added.",
          &MethodRow::cancelled);

  append_header(out, "clrprobe_in_flight", "gauge",
                "Calls of a probed method started and not finished (async: tasks pending).");
  for (const MethodRow& row : methods.rows()) {
    append_sample(out, "clrprobe_in_flight", row.labels, std::to_string(row.in_flight));
  }

  append_header(out, "clrprobe_latency_seconds", "histogram",
                "Latency of completed calls of a probed method (sum approximate: bucket midpoints, within 6.25%).");
  if (om) out += "# UNIT clrprobe_latency_seconds seconds\n";
  const auto bounds = latency_bounds_seconds();
  for (const MethodRow& row : methods.rows()) {
    std::vector<Label> labels = row.labels;
    const std::vector<uint64_t> running_counts = cumulative_counts(row.latency.counts);
    labels.push_back({"le", ""});
    for (std::size_t i = 0; i < running_counts.size(); ++i) {
      labels.back().value = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
      append_sample(out, "clrprobe_latency_seconds_bucket", labels, std::to_string(running_counts[i]));
    }
    labels.pop_back();
    append_sample(out, "clrprobe_latency_seconds_sum", labels, format_value(row.latency.sum_seconds));
    append_sample(out, "clrprobe_latency_seconds_count", labels, std::to_string(row.latency.count));
    if (om && row.created_unix_ns != 0) {
      append_sample(out, "clrprobe_latency_seconds_created", labels, created_value(row.created_unix_ns));
    }
  }
  if (om) out += "# EOF\n";
  return out;
}

}  // namespace clrprobe::exporter
