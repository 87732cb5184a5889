// Wraps a method body with probe calls (enter / leave / exception), or, for
// a count-only probe, puts one counting call at its entry.
//
// Two shapes (RewriteInput::shape):
//   Timed      enter, leave and exception hooks around the whole body (below).
//   CountOnly  `ldc.i4 slot; ldc.i8 count_fn; conv.i; calli count_sig` before
//              the original code, which is otherwise copied unchanged: no
//              clock, no try, no new locals, every `ret`, `tail.` call and
//              `jmp` kept as it was (so tail calls stay tail calls). Calls are
//              counted; latency and exceptions are not measured. The agent
//              uses it for methods with `tail.` calls (has_tail_calls), which
//              a try would break; a user-chosen count probe is the same shape.
//
// The Timed shape:
//
// Shape of the rewritten code (every hook is reached with
// `ldc.i4 slot ... ldc.i8 fn; conv.i; calli sig`):
//
//       ldc.i4 slot; ldc.i8 enter_fn; conv.i; calli enter_sig; stloc START
//   .try {
//       <original code>, each `ret` replaced by
//            non-void: stloc RESULT; leave EPILOGUE     void: leave EPILOGUE
//   } fault {
//       ldc.i4 slot; ldloc START; ldc.i8 exception_fn; conv.i; calli leave_sig
//       endfault
//   }
//   EPILOGUE:
//       ldc.i4 slot; ldloc START; ldc.i8 leave_fn; conv.i; calli leave_sig
//       [ldloc RESULT]; ret
//
// The fault handler counts the exception and lets it propagate unchanged.
//
// Arm flag (ProbeHooks::arm_flag != 0): the hooks run only while the byte at
// that address is non-zero (a removed probe disarms its methods without a
// ReJIT). It is read once per call with a plain load, no call:
//   Timed:      ldc.i4.0; conv.i8; stloc START
//               ldc.i8 flag; conv.i; ldind.u1; brfalse TRY
//               <enter as above>; stloc START
//       TRY:    .try { ... } fault { ldloc START; brfalse END; <exception>; END: endfault }
//       EPILOGUE (no task): ldloc START; ldc.i4.2; conv.i8; blt.un SKIP; <leave>; SKIP: [ldloc RESULT]; ret
//       EPILOGUE (task):    ldloc START; brfalse PLAIN; <as above>; PLAIN: ldloc RESULT; ret
//     START 0 means "not counted" (disarmed at entry: a flag flipped
//     mid-call leaves the call fully measured or not at all), START 1
//     "counted, not timed" (a sampled enter's untimed call: leave has nothing
//     to do, the exception and a task's outcome are still counted).
//   CountOnly:  ldc.i8 flag; conv.i; ldind.u1; brfalse ORIGINAL; <count>; ORIGINAL: ...
//
// Plain copy (Timed, arm flag, no watch, original code of at most
// kMaxPlainCopyCodeSize bytes): the flag check at entry branches between an
// untouched copy of the original code and the armed shape:
//               ldc.i8 flag; conv.i; ldind.u1; brtrue ARMED
//               <original code, its `ret`s and EH clauses as they were>
//       ARMED:  <enter>; stloc START; .try { ... } fault { ... }; EPILOGUE (as unguarded,
//               the epilogue's START checks kept for enter's 0 and 1)
//     A disarmed call runs the original code plus one byte load and branch:
//     no START, no try, nothing of the armed code on its path, so the JIT
//     optimises it as the original (a removed probe costs ~nothing). The
//     size limit bounds the doubled code: the JIT stops optimising methods
//     of very many IL bytes, blocks or local references (MinOpts).
//     The IL map (il_map.h) maps both copies to the original offsets: the
//     plain copy's entries, then the armed copy's, sorted by new offset
//     only (the runtime's stack-trace translation scans by new offset; a
//     debugger translating original -> new offsets lands in the plain copy).
//
// Methods returning a task (RewriteInput::task, see task_return.h) get an
// epilogue that measures to the task's completion instead of calling leave:
//   Task / Task<T>:
//       ldloc RESULT; ldc.i4 slot; ldloc START; call Track; ldloc RESULT; ret
//   ValueTask / ValueTask<T> (never awaited twice: an IValueTaskSource
//   backing allows one consumer, the caller):
//       ldloca RESULT; call get_IsCompleted; brtrue SYNC
//       ldloca RESULT; call AsTask; dup; ldc.i4 slot; ldloc START; call Track
//       newobj ValueTask(Task); stloc RESULT; ldloc RESULT; ret
//   SYNC:
//       ldc.i4 slot; ldloc START; ldloca RESULT; call get_IsCompletedSuccessfully
//       ldloca RESULT; call get_IsCanceled; ldc.i8 complete_fn; conv.i; calli complete_sig
//       ldloc RESULT; ret
// A pending ValueTask is handed back as a ValueTask over AsTask(): the
// caller sees the same result or exception, and the pooled source is
// consumed exactly once (by AsTask).
// Existing EH clauses are remapped and kept before the new (outermost) one;
// branches are remapped and short forms widened when they no longer reach.
// Locals START (int64) and RESULT (the method's return type, bytes copied
// verbatim from the method signature, byref returns included) are appended
// after the existing locals, so existing local indices do not change.
//
// Output: always a fat header and one fat EH section, plus the map from
// original to new IL offsets (il_map.h) that keeps stack traces and source
// lines those of the original code. InitLocals is kept as
// in the original: setting it would silently start zeroing `stackalloc`
// memory of [SkipLocalsInit] methods, and our new locals never need it:
// START is stored before the try, RESULT before every leave to EPILOGUE,
// and the JIT zero-initialises GC-tracked locals regardless of the flag.
// max_stack = max(original max_stack, 3): the probe sequences run on an
// empty stack and need 3 slots; the original code's depths are unchanged.
//
// Implicit tail calls: a `call X; ret` that the JIT could have made a tail
// call runs inside the Timed shape's try, where the JIT makes none; each
// level of a self-recursion through such a call keeps its stack frame while
// probed. RewriteStats::self_tail_calls counts those sites (calls to
// RewriteInput::method_token followed by `ret`) so the agent can say so.
//
// Refusals (Result error reasons):
//   UnsupportedTailCall  Timed shape: a `tail.` prefix (the call must stay in
//                        tail position; use CountOnly)
//   UnsupportedJmp       Timed shape: `jmp` (needs an empty frame, cannot sit in a try)
//   MethodTooLarge       code over RewriteInput::max_code_size, or more than
//                        kMaxLocals locals after adding ours
//   Truncated / InvalidInput / UnsupportedOpcode   malformed body or signatures
//   Unsupported          non-EH extra data sections in the body
//   VerificationFailed   the original body fails the verifier (before), or -
//                        a bug - the rewritten one does (after)
// `localloc` is allowed: ECMA-335 III.3.47 forbids it only inside filter,
// catch, finally and fault blocks, and the rewrite moves no code into those.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "il/il_map.h"
#include "il/method_body.h"
#include "il/verifier.h"
#include "il/watch_shape.h"

