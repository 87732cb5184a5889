/// FSharpTail <depth>: walks isEven/isOdd <depth> levels deep and prints the
/// result and how many calls each function must have received, for the test
/// to compare with the probe's figures.
module FSharpTail.Program

[<EntryPoint>]
let main argv =
    let depth = if argv.Length > 0 then int argv.[0] else 1000000
    printfn "isEven %d = %b" depth (Parity.isEven depth)
    // isEven sees the even values depth..0 (or depth-1..0), isOdd the odd ones.
    let evens = depth / 2 + 1
    let odds = depth - depth / 2
    let evenCalls, oddCalls = if depth % 2 = 0 then evens, odds else odds, evens
    printfn "expected isEven %d" evenCalls
    printfn "expected isOdd %d" oddCalls
    0
