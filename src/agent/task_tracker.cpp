#include "agent/task_tracker.h"

#include <fmt/format.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string_view>

#include "agent/hresult_error.h"
#include "agent/hook_signatures.h"
#include "agent/log.h"
#include "il/signature.h"
#include "il/task_tracker_bodies.h"
#include "stats/hit_path.h"
#include "stats/track_guard.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

constexpr char16_t kHelperTypeName[] = u"<clrprobe>TaskTracker";  // = kTaskTrackerTypeName
constexpr DWORD kMethodHideBySig = 0x0080;
constexpr DWORD kImplIlManaged = 0x0000;  // miIL | miManaged

bool is_core_library(const ModuleInfo& module) { return module.assembly_name == "System.Private.CoreLib"; }

// Tokens for core-library types as seen from one module: the types
// themselves inside CoreLib, TypeRefs through the module's core-library
// reference anywhere else.
class CoreTypes {
 public:
  explicit CoreTypes(ModuleInfo& module) : module_(module) {
    if (!is_core_library(module)) scope_ = core_library_reference(module);
  }

  Result<uint32_t> type(const char16_t* full_name, uint32_t enclosing = 0) {
    if (is_core_library(module_)) {
      mdTypeDef def = 0;
      HRESULT hr = module_.import->FindTypeDefByName(full_name, enclosing, &def);
      if (hr != S_OK || def == 0) return hresult_error("FindTypeDefByName", hr);
      return def;
    }
    if (scope_ == 0 && enclosing == 0) {
      return make_error(Reason::Unsupported, "the module has no reference to the core library");
    }
    mdTypeRef ref = 0;
    HRESULT hr = module_.emit->DefineTypeRefByName(enclosing != 0 ? enclosing : scope_, full_name, &ref);
    if (hr < 0) return hresult_error("DefineTypeRefByName", hr);
    return ref;
  }

 private:
  ModuleInfo& module_;
  uint32_t scope_ = 0;
};

