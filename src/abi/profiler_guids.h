// IIDs of the CLR profiling and metadata interfaces (documented values, see
// corprof.idl / cor.h). Nothing project-specific: the profiler's own CLSID is
// chosen by the agent.
#pragma once

#include "abi/com.h"

namespace clrprobe::abi {

struct ICorProfilerCallback;
struct ICorProfilerCallback2;
struct ICorProfilerCallback3;
struct ICorProfilerCallback4;
struct ICorProfilerCallback5;
struct ICorProfilerCallback6;
struct ICorProfilerCallback7;
struct ICorProfilerCallback8;
struct ICorProfilerCallback9;
struct ICorProfilerCallback10;
struct ICorProfilerCallback11;
struct ICorProfilerInfo;
struct ICorProfilerInfo2;
struct ICorProfilerInfo3;
struct ICorProfilerInfo4;
struct ICorProfilerInfo5;
struct ICorProfilerInfo6;
struct ICorProfilerInfo7;
struct ICorProfilerInfo8;
struct ICorProfilerInfo9;
struct ICorProfilerInfo10;
struct ICorProfilerInfo11;
struct ICorProfilerInfo12;
struct ICorProfilerInfo13;
struct ICorProfilerInfo14;
struct ICorProfilerInfo15;
struct ICorProfilerObjectEnum;
struct ICorProfilerFunctionEnum;
struct ICorProfilerModuleEnum;
struct ICorProfilerMethodEnum;
struct ICorProfilerThreadEnum;
struct IMethodMalloc;
struct ICorProfilerFunctionControl;
struct ICorProfilerAssemblyReferenceProvider;
struct IMetaDataImport;
struct IMetaDataImport2;
struct IMetaDataEmit;
struct IMetaDataEmit2;
struct IMetaDataAssemblyImport;
struct IMetaDataAssemblyEmit;

inline constexpr IID IID_ICorProfilerCallback = {0x176FBED1, 0xA55C, 0x4796, {0x98, 0xCA, 0xA9, 0xDA, 0x0E, 0xF8, 0x83, 0xE7}};
inline constexpr IID IID_ICorProfilerCallback2 = {0x8A8CC829, 0xCCF2, 0x49FE, {0xBB, 0xAE, 0x0F, 0x02, 0x22, 0x28, 0x07, 0x1A}};
inline constexpr IID IID_ICorProfilerCallback3 = {0x4FD2ED52, 0x7731, 0x4B8D, {0x94, 0x69, 0x03, 0xD2, 0xCC, 0x30, 0x86, 0xC5}};
inline constexpr IID IID_ICorProfilerCallback4 = {0x7B63B2E3, 0x107D, 0x4D48, {0xB2, 0xF6, 0xF6, 0x1E, 0x22, 0x94, 0x70, 0xD2}};
inline constexpr IID IID_ICorProfilerCallback5 = {0x8DFBA405, 0x8C9F, 0x45F8, {0xBF, 0xFA, 0x83, 0xB1, 0x4C, 0xEF, 0x78, 0xB5}};
inline constexpr IID IID_ICorProfilerCallback6 = {0xFC13DF4B, 0x4448, 0x4F4F, {0x95, 0x0C, 0xBA, 0x8D, 0x19, 0xD0, 0x0C, 0x36}};
inline constexpr IID IID_ICorProfilerCallback7 = {0xF76A2DBA, 0x1D52, 0x4539, {0x86, 0x6C, 0x2A, 0xA5, 0x18, 0xF9, 0xEF, 0xC3}};
inline constexpr IID IID_ICorProfilerCallback8 = {0x5BED9B15, 0xC079, 0x4D47, {0xBF, 0xE2, 0x21, 0x5A, 0x14, 0x0C, 0x07, 0xE0}};
inline constexpr IID IID_ICorProfilerCallback9 = {0x27583EC3, 0xC8F5, 0x482F, {0x80, 0x52, 0x19, 0x4B, 0x8C, 0xE4, 0x70, 0x5A}};
inline constexpr IID IID_ICorProfilerCallback10 = {0xCEC5B60E, 0xC69C, 0x495F, {0x87, 0xF6, 0x84, 0xD2, 0x8E, 0xE1, 0x6F, 0xFB}};
inline constexpr IID IID_ICorProfilerCallback11 = {0x42350846, 0xAAED, 0x47F7, {0xB1, 0x28, 0xFD, 0x0C, 0x98, 0x88, 0x1C, 0xDE}};
inline constexpr IID IID_ICorProfilerInfo = {0x28B5557D, 0x3F3F, 0x48B4, {0x90, 0xB2, 0x5F, 0x9E, 0xEA, 0x2F, 0x6C, 0x48}};
inline constexpr IID IID_ICorProfilerInfo2 = {0xCC0935CD, 0xA518, 0x487D, {0xB0, 0xBB, 0xA9, 0x32, 0x14, 0xE6, 0x54, 0x78}};
inline constexpr IID IID_ICorProfilerInfo3 = {0xB555ED4F, 0x452A, 0x4E54, {0x8B, 0x39, 0xB5, 0x36, 0x0B, 0xAD, 0x32, 0xA0}};
inline constexpr IID IID_ICorProfilerInfo4 = {0x0D8FDCAA, 0x6257, 0x47BF, {0xB1, 0xBF, 0x94, 0xDA, 0xC8, 0x84, 0x66, 0xEE}};
inline constexpr IID IID_ICorProfilerInfo5 = {0x07602928, 0xCE38, 0x4B83, {0x81, 0xE7, 0x74, 0xAD, 0xAF, 0x78, 0x12, 0x14}};
inline constexpr IID IID_ICorProfilerInfo6 = {0xF30A070D, 0xBFFB, 0x46A7, {0xB1, 0xD8, 0x87, 0x81, 0xEF, 0x7B, 0x69, 0x8A}};
inline constexpr IID IID_ICorProfilerInfo7 = {0x9AEECC0D, 0x63E0, 0x4187, {0x8C, 0x00, 0xE3, 0x12, 0xF5, 0x03, 0xF6, 0x63}};
inline constexpr IID IID_ICorProfilerInfo8 = {0xC5AC80A6, 0x782E, 0x4716, {0x80, 0x44, 0x39, 0x59, 0x8C, 0x60, 0xCF, 0xBF}};
inline constexpr IID IID_ICorProfilerInfo9 = {0x008170DB, 0xF8CC, 0x4796, {0x9A, 0x51, 0xDC, 0x8A, 0xA0, 0xB4, 0x70, 0x12}};
inline constexpr IID IID_ICorProfilerInfo10 = {0x2F1B5152, 0xC869, 0x40C9, {0xAA, 0x5F, 0x3A, 0xBE, 0x02, 0x6B, 0xD7, 0x20}};
inline constexpr IID IID_ICorProfilerInfo11 = {0x06398876, 0x8987, 0x4154, {0xB6, 0x21, 0x40, 0xA0, 0x0D, 0x6E, 0x4D, 0x04}};
inline constexpr IID IID_ICorProfilerInfo12 = {0x27B24CCD, 0x1CB1, 0x47C5, {0x96, 0xEE, 0x98, 0x19, 0x0D, 0xC3, 0x09, 0x59}};
inline constexpr IID IID_ICorProfilerInfo13 = {0x6E6C7EE2, 0x0701, 0x4EC2, {0x9D, 0x29, 0x2E, 0x87, 0x33, 0xB6, 0x69, 0x34}};
inline constexpr IID IID_ICorProfilerInfo14 = {0xF460E352, 0xD76D, 0x4FE9, {0x83, 0x5F, 0xF6, 0xAF, 0x9D, 0x6E, 0x86, 0x2D}};
inline constexpr IID IID_ICorProfilerInfo15 = {0xB446462D, 0xBD22, 0x41DD, {0x87, 0x2D, 0xDC, 0x71, 0x4C, 0x49, 0xEB, 0x56}};
inline constexpr IID IID_ICorProfilerObjectEnum = {0x2C6269BD, 0x2D13, 0x4321, {0xAE, 0x12, 0x66, 0x86, 0x36, 0x5F, 0xD6, 0xAF}};
inline constexpr IID IID_ICorProfilerFunctionEnum = {0xFF71301A, 0xB994, 0x429D, {0xA1, 0x0B, 0xB3, 0x45, 0xA6, 0x52, 0x80, 0xEF}};
inline constexpr IID IID_ICorProfilerModuleEnum = {0xB0266D75, 0x2081, 0x4493, {0xAF, 0x7F, 0x02, 0x8B, 0xA3, 0x4D, 0xB8, 0x91}};
inline constexpr IID IID_ICorProfilerMethodEnum = {0xFCCEE788, 0x0088, 0x454B, {0xA8, 0x11, 0xC9, 0x9F, 0x29, 0x8D, 0x19, 0x42}};
inline constexpr IID IID_ICorProfilerThreadEnum = {0x571194F7, 0x25ED, 0x419F, {0xAA, 0x8B, 0x70, 0x16, 0xB3, 0x15, 0x97, 0x01}};
inline constexpr IID IID_IMethodMalloc = {0xA0EFB28B, 0x6EE2, 0x4D7B, {0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8}};
inline constexpr IID IID_ICorProfilerFunctionControl = {0xF0963021, 0xE1EA, 0x4732, {0x85, 0x81, 0xE0, 0x1B, 0x0B, 0xD3, 0xC0, 0xC6}};
inline constexpr IID IID_ICorProfilerAssemblyReferenceProvider = {0x66A78C24, 0x2EEF, 0x4F65, {0xB4, 0x5F, 0xDD, 0x1D, 0x80, 0x38, 0xBF, 0x3C}};
inline constexpr IID IID_IMetaDataImport = {0x7DAC8207, 0xD3AE, 0x4C75, {0x9B, 0x67, 0x92, 0x80, 0x1A, 0x49, 0x7D, 0x44}};
inline constexpr IID IID_IMetaDataImport2 = {0xFCE5EFA0, 0x8BBA, 0x4F8E, {0xA0, 0x36, 0x8F, 0x20, 0x22, 0xB0, 0x84, 0x66}};
inline constexpr IID IID_IMetaDataEmit = {0xBA3FEE4C, 0xECB9, 0x4E41, {0x83, 0xB7, 0x18, 0x3F, 0xA4, 0x1C, 0xD8, 0x59}};
inline constexpr IID IID_IMetaDataEmit2 = {0xF5DD9950, 0xF693, 0x42E6, {0x83, 0x0E, 0x7B, 0x83, 0x3E, 0x81, 0x46, 0xA9}};
inline constexpr IID IID_IMetaDataAssemblyImport = {0xEE62470B, 0xE94B, 0x424E, {0x9B, 0x7C, 0x2F, 0x00, 0xC9, 0x24, 0x9F, 0x93}};
inline constexpr IID IID_IMetaDataAssemblyEmit = {0x211EF15B, 0x5317, 0x4438, {0xB1, 0x96, 0xDE, 0xC8, 0x7B, 0x88, 0x76, 0x93}};

template <>
struct InterfaceId<ICorProfilerCallback> {
  static constexpr const IID& value = IID_ICorProfilerCallback;
};
template <>
struct InterfaceId<ICorProfilerCallback2> {
  static constexpr const IID& value = IID_ICorProfilerCallback2;
};
template <>
struct InterfaceId<ICorProfilerCallback3> {
  static constexpr const IID& value = IID_ICorProfilerCallback3;
};
template <>
struct InterfaceId<ICorProfilerCallback4> {
  static constexpr const IID& value = IID_ICorProfilerCallback4;
};
template <>
struct InterfaceId<ICorProfilerCallback5> {
  static constexpr const IID& value = IID_ICorProfilerCallback5;
};
template <>
struct InterfaceId<ICorProfilerCallback6> {
  static constexpr const IID& value = IID_ICorProfilerCallback6;
};
template <>
struct InterfaceId<ICorProfilerCallback7> {
  static constexpr const IID& value = IID_ICorProfilerCallback7;
};
template <>
struct InterfaceId<ICorProfilerCallback8> {
  static constexpr const IID& value = IID_ICorProfilerCallback8;
};
template <>
struct InterfaceId<ICorProfilerCallback9> {
  static constexpr const IID& value = IID_ICorProfilerCallback9;
};
template <>
struct InterfaceId<ICorProfilerCallback10> {
  static constexpr const IID& value = IID_ICorProfilerCallback10;
};
template <>
struct InterfaceId<ICorProfilerCallback11> {
  static constexpr const IID& value = IID_ICorProfilerCallback11;
};
template <>
struct InterfaceId<ICorProfilerInfo> {
  static constexpr const IID& value = IID_ICorProfilerInfo;
};
template <>
struct InterfaceId<ICorProfilerInfo2> {
  static constexpr const IID& value = IID_ICorProfilerInfo2;
};
template <>
struct InterfaceId<ICorProfilerInfo3> {
  static constexpr const IID& value = IID_ICorProfilerInfo3;
};
template <>
struct InterfaceId<ICorProfilerInfo4> {
  static constexpr const IID& value = IID_ICorProfilerInfo4;
};
template <>
struct InterfaceId<ICorProfilerInfo5> {
  static constexpr const IID& value = IID_ICorProfilerInfo5;
};
template <>
struct InterfaceId<ICorProfilerInfo6> {
  static constexpr const IID& value = IID_ICorProfilerInfo6;
};
template <>
struct InterfaceId<ICorProfilerInfo7> {
  static constexpr const IID& value = IID_ICorProfilerInfo7;
};
template <>
struct InterfaceId<ICorProfilerInfo8> {
  static constexpr const IID& value = IID_ICorProfilerInfo8;
};
template <>
struct InterfaceId<ICorProfilerInfo9> {
  static constexpr const IID& value = IID_ICorProfilerInfo9;
};
template <>
struct InterfaceId<ICorProfilerInfo10> {
  static constexpr const IID& value = IID_ICorProfilerInfo10;
};
template <>
struct InterfaceId<ICorProfilerInfo11> {
  static constexpr const IID& value = IID_ICorProfilerInfo11;
};
template <>
struct InterfaceId<ICorProfilerInfo12> {
  static constexpr const IID& value = IID_ICorProfilerInfo12;
};
template <>
struct InterfaceId<ICorProfilerInfo13> {
  static constexpr const IID& value = IID_ICorProfilerInfo13;
};
template <>
struct InterfaceId<ICorProfilerInfo14> {
  static constexpr const IID& value = IID_ICorProfilerInfo14;
};
template <>
struct InterfaceId<ICorProfilerInfo15> {
  static constexpr const IID& value = IID_ICorProfilerInfo15;
};
template <>
struct InterfaceId<ICorProfilerObjectEnum> {
  static constexpr const IID& value = IID_ICorProfilerObjectEnum;
};
template <>
struct InterfaceId<ICorProfilerFunctionEnum> {
  static constexpr const IID& value = IID_ICorProfilerFunctionEnum;
};
template <>
struct InterfaceId<ICorProfilerModuleEnum> {
  static constexpr const IID& value = IID_ICorProfilerModuleEnum;
};
template <>
struct InterfaceId<ICorProfilerMethodEnum> {
  static constexpr const IID& value = IID_ICorProfilerMethodEnum;
};
template <>
struct InterfaceId<ICorProfilerThreadEnum> {
  static constexpr const IID& value = IID_ICorProfilerThreadEnum;
};
template <>
struct InterfaceId<IMethodMalloc> {
  static constexpr const IID& value = IID_IMethodMalloc;
};
template <>
struct InterfaceId<ICorProfilerFunctionControl> {
  static constexpr const IID& value = IID_ICorProfilerFunctionControl;
};
template <>
struct InterfaceId<ICorProfilerAssemblyReferenceProvider> {
  static constexpr const IID& value = IID_ICorProfilerAssemblyReferenceProvider;
};
template <>
struct InterfaceId<IMetaDataImport> {
  static constexpr const IID& value = IID_IMetaDataImport;
};
template <>
struct InterfaceId<IMetaDataImport2> {
  static constexpr const IID& value = IID_IMetaDataImport2;
};
template <>
struct InterfaceId<IMetaDataEmit> {
  static constexpr const IID& value = IID_IMetaDataEmit;
};
template <>
struct InterfaceId<IMetaDataEmit2> {
  static constexpr const IID& value = IID_IMetaDataEmit2;
};
template <>
struct InterfaceId<IMetaDataAssemblyImport> {
  static constexpr const IID& value = IID_IMetaDataAssemblyImport;
};
template <>
struct InterfaceId<IMetaDataAssemblyEmit> {
  static constexpr const IID& value = IID_IMetaDataAssemblyEmit;
};

}  // namespace clrprobe::abi
