#include "il/locals_builder.h"

#include <string>

#include "il/signature.h"

namespace clrprobe::il {

Result<ExtendedLocals> append_locals(std::span<const uint8_t> original,
                                     const std::vector<std::span<const uint8_t>>& added,
                                     uint32_t max_count) {
  ExtendedLocals out;
  std::span<const uint8_t> existing;
  if (!original.empty()) {
    auto parsed = parse_locals_sig(original);
    if (!parsed) return parsed.error();
    out.original_count = static_cast<uint32_t>(parsed->locals.size());
    existing = parsed->locals_raw;
  }
  const uint64_t total = uint64_t{out.original_count} + added.size();
  if (total > max_count) {
    return make_error(Reason::MethodTooLarge, "method would have " + std::to_string(total) +
                                                  " locals (limit " + std::to_string(max_count) + ")");
  }
  out.sig.push_back(kCallConvLocalSig);
  if (Status s = encode_compressed_uint(static_cast<uint32_t>(total), &out.sig); !s) return s.error();
  out.sig.insert(out.sig.end(), existing.begin(), existing.end());
  for (std::span<const uint8_t> type : added) out.sig.insert(out.sig.end(), type.begin(), type.end());
  // Re-parse what we built: a bad `added` blob must not reach the runtime.
  if (auto check = parse_locals_sig(out.sig); !check) return check.error();
  return out;
}

}  // namespace clrprobe::il
