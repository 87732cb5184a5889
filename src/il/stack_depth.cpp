#include "il/stack_depth.h"

#include <algorithm>
#include <deque>
#include <string>

namespace clrprobe::il {
namespace {

constexpr int64_t kUnvisited = -1;
constexpr int64_t kUnknown = -2;  // depth lost after a call of unknown shape

Error fail_at(const Instruction& ins, const std::string& why) {
  return make_error(Reason::VerificationFailed, std::string(ins.info().name) + " at offset " +
                                                    std::to_string(ins.offset) + ": " + why);
}

bool is_call_like(Opcode op) {
  return op == Opcode::Call || op == Opcode::Callvirt || op == Opcode::Calli ||
         op == Opcode::Newobj;
}

}  // namespace

Result<VerifyReport> analyze_stack_depth(const MethodBody& body,
                                         const std::vector<std::vector<uint32_t>>& successors,
                                         const std::vector<Region>& regions,
                                         const std::vector<uint32_t>& region_start_index,
                                         const VerifyOptions& options) {
  const auto& code = body.instructions;
  std::vector<int64_t> depth(code.size(), kUnvisited);
  std::vector<uint8_t> queued(code.size(), 0);
  std::vector<uint8_t> unknown_call(code.size(), 0);
  std::deque<uint32_t> work;
  VerifyReport report;

  // Merges an incoming depth into instruction `to`. Known depths must agree;
  // an unknown depth never overrides a known one, a known one refines unknown.
  const auto flow_into = [&](uint32_t to, int64_t incoming, const Instruction& from) -> Status {
    int64_t& cur = depth[to];
    if (cur == incoming) return {};
    if (cur == kUnvisited || (cur == kUnknown && incoming >= 0)) {
      cur = incoming;
      if (!queued[to]) {
        queued[to] = 1;
        work.push_back(to);
      }
      return {};
    }
    if (incoming == kUnknown) return {};
    return fail_at(from, "stack depth " + std::to_string(incoming) + " disagrees with depth " +
                             std::to_string(cur) + " already at offset " +
                             std::to_string(code[to].offset));
  };

  // Entry points: the method start, and every region start with the depth
  // ECMA-335 prescribes there (try: empty; catch/filter: the exception
  // object; finally/fault: empty).
  const Instruction& first = code.front();
  if (Status s = flow_into(0, 0, first); !s) return s.error();
  for (size_t r = 0; r < regions.size(); ++r) {
    const Region& region = regions[r];
    const int64_t entry =
        (region.is_catch_like() || region.kind == RegionKind::Filter) ? 1 : 0;
    const uint32_t at = region_start_index[r];
    if (Status s = flow_into(at, entry, code[at]); !s) {
      return make_error(Reason::VerificationFailed,
                        "region starting at offset " + std::to_string(region.start) +
                            " is entered with conflicting stack depths");
    }
  }

  while (!work.empty()) {
    const uint32_t i = work.front();
    work.pop_front();
    queued[i] = 0;
    const Instruction& ins = code[i];
    const OpcodeInfo& info = ins.info();
    const int64_t d = depth[i];
    int64_t after = kUnknown;

    if (info.pops == kPopAll) {
      after = 0;  // leave / endfinally empty the stack
    } else if (is_call_like(ins.opcode)) {
      std::optional<StackEffect> effect;
      if (options.stack_effects) {
        effect = options.stack_effects(static_cast<uint32_t>(ins.operand), ins.opcode);
      }
      if (!effect) {
        if (!unknown_call[i]) {
          unknown_call[i] = 1;
          ++report.unknown_call_sites;
        }
        after = kUnknown;
      } else if (d >= 0) {
        if (d < effect->pops) return fail_at(ins, "stack underflow");
        after = d - effect->pops + effect->pushes;
      }
    } else if (ins.opcode == Opcode::Ret) {
      if (d >= 0) {
        if (options.returns_value) {
          const int64_t expected = *options.returns_value ? 1 : 0;
          if (d != expected) {
            return fail_at(ins, "stack depth " + std::to_string(d) + " at ret, expected " +
                                    std::to_string(expected));
          }
        } else if (d > 1) {
          return fail_at(ins, "more than one value on the stack at ret");
        }
      }
    } else if (ins.opcode == Opcode::Jmp) {
      if (d > 0) return fail_at(ins, "stack not empty at jmp");
    } else if (ins.opcode == Opcode::Endfilter) {
      if (d >= 0 && d != 1) return fail_at(ins, "endfilter needs exactly one stack value");
    } else if (d >= 0) {
      if (d < info.pops) return fail_at(ins, "stack underflow");
      after = d - info.pops + info.pushes;
    }

    if (d >= 0) report.max_stack_seen = std::max<uint32_t>(report.max_stack_seen, static_cast<uint32_t>(d));
    if (after >= 0) {
      report.max_stack_seen = std::max<uint32_t>(report.max_stack_seen, static_cast<uint32_t>(after));
    }
    for (uint32_t next : successors[i]) {
      if (Status s = flow_into(next, after, ins); !s) return s.error();
    }
  }

  if (report.max_stack_seen > body.max_stack) {
    return make_error(Reason::VerificationFailed,
                      "stack depth reaches " + std::to_string(report.max_stack_seen) +
                          " but max stack is " + std::to_string(body.max_stack));
  }
  return report;
}

}  // namespace clrprobe::il
