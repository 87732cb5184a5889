using System.Runtime.CompilerServices;

// Start-up benchmark: prints one line and exits. The ten Steps methods are the
// targets of bench/run's "10 startup probes" case; each is called once.
namespace Hello;

public static class Steps
{
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S0(int x) => x + 1;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S1(int x) => x * 2;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S2(int x) => x - 3;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S3(int x) => x ^ 4;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S4(int x) => x | 5;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S5(int x) => x + 6;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S6(int x) => x * 7;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S7(int x) => x - 8;
    [MethodImpl(MethodImplOptions.NoInlining)] public static int S8(int x) => x ^ 9;
    [MethodImpl(MethodImplOptions.NoInlining)] public static string S9(int x) => $"Hello, world ({x})";
}

public static class Program
{
    public static void Main()
    {
        int x = Steps.S8(Steps.S7(Steps.S6(Steps.S5(Steps.S4(Steps.S3(Steps.S2(Steps.S1(Steps.S0(1)))))))));
        Console.WriteLine(Steps.S9(x));
    }
}
