/// Mutually recursive functions whose every recursive call is a `tail.` call:
/// isEven n and isOdd n recurse n levels deep, which overflows the stack
/// unless the calls really are tail calls.
module FSharpTail.Parity

open System.Runtime.CompilerServices

// NoInlining: the calls stay calls, so a probe on each function sees every level.
[<MethodImpl(MethodImplOptions.NoInlining)>]
let rec isEven (n: int) : bool = if n = 0 then true else isOdd (n - 1)

and [<MethodImpl(MethodImplOptions.NoInlining)>] isOdd (n: int) : bool = if n = 0 then false else isEven (n - 1)
