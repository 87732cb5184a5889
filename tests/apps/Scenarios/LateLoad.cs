using System.Reflection;

namespace Scenarios;

// Loads LateLib.dll (path from the command line, default ../LateLib/LateLib.dll next to
// this program) well after startup with Assembly.LoadFrom. LateLib is not referenced at
// build time, so its module is unknown until then.
internal static class LateLoadScenario
{
    public static int Run(string[] args)
    {
        string path = args.Length > 0
            ? Path.GetFullPath(args[0])
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "LateLib", "LateLib.dll"));
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"LateLib.dll not found at {path}");
            return 3;
        }
        Thread.Sleep(100); // "later": the agent's startup work is long done
        Assembly asm = Assembly.LoadFrom(path);
        Type type = asm.GetType("LateLib.Plugin", throwOnError: true)!;
        object plugin = Activator.CreateInstance(type)!;

        MethodInfo compute = type.GetMethod("Compute")!;
        long viaReflection = 0;
        for (int i = 0; i < 100; i++) viaReflection += (int)compute.Invoke(plugin, new object[] { i })!;
        var computeDelegate = compute.CreateDelegate<Func<int, int>>(plugin);
        long viaDelegate = 0;
        for (int i = 0; i < 400; i++) viaDelegate += computeDelegate(i);

        var progress = (IProgress<int>)plugin;
        for (int i = 0; i < 200; i++) progress.Report(i);
        long reported = (long)type.GetProperty("Reported")!.GetValue(plugin)!;

        Console.WriteLine($"LateLib loaded: {asm.GetName().Name}");
        Console.WriteLine($"Compute via reflection {viaReflection}, via delegate {viaDelegate}");
        Console.WriteLine($"Report total {reported}");
        Expect.Calls("LateLib.Plugin::Compute", 500);
        Expect.Calls("LateLib.Plugin::Report", 200);
        return 0;
    }
}
