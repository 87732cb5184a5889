// `clrprobe export` against real components: a .NET program (tests/apps/LiveService) under
// `clrprobe run --probe ...`, Debian's Prometheus scraping the exporter (queried back through
// its HTTP API, and promtool checking the exposition), and an OTLP/HTTP receiver on loopback
// that checks every pushed request against the OTLP JSON mapping. Each test uses a private
// CLRPROBE_RUNTIME_DIR, so the exporter sees only its own service.
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kPlain[] = "LiveService.Targets.Statics::Plain";
constexpr char kCheck[] = "LiveService.Targets.Validator::Check";

bool OnPath(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// Prometheus and promtool (Debian package prometheus; scripts/install-deps.sh installs it):
// installed here when missing and we are root.
::testing::AssertionResult PrometheusInstalled() {
  static bool tried = false;
  if (!(OnPath("prometheus") && OnPath("promtool")) && !tried && ::geteuid() == 0) {
    tried = true;
    ProcessOptions options;
    options.timeout = 10min;
    options.env["DEBIAN_FRONTEND"] = "noninteractive";
    ProcessResult r = RunProcess({"apt-get", "install", "-y", "-qq", "prometheus"}, options);
    if (r.exit_code != 0) {
      RunProcess({"apt-get", "update", "-qq"}, options);
      RunProcess({"apt-get", "install", "-y", "-qq", "prometheus"}, options);
    }
  }
  if (OnPath("prometheus") && OnPath("promtool")) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "prometheus/promtool not installed: run scripts/install-deps.sh "
                                          "(apt-get install prometheus)";
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

std::string Get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto r = client.Get(path);
  return r && r->status == 200 ? r->body : "";
}

// Polls `probe` every 200 ms until it returns true or `timeout` passes.
template <typename Fn>
bool Eventually(std::chrono::milliseconds timeout, Fn probe) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return probe();
}