namespace clrprobe::il {

inline constexpr uint32_t kMaxLocals = 0xFFFE;               // ldloc/stloc index is a uint16
inline constexpr uint32_t kDefaultMaxCodeSize = 16u << 20;   // 16 MiB of IL
inline constexpr uint16_t kProbeStackNeed = 3;               // slot, start, fn pointer
inline constexpr uint16_t kCountStackNeed = 2;               // slot, fn pointer
inline constexpr uint16_t kValueTaskStackNeed = 5;           // slot, start, ok, cancelled, fn pointer
inline constexpr uint32_t kMaxPlainCopyCodeSize = 2048;      // bytes of original IL copied for "Plain copy"

// What the rewrite adds around the original code (see the top of this file).
enum class ProbeShape : uint8_t {
  Timed,      // enter / leave / exception (or task completion): calls, latency, exceptions
  CountOnly,  // one count at entry: calls only; keeps `tail.` calls and `jmp`
};

struct ProbeHooks {
  int32_t slot = 0;              // passed to each hook: the method's stats slot
  uint64_t enter_fn = 0;         // int64 enter(int32 slot) -> start timestamp
  uint64_t leave_fn = 0;         // void leave(int32 slot, int64 start)
  uint64_t exception_fn = 0;     // void exception(int32 slot, int64 start)
  uint32_t enter_sig_token = 0;  // StandAloneSig: unmanaged cdecl int64(int32)
  uint32_t leave_sig_token = 0;  // StandAloneSig: unmanaged cdecl void(int32,int64); also for exception_fn
  // CountOnly only (the Timed hooks above are then unused):
  uint64_t count_fn = 0;         // void count(int32 slot)
  uint32_t count_sig_token = 0;  // StandAloneSig: unmanaged cdecl void(int32)
  // Address of the slot's arm flag (one byte, never freed), or 0 for no
  // guard. See "Arm flag" at the top of this file.
  uint64_t arm_flag = 0;
};

// How the epilogue treats a returned task (see the shapes above).
struct TaskCompletion {
  enum class Kind : uint8_t { None, Task, ValueTask };
  Kind kind = Kind::None;
  uint32_t track_method = 0;  // static void Track(class Task, int32, int64) (task_tracker_bodies.h)
  // ValueTask and ValueTask<T>: members of the method's own return type.
  uint32_t is_completed = 0;               // instance bool get_IsCompleted()
  uint32_t is_completed_successfully = 0;  // instance bool get_IsCompletedSuccessfully()
  uint32_t is_canceled = 0;                // instance bool get_IsCanceled()
  uint32_t as_task = 0;                    // instance Task[<T>] AsTask()
  uint32_t ctor_from_task = 0;             // instance void .ctor(Task[<T>])
  uint64_t complete_fn = 0;                // void complete(int32 slot, int64 start, int32 ok, int32 cancelled)
  uint32_t complete_sig_token = 0;
};

struct RewriteInput {
  ProbeShape shape = ProbeShape::Timed;
  std::span<const uint8_t> body;        // original body (header + code + sections)
  std::span<const uint8_t> method_sig;  // the method's signature blob
  std::span<const uint8_t> locals_sig;  // original LocalVarSig blob; empty if none
  ProbeHooks hooks;
  TaskCompletion task;  // Kind::None: measured to the method's return; CountOnly: must be None
  // The method's own MethodDef token, to count self-recursive implicit tail
  // calls (RewriteStats::self_tail_calls); 0: not counted.
  uint32_t method_token = 0;
  // Optional: stack effects of the original body's call sites (see
  // verifier.h). Without it the verifier works in conservative mode.
  StackEffectResolver stack_effects;
  uint32_t max_code_size = kDefaultMaxCodeSize;
  // Optional (`clrprobe watch`, Timed shape without a task epilogue): hand
  // arguments, return value and escaping exception to native hooks
  // (watch_shape.h). Must outlive the call.
  const WatchHooks* watch = nullptr;
};

struct RewriteStats {
  uint32_t original_code_size = 0;
  uint32_t new_code_size = 0;
  uint32_t returns_rewritten = 0;
  uint32_t branches_widened = 0;
  uint32_t original_locals = 0;
  uint32_t eh_clauses = 0;           // including the new one
  uint16_t max_stack = 0;
  uint32_t unknown_call_sites = 0;   // calls the verifier could not size
  // Timed: `call/callvirt method_token; ret` sites now inside the try (no
  // implicit tail call there). CountOnly: 0, they stay tail-callable.
  uint32_t self_tail_calls = 0;
  bool plain_copy = false;  // a disarmed call runs an untouched copy ("Plain copy" above)
};

struct RewrittenMethod {
  std::vector<uint8_t> body;        // ready for SetILFunctionBody
  std::vector<IlMapEntry> il_map;   // for SetILInstrumentedCodeMap: sorted by both offsets
  std::vector<uint8_t> locals_sig;  // the new LocalVarSig blob (CountOnly: the original one)
  uint32_t locals_sig_token = 0;    // what token_for_locals returned (CountOnly: the original token)
  uint16_t start_local = 0;         // index of START (Timed only)
  std::optional<uint16_t> result_local;  // index of RESULT (Timed, non-void methods)
  RewriteStats stats;
};

// Called once with the new LocalVarSig blob; returns its StandAloneSig token
// (the agent calls IMetaDataEmit::GetTokenFromSig). Its error is passed on.
// The CountOnly shape adds no locals and never calls it.
using LocalsTokenProvider = std::function<Result<uint32_t>(std::span<const uint8_t> locals_sig)>;

Result<RewrittenMethod> rewrite_with_probe(const RewriteInput& input,
                                           const LocalsTokenProvider& token_for_locals);

// True when the body has a `tail.` prefixed call: a Timed probe would refuse
// it (UnsupportedTailCall); a CountOnly probe keeps the tail calls.
bool has_tail_calls(const MethodBody& body);

}  // namespace clrprobe::il
