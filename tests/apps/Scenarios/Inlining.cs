namespace Scenarios;

// A tiny static getter that the JIT inlines into a hot loop. SumLoop has a loop (OSR
// compiles an optimized version during its first call) and is called 40 times with a
// pause after 20, so it also gets a tier-1 body in which get_Value is inlined.

public static class Hot
{
    private static int s_value = 1;

    public static int Value => s_value;

    public static long SumLoop(int n)
    {
        long sum = 0;
        for (int i = 0; i < n; i++) sum += Value;
        return sum;
    }
}

internal static class InliningScenario
{
    private const int Iterations = 1_000_000;
    private const int Calls = 40;

    public static int Run()
    {
        long total = 0;
        for (int c = 0; c < Calls; c++)
        {
            total += Hot.SumLoop(Iterations);
            // Give tiered compilation (100 ms call-counting delay) time to promote SumLoop.
            if (c == Calls / 2 - 1) Thread.Sleep(250);
        }
        Console.WriteLine($"Hot sum {total}");
        Expect.Calls("Scenarios.Hot::get_Value", (long)Iterations * Calls);
        Expect.Calls("Scenarios.Hot::SumLoop", Calls);
        return 0;
    }
}
