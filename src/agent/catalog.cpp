#include "agent/catalog.h"

#include <fmt/format.h>

#include "agent/log.h"
#include "agent/metadata_names.h"
#include "agent/task_tracker.h"
#include "il/signature.h"
#include "il/task_return.h"

namespace clrprobe::agent {
namespace {

using abi::HCORENUM;
using abi::ULONG;

// Walks an HCORENUM-style enumeration in batches and always closes it.
template <typename Token, typename EnumFn>
std::vector<Token> enumerate(abi::IMetaDataImport2* import, EnumFn&& next_batch) {
  std::vector<Token> all;
  HCORENUM handle = nullptr;
  Token batch[256];
  for (;;) {
    ULONG count = 0;
    abi::HRESULT hr = next_batch(&handle, batch, 256, &count);
    if (hr < 0 || count == 0) break;
    all.insert(all.end(), batch, batch + count);
    if (hr != abi::S_OK) break;
  }
  if (handle != nullptr) import->CloseEnum(handle);
  return all;
}

std::optional<Error> refusal_for(const ModuleInfo& module, const MethodProps& props) {
  if (module.dynamic) return make_error(Reason::DynamicMethod, "module is dynamic (Reflection.Emit)");
  if (module.collectible) return make_error(Reason::CollectibleModule, "module is collectible");
  if ((props.attributes & abi::mdAbstract) != 0) return make_error(Reason::AbstractOrNoBody, "abstract method");
  if ((props.attributes & abi::mdPinvokeImpl) != 0) return make_error(Reason::AbstractOrNoBody, "P/Invoke method");
  if ((props.impl_flags & (abi::miInternalCall | abi::miRuntime | abi::miNative)) != 0) {
    return make_error(Reason::AbstractOrNoBody, "runtime-implemented method");
  }
  if (props.code_rva == 0) return make_error(Reason::AbstractOrNoBody, "method has no IL body");
  return std::nullopt;
}

bool has_attribute(abi::IMetaDataImport2* import, abi::mdMethodDef method, const char16_t* attribute) {
  const void* data = nullptr;
  ULONG size = 0;
  return import->GetCustomAttributeByName(method, attribute, &data, &size) == abi::S_OK;
}

MethodMeasure measure_of(abi::IMetaDataImport2* import, abi::mdMethodDef method, const MethodProps& props,
                         const std::string& type_name) {
  if (auto sig = il::parse_method_sig(props.signature); sig) {
    auto name_of = [import](uint32_t token) { return type_token_name(import, token); };
    if (il::classify_return(sig->ret, name_of) != il::TaskShape::None) return MethodMeasure::Task;
  }
  if (has_attribute(import, method, u"System.Runtime.CompilerServices.IteratorStateMachineAttribute") ||
      has_attribute(import, method, u"System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute")) {
    return MethodMeasure::Iterator;
  }
  // C# and VB name their state machines "<Method>d__N" (nested, unspeakable).
  if (props.name == "MoveNext" && type_name.find(">d__") != std::string::npos) return MethodMeasure::StateMachineStep;
  return MethodMeasure::Call;
}

}  // namespace

std::vector<CatalogMatch> find_matches(const ModuleInfo& module,
                                       const std::vector<std::pair<uint32_t, selector::Selector>>& selectors) {
  std::vector<CatalogMatch> matches;
  std::vector<const std::pair<uint32_t, selector::Selector>*> in_module;
  for (const auto& entry : selectors) {
    if (entry.second.matches_assembly(module.assembly_name)) in_module.push_back(&entry);
  }
  if (in_module.empty()) return matches;
  module.open_metadata();
  if (!module.import) return matches;
  abi::IMetaDataImport2* import = module.import.get();

  auto types = enumerate<abi::mdTypeDef>(import, [&](HCORENUM* h, abi::mdTypeDef* out, ULONG max, ULONG* n) {
    return import->EnumTypeDefs(h, out, max, n);
  });
  for (abi::mdTypeDef type : types) {
    auto type_name = typedef_full_name(import, type);
    if (!type_name || *type_name == kTaskTrackerTypeName) continue;  // ours: never probed
    std::vector<const std::pair<uint32_t, selector::Selector>*> for_type;
    for (const auto* entry : in_module) {
      if (entry->second.matches_type(*type_name)) for_type.push_back(entry);
    }
    if (for_type.empty()) continue;

    auto methods = enumerate<abi::mdMethodDef>(import, [&](HCORENUM* h, abi::mdMethodDef* out, ULONG max, ULONG* n) {
      return import->EnumMethods(h, type, out, max, n);
    });
    for (abi::mdMethodDef method : methods) {
      auto props = method_props(import, method);
      if (!props) continue;
      std::vector<std::string> param_types;
      bool have_params = false;
      const uint32_t arity = method_generic_arity(props->signature);
      for (const auto* entry : for_type) {
        const auto& sel = entry->second;
        if (sel.needs_param_types() && !have_params) {
          param_types = method_param_types(import, props->signature);
          have_params = true;
        }
        selector::MethodIdentity identity{module.assembly_name, *type_name, props->name,
                                          have_params ? &param_types : nullptr,
                                          arity};
        if (!sel.matches_method(identity)) continue;
        CatalogMatch match;
        match.probe_id = entry->first;
        match.token = method;
        match.display_name = fmt::format("{}::{}{}", *type_name, props->name,
                                         method_param_list(import, props->signature));
        match.refusal = refusal_for(module, *props);
        match.measure = measure_of(import, method, *props, *type_name);
        matches.push_back(std::move(match));
      }
    }
  }
  return matches;
}

const char* method_measure_name(MethodMeasure measure) {
  switch (measure) {
    case MethodMeasure::Call: return "call";
    case MethodMeasure::Task: return "task";
    case MethodMeasure::Iterator: return "iterator";
    case MethodMeasure::StateMachineStep: return "state machine step";
  }
  return "call";
}

}  // namespace clrprobe::agent
