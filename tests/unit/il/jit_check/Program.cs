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
// A fifth copy carries a watch precheck (il/watch_precheck.h) of `a < 3 &&
// b != 1`: switched on, a call where it is false calls the plain leave hook
// and not the watch's; where it is true, or switched off, the watch's.
// Last, the precheck alone: for many conditions over (sbyte, byte, short,
// ushort, int, uint, long, ulong, float, double, nint, nuint) its IL is
// compiled by the JIT and run on boundary values, and must decide every
// call as the watch's own evaluator (FastCondition, in the shim) does.
// usage: dotnet jit_check.dll <path to libil_jit_shim.so>
using System;
using System.Linq;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

delegate int Precheck12(sbyte a, byte b, short c, ushort d, int e, uint f, long g, ulong h, float i, double j,
                        nint k, nuint l);

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
    var prechecked = (delegate* unmanaged<byte*, int, uint, int, ulong, ulong, ulong, ulong, ulong, ulong, uint, uint,
                                           uint, byte*, int*, byte*, int*, byte*, int*, int*, int*, byte*, int, int>)
        NativeLibrary.GetExport(lib, "jit_shim_rewritten_prechecked");
    byte* armFlag = (byte*)NativeMemory.Alloc(1);
    byte* precheckOn = (byte*)NativeMemory.Alloc(1);
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

      var pc = new Method(isVoid);
      fixed (byte* c = code) fixed (byte* e = eh) fixed (byte* l = locals) fixed (byte* err = error)
      fixed (byte* cond = "a < 3 && b != 1\0"u8)
        rc = prechecked(cond, which, pc.CatchToken, 5, (ulong)enter, (ulong)leave, (ulong)exception, (ulong)watchLeave,
                        (ulong)watchException, (ulong)precheckOn, pc.EnterToken, pc.LeaveToken, pc.WatchToken, c,
                        &codeLen, e, &ehLen, l, &localsLen, &maxStack, &initLocals, err, error.Length);
      if (rc != 0) {
        Console.WriteLine($"body {which}: prechecked rewrite failed ({rc}): {System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        failures++;
        continue;
      }
      pc.Install(code, codeLen, eh, ehLen, locals, localsLen, maxStack, initLocals);
      foreach (bool on in new[] { true, false, true }) {
        *precheckOn = on ? (byte)1 : (byte)0;
        foreach (var (a, b) in new[] { (0, 0), (1, 5), (5, 1), (2, 0), (3, 1), (7, 9), (2, 1), (1, 0), (0, 1) }) {
          enters = leaves = exceptions = watchLeaves = watchExceptions = stackCalls = 0;
          string expected = before.Run(isVoid, a, b);
          string actual = pc.Run(isVoid, a, b);
          bool threw = actual.StartsWith("threw");
          bool holds = a < 3 && b != 1;
          bool viaWatch = !on || holds;
          bool hooksOk = enters == 1 &&
                         (threw ? exceptions == 1 && watchExceptions == 1 && watchLeaves == 0 && leaves == 0
                                : leaves == 1 && exceptions == 0 && watchLeaves == (viaWatch ? 1 : 0));
          if (expected != actual || !hooksOk) {
            failures++;
            Console.WriteLine($"prechecked body {which} on={on} ({a},{b}): expected '{expected}', got '{actual}', " +
                              $"enter={enters} leave={leaves} watch leave={watchLeaves} fault={exceptions}");
          }
        }
      }
      Console.WriteLine($"body {which}: prechecked, {codeLen} bytes of IL, JIT-compiled and run on and off");
    }
    failures += CheckPrechecks(lib);
    Console.WriteLine(failures == 0 ? "jit check: all bodies behave the same" : $"jit check: {failures} failures");
    return failures == 0 ? 0 : 1;
  }

  // The precheck's IL on the real JIT against FastCondition (see the top).
  static int CheckPrechecks(IntPtr lib) {
    var body = (delegate* unmanaged<byte*, byte*, int*, byte*, int*, int*, int>)
        NativeLibrary.GetExport(lib, "jit_shim_precheck_body");
    var expected = (delegate* unmanaged<byte*, ulong*, int>)NativeLibrary.GetExport(lib, "jit_shim_precheck_expected");
    string[] names = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l" };
    string[] ops = { "==", "!=", "<", "<=", ">", ">=" };
    string[] literals = { "0", "1", "-1", "127", "-128", "255", "32767", "-32768", "65535", "2147483647",
                          "-2147483648", "4294967295", "9223372036854775807", "-9223372036854775808",
                          "18446744073709551615", "9007199254740993", "0.5", "-0.5", "-0.0", "2147483647.5" };
    var conditions = new System.Collections.Generic.List<string> {
      "e < 0 && g >= 5", "!(e == 3)", "j <= 0.5 || !(i > 1)", "!(j >= 0.5)", "j != 0.5",
      "(a < 0 || b > 200) && !(h == 0)", "e >= 0 && e <= 255 && !(k < 0 || l > 65535)", "5 < g && 0.5 >= i" };
    foreach (var n in names) foreach (var o in ops) foreach (var lit in literals) {
      conditions.Add($"{n} {o} {lit}");
      conditions.Add($"{lit} {o} {n}");
    }
    long[] ints = { 0, 1, -1, 2, 3, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, 65535, 65536, int.MaxValue,
                    (long)int.MaxValue + 1, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, (1L << 53) + 1,
                    1L << 53 };
    double[] doubles = { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.5, -0.5, 1, -1, 3,
                         5, 9007199254740992.0, 1e300, -1e300, double.Epsilon, 2147483647.5 };
    int failures = 0, compiled = 0, calls = 0, held = 0;
    byte[] code = new byte[65536], locals = new byte[256];
    ulong* cells = stackalloc ulong[12];
    foreach (var text in conditions) {
      byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text + "\0");
      int codeLen, localsLen, maxStack, rc;
      fixed (byte* t = utf8) fixed (byte* c = code) fixed (byte* l = locals)
        rc = body(t, c, &codeLen, l, &localsLen, &maxStack);
      if (rc == 1) {
        bool fraction = text.Contains('.');
        bool wideUnsigned = text.Split(' ').Any(w => w == "h" || w == "l");
        if (!(fraction && wideUnsigned)) { Console.WriteLine($"precheck '{text}': not compiled"); failures++; }
        continue;
      }
      if (rc != 0) { Console.WriteLine($"precheck '{text}': cannot build ({rc})"); failures++; continue; }
      compiled++;
      var dm = new DynamicMethod("P", typeof(int),
          new[] { typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long),
                  typeof(ulong), typeof(float), typeof(double), typeof(nint), typeof(nuint) }, typeof(Program).Module, true);
      var info = dm.GetDynamicILInfo();
      info.SetCode(code[..codeLen], maxStack);
      info.SetLocalSignature(locals[..localsLen]);
      var f = (Precheck12)dm.CreateDelegate(typeof(Precheck12));
      for (int k = 0; k < ints.Length * 2; k++) {
        long v = ints[k % ints.Length];
        double d = doubles[k % doubles.Length];
        ulong wide = k < ints.Length ? (ulong)v : ~(ulong)v;
        for (int i = 0; i < 12; i++) cells[i] = 0;
        *(sbyte*)&cells[0] = (sbyte)v; *(byte*)&cells[1] = (byte)v; *(short*)&cells[2] = (short)v;
        *(ushort*)&cells[3] = (ushort)v; *(int*)&cells[4] = (int)v; *(uint*)&cells[5] = (uint)v;
        *(long*)&cells[6] = v; cells[7] = wide; *(float*)&cells[8] = (float)d; *(double*)&cells[9] = d;
        *(nint*)&cells[10] = (nint)v; *(nuint*)&cells[11] = (nuint)wide;
        int want;
        fixed (byte* t = utf8) want = expected(t, cells);
        int got = f((sbyte)v, (byte)v, (short)v, (ushort)v, (int)v, (uint)v, v, wide, (float)d, d, (nint)v, (nuint)wide);
        calls++;
        held += want == 1 ? 1 : 0;
        if (got != want) {
          failures++;
          if (failures < 30) Console.WriteLine($"precheck '{text}' on v={v} wide={wide} d={d}: IL says {got}, FastCondition {want}");
        }
      }
    }
    Console.WriteLine($"precheck: {compiled} conditions JIT-compiled, {calls} calls, {held} true");
    // Both outcomes, many times each: the comparison above could fail either way.
    if (compiled < 400 || held < calls / 5 || held > calls - calls / 5) {
      Console.WriteLine("precheck: too few conditions or outcomes exercised");
      failures++;
    }
    return failures;
  }
}
