#include "il/verifier.h"

#include <algorithm>
#include <string>

#include "il/eh_regions.h"
#include "il/stack_depth.h"

namespace clrprobe::il {
namespace {

Error fail(const std::string& why) { return make_error(Reason::VerificationFailed, why); }

Error fail_at(const Instruction& ins, const std::string& why) {
  return fail(std::string(ins.info().name) + " at offset " + std::to_string(ins.offset) + ": " +
              why);
}

bool falls_through(const Instruction& ins) {
  switch (ins.info().flow) {
    case FlowKind::Next:
    case FlowKind::Break:
    case FlowKind::Call:
    case FlowKind::CondBranch:
    case FlowKind::Meta:
      return true;
    case FlowKind::Branch:
    case FlowKind::Return:
    case FlowKind::Throw:
      return false;
  }
  return false;
}

enum class EdgeKind { FallThrough, Branch, Leave };

class BodyChecker {
 public:
  BodyChecker(const MethodBody& body, const VerifyOptions& options)
      : body_(body), code_(body.instructions), options_(options) {}

  Result<VerifyReport> run() {
    if (code_.empty()) return fail("method has no code");
    if (Status s = check_layout(); !s) return s.error();
    auto regions = build_eh_regions(body_.eh_clauses(), body_.code_size,
                                    [this](uint64_t off) { return index_at(off).has_value(); });
    if (!regions) return regions.error();
    regions_ = std::move(regions.value());
    if (Status s = build_successors(); !s) return s.error();
    if (Status s = check_prefixes(); !s) return s.error();
    if (Status s = check_region_rules(); !s) return s.error();

    std::vector<uint32_t> region_start_index;
    for (const Region& r : regions_) region_start_index.push_back(*index_at(r.start));
    return analyze_stack_depth(body_, successors_, regions_, region_start_index, options_);
  }

 private:
  // Instructions must tile [0, code_size) exactly.
  Status check_layout() {
    uint64_t expected = 0;
    for (const Instruction& ins : code_) {
      if (ins.offset != expected) return fail_at(ins, "offset does not follow the previous instruction");
      expected += ins.size();
    }
    if (expected != body_.code_size) {
      return fail("instructions cover " + std::to_string(expected) + " bytes, code_size is " +
                  std::to_string(body_.code_size));
    }
    return {};
  }

  std::optional<uint32_t> index_at(uint64_t offset) const {
    auto it = std::lower_bound(code_.begin(), code_.end(), offset,
                               [](const Instruction& ins, uint64_t off) { return ins.offset < off; });
    if (it == code_.end() || it->offset != offset) return std::nullopt;
    return static_cast<uint32_t>(it - code_.begin());
  }

  Result<uint32_t> target_index(const Instruction& ins, int64_t target) const {
    if (target < 0 || target >= static_cast<int64_t>(body_.code_size)) {
      return fail_at(ins, "branch target " + std::to_string(target) + " outside the code");
    }
    auto index = index_at(static_cast<uint64_t>(target));
    if (!index) return fail_at(ins, "branch target " + std::to_string(target) + " is inside an instruction");
    return *index;
  }

  Status build_successors() {
    successors_.assign(code_.size(), {});
    edge_kinds_.assign(code_.size(), {});
    for (uint32_t i = 0; i < code_.size(); ++i) {
      const Instruction& ins = code_[i];
      const auto add = [&](uint32_t to, EdgeKind kind) {
        successors_[i].push_back(to);
        edge_kinds_[i].push_back(kind);
      };
      if (is_branch(ins.opcode)) {
        auto t = target_index(ins, ins.target);
        if (!t) return t.error();
        add(*t, is_leave(ins.opcode) ? EdgeKind::Leave : EdgeKind::Branch);
      } else if (ins.opcode == Opcode::Switch) {
        for (int64_t target : ins.switch_targets) {
          auto t = target_index(ins, target);
          if (!t) return t.error();
          add(*t, EdgeKind::Branch);
        }
      }
      if (falls_through(ins)) {
        if (i + 1 == code_.size()) return fail_at(ins, "control falls off the end of the code");
        add(i + 1, EdgeKind::FallThrough);
      }
    }
    return {};
  }

