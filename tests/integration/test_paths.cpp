#include "test_paths.h"

#include <sys/stat.h>

#include <cstdlib>

namespace clrprobe::itest {
namespace {

std::string FromEnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

std::string ClrprobeExe() { return FromEnvOr("CLRPROBE_ITEST_CLRPROBE", CLRPROBE_ITEST_CLRPROBE); }
std::string DotnetExe() { return FromEnvOr("CLRPROBE_ITEST_DOTNET", CLRPROBE_ITEST_DOTNET); }
std::string ScenariosDll() { return FromEnvOr("CLRPROBE_ITEST_SCENARIOS", CLRPROBE_ITEST_SCENARIOS); }
std::string LateLibDll() { return FromEnvOr("CLRPROBE_ITEST_LATELIB", CLRPROBE_ITEST_LATELIB); }
std::string OrderServiceDll() { return FromEnvOr("CLRPROBE_ITEST_ORDERSERVICE", CLRPROBE_ITEST_ORDERSERVICE); }
std::string LiveServiceDll() { return FromEnvOr("CLRPROBE_ITEST_LIVESERVICE", CLRPROBE_ITEST_LIVESERVICE); }
std::string AsyncScenariosDll() {
  return FromEnvOr("CLRPROBE_ITEST_ASYNCSCENARIOS", CLRPROBE_ITEST_ASYNCSCENARIOS);
}
std::string AsyncWebDll() { return FromEnvOr("CLRPROBE_ITEST_ASYNCWEB", CLRPROBE_ITEST_ASYNCWEB); }
std::string StackTracesDll() { return FromEnvOr("CLRPROBE_ITEST_STACKTRACES", CLRPROBE_ITEST_STACKTRACES); }
std::string FSharpTailDll() { return FromEnvOr("CLRPROBE_ITEST_FSHARPTAIL", CLRPROBE_ITEST_FSHARPTAIL); }
std::string WatchTargetDll() { return FromEnvOr("CLRPROBE_ITEST_WATCHTARGET", CLRPROBE_ITEST_WATCHTARGET); }
std::string WorkDir() { return FromEnvOr("CLRPROBE_ITEST_WORK_DIR", CLRPROBE_ITEST_WORK_DIR); }

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace clrprobe::itest
