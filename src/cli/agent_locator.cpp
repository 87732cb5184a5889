#include "cli/agent_locator.h"

#include <unistd.h>

#include <system_error>
#include <vector>

namespace clrprobe::cli {
namespace fs = std::filesystem;
namespace {

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  return abs.lexically_normal();
}

// Empty string if `path` is a readable regular file, else why not.
std::string check_agent_file(const fs::path& path) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return "does not exist";
  if (!fs::is_regular_file(st)) return "is not a regular file";
  if (::access(path.c_str(), R_OK) != 0) return "is not readable";
  return {};
}

}  // namespace

Result<fs::path> current_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(Reason::Io, "cannot resolve /proc/self/exe: " + ec.message());
  return exe;
}

Result<fs::path> locate_agent(const AgentSearch& search) {
  auto explicit_choice = [](const std::string& value, const char* origin) -> Result<fs::path> {
    fs::path path = absolute_normal(value);
    std::string problem = check_agent_file(path);
    if (!problem.empty()) {
      return make_error(Reason::NotFound,
                        std::string("agent ") + path.string() + " (from " + origin + ") " + problem);
    }
    return path;
  };
  if (search.flag) return explicit_choice(*search.flag, "--agent");
  if (search.env && !search.env->empty()) return explicit_choice(*search.env, kAgentEnvVar);

  fs::path dir = search.self_exe.parent_path();
  std::vector<fs::path> candidates = {absolute_normal(dir / ".." / "lib" / kAgentFileName),
                                      absolute_normal(dir / ".." / "lib" / "clrprobe" / kAgentFileName),
                                      absolute_normal(dir / kAgentFileName)};
  std::string tried;
  for (const fs::path& candidate : candidates) {
    std::string problem = check_agent_file(candidate);
    if (problem.empty()) return candidate;
    if (!tried.empty()) tried += ", ";
    tried += candidate.string() + " " + problem;
  }
  return make_error(Reason::NotFound, std::string("cannot find the agent ") + kAgentFileName +
                                          " (" + tried + "); pass --agent PATH or set " +
                                          kAgentEnvVar);
}

}  // namespace clrprobe::cli
