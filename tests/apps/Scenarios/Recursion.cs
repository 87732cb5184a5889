namespace Scenarios;

// Naive recursion: Fib(n) makes 2*F(n+1)-1 calls; Fib(15) = 610 with 1973 calls.
public static class Recursion
{
    public static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
}

internal static class RecursionScenario
{
    public static int Run()
    {
        Console.WriteLine($"Fib(15) = {Recursion.Fib(15)}");
        Expect.Calls("Scenarios.Recursion::Fib", 1973);
        return 0;
    }
}
