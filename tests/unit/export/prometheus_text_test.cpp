// The Prometheus text exposition (format 0.0.4) and OpenMetrics.
#include "export/prometheus_text.h"

#include <stdio.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

using testing::find_line;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The metric name of a sample line.
std::string sample_name(const std::string& line) { return line.substr(0, line.find_first_of("{ ")); }

std::string family_of(const std::string& name) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.rfind("clrprobe_latency_seconds", 0) == 0 && name.size() > s.size() &&
        name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

HostSnapshot sample_snapshot() {
  HostSnapshot s;
  s.time_unix_ns = 1'700'000'000'000'000'000ull;
  ProcessSnapshot p;
  p.key = {4242, 777};
  p.name = "dotnet";
  p.alive = true;
  p.resource.otel_service_name = "orders";
  ProbeSnapshot probe;
  probe.id = 3;
  probe.selector = "MyApp.Orders.*::Get*";
  probe.state = "active";
  MethodFigures get;
  get.method = "MyApp.Orders.Store::GetById(int32)";
  get.calls = 12;
  get.exceptions = 2;
  get.cancelled = 1;
  get.in_flight = 4;
  stats::Histogram h;
  h.record(90);
  h.record(400, 3);
  h.record(2'000'000, 6);
  get.latency = collapse_latency(h, 2'000'000, 1.0);
  get.start_unix_ns = 1'699'999'000'500'000'000ull;
  probe.methods.push_back(get);
  MethodFigures odd;
  odd.method = "My\"App\\Odd::Line\nBreak";
  odd.calls = 1;
  probe.methods.push_back(odd);
  p.probes.push_back(probe);
  ProbeSnapshot pending;
  pending.id = 4;
  pending.selector = "Late!Late.Plugin::*";
  pending.state = "pending";
  p.probes.push_back(pending);
  s.processes.push_back(p);
  ProcessSnapshot gone;
  gone.key = {5000, 1};
  gone.name = "";
  gone.alive = false;
  s.processes.push_back(gone);
  return s;
}

TEST(PrometheusEscaping, LabelValuesEscapeBackslashQuoteAndLineFeed) {
  EXPECT_EQ(escape_label_value("plain::Method(int32)"), "plain::Method(int32)");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("Outer+Inner`1<T>::M(string[],int32&)"), "Outer+Inner`1<T>::M(string[],int32&)");
  EXPECT_EQ(escape_label_value("ünïcode ✓"), "ünïcode ✓");
  EXPECT_EQ(escape_label_value(""), "");
}

TEST(PrometheusEscaping, HelpEscapesBackslashAndLineFeedOnly) {
  EXPECT_EQ(escape_help("a \"quoted\" \\ text\nmore"), "a \"quoted\" \\\\ text\\nmore");
}

TEST(PrometheusValues, UseTheShortestExactFormAndPrometheusInfinity) {
  EXPECT_EQ(format_value(1e-7), "1e-07");
  EXPECT_EQ(format_value(2.5e-7), "2.5e-07");
  EXPECT_EQ(format_value(0.001), "0.001");
  EXPECT_EQ(format_value(10), "10");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  for (double b : latency_bounds_seconds()) EXPECT_EQ(std::stod(format_value(b)), b);
}

TEST(PrometheusText, EveryFamilyHasHelpAndTypeBeforeItsSamplesAndItsSamplesTogether) {
  const std::string text = prometheus_text(sample_snapshot());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::vector<std::string> order;  // family of each run of samples
  for (const std::string& line : lines_of(text)) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      helped.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      EXPECT_EQ(helped.count(name), 1u) << "TYPE before HELP for " << name;
      types[name] = type;
      continue;
    }
    const std::string family = family_of(sample_name(line));
    EXPECT_EQ(types.count(family), 1u) << "sample before TYPE: " << line;
    if (order.empty() || order.back() != family) order.push_back(family);
  }
  std::set<std::string> distinct(order.begin(), order.end());
  EXPECT_EQ(distinct.size(), order.size()) << "a family's samples are split";
  EXPECT_EQ(types["clrprobe_processes"], "gauge");
  EXPECT_EQ(types["clrprobe_up"], "gauge");
  EXPECT_EQ(types["clrprobe_probe_methods"], "gauge");
  EXPECT_EQ(types["clrprobe_calls_total"], "counter");
  EXPECT_EQ(types["clrprobe_exceptions_total"], "counter");
  EXPECT_EQ(types["clrprobe_cancelled_total"], "counter");
  EXPECT_EQ(types["clrprobe_in_flight"], "gauge");
  EXPECT_EQ(types["clrprobe_latency_seconds"], "histogram");
}

