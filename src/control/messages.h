// Control-protocol messages (docs/PROTOCOL.md, "Requests and responses"):
// strict validation of requests into typed values, and the two response
// shapes. Pure functions: no I/O, no throwing on any JSON input.
#pragma once

#include "common/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace clrprobe::control {

// Reason names on the wire. Reason (common/result.h) has no exact
// counterpart for some of them; see reason_from_wire / wire_reason_for.
namespace wire_reason {
inline constexpr std::string_view kInvalidInput = "invalid_input";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kTooManyMethods = "too_many_methods";
inline constexpr std::string_view kPermissionDenied = "permission_denied";
inline constexpr std::string_view kUnsupported = "unsupported";
inline constexpr std::string_view kRuntimeError = "runtime_error";
inline constexpr std::string_view kBusy = "busy";
inline constexpr std::string_view kProtocol = "protocol";
}  // namespace wire_reason

inline constexpr std::size_t kMaxSelectorLength = 1024;
inline constexpr int64_t kDefaultMaxMethods = 100;
inline constexpr int64_t kMaxMaxMethods = 100000;
// Budgets (selector/budget.h): a probe's time to live, 1 ms .. 30 days, and
// its overhead budget in percent of one core, (0, 100]. 0 = none.
inline constexpr int64_t kMaxTtlMs = 30ll * 24 * 3600 * 1000;
inline constexpr double kDefaultWatchMaxOverheadPct = 2.0;

struct PingRequest {};
struct ListRequest {};
struct AddRequest {
  std::string selector;  // non-empty, ≤ kMaxSelectorLength bytes; syntax is the agent's to check
  bool dry_run = false;
  int64_t max_methods = kDefaultMaxMethods;  // 1..kMaxMaxMethods
  std::string kind = "full";                 // "full", "count" or "sampled"
  int64_t sample = 64;                       // sampled: 1..1,000,000 (only with kind sampled)
  int64_t ttl_ms = 0;                        // "ttl_ms": removed this long after the add; 0 = no ttl
  double max_overhead_pct = 0;               // "max_overhead_pct": suspended above it; 0 = unbounded
};
// Exactly one of: a probe id (1..UINT32_MAX), or all == true.
struct RemoveRequest {
  uint32_t id = 0;  // 0 when all
  bool all = false;
  bool revert = false;  // give the original code back instead of disarming
};

inline constexpr std::size_t kMaxConditionLength = 4096;
inline constexpr int64_t kDefaultWatchRate = 50;
inline constexpr int64_t kMaxWatchRate = 100000;
// `clrprobe watch`: instrument what `selector` matches with the watch hooks;
// events go into the agent's event ring (docs/PROTOCOL.md).
struct WatchRequest {
  std::string selector;   // as for add
  std::string condition;  // the --when text; empty: every call; syntax is the agent's to check
  bool args = false;
  bool return_value = false;
  bool stack = false;                // the managed callers of each captured call
  int64_t rate = kDefaultWatchRate;  // events per second, 1..kMaxWatchRate
  int64_t max_methods = kDefaultMaxMethods;
  int64_t ttl_ms = 0;                                     // as for add
  double max_overhead_pct = kDefaultWatchMaxOverheadPct;  // as for add; absent: 2 % of one core
};
struct UnwatchRequest {
  uint32_t id = 0;  // the watch id the watch response gave
};

using Request = std::variant<PingRequest, AddRequest, RemoveRequest, ListRequest, WatchRequest, UnwatchRequest>;

// Strict: wrong types, out-of-range numbers, missing/unknown op → InvalidInput.
// Unknown fields are ignored (newer clients may send more).
Result<Request> parse_request(const nlohmann::json& message);

// The request as JSON, for clients (inverse of parse_request).
nlohmann::json to_json(const Request& request);

std::string_view op_name(const Request& request);

// {"ok": true, ...fields}. A non-object `fields` is ignored.
nlohmann::json ok_response(nlohmann::json fields = nlohmann::json::object());
// {"ok": false, "error": {"reason": reason, "message": message}}.
nlohmann::json error_response(std::string_view reason, std::string_view message);
// Same, with the wire reason chosen by wire_reason_for(error.reason).
nlohmann::json error_response(const Error& error);

// Wire reason → Reason. Lossy where Reason has no exact code:
// protocol → InvalidInput, permission_denied → Io, busy and unknown names →
// RuntimeError.
Reason reason_from_wire(std::string_view wire);
// Reason → wire reason: IL-level refusals (tail calls, dynamic methods, ...)
// become "unsupported", Io and RuntimeError "runtime_error".
std::string_view wire_reason_for(Reason reason);

// A response as a client sees it: {"ok": true, ...} → the object;
// {"ok": false, ...} → Error{reason_from_wire(reason), message};
// anything else → InvalidInput "malformed response: ...".
Result<nlohmann::json> interpret_response(nlohmann::json response);

}  // namespace clrprobe::control
