// The CIL instruction set (ECMA-335 Partition III): one-byte opcodes and the
// 0xFE-prefixed two-byte ones, with operand kind, stack behaviour and control
// flow. Everything else in src/il/ looks opcodes up here, so the table is the
// single source of truth for instruction sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clrprobe::il {

// What follows the opcode bytes in the instruction stream.
enum class OperandKind : uint8_t {
  None,         // no operand
  Int8,         // ldc.i4.s
  UInt8,        // unaligned. / no. (alignment or check flags)
  ShortVar,     // uint8 argument/local index (ldarg.s, stloc.s, ...)
  Int16Var,     // uint16 argument/local index (ldarg, stloc, ...)
  Int32,        // ldc.i4
  Int64,        // ldc.i8
  Float32,      // ldc.r4
  Float64,      // ldc.r8
  Token,        // metadata token (call, ldfld, ldstr, calli's StandAloneSig...)
  ShortBranch,  // int8 displacement from the next instruction
  Branch,       // int32 displacement from the next instruction
  Switch,       // uint32 count, then count int32 displacements
};

// How control leaves the instruction (ECMA-335 III.1.2 "control flow").
enum class FlowKind : uint8_t {
  Next,        // falls through to the following instruction
  Break,       // `break`: falls through (debugger trap)
  Call,        // call-like; falls through
  Branch,      // unconditional jump (br, leave): no fall-through
  CondBranch,  // conditional jump or switch: target(s) + fall-through
  Return,      // ret, endfinally, endfilter, jmp: leaves the block/method
  Throw,       // throw, rethrow
  Meta,        // prefix: modifies the next instruction
};

// Stack behaviour markers used in OpcodeInfo::pops.
inline constexpr int8_t kVarPop = -1;   // depends on a signature (call, ret...)
inline constexpr int8_t kPopAll = -2;   // empties the stack (leave, endfinally)
// ... and in OpcodeInfo::pushes.
inline constexpr int8_t kVarPush = -1;  // depends on a signature (call...)

