using System.Reflection;
using System.Runtime.CompilerServices;

namespace Everything;

// Force-compiles whole assemblies: RuntimeHelpers.PrepareMethod on every method of every
// type. Under clrprobe, a probed method's active code version is the instrumented one, so
// this makes the JIT compile every rewritten body now, whether the workloads call it or not:
// a bad rewrite shows up as InvalidProgramException (or BadImageFormatException).
//
// Generic types and methods are prepared over one instantiation (object, else int, ...) that
// satisfies their constraints (shared code for reference types); those without one are
// skipped. Abstract methods and methods without IL (P/Invoke, internal calls, runtime-
// implemented) are skipped: they have nothing to compile and clrprobe refuses them.
public static class ForceCompile
{
    private const BindingFlags AllDeclared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                             BindingFlags.Static | BindingFlags.DeclaredOnly;

    // Tried in order, the same type for every generic parameter of a type or method.
    private static readonly Type[] Candidates =
        { typeof(object), typeof(int), typeof(string), typeof(long), typeof(double), typeof(byte), typeof(char) };

    private const int MaxFailuresShown = 40;

    public sealed class Counts
    {
        public long Types, TypeLoadFailures, Methods, Prepared, Abstract, NoIL, GenericSkipped;
        public readonly SortedDictionary<string, long> FailuresByType = new(StringComparer.Ordinal);

        public long Failures(string exceptionType) => FailuresByType.GetValueOrDefault(exceptionType);

        public void Add(Counts other)
        {
            Types += other.Types;
            TypeLoadFailures += other.TypeLoadFailures;
            Methods += other.Methods;
            Prepared += other.Prepared;
            Abstract += other.Abstract;
            NoIL += other.NoIL;
            GenericSkipped += other.GenericSkipped;
            foreach (var (k, v) in other.FailuresByType) FailuresByType[k] = FailuresByType.GetValueOrDefault(k) + v;
        }

        public string Describe()
        {
            string failures = FailuresByType.Count == 0
                ? "none"
                : string.Join(",", FailuresByType.Select(kv => $"{kv.Key}={kv.Value}"));
            return $"types={Types} type-load-failures={TypeLoadFailures} methods={Methods} prepared={Prepared} " +
                   $"abstract={Abstract} no-il={NoIL} generic-skipped={GenericSkipped} failures={failures}";
        }
    }

    // spec: ASSEMBLY[:NamespacePrefix]; "self" is this program's assembly.
    public static Counts Run(string spec)
    {
        int colon = spec.IndexOf(':');
        string assemblyName = colon < 0 ? spec : spec[..colon];
        string? prefix = colon < 0 ? null : spec[(colon + 1)..];
        Assembly assembly = assemblyName switch
        {
            "self" => typeof(ForceCompile).Assembly,
            "System.Private.CoreLib" => typeof(object).Assembly,
            _ => Assembly.Load(assemblyName),
        };

        var counts = new Counts();
        int shown = 0;
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types;
            counts.TypeLoadFailures = e.Types.Count(t => t is null);
        }

        foreach (Type? type in types.OrderBy(t => t?.FullName, StringComparer.Ordinal))
        {
            if (type is null) continue;
            if (prefix is not null && !(type.FullName ?? "").StartsWith(prefix, StringComparison.Ordinal)) continue;
            counts.Types++;
            MethodBase[] methods;
            try
            {
                methods = type.GetMethods(AllDeclared).Cast<MethodBase>()
                    .Concat(type.GetConstructors(AllDeclared))
                    .ToArray();
            }
            catch (Exception e)
            {
                counts.TypeLoadFailures++;
                Note(ref shown, $"{type.FullName}: cannot list methods: {e.GetType().FullName}");
                continue;
            }
            Type[]? typeArgs = null;
            if (type.IsGenericTypeDefinition)
            {
                typeArgs = Instantiate(type.GetGenericArguments().Length, a => type.MakeGenericType(a));
            }
            foreach (MethodBase method in methods)
            {
                counts.Methods++;
                if (method.IsAbstract)
                {
                    counts.Abstract++;
                    continue;
                }
                MethodImplAttributes impl = method.MethodImplementationFlags;
                if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0 ||
                    (impl & (MethodImplAttributes.InternalCall | MethodImplAttributes.Runtime)) != 0 ||
                    (impl & MethodImplAttributes.CodeTypeMask) != MethodImplAttributes.IL)
                {
                    counts.NoIL++;
                    continue;
                }
                RuntimeTypeHandle[]? instantiation = null;
                if (type.IsGenericTypeDefinition || method.IsGenericMethodDefinition)
                {
                    instantiation = Instantiation(type, typeArgs, method);
                    if (instantiation is null)
                    {
                        counts.GenericSkipped++;
                        continue;
                    }
                }
                try
                {
                    if (instantiation is null) RuntimeHelpers.PrepareMethod(method.MethodHandle);
                    else RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
                    counts.Prepared++;
                }
                catch (Exception e)
                {
                    string name = e.GetType().FullName ?? e.GetType().Name;
                    counts.FailuresByType[name] = counts.FailuresByType.GetValueOrDefault(name) + 1;
                    string where = $"{type.FullName}::{method.Name}";
                    if (e is InvalidProgramException or BadImageFormatException)
                    {
                        // A bad rewrite: always on stdout (it makes the output differ anyway).
                        Console.WriteLine($"prepare bad-il {where}: {name}: {e.Message}");
                    }
                    else
                    {
                        Note(ref shown, $"{where}: {name}: {e.Message}");
                    }
                }
            }
        }
        return counts;
    }

    // Failures other than bad IL go to stderr (not part of the compared output), capped.
    private static void Note(ref int shown, string text)
    {
        if (shown++ < MaxFailuresShown) Console.Error.WriteLine($"prepare note {text}");
    }

    // The first candidate instantiation `make` accepts (constraints satisfied), else null.
    private static Type[]? Instantiate(int arity, Func<Type[], object> make)
    {
        foreach (Type candidate in Candidates)
        {
            Type[] args = Enumerable.Repeat(candidate, arity).ToArray();
            try
            {
                make(args);
                return args;
            }
            catch (ArgumentException)
            {
            }
            catch (NotSupportedException)
            {
            }
        }
        return null;
    }

    // Class instantiation followed by method instantiation, as PrepareMethod wants them.
    private static RuntimeTypeHandle[]? Instantiation(Type type, Type[]? typeArgs, MethodBase method)
    {
        if (type.IsGenericTypeDefinition && typeArgs is null) return null;
        var handles = new List<RuntimeTypeHandle>();
        if (typeArgs is not null) handles.AddRange(typeArgs.Select(t => t.TypeHandle));
        if (method.IsGenericMethodDefinition && method is MethodInfo info)
        {
            int arity = info.GetGenericArguments().Length;
            // Constraints of a generic method of a generic type may mention the type's
            // parameters: check them on the method of the instantiated type.
            MethodInfo target = info;
            if (typeArgs is not null)
            {
                try
                {
                    Type closed = type.MakeGenericType(typeArgs);
                    target = (MethodInfo)MethodBase.GetMethodFromHandle(info.MethodHandle, closed.TypeHandle)!;
                }
                catch (Exception)
                {
                    return null;
                }
            }
            Type[]? methodArgs = Instantiate(arity, a => target.MakeGenericMethod(a));
            if (methodArgs is null) return null;
            handles.AddRange(methodArgs.Select(t => t.TypeHandle));
        }
        return handles.ToArray();
    }
}
