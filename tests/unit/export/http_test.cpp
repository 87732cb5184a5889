// The HTTP parts on loopback: the /metrics server (cpp-httplib) and OTLP
// pushes (libcurl) against a local cpp-httplib receiver.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "export/gzip.h"
#include "export/metrics_server.h"
#include "export/otlp_pusher.h"
#include "export/prometheus_text.h"
#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::FakeAgent;
using testing::method_entry;
using testing::probe_entry;

// An OTLP receiver on 127.0.0.1: answers with `status` and `body`, keeps
// every request.
class Receiver {
 public:
  Receiver() {
    server_.Post("/v1/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      int delay_ms = 0;
      {
        std::lock_guard lock(mutex_);
        bodies_.push_back(req.body);
        content_types_.push_back(req.get_header_value("Content-Type"));
        requests_.push_back(req);
        res.status = status_;
        res.set_content(answer_, answer_type_);
        delay_ms = delay_ms_;
      }
      changed_.notify_all();
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/metrics"; }
  void answer(int status, std::string body, int delay_ms = 0, std::string type = "application/json") {
    std::lock_guard lock(mutex_);
    answer_type_ = std::move(type);
    status_ = status;
    answer_ = std::move(body);
    delay_ms_ = delay_ms;
  }
  bool wait_for(std::size_t requests, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return bodies_.size() >= requests; });
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::vector<httplib::Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> content_types() {
    std::lock_guard lock(mutex_);
    return content_types_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int status_ = 200;
  std::string answer_ = "{}";
  std::string answer_type_ = "application/json";
  int delay_ms_ = 0;
  std::vector<std::string> bodies_;
  std::vector<std::string> content_types_;
  std::vector<httplib::Request> requests_;
};

// A port nothing listens on (bound, then released).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

class ExportHttpTest : public ::testing::Test {
 protected:
  ExportHttpTest() : agent(dir.path(), ::getpid()) {
    slot = agent.add_slot("Ns.T::A()");
    for (int i = 0; i < 5; ++i) agent.record(slot, 1000, i == 0);
    agent.write_probes(json::array({probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", slot)}))}));
  }
  Collector::Log logger() {
    return [this](const std::string& line) {
      std::lock_guard lock(log_mutex);
      log.push_back(line);
    };
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex);
    return log;
  }

  testing::TempDir dir;
  FakeAgent agent;
  int32_t slot = -1;
  std::mutex log_mutex;
  std::vector<std::string> log;
};

TEST_F(ExportHttpTest, ServesMetricsAndAnIndexOnLoopback) {
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  MetricsServer server(collector, unix_now_ns(), "9.9.9");
  auto port = server.bind("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.error().message;
  std::thread serving([&server] { EXPECT_TRUE(server.run()); });

  httplib::Client client("127.0.0.1", *port);
  client.set_read_timeout(10, 0);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics) << httplib::to_string(metrics.error());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), kPrometheusContentType);
  EXPECT_NE(metrics->body.find("clrprobe_calls_total{pid=\"" + std::to_string(::getpid()) +
                               "\",process=\"testhost\",service=\"unknown_service:export_tests\",probe_id=\"1\","
                               "selector=\"Ns.T::A\",method=\"Ns.T::A()\"} 5\n"),
            std::string::npos)
      << metrics->body;
  // A scraper that asks for OpenMetrics (as Prometheus does) gets it.
  auto om = client.Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"}});
  ASSERT_TRUE(om);
  EXPECT_EQ(om->get_header_value("Content-Type"), kOpenMetricsContentType);
  EXPECT_NE(om->body.find("clrprobe_calls_created{"), std::string::npos) << om->body;
  EXPECT_EQ(om->body.substr(om->body.size() - 6), "# EOF\n");
  // Compressed when the scraper accepts gzip (Prometheus does); the client inflates it.
  auto zipped =
      client.Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0"}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_NE(zipped->body.find("clrprobe_calls_created{"), std::string::npos) << zipped->body.substr(0, 200);
  EXPECT_EQ(zipped->body.substr(zipped->body.size() - 6), "# EOF\n");
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("href=\"/metrics\""), std::string::npos);
  EXPECT_NE(index->body.find("9.9.9"), std::string::npos);
  auto missing = client.Get("/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  server.stop();
  serving.join();
}

TEST_F(ExportHttpTest, StopBeforeRunMakesRunReturnAtOnce) {
  Collector collector([] { return std::vector<AgentTarget>{}; });
  MetricsServer server(collector, unix_now_ns(), "9.9.9");
  ASSERT_TRUE(server.bind("127.0.0.1", 0).ok());
  server.stop();
  EXPECT_TRUE(server.run());
}

TEST_F(ExportHttpTest, RefusesAPortInUse) {
  Collector collector([] { return std::vector<AgentTarget>{}; });
  MetricsServer first(collector, unix_now_ns(), "9.9.9");
  auto port = first.bind("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  MetricsServer second(collector, unix_now_ns(), "9.9.9");
  auto again = second.bind("127.0.0.1", *port);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find(std::to_string(*port)), std::string::npos);
}

TEST_F(ExportHttpTest, PostsJsonAndReadsTheAnswer) {
  Receiver receiver;
  PushOutcome ok = post_otlp_json(receiver.url(), "{\"resourceMetrics\":[]}", 5s);
  EXPECT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.http_status, 200);
  EXPECT_TRUE(ok.message.empty());
  ASSERT_EQ(receiver.bodies().size(), 1u);
  EXPECT_EQ(receiver.bodies()[0], "{\"resourceMetrics\":[]}");
  EXPECT_EQ(receiver.content_types()[0], "application/json");

  receiver.answer(200, R"({"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"bad unit"}})");
  PushOutcome partial = post_otlp_json(receiver.url(), "{}", 5s);
  EXPECT_TRUE(partial.ok);
  EXPECT_NE(partial.message.find("rejected 2 data point(s): bad unit"), std::string::npos) << partial.message;

