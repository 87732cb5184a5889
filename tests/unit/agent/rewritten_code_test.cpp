#include "agent/rewritten_code.h"

#include <gtest/gtest.h>

namespace clrprobe::agent {
namespace {

RewrittenCode sample() {
  return RewrittenCode{{0x02, 0x1F, 0x1F, 0x5A, 0x2A}, {{0, 0, true}, {1, 3, true}, {4, 9, false}}};
}

// GetReJITParameters hands the runtime code made again only when its fingerprint is the one
// taken at `add` (instrumenter.h): equal code must match, any change must not.
TEST(RewrittenCode, TheFingerprintIsTheSameForTheSameCodeAndChangesWithAnyByteOrMapEntry) {
  EXPECT_EQ(fingerprint(sample()), fingerprint(sample()));

  RewrittenCode byte = sample();
  byte.il[3] = 0x58;
  EXPECT_NE(fingerprint(byte), fingerprint(sample()));

  RewrittenCode longer = sample();
  longer.il.push_back(0x00);
  EXPECT_NE(fingerprint(longer), fingerprint(sample()));

  RewrittenCode moved = sample();
  moved.il_map[1].new_offset = 4;
  EXPECT_NE(fingerprint(moved), fingerprint(sample()));

  RewrittenCode folded = sample();
  folded.il_map[2].accurate = true;
  EXPECT_NE(fingerprint(folded), fingerprint(sample()));

  // Without its map, or a body of one zero byte against none: other fingerprints.
  RewrittenCode empty_map = sample();
  empty_map.il_map.clear();
  EXPECT_NE(fingerprint(empty_map), fingerprint(sample()));
  EXPECT_NE(fingerprint(RewrittenCode{}), fingerprint(RewrittenCode{{0x00}, {}}));
}

}  // namespace
}  // namespace clrprobe::agent
