#include "agent/config.h"

#include "common/runtime_paths.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace clrprobe::agent {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::move(fallback);
}

}  // namespace

std::string default_stats_dir() { return runtime_dir_for_uid(::geteuid()); }

AgentConfig AgentConfig::from_environment() {
  AgentConfig config;
  config.probes = env_or("CLRPROBE_PROBES", "");
  config.report_path = env_or("CLRPROBE_REPORT", "");
  config.log_path = env_or("CLRPROBE_LOG", "");
  config.probes_file = env_or("CLRPROBE_PROBES_FILE", "");
  config.stats_dir = default_stats_dir();
  std::string wait = env_or("CLRPROBE_MODULE_WAIT_MS", "");
  if (!wait.empty()) {
    char* end = nullptr;
    unsigned long ms = std::strtoul(wait.c_str(), &end, 10);
    if (end != wait.c_str() && *end == '\0' && ms <= 60000) config.module_wait_ms = static_cast<unsigned>(ms);
  }
  std::string slots = env_or("CLRPROBE_STATS_SLOTS", "");
  if (!slots.empty()) {
    char* end = nullptr;
    unsigned long n = std::strtoul(slots.c_str(), &end, 10);
    if (end != slots.c_str() && *end == '\0' && n >= 1 && n <= (1ul << 20)) config.stats_slots = static_cast<uint32_t>(n);
  }
  return config;
}

}  // namespace clrprobe::agent
