namespace Scenarios;

// ref and out parameters: the caller must still observe the callee's writes.

public static class RefOut
{
    public static bool TryDivide(int a, int b, out int quotient)
    {
        if (b == 0)
        {
            quotient = 0;
            return false;
        }
        quotient = a / b;
        return true;
    }

    public static void Swap(ref int a, ref int b)
    {
        (a, b) = (b, a);
    }
}

internal static class RefOutScenario
{
    public static int Run()
    {
        int ok = 0, failed = 0;
        long quotients = 0;
        for (int i = 0; i < 120; i++)
        {
            if (RefOut.TryDivide(1000 + i, i % 12, out int q))
            {
                ok++;
                quotients += q;
            }
            else
            {
                failed++;
            }
        }
        int a = 1, b = 2;
        for (int i = 0; i < 81; i++) RefOut.Swap(ref a, ref b);
        Console.WriteLine($"TryDivide ok {ok} failed {failed} quotients {quotients}");
        Console.WriteLine($"after 81 swaps a {a} b {b}");
        Expect.Calls("Scenarios.RefOut::TryDivide", 120);
        Expect.Calls("Scenarios.RefOut::Swap", 81);
        return 0;
    }
}
