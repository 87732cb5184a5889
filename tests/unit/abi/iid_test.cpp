// Every IID constant against its documented registry string. The strings
// are written as published (corprof.idl uuid(...), cor.h comments) and
// parsed here, so a typo in either form fails the test.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "abi/abi.h"

namespace clrprobe::abi {
namespace {

struct DocumentedIid {
  std::string_view name;
  const IID& constant;
  const IID& via_trait;
  std::string_view documented;
};

template <typename T>
DocumentedIid entry(std::string_view name, const IID& constant, std::string_view documented) {
  return {name, constant, iid_of<T>(), documented};
}

std::vector<DocumentedIid> documented_iids() {
  return {
      entry<IUnknown>("IUnknown", IID_IUnknown, "00000000-0000-0000-C000-000000000046"),
      entry<IClassFactory>("IClassFactory", IID_IClassFactory, "00000001-0000-0000-C000-000000000046"),
      entry<ICorProfilerCallback>("ICorProfilerCallback", IID_ICorProfilerCallback,
                                  "176FBED1-A55C-4796-98CA-A9DA0EF883E7"),
      entry<ICorProfilerCallback2>("ICorProfilerCallback2", IID_ICorProfilerCallback2,
                                   "8A8CC829-CCF2-49fe-BBAE-0F022228071A"),
      entry<ICorProfilerCallback3>("ICorProfilerCallback3", IID_ICorProfilerCallback3,
                                   "4FD2ED52-7731-4b8d-9469-03D2CC3086C5"),
      entry<ICorProfilerCallback4>("ICorProfilerCallback4", IID_ICorProfilerCallback4,
                                   "7B63B2E3-107D-4d48-B2F6-F61E229470D2"),
      entry<ICorProfilerCallback5>("ICorProfilerCallback5", IID_ICorProfilerCallback5,
                                   "8DFBA405-8C9F-45F8-BFFA-83B14CEF78B5"),
      entry<ICorProfilerCallback6>("ICorProfilerCallback6", IID_ICorProfilerCallback6,
                                   "FC13DF4B-4448-4F4F-950C-BA8D19D00C36"),
      entry<ICorProfilerCallback7>("ICorProfilerCallback7", IID_ICorProfilerCallback7,
                                   "F76A2DBA-1D52-4539-866C-2AA518F9EFC3"),
      entry<ICorProfilerCallback8>("ICorProfilerCallback8", IID_ICorProfilerCallback8,
                                   "5BED9B15-C079-4D47-BFE2-215A140C07E0"),
      entry<ICorProfilerCallback9>("ICorProfilerCallback9", IID_ICorProfilerCallback9,
                                   "27583EC3-C8F5-482F-8052-194B8CE4705A"),
      entry<ICorProfilerCallback10>("ICorProfilerCallback10", IID_ICorProfilerCallback10,
                                    "CEC5B60E-C69C-495F-87F6-84D28EE16FFB"),
      entry<ICorProfilerCallback11>("ICorProfilerCallback11", IID_ICorProfilerCallback11,
                                    "42350846-AAED-47F7-B128-FD0C98881CDE"),
      entry<ICorProfilerInfo>("ICorProfilerInfo", IID_ICorProfilerInfo, "28B5557D-3F3F-48b4-90B2-5F9EEA2F6C48"),
      entry<ICorProfilerInfo2>("ICorProfilerInfo2", IID_ICorProfilerInfo2, "CC0935CD-A518-487d-B0BB-A93214E65478"),
      entry<ICorProfilerInfo3>("ICorProfilerInfo3", IID_ICorProfilerInfo3, "B555ED4F-452A-4E54-8B39-B5360BAD32A0"),
      entry<ICorProfilerInfo4>("ICorProfilerInfo4", IID_ICorProfilerInfo4, "0d8fdcaa-6257-47bf-b1bf-94dac88466ee"),
      entry<ICorProfilerInfo5>("ICorProfilerInfo5", IID_ICorProfilerInfo5, "07602928-CE38-4B83-81E7-74ADAF781214"),
      entry<ICorProfilerInfo6>("ICorProfilerInfo6", IID_ICorProfilerInfo6, "F30A070D-BFFB-46A7-B1D8-8781EF7B698A"),
      entry<ICorProfilerInfo7>("ICorProfilerInfo7", IID_ICorProfilerInfo7, "9AEECC0D-63E0-4187-8C00-E312F503F663"),
      entry<ICorProfilerInfo8>("ICorProfilerInfo8", IID_ICorProfilerInfo8, "C5AC80A6-782E-4716-8044-39598C60CFBF"),
      entry<ICorProfilerInfo9>("ICorProfilerInfo9", IID_ICorProfilerInfo9, "008170DB-F8CC-4796-9A51-DC8AA0B47012"),
      entry<ICorProfilerInfo10>("ICorProfilerInfo10", IID_ICorProfilerInfo10,
                                "2F1B5152-C869-40C9-AA5F-3ABE026BD720"),
      entry<ICorProfilerInfo11>("ICorProfilerInfo11", IID_ICorProfilerInfo11,
                                "06398876-8987-4154-B621-40A00D6E4D04"),
      entry<ICorProfilerInfo12>("ICorProfilerInfo12", IID_ICorProfilerInfo12,
                                "27b24ccd-1cb1-47c5-96ee-98190dc30959"),
      entry<ICorProfilerInfo13>("ICorProfilerInfo13", IID_ICorProfilerInfo13,
                                "6E6C7EE2-0701-4EC2-9D29-2E8733B66934"),
      entry<ICorProfilerInfo14>("ICorProfilerInfo14", IID_ICorProfilerInfo14,
                                "F460E352-D76D-4FE9-835F-F6AF9D6E862D"),
      entry<ICorProfilerInfo15>("ICorProfilerInfo15", IID_ICorProfilerInfo15,
                                "B446462D-BD22-41DD-872D-DC714C49EB56"),
      entry<ICorProfilerObjectEnum>("ICorProfilerObjectEnum", IID_ICorProfilerObjectEnum,
                                    "2C6269BD-2D13-4321-AE12-6686365FD6AF"),
      entry<ICorProfilerFunctionEnum>("ICorProfilerFunctionEnum", IID_ICorProfilerFunctionEnum,
                                      "FF71301A-B994-429D-A10B-B345A65280EF"),
      entry<ICorProfilerModuleEnum>("ICorProfilerModuleEnum", IID_ICorProfilerModuleEnum,
                                    "b0266d75-2081-4493-af7f-028ba34db891"),
      entry<ICorProfilerMethodEnum>("ICorProfilerMethodEnum", IID_ICorProfilerMethodEnum,
                                    "FCCEE788-0088-454B-A811-C99F298D1942"),
      entry<ICorProfilerThreadEnum>("ICorProfilerThreadEnum", IID_ICorProfilerThreadEnum,
                                    "571194f7-25ed-419f-aa8b-7016b3159701"),
      entry<IMethodMalloc>("IMethodMalloc", IID_IMethodMalloc, "A0EFB28B-6EE2-4d7b-B983-A75EF7BEEDB8"),
      entry<ICorProfilerFunctionControl>("ICorProfilerFunctionControl", IID_ICorProfilerFunctionControl,
                                         "F0963021-E1EA-4732-8581-E01B0BD3C0C6"),
      entry<ICorProfilerAssemblyReferenceProvider>("ICorProfilerAssemblyReferenceProvider",
                                                   IID_ICorProfilerAssemblyReferenceProvider,
                                                   "66A78C24-2EEF-4F65-B45F-DD1D8038BF3C"),
      entry<IMetaDataImport>("IMetaDataImport", IID_IMetaDataImport, "7DAC8207-D3AE-4c75-9B67-92801A497D44"),
      entry<IMetaDataImport2>("IMetaDataImport2", IID_IMetaDataImport2, "FCE5EFA0-8BBA-4f8e-A036-8F2022B08466"),
      entry<IMetaDataEmit>("IMetaDataEmit", IID_IMetaDataEmit, "BA3FEE4C-ECB9-4e41-83B7-183FA41CD859"),
      entry<IMetaDataEmit2>("IMetaDataEmit2", IID_IMetaDataEmit2, "F5DD9950-F693-42e6-830E-7B833E8146A9"),
      entry<IMetaDataAssemblyImport>("IMetaDataAssemblyImport", IID_IMetaDataAssemblyImport,
                                     "EE62470B-E94B-424e-9B7C-2F00C9249F93"),
      entry<IMetaDataAssemblyEmit>("IMetaDataAssemblyEmit", IID_IMetaDataAssemblyEmit,
                                   "211EF15B-5317-4438-B196-DEC87B887693"),
  };
}

TEST(Iid, ConstantsMatchDocumentedStrings) {
  for (const auto& iid : documented_iids()) {
    auto parsed = parse_guid(iid.documented);
    ASSERT_TRUE(parsed.has_value()) << iid.name;
    EXPECT_TRUE(*parsed == iid.constant) << iid.name << " differs from " << iid.documented;
  }
}

TEST(Iid, TraitReturnsTheSameConstant) {
  for (const auto& iid : documented_iids()) {
    EXPECT_EQ(&iid.constant, &iid.via_trait) << iid.name;
  }
}

TEST(Iid, AllDistinct) {
  auto all = documented_iids();
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      EXPECT_FALSE(all[i].constant == all[j].constant) << all[i].name << " == " << all[j].name;
    }
  }
}

