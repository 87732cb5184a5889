namespace AsyncScenarios;

// Entry point: `dotnet AsyncScenarios.dll <scenario>`.
//   counts     exact calls / faulted / cancelled per task-returning method (CountsScenario.cs)
//   latency    methods that await Task.Delay(50) and one that completes synchronously
//   semantics  what awaiting code sees: values, exceptions, AsyncLocal, contexts (SemanticsScenario.cs)
//   inflight   10,000 calls pending on one gate, driven over stdin (InflightScenario.cs)
//   loop       async calls on several tasks until stdin says stop (LoopScenario.cs)
// counts/latency/semantics print only deterministic text, so a plain and a probed run can be
// compared byte for byte; each probed method's figures are declared by a line
//   expected <selector> calls=N exceptions=E cancelled=C
// that the tests compare with their own table and with the clrprobe report.
public static class Program
{
    private static readonly (string Name, Func<int> Run)[] Registry =
    {
        ("counts", CountsScenario.Run),
        ("latency", LatencyScenario.Run),
        ("semantics", SemanticsScenario.Run),
        ("inflight", InflightScenario.Run),
        ("loop", LoopScenario.Run),
    };

    public static int Main(string[] args)
    {
        foreach (var (name, run) in Registry)
        {
            if (args.Length > 0 && args[0] == name)
            {
                int code = run();
                Console.WriteLine($"exit {code}");
                return code;
            }
        }
        Console.Error.WriteLine("usage: AsyncScenarios <counts|latency|semantics|inflight|loop>");
        return 2;
    }
}

internal static class Expect
{
    public static void Figures(string selector, long calls, long exceptions, long cancelled) =>
        Console.WriteLine($"expected {selector} calls={calls} exceptions={exceptions} cancelled={cancelled}");
}
