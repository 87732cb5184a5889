// The IL of task-returning methods: classification of return types, the
// task-completion epilogue of the rewriter and the task tracker's helper
// bodies. Every body produced here must pass the verifier with every call
// site sized (no "unknown" stack effects).
#include <gtest/gtest.h>

#include <map>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il/task_return.h"
#include "il/task_tracker_bodies.h"
#include "il/verifier.h"
#include "il_asm.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;

constexpr uint32_t kTaskRef = 0x01000010;
constexpr uint32_t kTaskOfTRef = 0x01000011;
constexpr uint32_t kValueTaskRef = 0x01000012;
constexpr uint32_t kValueTaskOfTRef = 0x01000013;
constexpr uint32_t kOtherRef = 0x01000014;

std::string name_of(uint32_t token) {
  static const std::map<uint32_t, std::string> names = {
      {kTaskRef, "System.Threading.Tasks.Task"},
      {kTaskOfTRef, "System.Threading.Tasks.Task`1"},
      {kValueTaskRef, "System.Threading.Tasks.ValueTask"},
      {kValueTaskOfTRef, "System.Threading.Tasks.ValueTask`1"},
      {kOtherRef, "MyApp.MyTask"}};
  auto it = names.find(token);
  return it == names.end() ? "" : it->second;
}

// static <ret> M()
std::vector<uint8_t> sig_returning(std::vector<uint8_t> ret) {
  std::vector<uint8_t> sig{0x00, 0x00};
  sig.insert(sig.end(), ret.begin(), ret.end());
  return sig;
}

std::vector<uint8_t> type_bytes(uint8_t element, uint32_t token) {
  std::vector<uint8_t> out{element};
  EXPECT_TRUE(encode_type_def_or_ref(token, &out).ok());
  return out;
}

std::vector<uint8_t> generic_inst(uint8_t element, uint32_t token, uint8_t arg) {
  std::vector<uint8_t> out{0x15};
  auto t = type_bytes(element, token);
  out.insert(out.end(), t.begin(), t.end());
  out.push_back(1);
  out.push_back(arg);
  return out;
}

TaskShape shape_of(const std::vector<uint8_t>& sig) {
  auto parsed = parse_method_sig(sig);
  EXPECT_TRUE(parsed.ok());
  return parsed ? classify_return(parsed->ret, name_of) : TaskShape::None;
}

TEST(TaskReturn, TaskValueTaskAndTheirGenericFormsAreRecognised) {
  EXPECT_EQ(shape_of(sig_returning(type_bytes(0x12, kTaskRef))), TaskShape::Task);
  EXPECT_EQ(shape_of(sig_returning(generic_inst(0x12, kTaskOfTRef, 0x08))), TaskShape::Task);
  EXPECT_EQ(shape_of(sig_returning(type_bytes(0x11, kValueTaskRef))), TaskShape::ValueTask);
  EXPECT_EQ(shape_of(sig_returning(generic_inst(0x11, kValueTaskOfTRef, 0x0E))), TaskShape::ValueTaskOfT);
}

TEST(TaskReturn, OtherReturnTypesAreMeasuredToTheReturn) {
  EXPECT_EQ(shape_of(test::kSigVoid), TaskShape::None);
  EXPECT_EQ(shape_of(test::kSigInt32), TaskShape::None);
  EXPECT_EQ(shape_of(sig_returning(type_bytes(0x12, kOtherRef))), TaskShape::None);
  // Task<T> written as a value type, or ValueTask<T> as a class, is not a task.
  EXPECT_EQ(shape_of(sig_returning(generic_inst(0x11, kTaskOfTRef, 0x08))), TaskShape::None);
  EXPECT_EQ(shape_of(sig_returning(generic_inst(0x12, kValueTaskOfTRef, 0x08))), TaskShape::None);
  // A byref to a task is not a task.
  auto byref = type_bytes(0x12, kTaskRef);
  byref.insert(byref.begin(), 0x10);
  EXPECT_EQ(shape_of(sig_returning(byref)), TaskShape::None);
}

TaskCompletion task_completion(TaskCompletion::Kind kind) {
  TaskCompletion c;
  c.kind = kind;
  c.track_method = 0x06000100;
  if (kind == TaskCompletion::Kind::ValueTask) {
    c.is_completed = 0x0A000101;
    c.is_completed_successfully = 0x0A000102;
    c.is_canceled = 0x0A000103;
    c.as_task = 0x0A000104;
    c.ctor_from_task = 0x0A000105;
    c.complete_fn = 0x4444444444444444ull;
    c.complete_sig_token = 0x11000003;
  }
  return c;
}

