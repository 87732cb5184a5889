// The COM class factory the runtime obtains through DllGetClassObject; it
// creates the one profiler callback object of the process.
#pragma once

#include <atomic>

#include "abi/abi.h"

namespace clrprobe::agent {

class ClassFactory final : public abi::IClassFactory {
 public:
  abi::HRESULT QueryInterface(const abi::GUID& riid, void** object) override;
  abi::ULONG AddRef() override;
  abi::ULONG Release() override;
  abi::HRESULT CreateInstance(abi::IUnknown* outer, const abi::GUID& riid, void** object) override;
  abi::HRESULT LockServer(abi::BOOL lock) override;

 private:
  std::atomic<abi::ULONG> refs_{1};
};

}  // namespace clrprobe::agent
