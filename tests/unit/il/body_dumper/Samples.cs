using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace Samples {
public struct Point { public int X, Y; }

public class Subjects {
  int _field = 3;
  public static int TryCatchFinally(int a) {
    int r = 0;
    try {
      if (a == 0) throw new InvalidOperationException("zero");
      r = 10 / a;
    } catch (InvalidOperationException) {
      r = -1;
    } catch (Exception e) when (e.Message.Length > 3) {
      r = -2;
    } finally {
      r += 100;
    }
    return r;
  }
  public static string Switch(int k) {
    switch (k) {
      case 0: return "zero";
      case 1: return "one";
      case 2: return "two";
      case 3: return "three";
      case 5: return "five";
      default: return "many";
    }
  }
  public static async Task<int> AsyncSum(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) { await Task.Yield(); s += i; }
    return s;
  }
  public static T Echo<T>(T value) where T : IComparable<T> {
    return value.CompareTo(default(T)) > 0 ? value : default(T);
  }
  public static IEnumerable<int> Iterate(int n) {
    for (int i = 0; i < n; i++) yield return i * i;
  }
  public static Point MakePoint(int x, int y) => new Point { X = x, Y = y };
  public ref int FieldRef() => ref _field;
  public static unsafe int StackAlloc(int n) {
    int* p = stackalloc int[16];
    for (int i = 0; i < 16; i++) p[i] = i * n;
    return p[n & 15];
  }
  public static int UsingAndLock(object gate, string path) {
    lock (gate) {
      using (var ms = new MemoryStream()) {
        ms.WriteByte(1);
        return (int)ms.Length + path.Length;
      }
    }
  }
  public static int BigLoop(int[] data) {
    int total = 0;
    foreach (var d in data) {
      if (d < 0) continue;
      if (d > 1000) break;
      total += d switch { 1 => 10, 2 => 20, 3 => 30, _ => d };
    }
    return total;
  }
  public static Func<int, int> Lambda(int k) => x => x * k + 1;
  public void VoidInstance(int a) { if (a > 0) _field = a; else _field = -a; }
}
}