  receiver.answer(503, R"({"code":14,"message":"overloaded"})");
  PushOutcome failed = post_otlp_json(receiver.url(), "{}", 5s);
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.http_status, 503);
  EXPECT_EQ(failed.message, "HTTP 503: overloaded");
}

TEST_F(ExportHttpTest, ACollectorThatIsNotThereIsAFailureNotACrash) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/metrics";
  const auto before = std::chrono::steady_clock::now();
  PushOutcome outcome = post_otlp_json(url, "{}", 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);  // refused, not timed out
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.http_status, 0);
  EXPECT_FALSE(outcome.message.empty());
}

TEST_F(ExportHttpTest, PusherSendsTheFiguresEveryInterval) {
  Receiver receiver;
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  options.settings.protocol = OtlpProtocol::HttpJson;
  options.settings.interval = 100ms;
  options.content.version = "9.9.9";
  options.content.host_name = "host-a";
  options.exporter_start_unix_ns = unix_now_ns();
  OtlpPusher pusher(collector, options, logger());
  pusher.start();
  ASSERT_TRUE(receiver.wait_for(3, 10s));
  pusher.stop();
  for (const std::string& body : receiver.bodies()) {
    json request = json::parse(body);
    const json& metrics = request.at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics");
    EXPECT_EQ(metrics.at(0).at("name"), "clrprobe.calls");
    EXPECT_EQ(metrics.at(0).at("sum").at("dataPoints").at(0).at("asInt"), "5");
  }
  EXPECT_TRUE(log_lines().empty());
}

TEST_F(ExportHttpTest, PushesProtobufGzippedWithTheConfiguredHeaders) {
  Receiver receiver;
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  options.settings.compression = OtlpCompression::Gzip;
  options.settings.headers = {{"Authorization", "Bearer s3cret"}, {"X-Tenant", "team-a"}};
  options.content.version = "9.9.9";
  OtlpPusher pusher(collector, options, logger());
  PushOutcome outcome = pusher.push_once();
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.data_points, 5u);
  const std::vector<httplib::Request> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const httplib::Request& req = requests[0];
  EXPECT_EQ(req.get_header_value("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(req.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(req.get_header_value("Authorization"), "Bearer s3cret");
  EXPECT_EQ(req.get_header_value("X-Tenant"), "team-a");
  // cpp-httplib inflates the body; what travelled is its gzip form.
  std::string body = req.body;
  if (body.rfind("\x1f\x8b", 0) == 0) {
    auto inflated = gzip_decompress(body);
    ASSERT_TRUE(inflated.ok());
    body = *inflated;
  }
  auto compressed = gzip_compress(body);
  ASSERT_TRUE(compressed.ok());
  EXPECT_EQ(req.get_header_value("Content-Length"), std::to_string(compressed->size()));
  std::string text;
  ASSERT_TRUE(testing::protoc_decode(body, text));
  EXPECT_NE(text.find("name: \"clrprobe.calls\""), std::string::npos) << text;
  EXPECT_NE(text.find("as_int: 5"), std::string::npos) << text;
  EXPECT_NE(text.find("exponential_histogram"), std::string::npos) << text;
}

TEST_F(ExportHttpTest, DeltaPushesCarryWhatChangedSinceTheLastAcceptedPush) {
  Receiver receiver;
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  options.settings.protocol = OtlpProtocol::HttpJson;
  options.settings.temporality = Temporality::Delta;
  OtlpPusher pusher(collector, options, logger());
  auto calls_of = [](const std::string& body) {
    const json request = json::parse(body);
    const json& metric = request.at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics").at(0);
    EXPECT_EQ(metric.at("name"), "clrprobe.calls");
    EXPECT_EQ(metric.at("sum").at("aggregationTemporality"), 1);  // DELTA
    const json& point = metric["sum"]["dataPoints"][0];
    return std::pair{point.at("asInt").get<std::string>(), point.at("startTimeUnixNano").get<std::string>()};
  };
  ASSERT_TRUE(pusher.push_once().ok);
  agent.record(slot, 1000);
  agent.record(slot, 1000);
  receiver.answer(503, "{}");  // this one is lost...
  EXPECT_FALSE(pusher.push_once().ok);
  agent.record(slot, 1000);
  receiver.answer(200, "{}");
  ASSERT_TRUE(pusher.push_once().ok);  // ...and carried by the next
  const std::vector<std::string> bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 3u);
  const auto first = calls_of(bodies[0]);
  const auto third = calls_of(bodies[2]);
  EXPECT_EQ(first.first, "5");            // everything since the probe was added
  EXPECT_EQ(third.first, "3");            // the two of the failed push and one more
  EXPECT_NE(third.second, first.second);  // starts at the first push
  const json first_request = json::parse(bodies[0]);
  EXPECT_EQ(third.second,
            first_request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0].value(
                "timeUnixNano", ""));
}

