// How `clrprobe watch` prints an event: one JSON object per line (--json)
// or a readable block.
//
// JSON: {"time": "2024-02-29T12:34:56.123456789Z", "pid", "thread", "method",
//        "latency_ns", "args": [{"name", "type", "value"}], "return": {"type", "value"},
//        "exception": {"type", "message"}, "stack": [...], "stack_error", "note"}
// "stack" (with --stack) lists the callers, innermost first, without the
// watched method itself; "stack_error" (only when set) says why it is empty.
// "return" is null when not captured (void, not asked, or an exception);
// "exception" null when the call returned. A value is a JSON number, bool,
// string or null; an enum is its member name (its number when it has none),
// an object other than a string its type name (with "length" beside it for
// arrays), DateTime/TimeSpan/Guid their text.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "watch/watch_event.h"

namespace clrprobe::watch {

nlohmann::json event_json(const Event& event, int32_t pid);
std::string event_text(const Event& event, int32_t pid);
std::string format_unix_ns(uint64_t unix_ns);  // RFC 3339, UTC, nanoseconds

}  // namespace clrprobe::watch