// The value of the first sample line starting with `prefix` ("name{labels..."), or -1.
double SampleValue(const std::string& exposition, const std::string& prefix) {
  std::size_t pos = 0;
  while ((pos = exposition.find(prefix, pos)) != std::string::npos) {
    if (pos == 0 || exposition[pos - 1] == '\n') {
      const auto end = exposition.find('\n', pos);
      const std::string line = exposition.substr(pos, end - pos);
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
    pos += prefix.size();
  }
  return -1;
}

// LiveService under `clrprobe run --probe Plain --probe Check`, started paused: the
// workers run only on `run N`, so its own counts are exact whenever we read them.
class ProbedService {
 public:
  explicit ProbedService(ProbeSession& session) {
    std::vector<std::string> argv = {ClrprobeExe(), "run", "--probe", kPlain, "--probe", kCheck,
                                     "--log", session.LogPath(), "--", DotnetExe(), LiveServiceDll(),
                                     "--latelib", LateLibDll(), "--paused", "--workers", "2"};
    process_ = InteractiveProcess::Start(argv, session.PlainOptions(), &error_);
  }
  ~ProbedService() {
    if (process_ && process_->Running()) {
      process_->WriteLine("stop");
      if (!process_->Wait(20s)) process_->Kill();
    }
  }
  ::testing::AssertionResult Started() {
    if (!process_) return ::testing::AssertionFailure() << error_;
    auto line = process_->ReadLineStartingWith("ready pid=", 60s);
    if (!line) return ::testing::AssertionFailure() << "no ready line; stderr: " << process_->Stderr();
    pid_ = std::stoi(line->substr(std::string("ready pid=").size()));
    return ::testing::AssertionSuccess();
  }
  // Every worker runs n more iterations; the service's exact counts afterwards.
  std::optional<ServiceCounts> Run(int n) {
    process_->WriteLine("run " + std::to_string(n));
    auto line = process_->ReadLineStartingWith("paused ", 60s);
    if (!line) return std::nullopt;
    return ParseCountsLine(*line);
  }
  // `stop`: true when it exited 0.
  bool Stop() {
    process_->WriteLine("stop");
    auto code = process_->Wait(30s);
    return code && *code == 0;
  }
  pid_t pid() const { return pid_; }
  std::string Pid() const { return std::to_string(pid_); }
  std::string Stderr() const { return process_ ? process_->Stderr() : ""; }

 private:
  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
  pid_t pid_ = -1;
};

// `clrprobe export ARGS...`; Port() is the /metrics port it reports.
class Exporter {
 public:
  Exporter(ProbeSession& session, std::vector<std::string> args) {
    std::vector<std::string> argv = {ClrprobeExe(), "export", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = InteractiveProcess::Start(argv, session.PlainOptions(), &error_);
  }
  ~Exporter() {
    if (process_ && process_->Running()) process_->Kill();
    if (::testing::Test::HasFailure() && process_) std::cerr << "---- clrprobe export stderr:\n" << process_->Stderr();
  }
  ::testing::AssertionResult Started() {
    if (!process_) return ::testing::AssertionFailure() << error_;
    const std::string prefix = "clrprobe export: serving http://127.0.0.1:";
    auto line = process_->ReadLineStartingWith(prefix, 30s);
    if (!line) return ::testing::AssertionFailure() << "no 'serving' line; stderr: " << process_->Stderr();
    port_ = std::stoi(line->substr(prefix.size()));
    return ::testing::AssertionSuccess();
  }
  // SIGTERM; its exit code (-1 when it does not exit).
  int Terminate() {
    ::kill(process_->pid(), SIGTERM);
    return process_->Wait(15s).value_or(-1);
  }
  int port() const { return port_; }
  std::string Stderr() const { return process_->Stderr(); }

 private:
  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
  int port_ = -1;
};

// Prometheus with a temporary config scraping the exporter every second.
class Prometheus {
 public:
  Prometheus(const std::string& dir, int exporter_port) : port_(FreePort()) {
    const std::string config = dir + "/prometheus.yml";
    std::ofstream(config) << "global:\n"
                             "  scrape_interval: 1s\n"
                             "  evaluation_interval: 1s\n"
                             "rule_files:\n"
                             "  - " CLRPROBE_DOCS_DIR
                             "/prometheus/clrprobe-rules.yml\n"
                             "scrape_configs:\n"
                             "  - job_name: clrprobe\n"
                             "    scrape_interval: 1s\n"
                             "    scrape_timeout: 1s\n"
                             "    static_configs:\n"
                             "      - targets: ['127.0.0.1:"
                          << exporter_port << "']\n";
    ProcessOptions options;
    options.working_dir = dir;
    process_ = InteractiveProcess::Start(
        {"prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir + "/tsdb",
         "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
        options, &error_);
  }
  ~Prometheus() {
    if (process_ && process_->Running()) {
      ::kill(process_->pid(), SIGTERM);
      if (!process_->Wait(10s)) process_->Kill();
    }
    if (::testing::Test::HasFailure() && process_) std::cerr << "---- prometheus stderr:\n" << process_->Stderr();
  }
  ::testing::AssertionResult Ready() {
    if (!process_) return ::testing::AssertionFailure() << error_;
    if (Eventually(30s, [&] { return !Get(port_, "/-/ready").empty() || !process_->Running(); }) &&
        process_->Running()) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "prometheus is not ready; stderr: " << process_->Stderr();
  }
  // The value of an instant query returning one sample, or nullopt.
  std::optional<double> Query(const std::string& promql) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    auto r = client.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
    if (!r || r->status != 200) return std::nullopt;
    json answer = json::parse(r->body, nullptr, false);
    if (answer.is_discarded() || answer.value("status", "") != "success") return std::nullopt;
    const json& result = answer["data"]["result"];
    if (!result.is_array() || result.size() != 1) return std::nullopt;
    return std::stod(result[0]["value"][1].get<std::string>());
  }

 private:
  int port_;
  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
};

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
    session_.SetEnv("CLRPROBE_RUNTIME_DIR", session_.dir() + "/runtime");
  }
  ProbeSession session_;
};