// Signature blob writer.
class Sig {
 public:
  Sig& byte(uint8_t b) {
    bytes_.push_back(b);
    return *this;
  }
  Sig& bytes(std::span<const uint8_t> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }
  Sig& type(uint8_t element, uint32_t token) {
    bytes_.push_back(element);
    (void)il::encode_type_def_or_ref(token, &bytes_);
    return *this;
  }
  // GENERICINST CLASS <generic> <n> <args...>: args written by the caller.
  Sig& generic_class(uint32_t generic, uint8_t arg_count) {
    bytes_.push_back(ELEMENT_TYPE_GENERICINST);
    return type(ELEMENT_TYPE_CLASS, generic).byte(arg_count);
  }
  const std::vector<uint8_t>& blob() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

constexpr uint8_t kHasThis = 0x20;
constexpr uint8_t kVar = 0x13;

Result<uint32_t> member_ref(ModuleInfo& module, uint32_t parent, const char16_t* name, const Sig& sig) {
  mdMemberRef token = 0;
  HRESULT hr = module.emit->DefineMemberRef(parent, name, sig.blob().data(), static_cast<ULONG>(sig.blob().size()),
                                            &token);
  if (hr < 0) {
    const std::string member(name, name + std::char_traits<char16_t>::length(name));  // ASCII names only
    return hresult_error(fmt::format("DefineMemberRef({})", member), hr);
  }
  return token;
}

// A parameterless instance getter returning bool.
Result<uint32_t> bool_getter(ModuleInfo& module, uint32_t parent, const char16_t* name) {
  return member_ref(module, parent, name, Sig().byte(kHasThis).byte(0).byte(ELEMENT_TYPE_BOOLEAN));
}

// CoreLib's name, version and public key, for AssemblyRefs to it.
template <typename Helper>
Status read_identity(ModuleInfo& corelib, Helper* out) {
  ComPtr<IMetaDataAssemblyImport> assembly_import;
  if (corelib.import->QueryInterface(IID_IMetaDataAssemblyImport, assembly_import.put_void()) < 0) {
    return make_error(Reason::RuntimeError, "CoreLib has no assembly metadata");
  }
  mdAssembly assembly = 0;
  HRESULT hr = assembly_import->GetAssemblyFromScope(&assembly);
  if (hr < 0) return hresult_error("GetAssemblyFromScope", hr);
  const void* key = nullptr;
  ULONG key_size = 0;
  ASSEMBLYMETADATA version{};
  hr = assembly_import->GetAssemblyProps(assembly, &key, &key_size, nullptr, nullptr, 0, nullptr, &version, nullptr);
  if (hr < 0) return hresult_error("GetAssemblyProps(CoreLib)", hr);
  const auto* bytes = static_cast<const uint8_t*>(key);
  out->public_key.assign(bytes, bytes + key_size);
  out->version.usMajorVersion = version.usMajorVersion;
  out->version.usMinorVersion = version.usMinorVersion;
  out->version.usBuildNumber = version.usBuildNumber;
  out->version.usRevisionNumber = version.usRevisionNumber;
  return {};
}

// The module's AssemblyRef to System.Private.CoreLib, defined when missing
// (most modules reference System.Runtime, which forwards to it).
Result<uint32_t> corelib_reference(ModuleInfo& module, const std::vector<uint8_t>& public_key,
                                   const ASSEMBLYMETADATA& version) {
  ComPtr<IMetaDataAssemblyImport> assembly_import;
  ComPtr<IMetaDataAssemblyEmit> assembly_emit;
  if (module.import->QueryInterface(IID_IMetaDataAssemblyImport, assembly_import.put_void()) < 0 ||
      module.emit->QueryInterface(IID_IMetaDataAssemblyEmit, assembly_emit.put_void()) < 0) {
    return make_error(Reason::RuntimeError, "module has no assembly metadata");
  }
  HCORENUM handle = nullptr;
  mdAssemblyRef refs[64];
  ULONG count = 0;
  mdAssemblyRef found = 0;
  while (found == 0 && assembly_import->EnumAssemblyRefs(&handle, refs, 64, &count) >= 0 && count > 0) {
    for (ULONG i = 0; i < count && found == 0; ++i) {
      WCHAR name[256];
      ULONG length = 0;
      if (assembly_import->GetAssemblyRefProps(refs[i], nullptr, nullptr, name, 256, &length, nullptr, nullptr,
                                               nullptr, nullptr) >= 0 &&
          std::u16string_view(name, length > 0 ? length - 1 : 0) == u"System.Private.CoreLib") {
        found = refs[i];
      }
    }
  }
  if (handle != nullptr) assembly_import->CloseEnum(handle);
  if (found != 0) return found;
  ASSEMBLYMETADATA metadata = version;  // no locale, processors or OS
  HRESULT hr = assembly_emit->DefineAssemblyRef(public_key.data(), static_cast<ULONG>(public_key.size()),
                                                u"System.Private.CoreLib", &metadata, nullptr, 0,
                                                public_key.empty() ? 0u : static_cast<DWORD>(afPublicKey), &found);
  if (hr < 0) return hresult_error("DefineAssemblyRef(System.Private.CoreLib)", hr);
  return found;
}

Status set_body(ICorProfilerInfo10* info, ModuleInfo& module, uint32_t method, const std::vector<uint8_t>& body) {
  ComPtr<IMethodMalloc> allocator;
  HRESULT hr = info->GetILFunctionBodyAllocator(module.id, allocator.put());
  if (hr < 0 || !allocator) return hresult_error("GetILFunctionBodyAllocator", hr);
  // The runtime keeps reading the body after this call: it must live as long
  // as the module, which memory from the module's allocator does.
  void* memory = allocator->Alloc(static_cast<ULONG>(body.size()));
  if (memory == nullptr) return make_error(Reason::RuntimeError, "IMethodMalloc::Alloc failed");
  std::memcpy(memory, body.data(), body.size());
  hr = info->SetILFunctionBody(module.id, method, static_cast<LPCBYTE>(memory));
  if (hr < 0) return hresult_error("SetILFunctionBody", hr);
  return {};
}

}  // namespace

