// The calli signatures through which instrumented IL reaches the hit-path
// functions. Preferred form: unmanaged with modopt(CallConvSuppressGCTransition)
// on the return type, so the JIT emits a plain native call without the
// cooperative→preemptive GC transition (the hit functions are tiny, never
// block and never call back into the runtime — the contract that attribute
// requires). The fallback is a plain unmanaged cdecl call.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/module_table.h"

namespace clrprobe::agent {

// A token for System.Runtime.CompilerServices.CallConvSuppressGCTransition
// usable in `module` (a TypeDef in CoreLib, else a TypeRef scoped to the
// module's reference to the core library), or 0 if none can be made.
// Caller holds module.emit_mutex.
uint32_t suppress_gc_transition_token(ModuleInfo& module);

// The module's AssemblyRef to the core library (System.Runtime, then
// System.Private.CoreLib, netstandard, mscorlib), or 0 if it has none.
uint32_t core_library_reference(ModuleInfo& module);

// int64 (int32), void (int32, int64), void (int32) for count-only probes and,
// for finished tasks, void (int32 slot, int64 start, int32 succeeded, int32 cancelled).
// `modopt_token` 0: plain cdecl.
std::vector<uint8_t> enter_hook_signature(uint32_t modopt_token);
std::vector<uint8_t> leave_hook_signature(uint32_t modopt_token);
std::vector<uint8_t> complete_hook_signature(uint32_t modopt_token);
// int32 (int32): clrprobe_track_guard, the task tracker's reentrancy guard.
std::vector<uint8_t> track_guard_signature(uint32_t modopt_token);
std::vector<uint8_t> count_hook_signature(uint32_t modopt_token);

}  // namespace clrprobe::agent
