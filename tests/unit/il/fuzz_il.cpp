// libFuzzer target for the IL layer: decode, re-encode, verify and rewrite
// arbitrary bytes. The input is split as: [u8 sig_len][sig][body...].
// Built only with Clang (see CMakeLists.txt): il_fuzz corpus_dir/
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <span>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il/verifier.h"

using namespace clrprobe;
using namespace clrprobe::il;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t sig_len = std::min<size_t>(data[0], size - 1);
  const std::span<const uint8_t> sig(data + 1, sig_len);
  const std::span<const uint8_t> body(data + 1 + sig_len, size - 1 - sig_len);

  auto decoded = decode_method_body(body);
  if (decoded.ok()) {
    auto encoded = encode_method_body(*decoded);
    if (!encoded.ok() || encoded->size() != decoded->encoded_size ||
        !std::equal(encoded->begin(), encoded->end(), body.begin())) {
      std::abort();  // round-trip guarantee broken
    }
    (void)verify(*decoded);
  }
  (void)parse_method_sig(sig);
  (void)parse_locals_sig(sig);

  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.hooks.enter_sig_token = 0x11000001;
  in.hooks.leave_sig_token = 0x11000002;
  auto rw = rewrite_with_probe(in, [](std::span<const uint8_t>) -> Result<uint32_t> { return 0x11000003u; });
  if (rw.ok() && !decode_method_body(rw->body).ok()) std::abort();
  return 0;
}
