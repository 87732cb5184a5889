// libFuzzer target: signature blobs (src/il/signature.h).
//
// Input: one signature blob; every parser runs on it. Properties checked:
//  * parse_method_sig / parse_locals_sig / parse_type never read outside the
//    blob and never hit UB; every TypeSig::raw they return lies inside it;
//  * parse_type advances the position by exactly the raw bytes of the type;
//  * formatting any parsed signature or type never crashes;
//  * compressed integers and TypeDefOrRef tokens that decode re-encode and
//    decode to the same value.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "il/opcodes.h"
#include "il/signature.h"
#include "il/verifier.h"

using namespace clrprobe::il;

namespace {

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_type(const TypeSig& t, std::span<const uint8_t> blob, int depth = 0) {
  FUZZ_CHECK_MSG(inside(t.raw, blob), "TypeSig::raw points outside the blob");
  if (depth > 200) return;
  for (const auto& arg : t.args) check_type(arg, blob, depth + 1);
  if (t.fn_ptr) {
    check_type(t.fn_ptr->ret, blob, depth + 1);
    for (const auto& p : t.fn_ptr->params) check_type(p, blob, depth + 1);
  }
}

std::string resolve(uint32_t token) { return "T" + std::to_string(token & 0xFFFF); }

void check_method_sig(std::span<const uint8_t> blob) {
  auto sig = parse_method_sig(blob);
  if (!sig.ok()) return;
  check_type(sig->ret, blob);
  for (const auto& p : sig->params) check_type(p, blob);
  if (sig->sentinel_index) FUZZ_CHECK(*sig->sentinel_index <= sig->params.size());
  (void)format_method_params(*sig, {});
  (void)format_method_params(*sig, resolve);
  for (Opcode op : {Opcode::Call, Opcode::Callvirt, Opcode::Newobj, Opcode::Calli}) {
    (void)stack_effect_for_call(*sig, op);
  }
}

void check_locals_sig(std::span<const uint8_t> blob) {
  auto locals = parse_locals_sig(blob);
  if (!locals.ok()) return;
  FUZZ_CHECK(inside(locals->locals_raw, blob));
  for (const auto& l : locals->locals) {
    check_type(l, blob);
    (void)format_type(l, resolve);
  }
}

void check_types(std::span<const uint8_t> blob) {
  size_t pos = 0;
  while (pos < blob.size()) {
    const size_t start = pos;
    auto type = parse_type(blob, &pos);
    if (!type.ok()) return;
    FUZZ_CHECK_MSG(pos > start && pos <= blob.size(), "parse_type did not advance within the blob");
    FUZZ_CHECK_MSG(type->raw.data() == blob.data() + start && type->raw.size() == pos - start,
                   "TypeSig::raw is not the bytes parse_type consumed");
    check_type(*type, blob);
    (void)format_type(*type, {});
  }
}

void check_compressed(std::span<const uint8_t> blob) {
  size_t pos = 0;
  if (auto u = decode_compressed_uint(blob, &pos); u.ok()) {
    FUZZ_CHECK(pos <= blob.size());
    std::vector<uint8_t> out;
    FUZZ_CHECK_MSG(encode_compressed_uint(*u, &out).ok(), "decoded uint does not re-encode");
    size_t p2 = 0;
    auto again = decode_compressed_uint(out, &p2);
    FUZZ_CHECK(again.ok() && *again == *u && p2 == out.size());
  }
  pos = 0;
  if (auto i = decode_compressed_int(blob, &pos); i.ok()) {
    std::vector<uint8_t> out;
    FUZZ_CHECK_MSG(encode_compressed_int(*i, &out).ok(), "decoded int does not re-encode");
    size_t p2 = 0;
    auto again = decode_compressed_int(out, &p2);
    FUZZ_CHECK(again.ok() && *again == *i && p2 == out.size());
  }
  pos = 0;
  if (auto t = decode_type_def_or_ref(blob, &pos); t.ok()) {
    std::vector<uint8_t> out;
    FUZZ_CHECK_MSG(encode_type_def_or_ref(*t, &out).ok(), "decoded token does not re-encode");
    size_t p2 = 0;
    auto again = decode_type_def_or_ref(out, &p2);
    FUZZ_CHECK(again.ok() && *again == *t);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // libFuzzer passes a heap copy of exactly `size` bytes: ASan catches a
  // read one past the end.
  const std::span<const uint8_t> blob(data, size);
  check_method_sig(blob);
  check_locals_sig(blob);
  check_types(blob);
  check_compressed(blob);
  return 0;
}
