namespace LateLib;

// Loaded by the Scenarios "latelib" scenario through Assembly.LoadFrom, so its module
// loads long after startup. Compute is called through reflection and a delegate;
// Report through the framework interface IProgress<int> (no shared assembly needed).
public sealed class Plugin : IProgress<int>
{
    private long _reported;

    public int Factor { get; } = 3;

    public long Reported => _reported;

    public int Compute(int x) => x * Factor + 1;

    public void Report(int value) => _reported += value;
}
