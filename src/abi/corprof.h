// CLR profiling API (corprof.idl): ID types, enums, structs, callback
// function types and the ICorProfilerCallback* / ICorProfilerInfo* families
// with their helper interfaces. Methods are in exact vtable order; a wrong
// slot means the runtime calls the wrong function.
#pragma once

#include "abi/com.h"
#include "abi/cor_types.h"
#include "abi/metadata.h"
#include "abi/profiler_guids.h"

namespace clrprobe::abi {

// ---------------------------------------------------------------------------
// IDs (opaque runtime handles, pointer-sized)

using ProcessID = UINT_PTR;
using AssemblyID = UINT_PTR;
using AppDomainID = UINT_PTR;
using ModuleID = UINT_PTR;
using ClassID = UINT_PTR;
using ThreadID = UINT_PTR;
using ContextID = UINT_PTR;
using FunctionID = UINT_PTR;
using ObjectID = UINT_PTR;
using GCHandleID = UINT_PTR;
using COR_PRF_ELT_INFO = UINT_PTR;
using ReJITID = UINT_PTR;
using COR_PRF_FRAME_INFO = UINT_PTR;
using ObjectHandleID = void**;

using EVENTPIPE_PROVIDER = UINT_PTR;
using EVENTPIPE_EVENT = UINT_PTR;
using EVENTPIPE_SESSION = UINT64;

union FunctionIDOrClientID {
  FunctionID functionID;
  UINT_PTR clientID;
};

// ---------------------------------------------------------------------------
// Structs

struct COR_IL_MAP {
  ULONG32 oldOffset;
  ULONG32 newOffset;
  BOOL fAccurate;
};

// Special ilOffset values in COR_DEBUG_IL_TO_NATIVE_MAP.
enum CorDebugIlToNativeMappingTypes : std::int32_t {
  NO_MAPPING = -1,
  PROLOG = -2,
  EPILOG = -3,
};

struct COR_DEBUG_IL_TO_NATIVE_MAP {
  ULONG32 ilOffset;
  ULONG32 nativeStartOffset;
  ULONG32 nativeEndOffset;
};

struct COR_PRF_FUNCTION_ARGUMENT_RANGE {
  UINT_PTR startAddress;
  ULONG length;
};

// Variable length: `ranges` has numRanges entries.
struct COR_PRF_FUNCTION_ARGUMENT_INFO {
  ULONG numRanges;
  ULONG totalArgumentSize;
  COR_PRF_FUNCTION_ARGUMENT_RANGE ranges[1];
};

struct COR_PRF_CODE_INFO {
  UINT_PTR startAddress;
  SIZE_T size;
};

struct COR_PRF_FUNCTION {
  FunctionID functionId;
  ReJITID reJitId;
};

struct COR_PRF_METHOD {
  ModuleID moduleId;
  mdMethodDef methodId;
};

struct COR_PRF_ASSEMBLY_REFERENCE_INFO {
  void* pbPublicKeyOrToken;
  ULONG cbPublicKeyOrToken;
  LPCWSTR szName;
  ASSEMBLYMETADATA* pMetaData;
  void* pbHashValue;
  ULONG cbHashValue;
  DWORD dwAssemblyRefFlags;
};

// ---------------------------------------------------------------------------
// Enums. MIDL enums are 32-bit; underlying types are fixed so that enum
// parameters and struct fields have the runtime's size.

enum COR_PRF_SNAPSHOT_INFO : std::uint32_t {
  COR_PRF_SNAPSHOT_DEFAULT = 0x0,
  COR_PRF_SNAPSHOT_REGISTER_CONTEXT = 0x1,
  COR_PRF_SNAPSHOT_X86_OPTIMIZED = 0x2,
};

enum COR_PRF_STATIC_TYPE : std::uint32_t {
  COR_PRF_FIELD_NOT_A_STATIC = 0x0,
  COR_PRF_FIELD_APP_DOMAIN_STATIC = 0x1,
  COR_PRF_FIELD_THREAD_STATIC = 0x2,
  COR_PRF_FIELD_CONTEXT_STATIC = 0x4,
  COR_PRF_FIELD_RVA_STATIC = 0x8,
};

// Event mask for ICorProfilerInfo::SetEventMask / low word of SetEventMask2.
enum COR_PRF_MONITOR : std::uint32_t {
  COR_PRF_MONITOR_NONE = 0x00000000,
  COR_PRF_MONITOR_FUNCTION_UNLOADS = 0x00000001,
  COR_PRF_MONITOR_CLASS_LOADS = 0x00000002,
  COR_PRF_MONITOR_MODULE_LOADS = 0x00000004,
  COR_PRF_MONITOR_ASSEMBLY_LOADS = 0x00000008,
  COR_PRF_MONITOR_APPDOMAIN_LOADS = 0x00000010,
  COR_PRF_MONITOR_JIT_COMPILATION = 0x00000020,
  COR_PRF_MONITOR_EXCEPTIONS = 0x00000040,
  COR_PRF_MONITOR_GC = 0x00000080,
  COR_PRF_MONITOR_OBJECT_ALLOCATED = 0x00000100,
  COR_PRF_MONITOR_THREADS = 0x00000200,
  COR_PRF_MONITOR_REMOTING = 0x00000400,
  COR_PRF_MONITOR_CODE_TRANSITIONS = 0x00000800,
  COR_PRF_MONITOR_ENTERLEAVE = 0x00001000,
  COR_PRF_MONITOR_CCW = 0x00002000,
  COR_PRF_MONITOR_REMOTING_COOKIE = 0x00004000 | COR_PRF_MONITOR_REMOTING,
  COR_PRF_MONITOR_REMOTING_ASYNC = 0x00008000 | COR_PRF_MONITOR_REMOTING,
  COR_PRF_MONITOR_SUSPENDS = 0x00010000,
  COR_PRF_MONITOR_CACHE_SEARCHES = 0x00020000,
  COR_PRF_ENABLE_REJIT = 0x00040000,
  COR_PRF_ENABLE_INPROC_DEBUGGING = 0x00080000,
  COR_PRF_ENABLE_JIT_MAPS = 0x00100000,
  COR_PRF_DISABLE_INLINING = 0x00200000,
  COR_PRF_DISABLE_OPTIMIZATIONS = 0x00400000,
  COR_PRF_ENABLE_OBJECT_ALLOCATED = 0x00800000,
  COR_PRF_MONITOR_CLR_EXCEPTIONS = 0x01000000,
  COR_PRF_MONITOR_ALL = 0x0107FFFF,
  COR_PRF_ENABLE_FUNCTION_ARGS = 0x02000000,
  COR_PRF_ENABLE_FUNCTION_RETVAL = 0x04000000,
  COR_PRF_ENABLE_FRAME_INFO = 0x08000000,
  COR_PRF_ENABLE_STACK_SNAPSHOT = 0x10000000,
  COR_PRF_USE_PROFILE_IMAGES = 0x20000000,
  COR_PRF_DISABLE_TRANSPARENCY_CHECKS_UNDER_FULL_TRUST = 0x40000000,
  COR_PRF_DISABLE_ALL_NGEN_IMAGES = 0x80000000,
  COR_PRF_ALL = 0x8FFFFFFF,
  COR_PRF_REQUIRE_PROFILE_IMAGE =
      COR_PRF_USE_PROFILE_IMAGES | COR_PRF_MONITOR_CODE_TRANSITIONS | COR_PRF_MONITOR_ENTERLEAVE,
  COR_PRF_ALLOWABLE_AFTER_ATTACH =
      COR_PRF_MONITOR_THREADS | COR_PRF_MONITOR_MODULE_LOADS | COR_PRF_MONITOR_ASSEMBLY_LOADS |
      COR_PRF_MONITOR_APPDOMAIN_LOADS | COR_PRF_ENABLE_STACK_SNAPSHOT | COR_PRF_MONITOR_GC |
      COR_PRF_MONITOR_SUSPENDS | COR_PRF_MONITOR_CLASS_LOADS | COR_PRF_MONITOR_EXCEPTIONS |
      COR_PRF_MONITOR_JIT_COMPILATION | COR_PRF_DISABLE_INLINING | COR_PRF_DISABLE_OPTIMIZATIONS |
      COR_PRF_ENABLE_REJIT,
  COR_PRF_ALLOWABLE_NOTIFICATION_PROFILER =
      COR_PRF_MONITOR_FUNCTION_UNLOADS | COR_PRF_MONITOR_CLASS_LOADS | COR_PRF_MONITOR_MODULE_LOADS |
      COR_PRF_MONITOR_ASSEMBLY_LOADS | COR_PRF_MONITOR_APPDOMAIN_LOADS | COR_PRF_MONITOR_JIT_COMPILATION |
      COR_PRF_MONITOR_EXCEPTIONS | COR_PRF_MONITOR_OBJECT_ALLOCATED | COR_PRF_MONITOR_THREADS |
      COR_PRF_MONITOR_CODE_TRANSITIONS | COR_PRF_MONITOR_CCW | COR_PRF_MONITOR_SUSPENDS |
      COR_PRF_MONITOR_CACHE_SEARCHES | COR_PRF_DISABLE_INLINING | COR_PRF_DISABLE_OPTIMIZATIONS |
      COR_PRF_ENABLE_OBJECT_ALLOCATED | COR_PRF_MONITOR_CLR_EXCEPTIONS | COR_PRF_ENABLE_STACK_SNAPSHOT |
      COR_PRF_USE_PROFILE_IMAGES | COR_PRF_DISABLE_ALL_NGEN_IMAGES,
  // Only settable during Initialize.
  COR_PRF_MONITOR_IMMUTABLE =
      COR_PRF_MONITOR_CODE_TRANSITIONS | COR_PRF_MONITOR_REMOTING | COR_PRF_MONITOR_REMOTING_COOKIE |
      COR_PRF_MONITOR_REMOTING_ASYNC | COR_PRF_ENABLE_INPROC_DEBUGGING | COR_PRF_ENABLE_JIT_MAPS |
      COR_PRF_ENABLE_OBJECT_ALLOCATED | COR_PRF_ENABLE_FUNCTION_ARGS | COR_PRF_ENABLE_FUNCTION_RETVAL |
      COR_PRF_ENABLE_FRAME_INFO | COR_PRF_USE_PROFILE_IMAGES |
      COR_PRF_DISABLE_TRANSPARENCY_CHECKS_UNDER_FULL_TRUST | COR_PRF_DISABLE_ALL_NGEN_IMAGES,
};

// High word of ICorProfilerInfo5::SetEventMask2.
enum COR_PRF_HIGH_MONITOR : std::uint32_t {
  COR_PRF_HIGH_MONITOR_NONE = 0x00000000,
  COR_PRF_HIGH_ADD_ASSEMBLY_REFERENCES = 0x00000001,  // ignored by CoreCLR
  COR_PRF_HIGH_IN_MEMORY_SYMBOLS_UPDATED = 0x00000002,
  COR_PRF_HIGH_MONITOR_DYNAMIC_FUNCTION_UNLOADS = 0x00000004,
  COR_PRF_HIGH_DISABLE_TIERED_COMPILATION = 0x00000008,
  COR_PRF_HIGH_BASIC_GC = 0x00000010,
  COR_PRF_HIGH_MONITOR_GC_MOVED_OBJECTS = 0x00000020,
  COR_PRF_HIGH_REQUIRE_PROFILE_IMAGE = 0,
  COR_PRF_HIGH_MONITOR_LARGEOBJECT_ALLOCATED = 0x00000040,
  COR_PRF_HIGH_MONITOR_EVENT_PIPE = 0x00000080,
  COR_PRF_HIGH_MONITOR_PINNEDOBJECT_ALLOCATED = 0x00000100,
  COR_PRF_HIGH_ALLOWABLE_AFTER_ATTACH =
      COR_PRF_HIGH_IN_MEMORY_SYMBOLS_UPDATED | COR_PRF_HIGH_MONITOR_DYNAMIC_FUNCTION_UNLOADS |
      COR_PRF_HIGH_BASIC_GC | COR_PRF_HIGH_MONITOR_GC_MOVED_OBJECTS |
      COR_PRF_HIGH_MONITOR_LARGEOBJECT_ALLOCATED | COR_PRF_HIGH_MONITOR_EVENT_PIPE,
  COR_PRF_HIGH_ALLOWABLE_NOTIFICATION_PROFILER =
      COR_PRF_HIGH_IN_MEMORY_SYMBOLS_UPDATED | COR_PRF_HIGH_MONITOR_DYNAMIC_FUNCTION_UNLOADS |
      COR_PRF_HIGH_DISABLE_TIERED_COMPILATION | COR_PRF_HIGH_BASIC_GC | COR_PRF_HIGH_MONITOR_GC_MOVED_OBJECTS |
      COR_PRF_HIGH_MONITOR_LARGEOBJECT_ALLOCATED | COR_PRF_HIGH_MONITOR_EVENT_PIPE,
  COR_PRF_HIGH_MONITOR_IMMUTABLE = COR_PRF_HIGH_DISABLE_TIERED_COMPILATION,
};

enum COR_PRF_MISC : std::uint32_t {
  PROFILER_PARENT_UNKNOWN = 0xFFFFFFFD,
  PROFILER_GLOBAL_CLASS = 0xFFFFFFFE,
  PROFILER_GLOBAL_MODULE = 0xFFFFFFFF,
};

// FOUND is 0: not a boolean.
enum COR_PRF_JIT_CACHE : std::int32_t {
  COR_PRF_CACHED_FUNCTION_FOUND = 0,
  COR_PRF_CACHED_FUNCTION_NOT_FOUND = 1,
};

enum COR_PRF_TRANSITION_REASON : std::int32_t {
  COR_PRF_TRANSITION_CALL = 0,
  COR_PRF_TRANSITION_RETURN = 1,
};

enum COR_PRF_SUSPEND_REASON : std::int32_t {
  COR_PRF_SUSPEND_OTHER = 0,
  COR_PRF_SUSPEND_FOR_GC = 1,
  COR_PRF_SUSPEND_FOR_APPDOMAIN_SHUTDOWN = 2,
  COR_PRF_SUSPEND_FOR_CODE_PITCHING = 3,
  COR_PRF_SUSPEND_FOR_SHUTDOWN = 4,
  COR_PRF_SUSPEND_FOR_INPROC_DEBUGGER = 6,
  COR_PRF_SUSPEND_FOR_GC_PREP = 7,
  COR_PRF_SUSPEND_FOR_REJIT = 8,
  COR_PRF_SUSPEND_FOR_PROFILER = 9,
};

enum COR_PRF_RUNTIME_TYPE : std::int32_t {
  COR_PRF_DESKTOP_CLR = 0x1,
  COR_PRF_CORE_CLR = 0x2,
};

// dwRejitFlags of ICorProfilerInfo10::RequestReJITWithInliners.
enum COR_PRF_REJIT_FLAGS : std::uint32_t {
  COR_PRF_REJIT_BLOCK_INLINING = 0x1,
  COR_PRF_REJIT_INLINING_CALLBACKS = 0x2,
};

// Flags for ICorProfilerFunctionControl::SetCodegenFlags.
enum COR_PRF_CODEGEN_FLAGS : std::uint32_t {
  COR_PRF_CODEGEN_DISABLE_INLINING = 0x0001,
  COR_PRF_CODEGEN_DISABLE_ALL_OPTIMIZATIONS = 0x0002,
  COR_PRF_CODEGEN_DEBUG_INFO = 0x0003,
};

enum COR_PRF_GC_ROOT_KIND : std::int32_t {
  COR_PRF_GC_ROOT_STACK = 1,
  COR_PRF_GC_ROOT_FINALIZER = 2,
  COR_PRF_GC_ROOT_HANDLE = 3,
  COR_PRF_GC_ROOT_OTHER = 0,
};

enum COR_PRF_GC_ROOT_FLAGS : std::uint32_t {
  COR_PRF_GC_ROOT_PINNING = 0x1,
  COR_PRF_GC_ROOT_WEAKREF = 0x2,
  COR_PRF_GC_ROOT_INTERIOR = 0x4,
  COR_PRF_GC_ROOT_REFCOUNTED = 0x8,
};

enum COR_PRF_FINALIZER_FLAGS : std::uint32_t {
  COR_PRF_FINALIZER_CRITICAL = 0x1,
};

enum COR_PRF_GC_GENERATION : std::int32_t {
  COR_PRF_GC_GEN_0 = 0,
  COR_PRF_GC_GEN_1 = 1,
  COR_PRF_GC_GEN_2 = 2,
  COR_PRF_GC_LARGE_OBJECT_HEAP = 3,
  COR_PRF_GC_PINNED_OBJECT_HEAP = 4,
};

struct COR_PRF_GC_GENERATION_RANGE {
  COR_PRF_GC_GENERATION generation;
  ObjectID rangeStart;
  UINT_PTR rangeLength;
  UINT_PTR rangeLengthReserved;
};

struct COR_PRF_NONGC_HEAP_RANGE {
  ObjectID rangeStart;
  UINT_PTR rangeLength;
  UINT_PTR rangeLengthReserved;
};

enum COR_PRF_CLAUSE_TYPE : std::int32_t {
  COR_PRF_CLAUSE_NONE = 0,
  COR_PRF_CLAUSE_FILTER = 1,
  COR_PRF_CLAUSE_CATCH = 2,
  COR_PRF_CLAUSE_FINALLY = 3,
};

struct COR_PRF_EX_CLAUSE_INFO {
  COR_PRF_CLAUSE_TYPE clauseType;
  UINT_PTR programCounter;
  UINT_PTR framePointer;
  UINT_PTR shadowStackPointer;
};

enum COR_PRF_GC_REASON : std::int32_t {
  COR_PRF_GC_INDUCED = 1,
  COR_PRF_GC_OTHER = 0,
};

// pdwModuleFlags of ICorProfilerInfo3::GetModuleInfo2.
enum COR_PRF_MODULE_FLAGS : std::uint32_t {
  COR_PRF_MODULE_DISK = 0x00000001,
  COR_PRF_MODULE_NGEN = 0x00000002,
  COR_PRF_MODULE_DYNAMIC = 0x00000004,
  COR_PRF_MODULE_COLLECTIBLE = 0x00000008,
  COR_PRF_MODULE_RESOURCE = 0x00000010,
  COR_PRF_MODULE_FLAT_LAYOUT = 0x00000020,
  COR_PRF_MODULE_WINDOWS_RUNTIME = 0x00000040,
};

enum COR_PRF_HANDLE_TYPE : std::int32_t {
  COR_PRF_HANDLE_TYPE_WEAK = 0x1,
  COR_PRF_HANDLE_TYPE_STRONG = 0x2,
  COR_PRF_HANDLE_TYPE_PINNED = 0x3,
};

// EventPipe (ICorProfilerInfo12+, ICorProfilerCallback10).
enum COR_PRF_EVENTPIPE_PARAM_TYPE : std::int32_t {
  COR_PRF_EVENTPIPE_OBJECT = 1,
  COR_PRF_EVENTPIPE_BOOLEAN = 3,
  COR_PRF_EVENTPIPE_CHAR = 4,
  COR_PRF_EVENTPIPE_SBYTE = 5,
  COR_PRF_EVENTPIPE_BYTE = 6,
  COR_PRF_EVENTPIPE_INT16 = 7,
  COR_PRF_EVENTPIPE_UINT16 = 8,
  COR_PRF_EVENTPIPE_INT32 = 9,
  COR_PRF_EVENTPIPE_UINT32 = 10,
  COR_PRF_EVENTPIPE_INT64 = 11,
  COR_PRF_EVENTPIPE_UINT64 = 12,
  COR_PRF_EVENTPIPE_SINGLE = 13,
  COR_PRF_EVENTPIPE_DOUBLE = 14,
  COR_PRF_EVENTPIPE_DECIMAL = 15,
  COR_PRF_EVENTPIPE_DATETIME = 16,
  COR_PRF_EVENTPIPE_GUID = 17,
  COR_PRF_EVENTPIPE_STRING = 18,
  COR_PRF_EVENTPIPE_ARRAY = 19,
};

enum COR_PRF_EVENTPIPE_LEVEL : std::int32_t {
  COR_PRF_EVENTPIPE_LOGALWAYS = 0,
  COR_PRF_EVENTPIPE_CRITICAL = 1,
  COR_PRF_EVENTPIPE_ERROR = 2,
  COR_PRF_EVENTPIPE_WARNING = 3,
  COR_PRF_EVENTPIPE_INFORMATIONAL = 4,
  COR_PRF_EVENTPIPE_VERBOSE = 5,
};

struct COR_PRF_EVENTPIPE_PROVIDER_CONFIG {
  const WCHAR* providerName;
  UINT64 keywords;
  UINT32 loggingLevel;
  const WCHAR* filterData;  // "key1=value1;key2=value2;"
};

struct COR_PRF_EVENTPIPE_PARAM_DESC {
  UINT32 type;
  UINT32 elementType;  // when type == COR_PRF_EVENTPIPE_ARRAY
  const WCHAR* name;
};

struct COR_PRF_EVENT_DATA {
  UINT64 ptr;
  UINT32 size;
  UINT32 reserved;
};

struct COR_PRF_FILTER_DATA {
  UINT64 Ptr;
  UINT32 Size;
  UINT32 Type;
};

// ---------------------------------------------------------------------------
// Callback function types (used as `T*` in the interfaces)

using FunctionIDMapper = UINT_PTR(FunctionID funcId, BOOL* pbHookFunction);
using FunctionIDMapper2 = UINT_PTR(FunctionID funcId, void* clientData, BOOL* pbHookFunction);
using FunctionEnter = void(FunctionID funcID);
using FunctionLeave = void(FunctionID funcID);
using FunctionTailcall = void(FunctionID funcID);
using FunctionEnter2 = void(FunctionID funcId, UINT_PTR clientData, COR_PRF_FRAME_INFO func,
                            COR_PRF_FUNCTION_ARGUMENT_INFO* argumentInfo);
using FunctionLeave2 = void(FunctionID funcId, UINT_PTR clientData, COR_PRF_FRAME_INFO func,
                            COR_PRF_FUNCTION_ARGUMENT_RANGE* retvalRange);
using FunctionTailcall2 = void(FunctionID funcId, UINT_PTR clientData, COR_PRF_FRAME_INFO func);
using FunctionEnter3 = void(FunctionIDOrClientID functionIDOrClientID);
using FunctionLeave3 = void(FunctionIDOrClientID functionIDOrClientID);
using FunctionTailcall3 = void(FunctionIDOrClientID functionIDOrClientID);
using FunctionEnter3WithInfo = void(FunctionIDOrClientID functionIDOrClientID, COR_PRF_ELT_INFO eltInfo);
using FunctionLeave3WithInfo = void(FunctionIDOrClientID functionIDOrClientID, COR_PRF_ELT_INFO eltInfo);
using FunctionTailcall3WithInfo = void(FunctionIDOrClientID functionIDOrClientID, COR_PRF_ELT_INFO eltInfo);
using StackSnapshotCallback = HRESULT(FunctionID funcId, UINT_PTR ip, COR_PRF_FRAME_INFO frameInfo,
                                      ULONG32 contextSize, BYTE context[], void* clientData);
using ObjectReferenceCallback = BOOL(ObjectID root, ObjectID* reference, void* clientData);
using EventPipeProviderCallback = void(const UINT8* source_id, UINT32 is_enabled, UINT8 level,
                                       UINT64 match_any_keywords, UINT64 match_all_keywords,
                                       COR_PRF_FILTER_DATA* filter_data, void* callback_data);
// Documented as a pointer type, unlike the others.
using ObjectCallback = BOOL (*)(ObjectID object, void* callbackState);

// ---------------------------------------------------------------------------
// Helper interfaces

struct ICorProfilerObjectEnum : IUnknown {
  virtual HRESULT Skip(ULONG celt) = 0;
  virtual HRESULT Reset() = 0;
  virtual HRESULT Clone(ICorProfilerObjectEnum** ppEnum) = 0;
  virtual HRESULT GetCount(ULONG* pcelt) = 0;
  virtual HRESULT Next(ULONG celt, ObjectID objects[], ULONG* pceltFetched) = 0;
};

struct ICorProfilerFunctionEnum : IUnknown {
  virtual HRESULT Skip(ULONG celt) = 0;
  virtual HRESULT Reset() = 0;
  virtual HRESULT Clone(ICorProfilerFunctionEnum** ppEnum) = 0;
  virtual HRESULT GetCount(ULONG* pcelt) = 0;
  virtual HRESULT Next(ULONG celt, COR_PRF_FUNCTION ids[], ULONG* pceltFetched) = 0;
};

struct ICorProfilerModuleEnum : IUnknown {
  virtual HRESULT Skip(ULONG celt) = 0;
  virtual HRESULT Reset() = 0;
  virtual HRESULT Clone(ICorProfilerModuleEnum** ppEnum) = 0;
  virtual HRESULT GetCount(ULONG* pcelt) = 0;
  virtual HRESULT Next(ULONG celt, ModuleID ids[], ULONG* pceltFetched) = 0;
};

struct ICorProfilerMethodEnum : IUnknown {
  virtual HRESULT Skip(ULONG celt) = 0;
  virtual HRESULT Reset() = 0;
  virtual HRESULT Clone(ICorProfilerMethodEnum** ppEnum) = 0;
  virtual HRESULT GetCount(ULONG* pcelt) = 0;
  virtual HRESULT Next(ULONG celt, COR_PRF_METHOD elements[], ULONG* pceltFetched) = 0;
};

struct ICorProfilerThreadEnum : IUnknown {
  virtual HRESULT Skip(ULONG celt) = 0;
  virtual HRESULT Reset() = 0;
  virtual HRESULT Clone(ICorProfilerThreadEnum** ppEnum) = 0;
  virtual HRESULT GetCount(ULONG* pcelt) = 0;
  virtual HRESULT Next(ULONG celt, ThreadID ids[], ULONG* pceltFetched) = 0;
};

// Deprecated allocator for ICorProfilerInfo::SetILFunctionBody; memory is
// never freed.
struct IMethodMalloc : IUnknown {
  virtual PVOID Alloc(ULONG cb) = 0;
};

// Handed to ICorProfilerCallback4::GetReJITParameters.
struct ICorProfilerFunctionControl : IUnknown {
  virtual HRESULT SetCodegenFlags(DWORD flags) = 0;
  virtual HRESULT SetILFunctionBody(ULONG cbNewILMethodHeader, LPCBYTE pbNewILMethodHeader) = 0;
  virtual HRESULT SetILInstrumentedCodeMap(ULONG cILMapEntries, COR_IL_MAP rgILMapEntries[]) = 0;
};

struct ICorProfilerAssemblyReferenceProvider : IUnknown {
  virtual HRESULT AddAssemblyReference(const COR_PRF_ASSEMBLY_REFERENCE_INFO* pAssemblyRefInfo) = 0;
};

// ---------------------------------------------------------------------------
// Callbacks (implemented by the profiler)

struct ICorProfilerCallback : IUnknown {
  virtual HRESULT Initialize(IUnknown* pICorProfilerInfoUnk) = 0;
  virtual HRESULT Shutdown() = 0;
  virtual HRESULT AppDomainCreationStarted(AppDomainID appDomainId) = 0;
  virtual HRESULT AppDomainCreationFinished(AppDomainID appDomainId, HRESULT hrStatus) = 0;
  virtual HRESULT AppDomainShutdownStarted(AppDomainID appDomainId) = 0;
  virtual HRESULT AppDomainShutdownFinished(AppDomainID appDomainId, HRESULT hrStatus) = 0;
  virtual HRESULT AssemblyLoadStarted(AssemblyID assemblyId) = 0;
  virtual HRESULT AssemblyLoadFinished(AssemblyID assemblyId, HRESULT hrStatus) = 0;
  virtual HRESULT AssemblyUnloadStarted(AssemblyID assemblyId) = 0;
  virtual HRESULT AssemblyUnloadFinished(AssemblyID assemblyId, HRESULT hrStatus) = 0;
  virtual HRESULT ModuleLoadStarted(ModuleID moduleId) = 0;
  virtual HRESULT ModuleLoadFinished(ModuleID moduleId, HRESULT hrStatus) = 0;
  virtual HRESULT ModuleUnloadStarted(ModuleID moduleId) = 0;
  virtual HRESULT ModuleUnloadFinished(ModuleID moduleId, HRESULT hrStatus) = 0;
  virtual HRESULT ModuleAttachedToAssembly(ModuleID moduleId, AssemblyID AssemblyId) = 0;
  virtual HRESULT ClassLoadStarted(ClassID classId) = 0;
  virtual HRESULT ClassLoadFinished(ClassID classId, HRESULT hrStatus) = 0;
  virtual HRESULT ClassUnloadStarted(ClassID classId) = 0;
  virtual HRESULT ClassUnloadFinished(ClassID classId, HRESULT hrStatus) = 0;
  virtual HRESULT FunctionUnloadStarted(FunctionID functionId) = 0;
  virtual HRESULT JITCompilationStarted(FunctionID functionId, BOOL fIsSafeToBlock) = 0;
  virtual HRESULT JITCompilationFinished(FunctionID functionId, HRESULT hrStatus, BOOL fIsSafeToBlock) = 0;
  virtual HRESULT JITCachedFunctionSearchStarted(FunctionID functionId, BOOL* pbUseCachedFunction) = 0;
  virtual HRESULT JITCachedFunctionSearchFinished(FunctionID functionId, COR_PRF_JIT_CACHE result) = 0;
  virtual HRESULT JITFunctionPitched(FunctionID functionId) = 0;
  virtual HRESULT JITInlining(FunctionID callerId, FunctionID calleeId, BOOL* pfShouldInline) = 0;
  virtual HRESULT ThreadCreated(ThreadID threadId) = 0;
  virtual HRESULT ThreadDestroyed(ThreadID threadId) = 0;
  virtual HRESULT ThreadAssignedToOSThread(ThreadID managedThreadId, DWORD osThreadId) = 0;
  virtual HRESULT RemotingClientInvocationStarted() = 0;
  virtual HRESULT RemotingClientSendingMessage(GUID* pCookie, BOOL fIsAsync) = 0;
  virtual HRESULT RemotingClientReceivingReply(GUID* pCookie, BOOL fIsAsync) = 0;
  virtual HRESULT RemotingClientInvocationFinished() = 0;
  virtual HRESULT RemotingServerReceivingMessage(GUID* pCookie, BOOL fIsAsync) = 0;
  virtual HRESULT RemotingServerInvocationStarted() = 0;
  virtual HRESULT RemotingServerInvocationReturned() = 0;
  virtual HRESULT RemotingServerSendingReply(GUID* pCookie, BOOL fIsAsync) = 0;
  virtual HRESULT UnmanagedToManagedTransition(FunctionID functionId, COR_PRF_TRANSITION_REASON reason) = 0;
  virtual HRESULT ManagedToUnmanagedTransition(FunctionID functionId, COR_PRF_TRANSITION_REASON reason) = 0;
  virtual HRESULT RuntimeSuspendStarted(COR_PRF_SUSPEND_REASON suspendReason) = 0;
  virtual HRESULT RuntimeSuspendFinished() = 0;
  virtual HRESULT RuntimeSuspendAborted() = 0;
  virtual HRESULT RuntimeResumeStarted() = 0;
  virtual HRESULT RuntimeResumeFinished() = 0;
  virtual HRESULT RuntimeThreadSuspended(ThreadID threadId) = 0;
  virtual HRESULT RuntimeThreadResumed(ThreadID threadId) = 0;
  virtual HRESULT MovedReferences(ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[],
                                  ObjectID newObjectIDRangeStart[], ULONG cObjectIDRangeLength[]) = 0;
  virtual HRESULT ObjectAllocated(ObjectID objectId, ClassID classId) = 0;
  virtual HRESULT ObjectsAllocatedByClass(ULONG cClassCount, ClassID classIds[], ULONG cObjects[]) = 0;
  virtual HRESULT ObjectReferences(ObjectID objectId, ClassID classId, ULONG cObjectRefs,
                                   ObjectID objectRefIds[]) = 0;
  virtual HRESULT RootReferences(ULONG cRootRefs, ObjectID rootRefIds[]) = 0;
  virtual HRESULT ExceptionThrown(ObjectID thrownObjectId) = 0;
  virtual HRESULT ExceptionSearchFunctionEnter(FunctionID functionId) = 0;
  virtual HRESULT ExceptionSearchFunctionLeave() = 0;
  virtual HRESULT ExceptionSearchFilterEnter(FunctionID functionId) = 0;
  virtual HRESULT ExceptionSearchFilterLeave() = 0;
  virtual HRESULT ExceptionSearchCatcherFound(FunctionID functionId) = 0;
  virtual HRESULT ExceptionOSHandlerEnter(UINT_PTR unused) = 0;  // deprecated
  virtual HRESULT ExceptionOSHandlerLeave(UINT_PTR unused) = 0;  // deprecated
  virtual HRESULT ExceptionUnwindFunctionEnter(FunctionID functionId) = 0;
  virtual HRESULT ExceptionUnwindFunctionLeave() = 0;
  virtual HRESULT ExceptionUnwindFinallyEnter(FunctionID functionId) = 0;
  virtual HRESULT ExceptionUnwindFinallyLeave() = 0;
  virtual HRESULT ExceptionCatcherEnter(FunctionID functionId, ObjectID objectId) = 0;
  virtual HRESULT ExceptionCatcherLeave() = 0;
  virtual HRESULT COMClassicVTableCreated(ClassID wrappedClassId, REFGUID implementedIID, void* pVTable,
                                          ULONG cSlots) = 0;
  virtual HRESULT COMClassicVTableDestroyed(ClassID wrappedClassId, REFGUID implementedIID, void* pVTable) = 0;
  virtual HRESULT ExceptionCLRCatcherFound() = 0;    // deprecated, never delivered
  virtual HRESULT ExceptionCLRCatcherExecute() = 0;  // deprecated, never delivered
};

struct ICorProfilerCallback2 : ICorProfilerCallback {
  virtual HRESULT ThreadNameChanged(ThreadID threadId, ULONG cchName, WCHAR name[]) = 0;
  virtual HRESULT GarbageCollectionStarted(int cGenerations, BOOL generationCollected[],
                                           COR_PRF_GC_REASON reason) = 0;
  virtual HRESULT SurvivingReferences(ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[],
                                      ULONG cObjectIDRangeLength[]) = 0;
  virtual HRESULT GarbageCollectionFinished() = 0;
  virtual HRESULT FinalizeableObjectQueued(DWORD finalizerFlags, ObjectID objectID) = 0;
  virtual HRESULT RootReferences2(ULONG cRootRefs, ObjectID rootRefIds[], COR_PRF_GC_ROOT_KIND rootKinds[],
                                  COR_PRF_GC_ROOT_FLAGS rootFlags[], UINT_PTR rootIds[]) = 0;
  virtual HRESULT HandleCreated(GCHandleID handleId, ObjectID initialObjectId) = 0;
  virtual HRESULT HandleDestroyed(GCHandleID handleId) = 0;
};

struct ICorProfilerCallback3 : ICorProfilerCallback2 {
  virtual HRESULT InitializeForAttach(IUnknown* pCorProfilerInfoUnk, void* pvClientData, UINT cbClientData) = 0;
  virtual HRESULT ProfilerAttachComplete() = 0;
  virtual HRESULT ProfilerDetachSucceeded() = 0;
};

struct ICorProfilerCallback4 : ICorProfilerCallback3 {
  virtual HRESULT ReJITCompilationStarted(FunctionID functionId, ReJITID rejitId, BOOL fIsSafeToBlock) = 0;
  virtual HRESULT GetReJITParameters(ModuleID moduleId, mdMethodDef methodId,
                                     ICorProfilerFunctionControl* pFunctionControl) = 0;
  virtual HRESULT ReJITCompilationFinished(FunctionID functionId, ReJITID rejitId, HRESULT hrStatus,
                                           BOOL fIsSafeToBlock) = 0;
  virtual HRESULT ReJITError(ModuleID moduleId, mdMethodDef methodId, FunctionID functionId, HRESULT hrStatus) = 0;
  virtual HRESULT MovedReferences2(ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[],
                                   ObjectID newObjectIDRangeStart[], SIZE_T cObjectIDRangeLength[]) = 0;
  virtual HRESULT SurvivingReferences2(ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[],
                                       SIZE_T cObjectIDRangeLength[]) = 0;
};

struct ICorProfilerCallback5 : ICorProfilerCallback4 {
  virtual HRESULT ConditionalWeakTableElementReferences(ULONG cRootRefs, ObjectID keyRefIds[],
                                                        ObjectID valueRefIds[], GCHandleID rootIds[]) = 0;
};

struct ICorProfilerCallback6 : ICorProfilerCallback5 {
  // Not raised by CoreCLR.
  virtual HRESULT GetAssemblyReferences(const WCHAR* wszAssemblyPath,
                                        ICorProfilerAssemblyReferenceProvider* pAsmRefProvider) = 0;
};

struct ICorProfilerCallback7 : ICorProfilerCallback6 {
  virtual HRESULT ModuleInMemorySymbolsUpdated(ModuleID moduleId) = 0;
};

struct ICorProfilerCallback8 : ICorProfilerCallback7 {
  virtual HRESULT DynamicMethodJITCompilationStarted(FunctionID functionId, BOOL fIsSafeToBlock, LPCBYTE pILHeader,
                                                     ULONG cbILHeader) = 0;
  virtual HRESULT DynamicMethodJITCompilationFinished(FunctionID functionId, HRESULT hrStatus,
                                                      BOOL fIsSafeToBlock) = 0;
};

struct ICorProfilerCallback9 : ICorProfilerCallback8 {
  virtual HRESULT DynamicMethodUnloaded(FunctionID functionId) = 0;
};

struct ICorProfilerCallback10 : ICorProfilerCallback9 {
  virtual HRESULT EventPipeEventDelivered(EVENTPIPE_PROVIDER provider, DWORD eventId, DWORD eventVersion,
                                          ULONG cbMetadataBlob, LPCBYTE metadataBlob, ULONG cbEventData,
                                          LPCBYTE eventData, LPCGUID pActivityId, LPCGUID pRelatedActivityId,
                                          ThreadID eventThread, ULONG numStackFrames, UINT_PTR stackFrames[]) = 0;
  virtual HRESULT EventPipeProviderCreated(EVENTPIPE_PROVIDER provider) = 0;
};

struct ICorProfilerCallback11 : ICorProfilerCallback10 {
  virtual HRESULT LoadAsNotificationOnly(BOOL* pbNotificationOnly) = 0;
};

// ---------------------------------------------------------------------------
// Info (implemented by the runtime)

struct ICorProfilerInfo : IUnknown {
  virtual HRESULT GetClassFromObject(ObjectID objectId, ClassID* pClassId) = 0;
  virtual HRESULT GetClassFromToken(ModuleID moduleId, mdTypeDef typeDef, ClassID* pClassId) = 0;
  virtual HRESULT GetCodeInfo(FunctionID functionId, LPCBYTE* pStart, ULONG* pcSize) = 0;
  virtual HRESULT GetEventMask(DWORD* pdwEvents) = 0;
  virtual HRESULT GetFunctionFromIP(LPCBYTE ip, FunctionID* pFunctionId) = 0;
  virtual HRESULT GetFunctionFromToken(ModuleID moduleId, mdToken token, FunctionID* pFunctionId) = 0;
  virtual HRESULT GetHandleFromThread(ThreadID threadId, HANDLE* phThread) = 0;
  virtual HRESULT GetObjectSize(ObjectID objectId, ULONG* pcSize) = 0;
  virtual HRESULT IsArrayClass(ClassID classId, CorElementType* pBaseElemType, ClassID* pBaseClassId,
                               ULONG* pcRank) = 0;
  virtual HRESULT GetThreadInfo(ThreadID threadId, DWORD* pdwWin32ThreadId) = 0;
  virtual HRESULT GetCurrentThreadID(ThreadID* pThreadId) = 0;
  virtual HRESULT GetClassIDInfo(ClassID classId, ModuleID* pModuleId, mdTypeDef* pTypeDefToken) = 0;
  virtual HRESULT GetFunctionInfo(FunctionID functionId, ClassID* pClassId, ModuleID* pModuleId,
                                  mdToken* pToken) = 0;
  virtual HRESULT SetEventMask(DWORD dwEvents) = 0;
  virtual HRESULT SetEnterLeaveFunctionHooks(FunctionEnter* pFuncEnter, FunctionLeave* pFuncLeave,
                                             FunctionTailcall* pFuncTailcall) = 0;
  virtual HRESULT SetFunctionIDMapper(FunctionIDMapper* pFunc) = 0;
  virtual HRESULT GetTokenAndMetaDataFromFunction(FunctionID functionId, REFIID riid, IUnknown** ppImport,
                                                  mdToken* pToken) = 0;
  virtual HRESULT GetModuleInfo(ModuleID moduleId, LPCBYTE* ppBaseLoadAddress, ULONG cchName, ULONG* pcchName,
                                WCHAR szName[], AssemblyID* pAssemblyId) = 0;
  virtual HRESULT GetModuleMetaData(ModuleID moduleId, DWORD dwOpenFlags, REFIID riid, IUnknown** ppOut) = 0;
  virtual HRESULT GetILFunctionBody(ModuleID moduleId, mdMethodDef methodId, LPCBYTE* ppMethodHeader,
                                    ULONG* pcbMethodSize) = 0;
  virtual HRESULT GetILFunctionBodyAllocator(ModuleID moduleId, IMethodMalloc** ppMalloc) = 0;
  virtual HRESULT SetILFunctionBody(ModuleID moduleId, mdMethodDef methodid, LPCBYTE pbNewILMethodHeader) = 0;
  virtual HRESULT GetAppDomainInfo(AppDomainID appDomainId, ULONG cchName, ULONG* pcchName, WCHAR szName[],
                                   ProcessID* pProcessId) = 0;
  virtual HRESULT GetAssemblyInfo(AssemblyID assemblyId, ULONG cchName, ULONG* pcchName, WCHAR szName[],
                                  AppDomainID* pAppDomainId, ModuleID* pModuleId) = 0;
  virtual HRESULT SetFunctionReJIT(FunctionID functionId) = 0;  // deprecated: E_NOTIMPL
  virtual HRESULT ForceGC() = 0;
  virtual HRESULT SetILInstrumentedCodeMap(FunctionID functionId, BOOL fStartJit, ULONG cILMapEntries,
                                           COR_IL_MAP rgILMapEntries[]) = 0;
  virtual HRESULT GetInprocInspectionInterface(IUnknown** ppicd) = 0;    // deprecated
  virtual HRESULT GetInprocInspectionIThisThread(IUnknown** ppicd) = 0;  // deprecated
  virtual HRESULT GetThreadContext(ThreadID threadId, ContextID* pContextId) = 0;
  virtual HRESULT BeginInprocDebugging(BOOL fThisThreadOnly, DWORD* pdwProfilerContext) = 0;  // deprecated
  virtual HRESULT EndInprocDebugging(DWORD dwProfilerContext) = 0;                            // deprecated
  virtual HRESULT GetILToNativeMapping(FunctionID functionId, ULONG32 cMap, ULONG32* pcMap,
                                       COR_DEBUG_IL_TO_NATIVE_MAP map[]) = 0;
};

struct ICorProfilerInfo2 : ICorProfilerInfo {
  virtual HRESULT DoStackSnapshot(ThreadID thread, StackSnapshotCallback* callback, ULONG32 infoFlags,
                                  void* clientData, BYTE context[], ULONG32 contextSize) = 0;
  virtual HRESULT SetEnterLeaveFunctionHooks2(FunctionEnter2* pFuncEnter, FunctionLeave2* pFuncLeave,
                                              FunctionTailcall2* pFuncTailcall) = 0;
  virtual HRESULT GetFunctionInfo2(FunctionID funcId, COR_PRF_FRAME_INFO frameInfo, ClassID* pClassId,
                                   ModuleID* pModuleId, mdToken* pToken, ULONG32 cTypeArgs, ULONG32* pcTypeArgs,
                                   ClassID typeArgs[]) = 0;
  virtual HRESULT GetStringLayout(ULONG* pBufferLengthOffset, ULONG* pStringLengthOffset, ULONG* pBufferOffset) = 0;
  virtual HRESULT GetClassLayout(ClassID classID, COR_FIELD_OFFSET rFieldOffset[], ULONG cFieldOffset,
                                 ULONG* pcFieldOffset, ULONG* pulClassSize) = 0;
  virtual HRESULT GetClassIDInfo2(ClassID classId, ModuleID* pModuleId, mdTypeDef* pTypeDefToken,
                                  ClassID* pParentClassId, ULONG32 cNumTypeArgs, ULONG32* pcNumTypeArgs,
                                  ClassID typeArgs[]) = 0;
  virtual HRESULT GetCodeInfo2(FunctionID functionID, ULONG32 cCodeInfos, ULONG32* pcCodeInfos,
                               COR_PRF_CODE_INFO codeInfos[]) = 0;
  virtual HRESULT GetClassFromTokenAndTypeArgs(ModuleID moduleID, mdTypeDef typeDef, ULONG32 cTypeArgs,
                                               ClassID typeArgs[], ClassID* pClassID) = 0;
  virtual HRESULT GetFunctionFromTokenAndTypeArgs(ModuleID moduleID, mdMethodDef funcDef, ClassID classId,
                                                  ULONG32 cTypeArgs, ClassID typeArgs[],
                                                  FunctionID* pFunctionID) = 0;
  virtual HRESULT EnumModuleFrozenObjects(ModuleID moduleID, ICorProfilerObjectEnum** ppEnum) = 0;
  virtual HRESULT GetArrayObjectInfo(ObjectID objectId, ULONG32 cDimensions, ULONG32 pDimensionSizes[],
                                     int pDimensionLowerBounds[], BYTE** ppData) = 0;
  virtual HRESULT GetBoxClassLayout(ClassID classId, ULONG32* pBufferOffset) = 0;
  virtual HRESULT GetThreadAppDomain(ThreadID threadId, AppDomainID* pAppDomainId) = 0;
  virtual HRESULT GetRVAStaticAddress(ClassID classId, mdFieldDef fieldToken, void** ppAddress) = 0;
  virtual HRESULT GetAppDomainStaticAddress(ClassID classId, mdFieldDef fieldToken, AppDomainID appDomainId,
                                            void** ppAddress) = 0;
  virtual HRESULT GetThreadStaticAddress(ClassID classId, mdFieldDef fieldToken, ThreadID threadId,
                                         void** ppAddress) = 0;
  virtual HRESULT GetContextStaticAddress(ClassID classId, mdFieldDef fieldToken, ContextID contextId,
                                          void** ppAddress) = 0;
  virtual HRESULT GetStaticFieldInfo(ClassID classId, mdFieldDef fieldToken, COR_PRF_STATIC_TYPE* pFieldInfo) = 0;
  virtual HRESULT GetGenerationBounds(ULONG cObjectRanges, ULONG* pcObjectRanges,
                                      COR_PRF_GC_GENERATION_RANGE ranges[]) = 0;
  virtual HRESULT GetObjectGeneration(ObjectID objectId, COR_PRF_GC_GENERATION_RANGE* range) = 0;
  virtual HRESULT GetNotifiedExceptionClauseInfo(COR_PRF_EX_CLAUSE_INFO* pinfo) = 0;
};

struct ICorProfilerInfo3 : ICorProfilerInfo2 {
  virtual HRESULT EnumJITedFunctions(ICorProfilerFunctionEnum** ppEnum) = 0;
  virtual HRESULT RequestProfilerDetach(DWORD dwExpectedCompletionMilliseconds) = 0;
  virtual HRESULT SetFunctionIDMapper2(FunctionIDMapper2* pFunc, void* clientData) = 0;
  virtual HRESULT GetStringLayout2(ULONG* pStringLengthOffset, ULONG* pBufferOffset) = 0;
  virtual HRESULT SetEnterLeaveFunctionHooks3(FunctionEnter3* pFuncEnter3, FunctionLeave3* pFuncLeave3,
                                              FunctionTailcall3* pFuncTailcall3) = 0;
  virtual HRESULT SetEnterLeaveFunctionHooks3WithInfo(FunctionEnter3WithInfo* pFuncEnter3WithInfo,
                                                      FunctionLeave3WithInfo* pFuncLeave3WithInfo,
                                                      FunctionTailcall3WithInfo* pFuncTailcall3WithInfo) = 0;
  virtual HRESULT GetFunctionEnter3Info(FunctionID functionId, COR_PRF_ELT_INFO eltInfo,
                                        COR_PRF_FRAME_INFO* pFrameInfo, ULONG* pcbArgumentInfo,
                                        COR_PRF_FUNCTION_ARGUMENT_INFO* pArgumentInfo) = 0;
  virtual HRESULT GetFunctionLeave3Info(FunctionID functionId, COR_PRF_ELT_INFO eltInfo,
                                        COR_PRF_FRAME_INFO* pFrameInfo,
                                        COR_PRF_FUNCTION_ARGUMENT_RANGE* pRetvalRange) = 0;
  virtual HRESULT GetFunctionTailcall3Info(FunctionID functionId, COR_PRF_ELT_INFO eltInfo,
                                           COR_PRF_FRAME_INFO* pFrameInfo) = 0;
  virtual HRESULT EnumModules(ICorProfilerModuleEnum** ppEnum) = 0;
  virtual HRESULT GetRuntimeInformation(USHORT* pClrInstanceId, COR_PRF_RUNTIME_TYPE* pRuntimeType,
                                        USHORT* pMajorVersion, USHORT* pMinorVersion, USHORT* pBuildNumber,
                                        USHORT* pQFEVersion, ULONG cchVersionString, ULONG* pcchVersionString,
                                        WCHAR szVersionString[]) = 0;
  virtual HRESULT GetThreadStaticAddress2(ClassID classId, mdFieldDef fieldToken, AppDomainID appDomainId,
                                          ThreadID threadId, void** ppAddress) = 0;
  virtual HRESULT GetAppDomainsContainingModule(ModuleID moduleId, ULONG32 cAppDomainIds, ULONG32* pcAppDomainIds,
                                                AppDomainID appDomainIds[]) = 0;
  virtual HRESULT GetModuleInfo2(ModuleID moduleId, LPCBYTE* ppBaseLoadAddress, ULONG cchName, ULONG* pcchName,
                                 WCHAR szName[], AssemblyID* pAssemblyId, DWORD* pdwModuleFlags) = 0;
};

struct ICorProfilerInfo4 : ICorProfilerInfo3 {
  virtual HRESULT EnumThreads(ICorProfilerThreadEnum** ppEnum) = 0;
  virtual HRESULT InitializeCurrentThread() = 0;
  virtual HRESULT RequestReJIT(ULONG cFunctions, ModuleID moduleIds[], mdMethodDef methodIds[]) = 0;
  virtual HRESULT RequestRevert(ULONG cFunctions, ModuleID moduleIds[], mdMethodDef methodIds[],
                                HRESULT status[]) = 0;
  virtual HRESULT GetCodeInfo3(FunctionID functionID, ReJITID reJitId, ULONG32 cCodeInfos, ULONG32* pcCodeInfos,
                               COR_PRF_CODE_INFO codeInfos[]) = 0;
  virtual HRESULT GetFunctionFromIP2(LPCBYTE ip, FunctionID* pFunctionId, ReJITID* pReJitId) = 0;
  virtual HRESULT GetReJITIDs(FunctionID functionId, ULONG cReJitIds, ULONG* pcReJitIds, ReJITID reJitIds[]) = 0;
  virtual HRESULT GetILToNativeMapping2(FunctionID functionId, ReJITID reJitId, ULONG32 cMap, ULONG32* pcMap,
                                        COR_DEBUG_IL_TO_NATIVE_MAP map[]) = 0;
  virtual HRESULT EnumJITedFunctions2(ICorProfilerFunctionEnum** ppEnum) = 0;
  virtual HRESULT GetObjectSize2(ObjectID objectId, SIZE_T* pcSize) = 0;
};

struct ICorProfilerInfo5 : ICorProfilerInfo4 {
  virtual HRESULT GetEventMask2(DWORD* pdwEventsLow, DWORD* pdwEventsHigh) = 0;
  virtual HRESULT SetEventMask2(DWORD dwEventsLow, DWORD dwEventsHigh) = 0;
};

struct ICorProfilerInfo6 : ICorProfilerInfo5 {
  virtual HRESULT EnumNgenModuleMethodsInliningThisMethod(ModuleID inlinersModuleId, ModuleID inlineeModuleId,
                                                          mdMethodDef inlineeMethodId, BOOL* incompleteData,
                                                          ICorProfilerMethodEnum** ppEnum) = 0;
};

struct ICorProfilerInfo7 : ICorProfilerInfo6 {
  // Needed before using metadata defined after ModuleLoadFinished.
  virtual HRESULT ApplyMetaData(ModuleID moduleId) = 0;
  virtual HRESULT GetInMemorySymbolsLength(ModuleID moduleId, DWORD* pCountSymbolBytes) = 0;
  virtual HRESULT ReadInMemorySymbols(ModuleID moduleId, DWORD symbolsReadOffset, BYTE* pSymbolBytes,
                                      DWORD countSymbolBytes, DWORD* pCountSymbolBytesRead) = 0;
};

struct ICorProfilerInfo8 : ICorProfilerInfo7 {
  virtual HRESULT IsFunctionDynamic(FunctionID functionId, BOOL* isDynamic) = 0;
  virtual HRESULT GetFunctionFromIP3(LPCBYTE ip, FunctionID* functionId, ReJITID* pReJitId) = 0;
  virtual HRESULT GetDynamicFunctionInfo(FunctionID functionId, ModuleID* moduleId, PCCOR_SIGNATURE* ppvSig,
                                         ULONG* pbSig, ULONG cchName, ULONG* pcchName, WCHAR wszName[]) = 0;
};

struct ICorProfilerInfo9 : ICorProfilerInfo8 {
  virtual HRESULT GetNativeCodeStartAddresses(FunctionID functionID, ReJITID reJitId, ULONG32 cCodeStartAddresses,
                                              ULONG32* pcCodeStartAddresses, UINT_PTR codeStartAddresses[]) = 0;
  virtual HRESULT GetILToNativeMapping3(UINT_PTR pNativeCodeStartAddress, ULONG32 cMap, ULONG32* pcMap,
                                        COR_DEBUG_IL_TO_NATIVE_MAP map[]) = 0;
  virtual HRESULT GetCodeInfo4(UINT_PTR pNativeCodeStartAddress, ULONG32 cCodeInfos, ULONG32* pcCodeInfos,
                               COR_PRF_CODE_INFO codeInfos[]) = 0;
};

struct ICorProfilerInfo10 : ICorProfilerInfo9 {
  virtual HRESULT EnumerateObjectReferences(ObjectID objectId, ObjectReferenceCallback* callback,
                                            void* clientData) = 0;
  virtual HRESULT IsFrozenObject(ObjectID objectId, BOOL* pbFrozen) = 0;
  virtual HRESULT GetLOHObjectSizeThreshold(DWORD* pThreshold) = 0;
  // Also re-JITs every method that inlined the requested ones.
  virtual HRESULT RequestReJITWithInliners(DWORD dwRejitFlags, ULONG cFunctions, ModuleID moduleIds[],
                                           mdMethodDef methodIds[]) = 0;
  virtual HRESULT SuspendRuntime() = 0;
  virtual HRESULT ResumeRuntime() = 0;
};

struct ICorProfilerInfo11 : ICorProfilerInfo10 {
  virtual HRESULT GetEnvironmentVariable(const WCHAR* szName, ULONG cchValue, ULONG* pcchValue,
                                         WCHAR szValue[]) = 0;
  virtual HRESULT SetEnvironmentVariable(const WCHAR* szName, const WCHAR* szValue) = 0;
};

struct ICorProfilerInfo12 : ICorProfilerInfo11 {
  virtual HRESULT EventPipeStartSession(UINT32 cProviderConfigs, COR_PRF_EVENTPIPE_PROVIDER_CONFIG pProviderConfigs[],
                                        BOOL requestRundown, EVENTPIPE_SESSION* pSession) = 0;
  virtual HRESULT EventPipeAddProviderToSession(EVENTPIPE_SESSION session,
                                                COR_PRF_EVENTPIPE_PROVIDER_CONFIG providerConfig) = 0;
  virtual HRESULT EventPipeStopSession(EVENTPIPE_SESSION session) = 0;
  virtual HRESULT EventPipeCreateProvider(const WCHAR* providerName, EVENTPIPE_PROVIDER* pProvider) = 0;
  virtual HRESULT EventPipeGetProviderInfo(EVENTPIPE_PROVIDER provider, ULONG cchName, ULONG* pcchName,
                                           WCHAR providerName[]) = 0;
  virtual HRESULT EventPipeDefineEvent(EVENTPIPE_PROVIDER provider, const WCHAR* eventName, UINT32 eventID,
                                       UINT64 keywords, UINT32 eventVersion, UINT32 level, UINT8 opcode,
                                       BOOL needStack, UINT32 cParamDescs,
                                       COR_PRF_EVENTPIPE_PARAM_DESC pParamDescs[], EVENTPIPE_EVENT* pEvent) = 0;
  virtual HRESULT EventPipeWriteEvent(EVENTPIPE_EVENT event, UINT32 cData, COR_PRF_EVENT_DATA data[],
                                      LPCGUID pActivityId, LPCGUID pRelatedActivityId) = 0;
};

struct ICorProfilerInfo13 : ICorProfilerInfo12 {
  virtual HRESULT CreateHandle(ObjectID object, COR_PRF_HANDLE_TYPE type, ObjectHandleID* pHandle) = 0;
  virtual HRESULT DestroyHandle(ObjectHandleID handle) = 0;
  virtual HRESULT GetObjectIDFromHandle(ObjectHandleID handle, ObjectID* pObject) = 0;
};

struct ICorProfilerInfo14 : ICorProfilerInfo13 {
  virtual HRESULT EnumerateNonGCObjects(ICorProfilerObjectEnum** ppEnum) = 0;
  virtual HRESULT GetNonGCHeapBounds(ULONG cObjectRanges, ULONG* pcObjectRanges,
                                     COR_PRF_NONGC_HEAP_RANGE ranges[]) = 0;
  virtual HRESULT EventPipeCreateProvider2(const WCHAR* providerName, EventPipeProviderCallback* pCallback,
                                           EVENTPIPE_PROVIDER* pProvider) = 0;
};

// .NET 9+.
struct ICorProfilerInfo15 : ICorProfilerInfo14 {
  virtual HRESULT EnumerateGCHeapObjects(ObjectCallback callback, void* callbackState) = 0;
};

}  // namespace clrprobe::abi