// X(Enumerator, "ilasm name", encoded value, operand, pops, pushes, flow)
// Encoded value: one-byte opcodes are 0x00..0xE0, two-byte ones 0xFE00|second.
#define CLRPROBE_IL_OPCODES(X)                                               \
  X(Nop, "nop", 0x00, None, 0, 0, Next)                                      \
  X(Break, "break", 0x01, None, 0, 0, Break)                                 \
  X(Ldarg_0, "ldarg.0", 0x02, None, 0, 1, Next)                              \
  X(Ldarg_1, "ldarg.1", 0x03, None, 0, 1, Next)                              \
  X(Ldarg_2, "ldarg.2", 0x04, None, 0, 1, Next)                              \
  X(Ldarg_3, "ldarg.3", 0x05, None, 0, 1, Next)                              \
  X(Ldloc_0, "ldloc.0", 0x06, None, 0, 1, Next)                              \
  X(Ldloc_1, "ldloc.1", 0x07, None, 0, 1, Next)                              \
  X(Ldloc_2, "ldloc.2", 0x08, None, 0, 1, Next)                              \
  X(Ldloc_3, "ldloc.3", 0x09, None, 0, 1, Next)                              \
  X(Stloc_0, "stloc.0", 0x0A, None, 1, 0, Next)                              \
  X(Stloc_1, "stloc.1", 0x0B, None, 1, 0, Next)                              \
  X(Stloc_2, "stloc.2", 0x0C, None, 1, 0, Next)                              \
  X(Stloc_3, "stloc.3", 0x0D, None, 1, 0, Next)                              \
  X(Ldarg_S, "ldarg.s", 0x0E, ShortVar, 0, 1, Next)                          \
  X(Ldarga_S, "ldarga.s", 0x0F, ShortVar, 0, 1, Next)                        \
  X(Starg_S, "starg.s", 0x10, ShortVar, 1, 0, Next)                          \
  X(Ldloc_S, "ldloc.s", 0x11, ShortVar, 0, 1, Next)                          \
  X(Ldloca_S, "ldloca.s", 0x12, ShortVar, 0, 1, Next)                        \
  X(Stloc_S, "stloc.s", 0x13, ShortVar, 1, 0, Next)                          \
  X(Ldnull, "ldnull", 0x14, None, 0, 1, Next)                                \
  X(Ldc_I4_M1, "ldc.i4.m1", 0x15, None, 0, 1, Next)                          \
  X(Ldc_I4_0, "ldc.i4.0", 0x16, None, 0, 1, Next)                            \
  X(Ldc_I4_1, "ldc.i4.1", 0x17, None, 0, 1, Next)                            \
  X(Ldc_I4_2, "ldc.i4.2", 0x18, None, 0, 1, Next)                            \
  X(Ldc_I4_3, "ldc.i4.3", 0x19, None, 0, 1, Next)                            \
  X(Ldc_I4_4, "ldc.i4.4", 0x1A, None, 0, 1, Next)                            \
  X(Ldc_I4_5, "ldc.i4.5", 0x1B, None, 0, 1, Next)                            \
  X(Ldc_I4_6, "ldc.i4.6", 0x1C, None, 0, 1, Next)                            \
  X(Ldc_I4_7, "ldc.i4.7", 0x1D, None, 0, 1, Next)                            \
  X(Ldc_I4_8, "ldc.i4.8", 0x1E, None, 0, 1, Next)                            \
  X(Ldc_I4_S, "ldc.i4.s", 0x1F, Int8, 0, 1, Next)                            \
  X(Ldc_I4, "ldc.i4", 0x20, Int32, 0, 1, Next)                               \
  X(Ldc_I8, "ldc.i8", 0x21, Int64, 0, 1, Next)                               \
  X(Ldc_R4, "ldc.r4", 0x22, Float32, 0, 1, Next)                             \
  X(Ldc_R8, "ldc.r8", 0x23, Float64, 0, 1, Next)                             \
  X(Dup, "dup", 0x25, None, 1, 2, Next)                                      \
  X(Pop, "pop", 0x26, None, 1, 0, Next)                                      \
  X(Jmp, "jmp", 0x27, Token, 0, 0, Return)                                   \
  X(Call, "call", 0x28, Token, kVarPop, kVarPush, Call)                      \
  X(Calli, "calli", 0x29, Token, kVarPop, kVarPush, Call)                    \
  X(Ret, "ret", 0x2A, None, kVarPop, 0, Return)                              \
  X(Br_S, "br.s", 0x2B, ShortBranch, 0, 0, Branch)                           \
  X(Brfalse_S, "brfalse.s", 0x2C, ShortBranch, 1, 0, CondBranch)             \
  X(Brtrue_S, "brtrue.s", 0x2D, ShortBranch, 1, 0, CondBranch)               \
  X(Beq_S, "beq.s", 0x2E, ShortBranch, 2, 0, CondBranch)                     \
  X(Bge_S, "bge.s", 0x2F, ShortBranch, 2, 0, CondBranch)                     \
  X(Bgt_S, "bgt.s", 0x30, ShortBranch, 2, 0, CondBranch)                     \
  X(Ble_S, "ble.s", 0x31, ShortBranch, 2, 0, CondBranch)                     \
  X(Blt_S, "blt.s", 0x32, ShortBranch, 2, 0, CondBranch)                     \
  X(Bne_Un_S, "bne.un.s", 0x33, ShortBranch, 2, 0, CondBranch)               \
  X(Bge_Un_S, "bge.un.s", 0x34, ShortBranch, 2, 0, CondBranch)               \
  X(Bgt_Un_S, "bgt.un.s", 0x35, ShortBranch, 2, 0, CondBranch)               \
  X(Ble_Un_S, "ble.un.s", 0x36, ShortBranch, 2, 0, CondBranch)               \
  X(Blt_Un_S, "blt.un.s", 0x37, ShortBranch, 2, 0, CondBranch)               \
  X(Br, "br", 0x38, Branch, 0, 0, Branch)                                    \
  X(Brfalse, "brfalse", 0x39, Branch, 1, 0, CondBranch)                      \
  X(Brtrue, "brtrue", 0x3A, Branch, 1, 0, CondBranch)                        \
  X(Beq, "beq", 0x3B, Branch, 2, 0, CondBranch)                              \
  X(Bge, "bge", 0x3C, Branch, 2, 0, CondBranch)                              \
  X(Bgt, "bgt", 0x3D, Branch, 2, 0, CondBranch)                              \
  X(Ble, "ble", 0x3E, Branch, 2, 0, CondBranch)                              \
  X(Blt, "blt", 0x3F, Branch, 2, 0, CondBranch)                              \
  X(Bne_Un, "bne.un", 0x40, Branch, 2, 0, CondBranch)                        \
  X(Bge_Un, "bge.un", 0x41, Branch, 2, 0, CondBranch)                        \
  X(Bgt_Un, "bgt.un", 0x42, Branch, 2, 0, CondBranch)                        \
  X(Ble_Un, "ble.un", 0x43, Branch, 2, 0, CondBranch)                        \
  X(Blt_Un, "blt.un", 0x44, Branch, 2, 0, CondBranch)                        \
  X(Switch, "switch", 0x45, Switch, 1, 0, CondBranch)                        \
  X(Ldind_I1, "ldind.i1", 0x46, None, 1, 1, Next)                            \
  X(Ldind_U1, "ldind.u1", 0x47, None, 1, 1, Next)                            \
  X(Ldind_I2, "ldind.i2", 0x48, None, 1, 1, Next)                            \
  X(Ldind_U2, "ldind.u2", 0x49, None, 1, 1, Next)                            \
  X(Ldind_I4, "ldind.i4", 0x4A, None, 1, 1, Next)                            \
  X(Ldind_U4, "ldind.u4", 0x4B, None, 1, 1, Next)                            \
  X(Ldind_I8, "ldind.i8", 0x4C, None, 1, 1, Next)                            \
  X(Ldind_I, "ldind.i", 0x4D, None, 1, 1, Next)                              \
  X(Ldind_R4, "ldind.r4", 0x4E, None, 1, 1, Next)                            \
  X(Ldind_R8, "ldind.r8", 0x4F, None, 1, 1, Next)                            \
  X(Ldind_Ref, "ldind.ref", 0x50, None, 1, 1, Next)                          \
  X(Stind_Ref, "stind.ref", 0x51, None, 2, 0, Next)                          \
  X(Stind_I1, "stind.i1", 0x52, None, 2, 0, Next)                            \
  X(Stind_I2, "stind.i2", 0x53, None, 2, 0, Next)                            \
  X(Stind_I4, "stind.i4", 0x54, None, 2, 0, Next)                            \
  X(Stind_I8, "stind.i8", 0x55, None, 2, 0, Next)                            \
  X(Stind_R4, "stind.r4", 0x56, None, 2, 0, Next)                            \
  X(Stind_R8, "stind.r8", 0x57, None, 2, 0, Next)                            \
  X(Add, "add", 0x58, None, 2, 1, Next)                                      \
  X(Sub, "sub", 0x59, None, 2, 1, Next)                                      \
  X(Mul, "mul", 0x5A, None, 2, 1, Next)                                      \
  X(Div, "div", 0x5B, None, 2, 1, Next)                                      \
  X(Div_Un, "div.un", 0x5C, None, 2, 1, Next)                                \
  X(Rem, "rem", 0x5D, None, 2, 1, Next)                                      \
  X(Rem_Un, "rem.un", 0x5E, None, 2, 1, Next)                                \
  X(And, "and", 0x5F, None, 2, 1, Next)                                      \
  X(Or, "or", 0x60, None, 2, 1, Next)                                        \
  X(Xor, "xor", 0x61, None, 2, 1, Next)                                      \
  X(Shl, "shl", 0x62, None, 2, 1, Next)                                      \
  X(Shr, "shr", 0x63, None, 2, 1, Next)                                      \
  X(Shr_Un, "shr.un", 0x64, None, 2, 1, Next)                                \
  X(Neg, "neg", 0x65, None, 1, 1, Next)                                      \
  X(Not, "not", 0x66, None, 1, 1, Next)                                      \
  X(Conv_I1, "conv.i1", 0x67, None, 1, 1, Next)                              \
  X(Conv_I2, "conv.i2", 0x68, None, 1, 1, Next)                              \
  X(Conv_I4, "conv.i4", 0x69, None, 1, 1, Next)                              \
  X(Conv_I8, "conv.i8", 0x6A, None, 1, 1, Next)                              \
  X(Conv_R4, "conv.r4", 0x6B, None, 1, 1, Next)                              \
  X(Conv_R8, "conv.r8", 0x6C, None, 1, 1, Next)                              \
  X(Conv_U4, "conv.u4", 0x6D, None, 1, 1, Next)                              \
  X(Conv_U8, "conv.u8", 0x6E, None, 1, 1, Next)                              \
  X(Callvirt, "callvirt", 0x6F, Token, kVarPop, kVarPush, Call)              \
  X(Cpobj, "cpobj", 0x70, Token, 2, 0, Next)                                 \
  X(Ldobj, "ldobj", 0x71, Token, 1, 1, Next)                                 \
  X(Ldstr, "ldstr", 0x72, Token, 0, 1, Next)                                 \
  X(Newobj, "newobj", 0x73, Token, kVarPop, 1, Call)                         \
  X(Castclass, "castclass", 0x74, Token, 1, 1, Next)                         \
  X(Isinst, "isinst", 0x75, Token, 1, 1, Next)                               \
  X(Conv_R_Un, "conv.r.un", 0x76, None, 1, 1, Next)                          \
  X(Unbox, "unbox", 0x79, Token, 1, 1, Next)                                 \
  X(Throw, "throw", 0x7A, None, 1, 0, Throw)                                 \
  X(Ldfld, "ldfld", 0x7B, Token, 1, 1, Next)                                 \
  X(Ldflda, "ldflda", 0x7C, Token, 1, 1, Next)                               \
  X(Stfld, "stfld", 0x7D, Token, 2, 0, Next)                                 \
  X(Ldsfld, "ldsfld", 0x7E, Token, 0, 1, Next)                               \
  X(Ldsflda, "ldsflda", 0x7F, Token, 0, 1, Next)                             \
  X(Stsfld, "stsfld", 0x80, Token, 1, 0, Next)                               \
  X(Stobj, "stobj", 0x81, Token, 2, 0, Next)                                 \
  X(Conv_Ovf_I1_Un, "conv.ovf.i1.un", 0x82, None, 1, 1, Next)                \
  X(Conv_Ovf_I2_Un, "conv.ovf.i2.un", 0x83, None, 1, 1, Next)                \
  X(Conv_Ovf_I4_Un, "conv.ovf.i4.un", 0x84, None, 1, 1, Next)                \
  X(Conv_Ovf_I8_Un, "conv.ovf.i8.un", 0x85, None, 1, 1, Next)                \
  X(Conv_Ovf_U1_Un, "conv.ovf.u1.un", 0x86, None, 1, 1, Next)                \
  X(Conv_Ovf_U2_Un, "conv.ovf.u2.un", 0x87, None, 1, 1, Next)                \
  X(Conv_Ovf_U4_Un, "conv.ovf.u4.un", 0x88, None, 1, 1, Next)                \
  X(Conv_Ovf_U8_Un, "conv.ovf.u8.un", 0x89, None, 1, 1, Next)                \
  X(Conv_Ovf_I_Un, "conv.ovf.i.un", 0x8A, None, 1, 1, Next)                  \
  X(Conv_Ovf_U_Un, "conv.ovf.u.un", 0x8B, None, 1, 1, Next)                  \
  X(Box, "box", 0x8C, Token, 1, 1, Next)                                     \
  X(Newarr, "newarr", 0x8D, Token, 1, 1, Next)                               \
  X(Ldlen, "ldlen", 0x8E, None, 1, 1, Next)                                  \
  X(Ldelema, "ldelema", 0x8F, Token, 2, 1, Next)                             \
  X(Ldelem_I1, "ldelem.i1", 0x90, None, 2, 1, Next)                          \
  X(Ldelem_U1, "ldelem.u1", 0x91, None, 2, 1, Next)                          \
  X(Ldelem_I2, "ldelem.i2", 0x92, None, 2, 1, Next)                          \
  X(Ldelem_U2, "ldelem.u2", 0x93, None, 2, 1, Next)                          \
  X(Ldelem_I4, "ldelem.i4", 0x94, None, 2, 1, Next)                          \
  X(Ldelem_U4, "ldelem.u4", 0x95, None, 2, 1, Next)                          \
  X(Ldelem_I8, "ldelem.i8", 0x96, None, 2, 1, Next)                          \
  X(Ldelem_I, "ldelem.i", 0x97, None, 2, 1, Next)                            \
  X(Ldelem_R4, "ldelem.r4", 0x98, None, 2, 1, Next)                          \
  X(Ldelem_R8, "ldelem.r8", 0x99, None, 2, 1, Next)                          \
  X(Ldelem_Ref, "ldelem.ref", 0x9A, None, 2, 1, Next)                        \
  X(Stelem_I, "stelem.i", 0x9B, None, 3, 0, Next)                            \
  X(Stelem_I1, "stelem.i1", 0x9C, None, 3, 0, Next)                          \
  X(Stelem_I2, "stelem.i2", 0x9D, None, 3, 0, Next)                          \
  X(Stelem_I4, "stelem.i4", 0x9E, None, 3, 0, Next)                          \
  X(Stelem_I8, "stelem.i8", 0x9F, None, 3, 0, Next)                          \
  X(Stelem_R4, "stelem.r4", 0xA0, None, 3, 0, Next)                          \
  X(Stelem_R8, "stelem.r8", 0xA1, None, 3, 0, Next)                          \
  X(Stelem_Ref, "stelem.ref", 0xA2, None, 3, 0, Next)                        \
  X(Ldelem, "ldelem", 0xA3, Token, 2, 1, Next)                               \
  X(Stelem, "stelem", 0xA4, Token, 3, 0, Next)                               \
  X(Unbox_Any, "unbox.any", 0xA5, Token, 1, 1, Next)                         \
  X(Conv_Ovf_I1, "conv.ovf.i1", 0xB3, None, 1, 1, Next)                      \
  X(Conv_Ovf_U1, "conv.ovf.u1", 0xB4, None, 1, 1, Next)                      \
  X(Conv_Ovf_I2, "conv.ovf.i2", 0xB5, None, 1, 1, Next)                      \
  X(Conv_Ovf_U2, "conv.ovf.u2", 0xB6, None, 1, 1, Next)                      \
  X(Conv_Ovf_I4, "conv.ovf.i4", 0xB7, None, 1, 1, Next)                      \
  X(Conv_Ovf_U4, "conv.ovf.u4", 0xB8, None, 1, 1, Next)                      \
  X(Conv_Ovf_I8, "conv.ovf.i8", 0xB9, None, 1, 1, Next)                      \
  X(Conv_Ovf_U8, "conv.ovf.u8", 0xBA, None, 1, 1, Next)                      \
  X(Refanyval, "refanyval", 0xC2, Token, 1, 1, Next)                         \
  X(Ckfinite, "ckfinite", 0xC3, None, 1, 1, Next)                            \
  X(Mkrefany, "mkrefany", 0xC6, Token, 1, 1, Next)                           \
  X(Ldtoken, "ldtoken", 0xD0, Token, 0, 1, Next)                             \
  X(Conv_U2, "conv.u2", 0xD1, None, 1, 1, Next)                              \
  X(Conv_U1, "conv.u1", 0xD2, None, 1, 1, Next)                              \
  X(Conv_I, "conv.i", 0xD3, None, 1, 1, Next)                                \
  X(Conv_Ovf_I, "conv.ovf.i", 0xD4, None, 1, 1, Next)                        \
  X(Conv_Ovf_U, "conv.ovf.u", 0xD5, None, 1, 1, Next)                        \
  X(Add_Ovf, "add.ovf", 0xD6, None, 2, 1, Next)                              \
  X(Add_Ovf_Un, "add.ovf.un", 0xD7, None, 2, 1, Next)                        \
  X(Mul_Ovf, "mul.ovf", 0xD8, None, 2, 1, Next)                              \
  X(Mul_Ovf_Un, "mul.ovf.un", 0xD9, None, 2, 1, Next)                        \
  X(Sub_Ovf, "sub.ovf", 0xDA, None, 2, 1, Next)                              \
  X(Sub_Ovf_Un, "sub.ovf.un", 0xDB, None, 2, 1, Next)                        \
  X(Endfinally, "endfinally", 0xDC, None, kPopAll, 0, Return)                \
  X(Leave, "leave", 0xDD, Branch, kPopAll, 0, Branch)                        \
  X(Leave_S, "leave.s", 0xDE, ShortBranch, kPopAll, 0, Branch)               \
  X(Stind_I, "stind.i", 0xDF, None, 2, 0, Next)                              \
  X(Conv_U, "conv.u", 0xE0, None, 1, 1, Next)                                \
  X(Arglist, "arglist", 0xFE00, None, 0, 1, Next)                            \
  X(Ceq, "ceq", 0xFE01, None, 2, 1, Next)                                    \
  X(Cgt, "cgt", 0xFE02, None, 2, 1, Next)                                    \
  X(Cgt_Un, "cgt.un", 0xFE03, None, 2, 1, Next)                              \
  X(Clt, "clt", 0xFE04, None, 2, 1, Next)                                    \
  X(Clt_Un, "clt.un", 0xFE05, None, 2, 1, Next)                              \
  X(Ldftn, "ldftn", 0xFE06, Token, 0, 1, Next)                               \
  X(Ldvirtftn, "ldvirtftn", 0xFE07, Token, 1, 1, Next)                       \
  X(Ldarg, "ldarg", 0xFE09, Int16Var, 0, 1, Next)                            \
  X(Ldarga, "ldarga", 0xFE0A, Int16Var, 0, 1, Next)                          \
  X(Starg, "starg", 0xFE0B, Int16Var, 1, 0, Next)                            \
  X(Ldloc, "ldloc", 0xFE0C, Int16Var, 0, 1, Next)                            \
  X(Ldloca, "ldloca", 0xFE0D, Int16Var, 0, 1, Next)                          \
  X(Stloc, "stloc", 0xFE0E, Int16Var, 1, 0, Next)                            \
  X(Localloc, "localloc", 0xFE0F, None, 1, 1, Next)                          \
  X(Endfilter, "endfilter", 0xFE11, None, 1, 0, Return)                      \
  X(Unaligned, "unaligned.", 0xFE12, UInt8, 0, 0, Meta)                      \
  X(Volatile, "volatile.", 0xFE13, None, 0, 0, Meta)                         \
  X(Tail, "tail.", 0xFE14, None, 0, 0, Meta)                                 \
  X(Initobj, "initobj", 0xFE15, Token, 1, 0, Next)                           \
  X(Constrained, "constrained.", 0xFE16, Token, 0, 0, Meta)                  \
  X(Cpblk, "cpblk", 0xFE17, None, 3, 0, Next)                                \
  X(Initblk, "initblk", 0xFE18, None, 3, 0, Next)                            \
  X(No, "no.", 0xFE19, UInt8, 0, 0, Meta)                                    \
  X(Rethrow, "rethrow", 0xFE1A, None, 0, 0, Throw)                           \
  X(Sizeof, "sizeof", 0xFE1C, Token, 0, 1, Next)                             \
  X(Refanytype, "refanytype", 0xFE1D, None, 1, 1, Next)                      \
  X(Readonly, "readonly.", 0xFE1E, None, 0, 0, Meta)

