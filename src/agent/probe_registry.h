// What the user asked for (probes, each a selector) and what it resolved to
// (instrumented methods, each with a stats slot; their rewritten IL is not
// kept, instrumenter.h says why).
// Several probes on one method share one rewrite and one slot; a probe's
// figures are the sum of its methods' slots since it attached (baseline).
// The instrumented IL of a method stays in the runtime after its last probe
// is removed, disarmed (its arm flag, arm_flags.h, switched off: no hook
// runs); a probe added again re-arms it with no ReJIT. `remove --revert`
// gives the original code back instead (a re-add rewrites it again).
//
// Kinds (selector/probe_kind.h): a method runs the richest kind its probes
// asked for (count < sampled < full; sampled with the smallest N). Adding a
// probe of a richer kind than the method's code rewrites it (a ReJIT); a
// probe of a poorer kind shares the richer code. Removing a probe never
// changes a method's code; the first probe added to a disarmed method sets
// its kind again (a ReJIT when that kind differs).
//
// Removed probes are history: the registry keeps the latest few (at most
// kKeptRemovedProbes, with at most kKeptRemovedMethods methods between them,
// the latest one always) and forgets older ones, so that add/remove cycles
// do not grow the agent's memory, `list` or the probes file without bound.
// Their methods stay (one record per method ever probed, not per cycle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/catalog.h"
#include "agent/method_key.h"
#include "il/il_map.h"
#include "il/rewriter.h"
#include "selector/budget.h"
#include "selector/probe_kind.h"
#include "selector/selector.h"

