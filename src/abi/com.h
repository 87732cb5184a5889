// COM basics as the CoreCLR PAL lays them out on Linux x64 (LP64, SysV ABI):
// Windows base types, GUID, HRESULT, IUnknown, IClassFactory and ComPtr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace clrprobe::abi {

// Windows base types. The PAL keeps ULONG/DWORD at 32 bits on LP64 and WCHAR
// is UTF-16, so they must not be mapped to `unsigned long` / `wchar_t`.
using BYTE = std::uint8_t;
using UINT8 = std::uint8_t;
using USHORT = std::uint16_t;
using UINT16 = std::uint16_t;
using LONG32 = std::int32_t;
using ULONG32 = std::uint32_t;
using ULONG = std::uint32_t;
using DWORD = std::uint32_t;
using UINT = std::uint32_t;
using UINT32 = std::uint32_t;
using BOOL = std::int32_t;
using UINT64 = std::uint64_t;
using ULONGLONG = std::uint64_t;
using SIZE_T = std::size_t;
using UINT_PTR = std::uintptr_t;
using WCHAR = char16_t;
using LPWSTR = WCHAR*;
using LPCWSTR = const WCHAR*;
using LPBYTE = BYTE*;
using LPCBYTE = const BYTE*;
using PVOID = void*;
using HANDLE = void*;
using HRESULT = std::int32_t;

static_assert(sizeof(WCHAR) == 2 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4);
static_assert(sizeof(void*) == 8, "clrprobe targets 64-bit CoreCLR only");

inline constexpr HRESULT S_OK = 0;
inline constexpr HRESULT S_FALSE = 1;
inline constexpr HRESULT E_NOTIMPL = static_cast<HRESULT>(0x80004001u);
inline constexpr HRESULT E_NOINTERFACE = static_cast<HRESULT>(0x80004002u);
inline constexpr HRESULT E_POINTER = static_cast<HRESULT>(0x80004003u);
inline constexpr HRESULT E_ABORT = static_cast<HRESULT>(0x80004004u);
inline constexpr HRESULT E_FAIL = static_cast<HRESULT>(0x80004005u);
inline constexpr HRESULT E_UNEXPECTED = static_cast<HRESULT>(0x8000FFFFu);
inline constexpr HRESULT E_OUTOFMEMORY = static_cast<HRESULT>(0x8007000Eu);
inline constexpr HRESULT E_INVALIDARG = static_cast<HRESULT>(0x80070057u);
inline constexpr HRESULT CLASS_E_NOAGGREGATION = static_cast<HRESULT>(0x80040110u);
inline constexpr HRESULT CLASS_E_CLASSNOTAVAILABLE = static_cast<HRESULT>(0x80040111u);

constexpr bool SUCCEEDED(HRESULT hr) noexcept { return hr >= 0; }
constexpr bool FAILED(HRESULT hr) noexcept { return hr < 0; }

struct GUID {
  std::uint32_t Data1;
  std::uint16_t Data2;
  std::uint16_t Data3;
  std::uint8_t Data4[8];
};
static_assert(sizeof(GUID) == 16);

using IID = GUID;
using CLSID = GUID;
using REFGUID = const GUID&;
using REFIID = const IID&;
using REFCLSID = const CLSID&;
using LPCGUID = const GUID*;

constexpr bool operator==(const GUID& a, const GUID& b) noexcept {
  if (a.Data1 != b.Data1 || a.Data2 != b.Data2 || a.Data3 != b.Data3) return false;
  for (int i = 0; i < 8; ++i) {
    if (a.Data4[i] != b.Data4[i]) return false;
  }
  return true;
}

