#include "cli/report_table.h"

#include "cli/budget_text.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "cli/text_table.h"

namespace clrprobe::cli {
namespace {

using nlohmann::json;

const json* field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::optional<double> get_number(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  double d = v->get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::uint64_t> get_count(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer()) {
    auto i = v->get<std::int64_t>();
    return i < 0 ? std::nullopt : std::optional<std::uint64_t>(static_cast<std::uint64_t>(i));
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d < 0 || d > 1.8e19) return std::nullopt;
    return static_cast<std::uint64_t>(std::llround(d));
  }
  return std::nullopt;
}

// Strings as they are, numbers and booleans as JSON text.
std::optional<std::string> get_text(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return std::nullopt;
}

bool get_flag(const json& obj, const char* key) {
  const json* v = field(obj, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

// A method entry is normally a string; accept {"name": ...} objects too.
std::optional<std::string> method_name(const json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  for (const char* key : {"name", "method", "display_name"}) {
    if (auto t = get_text(entry, key)) return t;
  }
  return std::nullopt;
}

// "  calls 12, exceptions 1, p50 3.1 ms" for a method entry with its own
// figures (a probe of several methods); "" when it has none.
std::string method_figures_text(const json* detail) {
  if (detail == nullptr) return "";
  const json* figures = field(*detail, "figures");
  if (figures == nullptr) return "";
  auto calls = get_count(*figures, "calls");
  if (!calls) return "";
  std::string text = "  calls " + format_count(*calls);
  for (const char* key : {"exceptions", "cancelled", "in_flight"}) {
    auto n = get_count(*figures, key);
    if (n && *n != 0) text += fmt::format(", {} {}", std::string(key) == "in_flight" ? "in flight" : key, format_count(*n));
  }
  const json* latency = field(*figures, "latency_ns");
  if (*calls != 0 && latency != nullptr) {
    if (auto p50 = get_number(*latency, "p50")) text += ", p50 " + format_duration_ns(*p50);
  }
  return text;
}

struct Row {
  std::string id;
  std::string state;
  std::string selector;
  std::string calls;
  std::string exceptions;
  std::string cancelled;
  std::string in_flight;
  std::string p50, p90, p99, max;
  std::vector<std::string> notes;  // lines printed under the row
};

Row make_row(const json& probe, std::size_t index, const TableOptions& options) {
  Row row;
  row.id = get_text(probe, "id").value_or("#" + std::to_string(index + 1));
  row.selector = get_text(probe, "selector").value_or("-");
  row.state = get_text(probe, "state").value_or(get_flag(probe, "removed")   ? "removed"
                                                : get_flag(probe, "pending") ? "pending"
                                                                             : "active");
  const bool pending = row.state == "pending";
  auto calls = get_count(probe, "calls");
  auto exceptions = get_count(probe, "exceptions");
  row.calls = calls ? format_count(*calls) : "-";
  row.exceptions = exceptions ? format_count(*exceptions) : "-";
  // Reports of older agents have neither: "-", not a made-up 0.
  auto cancelled = get_count(probe, "cancelled");
  auto in_flight = get_count(probe, "in_flight");
  row.cancelled = cancelled ? format_count(*cancelled) : "-";
  row.in_flight = in_flight ? format_count(*in_flight) : "-";

  const json* latency = field(probe, "latency_ns");
  auto latency_text = [&](const char* key) -> std::string {
    // Without calls the percentiles are meaningless zeros.
    if (latency == nullptr || (calls && *calls == 0)) return "-";
    auto v = get_number(*latency, key);
    return v ? format_duration_ns(*v) : "-";
  };
  row.p50 = latency_text("p50");
  row.p90 = latency_text("p90");
  row.p99 = latency_text("p99");
  row.max = latency_text("max");

  if (!options.state_column) {
    if (row.state == "removed") row.notes.push_back("removed");
    if (pending) row.notes.push_back("pending: not applied yet");
  }
  for (auto& line : budget_notes(probe)) row.notes.push_back(std::move(line));

  const json* methods = field(probe, "methods");
  const json* details = field(probe, "method_details");
  std::size_t method_count = 0;
  if (methods != nullptr && methods->is_array()) {
    std::size_t limit = options.max_methods.value_or(methods->size());
    for (std::size_t i = 0; i < methods->size(); ++i) {
      auto name = method_name((*methods)[i]);
      if (!name) continue;
      if (method_count < limit) {
        const json* detail = details != nullptr && details->is_array() && i < details->size() ? &(*details)[i] : nullptr;
        row.notes.push_back(*name + method_figures_text(detail));
      }
      ++method_count;
    }
    if (method_count > limit) {
      row.notes.push_back(fmt::format("... and {} more method{} (--all-methods lists them)",
                                      method_count - limit, method_count - limit == 1 ? "" : "s"));
    }
  }

  const json* refused = field(probe, "refused");
  std::size_t refused_count = 0;
  if (refused != nullptr && refused->is_array()) {
    for (const json& r : *refused) {
      ++refused_count;
      if (r.is_string()) {
        row.notes.push_back("refused: " + r.get<std::string>());
        continue;
      }
      std::string what = get_text(r, "method").value_or("?");
      auto reason = get_text(r, "reason");
      row.notes.push_back("refused: " + what + (reason ? " (" + *reason + ")" : ""));
    }
  }
  if (method_count == 0 && refused_count == 0 && !pending) {
    row.notes.push_back("matched no method");
  }
  if (auto note = get_text(probe, "note"); note && !note->empty()) row.notes.push_back("note: " + *note);
  return row;
}

}  // namespace

Result<json> load_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Reason::Io, "cannot read report '" + path + "': " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.empty()) return make_error(Reason::InvalidInput, "report '" + path + "' is empty");
  json report;
  try {
    report = json::parse(text);
  } catch (const json::parse_error& e) {
    return make_error(Reason::InvalidInput, "report '" + path + "' is not valid JSON: " + e.what());
  }
  if (!report.is_object()) {
    return make_error(Reason::InvalidInput, "report '" + path + "' is not a JSON object");
  }
  return report;
}