// Defines <clrprobe>TaskTracker with Track and Done in CoreLib.
Result<TaskTracker::CoreLibHelper> TaskTracker::define_in(ModuleInfo& module) {
  std::lock_guard lock(module.emit_mutex);
  module.open_metadata();
  if (!module.import || !module.emit) return make_error(Reason::RuntimeError, "CoreLib metadata is not available");
  ICorProfilerInfo10* info = info_;
  const uint32_t modopt = suppress_gc_transition_token(module);
  CoreTypes core(module);
  CoreLibHelper out;
  il::TaskTrackerTokens t;
  auto object_type = core.type(u"System.Object");
  auto task = core.type(u"System.Threading.Tasks.Task");
  auto action_of_t = core.type(u"System.Action`1");
  auto tuple2 = core.type(u"System.Tuple`2");
  auto token_type = core.type(u"System.Threading.CancellationToken");
  auto options_type = core.type(u"System.Threading.Tasks.TaskContinuationOptions");
  auto scheduler_type = core.type(u"System.Threading.Tasks.TaskScheduler");
  for (auto* r : {&object_type, &task, &action_of_t, &tuple2, &token_type, &options_type, &scheduler_type}) {
    if (!*r) return r->error();
  }

  // Tuple<int, long> (slot, start) and Action<Task>: as types in signatures
  // and as the parents of their members.
  Sig tuple_sig;
  tuple_sig.generic_class(*tuple2, 2).byte(ELEMENT_TYPE_I4).byte(ELEMENT_TYPE_I8);
  Sig action_sig;
  action_sig.generic_class(*action_of_t, 1).type(ELEMENT_TYPE_CLASS, *task);
  mdTypeSpec tuple_spec = 0;
  mdTypeSpec action_spec = 0;
  HRESULT hr = module.emit->GetTokenFromTypeSpec(tuple_sig.blob().data(), static_cast<ULONG>(tuple_sig.blob().size()),
                                                 &tuple_spec);
  if (hr < 0) return hresult_error("GetTokenFromTypeSpec(Tuple)", hr);
  hr = module.emit->GetTokenFromTypeSpec(action_sig.blob().data(), static_cast<ULONG>(action_sig.blob().size()),
                                         &action_spec);
  if (hr < 0) return hresult_error("GetTokenFromTypeSpec(Action)", hr);

  struct Member {
    uint32_t parent;
    const char16_t* name;
    Sig sig;
    uint32_t* into;
  };
  const Member members[] = {
      {*task, u"get_IsCompleted", Sig().byte(kHasThis).byte(0).byte(ELEMENT_TYPE_BOOLEAN), &t.task_is_completed},
      {*task, u"get_IsCompletedSuccessfully", Sig().byte(kHasThis).byte(0).byte(ELEMENT_TYPE_BOOLEAN),
       &t.task_is_completed_successfully},
      {*task, u"get_IsCanceled", Sig().byte(kHasThis).byte(0).byte(ELEMENT_TYPE_BOOLEAN), &t.task_is_canceled},
      {*task, u"ContinueWith",
       Sig().byte(kHasThis).byte(4).type(ELEMENT_TYPE_CLASS, *task).bytes(action_sig.blob())
           .type(ELEMENT_TYPE_VALUETYPE, *token_type).type(ELEMENT_TYPE_VALUETYPE, *options_type)
           .type(ELEMENT_TYPE_CLASS, *scheduler_type),
       &t.task_continue_with},
      {*token_type, u"get_None", Sig().byte(0).byte(0).type(ELEMENT_TYPE_VALUETYPE, *token_type),
       &t.cancellation_token_none},
      {*scheduler_type, u"get_Default", Sig().byte(0).byte(0).type(ELEMENT_TYPE_CLASS, *scheduler_type),
       &t.task_scheduler_default},
      {tuple_spec, u".ctor", Sig().byte(kHasThis).byte(2).byte(ELEMENT_TYPE_VOID).byte(kVar).byte(0).byte(kVar).byte(1),
       &t.tuple_ctor},
      {tuple_spec, u"get_Item1", Sig().byte(kHasThis).byte(0).byte(kVar).byte(0), &t.tuple_item1},
      {tuple_spec, u"get_Item2", Sig().byte(kHasThis).byte(0).byte(kVar).byte(1), &t.tuple_item2},
      {action_spec, u".ctor",
       Sig().byte(kHasThis).byte(2).byte(ELEMENT_TYPE_VOID).byte(ELEMENT_TYPE_OBJECT).byte(ELEMENT_TYPE_I),
       &t.action_ctor},
  };
  for (const Member& m : members) {
    auto token = member_ref(module, m.parent, m.name, m.sig);
    if (!token) return token.error();
    *m.into = *token;
  }

  auto complete_sig = complete_hook_signature(modopt);
  hr = module.emit->GetTokenFromSig(complete_sig.data(), static_cast<ULONG>(complete_sig.size()), &t.complete_sig);
  if (hr < 0) return hresult_error("GetTokenFromSig(complete)", hr);
  t.complete_fn = reinterpret_cast<uint64_t>(&clrprobe_hit_complete);
  auto guard_sig = track_guard_signature(modopt);
  hr = module.emit->GetTokenFromSig(guard_sig.data(), static_cast<ULONG>(guard_sig.size()), &t.guard_sig);
  if (hr < 0) return hresult_error("GetTokenFromSig(guard)", hr);
  t.guard_fn = reinterpret_cast<uint64_t>(&clrprobe_track_guard);

  mdTypeDef helper = 0;
  mdToken no_interfaces[] = {0};
  hr = module.emit->DefineTypeDef(kHelperTypeName, tdPublic | tdAbstract | tdSealed | tdBeforeFieldInit, *object_type,
                                  no_interfaces, &helper);
  if (hr < 0) return hresult_error("DefineTypeDef(TaskTracker)", hr);

  Sig track_sig;
  track_sig.byte(0).byte(3).byte(ELEMENT_TYPE_VOID).type(ELEMENT_TYPE_CLASS, *task).byte(ELEMENT_TYPE_I4)
      .byte(ELEMENT_TYPE_I8);
  hr = module.emit->DefineMethod(helper, u"Track", mdPublic | mdStatic | kMethodHideBySig, track_sig.blob().data(),
                                 static_cast<ULONG>(track_sig.blob().size()), 0, kImplIlManaged, &out.track_method);
  if (hr < 0) return hresult_error("DefineMethod(Track)", hr);
  Sig done_sig;
  done_sig.byte(0).byte(2).byte(ELEMENT_TYPE_VOID).bytes(tuple_sig.blob()).type(ELEMENT_TYPE_CLASS, *task);
  hr = module.emit->DefineMethod(helper, u"Done", mdPrivate | mdStatic | kMethodHideBySig, done_sig.blob().data(),
                                 static_cast<ULONG>(done_sig.blob().size()), 0, kImplIlManaged, &t.done_method);
  if (hr < 0) return hresult_error("DefineMethod(Done)", hr);

  auto track_body = il::build_track_body(t);
  if (!track_body) return track_body.error();
  auto done_body = il::build_done_body(t);
  if (!done_body) return done_body.error();
  hr = info->ApplyMetaData(module.id);
  if (hr < 0) return hresult_error("ApplyMetaData(TaskTracker)", hr);
  if (Status b = set_body(info, module, out.track_method, *track_body); !b) return b.error();
  if (Status b = set_body(info, module, t.done_method, *done_body); !b) return b.error();
  if (Status id = read_identity(module, &out); !id) return id.error();
  CLRPROBE_LOG_INFO("{}: task tracker defined (Track {:#x})", module.assembly_name, out.track_method);
  return out;
}


