// A small integer-only CIL interpreter for tests: runs a decoded body so
// that original and rewritten code can be compared by behaviour (return
// value, thrown value, hook calls). Supports the opcodes the test bodies use,
// leave/endfinally with finally and fault handlers, throw with catch.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "il/method_body.h"
#include "il/rewriter.h"

namespace clrprobe::il::test {

struct Outcome {
  bool threw = false;
  int64_t value = 0;             // return value or thrown value
  std::vector<std::string> hooks;  // "enter", "leave", "exception", "count" in call order
  bool operator==(const Outcome&) const = default;
};

class Interp {
 public:
  Interp(const MethodBody& body, std::vector<int64_t> args, ProbeHooks hooks = {})
      : body_(body), args_(std::move(args)), hooks_(hooks), locals_(70000, 0), clauses_(body.eh_clauses()) {}

  // The byte at hooks.arm_flag as the code reads it (ldind.u1).
  Interp& armed(bool on) {
    armed_ = on;
    return *this;
  }
  // What the enter hook returns (1: a sampled enter's "counted, not timed").
  Interp& enter_returns(int64_t start) {
    enter_result_ = start;
    return *this;
  }

  Outcome run() {
    Signal s = exec(0, {});
    Outcome o;
    o.threw = s.kind == Signal::Throw;
    o.value = s.value;
    o.hooks = hooks_called_;
    return o;
  }

 private:
  struct Signal {
    enum Kind { Return, EndFinally, Throw } kind;
    int64_t value = 0;
  };

  size_t index_at(int64_t offset) const {
    for (size_t i = 0; i < body_.instructions.size(); ++i) {
      if (body_.instructions[i].offset == offset) return i;
    }
    throw std::runtime_error("no instruction at " + std::to_string(offset));
  }

  static bool in(uint64_t off, uint64_t start, uint64_t len) { return off >= start && off < start + len; }

  Signal run_handler(const EhClause& c) {
    Signal s = exec(index_at(c.handler_offset), {});
    if (s.kind == Signal::EndFinally) return s;
    return s;  // a throw from a handler propagates
  }

  // Returns the pc to continue at (a catch handler), or a Throw signal.
  std::optional<Signal> dispatch_throw(uint32_t pc_offset, int64_t value, size_t* pc,
                                       std::vector<int64_t>* stack) {
    std::optional<size_t> catcher;
    for (size_t i = 0; i < clauses_.size(); ++i) {
      const EhClause& c = clauses_[i];
      if (c.kind() == EhClauseKind::Catch && in(pc_offset, c.try_offset, c.try_length)) {
        catcher = i;
        break;
      }
    }
    const size_t limit = catcher ? *catcher : clauses_.size();
    for (size_t i = 0; i < limit; ++i) {
      const EhClause& c = clauses_[i];
      if ((c.kind() == EhClauseKind::Finally || c.kind() == EhClauseKind::Fault) &&
          in(pc_offset, c.try_offset, c.try_length)) {
        Signal s = run_handler(c);
        if (s.kind == Signal::Throw) return s;
      }
    }
    if (!catcher) return Signal{Signal::Throw, value};
    *pc = index_at(clauses_[*catcher].handler_offset);
    stack->assign(1, value);
    return std::nullopt;
  }

