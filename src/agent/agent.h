// The agent's state for the life of the process and the one place the thin
// profiler callbacks delegate to. Every public entry point is called from a
// runtime callback inside an exception barrier (see profiler_callback.cpp).
#pragma once

#include <atomic>
#include <memory>

#include "abi/abi.h"
#include "agent/budget_supervisor.h"
#include "agent/config.h"
#include "agent/first_jit_installer.h"
#include "agent/instrumenter.h"
#include "agent/module_table.h"
#include "agent/probe_registry.h"
#include "agent/probe_service.h"
#include "agent/probes_file_watcher.h"
#include "agent/rejit_controller.h"
#include "agent/watch_service.h"
#include "common/result.h"
#include "stats/stats_region.h"

namespace clrprobe::stats {
class StatsRegion;
}
namespace clrprobe::control {
class ControlServer;
}

namespace clrprobe::agent {

class Agent {
 public:
  Agent();
  ~Agent();

  // `attach_data` is the client data of an attach (nullptr at startup).
  abi::HRESULT initialize(abi::IUnknown* info_unknown, bool attaching, const void* attach_data = nullptr,
                          size_t attach_data_size = 0);
  void module_loaded(abi::ModuleID module, abi::HRESULT status);
  void module_unloading(abi::ModuleID module);
  void jit_started(abi::FunctionID function);
  abi::HRESULT get_rejit_parameters(abi::ModuleID module, abi::mdMethodDef method,
                                    abi::ICorProfilerFunctionControl* control);
  void rejit_error(abi::ModuleID module, abi::mdMethodDef method, abi::HRESULT status);
  void shutdown();

 private:
  std::shared_ptr<ModuleInfo> describe_module(abi::ModuleID module);
  void catalog_loaded_modules();
  void parse_startup_probes();
  // In config_.stats_dir, else (default directory unusable) in the /tmp fallback.
  Result<std::unique_ptr<stats::StatsRegion>> create_stats_region();
  void start_control_server();

  abi::ComPtr<abi::ICorProfilerInfo10> info_;
  AgentConfig config_;
  ModuleTable modules_;
  ProbeRegistry registry_;
  std::unique_ptr<stats::StatsRegion> region_;
  std::unique_ptr<Instrumenter> instrumenter_;
  std::unique_ptr<RejitController> controller_;
  std::unique_ptr<FirstJitInstaller> first_jit_;
  std::unique_ptr<ProbeService> service_;
  std::unique_ptr<WatchService> watch_service_;
  std::unique_ptr<control::ControlServer> control_server_;
  std::unique_ptr<ProbesFileWatcher> probes_file_watcher_;
  std::unique_ptr<BudgetSupervisor> budget_supervisor_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace clrprobe::agent