TEST(ParseGuid, FieldsAndByteOrder) {
  // Data1..3 are numbers; Data4 is the last 8 bytes in written order.
  constexpr auto g = parse_guid("{01234567-89AB-cdef-0011-223344556677}");
  static_assert(g.has_value());
  EXPECT_EQ(g->Data1, 0x01234567u);
  EXPECT_EQ(g->Data2, 0x89ABu);
  EXPECT_EQ(g->Data3, 0xCDEFu);
  const std::uint8_t expected[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(g->Data4[i], expected[i]) << i;
}

TEST(ParseGuid, RejectsMalformedInput) {
  EXPECT_FALSE(parse_guid(""));
  EXPECT_FALSE(parse_guid("176FBED1-A55C-4796-98CA-A9DA0EF883E"));     // short
  EXPECT_FALSE(parse_guid("176FBED1-A55C-4796-98CA-A9DA0EF883E77"));   // long
  EXPECT_FALSE(parse_guid("176FBED1A55C-4796-98CA-A9DA0EF883E7-"));    // dash moved
  EXPECT_FALSE(parse_guid("176FBED1-A55C-4796-98CA-A9DA0EF883EG"));    // not hex
  EXPECT_FALSE(parse_guid("{176FBED1-A55C-4796-98CA-A9DA0EF883E7"));   // one brace
  EXPECT_FALSE(parse_guid("176FBED1-A55C-4796-98CA-A9DA0EF883E7}"));
  EXPECT_TRUE(parse_guid("{176FBED1-A55C-4796-98CA-A9DA0EF883E7}"));
}

TEST(Guid, EqualityComparesEveryByte) {
  GUID a = IID_ICorProfilerInfo;
  EXPECT_TRUE(a == IID_ICorProfilerInfo);
  for (int i = 0; i < 8; ++i) {
    GUID b = a;
    b.Data4[i] ^= 1;
    EXPECT_FALSE(b == a) << i;
    EXPECT_TRUE(b != a) << i;
  }
  GUID c = a;
  c.Data3 ^= 1;
  EXPECT_FALSE(c == a);
}

}  // namespace
}  // namespace clrprobe::abi
