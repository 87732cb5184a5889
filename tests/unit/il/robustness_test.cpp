// Deterministic mutation testing of the decoder, verifier and rewriter:
// corrupted bodies and signatures must yield errors, never crashes (run
// under ASan/UBSan to catch out-of-bounds reads), and whatever decodes must
// re-encode to the same bytes.
#include <gtest/gtest.h>

#include <random>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il/verifier.h"
#include "real_bodies_data.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

std::vector<uint8_t> mutate(std::vector<uint8_t> bytes, std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 9);
  const int k = kind(rng);
  if (bytes.empty() || k == 0) {
    bytes.push_back(static_cast<uint8_t>(rng()));
  } else if (k == 1) {
    bytes.resize(rng() % bytes.size());
  } else {
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      uint8_t& b = bytes[rng() % bytes.size()];
      b = (k % 2) ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(b ^ (1u << (rng() % 8)));
    }
  }
  return bytes;
}

void exercise(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
              const std::vector<uint8_t>& locals) {
  auto decoded = decode_method_body(body);
  if (decoded.ok()) {
    auto encoded = encode_method_body(*decoded);
    ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
    ASSERT_EQ(*encoded, std::vector<uint8_t>(body.begin(), body.begin() + static_cast<long>(decoded->encoded_size)));
    (void)verify(*decoded);
  }
  (void)parse_method_sig(sig);
  (void)parse_locals_sig(locals);
  test::LocalsRecorder rec;
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = test::test_hooks();
  auto rw = rewrite_with_probe(in, rec.provider());
  if (rw.ok()) {
    auto again = decode_method_body(rw->body);
    ASSERT_TRUE(again.ok());
    VerifyOptions options;
    options.returns_value = !parse_method_sig(sig)->ret.is_void();
    ASSERT_TRUE(verify(*again, options).ok());
  }
}

TEST(Robustness, MutatedRealBodiesNeverCrash) {
  std::mt19937 rng(12345);
  for (const auto& rb : test::real_bodies()) {
    for (int i = 0; i < 300; ++i) {
      exercise(mutate(rb.body, rng), rb.method_sig, rb.locals_sig);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(Robustness, MutatedSignaturesNeverCrash) {
  std::mt19937 rng(777);
  for (const auto& rb : test::real_bodies()) {
    for (int i = 0; i < 200; ++i) {
      exercise(rb.body, mutate(rb.method_sig, rng), mutate(rb.locals_sig, rng));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(Robustness, RandomBytesNeverCrash) {
  std::mt19937 rng(4242);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    // Bias towards structurally plausible headers half of the time.
    if (!bytes.empty() && (i & 1)) bytes[0] = static_cast<uint8_t>((bytes.size() - 1) << 2 | 2);
    exercise(bytes, test::kSigInt32, {});
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace clrprobe::il
