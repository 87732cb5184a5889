namespace LiveService;

// The service's own count of how often each target method has run, kept with Interlocked
// and added once per finished worker iteration. While every worker is parked (after
// `pause`), the figures are exact, and the tests compare probe figures with them.
public static class Tally
{
    // (key, calls per iteration). Keys are the methods' selectors; the two instantiations of
    // Generic::Pick are counted apart.
    public static readonly (string Key, int PerIteration)[] Methods =
    {
        ("LiveService.Targets.Statics::Plain", 10),
        ("LiveService.Targets.Accumulator::Add", 10),
        ("LiveService.Targets.Hot::Mix", Worker.HotLoopLength),
        ("LiveService.Targets.Generic::Pick<int>", 3),
        ("LiveService.Targets.Generic::Pick<string>", 5),
        ("LiveService.Targets.Validator::Check", 5),
        ("LiveService.Targets.AsyncOps::ComputeAsync", 2),
        ("LiveService.Targets.Series::StepA", 1),
        ("LiveService.Targets.Series::StepB", 2),
        ("LiveService.Targets.Series::StepC", 3),
        ("LiveService.Targets.Pair::Left", 1),
        ("LiveService.Targets.Pair::Right", 1),
    };

    public const string LateKey = "LateLib.Plugin::Compute";
    public const string ThrowingKey = "LiveService.Targets.Validator::Check";
    public const int ThrowsPerIteration = 1;

    private static readonly long[] s_calls = new long[Methods.Length];
    private static long s_iterations;
    private static long s_exceptions;
    private static long s_lateCalls;
    private static long s_lateResult;
    private static long s_mismatches;
    // The result of one iteration is the same every time; the first one is the reference.
    private static long s_expected;
    private static int s_haveExpected;

    public static void Record(long result, int lateCalls, long lateResult, int exceptions)
    {
        for (int i = 0; i < Methods.Length; i++) Interlocked.Add(ref s_calls[i], Methods[i].PerIteration);
        Interlocked.Add(ref s_exceptions, exceptions);
        Interlocked.Add(ref s_lateCalls, lateCalls);
        Interlocked.Add(ref s_lateResult, lateResult);
        if (Interlocked.CompareExchange(ref s_haveExpected, 1, 0) == 0)
        {
            Volatile.Write(ref s_expected, result);
            Volatile.Write(ref s_haveExpected, 2);
        }
        else
        {
            while (Volatile.Read(ref s_haveExpected) != 2) Thread.SpinWait(1);
            if (result != Volatile.Read(ref s_expected)) Interlocked.Increment(ref s_mismatches);
        }
        Interlocked.Increment(ref s_iterations);
    }

    // "iterations=N <key>=<calls> ... exceptions(<throwing key>)=N LateLib.Plugin::Compute=N"
    public static string Describe()
    {
        var parts = new List<string> { $"iterations={Interlocked.Read(ref s_iterations)}" };
        for (int i = 0; i < Methods.Length; i++) parts.Add($"{Methods[i].Key}={Interlocked.Read(ref s_calls[i])}");
        parts.Add($"exceptions({ThrowingKey})={Interlocked.Read(ref s_exceptions)}");
        parts.Add($"{LateKey}={Interlocked.Read(ref s_lateCalls)}");
        return string.Join(' ', parts);
    }

    // The final report: the "result" line depends only on the fixed per-iteration workload,
    // so it is the same in every run, with or without a profiler; the others count.
    public static IEnumerable<string> FinalLines()
    {
        yield return $"result per-iteration={Volatile.Read(ref s_expected)} mismatches={Interlocked.Read(ref s_mismatches)}";
        yield return $"iterations {Interlocked.Read(ref s_iterations)}";
        for (int i = 0; i < Methods.Length; i++) yield return $"calls {Methods[i].Key} {Interlocked.Read(ref s_calls[i])}";
        yield return $"exceptions {ThrowingKey} {Interlocked.Read(ref s_exceptions)}";
        yield return $"calls {LateKey} {Interlocked.Read(ref s_lateCalls)}";
        yield return $"late-result {Interlocked.Read(ref s_lateResult)}";
    }
}
