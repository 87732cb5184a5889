/// FSharpTail <depth> [--wait]: walks isEven/isOdd <depth> levels deep and
/// prints the result and how many calls each function must have received, for
/// the test to compare with the probe's figures. With --wait it then prints
/// its pid and waits for a line on stdin, so a test can ask the agent (`list`).
module FSharpTail.Program

[<EntryPoint>]
let main argv =
    let wait = argv |> Array.contains "--wait"
    let depth =
        match argv |> Array.filter (fun a -> a <> "--wait") with
        | [||] -> 1000000
        | rest -> int rest.[0]
    printfn "isEven %d = %b" depth (Parity.isEven depth)
    // isEven sees the even values depth..0 (or depth-1..0), isOdd the odd ones.
    let evens = depth / 2 + 1
    let odds = depth - depth / 2
    let evenCalls, oddCalls = if depth % 2 = 0 then evens, odds else odds, evens
    printfn "expected isEven %d" evenCalls
    printfn "expected isOdd %d" oddCalls
    if wait then
        printfn "pid %d" System.Environment.ProcessId
        System.Console.Out.Flush()
        System.Console.ReadLine() |> ignore
    0
