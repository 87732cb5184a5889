namespace Scenarios;

// Struct returned by value (24 bytes: returned through a hidden return buffer on SysV x64),
// struct passed by value, and instance methods on a struct (byref `this`, one mutating).

public readonly struct Point3
{
    public readonly long X;
    public readonly long Y;
    public readonly long Z;

    public Point3(long x, long y, long z)
    {
        X = x;
        Y = y;
        Z = z;
    }
}

public static class Geometry
{
    public static Point3 MakePoint(int i) => new Point3(i, i * 2L, i * 3L);

    public static long Sum(Point3 p) => p.X + p.Y + p.Z;
}

public struct Vec2
{
    public int X;
    public int Y;

    public readonly int Length2() => X * X + Y * Y;

    public void Scale(int k)
    {
        X *= k;
        Y *= k;
    }
}

internal static class StructReturnScenario
{
    public static int Run()
    {
        long x = 0, y = 0, z = 0, sums = 0;
        for (int i = 0; i < 250; i++)
        {
            Point3 p = Geometry.MakePoint(i);
            x += p.X;
            y += p.Y;
            z += p.Z;
            sums += Geometry.Sum(p);
        }
        Console.WriteLine($"points x {x} y {y} z {z} sums {sums}");
        Expect.Calls("Scenarios.Geometry::MakePoint", 250);
        Expect.Calls("Scenarios.Geometry::Sum", 250);
        return 0;
    }
}

internal static class StructInstanceScenario
{
    public static int Run()
    {
        long lengths = 0;
        long coords = 0;
        for (int i = 0; i < 400; i++)
        {
            var v = new Vec2 { X = i % 9, Y = i % 4 };
            v.Scale(2);
            coords += v.X + v.Y;
            lengths += v.Length2();
        }
        Console.WriteLine($"Vec2 coords {coords} lengths {lengths}");
        Expect.Calls("Scenarios.Vec2::Scale", 400);
        Expect.Calls("Scenarios.Vec2::Length2", 400);
        return 0;
    }
}
