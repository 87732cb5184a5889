// The one symbol libclrprobe.so exports: the runtime calls it with the CLSID
// from CORECLR_PROFILER to obtain our class factory.
#include <new>

#include "abi/abi.h"
#include "agent/class_factory.h"
#include "common/agent_clsid.h"

using namespace clrprobe::abi;

extern "C" __attribute__((visibility("default"))) HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  *ppv = nullptr;
  static const auto kClsid = parse_guid(clrprobe::kAgentClsid);
  if (!kClsid || !(rclsid == *kClsid)) return CLASS_E_CLASSNOTAVAILABLE;
  auto* factory = new (std::nothrow) clrprobe::agent::ClassFactory();
  if (factory == nullptr) return E_OUTOFMEMORY;
  HRESULT hr = factory->QueryInterface(riid, ppv);
  factory->Release();
  return hr;
}