// Prometheus scrapes the exporter; the call and exception counts it stores for the probed
// methods are exactly the service's own counts and `clrprobe stats`'s, also after more calls.
TEST_F(ExportTest, PrometheusScrapesTheProbesOfARunningProgram) {
  ASSERT_TRUE(PrometheusInstalled());
  const double test_start_s = static_cast<double>(std::time(nullptr)) - 1;
  session_.SetEnv("OTEL_SERVICE_NAME", "live-prom");  // the service's own name: the service label
  ProbedService service(session_);
  ASSERT_TRUE(service.Started());
  auto counts = service.Run(200);
  ASSERT_TRUE(counts);
  const int64_t plain_calls = counts->Calls(kPlain);
  const int64_t check_exceptions = counts->Exceptions(kCheck);
  ASSERT_GT(plain_calls, 0);
  ASSERT_GT(check_exceptions, 0);

  Exporter exporter(session_, {});
  ASSERT_TRUE(exporter.Started());

  // promtool, the reference parser and linter, accepts the exposition.
  const std::string exposition = Get(exporter.port(), "/metrics");
  ASSERT_NE(exposition.find("clrprobe_calls_total{pid=\"" + service.Pid() + "\""), std::string::npos) << exposition;
  const std::string metrics_file = session_.dir() + "/metrics.txt";
  std::ofstream(metrics_file) << exposition;
  ProcessResult promtool = RunProcess({"sh", "-c", "promtool check metrics < " + metrics_file});
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;

  Prometheus prometheus(session_.dir(), exporter.port());
  ASSERT_TRUE(prometheus.Ready());
  const std::string plain_series =
      "clrprobe_calls_total{pid=\"" + service.Pid() + "\",method=~\"LiveService\\\\.Targets\\\\.Statics::Plain.*\"}";
  std::optional<double> seen;
  EXPECT_TRUE(Eventually(30s, [&] {
    seen = prometheus.Query(plain_series);
    return seen && *seen == static_cast<double>(plain_calls);
  })) << plain_series << " = " << (seen ? std::to_string(*seen) : "nothing") << ", expected " << plain_calls;

  const std::string exceptions_query = "sum(clrprobe_exceptions_total{pid=\"" + service.Pid() + "\",selector=\"" +
                                       std::string(kCheck) + "\"})";
  EXPECT_EQ(prometheus.Query(exceptions_query), static_cast<double>(check_exceptions));
  // Every call completed (the workers are parked): the histogram counted them all, and
  // its +Inf bucket is its count.
  const std::string plain_labels =
      "{pid=\"" + service.Pid() + "\",method=~\"LiveService\\\\.Targets\\\\.Statics::Plain.*\"}";
  EXPECT_EQ(prometheus.Query("clrprobe_latency_seconds_count" + plain_labels), static_cast<double>(plain_calls));
  EXPECT_EQ(prometheus.Query("sum(clrprobe_latency_seconds_bucket{pid=\"" + service.Pid() +
                             "\",method=~\"LiveService\\\\.Targets\\\\.Statics::Plain.*\",le=\"+Inf\"})"),
            static_cast<double>(plain_calls));
  EXPECT_EQ(prometheus.Query("clrprobe_up{pid=\"" + service.Pid() + "\",service=\"live-prom\"}"), 1.0);
  EXPECT_EQ(prometheus.Query("up{job=\"clrprobe\"}"), 1.0);
  // Prometheus asks for OpenMetrics: the counters' _created samples (when the probe was
  // added, after this test started) arrive with them.
  const std::optional<double> created = prometheus.Query("clrprobe_calls_created" + plain_labels);
  ASSERT_TRUE(created.has_value()) << "no clrprobe_calls_created: the scrape was not OpenMetrics";
  EXPECT_GE(*created, test_start_s);
  EXPECT_LE(*created, static_cast<double>(std::time(nullptr)) + 1);

  // histogram_quantile over the published buckets: Prometheus reads what the exporter
  // wrote (the same interpolation done here on the exposition), and it is within one
  // published bucket (at most 28 % wide) of `clrprobe stats`'s own percentile. On
  // log-normal latencies it is within 10 % (PrometheusQuantiles.*, a unit test). Check
  // throws for some calls: microseconds, well inside the published range (Plain takes
  // a few ns, all under the lowest bound, 100 ns).
  const std::string check_labels = "{pid=\"" + service.Pid() + "\",selector=\"" + std::string(kCheck) + "\"}";
  const std::string buckets_text = Get(exporter.port(), "/metrics");
  std::map<double, double> buckets;  // le -> cumulative count, summed over Check's methods
  const std::string bucket_prefix = "clrprobe_latency_seconds_bucket{pid=\"" + service.Pid() + "\"";
  for (std::size_t at = buckets_text.find(bucket_prefix); at != std::string::npos;
       at = buckets_text.find(bucket_prefix, at + 1)) {
    const std::string line = buckets_text.substr(at, buckets_text.find('\n', at) - at);
    if (line.find("selector=\"" + std::string(kCheck) + "\"") == std::string::npos) continue;
    const auto le = line.find("le=\"") + 4;
    const std::string bound = line.substr(le, line.find('"', le) - le);
    buckets[bound == "+Inf" ? 1.0 / 0.0 : std::stod(bound)] += std::stod(line.substr(line.rfind(' ') + 1));
  }
  ASSERT_GT(buckets.size(), 2u);
  auto replica = [&](double q) {
    const double rank = q * buckets.rbegin()->second;
    double start = 0, below = 0;
    for (const auto& [bound, running] : buckets) {
      if (running >= rank) {
        if (std::isinf(bound)) return start;
        return start + (bound - start) * (rank - below) / (running - below);
      }
      start = bound;
      below = running;
    }
    return start;
  };
  auto check_stats = Stats(session_, service.pid());
  ASSERT_TRUE(check_stats);
  const ProbeReport* check_report = FindProbe(*check_stats, kCheck);
  ASSERT_NE(check_report, nullptr);
  ASSERT_TRUE(check_report->latency.has_value());
  // The calls that throw take microseconds: p99 is inside the published range.
  EXPECT_GT(check_report->latency->p99, 100.0);
  for (const auto& [q, agent_ns] : {std::pair{0.5, check_report->latency->p50}, {0.99, check_report->latency->p99}}) {
    const std::optional<double> quantile =
        prometheus.Query("histogram_quantile(" + std::to_string(q) + ", sum by (le) (clrprobe_latency_seconds_bucket" +
                         check_labels + "))");
    ASSERT_TRUE(quantile.has_value()) << q;
    EXPECT_NEAR(*quantile, replica(q), 1e-9 * replica(q)) << q;
    const double agent = agent_ns / 1e9;
    if (agent <= 1e-7) {
      EXPECT_LE(*quantile, 1e-7) << "q " << q << ": agent " << agent;  // under the lowest bound
    } else {
      EXPECT_LE(*quantile, agent * 1.28) << "q " << q << ": agent " << agent;
      EXPECT_GE(*quantile, agent / 1.28) << "q " << q << ": agent " << agent;
    }
  }

  // The same figure as `clrprobe stats`.
  auto stats = Stats(session_, service.pid());
  ASSERT_TRUE(stats);
  const ProbeReport* plain_probe = FindProbe(*stats, kPlain);
  ASSERT_NE(plain_probe, nullptr);
  EXPECT_EQ(plain_probe->calls, plain_calls);

  // More calls: the next scrapes carry them.
  auto more = service.Run(100);
  ASSERT_TRUE(more);
  EXPECT_TRUE(Eventually(30s, [&] {
    seen = prometheus.Query(plain_series);
    return seen && *seen == static_cast<double>(more->Calls(kPlain));
  })) << "expected " << more->Calls(kPlain) << ", got " << (seen ? std::to_string(*seen) : "nothing");
  // Prometheus evaluates the recording rules of docs/prometheus/: the calls per second of
  // the probe, summed over its processes by service and selector.
  const std::string rule =
      "service_selector:clrprobe_calls:rate1m{service=\"live-prom\",selector=\"" + std::string(kPlain) + "\"}";
  EXPECT_TRUE(Eventually(30s,
                         [&] {
                           seen = prometheus.Query(rule);
                           return seen && *seen > 0;
                         }))
      << rule << " = " << (seen ? std::to_string(*seen) : "nothing");

  EXPECT_TRUE(service.Stop());
  EXPECT_EQ(exporter.Terminate(), 0);
}

