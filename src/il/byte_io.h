// Bounds-checked little-endian reading and plain writing of byte buffers.
// Every decoder in src/il/ reads through ByteReader so that no malformed
// input can make it read outside the span it was given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace clrprobe::il {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t size() const { return data_.size(); }
  bool at_end() const { return pos_ == data_.size(); }
  bool has(size_t n) const { return n <= remaining(); }

  // Each read returns false (and leaves *out untouched) when the input ends.
  bool read_u8(uint8_t* out) { return read_le(out); }
  bool read_u16(uint16_t* out) { return read_le(out); }
  bool read_u32(uint32_t* out) { return read_le(out); }
  bool read_u64(uint64_t* out) { return read_le(out); }
  bool peek_u8(uint8_t* out) const {
    if (!has(1)) return false;
    *out = data_[pos_];
    return true;
  }
  bool skip(size_t n) {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }
  bool read_bytes(size_t n, std::span<const uint8_t>* out) {
    if (!has(n)) return false;
    *out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  std::span<const uint8_t> span_from(size_t start) const {
    return data_.subspan(start, pos_ - start);
  }

 private:
  template <typename T>
  bool read_le(T* out) {
    if (!has(sizeof(T))) return false;
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<T>(static_cast<T>(data_[pos_ + i]) << (8 * i));
    }
    pos_ += sizeof(T);
    *out = v;
    return true;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>* out) : out_(out) {}

  size_t position() const { return out_->size(); }
  void u8(uint8_t v) { out_->push_back(v); }
  void u16(uint16_t v) { le(v); }
  void u32(uint32_t v) { le(v); }
  void u64(uint64_t v) { le(v); }
  void bytes(std::span<const uint8_t> b) { out_->insert(out_->end(), b.begin(), b.end()); }
  void zeros(size_t n) { out_->insert(out_->end(), n, 0); }
  // Overwrites already-written bytes (used to patch sizes).
  void patch_u32(size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) (*out_)[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

 private:
  template <typename T>
  void le(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) out_->push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t>* out_;
};

}  // namespace clrprobe::il
