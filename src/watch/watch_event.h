// One captured call, as the agent writes it into the event ring
// (event_ring.h) and the CLI reads it back: a small length-prefixed binary
// form, so the agent never formats text for an event nobody keeps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "watch/watch_value.h"

namespace clrprobe::watch {

struct CapturedArgument {
  std::string name;
  Value value;
  bool operator==(const CapturedArgument&) const = default;
};

struct Event {
  uint64_t watch_id = 0;
  uint64_t time_unix_ns = 0;  // when the call finished
  uint32_t thread = 0;        // OS thread id
  std::string method;         // "Ns.Type::Method"
  int64_t latency_ns = 0;
  std::vector<CapturedArgument> args;  // empty unless --args
  Value return_value;                  // Absent unless --return (and not void)
  Value exception;                     // Object (type, text = message) when one escaped
  std::vector<std::string> stack;      // --stack: managed callers, nearest first (the method itself not included)
  std::string stack_error;             // --stack: why no stack was captured, if none was
  std::string note;                    // why something was not captured, if anything
  bool operator==(const Event&) const = default;
};

// Record format 2 adds `stack_error` after `note`; format 1 records (no
// stack_error) still decode.
//
// Encodes `event` in at most `max_bytes`: when it does not fit, strings are
// shortened and stack frames dropped (said in `note`) until it does.
std::vector<uint8_t> encode_event(const Event& event, size_t max_bytes);
Result<Event> decode_event(std::span<const uint8_t> bytes);

}  // namespace clrprobe::watch
