// Vtable slot of key methods (every method clrprobe calls or implements on
// the hot path) plus the first and last method of every interface, so a
// missing or extra method anywhere in a chain shifts a checked slot.
// Expected numbers were counted from corprof.idl / cor.h: IUnknown takes
// slots 0-2, each derived interface continues where its base ends.
#include <gtest/gtest.h>

#include <type_traits>

#include "abi/abi.h"
#include "vtable_probe.h"

namespace clrprobe::abi {
namespace {

using test::slot_of;

template <typename T>
constexpr bool is_pure_interface() {
  return std::is_polymorphic_v<T> && std::is_abstract_v<T> && !std::has_virtual_destructor_v<T> &&
         sizeof(T) == sizeof(void*);
}

TEST(Vtable, InterfacesHoldOnlyAVptr) {
  static_assert(is_pure_interface<IUnknown>());
  static_assert(is_pure_interface<IClassFactory>());
  static_assert(is_pure_interface<ICorProfilerCallback11>());
  static_assert(is_pure_interface<ICorProfilerInfo15>());
  static_assert(is_pure_interface<ICorProfilerFunctionControl>());
  static_assert(is_pure_interface<IMethodMalloc>());
  static_assert(is_pure_interface<IMetaDataImport2>());
  static_assert(is_pure_interface<IMetaDataEmit2>());
  static_assert(is_pure_interface<IMetaDataAssemblyImport>());
  static_assert(is_pure_interface<IMetaDataAssemblyEmit>());
  static_assert(std::is_base_of_v<ICorProfilerCallback, ICorProfilerCallback11>);
  static_assert(std::is_base_of_v<ICorProfilerInfo, ICorProfilerInfo15>);
  static_assert(std::is_base_of_v<IMetaDataImport, IMetaDataImport2>);
  static_assert(std::is_base_of_v<IMetaDataEmit, IMetaDataEmit2>);
}

TEST(Vtable, ProbeSeesDistinctSlots) {
  // Guards the probe itself: the three IUnknown methods land in 0, 1, 2.
  EXPECT_EQ(slot_of(&IUnknown::QueryInterface), 0);
  EXPECT_EQ(slot_of(&IUnknown::AddRef), 1);
  EXPECT_EQ(slot_of(&IUnknown::Release), 2);
  EXPECT_EQ(slot_of(&IClassFactory::CreateInstance), 3);
  EXPECT_EQ(slot_of(&IClassFactory::LockServer), 4);
}

TEST(Vtable, ICorProfilerCallbackChain) {
  // ICorProfilerCallback: 69 methods, slots 3..71.
  EXPECT_EQ(slot_of(&ICorProfilerCallback::Initialize), 3);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::Shutdown), 4);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ModuleLoadStarted), 13);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ModuleLoadFinished), 14);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ModuleUnloadStarted), 15);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ModuleAttachedToAssembly), 17);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::JITCompilationStarted), 23);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::JITCompilationFinished), 24);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::JITInlining), 28);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ThreadCreated), 29);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::RuntimeSuspendStarted), 42);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::MovedReferences), 49);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ExceptionThrown), 54);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ExceptionCatcherLeave), 67);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::COMClassicVTableCreated), 68);
  EXPECT_EQ(slot_of(&ICorProfilerCallback::ExceptionCLRCatcherExecute), 71);
  // ICorProfilerCallback2: 72..79.
  EXPECT_EQ(slot_of(&ICorProfilerCallback2::ThreadNameChanged), 72);
  EXPECT_EQ(slot_of(&ICorProfilerCallback2::GarbageCollectionStarted), 73);
  EXPECT_EQ(slot_of(&ICorProfilerCallback2::HandleDestroyed), 79);
  // ICorProfilerCallback3: 80..82.
  EXPECT_EQ(slot_of(&ICorProfilerCallback3::InitializeForAttach), 80);
  EXPECT_EQ(slot_of(&ICorProfilerCallback3::ProfilerAttachComplete), 81);
  EXPECT_EQ(slot_of(&ICorProfilerCallback3::ProfilerDetachSucceeded), 82);
  // ICorProfilerCallback4: 83..88.
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::ReJITCompilationStarted), 83);
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::GetReJITParameters), 84);
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::ReJITCompilationFinished), 85);
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::ReJITError), 86);
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::MovedReferences2), 87);
  EXPECT_EQ(slot_of(&ICorProfilerCallback4::SurvivingReferences2), 88);
  // ICorProfilerCallback5..11: 89..97.
  EXPECT_EQ(slot_of(&ICorProfilerCallback5::ConditionalWeakTableElementReferences), 89);
  EXPECT_EQ(slot_of(&ICorProfilerCallback6::GetAssemblyReferences), 90);
  EXPECT_EQ(slot_of(&ICorProfilerCallback7::ModuleInMemorySymbolsUpdated), 91);
  EXPECT_EQ(slot_of(&ICorProfilerCallback8::DynamicMethodJITCompilationStarted), 92);
  EXPECT_EQ(slot_of(&ICorProfilerCallback8::DynamicMethodJITCompilationFinished), 93);
  EXPECT_EQ(slot_of(&ICorProfilerCallback9::DynamicMethodUnloaded), 94);
  EXPECT_EQ(slot_of(&ICorProfilerCallback10::EventPipeEventDelivered), 95);
  EXPECT_EQ(slot_of(&ICorProfilerCallback10::EventPipeProviderCreated), 96);
  EXPECT_EQ(slot_of(&ICorProfilerCallback11::LoadAsNotificationOnly), 97);
  // Base methods keep their slot when called through the newest interface.
  EXPECT_EQ(slot_of<ICorProfilerCallback11>(&ICorProfilerCallback::ModuleLoadFinished), 14);
  EXPECT_EQ(slot_of<ICorProfilerCallback11>(&ICorProfilerCallback4::GetReJITParameters), 84);
}

