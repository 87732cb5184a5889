// The OTLP/HTTP JSON request (ExportMetricsServiceRequest).
#include "export/otlp_json.h"

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

using nlohmann::json;

HostSnapshot snapshot() {
  HostSnapshot s;
  s.time_unix_ns = 1'700'000'000'123'456'789ull;
  ProcessSnapshot p;
  p.key = {4242, 777};
  p.name = "OrderService";
  p.alive = true;
  p.start_unix_ns = 1'699'999'000'000'000'000ull;
  ProbeSnapshot probe;
  probe.id = 3;
  probe.selector = "MyApp.*::Get*";
  probe.state = "active";
  MethodFigures m;
  m.method = "MyApp.Store::Get(int32)";
  m.calls = 9'007'199'254'740'993ull;  // not exact as a double: must travel as a string
  m.exceptions = 2;
  m.cancelled = 1;
  m.in_flight = 4;
  stats::Histogram h;
  h.record(90);
  h.record(400, 3);
  h.record(2'000'000, 6);
  m.latency = collapse_latency(h, 2'000'000, 1.0);
  probe.methods.push_back(m);
  p.probes.push_back(probe);
  s.processes.push_back(p);
  ProcessSnapshot idle;  // no probes: no envelope
  idle.key = {5000, 1};
  idle.alive = true;
  s.processes.push_back(idle);
  return s;
}

const json* attribute(const json& attributes, const std::string& key) {
  for (const json& a : attributes) {
    if (a.at("key") == key) return &a.at("value");
  }
  return nullptr;
}

const json& metric(const json& metrics, const std::string& name) {
  for (const json& m : metrics) {
    if (m.at("name") == name) return m;
  }
  static const json none;
  ADD_FAILURE() << "no metric " << name;
  return none;
}

TEST(OtlpJson, OneResourcePerProcessWithFiguresAndItsAttributes) {
  const json request = otlp_metrics_request(snapshot(), {"0.1.0", "host-a"});
  ASSERT_TRUE(request.at("resourceMetrics").is_array());
  ASSERT_EQ(request["resourceMetrics"].size(), 1u);
  const json& resource = request["resourceMetrics"][0];
  const json& attributes = resource.at("resource").at("attributes");
  ASSERT_NE(attribute(attributes, "service.name"), nullptr);
  EXPECT_EQ(*attribute(attributes, "service.name"), json({{"stringValue", "OrderService"}}));
  EXPECT_EQ(*attribute(attributes, "process.pid"), json({{"intValue", "4242"}}));
  EXPECT_EQ(*attribute(attributes, "process.executable.name"), json({{"stringValue", "OrderService"}}));
  EXPECT_EQ(*attribute(attributes, "host.name"), json({{"stringValue", "host-a"}}));
  ASSERT_EQ(resource.at("scopeMetrics").size(), 1u);
  EXPECT_EQ(resource["scopeMetrics"][0].at("scope"), json({{"name", "clrprobe"}, {"version", "0.1.0"}}));
  EXPECT_EQ(otlp_data_point_count(request), 5u);  // calls, exceptions, cancelled, in_flight, latency
}

TEST(OtlpJson, CountersAreCumulativeMonotonicSumsWithStringInt64s) {
  const json request = otlp_metrics_request(snapshot(), {"0.1.0", ""});
  const json& metrics = request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
  for (const char* name : {"clrprobe.calls", "clrprobe.exceptions", "clrprobe.cancelled"}) {
    const json& m = metric(metrics, name);
    ASSERT_TRUE(m.contains("sum")) << name;
    EXPECT_EQ(m["sum"].at("aggregationTemporality"), 2);
    EXPECT_TRUE(m["sum"]["aggregationTemporality"].is_number_integer());
    EXPECT_EQ(m["sum"].at("isMonotonic"), true);
    ASSERT_EQ(m["sum"].at("dataPoints").size(), 1u);
    const json& point = m["sum"]["dataPoints"][0];
    EXPECT_EQ(point.at("startTimeUnixNano"), "1699999000000000000");
    EXPECT_EQ(point.at("timeUnixNano"), "1700000000123456789");
    EXPECT_TRUE(point.at("asInt").is_string());
    const json& attrs = point.at("attributes");
    EXPECT_EQ(*attribute(attrs, "clrprobe.probe.id"), json({{"intValue", "3"}}));
    EXPECT_EQ(*attribute(attrs, "clrprobe.probe.selector"), json({{"stringValue", "MyApp.*::Get*"}}));
    EXPECT_EQ(*attribute(attrs, "clrprobe.method"), json({{"stringValue", "MyApp.Store::Get(int32)"}}));
  }
  EXPECT_EQ(metric(metrics, "clrprobe.calls")["sum"]["dataPoints"][0]["asInt"], "9007199254740993");
  EXPECT_EQ(metric(metrics, "clrprobe.exceptions")["sum"]["dataPoints"][0]["asInt"], "2");
  EXPECT_EQ(metric(metrics, "clrprobe.cancelled")["sum"]["dataPoints"][0]["asInt"], "1");
}