enum class Opcode : uint16_t {
#define CLRPROBE_IL_ENUM(id, name, value, operand, pops, pushes, flow) id = value,
  CLRPROBE_IL_OPCODES(CLRPROBE_IL_ENUM)
#undef CLRPROBE_IL_ENUM
};

struct OpcodeInfo {
  Opcode opcode;
  std::string_view name;      // ilasm spelling, e.g. "ldc.i4.s"
  OperandKind operand;
  int8_t pops;                // count, kVarPop or kPopAll
  int8_t pushes;              // count or kVarPush
  FlowKind flow;
};

// The first byte of every two-byte opcode.
inline constexpr uint8_t kTwoBytePrefix = 0xFE;

// Table lookup; nullptr for unassigned/reserved encodings.
const OpcodeInfo* find_opcode(uint16_t encoded);
// Lookup for an Opcode enumerator (always valid).
const OpcodeInfo& opcode_info(Opcode op);

// Bytes taken by the opcode itself (1 or 2).
constexpr uint32_t opcode_size(Opcode op) {
  return static_cast<uint16_t>(op) >= 0xFE00 ? 2u : 1u;
}
// Bytes taken by the operand; for Switch only the count field (4), the
// 4-byte targets come on top.
uint32_t operand_size(OperandKind kind);

bool is_prefix(Opcode op);
bool is_short_branch(Opcode op);  // br.s ... blt.un.s and leave.s
bool is_long_branch(Opcode op);   // br ... blt.un and leave
bool is_branch(Opcode op);        // any of the two above (not switch)
bool is_leave(Opcode op);
// br.s -> br, leave.s -> leave, ...; other opcodes map to themselves.
Opcode widen_branch(Opcode op);

}  // namespace clrprobe::il