namespace clrprobe::agent {

struct RefusedMethod {
  std::string method;  // display name
  std::string reason;  // reason_name(...) plus detail
};

enum class ProbeState { Pending, Active, Removed };
constexpr const char* probe_state_name(ProbeState s) {
  return s == ProbeState::Pending ? "pending" : s == ProbeState::Active ? "active" : "removed";
}

struct ProbeMethod {
  MethodKey key;
  uint64_t baseline_calls = 0;  // the slot's figures when the probe attached
  uint64_t baseline_exceptions = 0;
  uint64_t baseline_cancelled = 0;
};

// Where a probe came from: CLRPROBE_PROBES, the control socket, or the
// watched probes file (which also removes the probes it no longer lists).
enum class ProbeSource { Startup, Control, File };
constexpr const char* probe_source_name(ProbeSource s) {
  return s == ProbeSource::Startup ? "startup" : s == ProbeSource::Control ? "cli" : "file";
}

struct Probe {
  uint32_t id = 0;
  std::string selector_text;
  selector::Selector selector;
  ProbeState state = ProbeState::Pending;
  ProbeSource source = ProbeSource::Control;
  std::vector<ProbeMethod> methods;  // matched and instrumented
  std::vector<RefusedMethod> refused;
  nlohmann::json final_figures;  // set when removed
  uint64_t added_unix_ns = 0;    // CLOCK_REALTIME when added: where its cumulative figures start
  selector::KindSpec kind;       // what it asked for (its methods may run a richer kind)
  // Budgets (selector/budget.h), enforced by the budget supervisor.
  selector::Budget budget;
  bool watch = false;          // added by `watch`: its methods run the watch hooks (a dearer call)
  bool expired = false;        // Removed by its ttl, not by `remove`: `list` says "expired"
  uint64_t ended_unix_ns = 0;  // when it was removed, expired or suspended
  // Suspended over its overhead budget: its methods are disarmed (unless
  // another probe uses them), its figures frozen (final_figures); still
  // listed until removed. Nothing re-enables it: adding it again makes a new probe.
  bool suspended = false;
  double suspended_estimate_pct = 0;  // the estimate that exceeded the budget
};

enum class MethodState : uint8_t { Preparing, Instrumented, Failed };

// How a method's probe measures, known once the method is rewritten.
struct ProbeCoverage {
  // CountOnly: calls counted at entry, no latency, no exceptions (methods
  // with `tail.` calls, which a try would break).
  il::ProbeShape shape = il::ProbeShape::Timed;
  // Timed: self-recursive `call; ret` sites now inside the probe's try, where
  // the JIT makes no implicit tail call (each recursion level keeps its frame).
  uint32_t self_tail_calls = 0;
  // CountOnly: why, e.g. "tail calls". A string literal (a few fixed reasons,
  // kept per probed method: no std::string for them).
  const char* count_only_reason = "";
};

// One per method ever probed, kept for the life of the process: small on
// purpose (tests/unit/agent/registry_memory_test.cpp holds it to its budget).
// Strings that repeat (the assembly) or are rare (a task fallback) are shared;
// its MethodKey is the registry map's key, not stored twice.
struct InstrumentedMethod {
  std::string display_name;                     // "Ns.Type::Method(int32)"
  std::shared_ptr<const std::string> assembly;  // one per assembly, shared by its methods
  // Task-returning method measured to its synchronous return only: why (null: not so).
  std::shared_ptr<const std::string> task_fallback;
  ProbeCoverage coverage;
  // Of the code made for `kind` (rewritten_code.h): not the code itself, which
  // the instrumenter makes again when the runtime asks for it.
  uint64_t code_fingerprint = 0;
  int32_t slot = -1;
  uint32_t probe_count = 0;   // probes attached now; 0 = disarmed or reverted
  selector::KindSpec kind;    // what the code was made for
  selector::KindSpec wanted;  // what the next rewrite makes (the probes' richest kind)
  MethodMeasure measure = MethodMeasure::Call;
  MethodState state = MethodState::Preparing;
  bool in_runtime = false;  // the runtime took the code (GetReJITParameters), no other ReJIT since
  // We asked for a ReJIT and the runtime has not asked for the code yet (it does at the
  // method's next call: a method never called never does). Its active IL version is that
  // request's, which will take our code: a re-add needs no new request. (Another
  // request's inliners do not replace a version still waiting for its code: the runtime
  // reuses it, with our callback.) Without this, every add of a method not called since
  // the last one asked for a ReJIT again, and each request costs the runtime a code version
  // for the life of the process.
  bool rejit_pending = false;
};

// A method's instrumentation as `list` shows it.
enum class Instrumentation { Pending, Armed, Disarmed, Reverted };
constexpr const char* instrumentation_name(Instrumentation i) {
  return i == Instrumentation::Pending    ? "pending"
         : i == Instrumentation::Armed    ? "armed"
         : i == Instrumentation::Disarmed ? "disarmed"
                                          : "reverted";
}
Instrumentation instrumentation_of(const InstrumentedMethod& method);

// A slot's counters, read for baselines (in_flight is a gauge: no baseline).
struct SlotCounts {
  uint64_t calls = 0;
  uint64_t exceptions = 0;
  uint64_t cancelled = 0;
};
using SlotCounter = std::function<SlotCounts(int32_t slot)>;

// How many removed probes the registry keeps (see above).
inline constexpr size_t kKeptRemovedProbes = 32;
inline constexpr size_t kKeptRemovedMethods = 500;

class ProbeRegistry {
 public:
  explicit ProbeRegistry(SlotCounter slot_counter = {}) : slot_counter_(std::move(slot_counter)) {}
  void set_slot_counter(SlotCounter counter) { slot_counter_ = std::move(counter); }

  uint32_t add_probe(selector::Selector selector, ProbeState state, ProbeSource source, selector::KindSpec kind = {},
                     selector::Budget budget = {});
  std::vector<Probe> probes() const;  // a copy, for reports
  std::optional<Probe> probe(uint32_t id) const;
  // (id, selector) of every probe not removed: copied so callers may match
  // outside the lock.
  std::vector<std::pair<uint32_t, selector::Selector>> active_selectors() const;

