#include "scenario_cases.h"

#include <set>

namespace clrprobe::itest {
namespace {

// A probe on one method; the selector doubles as stdout key and method substring.
ProbeExpectation One(const std::string& selector, int64_t calls, int64_t exceptions = 0) {
  ProbeExpectation p;
  p.selector = selector;
  p.calls = calls;
  p.exceptions = exceptions;
  p.stdout_key = selector;
  p.method_substrings = {selector};
  p.method_count = 1;
  return p;
}

ProbeExpectation With(ProbeExpectation p, std::string key, std::vector<std::string> substrings,
                      std::optional<size_t> count) {
  p.stdout_key = std::move(key);
  p.method_substrings = std::move(substrings);
  p.method_count = count;
  return p;
}

std::vector<ScenarioCase> BuildCases() {
  std::vector<ScenarioCase> cases;
  auto add = [&](std::string name, std::string scenario, std::vector<ProbeExpectation> probes) {
    cases.push_back({std::move(name), std::move(scenario), 0, std::move(probes)});
  };

  auto add_exact = One("Scenarios.Calc::Add(int32,int32)", 700);
  add_exact = With(add_exact, "Scenarios.Calc::Add", {"Scenarios.Calc::Add"}, 1);
  add_exact.exact_methods = {"Scenarios.Calc::Add(int32,int32)"};
  add("static", "static", {add_exact, One("Scenarios.Calc::Mul", 300)});
  add("static_wildcards", "static",
      {With(One("Scenarios.Calc::*", 1000), "", {"Scenarios.Calc::Add", "Scenarios.Calc::Mul"}, 2),
       With(One("Scenarios!Scenarios.C*c::A*", 700), "", {"Scenarios.Calc::Add"}, 1)});
  add("instance", "instance", {One("Scenarios.Counter::Increment", 500)});
  add("nested", "nested",
      {With(One("Scenarios.Outer+Inner::Work", 120), "Scenarios.Outer+Inner::Work", {"Inner::Work"}, 1)});
  add("virtual", "virtual",
      {One("Scenarios.Square::Area", 300), One("Scenarios.Circle::Area", 200), One("Scenarios.Shape::Area", 100)});
  add("interface", "interface",
      {One("Scenarios.EnglishGreeter::Greet", 250),
       // Explicit implementation: metadata name "Scenarios.IGreeter.Greet".
       With(One("Scenarios.GermanGreeter::*Greet", 150), "Scenarios.GermanGreeter::Scenarios.IGreeter.Greet",
            {"Scenarios.GermanGreeter::", "Greet"}, 1)});
  add("generic_method", "generic-method", {One("Scenarios.Generics::Identity", 500)});
  add("generic_type", "generic-type",
      {With(One("Scenarios.Box::Get", 500), "Scenarios.Box::Get", {"Scenarios.Box", "::Get"}, 1)});
  add("struct_return", "struct-return", {One("Scenarios.Geometry::MakePoint", 250), One("Scenarios.Geometry::Sum", 250)});
  add("struct_instance", "struct-instance", {One("Scenarios.Vec2::Scale", 400), One("Scenarios.Vec2::Length2", 400)});
  add("refout", "refout", {One("Scenarios.RefOut::TryDivide", 120), One("Scenarios.RefOut::Swap", 81)});
  add("returns", "returns", {One("Scenarios.Returns::Classify", 700)});
  add("switch", "switch", {One("Scenarios.Switches::Name", 640), One("Scenarios.Switches::Code", 160)});
  add("throws", "throws",
      {One("Scenarios.Thrower::Fail", 40, 40), One("Scenarios.Thrower::FailInFinally", 30, 15),
       One("Scenarios.Thrower::HandleSome", 50, 10), One("Scenarios.Thrower::Passthrough", 20, 20),
       One("Scenarios.Thrower::Deep", 20, 20), One("Scenarios.Thrower::Rethrow", 10, 10)});
  add("handlers", "handlers", {One("Scenarios.Handlers::Process", 200, 47)});
  add("inlining", "inlining",
      {One("Scenarios.Hot::get_Value", 40'000'000), One("Scenarios.Hot::SumLoop", 40)});
  add("latelib", "latelib",
      {With(One("LateLib!LateLib.Plugin::Compute", 500), "LateLib.Plugin::Compute", {"LateLib.Plugin::Compute"}, 1),
       One("LateLib.Plugin::Report", 200)});
  add("r2r", "r2r",
      {With(One("System.Web.HttpUtility!System.Web.HttpUtility::ParseQueryString", 90),
            "System.Web.HttpUtility::ParseQueryString", {"System.Web.HttpUtility::ParseQueryString"}, 2),
       With(One("System.Web.HttpUtility::UrlEncode(string)", 120), "System.Web.HttpUtility::UrlEncode(string)",
            {"System.Web.HttpUtility::UrlEncode("}, 1),
       With(One("System.Text.StringBuilder::AppendLine(string)", 75), "System.Text.StringBuilder::AppendLine(string)",
            {"System.Text.StringBuilder::AppendLine("}, 1)});
  add("async", "async", {One("Scenarios.AsyncWork::ComputeAsync", 100, 10)});  // 10 faulted tasks
  add("recursive", "recursive", {One("Scenarios.Recursion::Fib", 1973), One("Scenarios.Recursion::CountDown", 1001)});
  add("nocctor", "nocctor", {One("Scenarios.Pure::Twice", 300), One("Scenarios.WithCctor::Lookup", 300)});
  add("locals", "locals", {One("Scenarios.BigMethod::Crunch", 150, 2)});
  add("threads", "threads", {One("Scenarios.Concurrent::Tick", 1'000'000)});
  cases.push_back({"exitcode", "exitcode", 42, {With(One("Scenarios.Calc::Add", 0), "", {"Scenarios.Calc::Add"}, 1)}});
  return cases;
}

}  // namespace

const std::vector<ScenarioCase>& ScenarioCases() {
  static const std::vector<ScenarioCase> cases = BuildCases();
  return cases;
}

std::vector<ProbeExpectation> AllScenarioProbes() {
  std::vector<ProbeExpectation> out;
  std::set<std::string> seen_scenarios;
  for (const auto& c : ScenarioCases()) {
    // One case per scenario (selector variants would probe the same methods twice).
    if (c.scenario == "exitcode" || !seen_scenarios.insert(c.scenario).second) continue;
    out.insert(out.end(), c.probes.begin(), c.probes.end());
  }
  return out;
}

}  // namespace clrprobe::itest
