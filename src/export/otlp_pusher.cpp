#include "export/otlp_pusher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "export/gzip.h"
#include "export/otlp_json.h"
#include "export/otlp_protobuf.h"
#include "export/protobuf_reader.h"

namespace clrprobe::exporter {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() < 64 * 1024) body->append(data, std::min(n, 64 * 1024 - body->size()));
  return n;
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;
}

bool is_protobuf(const std::string& content_type) {
  return content_type.find("application/x-protobuf") != std::string::npos;
}

// A protobuf google.rpc.Status's message (field 2).
std::string status_message(const std::string& body) {
  auto fields = read_protobuf_fields(body);
  if (!fields) return "";
  for (const ProtobufField& f : *fields) {
    if (f.number == 2 && f.wire_type == 2) return std::string(f.bytes);
  }
  return "";
}

// The collector's reason, when its answer says one: an OTLP Status
// {"message": ...} (JSON or protobuf), else the start of the body.
std::string answer_text(const std::string& body, const std::string& content_type) {
  if (is_protobuf(content_type)) {
    if (std::string message = status_message(body); !message.empty()) return message;
    return fmt::format("({} bytes of protobuf)", body.size());
  }
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) {
    if (auto it = doc.find("message"); it != doc.end() && it->is_string()) return it->get<std::string>();
  }
  std::string text = body.substr(0, 200);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

std::string partial_warning(const std::string& rejected, const std::string& message) {
  if ((rejected == "0" || rejected.empty()) && message.empty()) return "";
  return fmt::format("the collector rejected {} data point(s){}", rejected, message.empty() ? "" : ": " + message);
}

// ExportMetricsServiceResponse.partial_success (1) {rejected_data_points (1), error_message (2)}.
std::string protobuf_partial_success_warning(const std::string& body) {
  auto fields = read_protobuf_fields(body);
  if (!fields) return "";
  for (const ProtobufField& f : *fields) {
    if (f.number != 1 || f.wire_type != 2) continue;
    auto inner = read_protobuf_fields(f.bytes);
    if (!inner) return "";
    std::string rejected = "0";
    std::string message;
    for (const ProtobufField& g : *inner) {
      if (g.number == 1 && g.wire_type == 0) rejected = std::to_string(static_cast<int64_t>(g.value));
      if (g.number == 2 && g.wire_type == 2) message = std::string(g.bytes);
    }
    return partial_warning(rejected, message);
  }
  return "";
}

std::string partial_success_warning(const std::string& body, const std::string& content_type) {
  if (is_protobuf(content_type)) return protobuf_partial_success_warning(body);
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  auto partial = doc.find("partialSuccess");
  if (partial == doc.end() || !partial->is_object()) return "";
  std::string rejected = "0";
  if (auto r = partial->find("rejectedDataPoints"); r != partial->end()) {
    rejected = r->is_string() ? r->get<std::string>() : r->dump();
  }
  return partial_warning(rejected, partial->value("errorMessage", std::string()));
}

}  // namespace

void init_http_client() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

PushOutcome post_otlp(const std::string& url, const std::string& body, const PostOptions& options,
                      const std::atomic<bool>* cancel) {
  init_http_client();
  PushOutcome outcome;
  std::string compressed;
  if (options.gzip) {
    auto zipped = gzip_compress(body);
    if (!zipped) {
      outcome.message = zipped.error().message;
      return outcome;
    }
    compressed = std::move(*zipped);
  }
  const std::string& payload = options.gzip ? compressed : body;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    outcome.message = "cannot initialise libcurl";
    return outcome;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Content-Type: " + options.content_type).c_str());
  if (options.gzip) headers = curl_slist_append(headers, "Content-Encoding: gzip");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : options.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  const auto timeout = options.timeout;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(timeout.count(), 1)));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::clamp<int64_t>(timeout.count(), 1, 5000)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "clrprobe-export");
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // a gzip answer is decoded
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_cancel);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, cancel);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    outcome.message = error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc);
    return outcome;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &outcome.http_status);
  const char* answer_type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &answer_type);
  const std::string content_type = answer_type != nullptr ? answer_type : "";
  if (outcome.http_status < 200 || outcome.http_status >= 300) {
    outcome.message = fmt::format("HTTP {}", outcome.http_status);
    if (const std::string text = answer_text(answer, content_type); !text.empty()) outcome.message += ": " + text;
    return outcome;
  }
  outcome.ok = true;
  outcome.message = partial_success_warning(answer, content_type);
  return outcome;
}