Result<RewrittenMethod> rewrite_task(const std::vector<uint8_t>& sig, TaskCompletion::Kind kind) {
  test::LocalsRecorder recorder;
  // ldnull; ret  (a method returning its task: the value is irrelevant here)
  static const std::vector<uint8_t> body = test::tiny_body(Asm().op(Opcode::Ldnull).op(Opcode::Ret).code());
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.hooks = test::test_hooks();
  in.task = task_completion(kind);
  return rewrite_with_probe(in, recorder.provider());
}

std::vector<Opcode> epilogue_opcodes(const MethodBody& body) {
  // After the fault handler's endfault.
  std::vector<Opcode> out;
  bool after = false;
  for (const auto& ins : body.instructions) {
    if (after) out.push_back(ins.opcode);
    if (ins.opcode == Opcode::Endfinally) after = true;
  }
  return out;
}

TEST(TaskEpilogue, ATaskIsPassedToTrackInsteadOfCallingLeave) {
  auto rw = rewrite_task(sig_returning(type_bytes(0x12, kTaskRef)), TaskCompletion::Kind::Task);
  ASSERT_TRUE(rw.ok()) << rw.error().describe();
  auto body = decode_method_body(rw->body);
  ASSERT_TRUE(body.ok());
  const std::vector<Opcode> expected = {Opcode::Ldloc_1, Opcode::Ldc_I4, Opcode::Ldloc_0,
                                        Opcode::Call,    Opcode::Ldloc_1, Opcode::Ret};
  EXPECT_EQ(epilogue_opcodes(*body), expected);
  for (const auto& ins : body->instructions) {
    EXPECT_FALSE(ins.opcode == Opcode::Ldc_I8 && static_cast<uint64_t>(ins.operand) == test::test_hooks().leave_fn)
        << "leave must not be called for a task";
  }
  EXPECT_EQ(rw->stats.unknown_call_sites, 0u);
}

TEST(TaskEpilogue, AValueTaskIsCheckedOnceAndAPendingOneIsRewrappedOverAsTask) {
  auto rw = rewrite_task(sig_returning(generic_inst(0x11, kValueTaskOfTRef, 0x08)), TaskCompletion::Kind::ValueTask);
  ASSERT_TRUE(rw.ok()) << rw.error().describe();
  auto body = decode_method_body(rw->body);
  ASSERT_TRUE(body.ok());
  const auto ops = epilogue_opcodes(*body);
  // get_IsCompleted, AsTask+Track+newobj on the pending path, the two status
  // getters and the complete hook on the synchronous path.
  int calls = 0, newobjs = 0, callis = 0;
  for (Opcode o : ops) {
    calls += o == Opcode::Call;
    newobjs += o == Opcode::Newobj;
    callis += o == Opcode::Calli;
  }
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(newobjs, 1);
  EXPECT_EQ(callis, 1);
  EXPECT_GE(body->max_stack, kValueTaskStackNeed);
  EXPECT_EQ(rw->stats.unknown_call_sites, 0u);
}

TEST(TaskEpilogue, IncompleteValueTaskTokensAreRefused) {
  test::LocalsRecorder recorder;
  const auto body = test::tiny_body(Asm().op(Opcode::Ldnull).op(Opcode::Ret).code());
  const auto sig = sig_returning(type_bytes(0x11, kValueTaskRef));
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.hooks = test::test_hooks();
  in.task = task_completion(TaskCompletion::Kind::ValueTask);
  in.task.as_task = 0;
  EXPECT_FALSE(rewrite_with_probe(in, recorder.provider()).ok());
}

TEST(TaskEpilogue, AVoidMethodCannotHaveATaskEpilogue) {
  auto rw = rewrite_task(test::kSigVoid, TaskCompletion::Kind::Task);
  EXPECT_FALSE(rw.ok());
}

TaskTrackerTokens tracker_tokens() {
  TaskTrackerTokens t;
  uint32_t next = 0x0A000200;
  for (uint32_t* f : {&t.task_is_completed, &t.task_is_completed_successfully, &t.task_is_canceled,
                      &t.task_continue_with, &t.cancellation_token_none, &t.task_scheduler_default, &t.tuple_ctor,
                      &t.tuple_item1, &t.tuple_item2, &t.action_ctor}) {
    *f = next++;
  }
  t.done_method = 0x06000201;
  t.complete_sig = 0x11000021;
  t.complete_fn = 0x5555555555555555ull;
  t.guard_sig = 0x11000022;
  t.guard_fn = 0x6666666666666666ull;
  return t;
}