TEST(PrometheusText, PublishesCountersPerMethodWithEscapedLabels) {
  const std::string text = prometheus_text(sample_snapshot());
  EXPECT_NE(text.find("clrprobe_processes 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("clrprobe_up{pid=\"4242\",process=\"dotnet\",service=\"orders\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("clrprobe_up{pid=\"5000\",process=\"\",service=\"unknown_service\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("clrprobe_calls_total{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\",selector="
                      "\"MyApp.Orders.*::"
                      "Get*\",method=\"MyApp.Orders.Store::GetById(int32)\"} 12\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("clrprobe_exceptions_total{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\","
                      "selector=\"MyApp."
                      "Orders.*::Get*\",method=\"MyApp.Orders.Store::GetById(int32)\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("method=\"My\\\"App\\\\Odd::Line\\nBreak\"} 1\n"), std::string::npos) << text;
  const std::string get =
      "{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\",selector=\"MyApp.Orders.*::Get*\","
      "method=\"MyApp.Orders.Store::GetById(int32)\"}";
  EXPECT_EQ(find_line(text, "clrprobe_cancelled_total" + get), "clrprobe_cancelled_total" + get + " 1") << text;
  EXPECT_EQ(find_line(text, "clrprobe_in_flight" + get), "clrprobe_in_flight" + get + " 4") << text;
  EXPECT_NE(text.find("# HELP clrprobe_cancelled_total "), std::string::npos);
  EXPECT_NE(text.find("# HELP clrprobe_in_flight "), std::string::npos);
  EXPECT_NE(text.find("clrprobe_probe_methods{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"4\","
                      "selector=\"Late!Late."
                      "Plugin::*\",state=\"pending\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("clrprobe_probe_methods{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\","
                      "selector=\"MyApp.Orders.*"
                      "::Get*\",state=\"active\"} 2\n"),
            std::string::npos);
}

TEST(PrometheusText, HistogramBucketsAreCumulativeSortedAndEndWithInfEqualToCount) {
  const std::string text = prometheus_text(sample_snapshot());
  const std::string series =
      "{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\",selector=\"MyApp.Orders.*::Get*\","
      "method=\"MyApp.Orders.Store::GetById(int32)\"";
  std::vector<std::pair<double, uint64_t>> buckets;
  for (const std::string& line : lines_of(text)) {
    const std::string prefix = "clrprobe_latency_seconds_bucket" + series + ",le=\"";
    if (line.rfind(prefix, 0) != 0) continue;
    const auto close = line.find('"', prefix.size());
    const std::string le = line.substr(prefix.size(), close - prefix.size());
    const double bound = le == "+Inf" ? 1.0 / 0.0 : std::stod(le);
    buckets.emplace_back(bound, std::stoull(line.substr(line.rfind(' ') + 1)));
  }
  ASSERT_EQ(buckets.size(), latency_bounds_seconds().size() + 1);
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_LT(buckets[i - 1].first, buckets[i].first);
    EXPECT_LE(buckets[i - 1].second, buckets[i].second);
  }
  EXPECT_EQ(buckets.back().second, 10u);
  EXPECT_EQ(buckets[0].second, 1u);   // 90 ns <= 100 ns
  EXPECT_EQ(buckets[6].second, 4u);   // 400 ns <= 400 ns (its bucket's midpoint: 400)
  EXPECT_EQ(find_line(text, "clrprobe_latency_seconds_count" + series), "clrprobe_latency_seconds_count" + series + "} 10");
  const std::string sum = find_line(text, "clrprobe_latency_seconds_sum" + series);
  ASSERT_FALSE(sum.empty());
  const double sum_seconds = std::stod(sum.substr(sum.rfind(' ') + 1));
  EXPECT_NEAR(sum_seconds, (90 + 3 * 400 + 6 * 2'000'000) / 1e9, 0.0625 * 12'001'290 / 1e9);
}

TEST(PrometheusText, OpenMetricsNamesCounterFamiliesWithoutTotalAddsCreatedAndEndsWithEof) {
  PrometheusOptions om;
  om.openmetrics = true;
  const std::string text = prometheus_text(sample_snapshot(), om);
  const std::string get =
      "{pid=\"4242\",process=\"dotnet\",service=\"orders\",probe_id=\"3\",selector=\"MyApp.Orders.*::"
      "Get*\",method=\"MyApp.Orders.Store::GetById(int32)\"}";
  EXPECT_NE(text.find("# TYPE clrprobe_calls counter\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("# TYPE clrprobe_calls_total"), std::string::npos) << text;
  EXPECT_EQ(find_line(text, "clrprobe_calls_total" + get), "clrprobe_calls_total" + get + " 12");
  EXPECT_EQ(find_line(text, "clrprobe_calls_created" + get), "clrprobe_calls_created" + get + " 1699999000.5");
  EXPECT_EQ(find_line(text, "clrprobe_latency_seconds_created" + get),
            "clrprobe_latency_seconds_created" + get + " 1699999000.5");
  EXPECT_NE(text.find("# UNIT clrprobe_latency_seconds seconds\n"), std::string::npos);
  ASSERT_GE(text.size(), 6u);
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
  // The 0.0.4 text has neither.
  const std::string plain = prometheus_text(sample_snapshot());
  EXPECT_EQ(plain.find("_created"), std::string::npos);
  EXPECT_EQ(plain.find("# EOF"), std::string::npos);
}

TEST(PrometheusText, OpenMetricsIsChosenByTheAcceptHeader) {
  EXPECT_TRUE(
      accepts_openmetrics("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                          "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
  EXPECT_FALSE(accepts_openmetrics("text/plain;version=0.0.4"));
  EXPECT_FALSE(accepts_openmetrics(""));
}

TEST(PrometheusText, WithoutThePidLabelTheProcessesOfOneServiceAreSummed) {
  HostSnapshot s = sample_snapshot();
  ProcessSnapshot twin = s.processes[0];  // a second instance of the same service
  twin.key = {4343, 900};
  twin.probes[0].methods[0].start_unix_ns = 1'699'998'000'000'000'000ull;  // added earlier
  s.processes.push_back(twin);
  PrometheusOptions no_pid;
  no_pid.pid_label = false;
  no_pid.openmetrics = true;
  const std::string text = prometheus_text(s, no_pid);
  EXPECT_EQ(text.find("pid="), std::string::npos) << text;
  const std::string get =
      "{process=\"dotnet\",service=\"orders\",probe_id=\"3\",selector=\"MyApp.Orders.*::Get*\","
      "method=\"MyApp.Orders.Store::GetById(int32)\"}";
  EXPECT_EQ(find_line(text, "clrprobe_calls_total" + get), "clrprobe_calls_total" + get + " 24") << text;
  EXPECT_EQ(find_line(text, "clrprobe_in_flight" + get), "clrprobe_in_flight" + get + " 8");
  EXPECT_EQ(find_line(text, "clrprobe_latency_seconds_count" + get), "clrprobe_latency_seconds_count" + get + " 20");
  EXPECT_EQ(find_line(text, "clrprobe_calls_created" + get), "clrprobe_calls_created" + get + " 1699998000");
  EXPECT_EQ(find_line(text, "clrprobe_up{process=\"dotnet\",service=\"orders\"}"),
            "clrprobe_up{process=\"dotnet\",service=\"orders\"} 1");
  EXPECT_EQ(find_line(text, "clrprobe_processes"), "clrprobe_processes 2");
  // One series per label set: no duplicates.
  std::set<std::string> samples;
  for (const std::string& line : lines_of(text)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(samples.insert(line.substr(0, line.rfind(' '))).second) << "duplicate " << line;
  }
}

TEST(PrometheusText, AnEmptyHostStillSaysHowManyProcesses) {
  const std::string text = prometheus_text(HostSnapshot{});
  EXPECT_NE(text.find("clrprobe_processes 0\n"), std::string::npos);
  EXPECT_EQ(text.find("clrprobe_calls_total{"), std::string::npos);
}

// promtool (Debian package prometheus) is the reference parser and linter.
TEST(PrometheusText, PromtoolAcceptsIt) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "promtool not installed";
  testing::TempDir dir;
  const std::string path = dir.path() + "/metrics.txt";
  std::ofstream(path) << prometheus_text(sample_snapshot());
  const std::string command = "promtool check metrics < " + path + " > " + dir.path() + "/out.txt 2>&1";
  const int rc = std::system(command.c_str());
  std::ifstream out(dir.path() + "/out.txt");
  std::stringstream says;
  says << out.rdbuf();
  EXPECT_EQ(rc, 0) << says.str();
}

}  // namespace
}  // namespace clrprobe::exporter
