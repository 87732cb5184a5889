// Finds the vtable slot a call through an interface lands in: the call is
// made on a fake object whose vtable holds distinct stubs that record their
// own index. This exercises the same dispatch the runtime's objects get, so
// a method declared out of order fails here instead of in the host process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace clrprobe::abi::test {

inline constexpr std::size_t kProbeSlots = 160;
inline int g_last_slot = -1;

// SysV x86-64: the caller owns argument cleanup and the return value is in
// rax, so one stub shape serves every method (HRESULT, BOOL, void, PVOID).
using SlotStub = std::intptr_t (*)();

template <std::size_t N>
std::intptr_t record_slot() {
  g_last_slot = static_cast<int>(N);
  return 0;
}

template <std::size_t... I>
constexpr std::array<SlotStub, sizeof...(I)> make_stub_table(std::index_sequence<I...>) {
  return {&record_slot<I>...};
}

inline const std::array<SlotStub, kProbeSlots> kStubTable =
    make_stub_table(std::make_index_sequence<kProbeSlots>{});

// Layout of a polymorphic object under the Itanium C++ ABI: vptr first,
// pointing at the first virtual function entry.
struct FakeComObject {
  const SlotStub* vptr;
};

template <typename A>
A zero_arg() {
  if constexpr (std::is_reference_v<A>) {
    static std::remove_cvref_t<A> zero{};
    return zero;
  } else {
    return A{};
  }
}

// Slot of `method` when called through an `Itf*` (Itf may derive from the
// interface that declares the method).
template <typename Itf, typename Decl, typename R, typename... A>
int slot_of(R (Decl::*method)(A...)) {
  static_assert(std::is_base_of_v<Decl, Itf>);
  static_assert(sizeof(Itf) == sizeof(void*), "interfaces must hold only a vptr");
  FakeComObject object{kStubTable.data()};
  Itf* itf = reinterpret_cast<Itf*>(&object);
  // Hide where the pointer came from so the call cannot be devirtualised.
  asm volatile("" : "+r"(itf));
  g_last_slot = -1;
  Decl* decl = itf;
  (decl->*method)(zero_arg<A>()...);
  return g_last_slot;
}

template <typename Decl, typename R, typename... A>
int slot_of(R (Decl::*method)(A...)) {
  return slot_of<Decl, Decl, R, A...>(method);
}

}  // namespace clrprobe::abi::test
