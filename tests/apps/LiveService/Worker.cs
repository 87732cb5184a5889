using System.Runtime.CompilerServices;
using LiveService.Targets;

namespace LiveService;

// One worker thread. Run() never calls a target itself: it only calls Iterate(), which is
// not inlined, so a method re-JIT-ted while the worker is parked (between two iterations)
// is in effect from the very next iteration on, including Iterate itself when it is
// re-JIT-ted as the inliner of Hot.Mix.
public sealed class Worker
{
    public const int HotLoopLength = 1000;
    public const int LateCallsPerIteration = 4;

    private static readonly string[] Words = { "alpha", "beta", "gamma", "delta", "epsilon" };

    private readonly int _index;
    private readonly Control _control;
    private readonly int _pace;
    private readonly Accumulator _accumulator;

    public Worker(int index, Control control, int pace)
    {
        _index = index;
        _control = control;
        _pace = pace;
        _accumulator = new Accumulator(3);
    }

    // Set by the `loadlate` command: LateLib.Plugin.Compute, once LateLib.dll is loaded.
    public static Func<int, int>? LateCompute;

    public void Run()
    {
        long n = 0;
        while (_control.WaitTurn(_index))
        {
            long result = Iterate(out int lateCalls, out long lateResult, out int exceptions);
            Tally.Record(result, lateCalls, lateResult, exceptions);
            // Pace the workers so that a 2-core machine still has room for the tests.
            if (_pace > 0 && ++n % _pace == 0) Thread.Sleep(1);
        }
    }

    // One iteration: a fixed number of calls of each target (Tally.Methods), the same
    // result every time.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long Iterate(out int lateCalls, out long lateResult, out int exceptions)
    {
        long r = 0;
        for (int i = 0; i < 10; i++) r += Statics.Plain(i);
        for (int i = 0; i < 10; i++) r += _accumulator.Add(i);
        long hot = 0;
        for (int i = 0; i < HotLoopLength; i++) hot += Hot.Mix(i); // Mix is inlined here
        r += hot;
        for (int i = 0; i < 3; i++) r += Generic.Pick(i, -i, i % 2 == 0);
        for (int i = 0; i < 5; i++) r += Generic.Pick(Words[i], "x", i % 2 == 1).Length;
        exceptions = 0;
        for (int i = 0; i < 5; i++)
        {
            try
            {
                r += Validator.Check(i);
            }
            catch (InvalidValueException e)
            {
                exceptions++;
                r += e.Value * 100;
            }
        }
        for (int i = 0; i < 2; i++) r += AsyncOps.ComputeAsync(i).GetAwaiter().GetResult();
        r += Series.StepA(1);
        for (int i = 0; i < 2; i++) r += Series.StepB(i);
        for (int i = 0; i < 3; i++) r += Series.StepC(i);
        r += Pair.Left(5) + Pair.Right(5);

        lateCalls = 0;
        lateResult = 0;
        Func<int, int>? late = Volatile.Read(ref LateCompute);
        if (late is not null)
        {
            for (int i = 0; i < LateCallsPerIteration; i++) lateResult += late(i);
            lateCalls = LateCallsPerIteration;
        }
        return r;
    }
}
