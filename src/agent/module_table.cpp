#include "agent/module_table.h"

namespace clrprobe::agent {

void ModuleInfo::open_metadata() const {
  std::call_once(metadata_once_, [&] {
    if (resource_only || info == nullptr) return;
    abi::ComPtr<abi::IUnknown> unknown;
    if (info->GetModuleMetaData(id, abi::ofRead | abi::ofWrite, abi::IID_IMetaDataImport2, unknown.put()) < 0 ||
        !unknown) {
      return;
    }
    unknown->QueryInterface(abi::IID_IMetaDataImport2, reinterpret_cast<void**>(import.put()));
    unknown->QueryInterface(abi::IID_IMetaDataEmit2, reinterpret_cast<void**>(emit.put()));
  });
}

void ModuleTable::add(std::shared_ptr<ModuleInfo> module) {
  std::lock_guard lock(mutex_);
  modules_[module->id] = std::move(module);
}

void ModuleTable::remove(abi::ModuleID id) {
  std::lock_guard lock(mutex_);
  modules_.erase(id);
}

std::shared_ptr<ModuleInfo> ModuleTable::find(abi::ModuleID id) const {
  std::lock_guard lock(mutex_);
  auto it = modules_.find(id);
  return it == modules_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<ModuleInfo>> ModuleTable::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ModuleInfo>> result;
  result.reserve(modules_.size());
  for (const auto& [id, module] : modules_) result.push_back(module);
  return result;
}

}  // namespace clrprobe::agent