  // Record that probe `probe_id` matched `key`. Returns true when the method
  // needs a ReJIT: new to the registry, reverted before, or asked for a
  // different kind than its code has. A disarmed method of the same kind is
  // re-armed here, with no ReJIT.
  bool attach(uint32_t probe_id, const MethodKey& key, const std::string& display_name,
              const std::string& assembly, MethodMeasure measure);
  // The ReJIT of the probe's methods has been requested: every call from now on is counted,
  // so a pending probe with methods becomes active. Until then `list` shows it pending, and a
  // test (or an operator) that sees "active" may rely on the counts being complete.
  void activate(uint32_t probe_id);
  void refuse(uint32_t probe_id, RefusedMethod refused);
  // The method could not be instrumented: move it to every owner's refused
  // list. A transient failure (no stats slot, e.g. a full disk) is not
  // remembered: a later probe tries again.
  void mark_failed(const MethodKey& key, const std::string& reason, bool permanent = true);
  // A task-returning method whose task cannot be tracked: measured to its
  // synchronous return, for `reason`.
  void set_task_fallback(const MethodKey& key, const std::string& reason);
  // `code_fingerprint`: of the code made for `kind` (rewritten_code.h).
  void mark_instrumented(const MethodKey& key, int32_t slot, uint64_t code_fingerprint, ProbeCoverage coverage = {},
                         selector::KindSpec kind = {});
  // The runtime asked for the method's rewritten code (GetReJITParameters).
  void mark_in_runtime(const MethodKey& key);
  // A ReJIT of `keys` is about to be requested (before, so that a GetReJITParameters
  // racing with the request finds it pending and clears it).
  void mark_rejit_pending(const std::vector<MethodKey>& keys);
  // A ReJIT with inliners was requested for `requested`: any other method may have
  // been an inliner and be recompiled, so none is trusted to run our code any more
  // until the runtime asks for it again (a re-add then requests a ReJIT, as safe).
  void forget_in_runtime_except(const std::vector<MethodKey>& requested);

  // Marks the probe removed with its final figures and disarms the methods no
  // probe uses any more. With `revert`, returns those methods (to revert,
  // now marked not in the runtime); else an empty list. NotFound / already
  // removed: nullopt.
  std::optional<std::vector<MethodKey>> remove_probe(uint32_t id, nlohmann::json final_figures, bool revert = false);
  // The disarmed methods of probe `id` (every probe's when nullopt), marked
  // not in the runtime: for `remove --revert` of probes already removed.
  std::vector<MethodKey> take_disarmed(std::optional<uint32_t> id);
  // Freezes a removed probe's figures (read after its methods were disarmed,
  // so no call counted after the freeze belongs to it).
  void set_final_figures(uint32_t id, nlohmann::json final_figures);

  // Budgets (budget_supervisor.h). A probe added by `watch`: its methods cost a watch hook per call.
  void mark_watch(uint32_t id);
  // A removed probe was removed by its ttl.
  void mark_expired(uint32_t id, uint64_t now_unix_ns);
  // Suspends an active probe over its overhead budget: like remove_probe, the
  // methods no unsuspended probe uses any more are disarmed, but the probe
  // stays (state active, suspended) until removed. False when it is not there,
  // removed or suspended already.
  bool suspend_probe(uint32_t id, double estimate_pct, uint64_t now_unix_ns);
  // What the supervisor checks: the probes with a budget, not removed or suspended.
  struct BudgetedMethod {
    int32_t slot = -1;
    selector::ProbeKind kind = selector::ProbeKind::Full;  // the method's code (may be richer than the probe's)
  };
  struct BudgetedProbe {
    uint32_t id = 0;
    uint64_t added_unix_ns = 0;
    selector::Budget budget;
    bool watch = false;
    std::vector<BudgetedMethod> methods;  // instrumented, with a slot
  };
  std::vector<BudgetedProbe> budgeted() const;

  // Forgets a probe that never took effect (every method refused), so a
  // failed `add` changes nothing.
  void discard_probe(uint32_t id);

  std::optional<InstrumentedMethod> method(const MethodKey& key) const;

  // Removed probes forgotten so far (beyond the kept ones); `list` says how many.
  uint64_t forgotten_removed() const;
  // Records kept, for tests that check that add/remove cycles keep them bounded.
  size_t probe_count() const;
  size_t method_count() const;

 private:
  Probe* find_locked(uint32_t id);
  void forget_old_removed_locked();

  mutable std::mutex mutex_;
  SlotCounter slot_counter_;
  uint32_t next_id_ = 1;
  std::vector<Probe> probes_;
  std::deque<uint32_t> removed_order_;  // ids of the kept removed probes, oldest first
  uint64_t forgotten_removed_ = 0;
  std::unordered_map<MethodKey, InstrumentedMethod, MethodKeyHash> methods_;
  std::vector<std::shared_ptr<const std::string>> assemblies_;  // interned names (InstrumentedMethod::assembly)
};

}  // namespace clrprobe::agent