TEST(Vtable, ICorProfilerInfoChain) {
  // ICorProfilerInfo: 33 methods, slots 3..35.
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetClassFromObject), 3);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetEventMask), 6);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetFunctionInfo), 15);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::SetEventMask), 16);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetTokenAndMetaDataFromFunction), 19);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetModuleInfo), 20);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetModuleMetaData), 21);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetILFunctionBody), 22);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetILFunctionBodyAllocator), 23);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::SetILFunctionBody), 24);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetAssemblyInfo), 26);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::SetILInstrumentedCodeMap), 29);
  EXPECT_EQ(slot_of(&ICorProfilerInfo::GetILToNativeMapping), 35);
  // ICorProfilerInfo2: 36..56.
  EXPECT_EQ(slot_of(&ICorProfilerInfo2::DoStackSnapshot), 36);
  EXPECT_EQ(slot_of(&ICorProfilerInfo2::GetFunctionInfo2), 38);
  EXPECT_EQ(slot_of(&ICorProfilerInfo2::GetCodeInfo2), 42);
  EXPECT_EQ(slot_of(&ICorProfilerInfo2::GetNotifiedExceptionClauseInfo), 56);
  // ICorProfilerInfo3: 57..70.
  EXPECT_EQ(slot_of(&ICorProfilerInfo3::EnumJITedFunctions), 57);
  EXPECT_EQ(slot_of(&ICorProfilerInfo3::RequestProfilerDetach), 58);
  EXPECT_EQ(slot_of(&ICorProfilerInfo3::EnumModules), 66);
  EXPECT_EQ(slot_of(&ICorProfilerInfo3::GetRuntimeInformation), 67);
  EXPECT_EQ(slot_of(&ICorProfilerInfo3::GetModuleInfo2), 70);
  // ICorProfilerInfo4: 71..80.
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::EnumThreads), 71);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::InitializeCurrentThread), 72);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::RequestReJIT), 73);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::RequestRevert), 74);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::GetCodeInfo3), 75);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::GetReJITIDs), 77);
  EXPECT_EQ(slot_of(&ICorProfilerInfo4::GetObjectSize2), 80);
  // ICorProfilerInfo5: 81..82.
  EXPECT_EQ(slot_of(&ICorProfilerInfo5::GetEventMask2), 81);
  EXPECT_EQ(slot_of(&ICorProfilerInfo5::SetEventMask2), 82);
  // ICorProfilerInfo6: 83.
  EXPECT_EQ(slot_of(&ICorProfilerInfo6::EnumNgenModuleMethodsInliningThisMethod), 83);
  // ICorProfilerInfo7: 84..86.
  EXPECT_EQ(slot_of(&ICorProfilerInfo7::ApplyMetaData), 84);
  EXPECT_EQ(slot_of(&ICorProfilerInfo7::ReadInMemorySymbols), 86);
  // ICorProfilerInfo8: 87..89.
  EXPECT_EQ(slot_of(&ICorProfilerInfo8::IsFunctionDynamic), 87);
  EXPECT_EQ(slot_of(&ICorProfilerInfo8::GetDynamicFunctionInfo), 89);
  // ICorProfilerInfo9: 90..92.
  EXPECT_EQ(slot_of(&ICorProfilerInfo9::GetNativeCodeStartAddresses), 90);
  EXPECT_EQ(slot_of(&ICorProfilerInfo9::GetCodeInfo4), 92);
  // ICorProfilerInfo10: 93..98.
  EXPECT_EQ(slot_of(&ICorProfilerInfo10::EnumerateObjectReferences), 93);
  EXPECT_EQ(slot_of(&ICorProfilerInfo10::RequestReJITWithInliners), 96);
  EXPECT_EQ(slot_of(&ICorProfilerInfo10::SuspendRuntime), 97);
  EXPECT_EQ(slot_of(&ICorProfilerInfo10::ResumeRuntime), 98);
  // ICorProfilerInfo11..15: 99..114.
  EXPECT_EQ(slot_of(&ICorProfilerInfo11::GetEnvironmentVariable), 99);
  EXPECT_EQ(slot_of(&ICorProfilerInfo11::SetEnvironmentVariable), 100);
  EXPECT_EQ(slot_of(&ICorProfilerInfo12::EventPipeStartSession), 101);
  EXPECT_EQ(slot_of(&ICorProfilerInfo12::EventPipeAddProviderToSession), 102);
  EXPECT_EQ(slot_of(&ICorProfilerInfo12::EventPipeWriteEvent), 107);
  EXPECT_EQ(slot_of(&ICorProfilerInfo13::CreateHandle), 108);
  EXPECT_EQ(slot_of(&ICorProfilerInfo13::GetObjectIDFromHandle), 110);
  EXPECT_EQ(slot_of(&ICorProfilerInfo14::EnumerateNonGCObjects), 111);
  EXPECT_EQ(slot_of(&ICorProfilerInfo14::EventPipeCreateProvider2), 113);
  EXPECT_EQ(slot_of(&ICorProfilerInfo15::EnumerateGCHeapObjects), 114);
  // Through the newest interface the agent is likely to hold.
  EXPECT_EQ(slot_of<ICorProfilerInfo15>(&ICorProfilerInfo::SetEventMask), 16);
  EXPECT_EQ(slot_of<ICorProfilerInfo15>(&ICorProfilerInfo4::RequestReJIT), 73);
  EXPECT_EQ(slot_of<ICorProfilerInfo15>(&ICorProfilerInfo10::RequestReJITWithInliners), 96);
}

