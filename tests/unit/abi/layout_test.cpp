// Sizes and field offsets of structs and scalar types crossing the ABI,
// computed by hand for LP64 from the documented declarations.
#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>

#include "abi/abi.h"

namespace clrprobe::abi {
namespace {

TEST(Layout, ScalarTypes) {
  EXPECT_EQ(sizeof(HRESULT), 4u);
  EXPECT_EQ(sizeof(ULONG), 4u);
  EXPECT_EQ(sizeof(DWORD), 4u);
  EXPECT_EQ(sizeof(BOOL), 4u);
  EXPECT_EQ(sizeof(WCHAR), 2u);
  EXPECT_TRUE((std::is_same_v<WCHAR, char16_t>));
  EXPECT_EQ(sizeof(mdToken), 4u);
  EXPECT_EQ(sizeof(ModuleID), 8u);
  EXPECT_EQ(sizeof(FunctionID), 8u);
  EXPECT_EQ(sizeof(ReJITID), 8u);
  EXPECT_EQ(sizeof(EVENTPIPE_SESSION), 8u);
  EXPECT_EQ(sizeof(FunctionIDOrClientID), 8u);
  EXPECT_EQ(sizeof(HCORENUM), 8u);
}

TEST(Layout, EnumsAreFourBytes) {
  // MIDL enums are 32-bit: they are passed by value and stored in structs.
  EXPECT_EQ(sizeof(COR_PRF_MONITOR), 4u);
  EXPECT_EQ(sizeof(COR_PRF_HIGH_MONITOR), 4u);
  EXPECT_EQ(sizeof(COR_PRF_JIT_CACHE), 4u);
  EXPECT_EQ(sizeof(COR_PRF_TRANSITION_REASON), 4u);
  EXPECT_EQ(sizeof(COR_PRF_SUSPEND_REASON), 4u);
  EXPECT_EQ(sizeof(COR_PRF_GC_REASON), 4u);
  EXPECT_EQ(sizeof(COR_PRF_GC_ROOT_KIND), 4u);
  EXPECT_EQ(sizeof(COR_PRF_GC_ROOT_FLAGS), 4u);
  EXPECT_EQ(sizeof(COR_PRF_GC_GENERATION), 4u);
  EXPECT_EQ(sizeof(COR_PRF_CLAUSE_TYPE), 4u);
  EXPECT_EQ(sizeof(COR_PRF_STATIC_TYPE), 4u);
  EXPECT_EQ(sizeof(COR_PRF_RUNTIME_TYPE), 4u);
  EXPECT_EQ(sizeof(COR_PRF_HANDLE_TYPE), 4u);
  EXPECT_EQ(sizeof(CorElementType), 4u);
  EXPECT_EQ(sizeof(CorSaveSize), 4u);
}

TEST(Layout, Guid) {
  EXPECT_EQ(sizeof(GUID), 16u);
  EXPECT_EQ(offsetof(GUID, Data2), 4u);
  EXPECT_EQ(offsetof(GUID, Data3), 6u);
  EXPECT_EQ(offsetof(GUID, Data4), 8u);
}

TEST(Layout, ProfilingStructs) {
  EXPECT_EQ(sizeof(COR_PRF_CODE_INFO), 16u);
  EXPECT_EQ(offsetof(COR_PRF_CODE_INFO, size), 8u);

  EXPECT_EQ(sizeof(COR_IL_MAP), 12u);
  EXPECT_EQ(offsetof(COR_IL_MAP, newOffset), 4u);
  EXPECT_EQ(offsetof(COR_IL_MAP, fAccurate), 8u);

  EXPECT_EQ(sizeof(COR_DEBUG_IL_TO_NATIVE_MAP), 12u);
  EXPECT_EQ(offsetof(COR_DEBUG_IL_TO_NATIVE_MAP, nativeEndOffset), 8u);

  EXPECT_EQ(sizeof(COR_PRF_FUNCTION), 16u);
  EXPECT_EQ(offsetof(COR_PRF_FUNCTION, reJitId), 8u);

  EXPECT_EQ(sizeof(COR_PRF_METHOD), 16u);
  EXPECT_EQ(offsetof(COR_PRF_METHOD, methodId), 8u);

  EXPECT_EQ(sizeof(COR_FIELD_OFFSET), 8u);
  EXPECT_EQ(offsetof(COR_FIELD_OFFSET, ulOffset), 4u);

  EXPECT_EQ(sizeof(COR_PRF_FUNCTION_ARGUMENT_RANGE), 16u);
  EXPECT_EQ(offsetof(COR_PRF_FUNCTION_ARGUMENT_RANGE, length), 8u);
  EXPECT_EQ(sizeof(COR_PRF_FUNCTION_ARGUMENT_INFO), 24u);
  EXPECT_EQ(offsetof(COR_PRF_FUNCTION_ARGUMENT_INFO, totalArgumentSize), 4u);
  EXPECT_EQ(offsetof(COR_PRF_FUNCTION_ARGUMENT_INFO, ranges), 8u);

  EXPECT_EQ(sizeof(COR_PRF_GC_GENERATION_RANGE), 32u);
  EXPECT_EQ(offsetof(COR_PRF_GC_GENERATION_RANGE, rangeStart), 8u);
  EXPECT_EQ(offsetof(COR_PRF_GC_GENERATION_RANGE, rangeLengthReserved), 24u);

  EXPECT_EQ(sizeof(COR_PRF_NONGC_HEAP_RANGE), 24u);

  EXPECT_EQ(sizeof(COR_PRF_EX_CLAUSE_INFO), 32u);
  EXPECT_EQ(offsetof(COR_PRF_EX_CLAUSE_INFO, programCounter), 8u);
  EXPECT_EQ(offsetof(COR_PRF_EX_CLAUSE_INFO, shadowStackPointer), 24u);

  EXPECT_EQ(sizeof(COR_PRF_ASSEMBLY_REFERENCE_INFO), 48u);
  EXPECT_EQ(offsetof(COR_PRF_ASSEMBLY_REFERENCE_INFO, szName), 16u);
  EXPECT_EQ(offsetof(COR_PRF_ASSEMBLY_REFERENCE_INFO, pMetaData), 24u);
  EXPECT_EQ(offsetof(COR_PRF_ASSEMBLY_REFERENCE_INFO, cbHashValue), 40u);
  EXPECT_EQ(offsetof(COR_PRF_ASSEMBLY_REFERENCE_INFO, dwAssemblyRefFlags), 44u);
}

TEST(Layout, EventPipeStructs) {
  EXPECT_EQ(sizeof(COR_PRF_EVENTPIPE_PROVIDER_CONFIG), 32u);
  EXPECT_EQ(offsetof(COR_PRF_EVENTPIPE_PROVIDER_CONFIG, keywords), 8u);
  EXPECT_EQ(offsetof(COR_PRF_EVENTPIPE_PROVIDER_CONFIG, loggingLevel), 16u);
  EXPECT_EQ(offsetof(COR_PRF_EVENTPIPE_PROVIDER_CONFIG, filterData), 24u);
  EXPECT_EQ(sizeof(COR_PRF_EVENTPIPE_PARAM_DESC), 16u);
  EXPECT_EQ(offsetof(COR_PRF_EVENTPIPE_PARAM_DESC, name), 8u);
  EXPECT_EQ(sizeof(COR_PRF_EVENT_DATA), 16u);
  EXPECT_EQ(sizeof(COR_PRF_FILTER_DATA), 16u);
}

TEST(Layout, MetadataStructs) {
  EXPECT_EQ(sizeof(OSINFO), 12u);
  EXPECT_EQ(sizeof(ASSEMBLYMETADATA), 56u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, usRevisionNumber), 6u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, szLocale), 8u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, cbLocale), 16u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, rProcessor), 24u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, ulProcessor), 32u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, rOS), 40u);
  EXPECT_EQ(offsetof(ASSEMBLYMETADATA, ulOS), 48u);
}

TEST(Layout, ExceptionClause) {
  EXPECT_EQ(sizeof(IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT), kFatEhClauseSize);
  EXPECT_EQ(offsetof(IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT, HandlerLength), 16u);
  EXPECT_EQ(offsetof(IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT, ClassToken), 20u);
  EXPECT_EQ(offsetof(IMAGE_COR_ILMETHOD_SECT_EH_CLAUSE_FAT, FilterOffset), 20u);
}

}  // namespace
}  // namespace clrprobe::abi