// Parses the registry form "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX", with or
// without braces (COR_PROFILER is usually written with them).
constexpr std::optional<GUID> parse_guid(std::string_view s) noexcept {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
    return std::nullopt;
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  // Reads `digits` hex digits starting at `pos`; -1 on a non-hex character.
  auto hex = [&](std::size_t pos, std::size_t digits) -> std::int64_t {
    std::int64_t v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      int n = nibble(s[pos + i]);
      if (n < 0) return -1;
      v = v * 16 + n;
    }
    return v;
  };
  GUID g{};
  std::int64_t d1 = hex(0, 8), d2 = hex(9, 4), d3 = hex(14, 4);
  if (d1 < 0 || d2 < 0 || d3 < 0) return std::nullopt;
  g.Data1 = static_cast<std::uint32_t>(d1);
  g.Data2 = static_cast<std::uint16_t>(d2);
  g.Data3 = static_cast<std::uint16_t>(d3);
  constexpr std::size_t kByteAt[8] = {19, 21, 24, 26, 28, 30, 32, 34};
  for (int i = 0; i < 8; ++i) {
    std::int64_t b = hex(kByteAt[i], 2);
    if (b < 0) return std::nullopt;
    g.Data4[i] = static_cast<std::uint8_t>(b);
  }
  return g;
}

// Interfaces below are plain structs of pure virtual functions in the exact
// vtable order of the documented ABI. No virtual destructor: it would add
// slots that the runtime does not have.
struct IUnknown {
  virtual HRESULT QueryInterface(REFIID riid, void** ppvObject) = 0;
  virtual ULONG AddRef() = 0;
  virtual ULONG Release() = 0;
};

struct IClassFactory : IUnknown {
  virtual HRESULT CreateInstance(IUnknown* pUnkOuter, REFIID riid, void** ppvObject) = 0;
  virtual HRESULT LockServer(BOOL fLock) = 0;
};

inline constexpr IID IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
inline constexpr IID IID_IClassFactory = {0x00000001, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

// Maps an interface type to its IID; specialised next to each IID constant.
template <typename T>
struct InterfaceId;

template <typename T>
constexpr const IID& iid_of() noexcept {
  return InterfaceId<T>::value;
}

template <>
struct InterfaceId<IUnknown> {
  static constexpr const IID& value = IID_IUnknown;
};
template <>
struct InterfaceId<IClassFactory> {
  static constexpr const IID& value = IID_IClassFactory;
};

// Owns one COM reference and releases it on destruction. Move-only so that
// every AddRef/Release pair is explicit.
template <typename T>
class ComPtr {
 public:
  ComPtr() noexcept = default;
  ComPtr(std::nullptr_t) noexcept {}
  // Adopts a reference the caller already owns (e.g. an out parameter).
  explicit ComPtr(T* adopted) noexcept : p_(adopted) {}
  ComPtr(const ComPtr&) = delete;
  ComPtr& operator=(const ComPtr&) = delete;
  ComPtr(ComPtr&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  ComPtr& operator=(ComPtr&& other) noexcept {
    if (this != &other) reset(std::exchange(other.p_, nullptr));
    return *this;
  }
  ~ComPtr() { reset(); }

  // Takes a new reference on a borrowed pointer (e.g. a callback argument).
  static ComPtr retain(T* borrowed) noexcept {
    if (borrowed != nullptr) borrowed->AddRef();
    return ComPtr(borrowed);
  }

  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  void reset(T* adopted = nullptr) noexcept {
    T* old = std::exchange(p_, adopted);
    if (old != nullptr) old->Release();
  }
  [[nodiscard]] T* detach() noexcept { return std::exchange(p_, nullptr); }

  // Out-parameter access: releases the current pointer first.
  T** put() noexcept {
    reset();
    return &p_;
  }
  void** put_void() noexcept { return reinterpret_cast<void**>(put()); }
  // For APIs typed `IUnknown**` that return the interface asked for by riid
  // (GetModuleMetaData, GetTokenAndMetaDataFromFunction). Single inheritance
  // keeps the IUnknown base at offset 0, so the pointer value is the same.
  IUnknown** put_unknown() noexcept {
    static_assert(std::is_base_of_v<IUnknown, T>);
    return reinterpret_cast<IUnknown**>(put());
  }

  // Another reference to the same object.
  ComPtr clone() const noexcept { return retain(p_); }

  // Empties `out` first, so it never keeps a stale pointer on failure.
  template <typename U>
  HRESULT query(ComPtr<U>& out) const noexcept {
    out.reset();
    if (p_ == nullptr) return E_POINTER;
    return p_->QueryInterface(iid_of<U>(), out.put_void());
  }

 private:
  T* p_ = nullptr;
};

}  // namespace clrprobe::abi
