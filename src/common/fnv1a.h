// FNV-1a, 64 bits: a fast fingerprint of bytes, for telling copies apart
// (a build's agent copy, a method's rewritten code), not a security hash.
#pragma once

#include <cstdint>

namespace clrprobe {

class Fnv1a {
 public:
  void add(uint8_t byte) {
    hash_ ^= byte;
    hash_ *= kPrime;
  }
  // The low `bytes` bytes of `value`, least significant first.
  void add_le(uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) add(static_cast<uint8_t>(value >> (8 * i)));
  }
  template <typename Bytes>
  void add_all(const Bytes& bytes) {
    for (auto b : bytes) add(static_cast<uint8_t>(b));
  }
  uint64_t value() const { return hash_; }

 private:
  static constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace clrprobe
