// The OTLP/HTTP JSON request (ExportMetricsServiceRequest) and the resource
// of a process (otlp_metrics.h).
#include "export/otlp_json.h"

#include <gtest/gtest.h>

#include "export/otlp_metrics.h"
#include "export/process_resource.h"

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
  p.resource.executable_name = "OrderService";
  p.resource.entry = "OrderService";
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
  m.ticks = h;
  m.max_ticks = 2'000'000;
  m.start_unix_ns = 1'699'999'500'000'000'000ull;  // the probe was added after the process started
  probe.methods.push_back(m);
  p.probes.push_back(probe);
  s.processes.push_back(p);
  ProcessSnapshot idle;  // no probes: no envelope
  idle.key = {5000, 1};
  idle.alive = true;
  s.processes.push_back(idle);
  return s;
}

json request_of(const HostSnapshot& s, const std::string& host = "",
                HistogramKind histogram = HistogramKind::Explicit) {
  OtlpContent content;
  content.version = "0.1.0";
  content.host_name = host;
  content.histogram = histogram;
  return otlp_json(otlp_request(s, content));
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
  const json request = request_of(snapshot(), "host-a");
  ASSERT_TRUE(request.at("resourceMetrics").is_array());
  ASSERT_EQ(request["resourceMetrics"].size(), 1u);
  const json& resource = request["resourceMetrics"][0];
  const json& attributes = resource.at("resource").at("attributes");
  ASSERT_NE(attribute(attributes, "service.name"), nullptr);
  EXPECT_EQ(*attribute(attributes, "service.name"), json({{"stringValue", "unknown_service:OrderService"}}));
  EXPECT_EQ(*attribute(attributes, "process.pid"), json({{"intValue", "4242"}}));
  EXPECT_EQ(*attribute(attributes, "process.executable.name"), json({{"stringValue", "OrderService"}}));
  EXPECT_EQ(*attribute(attributes, "host.name"), json({{"stringValue", "host-a"}}));
  ASSERT_EQ(resource.at("scopeMetrics").size(), 1u);
  EXPECT_EQ(resource["scopeMetrics"][0].at("scope"), json({{"name", "clrprobe"}, {"version", "0.1.0"}}));
  EXPECT_EQ(otlp_data_point_count(request), 5u);  // calls, exceptions, cancelled, in_flight, latency
  EXPECT_EQ(*attribute(attributes, "telemetry.sdk.name"), json({{"stringValue", "clrprobe"}}));
  EXPECT_EQ(*attribute(attributes, "telemetry.sdk.language"), json({{"stringValue", "cpp"}}));
  EXPECT_EQ(*attribute(attributes, "telemetry.sdk.version"), json({{"stringValue", "0.1.0"}}));
  EXPECT_EQ(*attribute(attributes, "service.instance.id"), json({{"stringValue", "host-a-4242-777"}}));
  EXPECT_EQ(attribute(attributes, "process.command_line"), nullptr);  // opt-in
}

TEST(OtlpResource, TheTargetsOwnServiceNameAndAttributesWin) {
  HostSnapshot s = snapshot();
  s.processes[0].resource =
      process_resource_from(std::string("PATH=/bin\0OTEL_SERVICE_NAME=orders\0OTEL_RESOURCE_ATTRIBUTES="
                                        "deployment.environment=prod,service.instance.id=pod-7,team=a%2Cb\0",
                                        125),
                            true, {"dotnet", "OrderService.dll", "--port", "80"}, "/usr/share/dotnet/dotnet", "dotnet");
  OtlpContent content;
  content.version = "0.1.0";
  content.boot_id = "b00t";
  content.command_line = true;
  const OtlpAttributes attributes = resource_attributes(s.processes[0], content);
  auto value = [&](const std::string& key) -> std::string {
    for (const OtlpAttribute& a : attributes) {
      if (a.key == key) {
        return std::holds_alternative<std::string>(a.value) ? std::get<std::string>(a.value)
                                                            : std::to_string(std::get<int64_t>(a.value));
      }
    }
    return "<none>";
  };
  EXPECT_EQ(value("service.name"), "orders");
  EXPECT_EQ(value("deployment.environment"), "prod");
  EXPECT_EQ(value("team"), "a,b");                   // percent-decoded
  EXPECT_EQ(value("service.instance.id"), "pod-7");  // the target's, not ours
  EXPECT_EQ(value("process.pid"), "4242");
  EXPECT_EQ(value("process.executable.name"), "dotnet");
  EXPECT_EQ(value("process.command_line"), "dotnet OrderService.dll --port 80");
  EXPECT_EQ(value("host.name"), "<none>");  // no host name given
}

TEST(OtlpJson, CountersAreCumulativeMonotonicSumsWithStringInt64s) {
  const json request = request_of(snapshot());
  const json& metrics = request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
  for (const char* name : {"clrprobe.calls", "clrprobe.exceptions", "clrprobe.cancelled"}) {
    const json& m = metric(metrics, name);
    ASSERT_TRUE(m.contains("sum")) << name;
    EXPECT_EQ(m["sum"].at("aggregationTemporality"), 2);
    EXPECT_TRUE(m["sum"]["aggregationTemporality"].is_number_integer());
    EXPECT_EQ(m["sum"].at("isMonotonic"), true);
    ASSERT_EQ(m["sum"].at("dataPoints").size(), 1u);
    const json& point = m["sum"]["dataPoints"][0];
    EXPECT_EQ(point.at("startTimeUnixNano"), "1699999500000000000");  // the probe's addition
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
  const json request = request_of(snapshot());
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
  const json request = request_of(snapshot());
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
  EXPECT_EQ(counts[6], "3");  // 400 ns, in (320 ns, 400 ns]: not cumulative
  EXPECT_TRUE(point.at("sum").is_number_float());
  EXPECT_NEAR(point["sum"].get<double>(), (90 + 1200 + 12'000'000) / 1e9, 0.0625 * 12'001'290 / 1e9);
  EXPECT_DOUBLE_EQ(point.at("max").get<double>(), 0.002);
  EXPECT_FALSE(point.contains("min"));
}

TEST(OtlpJson, AProcessWithoutAName) {
  HostSnapshot s = snapshot();
  s.processes[0].name.clear();
  s.processes[0].resource = ProcessResource{};
  const json request = request_of(s);
  const json& attributes = request["resourceMetrics"][0]["resource"]["attributes"];
  EXPECT_EQ(*attribute(attributes, "service.name"), json({{"stringValue", "unknown_service"}}));
  EXPECT_EQ(attribute(attributes, "process.executable.name"), nullptr);
  EXPECT_EQ(attribute(attributes, "host.name"), nullptr);
}

TEST(OtlpJson, NothingToSayIsAnEmptyRequest) {
  const json request = request_of(HostSnapshot{});
  EXPECT_EQ(request, json({{"resourceMetrics", json::array()}}));
  EXPECT_EQ(otlp_data_point_count(request), 0u);
}

TEST(OtlpJson, AMethodWithoutCompletedCallsHasNoMax) {
  HostSnapshot s = snapshot();
  s.processes[0].probes[0].methods[0].latency = CollapsedLatency{};
  s.processes[0].probes[0].methods[0].ticks = stats::Histogram{};
  const json request = request_of(s);
  const json& m = metric(request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"], "clrprobe.latency");
  EXPECT_EQ(m["histogram"]["dataPoints"][0]["count"], "0");
  EXPECT_FALSE(m["histogram"]["dataPoints"][0].contains("max"));
}

}  // namespace
}  // namespace clrprobe::exporter
