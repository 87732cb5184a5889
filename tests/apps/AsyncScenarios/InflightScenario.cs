namespace AsyncScenarios;

public static class InFlight
{
    // Stays pending until the shared gate opens.
    public static async Task WaitAsync(Task gate) => await gate;
}

// 10,000 calls of InFlight.WaitAsync pending at once on one gate, driven over stdin so that the
// test can read `clrprobe stats` in each phase:
//   prints "ready pid=<pid>", starts the calls, prints "inflight-started <n>";
//   waits for a line ("release"), opens the gate, awaits every call, prints "inflight-done";
//   waits for one more line (or end of input), prints the expected figures and exits.
internal static class InflightScenario
{
    private const int Calls = 10_000;

    public static int Run()
    {
        Console.WriteLine($"ready pid={Environment.ProcessId}");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new Task[Calls];
        for (int i = 0; i < Calls; i++) calls[i] = InFlight.WaitAsync(gate.Task);
        Console.WriteLine($"inflight-started {calls.Count(t => !t.IsCompleted)}");
        Console.ReadLine();
        gate.SetResult();
        Task.WhenAll(calls).GetAwaiter().GetResult();
        Console.WriteLine("inflight-done");
        Console.ReadLine();
        Expect.Figures("AsyncScenarios.InFlight::WaitAsync", Calls, 0, 0);
        return 0;
    }
}
