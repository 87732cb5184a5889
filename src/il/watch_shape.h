// The watch additions to the Timed probe shape (rewriter.h), for
// `clrprobe watch`: the arguments, the return value and an escaping
// exception are handed to native hooks by address, so the agent reads them
// without running any managed code.
//
//       <enter, stloc START as in the Timed shape>
//       ldarg k; stloc Ai            for each captured by-value argument:
//                                    its value at entry, in a GC-tracked local
//   .try {                           (outer: the Timed shape's fault)
//     .try {                         (inner: watch filter)
//       <original code>
//     } filter {
//       stloc EXC
//       ldc.i4 slot; ldloc START; ldc.i4.0; conv.u; ldloca EXC; conv.u; ARGS
//       ldc.i8 watch_exception_fn; conv.i; calli watch_sig
//       pop; ldc.i4.0; endfilter     never handles: the search goes on
//     } { pop; rethrow }             (never entered)
//   } fault { <as in the Timed shape> }
//   EPILOGUE:
//       [precheck: see watch_precheck.h; false -> the plain Timed leave and ret]
//       ldc.i4 slot; ldloc START; (ldloca RESULT; conv.u | ldc.i4.0; conv.u)
//       ldc.i4.0; conv.u; ARGS
//       ldc.i8 watch_leave_fn; conv.i; calli watch_sig   (replaces leave_fn)
//       brfalse.s DONE                                   (pop when no stack_fn)
//       ldc.i4 slot; ldc.i8 stack_fn; conv.i; calli stack_sig
//   DONE:
//       [ldloc RESULT]; ret
//   ARGS: per captured argument, `ldloca Ai; conv.u` (by value: the entry
//   copy) or `ldarg k; conv.u` (ref/out: the caller's variable, read at exit).
//
// The hooks are unmanaged cdecl calls without a GC transition: nothing
// moves while they read through the addresses. They return int32: non-zero
// from watch_leave_fn asks for the stack hook, a plain unmanaged cdecl call
// WITH a GC transition, so the runtime can walk the stack from there (the
// JIT pushes a transition frame for it; see watch/watch_runtime.h). Only
// captured calls of a --stack watch pay for that call. A filter runs in the first
// pass of exception dispatch, before any frame unwinds, and only when no
// handler inside the method took the exception: it sees exactly the
// exceptions that escape, without catching them. watch_leave_fn also does
// what leave_fn does for the stats; watch_exception_fn only reads (the
// fault handler still counts the exception).
//
// The precheck (watch_precheck.h), when the agent gives one and it fits the
// method, decides a numeric argument condition in the IL: a call where it is
// false pays the Timed shape's leave call only. Which conditions the agent
// compiles: watch/precheck_compiler.h (any other takes the hook as above).
//
// Refusals (InvalidInput): a task epilogue (watch measures the synchronous
// call only; the agent does not ask for both), more than kMaxWatchArgs
// arguments, a parameter index past the signature, a vararg method, a
// typedref parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "il/code_layout.h"
#include "il/signature.h"
#include "il/verifier.h"
#include "il/watch_precheck.h"

namespace clrprobe::il {

inline constexpr uint32_t kMaxWatchArgs = 16;
// slot, start, return address, exception address, the fn pointer: plus one per argument
// (the stack call needs 2: slot and fn pointer).
inline constexpr uint16_t kWatchFixedStackNeed = 5;

struct WatchHooks {
  // Parameter indices (0 = first declared parameter, `this` not counted) to
  // hand over, in the order the hook receives them.
  std::vector<uint16_t> args;
  uint64_t leave_fn = 0;      // int32(int32 slot, int64 start, native int ret, native int exc, native int arg...)
  uint64_t exception_fn = 0;  // same signature
  uint32_t sig_token = 0;     // StandAloneSig of that signature (unmanaged cdecl)
  uint64_t stack_fn = 0;      // void(int32 slot), 0: no stack call (the leave result is popped)
  uint32_t stack_sig_token = 0;  // its StandAloneSig: plain unmanaged cdecl, WITH the GC transition
  // The condition in IL (watch_precheck.h) and the address of its enabled
  // byte (non-zero: the precheck decides); both or neither.
  std::optional<WatchPrecheck> precheck;
  uint64_t precheck_enabled = 0;
};

// Where the watch locals went (indices into the extended LocalVarSig).
struct WatchLocals {
  std::vector<std::optional<uint16_t>> arg_copies;  // per WatchHooks::args entry; nullopt: ref/out, read in place
  uint16_t exception = 0;                           // object: the escaping exception
};

Status check_watch(const WatchHooks& watch, const MethodSig& sig);

// Appends the local types the watch needs to `added` (after the locals
// already there, whose count is `first_index`).
WatchLocals plan_watch_locals(const WatchHooks& watch, const MethodSig& sig, uint32_t first_index,
                              std::vector<std::span<const uint8_t>>* added);

// `ldarg k; stloc Ai` for each by-value argument (right after START).
void append_watch_entry(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                        const WatchLocals& locals);
// The filter block and its (never entered) handler. Returns the draft index
// of the handler's first instruction.
uint32_t append_watch_filter(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                             const WatchLocals& locals, int32_t slot, uint16_t start_local);
// The epilogue's hook call (instead of the leave hook call), preceded by
// the precheck and its own plain leave (`leave_fn`/`leave_sig_token`, the
// Timed shape's) when there is one that fits. Ends before the final
// `[ldloc RESULT]; ret`, which the caller appends.
void append_watch_leave(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                        const WatchLocals& locals, int32_t slot, uint16_t start_local,
                        std::optional<uint16_t> result_local, uint64_t leave_fn, uint32_t leave_sig_token);

std::optional<StackEffect> watch_effect(const WatchHooks* watch, uint32_t token, Opcode opcode);
uint16_t watch_stack_need(const WatchHooks& watch);

// The hook signature for `arg_count` arguments: int32 return, unmanaged cdecl, with
// modopt(`modopt_token`) on the return type when non-zero (see
// agent/hook_signatures.h).
std::vector<uint8_t> watch_hook_signature(uint32_t arg_count, uint32_t modopt_token);

}  // namespace clrprobe::il
