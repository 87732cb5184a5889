// A watch condition translated into the IL-level precheck of the watch's
// own code (il/watch_precheck.h), so that a call whose condition is false
// does not call the watch's leave hook at all.
//
// Taken: conditions FastCondition (fast_condition.h) takes, without
// `latency`: every comparison sets a by-value numeric argument against a
// number literal (either side), joined by && || ! and parentheses. Each
// comparison is exact, as compare_numbers decides it:
//   - integer arguments against integer literals: I1 I2 I4 I8 IntPtr and
//     U1 U2 U4 as int64, U8 UIntPtr as uint64 (unsigned compares); a literal
//     outside the argument's range gives the constant outcome;
//   - float/double arguments, or any integer argument but U8/UIntPtr
//     against a literal with a fraction: as doubles, NaN unordered.
// Not taken (nullopt: the hook decides every call, as before): latency,
// return, exception, strings, bools, chars, enums, a bare operand, a
// comparison of two arguments, ulong/nuint against a fraction, ref/out
// arguments (the rewriter finds no entry copy and emits no precheck).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "il/watch_precheck.h"
#include "watch/condition.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {

// arg_params/arg_plans: hook position -> declared parameter index / how it
// is read (WatchedMethod), the condition bound to the same method.
std::optional<il::WatchPrecheck> compile_precheck(const Condition& condition, std::span<const uint16_t> arg_params,
                                                  std::span<const CapturePlan> arg_plans);

}  // namespace clrprobe::watch
