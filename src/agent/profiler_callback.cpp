#include "agent/profiler_callback.h"

#include <exception>

#include "agent/agent.h"
#include "agent/log.h"

namespace clrprobe::agent {

namespace {

// The one exception barrier every delegating callback goes through: an
// agent bug costs a probe and a log line, never the host process.
template <typename Fn>
HRESULT guarded(const char* callback, HRESULT on_failure, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    CLRPROBE_LOG_ERROR("{} failed: {}", callback, e.what());
  } catch (...) {
    CLRPROBE_LOG_ERROR("{} failed: unknown exception", callback);
  }
  return on_failure;
}

constexpr const IID* kImplemented[] = {
    &IID_IUnknown,               &IID_ICorProfilerCallback,   &IID_ICorProfilerCallback2,
    &IID_ICorProfilerCallback3,  &IID_ICorProfilerCallback4,  &IID_ICorProfilerCallback5,
    &IID_ICorProfilerCallback6,  &IID_ICorProfilerCallback7,  &IID_ICorProfilerCallback8,
    &IID_ICorProfilerCallback9,  &IID_ICorProfilerCallback10, &IID_ICorProfilerCallback11,
};

}  // namespace

ProfilerCallback::ProfilerCallback() = default;
ProfilerCallback::~ProfilerCallback() = default;

HRESULT ProfilerCallback::QueryInterface(REFIID riid, void** object) {
  if (object == nullptr) return E_POINTER;
  for (const IID* iid : kImplemented) {
    if (riid == *iid) {
      *object = static_cast<ICorProfilerCallback11*>(this);
      AddRef();
      return S_OK;
    }
  }
  *object = nullptr;
  return E_NOINTERFACE;
}

ULONG ProfilerCallback::AddRef() { return ++refs_; }

ULONG ProfilerCallback::Release() {
  ULONG count = --refs_;
  if (count == 0) delete this;
  return count;
}

// --- callbacks the agent acts on ---------------------------------------------

HRESULT ProfilerCallback::Initialize(IUnknown* info) {
  return guarded("Initialize", E_FAIL, [&] {
    agent_ = std::make_unique<Agent>();
    return agent_->initialize(info, /*attaching=*/false);
  });
}

HRESULT ProfilerCallback::InitializeForAttach(IUnknown* info, void* client_data, UINT client_data_size) {
  return guarded("InitializeForAttach", E_FAIL, [&] {
    agent_ = std::make_unique<Agent>();
    return agent_->initialize(info, /*attaching=*/true, client_data, client_data_size);
  });
}

HRESULT ProfilerCallback::ProfilerAttachComplete() { return S_OK; }

HRESULT ProfilerCallback::Shutdown() {
  return guarded("Shutdown", S_OK, [&] {
    if (agent_) agent_->shutdown();
    return S_OK;
  });
}

HRESULT ProfilerCallback::ModuleLoadFinished(ModuleID module, HRESULT status) {
  return guarded("ModuleLoadFinished", S_OK, [&] {
    if (agent_) agent_->module_loaded(module, status);
    return S_OK;
  });
}

HRESULT ProfilerCallback::ModuleUnloadStarted(ModuleID module) {
  return guarded("ModuleUnloadStarted", S_OK, [&] {
    if (agent_) agent_->module_unloading(module);
    return S_OK;
  });
}

HRESULT ProfilerCallback::GetReJITParameters(ModuleID module, mdMethodDef method,
                                             ICorProfilerFunctionControl* control) {
  // S_FALSE, not E_FAIL: on any failure the runtime keeps the original IL.
  return guarded("GetReJITParameters", S_FALSE, [&] {
    return agent_ ? agent_->get_rejit_parameters(module, method, control) : S_FALSE;
  });
}

HRESULT ProfilerCallback::ReJITError(ModuleID module, mdMethodDef method, FunctionID, HRESULT status) {
  return guarded("ReJITError", S_OK, [&] {
    if (agent_) agent_->rejit_error(module, method, status);
    return S_OK;
  });
}

HRESULT ProfilerCallback::JITCompilationStarted(FunctionID function, BOOL) {
  return guarded("JITCompilationStarted", S_OK, [&] {
    if (agent_) agent_->jit_started(function);
    return S_OK;
  });
}

// Out parameters of callbacks we do not act on still get the neutral answer:
// inline as the JIT decided, use ReadyToRun code, load as a full profiler.
HRESULT ProfilerCallback::JITInlining(FunctionID, FunctionID, BOOL* should_inline) {
  if (should_inline != nullptr) *should_inline = 1;
  return S_OK;
}

HRESULT ProfilerCallback::JITCachedFunctionSearchStarted(FunctionID, BOOL* use_cached) {
  if (use_cached != nullptr) *use_cached = 1;
  return S_OK;
}

HRESULT ProfilerCallback::LoadAsNotificationOnly(BOOL* notification_only) {
  if (notification_only != nullptr) *notification_only = 0;
  return S_OK;
}

// --- every other callback: nothing to do ---------------------------------------

