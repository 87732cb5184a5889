namespace Scenarios;

// Entry point: `dotnet Scenarios.dll <scenario> [LateLib.dll path]`.
// Every scenario prints deterministic output, including lines
//   expected <Ns.Type::Method> <calls>
//   expected-exceptions <Ns.Type::Method> <escaping exceptions>
// that the integration tests compare with the clrprobe report.
public static class Program
{
    private static readonly (string Name, Func<string[], int> Run)[] Registry =
    {
        ("static", _ => StaticScenario.Run()),
        ("instance", _ => InstanceScenario.Run()),
        ("nested", _ => NestedScenario.Run()),
        ("virtual", _ => VirtualScenario.Run()),
        ("interface", _ => InterfaceScenario.Run()),
        ("generic-method", _ => GenericMethodScenario.Run()),
        ("generic-type", _ => GenericTypeScenario.Run()),
        ("struct-return", _ => StructReturnScenario.Run()),
        ("struct-instance", _ => StructInstanceScenario.Run()),
        ("refout", _ => RefOutScenario.Run()),
        ("returns", _ => ReturnsScenario.Run()),
        ("switch", _ => SwitchScenario.Run()),
        ("throws", _ => ThrowsScenario.Run()),
        ("handlers", _ => HandlersScenario.Run()),
        ("inlining", _ => InliningScenario.Run()),
        ("latelib", args => LateLoadScenario.Run(args)),
        ("r2r", _ => ReadyToRunScenario.Run()),
        ("async", _ => AsyncScenario.Run()),
        ("recursive", _ => RecursionScenario.Run()),
        ("nocctor", _ => NoCctorScenario.Run()),
        ("locals", _ => BigMethodScenario.Run()),
        ("threads", _ => ThreadsScenario.Run()),
        ("exitcode", _ => ExitCodeScenario.Run()),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Scenarios <scenario|all|list> [path/to/LateLib.dll]");
            return 2;
        }
        string name = args[0];
        string[] rest = args[1..];
        if (name == "list")
        {
            foreach (var (n, _) in Registry) Console.WriteLine(n);
            return 0;
        }
        if (name == "all") return RunAll(rest);
        foreach (var (n, run) in Registry)
        {
            if (n == name) return Finish(run(rest));
        }
        Console.Error.WriteLine($"unknown scenario '{name}'");
        return 2;
    }

    // Runs every scenario except "exitcode"; returns the first non-zero code, else 0.
    private static int RunAll(string[] rest)
    {
        int code = 0;
        foreach (var (n, run) in Registry)
        {
            if (n == "exitcode") continue;
            Console.WriteLine($"== {n}");
            int rc = run(rest);
            if (rc != 0 && code == 0) code = rc;
        }
        return Finish(code);
    }

    private static int Finish(int code)
    {
        Console.WriteLine($"exit {code}");
        Console.Out.Flush();
        return code;
    }
}

internal static class Expect
{
    public static void Calls(string method, long count) =>
        Console.WriteLine($"expected {method} {count}");

    public static void Exceptions(string method, long count) =>
        Console.WriteLine($"expected-exceptions {method} {count}");
}

internal static class ExitCodeScenario
{
    // A fixed non-zero exit code: `clrprobe run` must hand it back unchanged.
    public static int Run()
    {
        Console.WriteLine("exiting with 42");
        return 42;
    }
}