// Checks one OTLP ExportMetricsServiceRequest against the OTLP JSON mapping; the problems.
std::vector<std::string> OtlpProblems(const json& request) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& what) { problems.push_back(what); };
  auto is_uint_string = [](const json& v) {
    return v.is_string() && !v.get<std::string>().empty() &&
           v.get<std::string>().find_first_not_of("0123456789") == std::string::npos;
  };
  if (!request.contains("resourceMetrics") || !request["resourceMetrics"].is_array()) {
    problem("no resourceMetrics array");
    return problems;
  }
  for (const json& rm : request["resourceMetrics"]) {
    std::set<std::string> keys;
    for (const json& a : rm.at("resource").at("attributes")) {
      keys.insert(a.at("key").get<std::string>());
      if (a["key"] == "process.pid" && !is_uint_string(a["value"].value("intValue", json()))) {
        problem("process.pid is not an intValue string");
      }
      if (a["key"] == "service.name" && !a["value"].value("stringValue", json()).is_string()) {
        problem("service.name is not a stringValue");
      }
    }
    if (keys.count("service.name") == 0 || keys.count("process.pid") == 0) problem("resource attributes missing");
    const json& sm = rm.at("scopeMetrics");
    if (sm.size() != 1 || sm[0].at("scope").value("name", "") != "clrprobe" ||
        !sm[0]["scope"].value("version", json()).is_string()) {
      problem("scope is not {name: clrprobe, version}");
      continue;
    }
    for (const json& m : sm[0].at("metrics")) {
      const std::string name = m.value("name", "");
      if (m.contains("sum")) {
        const json& sum = m["sum"];
        if (sum.value("aggregationTemporality", json()) != json(2)) problem(name + ": aggregationTemporality != 2");
        if (sum.value("isMonotonic", json()) != json(true)) problem(name + ": isMonotonic != true");
        for (const json& p : sum.at("dataPoints")) {
          for (const char* f : {"startTimeUnixNano", "timeUnixNano", "asInt"}) {
            if (!is_uint_string(p.value(f, json()))) problem(name + ": " + f + " is not a decimal string");
          }
          if (!p.at("attributes").is_array()) problem(name + ": attributes");
        }
      } else if (m.contains("gauge")) {
        // clrprobe.in_flight: a value at the snapshot's time, no start time.
        for (const json& p : m["gauge"].at("dataPoints")) {
          for (const char* f : {"timeUnixNano", "asInt"}) {
            if (!is_uint_string(p.value(f, json()))) problem(name + ": " + f + " is not a decimal string");
          }
          if (!p.at("attributes").is_array()) problem(name + ": attributes");
        }
      } else if (m.contains("histogram")) {
        const json& h = m["histogram"];
        if (m.value("unit", "") != "s") problem(name + ": unit is not s");
        if (h.value("aggregationTemporality", json()) != json(2)) problem(name + ": aggregationTemporality != 2");
        for (const json& p : h.at("dataPoints")) {
          for (const char* f : {"startTimeUnixNano", "timeUnixNano", "count"}) {
            if (!is_uint_string(p.value(f, json()))) problem(name + ": " + f + " is not a decimal string");
          }
          const json& counts = p.at("bucketCounts");
          const json& bounds = p.at("explicitBounds");
          if (counts.size() != bounds.size() + 1) problem(name + ": bucketCounts is not explicitBounds + 1 long");
          uint64_t total = 0;
          for (const json& c : counts) {
            if (!is_uint_string(c)) {
              problem(name + ": a bucket count is not a decimal string");
              continue;
            }
            total += std::stoull(c.get<std::string>());
          }
          if (is_uint_string(p["count"]) && total != std::stoull(p["count"].get<std::string>())) {
            problem(name + ": bucket counts do not add up to count");
          }
          for (std::size_t i = 0; i < bounds.size(); ++i) {
            if (!bounds[i].is_number()) problem(name + ": a bound is not a number");
            if (i > 0 && !(bounds[i - 1].get<double>() < bounds[i].get<double>())) problem(name + ": bounds not increasing");
          }
          if (!p.value("sum", json()).is_number()) problem(name + ": sum is not a number");
          if (total > 0 && !p.value("max", json()).is_number()) problem(name + ": no max");
        }
      } else if (m.contains("exponentialHistogram")) {
        const json& h = m["exponentialHistogram"];
        if (m.value("unit", "") != "s") problem(name + ": unit is not s");
        if (h.value("aggregationTemporality", json()) != json(2)) problem(name + ": aggregationTemporality != 2");
        for (const json& p : h.at("dataPoints")) {
          for (const char* f : {"startTimeUnixNano", "timeUnixNano", "count", "zeroCount"}) {
            if (!is_uint_string(p.value(f, json()))) problem(name + ": " + f + " is not a decimal string");
          }
          if (p.value("scale", json()) != json(3)) problem(name + ": scale is not 3");
          uint64_t total = is_uint_string(p["zeroCount"]) ? std::stoull(p["zeroCount"].get<std::string>()) : 0;
          if (p.contains("positive")) {
            if (!p["positive"].value("offset", json()).is_number_integer())
              problem(name + ": offset is not an integer");
            for (const json& c : p["positive"].value("bucketCounts", json::array())) {
              if (!is_uint_string(c)) {
                problem(name + ": a bucket count is not a decimal string");
                continue;
              }
              total += std::stoull(c.get<std::string>());
            }
          }
          if (is_uint_string(p["count"]) && total != std::stoull(p["count"].get<std::string>())) {
            problem(name + ": bucket counts do not add up to count");
          }
          if (total > 0 && !p.value("max", json()).is_number()) problem(name + ": no max");
        }
      } else {
        problem(name + ": neither sum, gauge nor histogram");
      }
    }
  }
  return problems;
}

