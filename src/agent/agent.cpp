#include "agent/agent.h"

#include "common/build_info.h"

#include <sys/stat.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "agent/control_handler.h"
#include "agent/hresult_error.h"
#include "common/attach_client_data.h"
#include "control/server.h"
#include "agent/log.h"
#include "agent/report_writer.h"
#include "agent/utf16.h"
#include "stats/hit_path.h"
#include "common/runtime_paths.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

// What the agent asks of the runtime. ReadyToRun stays on (no
// COR_PRF_DISABLE_ALL_NGEN_IMAGES): ReJIT replaces precompiled code too.
// JIT-compilation callbacks are not asked for: the runtime tracks inliners
// for RequestReJITWithInliners on its own (ProfAPI_RejitOnAttach, on by
// default), and a callback per JIT-compiled method and per inlining decision
// is start-up cost. They are switched on only while a method given its probe
// at first JIT awaits that JIT (FirstJitInstaller).
// COR_PRF_ENABLE_STACK_SNAPSHOT: `watch --stack` (agent/stack_walker.h); allowed after attach.
constexpr DWORD kEventMask = COR_PRF_MONITOR_MODULE_LOADS | COR_PRF_ENABLE_REJIT | COR_PRF_ENABLE_STACK_SNAPSHOT;

void switch_jit_callbacks(ICorProfilerInfo10* info, bool on) {
  const DWORD mask = kEventMask | (on ? static_cast<DWORD>(COR_PRF_MONITOR_JIT_COMPILATION) : 0);
  if (HRESULT hr = info->SetEventMask2(mask, 0); hr < 0) {
    CLRPROBE_LOG_WARN("cannot switch JIT-compilation callbacks {}: {}", on ? "on" : "off", hresult_text(hr));
  }
}

// The runtime copies the entries: a fresh array per call.
std::vector<COR_IL_MAP> to_cor_il_map(const std::vector<il::IlMapEntry>& map) {
  std::vector<COR_IL_MAP> out;
  out.reserve(map.size());
  for (const il::IlMapEntry& e : map) out.push_back(COR_IL_MAP{e.old_offset, e.new_offset, e.accurate ? 1 : 0});
  return out;
}

}  // namespace

Agent::Agent() = default;

Agent::~Agent() {
  if (budget_supervisor_) budget_supervisor_->stop();
  if (probes_file_watcher_) probes_file_watcher_->stop();
  if (control_server_) control_server_->stop();
  if (controller_) controller_->stop();
}

