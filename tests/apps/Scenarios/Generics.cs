namespace Scenarios;

// Generic method and generic type, each instantiated over a value type (own JIT body)
// and a reference type (shared __Canon body). ReJIT is per method definition, so one
// probe covers both instantiations.

public static class Generics
{
    public static T Identity<T>(T value) => value;
}

public sealed class Box<T>
{
    private readonly T _value;

    public Box(T value) => _value = value;

    public T Get() => _value;
}

internal static class GenericMethodScenario
{
    public static int Run()
    {
        long ints = 0;
        for (int i = 0; i < 400; i++) ints += Generics.Identity(i);
        long chars = 0;
        for (int i = 0; i < 100; i++) chars += Generics.Identity("s" + i).Length;
        Console.WriteLine($"Identity<int> sum {ints}, Identity<string> chars {chars}");
        Expect.Calls("Scenarios.Generics::Identity", 500);
        return 0;
    }
}

internal static class GenericTypeScenario
{
    public static int Run()
    {
        var intBox = new Box<int>(7);
        var stringBox = new Box<string>("seven");
        long ints = 0;
        for (int i = 0; i < 300; i++) ints += intBox.Get();
        long chars = 0;
        for (int i = 0; i < 200; i++) chars += stringBox.Get().Length;
        Console.WriteLine($"Box<int>.Get sum {ints}, Box<string>.Get chars {chars}");
        Expect.Calls("Scenarios.Box::Get", 500);
        return 0;
    }
}
