// JIT check for the rewriter: each test body is installed twice in a
// DynamicMethod (DynamicILInfo), once as written and once rewritten with probe
// hooks that are real [UnmanagedCallersOnly] functions. The real CoreCLR JIT
// compiles both; they must behave the same (return value or exception type),
// and the rewritten one must call enter once, then leave or exception once.
// A third copy carries the watch additions (il/watch_shape.h): its hooks
// must see both arguments' entry values through their addresses, the
// returned value through its address, and an escaping exception (only one
// that escapes) through the filter; when its leave hook returns non-zero
// (here: for odd first arguments) the stack hook follows, once.
// A fourth copy is arm-guarded (rewriter.h, "Arm flag", "Plain copy"): with
// the flag set it calls the hooks like the second, with the flag clear it
// calls none and still behaves as the original.
// usage: dotnet jit_check.dll <path to libil_jit_shim.so>
using System;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

unsafe static class Program {
  static int enters, leaves, exceptions;

  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static long Enter(int slot) { enters++; return 1000 + slot; }
  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static void Leave(int slot, long start) { if (start != 1000 + slot) Environment.FailFast("bad start"); leaves++; }
  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static void Exception(int slot, long start) { if (start != 1000 + slot) Environment.FailFast("bad start"); exceptions++; }

