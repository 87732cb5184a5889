// Signature blobs and probe hooks shared by the IL tests.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "il/rewriter.h"

namespace clrprobe::il::test {

// static void M()
inline const std::vector<uint8_t> kSigVoid{0x00, 0x00, 0x01};
// static int32 M(int32, string)
inline const std::vector<uint8_t> kSigInt32{0x00, 0x02, 0x08, 0x08, 0x0E};
// instance bool M()
inline const std::vector<uint8_t> kSigInstanceBool{0x20, 0x00, 0x02};
// static valuetype TypeDef(0x02000002) M()
inline const std::vector<uint8_t> kSigValueType{0x00, 0x00, 0x11, 0x08};
// static int32& M()
inline const std::vector<uint8_t> kSigByRef{0x00, 0x00, 0x10, 0x08};
// static modreq(TypeRef 0x01000002) int32& M()  -- `ref readonly int`
inline const std::vector<uint8_t> kSigRefReadonly{0x00, 0x00, 0x1F, 0x09, 0x10, 0x08};
// static !!0 M<T>(!!0)
inline const std::vector<uint8_t> kSigGenericMethod{0x10, 0x01, 0x01, 0x1E, 0x00, 0x1E, 0x00};

inline ProbeHooks test_hooks() {
  ProbeHooks h;
  h.slot = 7;
  h.enter_fn = 0x1111111111111111ull;
  h.leave_fn = 0x2222222222222222ull;
  h.exception_fn = 0x3333333333333333ull;
  h.enter_sig_token = 0x11000001;
  h.leave_sig_token = 0x11000002;
  h.count_fn = 0x4444444444444444ull;
  h.count_sig_token = 0x11000003;
  return h;
}

// An arm flag's (fake) address, and test_hooks() with it: arm-guarded shapes.
inline constexpr uint64_t kArmFlag = 0x5555555555555555ull;
inline ProbeHooks guarded_hooks() {
  ProbeHooks h = test_hooks();
  h.arm_flag = kArmFlag;
  return h;
}

inline constexpr uint32_t kNewLocalsToken = 0x11000010;

// Records the locals blob it is given and returns kNewLocalsToken.
struct LocalsRecorder {
  std::vector<uint8_t> blob;
  int calls = 0;
  LocalsTokenProvider provider() {
    return [this](std::span<const uint8_t> sig) -> Result<uint32_t> {
      blob.assign(sig.begin(), sig.end());
      ++calls;
      return kNewLocalsToken;
    };
  }
};

}  // namespace clrprobe::il::test
