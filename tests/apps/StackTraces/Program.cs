using System.Diagnostics;

namespace StackTraces;

// `dotnet StackTraces.dll`: runs each thrower and prints, for every exception, its
// StackTrace (file and line of each frame) and the IL offset and line of the frames in this
// assembly. The output must not change when the Throwers methods are probed.
public static class Program
{
    public static int Main()
    {
        Report("first-statement", () => Throwers.AtFirstStatement(1));
        Report("middle", () => Throwers.InTheMiddle(4));
        Report("callee", () => Throwers.InACallee(3));
        Report("nested-try", () => Throwers.InsideNestedTry(2));
        Report("filter", () => Throwers.InsideFilter(5));
        Report("after-widened-branch", () => Throwers.AfterWidenedBranch(40));
        Console.WriteLine("== filter trace");
        Console.WriteLine(Frames(Throwers.FilterTrace ?? new StackTrace()));
        return 0;
    }

    private static void Report(string name, Action action)
    {
        try
        {
            action();
            Console.WriteLine($"== {name}: no exception");
        }
        catch (Exception e)
        {
            Console.WriteLine($"== {name}: {e.GetType().Name}: {e.Message}");
            Console.WriteLine(e.StackTrace);
            var trace = new StackTrace(e, true);
            StackFrame? top = trace.GetFrame(0);
            Console.WriteLine($"frame 0 il {top?.GetILOffset()}");
            Console.WriteLine(Frames(trace));
        }
    }

    // The frames of this assembly: method, IL offset, line.
    private static string Frames(StackTrace trace)
    {
        var lines = new List<string>();
        foreach (StackFrame frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            if (method?.DeclaringType?.Assembly != typeof(Program).Assembly) continue;
            lines.Add($"  {method.DeclaringType.Name}.{method.Name} il {frame.GetILOffset()} line {frame.GetFileLineNumber()}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
