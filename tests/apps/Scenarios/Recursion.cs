namespace Scenarios;

// Naive recursion: Fib(n) makes 2*F(n+1)-1 calls; Fib(15) = 610 with 1973 calls.
public static class Recursion
{
    public static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    // Self-recursion in tail position (`call CountDown; ret` in IL): a call the JIT may turn
    // into a tail call, which a full probe's try prevents (tests/integration/tail_calls_test.cpp).
    // CountDown(n, 0) makes n + 1 calls and returns n.
    public static int CountDown(int n, int acc) => n == 0 ? acc : CountDown(n - 1, acc + 1);
}

internal static class RecursionScenario
{
    public static int Run()
    {
        Console.WriteLine($"Fib(15) = {Recursion.Fib(15)}");
        Expect.Calls("Scenarios.Recursion::Fib", 1973);
        Console.WriteLine($"CountDown(1000) = {Recursion.CountDown(1000, 0)}");
        Expect.Calls("Scenarios.Recursion::CountDown", 1001);
        return 0;
    }
}
