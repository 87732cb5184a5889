#include "agent/module_table.h"

namespace clrprobe::agent {

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
