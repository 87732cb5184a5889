#include "agent/class_factory.h"

#include <new>

#include "agent/profiler_callback.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

HRESULT ClassFactory::QueryInterface(const GUID& riid, void** object) {
  if (object == nullptr) return E_POINTER;
  if (riid == IID_IUnknown || riid == IID_IClassFactory) {
    *object = this;
    AddRef();
    return S_OK;
  }
  *object = nullptr;
  return E_NOINTERFACE;
}

ULONG ClassFactory::AddRef() { return ++refs_; }

ULONG ClassFactory::Release() {
  ULONG count = --refs_;
  if (count == 0) delete this;
  return count;
}

HRESULT ClassFactory::CreateInstance(IUnknown* outer, const GUID& riid, void** object) {
  if (object == nullptr) return E_POINTER;
  *object = nullptr;
  if (outer != nullptr) return CLASS_E_NOAGGREGATION;
  auto* profiler = new (std::nothrow) ProfilerCallback();
  if (profiler == nullptr) return E_OUTOFMEMORY;
  HRESULT hr = profiler->QueryInterface(riid, object);
  profiler->Release();  // the caller's reference (if any) keeps it alive
  return hr;
}

HRESULT ClassFactory::LockServer(BOOL) { return S_OK; }

}  // namespace clrprobe::agent
