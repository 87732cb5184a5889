#include "cli/export_launcher.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/agent_locator.h"
#include "cli/console.h"
#include "cli/exit_codes.h"

namespace clrprobe::cli {
namespace fs = std::filesystem;

Result<fs::path> locate_export_helper(const fs::path& self_exe) {
  const fs::path dir = self_exe.parent_path();
  const fs::path candidates[] = {dir / kExportHelperName,
                                 (dir / ".." / "lib" / "clrprobe" / kExportHelperName).lexically_normal()};
  std::string tried;
  for (const fs::path& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (!tried.empty()) tried += ", ";
    tried += candidate.string();
  }
  return make_error(Reason::NotFound, std::string("'clrprobe export' needs ") + kExportHelperName +
                                          ", not found (tried " + tried + ")");
}

int exec_export_helper(const std::vector<std::string>& args) {
  auto self = current_executable();
  if (!self) {
    complain("{}", self.error().message);
    return kExitFailure;
  }
  auto helper = locate_export_helper(*self);
  if (!helper) {
    complain("{}", helper.error().message);
    return kExitFailure;
  }
  std::vector<char*> argv;
  std::string name = helper->string();
  argv.push_back(name.data());
  std::vector<std::string> copies(args);
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execv(name.c_str(), argv.data());
  complain("cannot run {}: {}", name, std::strerror(errno));
  return kExitFailure;
}

}  // namespace clrprobe::cli
