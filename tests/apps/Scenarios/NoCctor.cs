namespace Scenarios;

// A class without any static constructor or static field (nothing for the runtime to
// initialise before the probed method runs), next to one with an explicit static
// constructor (not beforefieldinit: the cctor runs right before the first access).
public static class Pure
{
    public static int Twice(int x) => 2 * x;
}

public static class WithCctor
{
    private static readonly int[] s_table;

    static WithCctor()
    {
        s_table = new int[16];
        for (int i = 0; i < s_table.Length; i++) s_table[i] = i * i;
    }

    public static int Lookup(int i) => s_table[i & 15];
}

internal static class NoCctorScenario
{
    public static int Run()
    {
        long twice = 0, lookups = 0;
        for (int i = 0; i < 300; i++) twice += Pure.Twice(i);
        for (int i = 0; i < 300; i++) lookups += WithCctor.Lookup(i);
        Console.WriteLine($"Twice sum {twice}, Lookup sum {lookups}");
        Expect.Calls("Scenarios.Pure::Twice", 300);
        Expect.Calls("Scenarios.WithCctor::Lookup", 300);
        return 0;
    }
}