TEST(Vtable, ProfilerHelperInterfaces) {
  EXPECT_EQ(slot_of(&ICorProfilerFunctionControl::SetCodegenFlags), 3);
  EXPECT_EQ(slot_of(&ICorProfilerFunctionControl::SetILFunctionBody), 4);
  EXPECT_EQ(slot_of(&ICorProfilerFunctionControl::SetILInstrumentedCodeMap), 5);
  EXPECT_EQ(slot_of(&IMethodMalloc::Alloc), 3);
  EXPECT_EQ(slot_of(&ICorProfilerAssemblyReferenceProvider::AddAssemblyReference), 3);
  // All enumerators: Skip, Reset, Clone, GetCount, Next.
  EXPECT_EQ(slot_of(&ICorProfilerObjectEnum::Skip), 3);
  EXPECT_EQ(slot_of(&ICorProfilerObjectEnum::Next), 7);
  EXPECT_EQ(slot_of(&ICorProfilerFunctionEnum::Skip), 3);
  EXPECT_EQ(slot_of(&ICorProfilerFunctionEnum::GetCount), 6);
  EXPECT_EQ(slot_of(&ICorProfilerFunctionEnum::Next), 7);
  EXPECT_EQ(slot_of(&ICorProfilerModuleEnum::Next), 7);
  EXPECT_EQ(slot_of(&ICorProfilerMethodEnum::Next), 7);
  EXPECT_EQ(slot_of(&ICorProfilerThreadEnum::Clone), 5);
  EXPECT_EQ(slot_of(&ICorProfilerThreadEnum::Next), 7);
}

