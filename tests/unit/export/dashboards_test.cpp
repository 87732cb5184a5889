// docs/grafana/clrprobe-dashboard.json: every query is valid PromQL (promtool
// parses it as a recording rule) over series the exporter publishes, and the
// dashboard has the panels docs/FLEETS.md promises.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "export/prometheus_text.h"
#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

using nlohmann::json;

json dashboard() {
  std::ifstream in(std::string(CLRPROBE_DOCS_DIR) + "/grafana/clrprobe-dashboard.json");
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

void collect_exprs(const json& panels, std::vector<std::pair<std::string, std::string>>& out) {
  for (const json& p : panels) {
    for (const json& t : p.value("targets", json::array())) out.emplace_back(p.value("title", ""), t.value("expr", ""));
    if (p.contains("panels")) collect_exprs(p["panels"], out);
  }
}

// The families and sample names of a full exposition.
std::set<std::string> published_names() {
  HostSnapshot s;
  ProcessSnapshot p;
  p.key = {1, 1};
  p.alive = true;
  ProbeSnapshot probe;
  probe.id = 1;
  MethodFigures m;
  m.method = "A::B()";
  probe.methods.push_back(m);
  p.probes.push_back(probe);
  s.processes.push_back(p);
  std::set<std::string> names = {"up"};
  std::istringstream text(prometheus_text(s));
  std::string line;
  while (std::getline(text, line)) {
    if (!line.empty() && line[0] != '#') names.insert(line.substr(0, line.find_first_of("{ ")));
  }
  return names;
}

TEST(GrafanaDashboard, HasTheCallsErrorsLatencyAndInFlightPanelsPerProbeAndPerMethod) {
  const json d = dashboard();
  ASSERT_TRUE(d.is_object()) << "not valid JSON";
  std::vector<std::pair<std::string, std::string>> exprs;
  collect_exprs(d.at("panels"), exprs);
  std::set<std::string> titles;
  for (const auto& [title, expr] : exprs) titles.insert(title);
  for (const char* wanted :
       {"Calls per second", "Error ratio", "Latency p50 and p99", "In flight", "Calls per second per method",
        "Error ratio per method", "Latency p50 and p99 per method", "In flight per method"}) {
    EXPECT_EQ(titles.count(wanted), 1u) << wanted;
  }
}

TEST(GrafanaDashboard, EveryQueryIsValidPromqlOverPublishedSeries) {
  const json d = dashboard();
  ASSERT_TRUE(d.is_object());
  std::vector<std::pair<std::string, std::string>> exprs;
  collect_exprs(d.at("panels"), exprs);
  ASSERT_GE(exprs.size(), 10u);
  const std::set<std::string> names = published_names();
  testing::TempDir dir;
  std::ofstream rules(dir.path() + "/dashboard-rules.yml");
  rules << "groups:\n  - name: dashboard\n    rules:\n";
  int n = 0;
  for (auto [title, expr] : exprs) {
    // Grafana's variables, as Grafana substitutes them.
    for (const auto& [var, value] : {std::pair{std::string("$__rate_interval"), std::string("1m")},
                                     {"$service", ".*"},
                                     {"$selector", ".*"},
                                     {"$job", "clrprobe"}}) {
      for (auto at = expr.find(var); at != std::string::npos; at = expr.find(var)) expr.replace(at, var.size(), value);
    }
    EXPECT_EQ(expr.find('$'), std::string::npos) << title << ": " << expr;
    // Every metric name it reads is one the exporter publishes.
    const std::regex metric(R"(\b(clrprobe_[a-z_]+|up)\b)");
    for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric); it != std::sregex_iterator(); ++it) {
      EXPECT_EQ(names.count((*it)[1].str()), 1u) << title << " reads " << (*it)[1].str();
    }
    json quoted = expr;
    rules << "      - record: dashboard_query_" << n++ << "\n        expr: " << quoted.dump() << "\n";
  }
  rules.close();
  const std::string command =
      "promtool check rules " + dir.path() + "/dashboard-rules.yml > " + dir.path() + "/out.txt 2>&1";
  const int rc = std::system(command.c_str());
  std::stringstream out;
  out << std::ifstream(dir.path() + "/out.txt").rdbuf();
  EXPECT_EQ(rc, 0) << out.str();
}

}  // namespace
}  // namespace clrprobe::exporter
