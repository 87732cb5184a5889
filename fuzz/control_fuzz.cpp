// libFuzzer target: the control protocol's pure request path
// (src/control/frame.h, messages.h, dispatch.h): bytes from any local process
// up to the reply object, with no socket.
//
// Input: a byte stream as a client would send it (normally one frame: 12-byte
// header + JSON payload). Properties checked:
//  * parse_frame_header and FrameDecoder agree, whatever the chunking: the
//    decoder fed in pieces (sizes taken from the input) reaches the same
//    verdict as the one-shot header parse, and never consumes past the frame;
//  * respond() with a trivial handler (which sometimes throws or returns a
//    non-response, to exercise the barrier) always yields an object with a
//    boolean "ok" that interpret_response() understands, and that can be
//    framed and parsed back as a response;
//  * a valid request converts back to JSON (to_json) and re-parses to a
//    request of the same op;
//  * respond() on the whole input (as a bare payload) behaves the same way.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "control/dispatch.h"
#include "control/frame.h"
#include "control/messages.h"
#include "fuzz_check.h"

using namespace clrprobe;
using namespace clrprobe::control;
using nlohmann::json;

namespace {

json trivial_handler(const Request& request) {
  // Round trip of the typed request through its JSON form.
  auto again = parse_request(to_json(request));
  FUZZ_CHECK_MSG(again.ok(), "to_json(request) does not parse back");
  FUZZ_CHECK_MSG(op_name(*again) == op_name(request), "request op changed in a round trip");
  if (const auto* add = std::get_if<AddRequest>(&request)) {
    FUZZ_CHECK(!add->selector.empty() && add->selector.size() <= kMaxSelectorLength);
    FUZZ_CHECK(add->max_methods >= 1 && add->max_methods <= kMaxMaxMethods);
    if (add->selector.size() % 7 == 3) throw std::runtime_error("handler failure: " + add->selector);
    if (add->selector.size() % 7 == 5) return json::array();  // not a response
    return ok_response({{"op", "add"}, {"selector", add->selector}, {"dry_run", add->dry_run}});
  }
  if (const auto* remove = std::get_if<RemoveRequest>(&request)) {
    FUZZ_CHECK(remove->all != (remove->id != 0));
    if (remove->id == 13) throw 13;  // not a std::exception
    return ok_response({{"removed", remove->all ? json("all") : json(remove->id)}});
  }
  return ok_response({{"op", std::string(op_name(request))}});
}

void check_response(const json& response) {
  FUZZ_CHECK_MSG(response.is_object(), "respond() returned a non-object");
  auto ok = response.find("ok");
  FUZZ_CHECK_MSG(ok != response.end() && ok->is_boolean(), "respond() returned no boolean \"ok\"");
  auto interpreted = interpret_response(response);
  if (ok->get<bool>()) {
    FUZZ_CHECK_MSG(interpreted.ok(), "an ok response is not understood by the client side");
  } else {
    FUZZ_CHECK_MSG(!interpreted.ok(), "an error response is taken as success");
  }
  auto frame = encode_json_frame(response, kMaxResponsePayload);
  FUZZ_CHECK_MSG(frame.ok(), "a response cannot be framed");
  auto header = parse_frame_header(*frame, kMaxResponsePayload);
  FUZZ_CHECK_MSG(header.ok(), "our own frame header does not parse");
  FUZZ_CHECK(header->payload_length == frame->size() - kFrameHeaderSize);
  auto parsed = parse_response_payload(std::span<const uint8_t>(*frame).subspan(kFrameHeaderSize));
  FUZZ_CHECK_MSG(parsed.ok(), "our own response payload does not parse");
}

void check_stream(std::span<const uint8_t> bytes) {
  const auto one_shot = parse_frame_header(bytes);

  // Chunk sizes: 1..16, cycling through the input's own bytes.
  FrameDecoder decoder;
  size_t pos = 0;
  size_t step = 0;
  bool failed = false;
  while (pos < bytes.size() && decoder.bytes_needed() > 0) {
    const size_t chunk = 1 + (bytes[step++ % bytes.size()] & 0x0F);
    const size_t n = std::min(chunk, bytes.size() - pos);
    auto used = decoder.feed(bytes.subspan(pos, n));
    if (!used.ok()) {
      failed = true;
      break;
    }
    FUZZ_CHECK_MSG(*used <= n, "decoder consumed more than it was given");
    pos += *used;
    // Never past the end of the frame (header + declared payload).
    if (one_shot.ok()) FUZZ_CHECK_MSG(pos <= kFrameHeaderSize + one_shot->payload_length, "decoder read past the frame");
  }

  if (bytes.size() >= kFrameHeaderSize) {
    // With the whole header available the one-shot parse is the reference.
    FUZZ_CHECK_MSG(one_shot.ok() == !failed, "FrameDecoder and parse_frame_header disagree");
  } else if (!one_shot.ok() && one_shot.error().reason != Reason::Truncated) {
    FUZZ_CHECK_MSG(failed, "bad magic not reported by the decoder");
  }
  if (!decoder.complete()) return;
  FUZZ_CHECK(one_shot.ok() && decoder.payload().size() == one_shot->payload_length);
  FUZZ_CHECK(pos == kFrameHeaderSize + one_shot->payload_length);
  check_response(respond(decoder.payload(), trivial_handler));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  check_stream(bytes);
  check_response(respond(bytes, trivial_handler));
  check_response(respond(bytes, Handler{}));
  return 0;
}
