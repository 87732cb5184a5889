using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StackTraces;

// The probed methods: each throws at a known place. NoInlining keeps each one its own frame
// in the plain run too.
public static class Throwers
{
    public static StackTrace? FilterTrace;

    // The very first statement throws (the method has no ret at all).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AtFirstStatement(int n)
    {
        throw new InvalidOperationException($"first {n}");
    }

    // Some work, then a throw from the middle of the body.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int InTheMiddle(int n)
    {
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            total += i * i;
        }
        if (total > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"middle {total}");
        }
        total += n;
        return total;
    }

    // The exception comes from a framework callee: this method is a frame further down.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int InACallee(int n)
    {
        var values = new List<int> { n, n + 1 };
        int sum = values[0];
        sum += values[n];
        return sum;
    }

    // Thrown inside a try nested in another try; a finally runs, nothing catches it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int InsideNestedTry(int n)
    {
        int r = n;
        try
        {
            r += 1;
            try
            {
                r *= 2;
                if (r > 1)
                {
                    throw new FormatException($"nested {r}");
                }
            }
            finally
            {
                r++;
            }
        }
        catch (ArgumentException)
        {
            r = -1;
        }
        return r;
    }

    // A filter (`when`) records the stack as seen from inside it, declines, and the
    // exception escapes.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int InsideFilter(int n)
    {
        try
        {
            if (n > 0)
            {
                throw new KeyNotFoundException($"filtered {n}");
            }
            return n;
        }
        catch (KeyNotFoundException e) when (Record(new StackTrace(true), e, n))
        {
            return -n;
        }
    }

    private static bool Record(StackTrace trace, Exception e, int n)
    {
        FilterTrace = trace;
        return e.Message.Length < n;
    }

    // Many returns inside the `if`: each grows by a few bytes when rewritten, so the short
    // branch over the block no longer reaches and is widened. The throw comes after it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AfterWidenedBranch(int n)
    {
        if (n < 20)
        {
            if (n == 1) return 101;
            if (n == 2) return 102;
            if (n == 3) return 103;
            if (n == 4) return 104;
            if (n == 5) return 105;
            if (n == 6) return 106;
            if (n == 7) return 107;
            if (n == 8) return 108;
            if (n == 9) return 109;
            if (n == 10) return 110;
            if (n == 11) return 111;
            if (n == 12) return 112;
            if (n == 13) return 113;
            if (n == 14) return 114;
            if (n == 15) return 115;
            if (n == 16) return 116;
        }
        throw new NotSupportedException($"widened {n}");
    }
}