HRESULT Agent::initialize(IUnknown* info_unknown, bool attaching, const void* attach_data, size_t attach_data_size) {
  config_ = AgentConfig::from_environment();
  if (attaching) {
    // An attached agent has no CLRPROBE_* variables: `clrprobe attach` sends
    // what it needs as client data.
    auto data = parse_attach_client_data(attach_data, attach_data_size);
    if (!data.log_path.empty()) config_.log_path = data.log_path;
    if (!data.runtime_dir.empty()) config_.stats_dir = data.runtime_dir;
  }
  log_open(config_.log_path.c_str());
  CLRPROBE_LOG_INFO("clrprobe agent loading ({}), pid {}, clrprobe {} (commit {})", attaching ? "attach" : "startup",
                    ::getpid(), build_version(), build_commit());

  HRESULT hr = info_unknown->QueryInterface(IID_ICorProfilerInfo10, reinterpret_cast<void**>(info_.put()));
  if (hr < 0 || !info_) {
    CLRPROBE_LOG_ERROR("runtime lacks ICorProfilerInfo10 (needs .NET Core 3.0 or later): {}", hresult_text(hr));
    return E_FAIL;
  }
  hr = info_->SetEventMask2(kEventMask, 0);
  if (hr < 0) {
    CLRPROBE_LOG_ERROR("SetEventMask2 failed: {}", hresult_text(hr));
    return E_FAIL;
  }

  auto region = create_stats_region();
  if (!region) {
    CLRPROBE_LOG_ERROR("cannot create stats region: {}", region.error().describe());
    return E_FAIL;
  }
  region_ = std::move(region.value());
  stats::StatsRegion::install_global(region_.get());

  registry_.set_slot_counter([region = region_.get()](int32_t slot) -> SlotCounts {
    auto reader = stats::StatsReader::view(region->bytes());
    if (!reader) return {};
    auto snap = reader->snapshot(slot);
    return snap ? SlotCounts{snap->calls, snap->exceptions, snap->cancelled} : SlotCounts{};
  });
  instrumenter_ = std::make_unique<Instrumenter>(info_.get(), modules_, registry_, region_.get());
  // Its thread starts with its first request (rejit_controller.cpp).
  controller_ = std::make_unique<RejitController>(info_.get(), *instrumenter_);
  service_ = std::make_unique<ProbeService>(modules_, registry_, *controller_, *region_,
                                            config_.stats_dir + "/" + probes_file_name(::getpid()),
                                            config_.module_wait_ms);
  first_jit_ = std::make_unique<FirstJitInstaller>(info_.get(), *instrumenter_, registry_,
                                                   [info = info_.get()](bool on) { switch_jit_callbacks(info, on); });
  service_->set_first_jit_installer(first_jit_.get());
  watch_service_ = std::make_unique<WatchService>(info_.get(), modules_, registry_, *service_,
                                                  config_.stats_dir + "/" + watch_ring_file_name(::getpid()),
                                                  [region = region_.get()] { return region->settled_clock(); });
  instrumenter_->set_watch_hooks(
      [watches = watch_service_.get()](ModuleInfo& module, const MethodKey& key, const il::MethodSig& sig,
                                       uint32_t modopt) { return watches->hooks_for(module, key, sig, modopt); });
  set_watch_service(watch_service_.get());
  service_->set_expiry_listener(
      [watches = watch_service_.get()](uint32_t probe_id) { watches->probe_expired(probe_id); });
  budget_supervisor_ = std::make_unique<BudgetSupervisor>(registry_, *service_, [region = region_.get()](int32_t slot) {
    auto reader = stats::StatsReader::view(region->bytes());
    if (!reader) return SlotCounts{};
    auto snap = reader->snapshot(slot);
    return snap ? SlotCounts{snap->calls, snap->exceptions, snap->cancelled} : SlotCounts{};
  });
  // Its thread (a wake-up a second) starts with the first budgeted probe.
  service_->set_budget_listener([supervisor = budget_supervisor_.get()] { supervisor->start(); });
  parse_startup_probes();
  if (attaching) catalog_loaded_modules();
  if (!config_.probes_file.empty()) {
    probes_file_watcher_ = std::make_unique<ProbesFileWatcher>(config_.probes_file, *service_);
    probes_file_watcher_->start();
  }
  start_control_server();
  CLRPROBE_LOG_INFO("agent ready");
  return S_OK;
}

Result<std::unique_ptr<stats::StatsRegion>> Agent::create_stats_region() {
  auto create_in = [&](const std::string& dir) {
    ::mkdir(dir.c_str(), 0700);
    // The TSC calibration (~10 ms, sleeping) runs on the control thread as it
    // starts (start_control_server): the runtime's start does not wait for it,
    // and a region adopts it at its first slot.
    return stats::StatsRegion::create(dir + "/" + stats_file_name(::getpid()), config_.stats_slots,
                                      stats::ClockChoice::Deferred);
  };
  auto region = create_in(config_.stats_dir);
  if (region) return region;
  // The default directory in /dev/shm may be unusable (full, not writable):
  // readers look in the /tmp fallback too (runtime_dir_candidates).
  const auto candidates = runtime_dir_candidates(::geteuid());
  if (candidates.size() < 2 || config_.stats_dir != candidates.front()) return region;
  CLRPROBE_LOG_WARN("cannot create stats region in {}: {}; using {}", config_.stats_dir, region.error().describe(),
                    candidates[1]);
  config_.stats_dir = candidates[1];
  return create_in(config_.stats_dir);
}

