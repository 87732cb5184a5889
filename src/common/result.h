// Errors are values: every layer returns Result<T>, and an Error carries a
// reason code plus a human-readable message. HRESULTs are converted to Error
// once, at the COM boundary (see src/agent/hresult.h).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace clrprobe {

// Why something failed or was refused. Stable names (see reason_name) are
// printed in reports and logs, so keep them when adding new codes.
enum class Reason {
  Ok = 0,
  InvalidInput,          // malformed bytes, selector, message, ...
  Truncated,             // input ends before a structure is complete
  MethodTooLarge,        // rewritten body would exceed IL limits
  UnsupportedTailCall,   // body contains a tail. prefix
  UnsupportedJmp,        // body contains jmp
  UnsupportedOpcode,     // unknown / reserved opcode
  AbstractOrNoBody,      // abstract, extern, runtime-implemented: no IL
  DynamicMethod,         // Reflection.Emit / LCG: ReJIT cannot touch it
  CollectibleModule,     // collectible AssemblyLoadContext
  VerificationFailed,    // rewritten body rejected by our IL verifier
  RuntimeError,          // a profiling API call failed (HRESULT in message)
  NotFound,              // no such method / module / probe / process
  Io,                    // file or socket error
  Unsupported,           // anything else we deliberately do not handle
  TooManyMethods,        // a selector matches more methods than the cap allows
};

constexpr std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::Ok: return "ok";
    case Reason::InvalidInput: return "invalid_input";
    case Reason::Truncated: return "truncated";
    case Reason::MethodTooLarge: return "method_too_large";
    case Reason::UnsupportedTailCall: return "unsupported_tail_call";
    case Reason::UnsupportedJmp: return "unsupported_jmp";
    case Reason::UnsupportedOpcode: return "unsupported_opcode";
    case Reason::AbstractOrNoBody: return "no_il_body";
    case Reason::DynamicMethod: return "dynamic_method";
    case Reason::CollectibleModule: return "collectible_module";
    case Reason::VerificationFailed: return "verification_failed";
    case Reason::RuntimeError: return "runtime_error";
    case Reason::NotFound: return "not_found";
    case Reason::Io: return "io";
    case Reason::Unsupported: return "unsupported";
    case Reason::TooManyMethods: return "too_many_methods";
  }
  return "unknown";
}

struct Error {
  Reason reason = Reason::InvalidInput;
  std::string message;

  std::string describe() const {
    return std::string(reason_name(reason)) + ": " + message;
  }
};

inline Error make_error(Reason reason, std::string message) {
  return Error{reason, std::move(message)};
}

// A value or an Error. Deliberately tiny: std::expected is C++23.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}            // NOLINT(implicit)
  Result(Error error) : state_(std::move(error)) {}        // NOLINT(implicit)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(implicit)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_{};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace clrprobe
