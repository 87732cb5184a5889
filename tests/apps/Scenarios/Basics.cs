namespace Scenarios;

// Plain static, instance and nested-type methods. Loops stay below ~900 iterations per
// driver call so the (run-once) drivers stay at tier 0 (no OSR, no inlining of targets).

public static class Calc
{
    public static int Add(int a, int b) => a + b;

    public static int Mul(int a, int b) => a * b;
}

public sealed class Counter
{
    public long Value { get; private set; }

    public void Increment(int by) => Value += by;
}

public static class Outer
{
    public sealed class Inner
    {
        private int _total;

        public int Work(int x)
        {
            _total += x;
            return _total;
        }
    }
}

internal static class StaticScenario
{
    public static int Run()
    {
        long sum = 0;
        for (int i = 0; i < 700; i++) sum += Calc.Add(i, 1);
        long product = 0;
        for (int i = 0; i < 300; i++) product += Calc.Mul(i, 3);
        Console.WriteLine($"Calc.Add sum {sum}");
        Console.WriteLine($"Calc.Mul sum {product}");
        Expect.Calls("Scenarios.Calc::Add", 700);
        Expect.Calls("Scenarios.Calc::Mul", 300);
        return 0;
    }
}

internal static class InstanceScenario
{
    public static int Run()
    {
        var counter = new Counter();
        for (int i = 0; i < 500; i++) counter.Increment(i % 7);
        Console.WriteLine($"Counter.Value {counter.Value}");
        Expect.Calls("Scenarios.Counter::Increment", 500);
        return 0;
    }
}

internal static class NestedScenario
{
    public static int Run()
    {
        var inner = new Outer.Inner();
        int last = 0;
        for (int i = 0; i < 120; i++) last = inner.Work(i);
        Console.WriteLine($"Outer+Inner.Work last {last}");
        Expect.Calls("Scenarios.Outer+Inner::Work", 120);
        return 0;
    }
}

public class Shape
{
    public virtual int Area() => 0;
}

public sealed class Square : Shape
{
    private readonly int _side;

    public Square(int side) => _side = side;

    public override int Area() => _side * _side;
}

public sealed class Circle : Shape
{
    private readonly int _radius;

    public Circle(int radius) => _radius = radius;

    public override int Area() => 3 * _radius * _radius;
}

// Does not override Area: calls through Shape dispatch to Shape::Area.
public sealed class Blob : Shape
{
}

internal static class VirtualScenario
{
    public static int Run()
    {
        var shapes = new Shape[600];
        for (int i = 0; i < shapes.Length; i++)
        {
            shapes[i] = (i % 6) switch
            {
                0 or 1 or 2 => new Square(i % 10),
                3 or 4 => new Circle(i % 5),
                _ => new Blob(),
            };
        }
        long total = 0;
        foreach (Shape s in shapes) total += s.Area();
        Console.WriteLine($"total area {total}");
        Expect.Calls("Scenarios.Square::Area", 300);
        Expect.Calls("Scenarios.Circle::Area", 200);
        Expect.Calls("Scenarios.Shape::Area", 100);
        return 0;
    }
}

public interface IGreeter
{
    string Greet(string name);
}

public sealed class EnglishGreeter : IGreeter
{
    public string Greet(string name) => "Hello, " + name;
}

// Explicit implementation: the method's metadata name is "Scenarios.IGreeter.Greet".
public sealed class GermanGreeter : IGreeter
{
    string IGreeter.Greet(string name) => "Hallo, " + name;
}

internal static class InterfaceScenario
{
    public static int Run()
    {
        IGreeter english = new EnglishGreeter();
        IGreeter german = new GermanGreeter();
        long chars = 0;
        string last = "";
        for (int i = 0; i < 400; i++)
        {
            IGreeter g = i % 8 < 5 ? english : german;
            last = g.Greet("n" + i);
            chars += last.Length;
        }
        Console.WriteLine($"greeting chars {chars}, last '{last}'");
        Expect.Calls("Scenarios.EnglishGreeter::Greet", 250);
        Expect.Calls("Scenarios.GermanGreeter::Scenarios.IGreeter.Greet", 150);
        return 0;
    }
}