  // A prefix must be followed by an instruction it can apply to, and nothing
  // may jump between a prefix and its instruction.
  Status check_prefixes() {
    std::vector<uint8_t> prefixed(code_.size(), 0);
    for (uint32_t i = 0; i + 1 < code_.size(); ++i) {
      if (is_prefix(code_[i].opcode)) prefixed[i + 1] = 1;
    }
    for (uint32_t i = 0; i < code_.size(); ++i) {
      const Instruction& ins = code_[i];
      if (ins.opcode == Opcode::Tail) {
        // tail. applies to a call that is immediately followed by ret.
        uint32_t j = i + 1;
        while (j < code_.size() && is_prefix(code_[j].opcode)) ++j;
        const bool call = j < code_.size() && (code_[j].opcode == Opcode::Call ||
                                               code_[j].opcode == Opcode::Callvirt ||
                                               code_[j].opcode == Opcode::Calli);
        if (!call || j + 1 >= code_.size() || code_[j + 1].opcode != Opcode::Ret) {
          return fail_at(ins, "tail. must precede call/callvirt/calli followed by ret");
        }
      }
      for (size_t k = 0; k < successors_[i].size(); ++k) {
        if (edge_kinds_[i][k] != EdgeKind::FallThrough && prefixed[successors_[i][k]]) {
          return fail_at(ins, "branch to an instruction that follows a prefix");
        }
      }
    }
    for (const Region& r : regions_) {
      auto start = index_at(r.start);
      auto end = index_at(r.end);
      if ((start && prefixed[*start]) || (end && prefixed[*end])) {
        return fail("EH region [" + std::to_string(r.start) + "," + std::to_string(r.end) +
                    ") separates a prefix from its instruction");
      }
    }
    return {};
  }

  // Control may enter a try only at its first instruction, never enter a
  // handler or filter (the runtime does that), and leave a try or catch only
  // with leave; finally/fault end with endfinally, filters with endfilter.
  Status check_edge(const Instruction& from, const Instruction& to, EdgeKind kind) const {
    for (const Region& r : regions_) {
      const bool in_from = r.contains(from.offset);
      const bool in_to = r.contains(to.offset);
      if (in_to && !in_from && !(r.kind == RegionKind::Try && to.offset == r.start)) {
        return fail_at(from, "control enters " + region_label(r) + " other than at a try's start");
      }
      if (in_from && !in_to) {
        const bool may_leave = r.kind == RegionKind::Try || r.is_catch_like();
        if (kind != EdgeKind::Leave || !may_leave) {
          return fail_at(from, kind == EdgeKind::Leave
                                   ? "leave cannot exit " + region_label(r)
                                   : "control exits " + region_label(r) + " without leave");
        }
      }
    }
    return {};
  }

  Status check_region_rules() const {
    for (uint32_t i = 0; i < code_.size(); ++i) {
      const Instruction& ins = code_[i];
      for (size_t k = 0; k < successors_[i].size(); ++k) {
        if (Status s = check_edge(ins, code_[successors_[i][k]], edge_kinds_[i][k]); !s) return s;
      }
      const Region* innermost = nullptr;
      bool in_catch = false;
      for (const Region& r : regions_) {
        if (!r.contains(ins.offset)) continue;
        if (innermost == nullptr || r.end - r.start < innermost->end - innermost->start) {
          innermost = &r;
        }
        if (r.is_catch_like()) in_catch = true;
      }
      switch (ins.opcode) {
        case Opcode::Ret:
        case Opcode::Jmp:
          if (innermost != nullptr) return fail_at(ins, "inside a protected region or handler");
          break;
        case Opcode::Endfinally:
          if (innermost == nullptr || !innermost->is_finally_like()) {
            return fail_at(ins, "not directly inside a finally or fault handler");
          }
          break;
        case Opcode::Endfilter:
          if (innermost == nullptr || innermost->kind != RegionKind::Filter) {
            return fail_at(ins, "not directly inside a filter");
          }
          break;
        case Opcode::Rethrow:
          if (!in_catch) return fail_at(ins, "not inside a catch handler");
          break;
        default:
          break;
      }
    }
    return {};
  }

  static std::string region_label(const Region& r) {
    const char* kind = r.kind == RegionKind::Try ? "try" : (r.kind == RegionKind::Filter ? "filter" : "handler");
    return std::string(kind) + " [" + std::to_string(r.start) + "," + std::to_string(r.end) + ")";
  }

  const MethodBody& body_;
  const std::vector<Instruction>& code_;
  const VerifyOptions& options_;
  std::vector<Region> regions_;
  std::vector<std::vector<uint32_t>> successors_;
  std::vector<std::vector<EdgeKind>> edge_kinds_;
};

}  // namespace

StackEffect stack_effect_for_call(const MethodSig& callee, Opcode op) {
  StackEffect e;
  const auto params = static_cast<uint32_t>(callee.params.size());
  const uint32_t implicit_this = (callee.has_this() && !callee.explicit_this()) ? 1 : 0;
  const uint32_t returns = callee.ret.is_void() ? 0 : 1;
  switch (op) {
    case Opcode::Newobj:
      e.pops = params;
      e.pushes = 1;
      break;
    case Opcode::Calli:
      e.pops = params + implicit_this + 1;
      e.pushes = returns;
      break;
    default:
      e.pops = params + implicit_this;
      e.pushes = returns;
      break;
  }
  return e;
}

std::optional<StackEffect> stack_effect_for_signature(std::span<const uint8_t> blob, Opcode op) {
  auto sig = parse_method_sig(blob);
  if (!sig) return std::nullopt;
  if (op == Opcode::Newobj && !sig->has_this()) return std::nullopt;
  return stack_effect_for_call(*sig, op);
}

Result<VerifyReport> verify(const MethodBody& body, const VerifyOptions& options) {
  return BodyChecker(body, options).run();
}

}  // namespace clrprobe::il
