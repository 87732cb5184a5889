#include "agent/first_jit_installer.h"

#include <cstring>

#include "agent/hresult_error.h"
#include "agent/instrumenter.h"
#include "agent/log.h"
#include "agent/probe_registry.h"
#include "agent/rewritten_code.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

FirstJitInstaller::FirstJitInstaller(ICorProfilerInfo10* info, Instrumenter& instrumenter, ProbeRegistry& registry,
                                     std::function<void(bool)> jit_events)
    : info_(info), instrumenter_(instrumenter), registry_(registry), jit_events_(std::move(jit_events)) {}

void FirstJitInstaller::awaiting_changed(size_t before) {
  const size_t now = awaiting_jit_.size();
  awaiting_count_.store(now, std::memory_order_relaxed);
  if ((before == 0) != (now == 0) && jit_events_) jit_events_(now != 0);
}

bool FirstJitInstaller::eligible(const ModuleInfo& module) {
  return !module.ready_to_run && !module.dynamic && !module.collectible && !module.resource_only;
}

std::vector<MethodKey> FirstJitInstaller::install(const ModuleInfo& module, std::vector<MethodKey> methods,
                                                  std::chrono::milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  std::vector<MethodKey> for_rejit;
  ComPtr<IMethodMalloc> allocator;
  HRESULT hr = info_->GetILFunctionBodyAllocator(module.id, allocator.put());
  if (hr < 0 || !allocator) {
    CLRPROBE_LOG_WARN("{}: no IL allocator ({}): probes go through ReJIT", module.assembly_name, hresult_text(hr));
    return methods;
  }
  size_t installed = 0;
  for (const MethodKey& key : methods) {
    if (std::chrono::steady_clock::now() > deadline) {
      for_rejit.push_back(key);
      continue;
    }
    RewrittenCode code;
    if (!instrumenter_.prepare(key, &code)) continue;  // refused: recorded with its reason
    if (code.il.empty()) {
      for_rejit.push_back(key);
      continue;
    }
    // The runtime keeps this memory (it is never freed): the body of the
    // method for the life of the module.
    void* body = allocator->Alloc(static_cast<ULONG>(code.il.size()));
    if (body == nullptr) {
      for_rejit.push_back(key);
      continue;
    }
    std::memcpy(body, code.il.data(), code.il.size());
    instrumenter_.keep_original_body(key);
    {
      // Registered before the runtime can JIT it with the new body.
      std::lock_guard lock(mutex_);
      const size_t before = awaiting_jit_.size();
      code.il_map.shrink_to_fit();
      awaiting_jit_[key] = std::move(code.il_map);
      awaiting_changed(before);
    }
    hr = info_->SetILFunctionBody(key.module, key.token, static_cast<LPCBYTE>(body));
    if (hr < 0) {
      CLRPROBE_LOG_WARN("SetILFunctionBody({:#x}) failed: {}: ReJIT instead", key.token, hresult_text(hr));
      std::lock_guard lock(mutex_);
      const size_t before = awaiting_jit_.size();
      awaiting_jit_.erase(key);
      awaiting_changed(before);
      for_rejit.push_back(key);
      continue;
    }
    ++installed;
  }
  if (installed > 0) {
    CLRPROBE_LOG_INFO("{}: {} methods get their probe at first JIT", module.assembly_name, installed);
  }
  return for_rejit;
}

void FirstJitInstaller::on_jit_started(FunctionID function) {
  if (awaiting_count_.load(std::memory_order_relaxed) == 0) return;
  ClassID klass = 0;
  ModuleID module = 0;
  mdToken token = 0;
  if (info_->GetFunctionInfo(function, &klass, &module, &token) < 0) return;
  std::vector<il::IlMapEntry> code_map;
  {
    std::lock_guard lock(mutex_);
    auto it = awaiting_jit_.find(MethodKey{module, token});
    if (it == awaiting_jit_.end()) return;
    code_map = std::move(it->second);
    // The map is kept per method definition: every instantiation shares it.
    const size_t before = awaiting_jit_.size();
    awaiting_jit_.erase(it);
    awaiting_changed(before);
  }
  std::vector<COR_IL_MAP> map;
  map.reserve(code_map.size());
  for (const auto& e : code_map) map.push_back(COR_IL_MAP{e.old_offset, e.new_offset, e.accurate ? 1 : 0});
  if (map.empty()) return;
  // The runtime copies the entries. Without the map the probe still counts.
  HRESULT hr = info_->SetILInstrumentedCodeMap(function, 1, static_cast<ULONG>(map.size()), map.data());
  if (hr < 0) CLRPROBE_LOG_WARN("SetILInstrumentedCodeMap for {:#x} failed: {}", token, hresult_text(hr));
}

}  // namespace clrprobe::agent
