namespace Scenarios;

// An async method: the probe counts calls of the kick-off method ComputeAsync and measures
// each call to the completion of its Task. Exceptions thrown inside it are stored in the
// returned Task (10 of the 100 calls fault): a faulted task counts as an exception.
public static class AsyncWork
{
    public static async Task<int> ComputeAsync(int i)
    {
        if (i % 10 == 0) throw new InvalidOperationException($"async fail {i}");
        if (i % 3 == 0) await Task.Yield();
        else await Task.Delay(0);
        return i * 2;
    }
}

internal static class AsyncScenario
{
    public static int Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task<int> RunAsync()
    {
        long sum = 0;
        int failures = 0;
        for (int i = 0; i < 100; i++)
        {
            try
            {
                sum += await AsyncWork.ComputeAsync(i);
            }
            catch (InvalidOperationException e)
            {
                failures++;
                if (failures <= 3) Console.WriteLine($"awaited exception: {e.Message}");
            }
        }
        Console.WriteLine($"async sum {sum}, failures {failures}");
        Expect.Calls("Scenarios.AsyncWork::ComputeAsync", 100);
        Expect.Exceptions("Scenarios.AsyncWork::ComputeAsync", 10);
        return 0;
    }
}
