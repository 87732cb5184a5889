#include "control/dispatch.h"

#include "control/frame.h"

#include <exception>
#include <string>

namespace clrprobe::control {

nlohmann::json respond(std::span<const uint8_t> payload, const Handler& handler) {
  auto message = parse_request_payload(payload);
  if (!message) return error_response(wire_reason::kProtocol, message.error().message);
  auto request = parse_request(*message);
  if (!request) return error_response(wire_reason::kInvalidInput, request.error().message);
  if (!handler) return error_response(wire_reason::kUnsupported, "no handler installed");
  try {
    nlohmann::json response = handler(*request);
    auto ok = response.is_object() ? response.find("ok") : response.end();
    if (!response.is_object() || ok == response.end() || !ok->is_boolean()) {
      return error_response(wire_reason::kRuntimeError,
                            std::string("agent bug: handler for \"") + std::string(op_name(*request)) +
                                "\" returned no response object");
    }
    return response;
  } catch (const std::exception& e) {
    return error_response(wire_reason::kRuntimeError,
                          std::string("agent error in \"") + std::string(op_name(*request)) + "\": " + e.what());
  } catch (...) {
    return error_response(wire_reason::kRuntimeError,
                          std::string("agent error in \"") + std::string(op_name(*request)) + "\": unknown exception");
  }
}

}  // namespace clrprobe::control
