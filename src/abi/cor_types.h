// Metadata tokens, element types, calling conventions and attribute flags of
// ECMA-335 / CoreCLR metadata, with the names the runtime documents.
#pragma once

#include <cstdint>

#include "abi/com.h"

namespace clrprobe::abi {

using mdToken = std::uint32_t;
using RID = std::uint32_t;

using mdModule = mdToken;
using mdTypeRef = mdToken;
using mdTypeDef = mdToken;
using mdFieldDef = mdToken;
using mdMethodDef = mdToken;
using mdParamDef = mdToken;
using mdInterfaceImpl = mdToken;
using mdMemberRef = mdToken;
using mdCustomAttribute = mdToken;
using mdPermission = mdToken;
using mdSignature = mdToken;
using mdEvent = mdToken;
using mdProperty = mdToken;
using mdModuleRef = mdToken;
using mdAssembly = mdToken;
using mdAssemblyRef = mdToken;
using mdFile = mdToken;
using mdExportedType = mdToken;
using mdManifestResource = mdToken;
using mdTypeSpec = mdToken;
using mdGenericParam = mdToken;
using mdMethodSpec = mdToken;
using mdGenericParamConstraint = mdToken;
using mdString = mdToken;
using mdCPToken = mdToken;

using COR_SIGNATURE = std::uint8_t;
using PCOR_SIGNATURE = COR_SIGNATURE*;
using PCCOR_SIGNATURE = const COR_SIGNATURE*;
using MDUTF8CSTR = const char*;
using MDUTF8STR = char*;
using UVCP_CONSTANT = const void*;
using HCORENUM = void*;

// Token type = metadata table number in the top byte.
enum CorTokenType : std::uint32_t {
  mdtModule = 0x00000000,
  mdtTypeRef = 0x01000000,
  mdtTypeDef = 0x02000000,
  mdtFieldDef = 0x04000000,
  mdtMethodDef = 0x06000000,
  mdtParamDef = 0x08000000,
  mdtInterfaceImpl = 0x09000000,
  mdtMemberRef = 0x0a000000,
  mdtCustomAttribute = 0x0c000000,
  mdtPermission = 0x0e000000,
  mdtSignature = 0x11000000,
  mdtEvent = 0x14000000,
  mdtProperty = 0x17000000,
  mdtMethodImpl = 0x19000000,
  mdtModuleRef = 0x1a000000,
  mdtTypeSpec = 0x1b000000,
  mdtAssembly = 0x20000000,
  mdtAssemblyRef = 0x23000000,
  mdtFile = 0x26000000,
  mdtExportedType = 0x27000000,
  mdtManifestResource = 0x28000000,
  mdtGenericParam = 0x2a000000,
  mdtMethodSpec = 0x2b000000,
  mdtGenericParamConstraint = 0x2c000000,
  mdtString = 0x70000000,
  mdtName = 0x71000000,
  mdtBaseType = 0x72000000,
};

constexpr std::uint32_t TypeFromToken(mdToken tk) noexcept { return tk & 0xff000000u; }
constexpr RID RidFromToken(mdToken tk) noexcept { return tk & 0x00ffffffu; }
constexpr mdToken TokenFromRid(RID rid, std::uint32_t tokenType) noexcept { return rid | tokenType; }
constexpr bool IsNilToken(mdToken tk) noexcept { return RidFromToken(tk) == 0; }

inline constexpr mdToken mdTokenNil = 0;
inline constexpr mdModule mdModuleNil = mdtModule;
inline constexpr mdTypeRef mdTypeRefNil = mdtTypeRef;
inline constexpr mdTypeDef mdTypeDefNil = mdtTypeDef;
inline constexpr mdFieldDef mdFieldDefNil = mdtFieldDef;
inline constexpr mdMethodDef mdMethodDefNil = mdtMethodDef;
inline constexpr mdParamDef mdParamDefNil = mdtParamDef;
inline constexpr mdMemberRef mdMemberRefNil = mdtMemberRef;
inline constexpr mdSignature mdSignatureNil = mdtSignature;
inline constexpr mdModuleRef mdModuleRefNil = mdtModuleRef;
inline constexpr mdTypeSpec mdTypeSpecNil = mdtTypeSpec;
inline constexpr mdAssembly mdAssemblyNil = mdtAssembly;
inline constexpr mdAssemblyRef mdAssemblyRefNil = mdtAssemblyRef;
inline constexpr mdMethodSpec mdMethodSpecNil = mdtMethodSpec;
inline constexpr mdString mdStringNil = mdtString;

// 32-bit because the profiling API writes it through a CorElementType*
// (ICorProfilerInfo::IsArrayClass); signatures store it as one byte.
enum CorElementType : std::uint32_t {
  ELEMENT_TYPE_END = 0x00,
  ELEMENT_TYPE_VOID = 0x01,
  ELEMENT_TYPE_BOOLEAN = 0x02,
  ELEMENT_TYPE_CHAR = 0x03,
  ELEMENT_TYPE_I1 = 0x04,
  ELEMENT_TYPE_U1 = 0x05,
  ELEMENT_TYPE_I2 = 0x06,
  ELEMENT_TYPE_U2 = 0x07,
  ELEMENT_TYPE_I4 = 0x08,
  ELEMENT_TYPE_U4 = 0x09,
  ELEMENT_TYPE_I8 = 0x0a,
  ELEMENT_TYPE_U8 = 0x0b,
  ELEMENT_TYPE_R4 = 0x0c,
  ELEMENT_TYPE_R8 = 0x0d,
  ELEMENT_TYPE_STRING = 0x0e,
  ELEMENT_TYPE_PTR = 0x0f,
  ELEMENT_TYPE_BYREF = 0x10,
  ELEMENT_TYPE_VALUETYPE = 0x11,
  ELEMENT_TYPE_CLASS = 0x12,
  ELEMENT_TYPE_VAR = 0x13,
  ELEMENT_TYPE_ARRAY = 0x14,
  ELEMENT_TYPE_GENERICINST = 0x15,
  ELEMENT_TYPE_TYPEDBYREF = 0x16,
  ELEMENT_TYPE_I = 0x18,
  ELEMENT_TYPE_U = 0x19,
  ELEMENT_TYPE_FNPTR = 0x1b,
  ELEMENT_TYPE_OBJECT = 0x1c,
  ELEMENT_TYPE_SZARRAY = 0x1d,
  ELEMENT_TYPE_MVAR = 0x1e,
  ELEMENT_TYPE_CMOD_REQD = 0x1f,
  ELEMENT_TYPE_CMOD_OPT = 0x20,
  ELEMENT_TYPE_INTERNAL = 0x21,
  ELEMENT_TYPE_MAX = 0x22,
  ELEMENT_TYPE_MODIFIER = 0x40,
  ELEMENT_TYPE_SENTINEL = 0x01 | ELEMENT_TYPE_MODIFIER,
  ELEMENT_TYPE_PINNED = 0x05 | ELEMENT_TYPE_MODIFIER,
};

enum CorUnmanagedCallingConvention : std::uint32_t {
  IMAGE_CEE_UNMANAGED_CALLCONV_C = 0x1,
  IMAGE_CEE_UNMANAGED_CALLCONV_STDCALL = 0x2,
  IMAGE_CEE_UNMANAGED_CALLCONV_THISCALL = 0x3,
  IMAGE_CEE_UNMANAGED_CALLCONV_FASTCALL = 0x4,
};

enum CorCallingConvention : std::uint32_t {
  IMAGE_CEE_CS_CALLCONV_DEFAULT = 0x0,
  IMAGE_CEE_CS_CALLCONV_C = 0x1,
  IMAGE_CEE_CS_CALLCONV_STDCALL = 0x2,
  IMAGE_CEE_CS_CALLCONV_THISCALL = 0x3,
  IMAGE_CEE_CS_CALLCONV_FASTCALL = 0x4,
  IMAGE_CEE_CS_CALLCONV_VARARG = 0x5,
  IMAGE_CEE_CS_CALLCONV_FIELD = 0x6,
  IMAGE_CEE_CS_CALLCONV_LOCAL_SIG = 0x7,
  IMAGE_CEE_CS_CALLCONV_PROPERTY = 0x8,
  // Unmanaged calling convention carried as modopts (e.g. SuppressGCTransition).
  IMAGE_CEE_CS_CALLCONV_UNMANAGED = 0x9,
  IMAGE_CEE_CS_CALLCONV_GENERICINST = 0xa,
  IMAGE_CEE_CS_CALLCONV_NATIVEVARARG = 0xb,
  IMAGE_CEE_CS_CALLCONV_MAX = 0xc,
  IMAGE_CEE_CS_CALLCONV_MASK = 0x0f,
  IMAGE_CEE_CS_CALLCONV_GENERIC = 0x10,
  IMAGE_CEE_CS_CALLCONV_HASTHIS = 0x20,
  IMAGE_CEE_CS_CALLCONV_EXPLICITTHIS = 0x40,
};

enum CorTypeAttr : std::uint32_t {
  tdVisibilityMask = 0x00000007,
  tdNotPublic = 0x00000000,
  tdPublic = 0x00000001,
  tdNestedPublic = 0x00000002,
  tdNestedPrivate = 0x00000003,
  tdNestedFamily = 0x00000004,
  tdNestedAssembly = 0x00000005,
  tdNestedFamANDAssem = 0x00000006,
  tdNestedFamORAssem = 0x00000007,
  tdLayoutMask = 0x00000018,
  tdAutoLayout = 0x00000000,
  tdSequentialLayout = 0x00000008,
  tdExplicitLayout = 0x00000010,
  tdClassSemanticsMask = 0x00000020,
  tdClass = 0x00000000,
  tdInterface = 0x00000020,
  tdAbstract = 0x00000080,
  tdSealed = 0x00000100,
  tdSpecialName = 0x00000400,
  tdImport = 0x00001000,
  tdSerializable = 0x00002000,
  tdWindowsRuntime = 0x00004000,
  tdStringFormatMask = 0x00030000,
  tdAnsiClass = 0x00000000,
  tdUnicodeClass = 0x00010000,
  tdAutoClass = 0x00020000,
  tdCustomFormatClass = 0x00030000,
  tdCustomFormatMask = 0x00C00000,
  tdBeforeFieldInit = 0x00100000,
  tdForwarder = 0x00200000,
  tdReservedMask = 0x00040800,
  tdRTSpecialName = 0x00000800,
  tdHasSecurity = 0x00040000,
};

// Visibility is a 3-bit value, not a flag set: all nested kinds are >= 2.
constexpr bool IsTdNested(DWORD flags) noexcept { return (flags & tdVisibilityMask) >= tdNestedPublic; }
constexpr bool IsTdInterface(DWORD flags) noexcept { return (flags & tdClassSemanticsMask) == tdInterface; }

enum CorMethodAttr : std::uint32_t {
  mdMemberAccessMask = 0x0007,
  mdPrivateScope = 0x0000,
  mdPrivate = 0x0001,
  mdFamANDAssem = 0x0002,
  mdAssem = 0x0003,
  mdFamily = 0x0004,
  mdFamORAssem = 0x0005,
  mdPublic = 0x0006,
  mdStatic = 0x0010,
  mdFinal = 0x0020,
  mdVirtual = 0x0040,
  mdHideBySig = 0x0080,
  mdVtableLayoutMask = 0x0100,
  mdReuseSlot = 0x0000,
  mdNewSlot = 0x0100,
  mdCheckAccessOnOverride = 0x0200,
  mdAbstract = 0x0400,
  mdSpecialName = 0x0800,
  mdPinvokeImpl = 0x2000,
  mdUnmanagedExport = 0x0008,
  mdReservedMask = 0xd000,
  mdRTSpecialName = 0x1000,
  mdHasSecurity = 0x4000,
  mdRequireSecObject = 0x8000,
};

enum CorFieldAttr : std::uint32_t {
  fdFieldAccessMask = 0x0007,
  fdPrivateScope = 0x0000,
  fdPrivate = 0x0001,
  fdFamANDAssem = 0x0002,
  fdAssembly = 0x0003,
  fdFamily = 0x0004,
  fdFamORAssem = 0x0005,
  fdPublic = 0x0006,
  fdStatic = 0x0010,
  fdInitOnly = 0x0020,
  fdLiteral = 0x0040,
  fdNotSerialized = 0x0080,
  fdSpecialName = 0x0200,
  fdPinvokeImpl = 0x2000,
  fdReservedMask = 0x9500,
  fdRTSpecialName = 0x0400,
  fdHasFieldMarshal = 0x1000,
  fdHasDefault = 0x8000,
  fdHasFieldRVA = 0x0100,
};

enum CorParamAttr : std::uint32_t {
  pdIn = 0x0001,
  pdOut = 0x0002,
  pdOptional = 0x0010,
  pdReservedMask = 0xf000,
  pdHasDefault = 0x1000,
  pdHasFieldMarshal = 0x2000,
  pdUnused = 0xcfe0,
};

enum CorMethodImpl : std::uint32_t {
  miCodeTypeMask = 0x0003,
  miIL = 0x0000,
  miNative = 0x0001,
  miOPTIL = 0x0002,
  miRuntime = 0x0003,
  miManagedMask = 0x0004,
  miUnmanaged = 0x0004,
  miManaged = 0x0000,
  miForwardRef = 0x0010,
  miPreserveSig = 0x0080,
  miInternalCall = 0x1000,
  miSynchronized = 0x0020,
  miNoInlining = 0x0008,
  miAggressiveInlining = 0x0100,
  miNoOptimization = 0x0040,
  miAggressiveOptimization = 0x0200,
  miUserMask = miManagedMask | miForwardRef | miPreserveSig | miInternalCall | miSynchronized |
               miNoInlining | miAggressiveInlining | miNoOptimization | miAggressiveOptimization,
  miMaxMethodImplVal = 0xffff,
};

enum CorPinvokeMap : std::uint32_t {
  pmNoMangle = 0x0001,
  pmCharSetMask = 0x0006,
  pmCharSetNotSpec = 0x0000,
  pmCharSetAnsi = 0x0002,
  pmCharSetUnicode = 0x0004,
  pmCharSetAuto = 0x0006,
  pmBestFitUseAssem = 0x0000,
  pmBestFitEnabled = 0x0010,
  pmBestFitDisabled = 0x0020,
  pmBestFitMask = 0x0030,
  pmThrowOnUnmappableCharUseAssem = 0x0000,
  pmThrowOnUnmappableCharEnabled = 0x1000,
  pmThrowOnUnmappableCharDisabled = 0x2000,
  pmThrowOnUnmappableCharMask = 0x3000,
  pmSupportsLastError = 0x0040,
  pmCallConvMask = 0x0700,
  pmCallConvWinapi = 0x0100,
  pmCallConvCdecl = 0x0200,
  pmCallConvStdcall = 0x0300,
  pmCallConvThiscall = 0x0400,
  pmCallConvFastcall = 0x0500,
  pmMaxValue = 0xFFFF,
};

enum CorAssemblyFlags : std::uint32_t {
  afPublicKey = 0x0001,
  afPA_None = 0x0000,
  afPA_MSIL = 0x0010,
  afPA_x86 = 0x0020,
  afPA_IA64 = 0x0030,
  afPA_AMD64 = 0x0040,
  afPA_ARM = 0x0050,
  afPA_ARM64 = 0x0060,
  afPA_NoPlatform = 0x0070,
  afPA_Specified = 0x0080,
  afPA_Mask = 0x0070,
  afPA_FullMask = 0x00F0,
  afPA_Shift = 0x0004,
  afEnableJITcompileTracking = 0x8000,
  afDisableJITcompileOptimizer = 0x4000,
  afDebuggableAttributeMask = 0xc000,
  afRetargetable = 0x0100,
  afContentType_Default = 0x0000,
  afContentType_WindowsRuntime = 0x0200,
  afContentType_Mask = 0x0E00,
};

// Used by GetClassLayout / SetClassLayout (metadata and profiling API).
struct COR_FIELD_OFFSET {
  mdFieldDef ridOfField;
  ULONG ulOffset;
};

}  // namespace clrprobe::abi
