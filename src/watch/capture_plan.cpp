#include "watch/capture_plan.h"

namespace clrprobe::watch {
namespace {

using il::ElementType;

CapturePlan not_captured(std::string type, std::string reason) {
  CapturePlan p;
  p.type = std::move(type);
  p.reason = std::move(reason);
  return p;
}

std::string declared_name(const il::TypeSig& type, const TypeFactsResolver& resolve) {
  return il::format_type(type, [&](uint32_t token) { return resolve ? resolve(token).name : std::string(); });
}

}  // namespace

CapturePlan plan_capture(const il::TypeSig& type, const TypeFactsResolver& resolve) {
  if (type.kind == ElementType::ByRef) {
    if (type.args.empty()) return not_captured("?", "malformed by-ref type");
    return plan_capture(type.args[0], resolve);
  }
  CapturePlan plan;
  plan.type = declared_name(type, resolve);
  switch (type.kind) {
    case ElementType::ValueType: {
      const TypeFacts facts = resolve ? resolve(type.token) : TypeFacts{};
      if (!facts.name.empty()) plan.type = facts.name;
      if (facts.is_enum) {
        plan.kind = CaptureKind::Enum;
        plan.underlying = primitive_kind(facts.enum_underlying);
        plan.members = facts.members;
        if (plan.underlying == CaptureKind::NotCaptured || plan.underlying == CaptureKind::String ||
            plan.underlying == CaptureKind::Reference) {
          return not_captured(plan.type, "enum with an unknown underlying type");
        }
      } else if (plan.type == "System.DateTime") {
        plan.kind = CaptureKind::DateTime;
      } else if (plan.type == "System.TimeSpan") {
        plan.kind = CaptureKind::TimeSpan;
      } else if (plan.type == "System.Guid") {
        plan.kind = CaptureKind::Guid;
      } else {
        plan.kind = CaptureKind::TypeOnly;
      }
      return plan;
    }
    case ElementType::GenericInst:
      plan.kind = type.generic_is_value_type ? CaptureKind::TypeOnly : CaptureKind::Reference;
      return plan;
    case ElementType::Var:
    case ElementType::MVar:
      return not_captured(plan.type, "generic parameter: its size is known only per instantiation");
    case ElementType::TypedByRef:
      return not_captured(plan.type, "typedref");
    case ElementType::Ptr:
    case ElementType::FnPtr:
      plan.kind = CaptureKind::UIntPtr;
      return plan;
    default:
      break;
  }
  plan.kind = primitive_kind(static_cast<uint8_t>(type.kind));
  if (plan.kind == CaptureKind::NotCaptured) return not_captured(plan.type, "unsupported type");
  if (plan.kind != CaptureKind::Reference) plan.type = primitive_type_name(plan.kind);
  return plan;
}

}  // namespace clrprobe::watch
