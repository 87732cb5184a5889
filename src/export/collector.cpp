#include "export/collector.h"

#include <algorithm>

#include <fmt/format.h>

namespace clrprobe::exporter {

Collector::Collector(Discover discover, Log log, ReadResource read_resource)
    : discover_(std::move(discover)), log_(std::move(log)), read_resource_(std::move(read_resource)) {}

void Collector::note(const std::string& line) {
  if (log_) log_(line);
}

HostSnapshot Collector::collect() {
  std::vector<AgentTarget> targets = discover_ ? discover_() : std::vector<AgentTarget>{};
  HostSnapshot host;
  host.time_unix_ns = unix_now_ns();
  std::vector<std::pair<std::string, std::string>> problems;  // read outside the lock
  for (const AgentTarget& target : targets) {
    std::string problem;
    auto process = read_process(target, &problem);
    if (!process) {
      problems.emplace_back(target.stats_path, process.error().message);
      continue;
    }
    if (!problem.empty()) problems.emplace_back(target.probes_path, problem);
    host.processes.push_back(std::move(*process));
  }
  std::sort(host.processes.begin(), host.processes.end(),
            [](const ProcessSnapshot& a, const ProcessSnapshot& b) { return a.key < b.key; });

  std::lock_guard lock(mutex_);
  std::map<ProcessKey, std::string> names;
  std::map<ProcessKey, bool> alive;
  std::map<ProcessKey, ProcessResource> resources;
  for (ProcessSnapshot& p : host.processes) {
    // Read once per process, while it runs: a process's environment and
    // command line are fixed at exec (as far as /proc shows them).
    if (auto it = resources_.find(p.key); it != resources_.end()) {
      p.resource = it->second;
    } else if (p.alive && read_resource_) {
      p.resource = read_resource_(p.key.pid);
    }
    // A name read from /proc is that of the writer only while it runs (the
    // pid may since belong to someone else).
    if (p.alive && !p.name.empty()) {
      names_[p.key] = p.name;
    } else if (auto it = names_.find(p.key); it != names_.end()) {
      p.name = it->second;
    } else {
      p.name.clear();
    }
    if (!p.name.empty()) names[p.key] = p.name;
    if (p.resource.executable_name.empty() && !p.name.empty()) {
      // Never seen running (or /proc unreadable): what the name says.
      p.resource.executable_name = p.name;
      p.resource.entry = p.name;
    }
    if (p.alive || resources_.count(p.key) != 0) resources[p.key] = p.resource;
    alive[p.key] = p.alive;
    auto before = last_alive_.find(p.key);
    const std::string who = fmt::format("pid {}{}", p.key.pid, p.name.empty() ? "" : " (" + p.name + ")");
    if (before == last_alive_.end()) {
      note(p.alive ? fmt::format("exporting {}: {} probe(s)", who, p.probes.size())
                   : fmt::format("found the files of {}, which exited", who));
    } else if (before->second && !p.alive) {
      note(fmt::format("{} exited", who));
    }
  }
  for (const auto& [key, was_alive] : last_alive_) {
    if (alive.count(key) == 0) note(fmt::format("pid {}: its files are gone, no longer exported", key.pid));
  }
  names_ = std::move(names);
  resources_ = std::move(resources);
  last_alive_ = std::move(alive);

  std::map<std::string, std::string> current;
  for (auto& [path, message] : problems) {
    auto it = problems_.find(path);
    if (it == problems_.end() || it->second != message) note(fmt::format("skipping {}: {}", path, message));
    current[path] = message;
  }
  problems_ = std::move(current);
  return host;
}

}  // namespace clrprobe::exporter
