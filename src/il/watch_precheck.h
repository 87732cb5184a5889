// A watch condition decided in the watch's own IL (watch_shape.h), so that
// a call whose condition is false pays the plain Timed leave (the stats
// only) instead of the watch's leave hook with every argument's address.
//
// The precheck is a tree of comparisons between a by-value argument's entry
// copy and a number, joined by and/or/not, built by the agent from the
// watch's condition (watch/precheck_compiler.h says which conditions it can
// take) and emitted at the epilogue without branches:
//
//       ldc.i8 enabled; conv.i; ldind.u1; brfalse WATCH     (the agent's switch)
//       <tree>; brtrue WATCH                                (0 or 1 on the stack)
//       ldc.i4 slot; ldloc START; ldc.i8 leave_fn; conv.i; calli leave_sig
//       [ldloc RESULT]; ret
//   WATCH:
//       <the watch leave call as without a precheck>
//
// A comparison:  ldloc Ai; <widen>; ldc.* literal; <compare>
//   Signed:   I1 I2 I4 I8 I (conv.i8), U1 U2 U4 (conv.u8), as int64: clt/cgt/ceq
//   Unsigned: U8 U (conv.u8) against a uint64: clt.un/cgt.un/ceq
//   Double:   R4 R8 (conv.r8), I1..I4 I8 I (conv.i8; conv.r8), U1..U4 (conv.u8;
//             conv.r8) against a double; <= is `cgt.un; not` and >= `clt.un; not`,
//             false for NaN, as C++'s <= and >=; != is `ceq; not` (true for NaN)
//   Constant: the outcome known without the value (an int32 against a number
//             past int64's range): ldc.i4 0|1
//   `not` is `ldc.i4.0; ceq`; and/or are the bitwise `and`/`or` of two 0/1.
//
// The watch leave hook evaluates the condition again and stays the one
// source of truth: the precheck only has to be exact where it says false.
// Its enabled byte lets the agent switch it off for a later watch of the
// same method whose condition differs from the one compiled in (the
// instrumented IL is reused): then every call takes the watch leave, as
// without a precheck. emit_watch_precheck refuses (returns false, emits
// nothing) a tree that does not fit the method: an argument without an
// entry copy (ref/out), or whose declared type is not the node's element.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "il/code_layout.h"
#include "il/signature.h"

namespace clrprobe::il {

// At most this many nodes: a longer condition is left to the hook.
inline constexpr size_t kMaxPrecheckNodes = 64;

enum class PrecheckDomain : uint8_t { Signed, Unsigned, Double };
enum class PrecheckOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct PrecheckNode {
  enum class Kind : uint8_t { Or, And, Not, Compare, Constant };
  Kind kind = Kind::Compare;
  uint32_t left = 0, right = 0;  // Or/And: both; Not: left (node indices, children before parents)
  // Compare: `argument op literal`.
  uint16_t position = 0;                  // index into WatchHooks::args
  ElementType element = ElementType::I4;  // the parameter's declared type
  PrecheckDomain domain = PrecheckDomain::Signed;
  PrecheckOp op = PrecheckOp::Eq;
  int64_t literal_signed = 0;
  uint64_t literal_unsigned = 0;
  double literal_double = 0;
  bool constant = false;  // Constant: the outcome
  bool operator==(const PrecheckNode&) const = default;
};

struct WatchPrecheck {
  std::vector<PrecheckNode> nodes;
  uint32_t root = 0;
  bool operator==(const WatchPrecheck&) const = default;
};

// Appends the tree's IL (0 or 1 left on the stack). `copies[i]`: the entry
// copy local of WatchHooks::args[i] (nullopt: none); `params[i]`: that
// argument's declared element type. False (nothing appended) when the tree
// cannot be emitted exactly for this method.
bool emit_watch_precheck(std::vector<DraftInstruction>* code, const WatchPrecheck& precheck,
                         const std::vector<std::optional<uint16_t>>& copies, const std::vector<ElementType>& params);

// The evaluation stack the tree needs at its deepest.
uint16_t precheck_stack_need(const WatchPrecheck& precheck);

}  // namespace clrprobe::il
