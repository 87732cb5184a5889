#include "il/watch_precheck.h"

#include <algorithm>
#include <bit>

#include "il/draft_ops.h"

namespace clrprobe::il {
namespace {

using Kind = PrecheckNode::Kind;

bool signed_integer(ElementType e) {
  return e == ElementType::I1 || e == ElementType::I2 || e == ElementType::I4 || e == ElementType::I8 ||
         e == ElementType::I;
}
bool small_unsigned(ElementType e) { return e == ElementType::U1 || e == ElementType::U2 || e == ElementType::U4; }
bool wide_unsigned(ElementType e) { return e == ElementType::U8 || e == ElementType::U; }
bool floating(ElementType e) { return e == ElementType::R4 || e == ElementType::R8; }

// Which element types each domain compares exactly (watch_precheck.h).
bool fits(const PrecheckNode& n) {
  switch (n.domain) {
    case PrecheckDomain::Signed:
      return signed_integer(n.element) || small_unsigned(n.element);
    case PrecheckDomain::Unsigned:
      return wide_unsigned(n.element);
    case PrecheckDomain::Double:
      return floating(n.element) || signed_integer(n.element) || small_unsigned(n.element);
  }
  return false;
}

// Children before their parents (no cycles, bounded recursion).
bool well_formed(const WatchPrecheck& p) {
  if (p.nodes.empty() || p.nodes.size() > kMaxPrecheckNodes || p.root >= p.nodes.size()) return false;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const PrecheckNode& n = p.nodes[i];
    if ((n.kind == Kind::Or || n.kind == Kind::And) && (n.left >= i || n.right >= i)) return false;
    if (n.kind == Kind::Not && n.left >= i) return false;
  }
  return true;
}

bool admissible(const WatchPrecheck& p, const std::vector<std::optional<uint16_t>>& copies,
                const std::vector<ElementType>& params) {
  if (!well_formed(p)) return false;
  for (const PrecheckNode& n : p.nodes) {
    if (n.kind != Kind::Compare) continue;
    if (n.position >= copies.size() || n.position >= params.size() || !copies[n.position]) return false;
    if (params[n.position] != n.element || !fits(n)) return false;
  }
  return true;
}

void append_not(std::vector<DraftInstruction>* code) {
  code->push_back(op(Opcode::Ldc_I4_0));
  code->push_back(op(Opcode::Ceq));
}

// The entry copy, widened to the domain's type (int64 or F).
void append_operand(std::vector<DraftInstruction>* code, const PrecheckNode& n, uint16_t local) {
  code->push_back(load_local(local));
  if (floating(n.element)) {
    code->push_back(op(Opcode::Conv_R8));
    return;
  }
  // int32 on the stack (sign- or zero-extended by ldloc as the type says),
  // int64 or native int: to int64, signed or unsigned as declared.
  code->push_back(op(signed_integer(n.element) ? Opcode::Conv_I8 : Opcode::Conv_U8));
  if (n.domain == PrecheckDomain::Double) code->push_back(op(Opcode::Conv_R8));
}

void append_compare(std::vector<DraftInstruction>* code, const PrecheckNode& n, uint16_t local) {
  append_operand(code, n, local);
  switch (n.domain) {
    case PrecheckDomain::Signed:
      code->push_back(op(Opcode::Ldc_I8, n.literal_signed));
      break;
    case PrecheckDomain::Unsigned:
      code->push_back(op(Opcode::Ldc_I8, static_cast<int64_t>(n.literal_unsigned)));
      break;
    case PrecheckDomain::Double:
      code->push_back(op(Opcode::Ldc_R8, std::bit_cast<int64_t>(n.literal_double)));
      break;
  }
  const bool is_unsigned = n.domain == PrecheckDomain::Unsigned;
  // For doubles the .un forms are "greater/less or unordered": their negation
  // is the ordered <= / >=. For integers they are the unsigned compares.
  const bool negated_un = is_unsigned || n.domain == PrecheckDomain::Double;
  switch (n.op) {
    case PrecheckOp::Eq:
      code->push_back(op(Opcode::Ceq));
      return;
    case PrecheckOp::Ne:
      code->push_back(op(Opcode::Ceq));
      append_not(code);
      return;
    case PrecheckOp::Lt:
      code->push_back(op(is_unsigned ? Opcode::Clt_Un : Opcode::Clt));
      return;
    case PrecheckOp::Gt:
      code->push_back(op(is_unsigned ? Opcode::Cgt_Un : Opcode::Cgt));
      return;
    case PrecheckOp::Le:  // !(a > b)
      code->push_back(op(negated_un ? Opcode::Cgt_Un : Opcode::Cgt));
      append_not(code);
      return;
    case PrecheckOp::Ge:  // !(a < b)
      code->push_back(op(negated_un ? Opcode::Clt_Un : Opcode::Clt));
      append_not(code);
      return;
  }
}

void append_node(std::vector<DraftInstruction>* code, const WatchPrecheck& p, uint32_t index,
                 const std::vector<std::optional<uint16_t>>& copies) {
  const PrecheckNode& n = p.nodes[index];
  switch (n.kind) {
    case Kind::Or:
    case Kind::And:
      append_node(code, p, n.left, copies);
      append_node(code, p, n.right, copies);
      code->push_back(op(n.kind == Kind::Or ? Opcode::Or : Opcode::And));
      return;
    case Kind::Not:
      append_node(code, p, n.left, copies);
      append_not(code);
      return;
    case Kind::Compare:
      append_compare(code, n, *copies[n.position]);
      return;
    case Kind::Constant:
      code->push_back(op(n.constant ? Opcode::Ldc_I4_1 : Opcode::Ldc_I4_0));
      return;
  }
}

uint16_t need_of(const WatchPrecheck& p, uint32_t index) {
  const PrecheckNode& n = p.nodes[index];
  switch (n.kind) {
    case Kind::Or:
    case Kind::And:
      return std::max<uint16_t>(need_of(p, n.left), static_cast<uint16_t>(1 + need_of(p, n.right)));
    case Kind::Not:
      return std::max<uint16_t>(need_of(p, n.left), 2);
    case Kind::Compare:
      return 2;
    case Kind::Constant:
      return 1;
  }
  return 2;
}

}  // namespace

bool emit_watch_precheck(std::vector<DraftInstruction>* code, const WatchPrecheck& precheck,
                         const std::vector<std::optional<uint16_t>>& copies, const std::vector<ElementType>& params) {
  if (!admissible(precheck, copies, params)) return false;
  append_node(code, precheck, precheck.root, copies);
  return true;
}

uint16_t precheck_stack_need(const WatchPrecheck& precheck) {
  if (!well_formed(precheck)) return 0;
  return need_of(precheck, precheck.root);
}

}  // namespace clrprobe::il
