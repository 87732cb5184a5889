// libFuzzer target: the method-body decoder (src/il/method_body.h).
//
// Input: the raw bytes of a method body (header, code, sections), as
// GetILFunctionBody returns them. Properties checked:
//  * decoding never reads outside the input (ASan) and never hits UB (UBSan);
//  * round trip: for every accepted body, encode(decode(b)) equals the
//    decoded prefix b[0, encoded_size) byte for byte, and decoding that
//    encoding gives the same instructions and clauses again;
//  * the verifier runs on every accepted body without crashing;
//  * decode_instructions on the raw bytes never crashes, and the
//    instructions it accepts re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "il/instruction.h"
#include "il/method_body.h"
#include "il/verifier.h"

using namespace clrprobe::il;

namespace {

bool same_instructions(const std::vector<Instruction>& a, const std::vector<Instruction>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].offset != b[i].offset || a[i].opcode != b[i].opcode || a[i].operand != b[i].operand ||
        a[i].target != b[i].target || a[i].switch_targets != b[i].switch_targets) {
      return false;
    }
  }
  return true;
}

void check_body(std::span<const uint8_t> bytes) {
  auto decoded = decode_method_body(bytes);
  if (!decoded.ok()) return;
  FUZZ_CHECK(decoded->encoded_size <= bytes.size());
  FUZZ_CHECK(decoded->code_size == code_size_of(decoded->instructions));

  auto encoded = encode_method_body(*decoded);
  FUZZ_CHECK_MSG(encoded.ok(), "accepted body does not re-encode");
  FUZZ_CHECK_MSG(encoded->size() == decoded->encoded_size, "re-encoded size differs");
  FUZZ_CHECK_MSG(std::equal(encoded->begin(), encoded->end(), bytes.begin()),
                 "re-encoded bytes differ from the input");

  auto again = decode_method_body(*encoded);
  FUZZ_CHECK_MSG(again.ok(), "re-encoded body does not decode");
  FUZZ_CHECK(again->encoded_size == encoded->size());
  FUZZ_CHECK(same_instructions(again->instructions, decoded->instructions));
  FUZZ_CHECK(again->eh_clauses() == decoded->eh_clauses());

  // Both "ret leaves 0 or 1" (unknown signature) and the strict forms.
  (void)verify(*decoded);
  VerifyOptions strict;
  strict.returns_value = (bytes.size() & 1) != 0;
  strict.stack_effects = [](uint32_t token, Opcode) -> std::optional<StackEffect> {
    if ((token & 0xFF) == 0xFF) return std::nullopt;
    return StackEffect{token & 3, (token >> 2) & 1};
  };
  (void)verify(*decoded, strict);
}

void check_code(std::span<const uint8_t> code) {
  auto instructions = decode_instructions(code);
  if (!instructions.ok()) return;
  FUZZ_CHECK(code_size_of(*instructions) == code.size());
  std::vector<uint8_t> out;
  FUZZ_CHECK_MSG(encode_instructions(*instructions, &out).ok(), "decoded code does not re-encode");
  FUZZ_CHECK_MSG(out.size() == code.size() && std::equal(out.begin(), out.end(), code.begin()),
                 "re-encoded code differs from the input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  check_body(bytes);
  check_code(bytes);
  return 0;
}
