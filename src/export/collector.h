// Reads every agent's files on each call: processes that appear are picked
// up, processes whose files are gone are dropped. Thread-safe: the /metrics
// server and the OTLP pusher share one collector.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "export/snapshot.h"

namespace clrprobe::exporter {

class Collector {
 public:
  // Lists the agents' files (which directories to look in is the caller's
  // business, e.g. `clrprobe ps`'s runtime directories).
  using Discover = std::function<std::vector<AgentTarget>()>;
  // One line for the operator (no trailing newline).
  using Log = std::function<void(const std::string&)>;

  // Who a running process is (process_resource.h); tests substitute it.
  using ReadResource = std::function<ProcessResource(pid_t)>;

  explicit Collector(Discover discover, Log log = {}, ReadResource read_resource = read_process_resource);

  // A fresh read of every agent. A process's name and resource are read
  // while it runs and remembered, so that its final figures still carry them
  // after it exited (its /proc entry is gone by then).
  HostSnapshot collect();

 private:
  void note(const std::string& line);

  Discover discover_;
  Log log_;
  ReadResource read_resource_;
  std::map<ProcessKey, ProcessResource> resources_;
  std::mutex mutex_;
  std::map<ProcessKey, std::string> names_;
  std::map<ProcessKey, bool> last_alive_;          // for "picked up" / "exited" lines
  std::map<std::string, std::string> problems_;    // path -> problem last reported
};

}  // namespace clrprobe::exporter