  Signal exec(size_t pc, std::vector<int64_t> stack) {
    const auto& code = body_.instructions;
    auto pop = [&]() {
      if (stack.empty()) throw std::runtime_error("stack underflow");
      int64_t v = stack.back();
      stack.pop_back();
      return v;
    };
    for (int steps = 0; steps < 100000; ++steps) {
      if (pc >= code.size()) throw std::runtime_error("fell off the end");
      const Instruction& ins = code[pc];
      const Opcode op = ins.opcode;
      const auto v = static_cast<uint16_t>(op);
      size_t next = pc + 1;
      if (v >= 0x02 && v <= 0x05) {
        stack.push_back(args_.at(v - 0x02));
      } else if (v >= 0x06 && v <= 0x09) {
        stack.push_back(locals_.at(v - 0x06));
      } else if (v >= 0x0A && v <= 0x0D) {
        locals_.at(v - 0x0A) = pop();
      } else if (v >= 0x15 && v <= 0x1E) {
        stack.push_back(static_cast<int64_t>(v) - 0x16);
      } else if (is_branch(op) && !is_leave(op)) {
        const OpcodeInfo& info = ins.info();
        bool take = true;
        if (info.pops == 1) {
          const int64_t a = pop();
          take = (op == Opcode::Brtrue || op == Opcode::Brtrue_S) ? a != 0 : a == 0;
        } else if (info.pops == 2) {
          const int64_t b = pop(), a = pop();
          switch (widen_branch(op)) {
            case Opcode::Beq: take = a == b; break;
            case Opcode::Bne_Un: take = a != b; break;
            case Opcode::Bge: case Opcode::Bge_Un: take = a >= b; break;
            case Opcode::Bgt: case Opcode::Bgt_Un: take = a > b; break;
            case Opcode::Ble: case Opcode::Ble_Un: take = a <= b; break;
            case Opcode::Blt: case Opcode::Blt_Un: take = a < b; break;
            default: throw std::runtime_error("branch");
          }
        }
        if (take) next = index_at(ins.target);
      } else {
        switch (op) {
          case Opcode::Nop: case Opcode::Conv_I: case Opcode::Conv_I8: case Opcode::Conv_I4:
          case Opcode::Volatile: case Opcode::Readonly: case Opcode::Unaligned: case Opcode::No:
          case Opcode::Constrained:
            break;
          case Opcode::Ldarg_S: case Opcode::Ldarg: stack.push_back(args_.at(ins.operand)); break;
          case Opcode::Starg_S: case Opcode::Starg: args_.at(ins.operand) = pop(); break;
          case Opcode::Ldloc_S: case Opcode::Ldloc: stack.push_back(locals_.at(ins.operand)); break;
          case Opcode::Stloc_S: case Opcode::Stloc: locals_.at(ins.operand) = pop(); break;
          case Opcode::Ldc_I4_S: case Opcode::Ldc_I4: case Opcode::Ldc_I8:
            stack.push_back(ins.operand);
            break;
          case Opcode::Ldnull: stack.push_back(0); break;
          case Opcode::Dup: { int64_t a = pop(); stack.push_back(a); stack.push_back(a); break; }
          case Opcode::Pop: pop(); break;
          case Opcode::Add: { int64_t b = pop(), a = pop(); stack.push_back(a + b); break; }
          case Opcode::Sub: { int64_t b = pop(), a = pop(); stack.push_back(a - b); break; }
          case Opcode::Mul: { int64_t b = pop(), a = pop(); stack.push_back(a * b); break; }
          case Opcode::Ceq: { int64_t b = pop(), a = pop(); stack.push_back(a == b); break; }
          case Opcode::Cgt: { int64_t b = pop(), a = pop(); stack.push_back(a > b); break; }
          case Opcode::Clt: { int64_t b = pop(), a = pop(); stack.push_back(a < b); break; }
          case Opcode::Switch: {
            const int64_t a = pop();
            if (a >= 0 && a < static_cast<int64_t>(ins.switch_targets.size())) {
              next = index_at(ins.switch_targets[a]);
            }
            break;
          }
          case Opcode::Calli: {
            const uint64_t fn = static_cast<uint64_t>(pop());
            if (fn == hooks_.count_fn && hooks_.count_fn != 0) {
              if (pop() != hooks_.slot) throw std::runtime_error("slot");
              hooks_called_.push_back("count");
            } else if (fn == hooks_.enter_fn) {
              if (pop() != hooks_.slot) throw std::runtime_error("slot");
              hooks_called_.push_back("enter");
              stack.push_back(enter_result_);
            } else if (fn == hooks_.leave_fn || fn == hooks_.exception_fn) {
              if (pop() != enter_result_) throw std::runtime_error("start");
              if (pop() != hooks_.slot) throw std::runtime_error("slot");
              hooks_called_.push_back(fn == hooks_.leave_fn ? "leave" : "exception");
            } else {
              throw std::runtime_error("unknown calli target");
            }
            break;
          }
          case Opcode::Ldind_U1: {
            const uint64_t address = static_cast<uint64_t>(pop());
            if (address != hooks_.arm_flag || address == 0) throw std::runtime_error("ldind.u1 of an unknown address");
            stack.push_back(armed_ ? 1 : 0);
            break;
          }
          case Opcode::Ret:
            return Signal{Signal::Return, stack.empty() ? 0 : stack.back()};
          case Opcode::Endfinally:
            return Signal{Signal::EndFinally, 0};
          case Opcode::Throw: {
            const int64_t value = pop();
            if (auto s = dispatch_throw(ins.offset, value, &next, &stack)) return *s;
            break;
          }
          case Opcode::Leave: case Opcode::Leave_S: {
            stack.clear();
            // Run finally handlers of the try blocks being exited, inner first.
            for (const EhClause& c : clauses_) {
              if (c.kind() == EhClauseKind::Finally && in(ins.offset, c.try_offset, c.try_length) &&
                  !in(static_cast<uint64_t>(ins.target), c.try_offset, c.try_length)) {
                Signal s = run_handler(c);
                if (s.kind == Signal::Throw) return s;
              }
            }
            next = index_at(ins.target);
            break;
          }
          default:
            throw std::runtime_error("interpreter does not support " + std::string(ins.info().name));
        }
      }
      pc = next;
    }
    throw std::runtime_error("step limit");
  }

  const MethodBody& body_;
  std::vector<int64_t> args_;
  ProbeHooks hooks_;
  std::vector<int64_t> locals_;
  std::vector<EhClause> clauses_;
  std::vector<std::string> hooks_called_;
  bool armed_ = true;
  int64_t enter_result_ = 1000;
};

}  // namespace clrprobe::il::test
