using System.Runtime.CompilerServices;

namespace Scenarios;

// Several threads call one method at once: the probe's counters must not lose updates.
public static class Concurrent
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Tick(int i) => i & 7;
}

internal static class ThreadsScenario
{
    private const int ThreadCount = 4;
    private const int CallsPerThread = 250_000;

    public static int Run()
    {
        var sums = new long[ThreadCount];
        var threads = new Thread[ThreadCount];
        for (int t = 0; t < ThreadCount; t++)
        {
            int slot = t;
            threads[t] = new Thread(() =>
            {
                long s = 0;
                for (int i = 0; i < CallsPerThread; i++) s += Concurrent.Tick(i + slot);
                sums[slot] = s;
            });
            threads[t].Start();
        }
        foreach (Thread th in threads) th.Join();
        Console.WriteLine($"Tick sum {sums.Sum()}");
        Expect.Calls("Scenarios.Concurrent::Tick", (long)ThreadCount * CallsPerThread);
        return 0;
    }
}