// An OTLP/HTTP receiver on 127.0.0.1 keeping every request.
class OtlpReceiver {
 public:
  OtlpReceiver() {
    server_.Post("/v1/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        requests_.push_back({req.get_header_value("Content-Type"), req.body});
        headers_.push_back(req.headers);
      }
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~OtlpReceiver() {
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/metrics"; }
  std::vector<std::pair<std::string, std::string>> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<httplib::Headers> headers() {
    std::lock_guard lock(mutex_);
    return headers_;
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> requests_;
  std::vector<httplib::Headers> headers_;
};

// protoc's text form of an ExportMetricsServiceRequest (tests/unit/export/otlp/otlp_metrics.proto,
// written from the OTLP specification's field numbers); empty when protoc refuses it.
std::string ProtocDecode(const std::string& dir, const std::string& body) {
  const std::string in = dir + "/request.pb";
  std::ofstream(in, std::ios::binary) << body;
  ProcessResult r = RunProcess({"sh", "-c",
                                std::string("protoc --proto_path=") + CLRPROBE_OTLP_PROTO_DIR +
                                    " --decode=clrprobe.otlp.ExportMetricsServiceRequest otlp_metrics.proto < " + in});
  return r.exit_code == 0 ? r.out : "";
}

// The resource of `pid` in a request, or nullptr.
const json* ResourceOf(const json& request, pid_t pid) {
  for (const json& rm : request["resourceMetrics"]) {
    for (const json& a : rm["resource"]["attributes"]) {
      if (a["key"] == "process.pid" && a["value"].value("intValue", "") == std::to_string(pid)) return &rm;
    }
  }
  return nullptr;
}

// The asInt of metric `name` for the data point whose clrprobe.method starts with `method`.
std::optional<int64_t> OtlpCount(const json& resource, const std::string& name, const std::string& method) {
  for (const json& m : resource["scopeMetrics"][0]["metrics"]) {
    if (m["name"] != name) continue;
    for (const json& p : m["sum"]["dataPoints"]) {
      for (const json& a : p["attributes"]) {
        if (a["key"] == "clrprobe.method" && a["value"]["stringValue"].get<std::string>().rfind(method, 0) == 0) {
          return std::stoll(p["asInt"].get<std::string>());
        }
      }
    }
  }
  return std::nullopt;
}

std::string ResourceAttribute(const json& resource, const std::string& key) {
  for (const json& a : resource["resource"]["attributes"]) {
    if (a["key"] == key) return a["value"].value("stringValue", a["value"].value("intValue", ""));
  }
  return "";
}

// The exporter runs first: a program started later is picked up, pushed over OTLP (every
// request valid OTLP JSON) and served on /metrics; when it exits, its final figures are
// published once more, on both, then it is dropped.
TEST_F(ExportTest, OtlpPushesAndProcessesThatComeAndGo) {
  OtlpReceiver receiver;
  Exporter exporter(session_, {"--otlp", receiver.url(), "--otlp-protocol", "http/json", "--interval", "0.5"});
  ASSERT_TRUE(exporter.Started());

  // The service names itself, as an OpenTelemetry SDK would read it.
  session_.SetEnv("OTEL_SERVICE_NAME", "orders-live");
  session_.SetEnv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=itest,team=a%20b");
  ProbedService service(session_);
  ASSERT_TRUE(service.Started());
  auto counts = service.Run(50);
  ASSERT_TRUE(counts);
  const int64_t plain_calls = counts->Calls(kPlain);
  const int64_t check_exceptions = counts->Exceptions(kCheck);

  // Pushed: a request carrying the service's exact counts.
  auto pushed_counts = [&](std::size_t from) -> std::optional<std::pair<int64_t, int64_t>> {
    auto requests = receiver.requests();
    for (std::size_t i = from; i < requests.size(); ++i) {
      json request = json::parse(requests[i].second, nullptr, false);
      if (request.is_discarded()) continue;
      const json* resource = ResourceOf(request, service.pid());
      if (resource == nullptr) continue;
      auto calls = OtlpCount(*resource, "clrprobe.calls", kPlain);
      auto exceptions = OtlpCount(*resource, "clrprobe.exceptions", kCheck);
      if (calls == plain_calls && exceptions == check_exceptions) return std::pair{*calls, *exceptions};
    }
    return std::nullopt;
  };
  EXPECT_TRUE(Eventually(20s, [&] { return pushed_counts(0).has_value(); }))
      << receiver.requests().size() << " request(s); stderr: " << exporter.Stderr();
  auto requests = receiver.requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& [content_type, body] : requests) {
    EXPECT_EQ(content_type, "application/json");
    json request = json::parse(body, nullptr, false);
    ASSERT_FALSE(request.is_discarded()) << body;
    for (const std::string& p : OtlpProblems(request)) ADD_FAILURE() << p << "\n" << body.substr(0, 2000);
  }
  {
    json last = json::parse(requests.back().second);
    const json* resource = ResourceOf(last, service.pid());
    ASSERT_NE(resource, nullptr);
    EXPECT_EQ(ResourceAttribute(*resource, "service.name"), "orders-live");
    EXPECT_EQ(ResourceAttribute(*resource, "deployment.environment"), "itest");
    EXPECT_EQ(ResourceAttribute(*resource, "team"), "a b");
    EXPECT_EQ(ResourceAttribute(*resource, "process.pid"), service.Pid());
    EXPECT_EQ(ResourceAttribute(*resource, "process.executable.name"), "dotnet");
    EXPECT_EQ(ResourceAttribute(*resource, "telemetry.sdk.name"), "clrprobe");
    EXPECT_NE(ResourceAttribute(*resource, "service.instance.id").find("-" + service.Pid() + "-"), std::string::npos);
    EXPECT_EQ(ResourceAttribute(*resource, "process.command_line"), "");  // opt-in only
    // A series starts when its probe was added: the agent's added_unix_ns.
    std::ifstream probes_file(session_.dir() + "/runtime/" + service.Pid() + ".probes.json");
    json probes = json::parse(probes_file, nullptr, false);
    ASSERT_FALSE(probes.is_discarded());
    std::set<std::string> added;
    for (const json& probe : probes["probes"]) added.insert(std::to_string(probe.value("added_unix_ns", uint64_t{0})));
    for (const json& m : (*resource)["scopeMetrics"][0]["metrics"]) {
      if (!m.contains("sum")) continue;
      for (const json& point : m["sum"]["dataPoints"]) {
        EXPECT_EQ(added.count(point["startTimeUnixNano"].get<std::string>()), 1u) << point.dump();
      }
    }
  }

  // Served as well, with the same counts.
  const std::string pid_label = "pid=\"" + service.Pid() + "\"";
  std::string metrics = Get(exporter.port(), "/metrics");
  EXPECT_EQ(SampleValue(metrics, "clrprobe_up{" + pid_label), 1) << metrics;
  EXPECT_EQ(SampleValue(metrics, "clrprobe_calls_total{" + pid_label), static_cast<double>(plain_calls)) << metrics;

  // The service exits: its final figures once, then nothing more about it.
  const std::size_t before_exit = receiver.requests().size();
  ASSERT_TRUE(service.Stop()) << service.Stderr();
  metrics = Get(exporter.port(), "/metrics");
  EXPECT_EQ(SampleValue(metrics, "clrprobe_up{" + pid_label), 0) << metrics;
  EXPECT_EQ(SampleValue(metrics, "clrprobe_calls_total{" + pid_label), static_cast<double>(plain_calls)) << metrics;
  metrics = Get(exporter.port(), "/metrics");
  EXPECT_EQ(metrics.find(pid_label), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("clrprobe_processes 0\n"), std::string::npos) << metrics;

  EXPECT_TRUE(Eventually(10s, [&] { return pushed_counts(before_exit).has_value(); }));
  std::this_thread::sleep_for(1500ms);  // three more intervals
  requests = receiver.requests();
  std::size_t after_exit_with_pid = 0;
  for (std::size_t i = before_exit; i < requests.size(); ++i) {
    json request = json::parse(requests[i].second, nullptr, false);
    if (!request.is_discarded() && ResourceOf(request, service.pid()) != nullptr) ++after_exit_with_pid;
  }
  // Pushes that started before the exit may carry it too; after its final push, none.
  EXPECT_GE(after_exit_with_pid, 1u);
  EXPECT_LE(after_exit_with_pid, 2u);

  EXPECT_EQ(exporter.Terminate(), 0);
  const std::string log = exporter.Stderr();
  EXPECT_NE(log.find("exporting pid " + service.Pid()), std::string::npos) << log;
  EXPECT_NE(log.find("pid " + service.Pid() + " (dotnet) exited"), std::string::npos) << log;
  EXPECT_EQ(log.find("warning"), std::string::npos) << log;
}

// OTLP/HTTP protobuf, the default, configured the way OpenTelemetry SDKs are: the
// endpoint, headers, compression and interval from OTEL_* variables. A real protobuf
// decoder (protoc) reads the exact counts of the running program.
TEST_F(ExportTest, OtlpProtobufConfiguredFromTheEnvironmentCarriesTheExactCounts) {
  ASSERT_EQ(RunProcess({"sh", "-c", "command -v protoc"}).exit_code, 0)
      << "protoc not installed: run scripts/install-deps.sh (apt-get install protobuf-compiler)";
  OtlpReceiver receiver;
  session_.SetEnv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.base());  // + /v1/metrics
  session_.SetEnv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=k1");
  session_.SetEnv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
  session_.SetEnv("OTEL_METRIC_EXPORT_INTERVAL", "500");
  session_.SetEnv("OTEL_SERVICE_NAME", "orders-proto");
  ProbedService service(session_);
  ASSERT_TRUE(service.Started());
  auto counts = service.Run(40);
  ASSERT_TRUE(counts);
  const int64_t plain_calls = counts->Calls(kPlain);
  ASSERT_GT(plain_calls, 0);

  Exporter exporter(session_, {});
  ASSERT_TRUE(exporter.Started());
  std::string text;
  std::size_t index = 0;
  EXPECT_TRUE(Eventually(20s,
                         [&] {
                           const auto requests = receiver.requests();
                           for (; index < requests.size(); ++index) {
                             text = ProtocDecode(session_.dir(), requests[index].second);
                             if (text.find("as_int: " + std::to_string(plain_calls) + "\n") != std::string::npos)
                               return true;
                           }
                           return false;
                         }))
      << receiver.requests().size() << " request(s); last decoded:\n"
      << text << "\nstderr: " << exporter.Stderr();
  ASSERT_LT(index, receiver.requests().size());
  EXPECT_EQ(receiver.requests()[index].first, "application/x-protobuf");
  const httplib::Headers headers = receiver.headers()[index];
  auto header = [&](const std::string& name) {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  };
  EXPECT_EQ(header("Content-Encoding"), "gzip");
  EXPECT_EQ(header("x-api-key"), "k1");
  EXPECT_NE(text.find("string_value: \"orders-proto\""), std::string::npos) << text;
  EXPECT_NE(text.find("string_value: \"" + std::string(kPlain)), std::string::npos) << text;
  EXPECT_NE(text.find("exponential_histogram {"), std::string::npos) << text;
  EXPECT_NE(text.find("AGGREGATION_TEMPORALITY_CUMULATIVE"), std::string::npos) << text;

  EXPECT_TRUE(service.Stop());
  EXPECT_EQ(exporter.Terminate(), 0);
  EXPECT_EQ(exporter.Stderr().find("warning"), std::string::npos) << exporter.Stderr();
}

}  // namespace
}  // namespace clrprobe::itest
