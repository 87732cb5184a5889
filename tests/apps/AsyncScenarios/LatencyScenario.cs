using System.Runtime.CompilerServices;

namespace AsyncScenarios;

// Methods whose latency, measured to completion, is known: ~50 ms for the Delay ones (an
// async Task<int>, a plain method returning Task.Delay's task, a pooled ValueTask<int>),
// well under a millisecond for Immediate (async, but never suspends).
public static class Latency
{
    public static async Task<int> Delay50(int i)
    {
        await Task.Delay(50);
        return i;
    }

    public static Task Delay50Forwarded() => Task.Delay(50);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> PooledDelay50(int i)
    {
        await Task.Delay(50);
        return i;
    }

    public static async Task<int> Immediate(int i)
    {
        await Task.CompletedTask;
        return i + 1;
    }
}

internal static class LatencyScenario
{
    private const int DelayedCalls = 20;
    private const int ImmediateCalls = 1000;

    public static int Run()
    {
        RunAsync().GetAwaiter().GetResult();
        return 0;
    }

    // One call at a time, so each call's latency is its own delay, not a queue's.
    private static async Task RunAsync()
    {
        long sum = 0;
        for (int i = 0; i < DelayedCalls; i++) sum += await Latency.Delay50(i);
        for (int i = 0; i < DelayedCalls; i++) await Latency.Delay50Forwarded();
        for (int i = 0; i < DelayedCalls; i++) sum += await Latency.PooledDelay50(i);
        for (int i = 0; i < ImmediateCalls; i++) sum += await Latency.Immediate(i);
        Console.WriteLine($"latency sum={sum}");
        Expect.Figures("AsyncScenarios.Latency::Delay50", DelayedCalls, 0, 0);
        Expect.Figures("AsyncScenarios.Latency::Delay50Forwarded", DelayedCalls, 0, 0);
        Expect.Figures("AsyncScenarios.Latency::PooledDelay50", DelayedCalls, 0, 0);
        Expect.Figures("AsyncScenarios.Latency::Immediate", ImmediateCalls, 0, 0);
    }
}
