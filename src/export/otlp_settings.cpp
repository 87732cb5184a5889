#include "export/otlp_settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "export/process_resource.h"

namespace clrprobe::exporter {
namespace {

// A setting's text and where it came from (for messages).
struct Source {
  std::string value;
  std::string origin;  // "--otlp-protocol", "OTEL_EXPORTER_OTLP_PROTOCOL", ...
  bool given() const { return !origin.empty(); }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// flag, else OTEL_EXPORTER_OTLP_METRICS_<name>, else OTEL_EXPORTER_OTLP_<name>.
Source pick(const std::string& flag_value, const char* flag, const char* name, const Getenv& getenv) {
  if (!flag_value.empty()) return {flag_value, flag};
  for (const std::string& variable :
       {std::string("OTEL_EXPORTER_OTLP_METRICS_") + name, std::string("OTEL_EXPORTER_OTLP_") + name}) {
    const char* v = getenv(variable.c_str());
    if (v != nullptr && !trimmed(v).empty()) return {trimmed(v), variable};
  }
  return {};
}

Error invalid(const Source& s, const std::string& expected) {
  return make_error(Reason::InvalidInput, fmt::format("{} '{}': {}", s.origin, s.value, expected));
}

bool http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

// Milliseconds from a variable (an integer >= min).
Result<std::chrono::milliseconds> milliseconds(const Source& s, int64_t min) {
  int64_t ms = -1;
  auto [end, ec] = std::from_chars(s.value.data(), s.value.data() + s.value.size(), ms);
  if (ec != std::errc() || end != s.value.data() + s.value.size() || ms < min) {
    return invalid(s, fmt::format("expected a whole number of milliseconds, at least {}", min));
  }
  return std::chrono::milliseconds(ms);
}

Result<std::pair<std::string, std::string>> header(const std::string& text, const std::string& origin) {
  const auto eq = text.find('=');
  std::string key = eq == std::string::npos ? "" : trimmed(text.substr(0, eq));
  const bool token = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
  std::string value = eq == std::string::npos ? "" : trimmed(text.substr(eq + 1));
  if (!token || value.find_first_of("\r\n") != std::string::npos) {
    return make_error(Reason::InvalidInput,
                      fmt::format("{} '{}': expected NAME=VALUE with an HTTP header name", origin, text));
  }
  return std::pair{std::move(key), std::move(value)};
}

void set_header(OtlpHeaders& headers, std::pair<std::string, std::string> h) {
  auto same =
      std::find_if(headers.begin(), headers.end(), [&](const auto& kv) { return lower(kv.first) == lower(h.first); });
  if (same != headers.end()) {
    *same = std::move(h);
  } else {
    headers.push_back(std::move(h));
  }
}

}  // namespace

const char* protocol_name(OtlpProtocol p) { return p == OtlpProtocol::HttpJson ? "http/json" : "http/protobuf"; }
const char* compression_name(OtlpCompression c) { return c == OtlpCompression::Gzip ? "gzip" : "none"; }
const char* temporality_name(Temporality t) { return t == Temporality::Delta ? "delta" : "cumulative"; }
const char* histogram_name(HistogramKind k) { return k == HistogramKind::Explicit ? "explicit" : "exponential"; }

Result<OtlpSettings> resolve_otlp_settings(const OtlpFlags& flags, const Getenv& getenv) {
  OtlpSettings out;

  if (!flags.endpoint.empty()) {
    out.url = flags.endpoint;
    if (!http_url(out.url)) {
      return make_error(Reason::InvalidInput,
                        "--otlp needs an http:// or https:// URL, e.g. http://127.0.0.1:4318/v1/metrics");
    }
  } else if (const char* v = getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"); v != nullptr && !trimmed(v).empty()) {
    out.url = trimmed(v);  // signal-specific: used as is
    out.url_from_environment = true;
    if (!http_url(out.url)) return invalid({out.url, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"}, "expected an http(s) URL");
  } else if (const char* g = getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); g != nullptr && !trimmed(g).empty()) {
    // The generic endpoint is a base: the signal's path is appended.
    std::string base = trimmed(g);
    if (!http_url(base)) return invalid({base, "OTEL_EXPORTER_OTLP_ENDPOINT"}, "expected an http(s) URL");
    while (!base.empty() && base.back() == '/') base.pop_back();
    out.url = base + "/v1/metrics";
    out.url_from_environment = true;
  }

  if (Source s = pick(flags.protocol, "--otlp-protocol", "PROTOCOL", getenv); s.given()) {
    const std::string v = lower(s.value);
    if (v == "http/protobuf") {
      out.protocol = OtlpProtocol::HttpProtobuf;
    } else if (v == "http/json") {
      out.protocol = OtlpProtocol::HttpJson;
    } else if (v == "grpc") {
      return invalid(s, "gRPC is not supported; use http/protobuf (an OpenTelemetry Collector listens on 4318)");
    } else {
      return invalid(s, "expected http/protobuf or http/json");
    }
  }

  if (Source s = pick(flags.compression, "--otlp-compression", "COMPRESSION", getenv); s.given()) {
    const std::string v = lower(s.value);
    if (v == "gzip") {
      out.compression = OtlpCompression::Gzip;
    } else if (v == "none") {
      out.compression = OtlpCompression::None;
    } else {
      return invalid(s, "expected gzip or none");
    }
  }

  // Headers: the environment's list (metrics-specific replaces generic), then the flags.
  if (Source s = pick("", "", "HEADERS", getenv); s.given()) {
    std::size_t start = 0;
    while (start <= s.value.size()) {
      std::size_t end = s.value.find(',', start);
      if (end == std::string::npos) end = s.value.size();
      const std::string member = s.value.substr(start, end - start);
      start = end + 1;
      if (trimmed(member).empty()) continue;
      auto decoded = parse_resource_attributes(member);  // the same "k=v", percent-decoded
      if (decoded.empty()) return invalid(s, "expected key=value pairs separated by commas");
      auto h = header(decoded[0].first + "=" + decoded[0].second, s.origin);
      if (!h) return h.error();
      set_header(out.headers, std::move(*h));
    }
  }
  for (const std::string& text : flags.headers) {
    auto h = header(text, "--otlp-header");
    if (!h) return h.error();
    set_header(out.headers, std::move(*h));
  }

  if (flags.timeout_seconds) {
    if (!(*flags.timeout_seconds > 0) || *flags.timeout_seconds > 3600) {
      return make_error(Reason::InvalidInput, "--otlp-timeout: expected seconds between 0.001 and 3600");
    }
    out.timeout = std::chrono::milliseconds(std::max<int64_t>(1, std::llround(*flags.timeout_seconds * 1000)));
  } else if (Source s = pick("", "", "TIMEOUT", getenv); s.given()) {
    auto ms = milliseconds(s, 1);
    if (!ms) return ms.error();
    out.timeout = *ms;
  }

  if (flags.interval_seconds) {
    out.interval = std::chrono::milliseconds(std::max<int64_t>(1, std::llround(*flags.interval_seconds * 1000)));
  } else if (const char* v = getenv("OTEL_METRIC_EXPORT_INTERVAL"); v != nullptr && !trimmed(v).empty()) {
    auto ms = milliseconds({trimmed(v), "OTEL_METRIC_EXPORT_INTERVAL"}, 100);
    if (!ms) return ms.error();
    out.interval = *ms;
  }

  Source temporality = !flags.temporality.empty() ? Source{flags.temporality, "--otlp-temporality"} : Source{};
  if (!temporality.given()) {
    if (const char* v = getenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
        v != nullptr && !trimmed(v).empty()) {
      temporality = {trimmed(v), "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"};
    }
  }
  if (temporality.given()) {
    const std::string v = lower(temporality.value);
    if (v == "cumulative") {
      out.temporality = Temporality::Cumulative;
    } else if (v == "delta" || v == "lowmemory") {
      out.temporality = Temporality::Delta;
    } else {
      return invalid(temporality, "expected cumulative, delta or lowmemory");
    }
  }

  if (!flags.histogram.empty()) {
    const std::string v = lower(flags.histogram);
    if (v != "exponential" && v != "explicit") {
      return invalid({flags.histogram, "--otlp-histogram"}, "expected exponential or explicit");
    }
    out.histogram = v == "explicit" ? HistogramKind::Explicit : HistogramKind::Exponential;
  } else if (const char* v = getenv("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION");
             v != nullptr && !trimmed(v).empty()) {
    const Source s{trimmed(v), "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"};
    const std::string value = lower(s.value);
    if (value == "explicit_bucket_histogram") {
      out.histogram = HistogramKind::Explicit;
    } else if (value == "base2_exponential_bucket_histogram") {
      out.histogram = HistogramKind::Exponential;
    } else {
      return invalid(s, "expected explicit_bucket_histogram or base2_exponential_bucket_histogram");
    }
  }
  return out;
}

}  // namespace clrprobe::exporter
