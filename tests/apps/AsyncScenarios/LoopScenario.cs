namespace AsyncScenarios;

public static class Loop
{
    // Suspends once (Task.Yield); every 97th step faults.
    public static async Task<int> StepAsync(long i)
    {
        await Task.Yield();
        if (i % 97 == 0) throw new InvalidOperationException($"step {i}");
        return (int)(i % 1000) * 3;
    }

    // Stays pending for ~5 ms.
    public static async Task PendingAsync() => await Task.Delay(5);
}

// Async calls on several worker tasks until stdin says "stop" (or closes), for adding and
// removing probes live while calls are in flight. Each worker checks every result itself, so
// the closing lines say whether the program still computed correctly:
//   "ready pid=<pid>", "loop-started workers=<n>", ... on stop:
//   "loop-totals steps=S pending=P faults=F" (timing-dependent)
//   "loop-consistent mismatches=0 unexpected-faults=0 missing-faults=0" (the same in every good run)
internal static class LoopScenario
{
    private const int Workers = 4;
    private const int StepsPerPending = 10;

    private sealed class Totals
    {
        public long Steps, Pending, Faults, ExpectedFaults, Mismatches, UnexpectedFaults;
    }

    public static int Run()
    {
        Console.WriteLine($"ready pid={Environment.ProcessId}");
        using var stop = new CancellationTokenSource();
        Task<Totals>[] workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => Work(stop.Token))).ToArray();
        Console.WriteLine($"loop-started workers={Workers}");
        string? line;
        while ((line = Console.ReadLine()) is not null && line.Trim() != "stop") { }
        stop.Cancel();
        Totals[] all = Task.WhenAll(workers).GetAwaiter().GetResult();
        long faults = all.Sum(t => t.Faults), expected = all.Sum(t => t.ExpectedFaults);
        Console.WriteLine($"loop-totals steps={all.Sum(t => t.Steps)} pending={all.Sum(t => t.Pending)} faults={faults}");
        Console.WriteLine($"loop-consistent mismatches={all.Sum(t => t.Mismatches)} " +
                          $"unexpected-faults={all.Sum(t => t.UnexpectedFaults)} missing-faults={expected - faults + all.Sum(t => t.UnexpectedFaults)}");
        return 0;
    }

    private static async Task<Totals> Work(CancellationToken stop)
    {
        var totals = new Totals();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            bool shouldFault = i % 97 == 0;
            if (shouldFault) totals.ExpectedFaults++;
            try
            {
                if (await Loop.StepAsync(i) != (int)(i % 1000) * 3) totals.Mismatches++;
            }
            catch (InvalidOperationException e) when (e.Message == $"step {i}")
            {
                totals.Faults++;
                if (!shouldFault) totals.UnexpectedFaults++;
            }
            totals.Steps++;
            if (i % StepsPerPending == StepsPerPending - 1)
            {
                await Loop.PendingAsync();
                totals.Pending++;
            }
        }
        return totals;
    }
}
