// HRESULTs a runtime answers to AttachProfiler, and what they mean for the
// person who asked. Values are those of the runtime's corerror.h /
// winerror.h; the diagnostics-server codes are from the IPC protocol spec.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace clrprobe::diagnostics {

namespace hresult {
inline constexpr uint32_t kOk = 0x00000000;
// Profiling API (corerror.h).
inline constexpr uint32_t kProfilerNotAttachable = 0x80131368;     // CORPROF_E_PROFILER_NOT_ATTACHABLE
inline constexpr uint32_t kProfilerAlreadyActive = 0x8013136A;     // CORPROF_E_PROFILER_ALREADY_ACTIVE
inline constexpr uint32_t kRuntimeUninitialized = 0x80131371;      // CORPROF_E_RUNTIME_UNINITIALIZED
inline constexpr uint32_t kProfilerCancelActivation = 0x80131375;  // CORPROF_E_PROFILER_CANCEL_ACTIVATION
inline constexpr uint32_t kTimeoutWaitingForConcurrentGc = 0x80131379;  // CORPROF_E_TIMEOUT_WAITING_FOR_CONCURRENT_GC
inline constexpr uint32_t kCorTimeout = 0x80131505;                // COR_E_TIMEOUT
inline constexpr uint32_t kCorNotSupported = 0x80131515;           // COR_E_NOTSUPPORTED (DS_IPC_E_NOTSUPPORTED)
// Diagnostics server (IPC protocol spec).
inline constexpr uint32_t kDiagNotYetAvailable = 0x8013135B;       // DS_IPC_E_NOT_YET_AVAILABLE
inline constexpr uint32_t kDiagBadEncoding = 0x80131384;           // CORDIAGIPC_E_BAD_ENCODING
inline constexpr uint32_t kDiagUnknownCommand = 0x80131385;        // CORDIAGIPC_E_UNKNOWN_COMMAND
inline constexpr uint32_t kDiagUnknownMagic = 0x80131386;          // CORDIAGIPC_E_UNKNOWN_MAGIC
inline constexpr uint32_t kDiagUnknownError = 0x80131387;          // CORDIAGIPC_E_UNKNOWN_ERROR
// Generic COM / Win32 (winerror.h); HRESULT_FROM_WIN32(x) = 0x80070000 | x.
inline constexpr uint32_t kNotImpl = 0x80004001;                   // E_NOTIMPL
inline constexpr uint32_t kFail = 0x80004005;                      // E_FAIL
inline constexpr uint32_t kClassNotAvailable = 0x80040111;         // CLASS_E_CLASSNOTAVAILABLE
inline constexpr uint32_t kClassNotRegistered = 0x80040154;        // REGDB_E_CLASSNOTREG
inline constexpr uint32_t kFileNotFound = 0x80070002;              // ERROR_FILE_NOT_FOUND
inline constexpr uint32_t kPathNotFound = 0x80070003;              // ERROR_PATH_NOT_FOUND
inline constexpr uint32_t kAccessDenied = 0x80070005;              // E_ACCESSDENIED
inline constexpr uint32_t kOutOfMemory = 0x8007000E;               // E_OUTOFMEMORY
inline constexpr uint32_t kInvalidArg = 0x80070057;                // E_INVALIDARG
inline constexpr uint32_t kModNotFound = 0x8007007E;               // ERROR_MOD_NOT_FOUND
inline constexpr uint32_t kProcNotFound = 0x8007007F;              // ERROR_PROC_NOT_FOUND
inline constexpr uint32_t kBadExeFormat = 0x800700C1;              // ERROR_BAD_EXE_FORMAT
inline constexpr uint32_t kWin32Timeout = 0x800705B4;              // ERROR_TIMEOUT
}  // namespace hresult

// "CORPROF_E_PROFILER_ALREADY_ACTIVE" etc.; empty for an unknown value.
std::string_view hresult_name(uint32_t hr);

// "0x8013136A (CORPROF_E_PROFILER_ALREADY_ACTIVE)" or "0x12345678".
std::string format_hresult(uint32_t hr);

// What a failed AttachProfiler means, as an Error ready to print:
// the reason (Unsupported when attach cannot work for this process or
// runtime, RuntimeError when the runtime or agent refused, NotFound for an
// agent file the runtime could not load, InvalidInput for a request the
// runtime rejected) and a message naming the process, the HRESULT and
// what to do. `agent_path` is the path that was sent.
Error describe_attach_failure(uint32_t hr, pid_t pid, std::string_view agent_path);

}  // namespace clrprobe::diagnostics