// clang-format off
HRESULT ProfilerCallback::AppDomainCreationStarted(AppDomainID appDomainId) { return S_OK; }
HRESULT ProfilerCallback::AppDomainCreationFinished(AppDomainID appDomainId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::AppDomainShutdownStarted(AppDomainID appDomainId) { return S_OK; }
HRESULT ProfilerCallback::AppDomainShutdownFinished(AppDomainID appDomainId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::AssemblyLoadStarted(AssemblyID assemblyId) { return S_OK; }
HRESULT ProfilerCallback::AssemblyLoadFinished(AssemblyID assemblyId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::AssemblyUnloadStarted(AssemblyID assemblyId) { return S_OK; }
HRESULT ProfilerCallback::AssemblyUnloadFinished(AssemblyID assemblyId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::ModuleLoadStarted(ModuleID moduleId) { return S_OK; }
HRESULT ProfilerCallback::ModuleUnloadFinished(ModuleID moduleId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::ModuleAttachedToAssembly(ModuleID moduleId, AssemblyID AssemblyId) { return S_OK; }
HRESULT ProfilerCallback::ClassLoadStarted(ClassID classId) { return S_OK; }
HRESULT ProfilerCallback::ClassLoadFinished(ClassID classId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::ClassUnloadStarted(ClassID classId) { return S_OK; }
HRESULT ProfilerCallback::ClassUnloadFinished(ClassID classId, HRESULT hrStatus) { return S_OK; }
HRESULT ProfilerCallback::FunctionUnloadStarted(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::JITCompilationFinished(FunctionID functionId, HRESULT hrStatus, BOOL fIsSafeToBlock) { return S_OK; }
HRESULT ProfilerCallback::JITCachedFunctionSearchFinished(FunctionID functionId, COR_PRF_JIT_CACHE result) { return S_OK; }
HRESULT ProfilerCallback::JITFunctionPitched(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ThreadCreated(ThreadID threadId) { return S_OK; }
HRESULT ProfilerCallback::ThreadDestroyed(ThreadID threadId) { return S_OK; }
HRESULT ProfilerCallback::ThreadAssignedToOSThread(ThreadID managedThreadId, DWORD osThreadId) { return S_OK; }
HRESULT ProfilerCallback::RemotingClientInvocationStarted() { return S_OK; }
HRESULT ProfilerCallback::RemotingClientSendingMessage(GUID* pCookie, BOOL fIsAsync) { return S_OK; }
HRESULT ProfilerCallback::RemotingClientReceivingReply(GUID* pCookie, BOOL fIsAsync) { return S_OK; }
HRESULT ProfilerCallback::RemotingClientInvocationFinished() { return S_OK; }
HRESULT ProfilerCallback::RemotingServerReceivingMessage(GUID* pCookie, BOOL fIsAsync) { return S_OK; }
HRESULT ProfilerCallback::RemotingServerInvocationStarted() { return S_OK; }
HRESULT ProfilerCallback::RemotingServerInvocationReturned() { return S_OK; }
HRESULT ProfilerCallback::RemotingServerSendingReply(GUID* pCookie, BOOL fIsAsync) { return S_OK; }
HRESULT ProfilerCallback::UnmanagedToManagedTransition(FunctionID functionId, COR_PRF_TRANSITION_REASON reason) { return S_OK; }
HRESULT ProfilerCallback::ManagedToUnmanagedTransition(FunctionID functionId, COR_PRF_TRANSITION_REASON reason) { return S_OK; }
HRESULT ProfilerCallback::RuntimeSuspendStarted(COR_PRF_SUSPEND_REASON suspendReason) { return S_OK; }
HRESULT ProfilerCallback::RuntimeSuspendFinished() { return S_OK; }
HRESULT ProfilerCallback::RuntimeSuspendAborted() { return S_OK; }
HRESULT ProfilerCallback::RuntimeResumeStarted() { return S_OK; }
HRESULT ProfilerCallback::RuntimeResumeFinished() { return S_OK; }
HRESULT ProfilerCallback::RuntimeThreadSuspended(ThreadID threadId) { return S_OK; }
HRESULT ProfilerCallback::RuntimeThreadResumed(ThreadID threadId) { return S_OK; }
HRESULT ProfilerCallback::MovedReferences(ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[], ObjectID newObjectIDRangeStart[], ULONG cObjectIDRangeLength[]) { return S_OK; }
HRESULT ProfilerCallback::ObjectAllocated(ObjectID objectId, ClassID classId) { return S_OK; }
HRESULT ProfilerCallback::ObjectsAllocatedByClass(ULONG cClassCount, ClassID classIds[], ULONG cObjects[]) { return S_OK; }
HRESULT ProfilerCallback::ObjectReferences(ObjectID objectId, ClassID classId, ULONG cObjectRefs, ObjectID objectRefIds[]) { return S_OK; }
HRESULT ProfilerCallback::RootReferences(ULONG cRootRefs, ObjectID rootRefIds[]) { return S_OK; }
HRESULT ProfilerCallback::ExceptionThrown(ObjectID thrownObjectId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionSearchFunctionEnter(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionSearchFunctionLeave() { return S_OK; }
HRESULT ProfilerCallback::ExceptionSearchFilterEnter(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionSearchFilterLeave() { return S_OK; }
HRESULT ProfilerCallback::ExceptionSearchCatcherFound(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionOSHandlerEnter(UINT_PTR unused) { return S_OK; }
HRESULT ProfilerCallback::ExceptionOSHandlerLeave(UINT_PTR unused) { return S_OK; }
HRESULT ProfilerCallback::ExceptionUnwindFunctionEnter(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionUnwindFunctionLeave() { return S_OK; }
HRESULT ProfilerCallback::ExceptionUnwindFinallyEnter(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionUnwindFinallyLeave() { return S_OK; }
HRESULT ProfilerCallback::ExceptionCatcherEnter(FunctionID functionId, ObjectID objectId) { return S_OK; }
HRESULT ProfilerCallback::ExceptionCatcherLeave() { return S_OK; }
HRESULT ProfilerCallback::COMClassicVTableCreated(ClassID wrappedClassId, REFGUID implementedIID, void* pVTable, ULONG cSlots) { return S_OK; }
HRESULT ProfilerCallback::COMClassicVTableDestroyed(ClassID wrappedClassId, REFGUID implementedIID, void* pVTable) { return S_OK; }
HRESULT ProfilerCallback::ExceptionCLRCatcherFound() { return S_OK; }
HRESULT ProfilerCallback::ExceptionCLRCatcherExecute() { return S_OK; }
HRESULT ProfilerCallback::ThreadNameChanged(ThreadID threadId, ULONG cchName, WCHAR name[]) { return S_OK; }
HRESULT ProfilerCallback::GarbageCollectionStarted(int cGenerations, BOOL generationCollected[], COR_PRF_GC_REASON reason) { return S_OK; }
HRESULT ProfilerCallback::SurvivingReferences(ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[], ULONG cObjectIDRangeLength[]) { return S_OK; }
HRESULT ProfilerCallback::GarbageCollectionFinished() { return S_OK; }
HRESULT ProfilerCallback::FinalizeableObjectQueued(DWORD finalizerFlags, ObjectID objectID) { return S_OK; }
HRESULT ProfilerCallback::RootReferences2(ULONG cRootRefs, ObjectID rootRefIds[], COR_PRF_GC_ROOT_KIND rootKinds[], COR_PRF_GC_ROOT_FLAGS rootFlags[], UINT_PTR rootIds[]) { return S_OK; }
HRESULT ProfilerCallback::HandleCreated(GCHandleID handleId, ObjectID initialObjectId) { return S_OK; }
HRESULT ProfilerCallback::HandleDestroyed(GCHandleID handleId) { return S_OK; }
HRESULT ProfilerCallback::ProfilerDetachSucceeded() { return S_OK; }
HRESULT ProfilerCallback::ReJITCompilationStarted(FunctionID functionId, ReJITID rejitId, BOOL fIsSafeToBlock) { return S_OK; }
HRESULT ProfilerCallback::ReJITCompilationFinished(FunctionID functionId, ReJITID rejitId, HRESULT hrStatus, BOOL fIsSafeToBlock) { return S_OK; }
HRESULT ProfilerCallback::MovedReferences2(ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[], ObjectID newObjectIDRangeStart[], SIZE_T cObjectIDRangeLength[]) { return S_OK; }
HRESULT ProfilerCallback::SurvivingReferences2(ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[], SIZE_T cObjectIDRangeLength[]) { return S_OK; }
HRESULT ProfilerCallback::ConditionalWeakTableElementReferences(ULONG cRootRefs, ObjectID keyRefIds[], ObjectID valueRefIds[], GCHandleID rootIds[]) { return S_OK; }
HRESULT ProfilerCallback::GetAssemblyReferences(const WCHAR* wszAssemblyPath, ICorProfilerAssemblyReferenceProvider* pAsmRefProvider) { return S_OK; }
HRESULT ProfilerCallback::ModuleInMemorySymbolsUpdated(ModuleID moduleId) { return S_OK; }
HRESULT ProfilerCallback::DynamicMethodJITCompilationStarted(FunctionID functionId, BOOL fIsSafeToBlock, LPCBYTE pILHeader, ULONG cbILHeader) { return S_OK; }
HRESULT ProfilerCallback::DynamicMethodJITCompilationFinished(FunctionID functionId, HRESULT hrStatus, BOOL fIsSafeToBlock) { return S_OK; }
HRESULT ProfilerCallback::DynamicMethodUnloaded(FunctionID functionId) { return S_OK; }
HRESULT ProfilerCallback::EventPipeEventDelivered(EVENTPIPE_PROVIDER provider, DWORD eventId, DWORD eventVersion, ULONG cbMetadataBlob, LPCBYTE metadataBlob, ULONG cbEventData, LPCBYTE eventData, LPCGUID pActivityId, LPCGUID pRelatedActivityId, ThreadID eventThread, ULONG numStackFrames, UINT_PTR stackFrames[]) { return S_OK; }
HRESULT ProfilerCallback::EventPipeProviderCreated(EVENTPIPE_PROVIDER provider) { return S_OK; }// clang-format on

}  // namespace clrprobe::agent