PushOutcome post_otlp_json(const std::string& url, const std::string& body, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* cancel) {
  PostOptions options;
  options.timeout = timeout;
  return post_otlp(url, body, options, cancel);
}

std::string encode_otlp(const OtlpRequest& request, OtlpProtocol protocol) {
  return protocol == OtlpProtocol::HttpJson ? otlp_json(request).dump() : otlp_protobuf(request);
}

PostOptions post_options(const OtlpSettings& settings) {
  PostOptions options;
  options.content_type = settings.protocol == OtlpProtocol::HttpJson ? kOtlpJsonContentType : kOtlpProtobufContentType;
  options.gzip = settings.compression == OtlpCompression::Gzip;
  options.headers = settings.headers;
  options.timeout = settings.timeout;
  return options;
}

OtlpPusher::OtlpPusher(Collector& collector, OtlpPusherOptions options, Collector::Log log)
    : collector_(collector),
      options_(std::move(options)),
      log_(std::move(log)),
      final_once_(options_.exporter_start_unix_ns) {
  init_http_client();
}

OtlpPusher::~OtlpPusher() { stop(); }

void OtlpPusher::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void OtlpPusher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OtlpPusher::run() {
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    report(push_once());
    next += options_.settings.interval;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // a slow push does not cause a burst of catch-ups
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, next, [this] { return stopping_.load(); });
  }
}

PushOutcome OtlpPusher::push_once() {
  FinalOnce::Selection selection = final_once_.select(collector_.collect());
  const bool delta = options_.settings.temporality == Temporality::Delta;
  const HostSnapshot snapshot = delta ? deltas_.deltas(selection.snapshot) : selection.snapshot;
  OtlpContent content = options_.content;
  content.temporality = options_.settings.temporality;
  content.histogram = options_.settings.histogram;
  const OtlpRequest request = otlp_request(snapshot, content);
  PushOutcome outcome;
  outcome.data_points = request.data_point_count();
  if (outcome.data_points == 0) {
    // Nothing to say (no probes anywhere): no empty envelope. The final
    // state of exited processes without figures is published all the same.
    final_once_.commit(selection);
    if (delta) deltas_.commit();
    outcome.ok = true;
    return outcome;
  }
  PostOptions post = post_options(options_.settings);
  post.timeout = std::min(options_.settings.timeout, options_.settings.interval);
  PushOutcome posted =
      post_otlp(options_.settings.url, encode_otlp(request, options_.settings.protocol), post, &stopping_);
  posted.data_points = outcome.data_points;
  if (posted.ok) {
    final_once_.commit(selection);
    if (delta) deltas_.commit();
  }
  return posted;
}

void OtlpPusher::report(const PushOutcome& outcome) {
  if (outcome.ok) {
    if (repeated_failures_ > 0 && log_) {
      log_(fmt::format("OTLP push to {} works again ({} data points)", options_.settings.url, outcome.data_points));
    }
    repeated_failures_ = 0;
    last_failure_.clear();
    if (!outcome.message.empty() && log_)
      log_(fmt::format("warning: OTLP push to {}: {}", options_.settings.url, outcome.message));
    return;
  }
  if (stopping_) return;  // aborted on purpose
  const bool same = outcome.message == last_failure_;
  repeated_failures_ = same ? repeated_failures_ + 1 : 1;
  last_failure_ = outcome.message;
  if (log_ && (repeated_failures_ == 1 || repeated_failures_ % 10 == 0)) {
    log_(fmt::format("warning: OTLP push to {} failed: {}{}; retrying every interval", options_.settings.url,
                     outcome.message,
                     repeated_failures_ > 1 ? fmt::format(" ({} times in a row)", repeated_failures_) : ""));
  }
}

}  // namespace clrprobe::exporter