Status TaskTracker::ensure_defined() {
  std::lock_guard lock(mutex_);
  if (!corelib_) {
    std::shared_ptr<ModuleInfo> corelib;
    for (auto& m : modules_.all()) {
      if (is_core_library(*m)) corelib = m;
    }
    if (!corelib) {
      corelib_ = Result<CoreLibHelper>(make_error(Reason::Unsupported, "System.Private.CoreLib is not loaded"));
    } else {
      corelib_ = define_in(*corelib);
      if (!*corelib_) CLRPROBE_LOG_WARN("no task tracker: {}", corelib_->error().describe());
    }
  }
  if (!*corelib_) return corelib_->error();
  return {};
}

Result<TaskTrackerModule> TaskTracker::reference_from(ModuleInfo& module, uint32_t modopt) {
  // No lock: corelib_ never changes once set, and this thread saw it set in
  // ensure_defined().
  const CoreLibHelper& helper = corelib_->value();
  CoreTypes core(module);
  TaskTrackerModule out;
  auto task = core.type(u"System.Threading.Tasks.Task");
  if (!task) return task.error();
  auto task_of_t = core.type(u"System.Threading.Tasks.Task`1");
  if (!task_of_t) return task_of_t.error();
  out.task_type = *task;
  out.task_of_t_type = *task_of_t;
  auto complete_sig = complete_hook_signature(modopt);
  HRESULT hr = module.emit->GetTokenFromSig(complete_sig.data(), static_cast<ULONG>(complete_sig.size()),
                                            &out.complete_sig);
  if (hr < 0) return hresult_error("GetTokenFromSig(complete)", hr);
  if (is_core_library(module)) {
    out.track_method = helper.track_method;
    return out;
  }
  auto corelib_ref = corelib_reference(module, helper.public_key, helper.version);
  if (!corelib_ref) return corelib_ref.error();
  mdTypeRef helper_ref = 0;
  hr = module.emit->DefineTypeRefByName(*corelib_ref, kHelperTypeName, &helper_ref);
  if (hr < 0) return hresult_error("DefineTypeRefByName(TaskTracker)", hr);
  Sig track_sig;
  track_sig.byte(0).byte(3).byte(ELEMENT_TYPE_VOID).type(ELEMENT_TYPE_CLASS, *task).byte(ELEMENT_TYPE_I4)
      .byte(ELEMENT_TYPE_I8);
  auto track = member_ref(module, helper_ref, u"Track", track_sig);
  if (!track) return track.error();
  out.track_method = *track;
  return out;
}