std::string format_report_table(const json& report, const TableOptions& options) {
  std::vector<Row> rows;
  const json* probes = field(report, "probes");
  if (probes != nullptr && probes->is_array()) {
    for (std::size_t i = 0; i < probes->size(); ++i) {
      rows.push_back(make_row((*probes)[i], i, options));
    }
  }

  std::string out;
  if (options.heading) {
    out += *options.heading + "\n";
  } else {
    auto pid = get_text(report, "pid");
    out += fmt::format("clrprobe report{}: {} probe{}\n", pid ? " for pid " + *pid : "", rows.size(),
                       rows.size() == 1 ? "" : "s");
  }
  if (auto stats = get_text(report, "stats_file")) out += "stats file: " + *stats + "\n";
  if (rows.empty()) return out;
  out += "\n";

  std::vector<Column> columns = {{"ID", Align::Right}};
  if (options.state_column) columns.push_back({"STATE", Align::Left});
  for (Column c : {Column{"SELECTOR", Align::Left, true}, Column{"CALLS", Align::Right},
                   Column{"EXCEPTIONS", Align::Right}, Column{"CANCELLED", Align::Right},
                   Column{"IN FLIGHT", Align::Right}, Column{"P50", Align::Right}, Column{"P90", Align::Right},
                   Column{"P99", Align::Right}, Column{"MAX", Align::Right}}) {
    columns.push_back(std::move(c));
  }
  TextTable table(std::move(columns));
  for (Row& r : rows) {
    std::vector<std::string> cells = {r.id};
    if (options.state_column) cells.push_back(r.state);
    for (std::string* c :
         {&r.selector, &r.calls, &r.exceptions, &r.cancelled, &r.in_flight, &r.p50, &r.p90, &r.p99, &r.max}) {
      cells.push_back(std::move(*c));
    }
    table.add_row(std::move(cells), std::move(r.notes));
  }
  return out + table.render(options.max_width);
}

std::string format_duration_ns(double ns) {
  if (!std::isfinite(ns) || ns < 0) return "-";
  if (std::round(ns) < 1000) return fmt::format("{:.0f} ns", ns);
  static constexpr const char* kUnits[] = {"µs", "ms", "s"};
  double value = ns;
  for (std::size_t u = 0; u < std::size(kUnits); ++u) {
    value /= 1000.0;
    bool last = u + 1 == std::size(kUnits);
    // Pick the precision for three significant digits, then check that
    // rounding did not carry into the next unit (999.96 µs -> 1.00 ms).
    int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
    double rounded = std::round(value * std::pow(10, decimals)) / std::pow(10, decimals);
    if (rounded >= 1000 && !last) continue;
    return fmt::format("{:.{}f} {}", value, decimals, kUnits[u]);
  }
  return "-";  // unreachable
}

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::size_t display_width(std::string_view utf8) {
  std::size_t w = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

}  // namespace clrprobe::cli
