// Random and mutated inputs through every pure parsing stage, to catch
// crashes and out-of-bounds reads (run under ASan/UBSan) until the libFuzzer
// targets exist. Deterministic: fixed seed.
#include <gtest/gtest.h>

#include <random>

#include "control/dispatch.h"
#include "control/frame.h"
#include "test_support.h"

namespace clrprobe::control {
namespace {

std::vector<uint8_t> mutate(std::vector<uint8_t> bytes, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 3), byte(0, 255);
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = bytes.empty() ? 0 : rng() % bytes.size();
    switch (op(rng)) {
      case 0:
        if (!bytes.empty()) bytes[at] = static_cast<uint8_t>(byte(rng));
        break;
      case 1:
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(byte(rng)));
        break;
      case 2:
        if (!bytes.empty()) bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      default:
        bytes.resize(at);
        break;
    }
  }
  return bytes;
}

// Every stage a received frame goes through; only crashes fail the test.
void exercise(const std::vector<uint8_t>& bytes) {
  (void)parse_frame_header(bytes);
  FrameDecoder decoder;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    auto used = decoder.feed(std::span<const uint8_t>(bytes).subspan(offset, std::min<std::size_t>(3, bytes.size() - offset)));
    if (!used || *used == 0) break;
    offset += *used;
  }
  const auto payload = bytes.size() > kFrameHeaderSize ? std::span<const uint8_t>(bytes).subspan(kFrameHeaderSize)
                                                       : std::span<const uint8_t>();
  auto response = respond(payload, test::test_handler);
  ASSERT_TRUE(response.is_object());
  ASSERT_TRUE(response["ok"].is_boolean());
}

TEST(Robustness, MutatedFramesNeverCrash) {
  const std::vector<std::string> seeds = {
      R"({"op":"ping"})",
      R"({"op":"add","selector":"MyApp.*::Get*","dry_run":true,"max_methods":5})",
      R"({"op":"remove","id":3})",
      R"({"op":"remove","all":true})",
      R"({"op":"list","x":[1,{"y":"\u00e9"}]})",
  };
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    auto frame = encode_frame(std::string_view(seeds[static_cast<std::size_t>(i) % seeds.size()]));
    exercise(mutate(std::move(frame), rng));
  }
}

TEST(Robustness, RandomBytesNeverCrash) {
  std::mt19937 rng(777);
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    if (i % 2 == 0 && bytes.size() >= 4) std::copy(kFrameMagic.begin(), kFrameMagic.end(), bytes.begin());
    exercise(bytes);
  }
}

}  // namespace
}  // namespace clrprobe::control