void Agent::parse_startup_probes() {
  if (config_.probes.empty()) return;
  auto declared = selector::parse_declared_list(config_.probes);  // "SELECTOR [kind=K] [sample=N]";...
  if (!declared) {
    CLRPROBE_LOG_ERROR("ignoring CLRPROBE_PROBES: {}", declared.error().describe());
    return;
  }
  // One probes file for all of them: each write is a rename, milliseconds of
  // the host's start on ext4 (it starts the new file's writeback).
  for (auto& probe : *declared) {
    service_->add_declared(std::move(probe.selector), ProbeSource::Startup, probe.kind, /*publish=*/false,
                           probe.budget);
  }
  service_->write_probes_file();
}

std::shared_ptr<ModuleInfo> Agent::describe_module(ModuleID id) {
  auto module = std::make_shared<ModuleInfo>();
  module->id = id;
  module->info = info_.get();

  LPCBYTE base = nullptr;
  ULONG length = 0;
  AssemblyID assembly = 0;
  DWORD flags = 0;
  std::u16string name(1024, u'\0');
  HRESULT hr = info_->GetModuleInfo2(id, &base, static_cast<ULONG>(name.size()), &length, name.data(), &assembly, &flags);
  if (hr < 0) {
    CLRPROBE_LOG_WARN("GetModuleInfo2({:#x}) failed: {}", id, hresult_text(hr));
    return nullptr;
  }
  name.resize(length > 0 ? length - 1 : 0);
  module->path = utf16_to_utf8(name);
  module->dynamic = (flags & COR_PRF_MODULE_DYNAMIC) != 0;
  module->collectible = (flags & COR_PRF_MODULE_COLLECTIBLE) != 0;
  module->resource_only = (flags & COR_PRF_MODULE_RESOURCE) != 0;
  module->ready_to_run = (flags & COR_PRF_MODULE_NGEN) != 0;

  std::u16string assembly_name(512, u'\0');
  AppDomainID domain = 0;
  ModuleID manifest = 0;
  hr = info_->GetAssemblyInfo(assembly, static_cast<ULONG>(assembly_name.size()), &length, assembly_name.data(), &domain,
                              &manifest);
  if (hr >= 0) {
    assembly_name.resize(length > 0 ? length - 1 : 0);
    module->assembly_name = utf16_to_utf8(assembly_name);
  }

  return module;
}

void Agent::module_loaded(ModuleID id, HRESULT status) {
  if (status < 0 || shut_down_) return;
  auto module = describe_module(id);
  if (!module) return;
  modules_.add(module);
  CLRPROBE_LOG_DEBUG("module loaded: {} ({}{})", module->assembly_name, module->path,
                     module->ready_to_run ? ", ReadyToRun" : "");
  service_->on_module_loaded(module);
}

// After attach the runtime has loaded modules already: enumerate them so
// selectors can match them (ICorProfilerInfo3::EnumModules).
void Agent::catalog_loaded_modules() {
  ComPtr<ICorProfilerModuleEnum> modules;
  HRESULT hr = info_->EnumModules(modules.put());
  if (hr < 0 || !modules) {
    CLRPROBE_LOG_ERROR("EnumModules failed: {}", hresult_text(hr));
    return;
  }
  ModuleID ids[64];
  ULONG fetched = 0;
  size_t count = 0;
  while (modules->Next(64, ids, &fetched) >= 0 && fetched > 0) {
    for (ULONG i = 0; i < fetched; ++i) {
      if (auto module = describe_module(ids[i])) {
        modules_.add(module);
        ++count;
      }
    }
  }
  CLRPROBE_LOG_INFO("catalogued {} modules loaded before attach", count);
}

