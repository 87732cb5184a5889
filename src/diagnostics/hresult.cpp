#include "diagnostics/hresult.h"

#include <cstdio>

namespace clrprobe::diagnostics {

std::string_view hresult_name(uint32_t hr) {
  using namespace hresult;
  switch (hr) {
    case kOk: return "S_OK";
    case kProfilerNotAttachable: return "CORPROF_E_PROFILER_NOT_ATTACHABLE";
    case kProfilerAlreadyActive: return "CORPROF_E_PROFILER_ALREADY_ACTIVE";
    case kRuntimeUninitialized: return "CORPROF_E_RUNTIME_UNINITIALIZED";
    case kProfilerCancelActivation: return "CORPROF_E_PROFILER_CANCEL_ACTIVATION";
    case kTimeoutWaitingForConcurrentGc: return "CORPROF_E_TIMEOUT_WAITING_FOR_CONCURRENT_GC";
    case kCorTimeout: return "COR_E_TIMEOUT";
    case kCorNotSupported: return "COR_E_NOTSUPPORTED";
    case kDiagNotYetAvailable: return "DS_IPC_E_NOT_YET_AVAILABLE";
    case kDiagBadEncoding: return "CORDIAGIPC_E_BAD_ENCODING";
    case kDiagUnknownCommand: return "CORDIAGIPC_E_UNKNOWN_COMMAND";
    case kDiagUnknownMagic: return "CORDIAGIPC_E_UNKNOWN_MAGIC";
    case kDiagUnknownError: return "CORDIAGIPC_E_UNKNOWN_ERROR";
    case kNotImpl: return "E_NOTIMPL";
    case kFail: return "E_FAIL";
    case kClassNotAvailable: return "CLASS_E_CLASSNOTAVAILABLE";
    case kClassNotRegistered: return "REGDB_E_CLASSNOTREG";
    case kFileNotFound: return "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)";
    case kPathNotFound: return "HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)";
    case kAccessDenied: return "E_ACCESSDENIED";
    case kOutOfMemory: return "E_OUTOFMEMORY";
    case kInvalidArg: return "E_INVALIDARG";
    case kModNotFound: return "HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND)";
    case kProcNotFound: return "HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND)";
    case kBadExeFormat: return "HRESULT_FROM_WIN32(ERROR_BAD_EXE_FORMAT)";
    case kWin32Timeout: return "HRESULT_FROM_WIN32(ERROR_TIMEOUT)";
    default: return {};
  }
}

std::string format_hresult(uint32_t hr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", hr);
  std::string out(buf);
  if (auto name = hresult_name(hr); !name.empty()) {
    out += " (";
    out += name;
    out += ")";
  }
  return out;
}

Error describe_attach_failure(uint32_t hr, pid_t pid, std::string_view agent_path) {
  using namespace hresult;
  const std::string process = "process " + std::to_string(pid);
  const std::string code = " [" + format_hresult(hr) + "]";
  const std::string agent(agent_path);
  switch (hr) {
    case kProfilerAlreadyActive:
      return make_error(Reason::Unsupported,
                        "a profiler is already loaded in " + process +
                            " (clrprobe or another one); only one profiler per process" + code);
    case kProfilerNotAttachable:
    case kNotImpl:
      return make_error(Reason::RuntimeError, "the runtime of " + process + " could not attach the agent " +
                                                  agent + ": it reports the profiler as not attachable" + code);
    case kProfilerCancelActivation:
      return make_error(Reason::RuntimeError, "the agent declined to load into " + process +
                                                  " (see its log, clrprobe attach --log FILE)" + code);
    case kRuntimeUninitialized:
    case kDiagNotYetAvailable:
      return make_error(Reason::RuntimeError, "the runtime of " + process +
                                                  " is still starting up or already shutting down; try again "
                                                  "in a moment" + code);
    case kTimeoutWaitingForConcurrentGc:
    case kCorTimeout:
    case kWin32Timeout:
      return make_error(Reason::RuntimeError,
                        "attach to " + process +
                            " timed out inside the runtime (it waits for a running background garbage "
                            "collection to finish); try again, or pass a longer --timeout" + code);
    case kDiagUnknownCommand:
    case kCorNotSupported:
      return make_error(Reason::Unsupported, "the runtime of " + process +
                                                 " does not support profiler attach (.NET Core 3.0 or later "
                                                 "is needed); restart it under `clrprobe run`" + code);
    case kDiagUnknownMagic:
    case kDiagBadEncoding:
      return make_error(Reason::InvalidInput, "the runtime of " + process +
                                                  " rejected the AttachProfiler message as malformed (is it "
                                                  "a supported .NET version?)" + code);
    case kInvalidArg:
      return make_error(Reason::InvalidInput, "the runtime of " + process +
                                                  " rejected the attach request as invalid (agent path " +
                                                  agent + ", CLSID, or client data)" + code);
    case kFileNotFound:
    case kPathNotFound:
    case kModNotFound:
      return make_error(Reason::NotFound, process + " could not load the agent " + agent +
                                              ": the file is missing or not visible to that process (another "
                                              "mount namespace or container?), is not a shared library for "
                                              "its architecture, or a library it needs is missing" + code);
    case kBadExeFormat:
      return make_error(Reason::NotFound, process + " could not load the agent " + agent +
                                              ": not a shared library for its architecture" + code);
    case kAccessDenied:
      return make_error(Reason::RuntimeError, process + " was denied access to the agent " + agent +
                                                  " (file permissions of the file or its directories)" + code);
    case kProcNotFound:
      return make_error(Reason::RuntimeError, "the library " + agent + " loaded into " + process +
                                                  " is not a profiler: it has no DllGetClassObject" + code);
    case kClassNotAvailable:
    case kClassNotRegistered:
      return make_error(Reason::RuntimeError, "the library " + agent + " loaded into " + process +
                                                  " does not provide clrprobe's profiler class (is it really "
                                                  "libclrprobe.so of this version?)" + code);
    case kOutOfMemory:
      return make_error(Reason::RuntimeError, process + " ran out of memory while attaching the agent" + code);
    default:
      return make_error(Reason::RuntimeError,
                        "the runtime of " + process + " failed to attach the agent " + agent + code +
                            "; the agent log (clrprobe attach --log FILE) may say more");
  }
}

}  // namespace clrprobe::diagnostics
