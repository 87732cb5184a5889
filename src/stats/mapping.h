// Owns one mmap'ed range: munmap on destruction, move-only.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <utility>

namespace clrprobe::stats {

class Mapping {
 public:
  Mapping() = default;
  Mapping(void* addr, size_t size) noexcept : addr_(addr), size_(size) {}
  ~Mapping() { reset(); }
  Mapping(Mapping&& other) noexcept
      : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      reset();
      addr_ = std::exchange(other.addr_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  std::byte* data() const noexcept { return static_cast<std::byte*>(addr_); }
  size_t size() const noexcept { return size_; }
  explicit operator bool() const noexcept { return addr_ != nullptr; }

 private:
  void reset() noexcept {
    if (addr_ != nullptr) ::munmap(addr_, size_);
    addr_ = nullptr;
    size_ = 0;
  }

  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace clrprobe::stats