TEST(OtlpJson, InFlightIsAGaugeOfTheSnapshotsTime) {
  const json request = otlp_metrics_request(snapshot(), {"0.1.0", ""});
  const json& m = metric(request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"], "clrprobe.in_flight");
  EXPECT_FALSE(m.contains("sum"));
  ASSERT_TRUE(m.contains("gauge")) << m.dump();
  ASSERT_EQ(m["gauge"].at("dataPoints").size(), 1u);
  const json& point = m["gauge"]["dataPoints"][0];
  EXPECT_EQ(point.at("asInt"), "4");
  EXPECT_EQ(point.at("timeUnixNano"), "1700000000123456789");
  EXPECT_FALSE(point.contains("startTimeUnixNano"));
  EXPECT_EQ(*attribute(point.at("attributes"), "clrprobe.method"), json({{"stringValue", "MyApp.Store::Get(int32)"}}));
}

TEST(OtlpJson, LatencyIsACumulativeHistogramInSecondsWithConsistentBuckets) {
  const json request = otlp_metrics_request(snapshot(), {"0.1.0", ""});
  const json& m = metric(request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"], "clrprobe.latency");
  EXPECT_EQ(m.at("unit"), "s");
  ASSERT_TRUE(m.contains("histogram"));
  EXPECT_EQ(m["histogram"].at("aggregationTemporality"), 2);
  const json& point = m["histogram"]["dataPoints"][0];
  EXPECT_EQ(point.at("count"), "10");
  const json& bounds = point.at("explicitBounds");
  const json& counts = point.at("bucketCounts");
  ASSERT_EQ(counts.size(), bounds.size() + 1);
  uint64_t total = 0;
  for (const json& c : counts) {
    ASSERT_TRUE(c.is_string());
    total += std::stoull(c.get<std::string>());
  }
  EXPECT_EQ(total, 10u);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    ASSERT_TRUE(bounds[i].is_number_float());
    if (i > 0) {
      EXPECT_LT(bounds[i - 1].get<double>(), bounds[i].get<double>());
    }
  }
  EXPECT_EQ(bounds[0], 1e-7);
  EXPECT_EQ(counts[0], "1");  // 90 ns
  EXPECT_EQ(counts[2], "3");  // 400 ns, in (250 ns, 500 ns]: not cumulative
  EXPECT_TRUE(point.at("sum").is_number_float());
  EXPECT_NEAR(point["sum"].get<double>(), (90 + 1200 + 12'000'000) / 1e9, 0.0625 * 12'001'290 / 1e9);
  EXPECT_DOUBLE_EQ(point.at("max").get<double>(), 0.002);
  EXPECT_FALSE(point.contains("min"));
}

TEST(OtlpJson, AProcessWithoutAName) {
  HostSnapshot s = snapshot();
  s.processes[0].name.clear();
  const json request = otlp_metrics_request(s, {"0.1.0", ""});
  const json& attributes = request["resourceMetrics"][0]["resource"]["attributes"];
  EXPECT_EQ(*attribute(attributes, "service.name"), json({{"stringValue", "unknown_service"}}));
  EXPECT_EQ(attribute(attributes, "process.executable.name"), nullptr);
  EXPECT_EQ(attribute(attributes, "host.name"), nullptr);
}

TEST(OtlpJson, NothingToSayIsAnEmptyRequest) {
  const json request = otlp_metrics_request(HostSnapshot{}, {"0.1.0", ""});
  EXPECT_EQ(request, json({{"resourceMetrics", json::array()}}));
  EXPECT_EQ(otlp_data_point_count(request), 0u);
}

TEST(OtlpJson, AMethodWithoutCompletedCallsHasNoMax) {
  HostSnapshot s = snapshot();
  s.processes[0].probes[0].methods[0].latency = CollapsedLatency{};
  const json request = otlp_metrics_request(s, {"0.1.0", ""});
  const json& m = metric(request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"], "clrprobe.latency");
  EXPECT_EQ(m["histogram"]["dataPoints"][0]["count"], "0");
  EXPECT_FALSE(m["histogram"]["dataPoints"][0].contains("max"));
}

}  // namespace
}  // namespace clrprobe::exporter
