#include "agent/hook_signatures.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "agent/log.h"
#include "agent/utf16.h"
#include "il/signature.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

constexpr char16_t kSuppressGcTransition[] = u"System.Runtime.CompilerServices.CallConvSuppressGCTransition";

// Assemblies that forward (or are) the core library, in order of preference.
constexpr std::array<std::u16string_view, 4> kCoreLibraryNames = {u"System.Runtime", u"System.Private.CoreLib",
                                                                  u"netstandard", u"mscorlib"};

}  // namespace

mdAssemblyRef core_library_reference(ModuleInfo& module) {
  ComPtr<IMetaDataAssemblyImport> assembly_import;
  if (module.import->QueryInterface(IID_IMetaDataAssemblyImport, assembly_import.put_void()) < 0) return 0;
  HCORENUM handle = nullptr;
  mdAssemblyRef refs[64];
  ULONG count = 0;
  mdAssemblyRef best = 0;
  size_t best_rank = kCoreLibraryNames.size();
  while (assembly_import->EnumAssemblyRefs(&handle, refs, 64, &count) >= 0 && count > 0) {
    for (ULONG i = 0; i < count; ++i) {
      WCHAR name[256];
      ULONG length = 0;
      if (assembly_import->GetAssemblyRefProps(refs[i], nullptr, nullptr, name, 256, &length, nullptr, nullptr,
                                               nullptr, nullptr) < 0) {
        continue;
      }
      std::u16string_view text(name, length > 0 ? length - 1 : 0);
      for (size_t rank = 0; rank < best_rank; ++rank) {
        if (text == kCoreLibraryNames[rank]) {
          best = refs[i];
          best_rank = rank;
        }
      }
    }
  }
  if (handle != nullptr) assembly_import->CloseEnum(handle);
  return best;
}

namespace {

std::vector<uint8_t> signature(uint32_t modopt_token, std::initializer_list<uint8_t> ret_and_params,
                               uint8_t param_count) {
  std::vector<uint8_t> sig;
  sig.push_back(modopt_token != 0 ? IMAGE_CEE_CS_CALLCONV_UNMANAGED : IMAGE_CEE_CS_CALLCONV_C);
  sig.push_back(param_count);
  if (modopt_token != 0) {
    sig.push_back(ELEMENT_TYPE_CMOD_OPT);
    (void)il::encode_type_def_or_ref(modopt_token, &sig);
  }
  sig.insert(sig.end(), ret_and_params);
  return sig;
}

}  // namespace

uint32_t suppress_gc_transition_token(ModuleInfo& module) {
  // CLRPROBE_GC_TRANSITION=1 keeps the full transition (a diagnostic switch).
  if (const char* keep = std::getenv("CLRPROBE_GC_TRANSITION"); keep != nullptr && std::strcmp(keep, "1") == 0) {
    return 0;
  }
  mdTypeDef own = 0;
  if (module.import->FindTypeDefByName(kSuppressGcTransition, 0, &own) == S_OK && own != 0) return own;
  mdAssemblyRef scope = core_library_reference(module);
  if (scope == 0) {
    CLRPROBE_LOG_INFO("{}: no core library reference; hooks keep the GC transition", module.assembly_name);
    return 0;
  }
  mdTypeRef ref = 0;
  if (module.emit->DefineTypeRefByName(scope, kSuppressGcTransition, &ref) < 0) return 0;
  return ref;
}

std::vector<uint8_t> enter_hook_signature(uint32_t modopt_token) {
  return signature(modopt_token, {ELEMENT_TYPE_I8, ELEMENT_TYPE_I4}, 1);
}

std::vector<uint8_t> leave_hook_signature(uint32_t modopt_token) {
  return signature(modopt_token, {ELEMENT_TYPE_VOID, ELEMENT_TYPE_I4, ELEMENT_TYPE_I8}, 2);
}

std::vector<uint8_t> count_hook_signature(uint32_t modopt_token) {
  return signature(modopt_token, {ELEMENT_TYPE_VOID, ELEMENT_TYPE_I4}, 1);
}

std::vector<uint8_t> complete_hook_signature(uint32_t modopt_token) {
  return signature(modopt_token, {ELEMENT_TYPE_VOID, ELEMENT_TYPE_I4, ELEMENT_TYPE_I8, ELEMENT_TYPE_I4, ELEMENT_TYPE_I4},
                   4);
}

std::vector<uint8_t> track_guard_signature(uint32_t modopt_token) {
  return signature(modopt_token, {ELEMENT_TYPE_I4, ELEMENT_TYPE_I4}, 1);
}

}  // namespace clrprobe::agent