TEST(Vtable, IMetaDataImportChain) {
  // IMetaDataImport: 62 methods, slots 3..64.
  EXPECT_EQ(slot_of(&IMetaDataImport::CloseEnum), 3);
  EXPECT_EQ(slot_of(&IMetaDataImport::CountEnum), 4);
  EXPECT_EQ(slot_of(&IMetaDataImport::EnumTypeDefs), 6);
  EXPECT_EQ(slot_of(&IMetaDataImport::EnumTypeRefs), 8);
  EXPECT_EQ(slot_of(&IMetaDataImport::FindTypeDefByName), 9);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetScopeProps), 10);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetTypeDefProps), 12);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetTypeRefProps), 14);
  EXPECT_EQ(slot_of(&IMetaDataImport::EnumMethods), 18);
  EXPECT_EQ(slot_of(&IMetaDataImport::EnumMethodsWithName), 19);
  EXPECT_EQ(slot_of(&IMetaDataImport::FindMethod), 27);
  EXPECT_EQ(slot_of(&IMetaDataImport::FindMemberRef), 29);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetMethodProps), 30);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetMemberRefProps), 31);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetSigFromToken), 41);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetModuleRefProps), 42);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetTypeSpecFromToken), 44);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetUserString), 47);
  EXPECT_EQ(slot_of(&IMetaDataImport::EnumCustomAttributes), 53);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetCustomAttributeProps), 54);
  EXPECT_EQ(slot_of(&IMetaDataImport::FindTypeRef), 55);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetParamProps), 59);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetCustomAttributeByName), 60);
  EXPECT_EQ(slot_of(&IMetaDataImport::IsValidToken), 61);
  EXPECT_EQ(slot_of(&IMetaDataImport::GetNestedClassProps), 62);
  EXPECT_EQ(slot_of(&IMetaDataImport::IsGlobal), 64);
  // IMetaDataImport2: 65..72.
  EXPECT_EQ(slot_of(&IMetaDataImport2::EnumGenericParams), 65);
  EXPECT_EQ(slot_of(&IMetaDataImport2::GetMethodSpecProps), 67);
  EXPECT_EQ(slot_of(&IMetaDataImport2::EnumMethodSpecs), 72);
  EXPECT_EQ(slot_of<IMetaDataImport2>(&IMetaDataImport::GetMethodProps), 30);
}

TEST(Vtable, IMetaDataEmitChain) {
  // IMetaDataEmit: 49 methods, slots 3..51.
  EXPECT_EQ(slot_of(&IMetaDataEmit::SetModuleProps), 3);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineTypeDef), 7);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineMethod), 10);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineTypeRefByName), 12);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineMemberRef), 14);
  EXPECT_EQ(slot_of(&IMetaDataEmit::GetTokenFromSig), 23);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineModuleRef), 24);
  EXPECT_EQ(slot_of(&IMetaDataEmit::GetTokenFromTypeSpec), 26);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineUserString), 28);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineCustomAttribute), 37);
  EXPECT_EQ(slot_of(&IMetaDataEmit::DefineField), 39);
  EXPECT_EQ(slot_of(&IMetaDataEmit::MergeEnd), 51);
  // IMetaDataEmit2: 52..59.
  EXPECT_EQ(slot_of(&IMetaDataEmit2::DefineMethodSpec), 52);
  EXPECT_EQ(slot_of(&IMetaDataEmit2::ResetENCLog), 59);
  EXPECT_EQ(slot_of<IMetaDataEmit2>(&IMetaDataEmit::GetTokenFromSig), 23);
}

TEST(Vtable, IMetaDataAssemblyInterfaces) {
  EXPECT_EQ(slot_of(&IMetaDataAssemblyEmit::DefineAssembly), 3);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyEmit::DefineAssemblyRef), 4);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyEmit::SetManifestResourceProps), 12);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::GetAssemblyProps), 3);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::GetAssemblyRefProps), 4);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::EnumAssemblyRefs), 8);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::GetAssemblyFromScope), 12);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::CloseEnum), 15);
  EXPECT_EQ(slot_of(&IMetaDataAssemblyImport::FindAssembliesByName), 16);
}

}  // namespace
}  // namespace clrprobe::abi