Result<il::TaskCompletion> TaskTracker::completion_for(ModuleInfo& module, il::TaskShape shape, const il::TypeSig& ret,
                                                       uint32_t modopt) {
  if (!module.task_tracker) {
    auto referenced = reference_from(module, modopt);
    if (referenced) {
      module.task_tracker = *referenced;
    } else {
      CLRPROBE_LOG_WARN("{}: cannot reference the task tracker: {}", module.assembly_name,
                        referenced.error().describe());
      module.task_tracker = TaskTrackerModule{};
      module.task_tracker->failure = referenced.error().describe();
    }
  }
  const TaskTrackerModule& m = *module.task_tracker;
  if (!m.failure.empty()) return make_error(Reason::Unsupported, m.failure);

  il::TaskCompletion c;
  c.track_method = m.track_method;
  if (shape == il::TaskShape::Task) {
    c.kind = il::TaskCompletion::Kind::Task;
    return c;
  }
  c.kind = il::TaskCompletion::Kind::ValueTask;
  c.complete_fn = reinterpret_cast<uint64_t>(&clrprobe_hit_complete);
  c.complete_sig_token = m.complete_sig;
  // The parent of the members: the return type as the method names it (a
  // TypeRef for ValueTask, a TypeSpec for ValueTask<T>, whatever its T).
  uint32_t parent = ret.token;
  Sig task_type;  // Task, or Task<!0> of the ValueTask<T> being built
  if (shape == il::TaskShape::ValueTaskOfT) {
    mdTypeSpec spec = 0;
    HRESULT hr = module.emit->GetTokenFromTypeSpec(ret.raw.data(), static_cast<ULONG>(ret.raw.size()), &spec);
    if (hr < 0) return hresult_error("GetTokenFromTypeSpec(ValueTask<T>)", hr);
    parent = spec;
    task_type.generic_class(m.task_of_t_type, 1).byte(kVar).byte(0);
  } else {
    task_type.type(ELEMENT_TYPE_CLASS, m.task_type);
  }
  auto completed = bool_getter(module, parent, u"get_IsCompleted");
  auto succeeded = bool_getter(module, parent, u"get_IsCompletedSuccessfully");
  auto canceled = bool_getter(module, parent, u"get_IsCanceled");
  auto as_task = member_ref(module, parent, u"AsTask", Sig().byte(kHasThis).byte(0).bytes(task_type.blob()));
  auto ctor = member_ref(module, parent, u".ctor",
                         Sig().byte(kHasThis).byte(1).byte(ELEMENT_TYPE_VOID).bytes(task_type.blob()));
  for (auto* r : {&completed, &succeeded, &canceled, &as_task, &ctor}) {
    if (!*r) return r->error();
  }
  c.is_completed = *completed;
  c.is_completed_successfully = *succeeded;
  c.is_canceled = *canceled;
  c.as_task = *as_task;
  c.ctor_from_task = *ctor;
  return c;
}

}  // namespace clrprobe::agent