TEST(TaskTrackerBodies, TrackAndDoneVerifyWithEveryCallSized) {
  auto track = build_track_body(tracker_tokens());
  ASSERT_TRUE(track.ok()) << track.error().describe();
  auto done = build_done_body(tracker_tokens());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  for (const auto* bytes : {&*track, &*done}) {
    auto body = decode_method_body(*bytes);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body->header_kind, HeaderKind::Fat);
    EXPECT_TRUE(body->sections.empty()) << "the helpers need no exception handling";
  }
}

TEST(TaskTrackerBodies, TrackRegistersASynchronousContinuationOnTheDefaultScheduler) {
  auto track = build_track_body(tracker_tokens());
  ASSERT_TRUE(track.ok());
  auto body = decode_method_body(*track);
  ASSERT_TRUE(body.ok());
  const TaskTrackerTokens t = tracker_tokens();
  // ContinueWith(action, CancellationToken.None, ExecuteSynchronously, TaskScheduler.Default): the
  // three arguments before the call, in order.
  bool shape_ok = false;
  bool ldftn_done = false;
  const auto& ins = body->instructions;
  for (size_t i = 3; i < ins.size(); ++i) {
    if (ins[i].opcode == Opcode::Callvirt && ins[i].operand == t.task_continue_with) {
      shape_ok = ins[i - 3].operand == t.cancellation_token_none && ins[i - 2].opcode == Opcode::Ldc_I4 &&
                 ins[i - 2].operand == kExecuteSynchronously && ins[i - 1].operand == t.task_scheduler_default;
    }
    if (ins[i].opcode == Opcode::Ldftn && ins[i].operand == t.done_method) ldftn_done = true;
  }
  EXPECT_TRUE(shape_ok);
  EXPECT_TRUE(ldftn_done);
  EXPECT_EQ(body->local_var_sig_token, 0u);
}

// Index of the first `calli sig` at or after `from` whose argument is `ldc.i4.<entering>`.
size_t GuardCall(const std::vector<Instruction>& ins, const TaskTrackerTokens& t, size_t from, Opcode entering) {
  for (size_t i = std::max<size_t>(from, 3); i < ins.size(); ++i) {
    if (ins[i].opcode == Opcode::Calli && ins[i].operand == t.guard_sig && ins[i - 3].opcode == entering) return i;
  }
  return ins.size();
}

// The reentrancy guard (stats/track_guard.h) brackets the registration: asked before
// ContinueWith, released after it; when it says "nested", Track records the call and
// returns without calling ContinueWith.
TEST(TaskTrackerBodies, TrackAsksTheReentrancyGuardAroundContinueWith) {
  auto track = build_track_body(tracker_tokens());
  ASSERT_TRUE(track.ok());
  auto body = decode_method_body(*track);
  ASSERT_TRUE(body.ok());
  const TaskTrackerTokens t = tracker_tokens();
  const auto& ins = body->instructions;
  size_t continue_with = ins.size();
  for (size_t i = 0; i < ins.size(); ++i) {
    if (ins[i].opcode == Opcode::Callvirt && ins[i].operand == t.task_continue_with) continue_with = i;
  }
  ASSERT_LT(continue_with, ins.size());
  const size_t enter = GuardCall(ins, t, 0, Opcode::Ldc_I4_1);
  const size_t leave = GuardCall(ins, t, 0, Opcode::Ldc_I4_0);
  ASSERT_LT(enter, continue_with) << "no guard before ContinueWith";
  ASSERT_LT(continue_with, leave) << "the guard is not released after ContinueWith";
  ASSERT_EQ(ins[enter + 1].opcode, Opcode::Brtrue_S);
  // The nested path: record the outcome (complete hook) and return, no ContinueWith.
  size_t i = enter + 2;
  while (i < ins.size() && ins[i].opcode != Opcode::Ret) {
    EXPECT_FALSE(ins[i].opcode == Opcode::Callvirt && ins[i].operand == t.task_continue_with);
    ++i;
  }
  ASSERT_LT(i, ins.size());
  EXPECT_EQ(ins[i - 1].opcode, Opcode::Calli);
  EXPECT_EQ(ins[i - 1].operand, t.complete_sig);
}

TEST(TaskTrackerBodies, AMissingTokenIsRefused) {
  TaskTrackerTokens t = tracker_tokens();
  t.complete_sig = 0;
  EXPECT_FALSE(build_done_body(t).ok());
  EXPECT_FALSE(build_track_body(t).ok());
  t = tracker_tokens();
  t.guard_fn = 0;
  EXPECT_FALSE(build_track_body(t).ok());
}

}  // namespace
}  // namespace clrprobe::il
