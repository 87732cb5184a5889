// Where the integration tests find the programs they run. Defaults come from CMake
// (compile definitions); each can be overridden by an environment variable of the same name.
#pragma once

#include <string>

namespace clrprobe::itest {

std::string ClrprobeExe();     // CLRPROBE_ITEST_CLRPROBE: build/bin/clrprobe
std::string DotnetExe();       // CLRPROBE_ITEST_DOTNET: the dotnet host
std::string ScenariosDll();    // CLRPROBE_ITEST_SCENARIOS: build/apps/Scenarios/Scenarios.dll
std::string LateLibDll();      // CLRPROBE_ITEST_LATELIB: build/apps/LateLib/LateLib.dll
std::string OrderServiceDll(); // CLRPROBE_ITEST_ORDERSERVICE: build/apps/OrderService/OrderService.dll
std::string LiveServiceDll();  // CLRPROBE_ITEST_LIVESERVICE: build/apps/LiveService/LiveService.dll
std::string AsyncScenariosDll();  // CLRPROBE_ITEST_ASYNCSCENARIOS: build/apps/AsyncScenarios/AsyncScenarios.dll
std::string AsyncWebDll();        // CLRPROBE_ITEST_ASYNCWEB: build/apps/AsyncWeb/AsyncWeb.dll
std::string StackTracesDll();     // CLRPROBE_ITEST_STACKTRACES: build/apps/StackTraces/StackTraces.dll
std::string FSharpTailDll();      // CLRPROBE_ITEST_FSHARPTAIL: build/apps/FSharpTail/FSharpTail.dll (F#)
std::string WatchTargetDll();     // CLRPROBE_ITEST_WATCHTARGET: build/apps/WatchTarget/WatchTarget.dll
std::string WorkDir();         // CLRPROBE_ITEST_WORK_DIR: scratch space for reports and logs

bool FileExists(const std::string& path);

}  // namespace clrprobe::itest