void Agent::start_control_server() {
  control::ServerOptions options;
  options.log = [](std::string_view line) { CLRPROBE_LOG_WARN("control: {}", line); };
  // A request about many methods builds large transient JSON; glibc keeps
  // freed memory mapped, so without a trim the host's RSS would keep the peak
  // (about 1 KB per probed method for an add of 10,000 methods).
  options.after_connection = [] { ::malloc_trim(0); };
  // The clock calibration on this thread, before it serves: a thread fewer
  // at start-up. A request meanwhile waits in the socket's backlog; an `add`
  // would wait for the calibration at its first slot anyway.
  options.on_start = [] { stats::calibrate_clock(stats::ClockChoice::Auto); };
  auto server = control::ControlServer::start(
      config_.stats_dir + "/" + socket_file_name(::getpid()),
      [service = service_.get()](const control::Request& request) { return handle_control_request(*service, request); },
      options);
  if (!server) {
    // Startup probes still work; live control does not. The calibration on a
    // thread of its own, as the control thread would have made it.
    CLRPROBE_LOG_ERROR("control socket unavailable: {}", server.error().describe());
    stats::start_clock_calibration();
    return;
  }
  control_server_ = std::move(server.value());
  CLRPROBE_LOG_INFO("control socket: {}", control_server_->socket_path());
}

void Agent::module_unloading(ModuleID id) { modules_.remove(id); }

void Agent::jit_started(FunctionID function) {
  if (first_jit_) first_jit_->on_jit_started(function);
}

HRESULT Agent::get_rejit_parameters(ModuleID module, mdMethodDef method, ICorProfilerFunctionControl* control) {
  const MethodKey key{module, method};
  auto known = registry_.method(key);
  if (!known || known->state != MethodState::Instrumented) {
    // Not ours or not ready: the runtime keeps the original IL.
    CLRPROBE_LOG_WARN("GetReJITParameters for unknown method {:#x} in module {:#x}", method, module);
    return S_FALSE;
  }
  // Made again here, not kept since `add` (instrumenter.h): most probed
  // methods are never called, and the runtime asks only at the next call.
  auto code = instrumenter_->code_for(key, *known);
  if (!code) {
    // The method keeps its original IL; `list` says why.
    CLRPROBE_LOG_ERROR("cannot give the instrumented IL of {:#x}: {}", method, code.error().describe());
    registry_.mark_failed(key, code.error().describe(), /*permanent=*/false);
    return S_FALSE;
  }
  HRESULT hr = control->SetILFunctionBody(static_cast<ULONG>(code->il.size()), code->il.data());
  if (hr < 0) {
    CLRPROBE_LOG_ERROR("SetILFunctionBody failed for {:#x}: {}", method, hresult_text(hr));
    return S_FALSE;
  }
  // Without the map the probe still counts, but stack traces and line
  // numbers of this method would name the rewritten offsets: warn, go on.
  std::vector<COR_IL_MAP> map = to_cor_il_map(code->il_map);
  hr = control->SetILInstrumentedCodeMap(static_cast<ULONG>(map.size()), map.data());
  if (hr < 0) CLRPROBE_LOG_WARN("SetILInstrumentedCodeMap failed for {:#x}: {}", method, hresult_text(hr));
  // The runtime took our code: from now on a re-add may re-arm it without a ReJIT. (Set
  // here, not when the ReJIT was requested: a request the runtime never acted on must
  // be made again by the next add.)
  registry_.mark_in_runtime(key);
  return S_OK;
}

void Agent::rejit_error(ModuleID module, mdMethodDef method, HRESULT status) {
  CLRPROBE_LOG_ERROR("ReJIT failed for method {:#x} in module {:#x}: {}", method, module, hresult_text(status));
  registry_.mark_failed(MethodKey{module, method}, hresult_error("ReJIT", status).describe());
}

void Agent::shutdown() {
  if (shut_down_.exchange(true)) return;
  if (budget_supervisor_) budget_supervisor_->stop();
  if (probes_file_watcher_) probes_file_watcher_->stop();
  if (control_server_) control_server_->stop();
  if (controller_) controller_->stop();
  if (service_) service_->write_probes_file();
  if (!config_.report_path.empty() && region_) {
    auto written = write_report(config_.report_path, registry_, *region_);
    if (!written) CLRPROBE_LOG_ERROR("cannot write report: {}", written.error().describe());
    else CLRPROBE_LOG_INFO("report written to {}", config_.report_path);
  }
  CLRPROBE_LOG_INFO("agent shut down");
}

}  // namespace clrprobe::agent
