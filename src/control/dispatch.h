// One request payload → one response object: parse, validate, call the
// handler behind an exception barrier. No I/O, so the whole request path
// (bytes to reply) can be tested and fuzzed without a socket.
#pragma once

#include "control/messages.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <span>

namespace clrprobe::control {

// Called for every valid request, on the server thread, one at a time.
// Returns the complete response: build it with ok_response()/error_response().
// It may throw: the exception becomes a runtime_error reply.
using Handler = std::function<nlohmann::json(const Request&)>;

// Invalid JSON or a non-object → "protocol"; a request failing validation →
// "invalid_input"; a handler that throws, or returns something that is not
// an object with a boolean "ok" → "runtime_error".
nlohmann::json respond(std::span<const uint8_t> payload, const Handler& handler);

}  // namespace clrprobe::control
