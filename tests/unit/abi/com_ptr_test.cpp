// ComPtr reference counting and QueryInterface plumbing, on a hand-written
// COM object (the way the agent's own objects will be written).
#include <gtest/gtest.h>

#include <utility>

#include "abi/abi.h"

namespace clrprobe::abi {
namespace {

// Counts references; answers QueryInterface only for IUnknown and IMethodMalloc.
class CountingMalloc final : public IMethodMalloc {
 public:
  HRESULT QueryInterface(REFIID riid, void** ppv) override {
    if (ppv == nullptr) return E_POINTER;
    if (riid == IID_IUnknown || riid == IID_IMethodMalloc) {
      *ppv = static_cast<IMethodMalloc*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG AddRef() override { return ++refs; }
  ULONG Release() override { return --refs; }
  PVOID Alloc(ULONG) override { return nullptr; }

  ULONG refs = 1;  // the creator's reference
};

TEST(ComPtr, AdoptsAndReleasesOnce) {
  CountingMalloc obj;
  {
    ComPtr<IMethodMalloc> p(&obj);
    EXPECT_EQ(obj.refs, 1u);
    EXPECT_EQ(p.get(), &obj);
    EXPECT_TRUE(p);
  }
  EXPECT_EQ(obj.refs, 0u);
}

TEST(ComPtr, RetainAddsAReference) {
  CountingMalloc obj;
  {
    auto p = ComPtr<IMethodMalloc>::retain(&obj);
    EXPECT_EQ(obj.refs, 2u);
    auto q = p.clone();
    EXPECT_EQ(obj.refs, 3u);
  }
  EXPECT_EQ(obj.refs, 1u);
}

TEST(ComPtr, MoveTransfersOwnership) {
  CountingMalloc obj;
  ComPtr<IMethodMalloc> a(&obj);
  ComPtr<IMethodMalloc> b(std::move(a));
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(b.get(), &obj);
  EXPECT_EQ(obj.refs, 1u);

  CountingMalloc other;
  ComPtr<IMethodMalloc> c(&other);
  c = std::move(b);  // releases `other`, takes `obj`
  EXPECT_EQ(other.refs, 0u);
  EXPECT_EQ(obj.refs, 1u);
  c.reset();
  EXPECT_EQ(obj.refs, 0u);
  EXPECT_FALSE(c);
}

TEST(ComPtr, PutReleasesPreviousPointer) {
  CountingMalloc first, second;
  ComPtr<IMethodMalloc> p(&first);
  IMethodMalloc** out = p.put();
  EXPECT_EQ(first.refs, 0u);
  *out = &second;  // as an API filling an out parameter would
  EXPECT_EQ(p.get(), &second);
}

TEST(ComPtr, DetachGivesUpOwnership) {
  CountingMalloc obj;
  IMethodMalloc* raw = nullptr;
  {
    ComPtr<IMethodMalloc> p(&obj);
    raw = p.detach();
  }
  EXPECT_EQ(raw, &obj);
  EXPECT_EQ(obj.refs, 1u);
}

TEST(ComPtr, QueryUsesTheInterfaceIid) {
  CountingMalloc obj;
  ComPtr<IUnknown> unk(&obj);
  ComPtr<IMethodMalloc> malloc;
  EXPECT_EQ(unk.query(malloc), S_OK);
  EXPECT_EQ(malloc.get(), &obj);
  EXPECT_EQ(obj.refs, 2u);

  ComPtr<ICorProfilerInfo> info;
  EXPECT_EQ(unk.query(info), E_NOINTERFACE);
  EXPECT_FALSE(info);

  ComPtr<IUnknown> empty;
  EXPECT_EQ(empty.query(malloc), E_POINTER);
  EXPECT_EQ(obj.refs, 1u);  // a failed query still empties its output
}

}  // namespace
}  // namespace clrprobe::abi