TEST_F(ExportHttpTest, ReadsAProtobufPartialSuccessAndAProtobufStatus) {
  Receiver receiver;
  // ExportMetricsServiceResponse{partial_success{rejected_data_points: 2, error_message: "bad"}}
  receiver.answer(200,
                  std::string("\x0a\x07\x08\x02\x12\x03"
                              "bad",
                              9),
                  0, "application/x-protobuf");
  PostOptions options;
  options.content_type = "application/x-protobuf";
  PushOutcome partial = post_otlp(receiver.url(), "", options);
  EXPECT_TRUE(partial.ok);
  EXPECT_EQ(partial.message, "the collector rejected 2 data point(s): bad");
  // google.rpc.Status{code: 3, message: "no such tenant"}
  receiver.answer(400,
                  std::string("\x08\x03\x12\x0e"
                              "no such tenant",
                              18),
                  0, "application/x-protobuf");
  PushOutcome refused = post_otlp(receiver.url(), "", options);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.message, "HTTP 400: no such tenant");
}

TEST_F(ExportHttpTest, PusherWarnsOnceAboutTheSameFailureAndWhenItRecovers) {
  Receiver receiver;
  receiver.answer(503, R"({"message":"overloaded"})");
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  // Not shorter: a request's timeout is capped at the interval, and a loaded
  // machine must not turn a 503 into a timeout.
  options.settings.interval = 200ms;
  OtlpPusher pusher(collector, options, logger());
  pusher.start();
  ASSERT_TRUE(receiver.wait_for(4, 10s));
  receiver.answer(200, "{}");
  const std::size_t failed = receiver.bodies().size();
  ASSERT_TRUE(receiver.wait_for(failed + 2, 10s));
  pusher.stop();
  const std::vector<std::string> lines = log_lines();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines[0].find("warning: OTLP push to " + receiver.url() + " failed: HTTP 503: overloaded"),
            std::string::npos)
      << lines[0];
  std::size_t warnings = 0;
  for (const auto& line : lines) warnings += line.find("failed") != std::string::npos ? 1 : 0;
  EXPECT_LE(warnings, 1 + failed / 10);
  EXPECT_NE(lines.back().find("works again"), std::string::npos) << lines.back();
}

TEST_F(ExportHttpTest, StopAbortsAPushInFlight) {
  Receiver receiver;
  receiver.answer(200, "{}", /*delay_ms=*/3000);
  Collector collector([this] { return std::vector<AgentTarget>{agent.target()}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  options.settings.interval = 30s;
  OtlpPusher pusher(collector, options, logger());
  pusher.start();
  ASSERT_TRUE(receiver.wait_for(1, 10s));
  const auto before = std::chrono::steady_clock::now();
  pusher.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
}

TEST_F(ExportHttpTest, NothingToPushSendsNothing) {
  Receiver receiver;
  Collector collector([] { return std::vector<AgentTarget>{}; });
  OtlpPusherOptions options;
  options.settings.url = receiver.url();
  OtlpPusher pusher(collector, options, logger());
  PushOutcome outcome = pusher.push_once();
  EXPECT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.data_points, 0u);
  EXPECT_TRUE(receiver.bodies().empty());
}

}  // namespace
}  // namespace clrprobe::exporter