  static int watchLeaves, watchExceptions, stackCalls, seenA, seenB, seenRet;
  static bool sawException;

  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static int WatchLeave(int slot, long start, nint ret, nint exc, nint a, nint b) {
    if (start != 1000 + slot || exc != 0) Environment.FailFast("bad watch leave");
    leaves++; watchLeaves++;
    seenA = *(int*)a; seenB = *(int*)b; seenRet = ret == 0 ? int.MinValue : *(int*)ret;
    return seenA & 1;
  }
  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static void StackHook(int slot) { if (slot != 5) Environment.FailFast("bad stack slot"); stackCalls++; }
  [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
  static int WatchException(int slot, long start, nint ret, nint exc, nint a, nint b) {
    if (start != 1000 + slot || ret != 0 || exc == 0) Environment.FailFast("bad watch exception");
    watchExceptions++;
    seenA = *(int*)a; seenB = *(int*)b; sawException = *(nint*)exc != 0;
    return 1;  // ignored: the filter pops it
  }

  // unmanaged cdecl int32(int32, int64, native int x 4) and void(int32)
  static readonly byte[] WatchSig = { 0x01, 0x06, 0x08, 0x08, 0x0A, 0x18, 0x18, 0x18, 0x18 };
  static readonly byte[] StackSig = { 0x01, 0x01, 0x01, 0x08 };
  // unmanaged cdecl int64(int32) and void(int32, int64)
  static readonly byte[] EnterSig = { 0x01, 0x01, 0x0A, 0x08 };
  static readonly byte[] LeaveSig = { 0x01, 0x02, 0x01, 0x08, 0x0A };

  sealed class Method {
    public DynamicMethod Dm; public DynamicILInfo Info; public uint CatchToken, EnterToken, LeaveToken, WatchToken, StackToken;
    public Method(bool isVoid) {
      Dm = new DynamicMethod("F", isVoid ? typeof(void) : typeof(int), new[] { typeof(int), typeof(int) },
                             typeof(Program).Module, true);
      Info = Dm.GetDynamicILInfo();
      CatchToken = (uint)Info.GetTokenFor(typeof(System.Exception).TypeHandle);
      EnterToken = (uint)Info.GetTokenFor(EnterSig);
      LeaveToken = (uint)Info.GetTokenFor(LeaveSig);
      WatchToken = (uint)Info.GetTokenFor(WatchSig);
      StackToken = (uint)Info.GetTokenFor(StackSig);
    }
    public void Install(byte[] code, int codeLen, byte[] eh, int ehLen, byte[] locals, int localsLen, int maxStack, int initLocals) {
      Info.SetCode(code[..codeLen], maxStack);
      if (ehLen > 0) Info.SetExceptions(eh[..ehLen]);
      // DynamicILInfo needs a local signature even when there are no locals.
      Info.SetLocalSignature(localsLen > 0 ? locals[..localsLen] : new byte[] { 0x07, 0x00 });
      Dm.InitLocals = initLocals != 0;
    }
    public string Run(bool isVoid, int a, int b) {
      try {
        if (isVoid) { ((Action<int, int>)Dm.CreateDelegate(typeof(Action<int, int>)))(a, b); return "ret"; }
        return "ret " + ((Func<int, int, int>)Dm.CreateDelegate(typeof(Func<int, int, int>)))(a, b);
      } catch (System.Exception e) { return "threw " + e.GetType().Name; }
    }
  }

  static int Main(string[] args) {
    IntPtr lib = NativeLibrary.Load(args[0]);
    var count = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "jit_shim_body_count");
    var returnsVoid = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(lib, "jit_shim_returns_void");
    var original = (delegate* unmanaged<int, uint, byte*, int*, byte*, int*, byte*, int*, int*, int*, int>)
        NativeLibrary.GetExport(lib, "jit_shim_original");
    var rewritten = (delegate* unmanaged<int, uint, int, ulong, ulong, ulong, uint, uint, byte*, int*, byte*, int*,
                                        byte*, int*, int*, int*, byte*, int, int>)
        NativeLibrary.GetExport(lib, "jit_shim_rewritten");
    var watched = (delegate* unmanaged<int, uint, int, ulong, ulong, ulong, ulong, ulong, uint, uint, uint, uint, byte*,
                                        int*, byte*, int*, byte*, int*, int*, int*, byte*, int, int>)
        NativeLibrary.GetExport(lib, "jit_shim_rewritten_watched");
    var guarded = (delegate* unmanaged<int, uint, int, ulong, ulong, ulong, uint, uint, ulong, byte*, int*, byte*, int*,
                                        byte*, int*, int*, int*, byte*, int, int>)
        NativeLibrary.GetExport(lib, "jit_shim_rewritten_guarded");
    byte* armFlag = (byte*)NativeMemory.Alloc(1);
    delegate* unmanaged[Cdecl]<int, long, nint, nint, nint, nint, int> watchLeave = &WatchLeave;
    delegate* unmanaged[Cdecl]<int, long, nint, nint, nint, nint, int> watchException = &WatchException;
    delegate* unmanaged[Cdecl]<int, void> stackHook = &StackHook;
    delegate* unmanaged[Cdecl]<int, long> enter = &Enter;
    delegate* unmanaged[Cdecl]<int, long, void> leave = &Leave;
    delegate* unmanaged[Cdecl]<int, long, void> exception = &Exception;

    int failures = 0;
    for (int which = 0; which < count(); which++) {
      bool isVoid = returnsVoid(which) != 0;
      var before = new Method(isVoid);
      var after = new Method(isVoid);
      byte[] code = new byte[65536], eh = new byte[65536], locals = new byte[65536], error = new byte[1024];
      int codeLen, ehLen, localsLen, maxStack, initLocals, rc;
      fixed (byte* c = code) fixed (byte* e = eh) fixed (byte* l = locals)
        rc = original(which, before.CatchToken, c, &codeLen, e, &ehLen, l, &localsLen, &maxStack, &initLocals);
      if (rc != 0) { Console.WriteLine($"body {which}: cannot build"); failures++; continue; }
      before.Install(code, codeLen, eh, ehLen, locals, localsLen, maxStack, initLocals);
      int originalSize = codeLen;
      fixed (byte* c = code) fixed (byte* e = eh) fixed (byte* l = locals) fixed (byte* err = error)
        rc = rewritten(which, after.CatchToken, 5, (ulong)enter, (ulong)leave, (ulong)exception, after.EnterToken,
                       after.LeaveToken, c, &codeLen, e, &ehLen, l, &localsLen, &maxStack, &initLocals, err, error.Length);
      if (rc != 0) {
        Console.WriteLine($"body {which}: rewrite failed: {System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        failures++;
        continue;
      }
      after.Install(code, codeLen, eh, ehLen, locals, localsLen, maxStack, initLocals);
      foreach (var (a, b) in new[] { (0, 0), (1, 5), (5, 1), (2, 0), (3, 1), (7, 9), (2, 1), (1, 0), (0, 1) }) {
        enters = leaves = exceptions = 0;
        string expected = before.Run(isVoid, a, b);
        if (enters + leaves + exceptions != 0) { Console.WriteLine("original called hooks"); failures++; }
        string actual = after.Run(isVoid, a, b);
        bool threw = actual.StartsWith("threw");
        bool hooksOk = enters == 1 && (threw ? exceptions == 1 && leaves == 0 : leaves == 1 && exceptions == 0);
        if (expected != actual || !hooksOk) {
          failures++;
          Console.WriteLine($"body {which} ({a},{b}): expected '{expected}', got '{actual}', hooks enter={enters} leave={leaves} exception={exceptions}");
        }
      }
      Console.WriteLine($"body {which}: {originalSize} -> {codeLen} bytes of IL, JIT-compiled and run");

      var g = new Method(isVoid);
      fixed (byte* c = code) fixed (byte* e = eh) fixed (byte* l = locals) fixed (byte* err = error)
        rc = guarded(which, g.CatchToken, 5, (ulong)enter, (ulong)leave, (ulong)exception, g.EnterToken, g.LeaveToken,
                     (ulong)armFlag, c, &codeLen, e, &ehLen, l, &localsLen, &maxStack, &initLocals, err, error.Length);
      if (rc != 0) {
        Console.WriteLine($"body {which}: guarded rewrite failed: {System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        failures++;
        continue;
      }
      g.Install(code, codeLen, eh, ehLen, locals, localsLen, maxStack, initLocals);
      foreach (bool armed in new[] { true, false, true }) {
        *armFlag = armed ? (byte)1 : (byte)0;
        foreach (var (a, b) in new[] { (0, 0), (1, 5), (5, 1), (2, 0), (3, 1), (7, 9), (2, 1), (1, 0), (0, 1) }) {
          enters = leaves = exceptions = 0;
          string expected = before.Run(isVoid, a, b);
          string actual = g.Run(isVoid, a, b);
          bool threw = actual.StartsWith("threw");
          bool hooksOk = !armed ? enters + leaves + exceptions == 0
                                : enters == 1 && (threw ? exceptions == 1 && leaves == 0 : leaves == 1 && exceptions == 0);
          if (expected != actual || !hooksOk) {
            failures++;
            Console.WriteLine($"guarded body {which} armed={armed} ({a},{b}): expected '{expected}', got '{actual}', " +
                              $"hooks enter={enters} leave={leaves} exception={exceptions}");
          }
        }
      }
      Console.WriteLine($"body {which}: guarded, {codeLen} bytes of IL, JIT-compiled and run armed and disarmed");

      var w = new Method(isVoid);
      fixed (byte* c = code) fixed (byte* e = eh) fixed (byte* l = locals) fixed (byte* err = error)
        rc = watched(which, w.CatchToken, 5, (ulong)enter, (ulong)exception, (ulong)watchLeave, (ulong)watchException,
                     (ulong)stackHook, w.EnterToken, w.LeaveToken, w.WatchToken, w.StackToken, c, &codeLen, e, &ehLen,
                     l, &localsLen, &maxStack, &initLocals, err, error.Length);
      if (rc != 0) {
        Console.WriteLine($"body {which}: watch rewrite failed: {System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        failures++;
        continue;
      }
      w.Install(code, codeLen, eh, ehLen, locals, localsLen, maxStack, initLocals);
      foreach (var (a, b) in new[] { (0, 0), (1, 5), (5, 1), (2, 0), (3, 1), (7, 9), (2, 1), (1, 0), (0, 1) }) {
        enters = leaves = exceptions = watchLeaves = watchExceptions = stackCalls = 0;
        seenA = seenB = seenRet = -1;
        sawException = false;
        string expected = before.Run(isVoid, a, b);
        string actual = w.Run(isVoid, a, b);
        bool threw = actual.StartsWith("threw");
        string expectedRet = isVoid ? "ret" : "ret " + (isVoid ? "" : seenRet.ToString());
        bool hooksOk = enters == 1 && seenA == a && seenB == b && stackCalls == (threw ? 0 : a & 1) &&
                       (threw ? exceptions == 1 && watchExceptions == 1 && sawException && watchLeaves == 0
                              : watchLeaves == 1 && watchExceptions == 0 && exceptions == 0 &&
                                    (isVoid ? seenRet == int.MinValue : actual == expectedRet));
        if (expected != actual || !hooksOk) {
          failures++;
          Console.WriteLine($"watched body {which} ({a},{b}): expected '{expected}', got '{actual}', enter={enters} " +
                            $"watch leave={watchLeaves} watch exception={watchExceptions} stack={stackCalls} fault={exceptions} " +
                            $"seen a={seenA} b={seenB} ret={seenRet} exception={sawException}");
        }
      }
      Console.WriteLine($"body {which}: watched, {codeLen} bytes of IL, JIT-compiled and run");
    }
    Console.WriteLine(failures == 0 ? "jit check: all bodies behave the same" : $"jit check: {failures} failures");
    return failures == 0 ? 0 : 1;
  }
}
