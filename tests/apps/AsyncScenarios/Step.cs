namespace AsyncScenarios;

// The outcome pattern of the counted methods, by call index i, so that every one of them mixes
// synchronous completion with real suspension, and success with fault and cancellation:
//   i % 3:  0 → await Task.Yield(), 1 → await Task.Delay(1), 2 → no suspension at all;
//   i % 10: 3 or 7 → InvalidOperationException (task faulted),
//           5 → the caller passes a cancelled token, ThrowIfCancellationRequested (task cancelled).
// Step's own methods are never probed by the counts test: only the callers' figures matter.
internal static class Step
{
    private static readonly CancellationToken Cancelled = new(canceled: true);

    public static bool Faults(int i) => i % 10 is 3 or 7;

    // The token the driver passes for call i.
    public static CancellationToken TokenFor(int i) => i % 10 == 5 ? Cancelled : CancellationToken.None;

    public static async Task Pause(int i)
    {
        if (i % 3 == 0) await Task.Yield();
        else if (i % 3 == 1) await Task.Delay(1);
    }

    public static int Finish(int i, CancellationToken token)
    {
        if (Faults(i)) throw new InvalidOperationException($"fault {i}");
        token.ThrowIfCancellationRequested();
        return i * 2;
    }
}
