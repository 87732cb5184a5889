using System.Runtime.CompilerServices;
using System.Text;
using System.Web;

namespace Scenarios;

// Framework methods with ReadyToRun code (the shared framework assemblies are R2R images).
// Chosen so that only this scenario calls them in this process:
//  - System.Web.HttpUtility::ParseQueryString(string, Encoding): large (loop), never
//    inlined; System.Web.HttpUtility.dll is loaded only by this scenario. We call the
//    two-argument overload only, so a selector without a signature (matching both
//    overloads) counts exactly our calls.
//  - System.Web.HttpUtility::UrlEncode(string): a one-line wrapper; four UrlEncode overloads
//    exist, so the selector must use the (string) signature. Nothing on this path calls it.
//  - System.Text.StringBuilder::AppendLine(string) in System.Private.CoreLib (always loaded
//    before the program starts); console output does not use it.
// The callers are NoOptimization|NoInlining so the targets are never inlined into them.
internal static class ReadyToRunScenario
{
    public static int Run()
    {
        Console.WriteLine($"query keys {ParseQueries(90)}");
        Console.WriteLine($"url encoded chars {EncodeUrls(120)}");
        Console.WriteLine($"appended chars {AppendLines(75)}");
        Expect.Calls("System.Web.HttpUtility::ParseQueryString", 90);
        Expect.Calls("System.Web.HttpUtility::UrlEncode(string)", 120);
        Expect.Calls("System.Text.StringBuilder::AppendLine(string)", 75);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoOptimization | MethodImplOptions.NoInlining)]
    private static int ParseQueries(int count)
    {
        int keys = 0;
        for (int i = 0; i < count; i++)
        {
            keys += HttpUtility.ParseQueryString($"?a={i}&b=x%20y&c{i % 3}=z", Encoding.UTF8).Count;
        }
        return keys;
    }

    [MethodImpl(MethodImplOptions.NoOptimization | MethodImplOptions.NoInlining)]
    private static long EncodeUrls(int count)
    {
        long chars = 0;
        for (int i = 0; i < count; i++) chars += HttpUtility.UrlEncode($"a b&c={i}/ü").Length;
        return chars;
    }

    [MethodImpl(MethodImplOptions.NoOptimization | MethodImplOptions.NoInlining)]
    private static int AppendLines(int count)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++) sb.AppendLine("line " + i);
        return sb.Length;
    }
}
